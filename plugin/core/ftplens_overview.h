/* ftplens_overview.h - the top of the lab report: the capture in numbers,
 * the sessions (repeated ones folded), what each client did, the timeline and
 * the findings grouped by rule.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_OVERVIEW_H
#define FTPLENS_OVERVIEW_H

#include "ftplens_digest.h"

/* Sessions with the same client, server and shape (ftplens_digest_key), in
 * order of their first session: a GPtrArray of GPtrArray of ftplens_digest. */
GPtrArray *ftplens_overview_fold(GPtrArray *digests);
/* The session numbers of a group as ranges: "2–180, 182–346". */
char *ftplens_overview_numbers(GPtrArray *group);
/* 'full': every session its own row and every event of the timeline. */
void ftplens_overview(GString *out, bool md, GPtrArray *digests, GPtrArray *groups, bool full);

#endif
