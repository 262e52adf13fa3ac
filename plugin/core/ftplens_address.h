/* ftplens_address.h - IPv4/IPv6 addresses as text and bytes, without the
 * socket headers (the core stays portable): the same texts as inet_ntop and
 * the same accepted inputs as inet_pton (tests/unit/test_address.c compares
 * them on many inputs).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_ADDRESS_H
#define FTPLENS_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text: an IPv6 address with an embedded IPv4 one, plus the NUL. */
#define FTPLENS_ADDR_TEXT_MAX 46

/* "192.0.2.1" (len 4) or "2001:db8::1" (len 16, RFC 5952 form). */
bool ftplens_addr_parse(const char *text, uint8_t out[16], unsigned *len);
/* The text of a 4- or 16-byte address; "?" for any other length. */
void ftplens_addr_format(const uint8_t *addr, unsigned len, char *out, size_t outlen);

#endif
