/* ftplens_worksheet_out.c - the worksheet and its answer key as text,
 * Markdown or JSON (the key that tools/grade-worksheet reads).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "ftplens_report_fmt.h"
#include "ftplens_text.h"
#include "ftplens_worksheet.h"

#define WRAP_COLUMNS 100

/* 'text' wrapped at WRAP_COLUMNS display columns at single spaces; continuation lines indented by 'indent'
 * columns.  Runs of spaces stay (a quoted line is shown as it is). */
static void append_wrapped(GString *out, const char *text, size_t first_col, size_t indent)
{
    size_t col = first_col;
    gchar **words = g_strsplit(text, " ", -1);
    for (gchar **w = words; *w; w++) {
        size_t width = rpt_width(*w);
        if (w != words && **w && w[-1][0] && col + 1 + width > WRAP_COLUMNS && col > indent) {
            g_string_append_c(out, '\n');
            g_string_append_printf(out, "%*s", (int)indent, "");
            col = indent;
        } else if (w != words) {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, *w);
        col += width;
    }
    g_strfreev(words);
    g_string_append_c(out, '\n');
}

/* Server text in Markdown: no emphasis, link, HTML or heading of its own. */
static char *md_text(const char *s)
{
    GString *g = g_string_sized_new(strlen(s) + 8);
    for (const char *p = s; *p; p++) {
        if (strchr("\\`*_[]<>#|!~", *p))
            g_string_append_c(g, '\\');
        g_string_append_c(g, *p);
    }
    return g_string_free(g, FALSE);
}

static const char *grade_name(ftplens_grade g)
{
    static const char *const names[] = {
        [FTPLENS_GRADE_NUMBER] = "number", [FTPLENS_GRADE_SECONDS] = "seconds", [FTPLENS_GRADE_FRAMES] = "frames",
        [FTPLENS_GRADE_CHOICE] = "choice", [FTPLENS_GRADE_KEYWORDS] = "keywords",
    };
    return names[g];
}

static void json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
}

static void json_strings(GString *out, const char *name, const GPtrArray *a)
{
    g_string_append_printf(out, ", \"%s\": [", name);
    for (guint k = 0; k < a->len; k++) {
        if (k)
            g_string_append(out, ", ");
        json_string(out, a->pdata[k]);
    }
    g_string_append_c(out, ']');
}

static void json_numbers(GString *out, const char *name, GArray *a, bool wide)
{
    g_string_append_printf(out, ", \"%s\": [", name);
    for (guint i = 0; i < a->len; i++)
        g_string_append_printf(out, "%s%" G_GUINT64_FORMAT, i ? ", " : "",
                               wide ? g_array_index(a, uint64_t, i) : (uint64_t)g_array_index(a, uint32_t, i));
    g_string_append_c(out, ']');
}

static void key_json(GString *out, const ftplens_worksheet *w)
{
    g_string_append_printf(out, "{\"format\": \"ftplens-answer-key\", \"version\": 1, \"variant\": %u, "
                                "\"language\": \"%s\", \"session\": %u, \"tcp_stream\": %u,\n \"questions\": [",
                           w->variant, ftplens_language(), w->session, w->stream);
    for (guint i = 0; i < w->questions->len; i++) {
        const ftplens_question *q = w->questions->pdata[i];
        g_string_append_printf(out, "%s\n  {\"number\": %u, \"topic\": \"%s\", \"session\": %u, \"question\": ",
                               i ? "," : "", i + 1, q->topic, q->session);
        json_string(out, q->question);
        g_string_append(out, ", \"answer\": ");
        json_string(out, q->answer);
        g_string_append(out, ", \"why\": ");
        json_string(out, q->why);
        json_numbers(out, "frames", q->frames, false);
        g_string_append_printf(out, ",\n   \"grade\": {\"type\": \"%s\"", grade_name(q->grade));
        if (q->grade == FTPLENS_GRADE_NUMBER || q->grade == FTPLENS_GRADE_FRAMES)
            json_numbers(out, "values", q->values, true);
        if (q->grade == FTPLENS_GRADE_SECONDS)
            g_string_append_printf(out, ", \"value\": %.9f, \"tolerance\": %.6f", q->seconds, q->tolerance);
        if (q->grade == FTPLENS_GRADE_CHOICE || q->grade == FTPLENS_GRADE_KEYWORDS) {
            json_strings(out, "accept", q->accept);
            json_strings(out, "reject", q->reject);
        }
        if (q->grade == FTPLENS_GRADE_KEYWORDS)
            g_string_append_printf(out, ", \"need\": %u", q->need);
        g_string_append(out, "}}");
    }
    g_string_append(out, "\n]}\n");
}

static int cmp_frame(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The question's frames in order, each once (NULL when it has none); '*n' gets their number. */
static char *frames_text(const ftplens_question *q, unsigned *n)
{
    GArray *a = g_array_copy(q->frames);
    g_array_sort(a, cmp_frame);
    for (guint i = 1; i < a->len;)
        if (g_array_index(a, uint32_t, i) == g_array_index(a, uint32_t, i - 1))
            g_array_remove_index(a, i);
        else
            i++;
    *n = a->len;
    char *text = a->len ? rpt_ranges_plain((const unsigned *)(void *)a->data, a->len, 8) : NULL;
    g_array_free(a, TRUE);
    return text;
}

char *ftplens_capture_worksheet(const ftplens_capture *c, unsigned variant, bool answers, ftplens_kit_format format,
                                GHashTable *only, const char *filter)
{
    ftplens_worksheet *w = ftplens_worksheet_make(c, variant, only);
    GString *out = g_string_new(NULL);
    bool md = format == FTPLENS_KIT_MARKDOWN;
    if (format == FTPLENS_KIT_JSON) {
        key_json(out, w);
        ftplens_worksheet_free(w);
        return g_string_free(out, FALSE);
    }
    char *title = g_strdup_printf(answers ? T("FTP Lens answer key (variant %u)") : T("FTP Lens worksheet (variant %u)"),
                                  variant);
    if (md)
        g_string_append_printf(out, "# %s\n\n", title);
    else
        g_string_append_printf(out, "%s\n\n", title);
    g_free(title);
    if (!w->questions->len) {
        if (!w->sessions && only && filter)
            g_string_append_printf(out, T("No FTP session matches the filter '%s'.\n"), filter);
        else if (!w->sessions)
            g_string_append(out, T("No FTP session in this capture.\n"));
        else
            g_string_append(out, T("This capture holds no fact a question can be made from.\n"));
        ftplens_worksheet_free(w);
        return g_string_free(out, FALSE);
    }
    char *about = g_strdup_printf(only ? T("Questions about session %u (tcp.stream %u: client %s, server %s) of the %u "
                                           "session%s the filter keeps; questions about findings cover those sessions.")
                                       : T("Questions about session %u (tcp.stream %u: client %s, server %s) of %u "
                                           "session%s; questions about findings cover the whole capture."),
                                  w->session, w->stream, w->client, w->server, w->sessions,
                                  w->sessions == 1 ? "" : T("s"));
    append_wrapped(out, about, 0, 0);
    g_free(about);
    if (!answers)
        append_wrapped(out, T("Answer each question on a line of its own as \"number: answer\", for example "
                              "\"5: 42\". Give numbers in decimal or in hexadecimal with 0x, frame numbers as "
                              "Wireshark's No. column shows them, times in seconds."), 0, 0);
    else
        append_wrapped(out, T("Each answer names the frames it comes from and why; tools/grade-worksheet grades a "
                              "student's answers with the JSON form of this key (-z ftplens,answers,json)."), 0, 0);
    g_string_append_c(out, '\n');
    for (guint i = 0; i < w->questions->len; i++) {
        const ftplens_question *q = w->questions->pdata[i];
        char num[16];
        snprintf(num, sizeof num, md ? "%u. " : "%3u. ", i + 1);
        g_string_append(out, num);
        size_t indent = strlen(num);
        char *question = md ? md_text(q->question) : g_strdup(q->question);
        if (!answers) {
            if (md)
                g_string_append_printf(out, "%s\n", question);
            else
                append_wrapped(out, question, indent, indent);
            g_free(question);
            continue;
        }
        unsigned n_frames;
        char *frames = frames_text(q, &n_frames);
        char *line = !frames ? g_strdup(q->answer)
                   : g_strdup_printf(n_frames == 1 ? T("%s (frame %s)") : T("%s (frames %s)"), q->answer, frames);
        char *why = g_strdup_printf(T("Why: %s"), q->why);
        if (md) {
            char *l = md_text(line), *y = md_text(why);
            g_string_append_printf(out, "%s  \n   **%s**  \n   %s\n", question, l, y);
            g_free(l);
            g_free(y);
        } else {
            append_wrapped(out, q->question, indent, indent);
            g_string_append_printf(out, "%*s", (int)indent, "");
            append_wrapped(out, line, indent, indent);
            g_string_append_printf(out, "%*s", (int)indent, "");
            append_wrapped(out, why, indent, indent);
        }
        g_free(frames);
        g_free(line);
        g_free(why);
        g_free(question);
    }
    ftplens_worksheet_free(w);
    return g_string_free(out, FALSE);
}
