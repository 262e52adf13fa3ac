/* ftplens_text_ko.c - Korean for every sentence ftplens shows.  Keys are the
 * English strings exactly as in the code; printf conversions must match in
 * number, type and order (tests/integration/check_translations.py checks it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>

#include "ftplens_text.h"

const ftplens_translation ftplens_text_ko[] = {
    { NULL, NULL }
};
