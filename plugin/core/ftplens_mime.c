/* ftplens_mime.c - the MIME type of a transferred file from its first bytes.
 * The names and the text rule are those of Zeek's file signatures
 * (base/frameworks/files/magic), so that the log's mime_type column reads as
 * Zeek's; the table holds the common types of files moved over FTP.  A new
 * type is a row.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_mime.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *magic;          /* the first bytes */
    size_t len;
    const char *mime;
} mime_row;

#define ROW(m, t) { m, sizeof m - 1, t }
static const mime_row rows[] = {
    ROW("\x1f\x8b", "application/x-gzip"),
    ROW("BZh", "application/x-bzip2"),
    ROW("\xfd" "7zXZ\x00", "application/x-xz"),
    ROW("7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    ROW("PK\x03\x04", "application/zip"),
    ROW("Rar!\x1a\x07", "application/x-rar"),
    ROW("%PDF-", "application/pdf"),
    ROW("\x89PNG\r\n\x1a\n", "image/png"),
    ROW("GIF87a", "image/gif"),
    ROW("GIF89a", "image/gif"),
    ROW("\xff\xd8\xff", "image/jpeg"),
    ROW("\x7f" "ELF", "application/x-executable"),
    ROW("MZ", "application/x-dosexec"),
    ROW("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
    ROW("<?xml ", "application/xml"),
};

/* Zeek's file-plaintext: an optional byte-order mark, then ten bytes of printable ASCII or white space. */
static bool plain_text(const uint8_t *p, size_t len)
{
    static const char *const boms[] = { "\xef\xbb\xbf", "\xfe\xff", "\xff\xfe" };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        size_t n = strlen(boms[i]);
        if (len >= n && memcmp(p, boms[i], n) == 0) {
            p += n;
            len -= n;
            break;
        }
    }
    if (len < 10)
        return false;
    for (size_t i = 0; i < 10; i++) {
        if (!((p[i] >= 0x20 && p[i] <= 0x7e) || (p[i] >= '\t' && p[i] <= '\r')))
            return false;
    }
    return true;
}

const char *ftplens_mime_type(const uint8_t *head, size_t len)
{
    if (!head)
        return NULL;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (len >= rows[i].len && memcmp(head, rows[i].magic, rows[i].len) == 0)
            return rows[i].mime;
    }
    return plain_text(head, len) ? "text/plain" : NULL;
}
