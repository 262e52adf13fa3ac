/* risk_table.c - prints the security-check table as Markdown, for README.md
 * (the readme_risk_table test checks that the README shows exactly this).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "ftplens_risk.h"

int main(void)
{
    static const char *const groups[] = { "Security", "Protocol", "Malformed" };

    printf("| id (`ftplens.risk.<id>`) | group / severity | trigger | advice |\n|---|---|---|---|\n");
    for (int i = 0; i < FTPLENS_RISK_COUNT; i++) {
        const ftplens_risk_rule *r = &ftplens_risk_rules[i];
        printf("| `%s` | %s / %s | %s | %s |\n", r->id, groups[r->group], ftplens_severity_text(r->severity),
               r->trigger, r->advice);
    }
    return 0;
}
