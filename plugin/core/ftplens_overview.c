/* ftplens_overview.c - the top of the lab report, for captures of one session
 * or of hundreds (a brute-force lab): the capture in numbers, one table of
 * the sessions (repeated ones folded), what each client did, one timeline,
 * and the findings grouped by rule.  Everything is read from the sessions'
 * digests (ftplens_digest.c), so it agrees with the per-session sections.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_overview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftplens_report_fmt.h"
#include "ftplens_risk.h"
#include "ftplens_text.h"

#define FOLDED_TABLE_ROWS 40    /* folded report: rows of the sessions table */
#define FOLDED_EVENTS 40        /* folded report: timeline events */
#define FOLDED_LIST 40          /* folded report: repeated shapes and clients listed */
#define CLIENT_TRANSFERS 6      /* transfers named in a client's summary */
#define FINDING_FRAMES 6        /* frame ranges shown for a group of findings */

static const char *plural(unsigned n)
{
    return n == 1 ? "" : T("s");
}

/* "STOR secret.txt", the argument cut at 60 characters. */
static char *transfer_text(const ftplens_digest_transfer *t)
{
    const char *arg = t->cmd->arg;
    size_t len = strlen(arg), cut = ftplens_utf8_prefix(arg, len, 60);
    return g_strdup_printf("%s%s%.*s%s", t->cmd->verb, *arg ? " " : "", (int)cut, arg, cut < len ? "..." : "");
}

/* ---------------------------------------------------------------- folding */

GPtrArray *ftplens_overview_fold(GPtrArray *digests)
{
    GPtrArray *groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    GHashTable *by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < digests->len; i++) {
        ftplens_digest *d = digests->pdata[i];
        char *key = ftplens_digest_key(d);
        GPtrArray *g = g_hash_table_lookup(by_key, key);
        if (!g) {
            g = g_ptr_array_new();
            g_ptr_array_add(groups, g);
            g_hash_table_insert(by_key, key, g);
        } else {
            g_free(key);
        }
        g_ptr_array_add(g, d);
    }
    g_hash_table_destroy(by_key);
    return groups;
}

char *ftplens_overview_numbers(GPtrArray *group)
{
    unsigned *v = g_new(unsigned, group->len);
    for (guint i = 0; i < group->len; i++)
        v[i] = ((const ftplens_digest *)group->pdata[i])->number;
    char *s = rpt_ranges(v, group->len, 8);
    g_free(v);
    return s;
}

/* ---------------------------------------------------------------- the capture in numbers */

typedef struct {
    ftplens_risk_id id;
    bool failed;                /* the rule's if_failed variant */
    const char *server;         /* per-server rules: "address port"; NULL otherwise */
    const ftplens_finding *first;
    uint32_t first_frame, last_frame;
    int64_t first_ns;
    unsigned first_session;
    unsigned count;
    unsigned sessions, last_session;    /* sessions with the finding (they come in session order) */
    GArray *frames;             /* unsigned */
    GHashTable *servers;        /* per-server rules: the servers */
} finding_group;

static void finding_group_free(gpointer p)
{
    finding_group *g = p;
    g_array_free(g->frames, TRUE);
    if (g->servers)
        g_hash_table_destroy(g->servers);
    g_free(g);
}

static ftplens_severity group_severity(const finding_group *g)
{
    const ftplens_risk_rule *r = &ftplens_risk_rules[g->id];
    return g->failed ? r->if_failed->severity : r->severity;
}

static int cmp_severity(const void *a, const void *b)
{
    const finding_group *x = *(const finding_group *const *)a, *y = *(const finding_group *const *)b;
    return (int)group_severity(y) - (int)group_severity(x);
}

/* Findings of every session grouped by rule (and variant): the most severe first, then in order of first
 * appearance. */
static GPtrArray *group_findings(GPtrArray *digests)
{
    GPtrArray *groups = g_ptr_array_new_with_free_func(finding_group_free);
    finding_group *by_rule[FTPLENS_RISK_COUNT][2] = { { NULL } };
    for (guint s = 0; s < digests->len; s++) {
        const ftplens_digest *d = digests->pdata[s];
        const ftplens_conn *ctl = d->ctl;
        char server[80];
        snprintf(server, sizeof server, "%s %u", ctl->server_text, ctl->listener.port);
        for (guint c = 0; c <= ctl->data_conns->len; c++) {
            const ftplens_conn *conn = c ? g_ptr_array_index(ctl->data_conns, c - 1) : ctl;
            for (guint i = 0; conn->frames && i < conn->frames->len; i++) {
                const ftplens_frame *f = g_ptr_array_index(conn->frames, i);
                for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
                    bool failed = ftplens_finding_failed_variant(fd);
                    finding_group *g = by_rule[fd->id][failed];
                    if (!g) {
                        g = g_new0(finding_group, 1);
                        g->id = fd->id;
                        g->failed = failed;
                        g->first = fd;
                        g->first_frame = f->frame;
                        g->first_ns = f->time_ns;
                        g->first_session = d->number;
                        g->frames = g_array_new(FALSE, FALSE, sizeof(unsigned));
                        if (ftplens_risk_rules[fd->id].per_server)
                            g->servers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
                        by_rule[fd->id][failed] = g;
                        g_ptr_array_add(groups, g);
                    }
                    if (f->frame < g->first_frame) {    /* sessions overlap: the earliest frame is the first */
                        g->first = fd;
                        g->first_frame = f->frame;
                        g->first_ns = f->time_ns;
                        g->first_session = d->number;
                    }
                    g->count++;
                    if (g->last_session != d->number)
                        g->sessions++;
                    g->last_session = d->number;
                    g->last_frame = MAX(g->last_frame, f->frame);
                    unsigned fr = f->frame;
                    g_array_append_val(g->frames, fr);
                    if (g->servers)
                        g_hash_table_add(g->servers, g_strdup(server));
                }
            }
        }
    }
    g_ptr_array_sort(groups, cmp_severity);     /* stable: by first appearance within a severity */
    return groups;
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Sessions, clients and servers; logins; bytes; findings per rule. */
static void capture_numbers(GString *out, bool md, GPtrArray *digests, GPtrArray *fgroups)
{
    GHashTable *clients = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *servers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    unsigned failed = 0, logged_in = 0, anonymous = 0, unknown = 0, uploads = 0, downloads = 0;
    uint64_t up = 0, down = 0;
    int64_t first = 0, last = 0;
    for (guint i = 0; i < digests->len; i++) {
        const ftplens_digest *d = digests->pdata[i];
        g_hash_table_add(clients, (gpointer)d->ctl->client_text);
        g_hash_table_add(servers, g_strdup_printf("%s %u", d->ctl->server_text, d->ctl->listener.port));
        failed += d->failures;
        logged_in += d->login_frame != 0;
        anonymous += d->anonymous;
        unknown += d->unknown_attempts;
        up += d->bytes_up;
        down += d->bytes_down;
        for (guint k = 0; k < d->transfers->len; k++) {
            if (g_array_index(d->transfers, ftplens_digest_transfer, k).upload)
                uploads++;
            else
                downloads++;
        }
        if (!i || d->first_ns < first)
            first = d->first_ns;
        last = MAX(last, d->last_ns);
    }
    unsigned nc = g_hash_table_size(clients), ns = g_hash_table_size(servers);
    char *n = rpt_count(digests->len), *span = rpt_duration(last - first), *c = rpt_count(nc), *v = rpt_count(ns);
    rpt_item(out, md, T("Sessions"), T("%s session%s from %s client%s to %s server%s in %s"), n, plural(digests->len),
             c, plural(nc), v, plural(ns), span);
    g_free(n);
    g_free(span);
    g_free(c);
    g_free(v);
    char *a = rpt_count(failed), *b = rpt_count(logged_in), *u = rpt_count(unknown), *an = rpt_count(anonymous);
    rpt_item(out, md, T("Logins"), T("%s failed attempt%s; %s session%s logged in (%s anonymous); %s attempt%s "
                                     "whose reply was not captured"),
             a, plural(failed), b, plural(logged_in), an, u, plural(unknown));
    g_free(a);
    g_free(b);
    g_free(u);
    g_free(an);
    char *cs = rpt_count(up), *sc = rpt_count(down), *nu = rpt_count(uploads), *nd = rpt_count(downloads);
    rpt_item(out, md, T("Transferred"), T("client \u2192 server %s bytes in %s upload%s; server \u2192 client %s bytes "
                                          "in %s download%s and listing%s"),
             cs, nu, plural(uploads), sc, nd, plural(downloads), plural(downloads));
    g_free(cs);
    g_free(sc);
    g_free(nu);
    g_free(nd);
    GString *f = g_string_new(NULL);
    for (guint i = 0; i < fgroups->len; i++) {
        const finding_group *g = fgroups->pdata[i];
        const char *sev = T(ftplens_severity_text(group_severity(g)));
        char *k = rpt_count(g->servers ? g_hash_table_size(g->servers) : g->count);
        g_string_append_printf(f, "%s%s%s (%s) %s%s", f->len ? ", " : "", ftplens_risk_rules[g->id].id,
                               g->failed ? T(" after a failed login") : "", sev, k,
                               g->servers ? T(" per server") : "");
        g_free(k);
    }
    rpt_item(out, md, T("Findings"), "%s", f->len ? f->str : T("none"));
    g_string_free(f, TRUE);
    g_hash_table_destroy(clients);
    g_hash_table_destroy(servers);
}

/* ---------------------------------------------------------------- the sessions table */

static const char *login_cell(const ftplens_digest *d, char *buf, size_t len)
{
    const char *what = d->outcome == FTPLENS_OUTCOME_SUCCEEDED ? (d->anonymous ? T("anonymous") : T("succeeded"))
                     : d->outcome == FTPLENS_OUTCOME_FAILED ? T("failed")
                     : d->outcome == FTPLENS_OUTCOME_UNKNOWN ? T("unknown")
                     : d->outcome == FTPLENS_OUTCOME_UNCLEAR ? T("unclear")
                     : d->outcome == FTPLENS_OUTCOME_LOST_AFTER_FAILURE ? T("failed, then lost") : T("none");
    if (d->failures)
        snprintf(buf, len, T("%s (%u failed)"), what, d->failures);
    else
        g_strlcpy(buf, what, len);
    return buf;
}

static void sessions_table(GString *out, bool md, GPtrArray *groups, bool full)
{
    rpt_table *t = rpt_table_new(9, T("session"), T("count"), T("frames"), T("client \u2192 server"), T("user"),
                                 T("login"), T("commands"), T("transfers"), T("findings"));
    unsigned rows = 0, left = 0;
    for (guint i = 0; i < groups->len; i++) {
        GPtrArray *g = groups->pdata[i];
        for (guint k = 0; k < (full ? g->len : 1); k++) {
            if (!full && rows == FOLDED_TABLE_ROWS) {
                left += g->len;
                continue;
            }
            const ftplens_digest *d = g->pdata[k];
            const ftplens_digest *last = full ? d : g->pdata[g->len - 1];
            unsigned n = full ? 1 : g->len, xfers = 0, findings = 0;
            for (guint j = full ? k : 0; j < (full ? k + 1 : g->len); j++) {
                const ftplens_digest *m = g->pdata[j];
                xfers += m->transfers->len;
                findings += m->findings;
            }
            char *sessions = full ? g_strdup_printf("%u", d->number) : ftplens_overview_numbers(g);
            char *a = rpt_count(d->first_frame), *b = rpt_count(last->last_frame);
            char *frames = g_strdup_printf("%s\u2013%s", a, b);
            bool v6 = strchr(d->ctl->server_text, ':') != NULL;      /* [2001:db8::1]:21, as in URLs */
            char *ends = g_strdup_printf("%s \u2192 %s%s%s:%u", d->ctl->client_text, v6 ? "[" : "",
                                         d->ctl->server_text, v6 ? "]" : "", d->ctl->listener.port);
            char cmds[16], xf[16], login[96];
            char *count = rpt_count(n), *fd = rpt_count(findings);
            snprintf(cmds, sizeof cmds, "%u", d->commands);
            snprintf(xf, sizeof xf, "%u", xfers);
            char user[48] = "-";
            if (d->user) {      /* an overlong USER (an overflow attempt) is cut: the walkthrough has it whole */
                size_t len = strlen(d->user), cut = ftplens_utf8_prefix(d->user, len, 24);
                snprintf(user, sizeof user, "%.*s%s", (int)cut, d->user, cut < len ? "..." : "");
            }
            rpt_row(t, sessions, count, frames, ends, user, login_cell(d, login, sizeof login), cmds, xf, fd);
            g_free(sessions);
            g_free(count);
            g_free(fd);
            g_free(a);
            g_free(b);
            g_free(frames);
            g_free(ends);
            rows++;
        }
    }
    rpt_table_end(t, out, md, "  ");
    if (left)
        g_string_append_printf(out, md ? T("%u more sessions: -z ftplens,report,full lists every session.\n\n")
                                       : T("  %u more sessions: -z ftplens,report,full lists every session.\n"), left);
}

/* The "N more ...: -z ftplens,report,full lists them all." line of a capped list. */
static void more_line(GString *out, bool md, unsigned left)
{
    if (left)
        g_string_append_printf(out, md ? T("%u more: -z ftplens,report,full lists them all.\n\n")
                                       : T("  %u more: -z ftplens,report,full lists them all.\n"), left);
}

/* "Sessions 2–346 (345 sessions, frames 40–11,702): like session 1 — USER ..." for every repeated shape. */
static void repeated_shapes(GString *out, bool md, GPtrArray *groups, bool full)
{
    bool any = false;
    unsigned shown = 0, left = 0;
    for (guint i = 0; i < groups->len; i++) {
        GPtrArray *g = groups->pdata[i];
        if (g->len < 2)
            continue;
        if (!full && shown == FOLDED_LIST) {
            left++;
            continue;
        }
        shown++;
        const ftplens_digest *d = g->pdata[0], *last = g->pdata[g->len - 1];
        if (!any)
            g_string_append(out, md ? T("Repeated sessions (same client, server, commands and replies; passwords "
                                        "may differ):\n\n")
                                    : T("\n  Repeated sessions (same client, server, commands and replies; passwords "
                                        "may differ):\n"));
        any = true;
        char *nums = ftplens_overview_numbers(g), *n = rpt_count(g->len);
        char *a = rpt_count(d->first_frame), *b = rpt_count(last->last_frame);
        g_string_append(out, md ? "- " : "  - ");
        g_string_append_printf(out, T("sessions %s (%s sessions, frames %s\u2013%s): %s"), nums, n, a, b,
                               *d->shape ? d->shape : T("no command"));
        g_string_append_c(out, '\n');
        g_free(nums);
        g_free(n);
        g_free(a);
        g_free(b);
    }
    if (any && md)
        g_string_append_c(out, '\n');
    more_line(out, md, left);
}

/* ---------------------------------------------------------------- what each client did */

typedef struct {
    const ftplens_digest_pass *p;
    unsigned session;
} client_pass;

static int cmp_pass(const void *a, const void *b)
{
    const client_pass *x = a, *y = b;
    return x->p->frame < y->p->frame ? -1 : x->p->frame > y->p->frame;
}

/* The users of a client's passwords: "'alice'" or "3 user names ('a', 'b', 'c', ...)". */
static char *users_text(GArray *passes)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < passes->len; i++) {
        const char *u = g_array_index(passes, client_pass, i).p->user;
        u = u ? u : "?";
        bool seen = false;
        for (guint k = 0; k < names->len && !seen; k++)
            seen = strcmp(names->pdata[k], u) == 0;
        if (!seen)
            g_ptr_array_add(names, (gpointer)u);
    }
    char *text = ftplens_risk_users_text(names);
    g_ptr_array_free(names, TRUE);
    return text;
}

/* Connections of one client open at the same time, at most: their first-to-last frame spans overlapping. */
static unsigned at_once(GPtrArray *sessions)
{
    int64_t *spans = g_new(int64_t, 2 * sessions->len);
    for (guint i = 0; i < sessions->len; i++) {
        const ftplens_digest *d = sessions->pdata[i];
        spans[2 * i] = d->first_ns;
        spans[2 * i + 1] = d->last_ns;
    }
    unsigned n = ftplens_risk_at_once(spans, sessions->len);
    g_free(spans);
    return n;
}

static void one_client(GString *out, bool md, const char *client, GPtrArray *sessions)
{
    GArray *passes = g_array_new(FALSE, FALSE, sizeof(client_pass));
    unsigned min_per = 0, max_per = 0;
    int64_t first = 0, last = 0;
    const ftplens_digest *login = NULL;
    for (guint i = 0; i < sessions->len; i++) {
        const ftplens_digest *d = sessions->pdata[i];
        for (guint k = 0; k < d->passes->len; k++) {
            client_pass cp = { &g_array_index(d->passes, ftplens_digest_pass, k), d->number };
            g_array_append_val(passes, cp);
        }
        if (d->passes->len) {
            min_per = min_per ? MIN(min_per, d->passes->len) : d->passes->len;
            max_per = MAX(max_per, d->passes->len);
        }
        if (!i || d->first_ns < first)
            first = d->first_ns;
        last = MAX(last, d->last_ns);
        if (d->login_frame && (!login || d->login_frame < login->login_frame))
            login = d;
    }
    g_array_sort(passes, cmp_pass);

    GString *g = g_string_new(NULL);
    char *span = rpt_duration(last - first), *nconn = rpt_count(sessions->len);
    g_string_append_printf(g, T("%s: %s connection%s in %s"), client, nconn, plural(sessions->len), span);
    g_free(span);
    g_free(nconn);
    if (passes->len) {
        char *n = rpt_count(passes->len), *users = users_text(passes);
        g_string_append_printf(g, T(", %s password%s tried for %s"), n, plural(passes->len), users);
        g_free(n);
        g_free(users);
        if (sessions->len > 1) {
            char per[32];
            unsigned open = at_once(sessions);
            if (min_per == max_per)
                snprintf(per, sizeof per, "%u", max_per);
            else
                snprintf(per, sizeof per, "%u\u2013%u", min_per, max_per);
            if (open > 1)
                g_string_append_printf(g, T(" (%s per connection, up to %u connections at once)"), per, open);
            else
                g_string_append_printf(g, T(" (%s per connection, one connection at a time)"), per);
        }
    }
    /* The password that worked, counted among all this client's passwords in frame order: the first one after
     * a refused one (a brute force that won), else the first one. */
    const client_pass *won = NULL, *first_ok = NULL;
    unsigned guess = 0, first_guess = 0;
    bool refused = false;
    for (guint i = 0; i < passes->len && !won; i++) {
        const client_pass *cp = &g_array_index(passes, client_pass, i);
        if (cp->p->step == FTPLENS_LOGIN_SUCCEEDED && refused) {
            won = cp;
            guess = i + 1;
        } else if (cp->p->step == FTPLENS_LOGIN_SUCCEEDED && !first_ok) {
            first_ok = cp;
            first_guess = i + 1;
        }
        refused |= cp->p->step == FTPLENS_LOGIN_FAILED || cp->p->step == FTPLENS_LOGIN_CLOSED;
    }
    bool brute = won != NULL;
    if (!won) {
        won = first_ok;
        guess = first_guess;
    }
    uint32_t from_frame = 0;
    if (won && (brute || !login || won->p->reply_frame <= login->login_frame)) {
        char *at = rpt_clock(won->p->reply_ns), *n = rpt_count(guess);
        if (guess > 1)
            g_string_append_printf(g, T("; login succeeded for '%s' with guess %s in session %u (frame %u) at %s"),
                                   won->p->user ? won->p->user : "?", n, won->session, won->p->reply_frame, at);
        else
            g_string_append_printf(g, T("; logged in as '%s' in session %u (frame %u) at %s"),
                                   won->p->user ? won->p->user : "?", won->session, won->p->reply_frame, at);
        from_frame = won->p->reply_frame;
        g_free(at);
        g_free(n);
    } else if (login) {
        char *at = rpt_clock(login->login_ns);
        g_string_append_printf(g, T("; logged in as '%s' in session %u (frame %u) at %s"),
                               login->user ? login->user : "?", login->number, login->login_frame, at);
        from_frame = login->login_frame;
        g_free(at);
    } else if (passes->len) {
        g_string_append(g, T("; no password worked"));
    } else {
        g_string_append(g, T("; no login"));
    }
    /* What the client did with the login. */
    GString *files = g_string_new(NULL);
    unsigned named = 0, more = 0;
    for (guint i = 0; i < sessions->len; i++) {
        const ftplens_digest *d = sessions->pdata[i];
        for (guint k = 0; k < d->transfers->len; k++) {
            const ftplens_digest_transfer *t = &g_array_index(d->transfers, ftplens_digest_transfer, k);
            if (t->frame < from_frame)
                continue;
            if (named == CLIENT_TRANSFERS) {
                more++;
                continue;
            }
            char *what = transfer_text(t);
            g_string_append_printf(files, "%s%s", files->len ? ", " : "", what);
            g_free(what);
            named++;
        }
    }
    if (files->len) {
        g_string_append_printf(g, T(", then %s"), files->str);
        if (more)
            g_string_append_printf(g, T(" and %u more transfer%s"), more, plural(more));
    }
    g_string_free(files, TRUE);
    g_string_append_c(g, '.');
    g_string_append_printf(out, "%s%s\n", md ? "- " : "  ", g->str);
    g_string_free(g, TRUE);
    g_array_free(passes, TRUE);
}

/* The sessions of each client, in order of the client's first session: a GPtrArray of GPtrArray. */
static GPtrArray *by_client(GPtrArray *digests)
{
    GPtrArray *clients = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < digests->len; i++) {
        const ftplens_digest *d = digests->pdata[i];
        GPtrArray *s = g_hash_table_lookup(index, d->ctl->client_text);
        if (!s) {
            s = g_ptr_array_new();
            g_hash_table_insert(index, (gpointer)d->ctl->client_text, s);
            g_ptr_array_add(clients, s);
        }
        g_ptr_array_add(s, (gpointer)d);
    }
    g_hash_table_destroy(index);
    return clients;
}

static void what_happened(GString *out, bool md, GPtrArray *clients, bool full)
{
    guint n = full ? clients->len : MIN(clients->len, FOLDED_LIST);
    for (guint i = 0; i < n; i++) {
        GPtrArray *s = clients->pdata[i];
        one_client(out, md, ((const ftplens_digest *)s->pdata[0])->ctl->client_text, s);
    }
    if (md && n < clients->len)
        g_string_append_c(out, '\n');
    more_line(out, md, clients->len - n);
}

/* ---------------------------------------------------------------- the timeline */

typedef struct {
    int64_t ns;
    uint32_t frame;
    unsigned session;
    char *text;
} event;

static void add_event(GArray *events, int64_t ns, uint32_t frame, unsigned session, char *text)
{
    event e = { ns, frame, session, text };
    g_array_append_val(events, e);
}

static int cmp_event(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* Per client: the first and the last failed login, every successful one. */
static void login_events(GArray *events, GPtrArray *clients)
{
    for (guint c = 0; c < clients->len; c++) {
        GPtrArray *sessions = clients->pdata[c];
        const char *client = ((const ftplens_digest *)sessions->pdata[0])->ctl->client_text;
        GArray *passes = g_array_new(FALSE, FALSE, sizeof(client_pass));
        unsigned failures = 0;
        for (guint k = 0; k < sessions->len; k++) {
            const ftplens_digest *e = sessions->pdata[k];
            failures += e->failures;
            bool pass_won = false;
            for (guint j = 0; j < e->passes->len; j++) {
                client_pass cp = { &g_array_index(e->passes, ftplens_digest_pass, j), e->number };
                g_array_append_val(passes, cp);
                pass_won |= cp.p->step == FTPLENS_LOGIN_SUCCEEDED;
            }
            if (e->login_frame && !pass_won)      /* a login without a password, or by USER alone */
                add_event(events, e->login_ns, e->login_frame, e->number,
                          e->anonymous ? g_strdup_printf(T("anonymous login accepted ('%s') from %s"), e->user, client)
                                       : g_strdup_printf(T("login succeeded for '%s' from %s"),
                                                         e->user ? e->user : "?", client));
        }
        g_array_sort(passes, cmp_pass);
        for (guint j = 0; j < passes->len; j++) {
            const client_pass *cp = &g_array_index(passes, client_pass, j);
            const char *user = cp->p->user ? cp->p->user : "?";
            if (cp->p->step == FTPLENS_LOGIN_SUCCEEDED) {
                char *n = rpt_count(j + 1);
                add_event(events, cp->p->reply_ns, cp->p->reply_frame, cp->session,
                          ftplens_risk_anonymous_user(cp->p->user)
                              ? g_strdup_printf(T("anonymous login accepted ('%s') from %s"), user, client)
                          : j ? g_strdup_printf(T("login succeeded for '%s' from %s with guess %s"), user, client, n)
                              : g_strdup_printf(T("login succeeded for '%s' from %s"), user, client));
                g_free(n);
            }
        }
        /* Every refused login (to USER, PASS or ACCT): the first and the last. */
        const ftplens_digest_failure *first_fail = NULL, *last_fail = NULL;
        unsigned first_s = 0, last_s = 0;
        for (guint k = 0; k < sessions->len; k++) {
            const ftplens_digest *e = sessions->pdata[k];
            for (guint j = 0; j < e->refusals->len; j++) {
                const ftplens_digest_failure *x = &g_array_index(e->refusals, ftplens_digest_failure, j);
                if (!first_fail || x->frame < first_fail->frame)
                    first_fail = x, first_s = e->number;
                if (!last_fail || x->frame > last_fail->frame)
                    last_fail = x, last_s = e->number;
            }
        }
        if (first_fail)
            add_event(events, first_fail->time_ns, first_fail->frame, first_s,
                      g_strdup_printf(T("first failed login from %s (user '%s')"), client,
                                      first_fail->user ? first_fail->user : "?"));
        if (last_fail && last_fail != first_fail) {
            char *n = rpt_count(failures);
            add_event(events, last_fail->time_ns, last_fail->frame, last_s,
                      g_strdup_printf(T("last failed login from %s (user '%s'): %s failed logins from this client"),
                                      client, last_fail->user ? last_fail->user : "?", n));
            g_free(n);
        }
        g_array_free(passes, TRUE);
    }
}

static void transfer_events(GArray *events, GPtrArray *digests)
{
    for (guint i = 0; i < digests->len; i++) {
        const ftplens_digest *d = digests->pdata[i];
        for (guint k = 0; k < d->transfers->len; k++) {
            const ftplens_digest_transfer *t = &g_array_index(d->transfers, ftplens_digest_transfer, k);
            char *n = rpt_count(t->bytes), *text, *what = transfer_text(t);
            if (!t->seen)
                text = g_strdup_printf(T("%s completed (its data connection was not captured)"), what);
            else if (t->upload)
                text = g_strdup_printf(T("%s: %s bytes uploaded"), what, n);
            else
                text = g_strdup_printf(T("%s: %s bytes downloaded"), what, n);
            g_free(what);
            add_event(events, t->time_ns, t->frame, d->number, text);
            g_free(n);
        }
    }
}

static void finding_events(GArray *events, GPtrArray *fgroups)
{
    for (guint i = 0; i < fgroups->len; i++) {
        const finding_group *g = fgroups->pdata[i];
        char text[800];
        const char *message = ftplens_finding_text(g->first, true, text, sizeof text);
        GString *s = g_string_new(NULL);
        g_string_printf(s, T("%s %s: %s"), T(ftplens_severity_text(ftplens_finding_severity(g->first))),
                        ftplens_risk_rules[g->id].id, message);
        if (g->servers && g->sessions > 1) {    /* a fact of the server: once per server */
            char *n = rpt_count(g->sessions);
            g_string_append_printf(s, T(" (%u server%s, repeated in %s sessions, the last in frame %u)"),
                                   g_hash_table_size(g->servers), plural(g_hash_table_size(g->servers)), n,
                                   g->last_frame);
            g_free(n);
        } else if (g->count > 1) {
            char *n = rpt_count(g->count);
            g_string_append_printf(s, T(" (%s in all, the last in frame %u)"), n, g->last_frame);
            g_free(n);
        }
        add_event(events, g->first_ns, g->first_frame, g->first_session, g_string_free(s, FALSE));
    }
}

static void timeline(GString *out, bool md, GPtrArray *digests, GPtrArray *clients, GPtrArray *fgroups, bool full)
{
    GArray *events = g_array_new(FALSE, FALSE, sizeof(event));
    login_events(events, clients);
    transfer_events(events, digests);
    finding_events(events, fgroups);
    g_array_sort(events, cmp_event);
    rpt_table *t = rpt_table_new(4, T("frame"), T("time (UTC)"), T("session"), T("event"));
    for (guint i = 0; i < events->len; i++) {
        event *e = &g_array_index(events, event, i);
        if (full || i < FOLDED_EVENTS) {
            char fr[16], s[16], *clock = rpt_clock(e->ns);
            snprintf(fr, sizeof fr, "%u", e->frame);
            snprintf(s, sizeof s, "%u", e->session);
            rpt_row(t, fr, clock, s, e->text);
            g_free(clock);
        }
        g_free(e->text);
    }
    rpt_table_end(t, out, md, "  ");
    if (!full && events->len > FOLDED_EVENTS)
        g_string_append_printf(out, md ? T("%u more events: -z ftplens,report,full lists them all.\n\n")
                                       : T("  %u more events: -z ftplens,report,full lists them all.\n"),
                               events->len - FOLDED_EVENTS);
    g_array_free(events, TRUE);
}

/* ---------------------------------------------------------------- findings, grouped */

static void grouped_findings(GString *out, bool md, GPtrArray *fgroups)
{
    for (guint i = 0; i < fgroups->len; i++) {
        finding_group *g = fgroups->pdata[i];
        char text[800];
        const char *message = ftplens_finding_text(g->first, true, text, sizeof text);
        const char *sev = T(ftplens_severity_text(ftplens_finding_severity(g->first)));
        g_array_sort(g->frames, cmp_uint);
        char *frames = rpt_ranges((const unsigned *)(void *)g->frames->data, g->frames->len, FINDING_FRAMES);
        char *n = rpt_count(g->servers ? g->sessions : g->count), where[200];
        if (g->servers)
            snprintf(where, sizeof where, T("%u server%s, in %s session%s; frames %s"),
                     g_hash_table_size(g->servers), plural(g_hash_table_size(g->servers)), n, plural(g->sessions),
                     frames);
        else
            snprintf(where, sizeof where, T("%s time%s; frames %s"), n, plural(g->count), frames);
        if (md)
            g_string_append_printf(out, T("- **%s** `%s` (%s): %s  \n  *Countermeasure:* %s\n"), sev,
                                   ftplens_risk_rules[g->id].id, where, message, T(ftplens_finding_advice(g->first)));
        else
            g_string_append_printf(out, T("  [%s] %s (%s): %s\n      Countermeasure: %s\n"), sev,
                                   ftplens_risk_rules[g->id].id, where, message, T(ftplens_finding_advice(g->first)));
        g_free(frames);
        g_free(n);
    }
    if (!fgroups->len)
        g_string_append(out, md ? T("No findings.\n") : T("  No findings.\n"));
}

void ftplens_overview(GString *out, bool md, GPtrArray *digests, GPtrArray *groups, bool full)
{
    GPtrArray *fgroups = group_findings(digests), *clients = by_client(digests);
    rpt_heading(out, md, 1, "%s", T("Overview"));
    if (!md)
        g_string_append_c(out, '\n');
    capture_numbers(out, md, digests, fgroups);
    rpt_heading(out, md, 2, "%s", T("Sessions"));
    sessions_table(out, md, groups, full);
    repeated_shapes(out, md, groups, full);
    rpt_heading(out, md, 2, "%s", T("What happened, per client"));
    what_happened(out, md, clients, full);
    rpt_heading(out, md, 2, "%s", T("Timeline"));
    timeline(out, md, digests, clients, fgroups, full);
    if (digests->len > 1) {
        rpt_heading(out, md, 2, "%s", T("Findings, grouped by rule"));
        grouped_findings(out, md, fgroups);
    }
    g_string_append_c(out, '\n');
    g_ptr_array_free(fgroups, TRUE);
    g_ptr_array_free(clients, TRUE);
}
