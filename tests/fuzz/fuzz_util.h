/* fuzz_util.h - helpers shared by the libFuzzer harnesses.
 *
 * Every harness copies the fuzz input into a heap buffer of exactly its size
 * (no NUL terminator), so AddressSanitizer reports any read past the end of a
 * line.  Every string the core returns is read in full (strlen), so a dangling
 * or unterminated pointer is reported where it is produced, not in Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_FUZZ_UTIL_H
#define FTPLENS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile size_t fuzz_sink;

/* Read a whole string (NULL allowed). */
static inline void touch_str(const char *s)
{
    if (s)
        fuzz_sink += strlen(s);
}

/* Read n bytes. */
static inline void touch_mem(const void *p, size_t n)
{
    const volatile unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        fuzz_sink += b[i];
}

/* An invariant of the core's contract was broken: abort so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...)                                                   \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "ftplens fuzz invariant failed: %s (%s:%d): ",      \
                    #cond, __FILE__, __LINE__);                                 \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* A copy of the input in a buffer of exactly its size (malloc(0) avoided). */
static inline char *exact_copy(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    if (size)
        memcpy(p, data, size);
    return p;
}

#endif
