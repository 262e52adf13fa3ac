/* ftplens_spans.c - byte ranges seen in one direction (see the header).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_spans.h"

#include <glib.h>
#include <string.h>

static void insert(ftplens_span_set *sp, uint64_t s, uint64_t e)
{
    unsigned i = 0;

    while (i < sp->n && sp->start[i] < s)
        i++;
    /* Already covered? */
    if ((i > 0 && sp->end[i - 1] >= e) || (i < sp->n && sp->start[i] == s && sp->end[i] >= e))
        return;
    if (sp->n == FTPLENS_SPANS) {
        sp->extra += e - s;
        return;
    }
    memmove(&sp->start[i + 1], &sp->start[i], (sp->n - i) * sizeof sp->start[0]);
    memmove(&sp->end[i + 1], &sp->end[i], (sp->n - i) * sizeof sp->end[0]);
    sp->start[i] = s;
    sp->end[i] = e;
    sp->n++;
    unsigned w = 0;
    for (unsigned k = 1; k < sp->n; k++) {
        if (sp->start[k] <= sp->end[w]) {
            sp->end[w] = MAX(sp->end[w], sp->end[k]);
        } else {
            w++;
            sp->start[w] = sp->start[k];
            sp->end[w] = sp->end[k];
        }
    }
    sp->n = w + 1;
}

void ftplens_spans_add(ftplens_span_set *sp, uint32_t seq, uint32_t len)
{
    uint64_t s = seq, e = s + len;
    if (e > ((uint64_t)1 << 32)) {
        insert(sp, s, (uint64_t)1 << 32);
        insert(sp, 0, e - ((uint64_t)1 << 32));
    } else {
        insert(sp, s, e);
    }
}

uint64_t ftplens_spans_bytes(const ftplens_span_set *sp)
{
    uint64_t n = sp ? sp->extra : 0;
    for (unsigned k = 0; sp && k < sp->n; k++)
        n += sp->end[k] - sp->start[k];
    return n;
}
