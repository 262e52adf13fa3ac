/* ftplens_report_fmt.c - the report's layout: aligned text or Markdown
 * tables, headings, "label  value" items, widths of East Asian text, times.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ftplens_report_fmt.h"
#include "ftplens_text.h"

/* A table rendered as aligned text or as a Markdown table. */
size_t rpt_width(const char *s)
{
    size_t w = 0;
    const char *p = s;
    /* ASCII (most cells): one column per byte, no Unicode tables. */
    while (*p && !((unsigned char)*p & 0x80))
        p++;
    w = (size_t)(p - s);
    for (; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        w += g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
    }
    return w;
}

rpt_table *rpt_table_new(unsigned cols, ...)
{
    rpt_table *t = g_new0(rpt_table, 1);
    va_list ap;
    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    t->cols = cols;
    gchar **h = g_new0(gchar *, cols + 1);
    va_start(ap, cols);
    for (unsigned i = 0; i < cols; i++)
        h[i] = g_strdup(va_arg(ap, const char *));
    va_end(ap);
    g_ptr_array_add(t->rows, h);
    return t;
}

void rpt_row(rpt_table *t, ...)
{
    gchar **r = g_new0(gchar *, t->cols + 1);
    va_list ap;
    va_start(ap, t);
    for (unsigned i = 0; i < t->cols; i++) {
        const char *v = va_arg(ap, const char *);
        r[i] = g_strdup(v ? v : "");
    }
    va_end(ap);
    g_ptr_array_add(t->rows, r);
}

void rpt_table_end(rpt_table *t, GString *out, bool md, const char *indent)
{
    if (md) {
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            g_string_append(out, "|");
            for (unsigned c = 0; c < t->cols; c++) {
                gchar **parts = g_strsplit(row[c], "|", -1);
                gchar *cell = g_strjoinv("\\|", parts);
                g_strfreev(parts);
                g_string_append_printf(out, " %s |", cell);
                g_free(cell);
            }
            g_string_append_c(out, '\n');
            if (r == 0) {
                g_string_append(out, "|");
                for (unsigned c = 0; c < t->cols; c++)
                    g_string_append(out, "---|");
                g_string_append_c(out, '\n');
            }
        }
        g_string_append_c(out, '\n');
    } else {
        size_t *w = g_new0(size_t, t->cols);
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            for (unsigned c = 0; c < t->cols; c++)
                w[c] = MAX(w[c], rpt_width(row[c]));
        }
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            g_string_append(out, indent);
            for (unsigned c = 0; c < t->cols; c++) {
                g_string_append(out, row[c]);
                if (c + 1 < t->cols)
                    for (size_t k = rpt_width(row[c]); k < w[c] + 2; k++)
                        g_string_append_c(out, ' ');
            }
            while (out->len && out->str[out->len - 1] == ' ')
                g_string_truncate(out, out->len - 1);
            g_string_append_c(out, '\n');
        }
        g_free(w);
    }
    g_ptr_array_free(t->rows, TRUE);
    g_free(t);
}


void rpt_heading(GString *out, bool md, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (md) {
        if (out->len && !g_str_has_suffix(out->str, "\n\n"))
            g_string_append_c(out, '\n');
        g_string_append_printf(out, "%s %s\n\n", level == 1 ? "##" : "###", text);
    } else {
        g_string_append_printf(out, "%s%s\n", level == 1 ? "" : "\n", text);
        size_t n = rpt_width(text);
        for (size_t i = 0; i < n; i++)
            g_string_append_c(out, level == 1 ? '=' : '-');
        g_string_append_c(out, '\n');
    }
    g_free(text);
}


void rpt_item(GString *out, bool md, const char *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (md) {
        g_string_append_printf(out, "- **%s:** %s\n", label, text);
    } else {
        g_string_append_printf(out, "  %s", label);
        for (size_t w = rpt_width(label); w < 17; w++)
            g_string_append_c(out, ' ');
        g_string_append_printf(out, "%s\n", text);
    }
    g_free(text);
}

char *rpt_time(int64_t ns)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ns / 1000000000);
    if (!dt)
        return g_strdup("?");
    char *d = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    char *out = g_strdup_printf(T("%s.%06d UTC"), d, (int)((ns % 1000000000) / 1000));
    g_free(d);
    g_date_time_unref(dt);
    return out;
}


char *rpt_count(uint64_t n)
{
    char digits[24];
    GString *g = g_string_new(NULL);
    snprintf(digits, sizeof digits, "%" G_GUINT64_FORMAT, n);
    for (size_t i = 0, len = strlen(digits); i < len; i++) {
        if (i && (len - i) % 3 == 0)
            g_string_append_c(g, ',');
        g_string_append_c(g, digits[i]);
    }
    return g_string_free(g, FALSE);
}

char *rpt_clock(int64_t ns)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ns / 1000000000);
    if (!dt)
        return g_strdup("?");
    char *out = g_date_time_format(dt, "%H:%M:%S");
    g_date_time_unref(dt);
    return out;
}

char *rpt_duration(int64_t ns)
{
    double s = (double)ns / 1e9;
    if (s < 60)
        return g_strdup_printf(T("%.1f s"), s);
    /* A capture's timestamps may be centuries apart: 2^32 seconds and more do not fit an unsigned. */
    uint64_t total = (uint64_t)(s + 0.5);
    if (total < 3600)
        return g_strdup_printf(T("%u min %u s"), (unsigned)(total / 60), (unsigned)(total % 60));
    return g_strdup_printf(T("%u h %u min"), (unsigned)(total / 3600), (unsigned)(total % 3600 / 60));
}

/* The ranges, numbers with thousands separators ('grouped') or without. */
static char *ranges(const unsigned *v, unsigned n, unsigned max_pieces, bool grouped)
{
    GString *g = g_string_new(NULL);
    unsigned pieces = 0, i = 0;
    while (i < n) {
        unsigned j = i;
        while (j + 1 < n && v[j + 1] == v[j] + 1)
            j++;
        if (pieces == max_pieces) {
            g_string_append(g, ", ...");
            break;
        }
        char *a = grouped ? rpt_count(v[i]) : g_strdup_printf("%u", v[i]);
        char *b = grouped ? rpt_count(v[j]) : g_strdup_printf("%u", v[j]);
        g_string_append_printf(g, "%s%s", g->len ? ", " : "", a);
        if (j > i)
            g_string_append_printf(g, "%s%s", j == i + 1 ? ", " : "\u2013", b);
        g_free(a);
        g_free(b);
        pieces++;
        i = j + 1;
    }
    return g_string_free(g, FALSE);
}

char *rpt_ranges(const unsigned *v, unsigned n, unsigned max_pieces)
{
    return ranges(v, n, max_pieces, true);
}

char *rpt_ranges_plain(const unsigned *v, unsigned n, unsigned max_pieces)
{
    return ranges(v, n, max_pieces, false);
}
