/* ftplens_report_fmt.h - the report's layout helpers (ftplens_report.c and
 * ftplens_overview.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_REPORT_FMT_H
#define FTPLENS_REPORT_FMT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* A table rendered as aligned text or as a Markdown table. */
typedef struct {
    GPtrArray *rows;            /* of GStrv; row 0 is the header */
    unsigned cols;
} rpt_table;

/* Columns as a terminal shows them: East Asian wide characters take two. */
size_t rpt_width(const char *s);
rpt_table *rpt_table_new(unsigned cols, ...);
void rpt_row(rpt_table *t, ...);                /* 'cols' strings; NULL is empty */
/* Appends the table to 'out' (text rows indented by 'indent') and frees it. */
void rpt_table_end(rpt_table *t, GString *out, bool md, const char *indent);
void rpt_heading(GString *out, bool md, int level, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void rpt_item(GString *out, bool md, const char *label, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* "2026-11-25 20:02:55.666948 UTC" */
char *rpt_time(int64_t ns);
/* "05:39:12" (UTC) */
char *rpt_clock(int64_t ns);
/* "0.3 s", "31 min 12 s", "2 h 5 min" */
char *rpt_duration(int64_t ns);
/* "1,013" */
char *rpt_count(uint64_t n);
/* Sorted numbers as ranges: "2\u20135, 7, 9\u201312"; after 'max_pieces' pieces ", ...". */
char *rpt_ranges(const unsigned *v, unsigned n, unsigned max_pieces);
/* The same without thousands separators, as a student writes frame numbers back ("frame 10576"). */
char *rpt_ranges_plain(const unsigned *v, unsigned n, unsigned max_pieces);

#endif
