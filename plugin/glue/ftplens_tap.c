/* ftplens_tap.c - the "ftplens" tap and its consumers: the lab report
 * (tshark -q -z ftplens,report[,md|text][,FILTER]), the teacher's kit
 * (-z ftplens,worksheet / ftplens,answers), the Zeek-style FTP log
 * (-z ftplens,log[,json][,FILTER]) and the statistics tree (Statistics > FTP
 * Lens, tshark -z ftplens,tree).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include "ftplens_tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include "ftplens_compat.h"
#include "ftplens_login.h"
#include "ftplens_prefs.h"
#include "ftplens_risk.h"
#include "ftplens_text.h"
#include "ftplens_worksheet.h"
#include "ftplens_zeeklog.h"

static int ftplens_tap = -1;
static ftplens_capture **the_capture;
static bool report_wanted;

bool ftplens_tap_report_wanted(void)
{
    return report_wanted;
}

void ftplens_tap_queue(packet_info *pinfo, const ftplens_frame *f)
{
    if (ftplens_tap >= 0 && have_tap_listener(ftplens_tap))
        tap_queue_packet(ftplens_tap, pinfo, f);
}

/* ---- the report and the teacher's kit ---- */

/* What a -z ftplens,... tap prints after the last frame. */
typedef enum { OUT_REPORT, OUT_WORKSHEET, OUT_ANSWERS, OUT_LOG } out_kind;

enum { OPT_TEXT, OPT_MD, OPT_FULL, OPT_JSON, OPT_TSV };   /* tsv: the log's word for its text form */

/* The option words, in the order the messages list them. */
static const struct { const char *name; int option; } option_words[] = {
    { "full", OPT_FULL }, { "md", OPT_MD }, { "markdown", OPT_MD }, { "json", OPT_JSON }, { "text", OPT_TEXT },
    { "tsv", OPT_TSV }, { "txt", OPT_TEXT },
};

static const struct {
    const char *name;           /* "ftplens,report" */
    const char *noun;           /* "a report": "... is not a report option" */
    unsigned options;           /* the option words it takes: 1 << OPT_* */
    const char *usage;          /* its forms, one per line */
    const char *options_text;   /* what its option words are */
} outs[] = {
    [OUT_REPORT] = { "ftplens,report", N_("a report"), 1u << OPT_FULL | 1u << OPT_MD | 1u << OPT_TEXT,
        "  -z ftplens,report\n  -z ftplens,report,md\n  -z ftplens,report,full\n"
        "  -z ftplens,report,text,FILTER\n  -z ftplens,report,md,FILTER\n  -z ftplens,report,full,md,FILTER\n",
        N_("(full: every session in detail, not only the first of each repeated kind; md or markdown, text or txt, in "
           "any case; FILTER is a display filter such as ftplens.session == 5)") },
    [OUT_WORKSHEET] = { "ftplens,worksheet", N_("a worksheet"), 1u << OPT_MD | 1u << OPT_TEXT,
        "  -z ftplens,worksheet\n  -z ftplens,worksheet,md\n  -z ftplens,worksheet,text,FILTER\n",
        N_("(md or markdown, text or txt, in any case; FILTER is a display filter such as ftplens.session == 5; "
           "-o ftplens.worksheet_variant:N chooses the variant)") },
    [OUT_ANSWERS] = { "ftplens,answers", N_("an answer key"), 1u << OPT_MD | 1u << OPT_JSON | 1u << OPT_TEXT,
        "  -z ftplens,answers\n  -z ftplens,answers,md\n  -z ftplens,answers,json\n  -z ftplens,answers,json,FILTER\n",
        N_("(md or markdown, json, text or txt, in any case; FILTER is a display filter such as ftplens.session == 5; "
           "-o ftplens.worksheet_variant:N chooses the variant)") },
    [OUT_LOG] = { "ftplens,log", N_("a log"), 1u << OPT_JSON | 1u << OPT_TSV | 1u << OPT_TEXT,
        "  -z ftplens,log\n  -z ftplens,log,json\n  -z ftplens,log,tsv,FILTER\n  -z ftplens,log,json,FILTER\n",
        N_("(json: JSON lines; tsv, text or txt: Zeek's tab-separated log, the default; in any case; FILTER is a "
           "display filter such as ftplens.session == 5; -o ftplens.log_commands:... chooses the commands)") },
};

typedef struct {
    out_kind kind;
    int format;                 /* OPT_TEXT, OPT_MD or OPT_JSON */
    bool full;                  /* the report: every session in detail */
    char *filter;               /* the display filter, or NULL */
    GHashTable *sessions;       /* session ids with a frame that passed the filter */
} report_tap;

static void report_reset(void *p)
{
    report_tap *r = p;
    g_hash_table_remove_all(r->sessions);
}

static tap_packet_status report_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    report_tap *r = p;
    const ftplens_frame *f = data;
    g_hash_table_add(r->sessions, GUINT_TO_POINTER(ftplens_frame_session(f)));
    return TAP_PACKET_DONT_REDRAW;
}

/* Made from the whole capture, after the last frame. */
static void report_draw(void *p)
{
    report_tap *r = p;
    if (!*the_capture)
        return;
    GHashTable *only = r->filter ? r->sessions : NULL;
    char *text;
    if (r->kind == OUT_LOG) {
        ftplens_log_selection sel;
        char *bad;
        ftplens_log_selection_parse(ftplens_prefs.log_commands, &sel, &bad);   /* the apply callback said why */
        g_free(bad);
        text = ftplens_capture_zeek_log(*the_capture, r->format == OPT_JSON, &sel, ftplens_prefs.mask_passwords, only);
        ftplens_log_selection_clear(&sel);
    } else if (r->kind == OUT_REPORT)
        text = ftplens_capture_report(*the_capture, r->format == OPT_MD, r->full, only, r->filter);
    else
        text = ftplens_capture_worksheet(*the_capture, ftplens_prefs.worksheet_variant, r->kind == OUT_ANSWERS,
                                         r->format == OPT_MD ? FTPLENS_KIT_MARKDOWN
                                         : r->format == OPT_JSON ? FTPLENS_KIT_JSON : FTPLENS_KIT_TEXT,
                                         only, r->filter);
    fputs(text, stdout);
    g_free(text);
}

static void report_free(report_tap *r)
{
    g_hash_table_destroy(r->sessions);
    g_free(r->filter);
    g_free(r);
}

static void report_finish(void *p)
{
    report_free(p);
}

/* An option word, in any case: OPT_*, or -1 for none of them. */
static int option_word(const char *word, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(option_words); i++)
        if (strlen(option_words[i].name) == len && g_ascii_strncasecmp(word, option_words[i].name, len) == 0)
            return option_words[i].option;
    return -1;
}

/* "full, md, markdown, text, txt": the words an output takes (g_free). */
static char *words_of(out_kind kind)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(option_words); i++)
        if (outs[kind].options & (1u << option_words[i].option))
            g_string_append_printf(g, "%s%s", g->len ? ", " : "", option_words[i].name);
    return g_string_free(g, FALSE);
}

/* -z NAME[,full][,FORMAT][,FILTER]: the option words NAME takes, in either order, then a display filter. */
static bool out_init(out_kind kind, const char *opt)
{
    const char *rest = opt + strlen(outs[kind].name);
    int format = -1;
    bool full = false;
    char *wrong = NULL;         /* an option word of another output */
    for (int k = 0; k < 2 && *rest == ','; k++) {
        size_t len = strcspn(rest + 1, ",");
        int o = option_word(rest + 1, len);
        if (o >= 0 && !(outs[kind].options & (1u << o))) {
            /* "json" or "full" where they mean nothing: json is also a protocol, a valid filter. */
            wrong = g_strndup(rest + 1, len);
            break;
        }
        if (o < 0)
            break;
        if (o == OPT_FULL && !full)
            full = true;
        else if (o != OPT_FULL && format < 0)
            format = o;
        else
            break;
        rest += 1 + len;
    }
    /* What is left: nothing, "," or ",FILTER"; anything else ("ftplens,reportX") is none of the forms. */
    const char *filter = *rest == ',' && rest[1] ? rest + 1 : NULL;
    report_tap *r = g_new0(report_tap, 1);
    r->kind = kind;
    r->format = format < 0 || format == OPT_TSV ? OPT_TEXT : format;
    r->full = full;
    r->filter = g_strdup(filter);
    r->sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
    GString *err = NULL;
    if (wrong) {
        err = g_string_new(NULL);
        char *words = words_of(kind);
        g_string_printf(err, T("\"%s\" is not %s option (use %s)"), wrong, T(outs[kind].noun), words);
        g_free(words);
        g_free(wrong);
    } else if (*rest && *rest != ',') {
        err = g_string_new(NULL);
        g_string_printf(err, T("\"%s\" is not %s option"), opt, T(outs[kind].noun));
    } else {
        err = register_tap_listener("ftplens", r, filter, TL_REQUIRES_NOTHING, report_reset, report_packet, report_draw,
                                    report_finish);
        /* A lone word that is no display filter either was probably meant as an option (html, mardkown). */
        if (err && format < 0 && filter &&
            strspn(filter, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == strlen(filter)) {
            char *words = words_of(kind);
            char *why = g_strdup_printf(T("\"%s\" is neither %s option (%s) nor a valid display filter: "), filter,
                                        T(outs[kind].noun), words);
            g_free(words);
            g_string_prepend(err, why);
            g_free(why);
        } else if (err) {
            g_string_prepend(err, T("invalid display filter: "));
        }
    }
    if (err) {
        fprintf(stderr, "tshark: -z %s: %s\n%s\n%s%s\n", opt, err->str, T("Use one of:"), outs[kind].usage,
                T(outs[kind].options_text));
        g_string_free(err, TRUE);
        report_free(r);
        return false;
    }
    /* tshark opens the file (a new capture) before it starts the -z taps. */
    report_wanted = true;
    if (*the_capture)
        ftplens_capture_keep_report(*the_capture);
    return true;
}

/* One init for every output: register_stat_tap_ui hands it the out_kind. */
static FTPLENS_STAT_INIT_RET out_ui_init(const char *opt, void *userdata)
{
    if (!out_init((out_kind)GPOINTER_TO_INT(userdata), opt))
        FTPLENS_STAT_INIT_FAIL;
    FTPLENS_STAT_INIT_OK;
}

static stat_tap_ui out_ui[] = {
    [OUT_REPORT] = { REGISTER_STAT_GROUP_GENERIC, "FTP Lens report", "ftplens,report", out_ui_init, 0, NULL },
    [OUT_WORKSHEET] = { REGISTER_STAT_GROUP_GENERIC, "FTP Lens worksheet", "ftplens,worksheet", out_ui_init, 0, NULL },
    [OUT_ANSWERS] = { REGISTER_STAT_GROUP_GENERIC, "FTP Lens answer key", "ftplens,answers", out_ui_init, 0, NULL },
    [OUT_LOG] = { REGISTER_STAT_GROUP_GENERIC, "FTP Lens log (Zeek ftp.log)", "ftplens,log", out_ui_init, 0, NULL },
};

/* ---- the statistics tree ---- */

/* The topics in teaching order.  tshark prints them in the order tree_init creates them and sorts
 * everything below them by name (ST_SORT_COL_NAME at registration), which the names make the teaching
 * order: classes "1xx ..." to "6xx ...", categories "x0 ..." to "x5 ...", commands A to Z; "login
 * succeeded" and the Error and Warning findings stay on top (ST_FLG_SORT_TOP).  Wireshark's dialog
 * (4.0; 4.4 and 4.6 by their source) ignores the registered sort and opens sorted by Topic / Item,
 * descending: the numbers before the topics make one click on that header give the same order there.
 * Topic 6 repeats the classes per server (ST_FLG_DEF_NOEXPAND would not keep it closed: the dialog
 * expands every tree of fewer than 100 rows).  Counters only: the stats_tree API has no way to hide the
 * Average, Min/Max, Rate and Burst columns (the "FTP Lab" profile turns the burst calculation off). */
enum { TOPIC_CLASSES, TOPIC_COMMANDS, TOPIC_SESSIONS, TOPIC_RISKS, TOPIC_GAPS, TOPIC_SERVERS, N_TOPICS };
static int st_topic[N_TOPICS];
static char n_topic[N_TOPICS][96];      /* "1. Reply classes", in the language of the capture */
static GHashTable *tree_per_server;     /* "rule server" of the per-server findings counted */

static void tree_init(stats_tree *st)
{
    if (tree_per_server)
        g_hash_table_remove_all(tree_per_server);
    else
        tree_per_server = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char *const topics[N_TOPICS] = {
        N_("Reply classes"), N_("Commands"), N_("Sessions by login outcome"),
        N_("Security findings by severity"), N_("Capture gaps by direction"), N_("Reply classes by server"),
    };
    for (int i = 0; i < N_TOPICS; i++) {
        snprintf(n_topic[i], sizeof n_topic[i], "%d. %s", i + 1, T(topics[i]));
        st_topic[i] = stats_tree_create_node(st, n_topic[i], 0, STAT_DT_INT, TRUE);
    }
}

/* Ticks NAME under topic T (as a parent when CHILDREN) and the topic; returns NAME's node id. */
static int tick_topic(stats_tree *st, int t, const char *name, bool children)
{
    tick_stat_node(st, n_topic[t], 0, TRUE);
    return tick_stat_node(st, name, st_topic[t], children);
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                                     tap_flags_t flags _U_)
{
    const ftplens_frame *f = data;
    for (const ftplens_note *n = f->notes; n; n = n->next) {
        if (n->kind == FTPLENS_NOTE_REPLY && (n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST)) {
            char server[80], cls[96], cat[112];
            ftplens_reply_info texts;
            ftplens_reply_texts(&n->reply, &texts);
            snprintf(cls, sizeof cls, "%uxx %s", n->reply.reply_class, texts.class_text);
            snprintf(cat, sizeof cat, "x%u %s", n->reply.category, texts.category_text);
            tick_stat_node(st, cat, tick_topic(st, TOPIC_CLASSES, cls, true), FALSE);
            snprintf(server, sizeof server, T("%s port %u"), address_to_str(pinfo->pool, &pinfo->src), pinfo->srcport);
            tick_stat_node(st, cls, tick_topic(st, TOPIC_SERVERS, server, true), FALSE);
            ftplens_login_step login = ftplens_login_decide(n);
            const char *outcome = login == FTPLENS_LOGIN_SUCCEEDED ? T("login succeeded")
                                : login == FTPLENS_LOGIN_FAILED || login == FTPLENS_LOGIN_CLOSED ? T("login failed")
                                : login == FTPLENS_LOGIN_UNCLEAR ? T("login outcome unclear") : NULL;
            if (outcome) {
                tick_topic(st, TOPIC_SESSIONS, outcome, false);
                if (login == FTPLENS_LOGIN_SUCCEEDED)
                    stat_node_set_flags(st, outcome, st_topic[TOPIC_SESSIONS], FALSE, ST_FLG_SORT_TOP);
            }
        } else if (n->kind == FTPLENS_NOTE_REQUEST) {
            tick_topic(st, TOPIC_COMMANDS, n->verb, false);
        }
    }
    for (int d = 0; d < 2; d++) {
        if (f->gap_bytes[d])
            tick_topic(st, TOPIC_GAPS, d ? T("server to client") : T("client to server"), false);
    }
    for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
        const ftplens_risk_rule *r = &ftplens_risk_rules[fd->id];
        ftplens_severity severity = ftplens_finding_severity(fd);
        if (r->per_server) {    /* every session repeats it: once per server */
            char server[80];
            ftplens_frame_server(f, server, sizeof server);
            char *key = g_strdup_printf("%s %s", r->id, server);
            if (!g_hash_table_add(tree_per_server, key))
                continue;
        }
        /* The English name first (the value of ftplens.risk.severity), so that the order is the same in
         * every language; the translation after it. */
        const char *en = ftplens_severity_text(severity), *tr = T(en);
        char sev[64];
        if (strcmp(en, tr))
            snprintf(sev, sizeof sev, "%s (%s)", en, tr);
        else
            g_strlcpy(sev, en, sizeof sev);
        tick_stat_node(st, r->id, tick_topic(st, TOPIC_RISKS, sev, true), FALSE);
        if (severity == FTPLENS_SEV_ERROR || severity == FTPLENS_SEV_WARN)
            stat_node_set_flags(st, sev, st_topic[TOPIC_RISKS], TRUE, ST_FLG_SORT_TOP);
    }
    return TAP_PACKET_REDRAW;
}

void ftplens_tap_register(ftplens_capture **capture)
{
    the_capture = capture;
    ftplens_tap = register_tap("ftplens");
    for (size_t i = 0; i < G_N_ELEMENTS(out_ui); i++)
        register_stat_tap_ui(&out_ui[i], GINT_TO_POINTER((int)i));
    stats_tree_register_plugin("ftplens", "ftplens", "FTP Lens", ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT,
                               tree_packet, tree_init, NULL);
}
