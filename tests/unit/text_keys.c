/* text_keys.c - prints, as JSON, every English string from the core's tables
 * that is shown to users, and the Korean table, for check_translations.py.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib.h>

#include "ftplens_codes.h"
#include "ftplens_commands.h"
#include "ftplens_risk.h"
#include "ftplens_text.h"

static void str(const char *s, bool comma)
{
    GString *g = g_string_new("\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(g, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(g, "\\u%04x", *p);
        else
            g_string_append_c(g, (char)*p);
    }
    g_string_append_c(g, '"');
    printf("%s%s", g->str, comma ? ", " : "");
    g_string_free(g, TRUE);
}

int main(void)
{
    printf("{\"keys\": [");
    for (unsigned i = 1; i <= 6; i++)
        str(ftplens_class_text(i), true);
    for (unsigned i = 0; i <= 5; i++)
        str(ftplens_category_text(i), true);
    for (unsigned i = 0; i < ftplens_reply_row_count; i++)
        str(ftplens_reply_rows[i].meaning, true);
    for (unsigned i = 0; i < ftplens_command_row_count; i++)
        str(ftplens_command_rows[i].meaning, true);
    for (int i = 0; i < FTPLENS_RISK_COUNT; i++) {
        str(ftplens_risk_rules[i].message, true);
        str(ftplens_risk_rules[i].advice, true);
        if (ftplens_risk_rules[i].message_alt)
            str(ftplens_risk_rules[i].message_alt, true);
        if (ftplens_risk_rules[i].if_failed) {
            str(ftplens_risk_rules[i].if_failed->message, true);
            str(ftplens_risk_rules[i].if_failed->advice, true);
        }
    }
    for (int s = 0; s < 4; s++)
        str(ftplens_severity_text((ftplens_severity)s), true);
    str("Chat", false);
    printf("], \"ko\": {");
    for (const ftplens_translation *t = ftplens_text_ko; t->en; t++) {
        str(t->en, false);
        printf(": ");
        str(t->ko, t[1].en != NULL);
    }
    printf("}}\n");
    return 0;
}
