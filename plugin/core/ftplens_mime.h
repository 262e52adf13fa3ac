/* ftplens_mime.h - the MIME type of a transferred file from its first bytes,
 * as Zeek's file signatures name it (the log's mime_type column).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_MIME_H
#define FTPLENS_MIME_H

#include <stddef.h>
#include <stdint.h>

/* How many first bytes of a data connection are kept to tell its type. */
#define FTPLENS_MIME_HEAD 16

/* The type of data that begins with 'head', or NULL when no row matches. */
const char *ftplens_mime_type(const uint8_t *head, size_t len);

#endif
