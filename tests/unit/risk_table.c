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
        printf("| `%s` | %s / %s", r->id, groups[r->group], ftplens_severity_text(r->severity));
        if (r->if_failed)       /* the finding once its login failed: `ftplens.risk.<id>.failed_login` */
            printf("; %s when the login failed (`.failed_login`)", ftplens_severity_text(r->if_failed->severity));
        if (r->per_server)
            printf("; counted once per server");
        printf(" | %s | %s", r->trigger, r->advice);
        if (r->if_failed)
            printf(" After a failed login: %s", r->if_failed->advice);
        printf(" |\n");
    }
    return 0;
}
