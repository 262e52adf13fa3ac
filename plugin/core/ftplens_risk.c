/* ftplens_risk.c - when each security check fires.  The rows (ids,
 * severities, messages, advice) are in ftplens_risk_rules.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_risk.h"

#include "ftplens_address.h"
#include "ftplens_login.h"
#include "ftplens_session.h"
#include "ftplens_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MASK "********"

struct ftplens_risk_session {
    const char *pass;           /* raw */
    uint32_t pass_frame;
    bool pass_sent;
    int64_t first_ns;           /* the session's first event: it is open from then on */
    unsigned guess;             /* the last PASS was this client's guess number ... (all sessions) */
    ftplens_finding *credentials;   /* cleartext_credentials of the last PASS, waiting for its outcome */
    bool logged_in;
    bool anonymous;
    unsigned failures;
    bool bruteforce_reported;
    bool auth_refused;
    const char *auth_mech;
    unsigned auth_code;
    uint32_t auth_frame;
    uint32_t feat_tls_frame;
    bool prot_p;
    bool prot_reported;
    bool greeting_done, syst_done;
    bool nonstandard_reported;
    bool start_seen;            /* greeting or USER seen: the login state is known */
    bool login_gap;             /* bytes lost before any login was seen: a login may be in them */
    GHashTable *preauth;        /* command notes sent before login; NULL until the first */
    uint8_t counts[FTPLENS_RISK_COUNT];     /* up to MAX_PER_SESSION + 1 */
};

typedef struct {
    int64_t time_ns;
    const char *user;           /* interned in the arena */
    const ftplens_risk_session *session;   /* a key only: a rejected session is freed before its failures */
    int64_t session_start_ns;
} failure;

typedef struct {
    GArray *times;              /* of failure, inside the window */
    int64_t reported_until;
    unsigned passwords;         /* PASS commands sent by this client, all sessions */
} client_failures;

typedef struct {
    char *user331, *user530;
    bool reported;
} server_users;

struct ftplens_risk_global {
    ftplens_risk_config cfg;
    ftplens_arena *arena;
    GHashTable *clients;        /* address text -> client_failures */
    GHashTable *servers;        /* "addr port" -> server_users */
};

static void client_failures_free(gpointer p)
{
    client_failures *c = p;
    g_array_free(c->times, TRUE);
    g_free(c);
}

static void server_users_free(gpointer p)
{
    server_users *s = p;
    g_free(s->user331);
    g_free(s->user530);
    g_free(s);
}

ftplens_risk_global *ftplens_risk_global_new(const ftplens_risk_config *cfg, ftplens_arena *arena)
{
    ftplens_risk_global *g = g_new0(ftplens_risk_global, 1);
    g->cfg = *cfg;
    g->arena = arena;
    g->clients = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, client_failures_free);
    g->servers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, server_users_free);
    return g;
}

void ftplens_risk_global_free(ftplens_risk_global *g)
{
    if (!g)
        return;
    g_hash_table_destroy(g->clients);
    g_hash_table_destroy(g->servers);
    g_free(g);
}

ftplens_risk_session *ftplens_risk_session_new(void)
{
    return g_new0(ftplens_risk_session, 1);
}

void ftplens_risk_session_free(ftplens_risk_session *s)
{
    if (!s)
        return;
    if (s->preauth)
        g_hash_table_destroy(s->preauth);
    g_free(s);
}

/* ---------------------------------------------------------------- emitting */

#define MAX_PER_SESSION 20   /* findings of one kind per session: memory stays bounded */
G_STATIC_ASSERT(MAX_PER_SESSION < UINT8_MAX);     /* counts[] */

/* A finding with its rule's message, or (alt) with the rule's second sentence. */
static ftplens_finding *emit_as(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                                bool alt, ftplens_risk_id id, ...)
{
    char buf[600], failed[600];
    const ftplens_risk_rule *rule = &ftplens_risk_rules[id];
    va_list ap;

    if (s && s->counts[id] <= MAX_PER_SESSION)
        s->counts[id]++;
    if (s && s->counts[id] > MAX_PER_SESSION)
        return NULL;
    va_start(ap, id);
    if (rule->if_failed) {      /* the same evidence in the sentence for a failed login */
        va_list again;
        va_copy(again, ap);
        vsnprintf(failed, sizeof failed, T(rule->if_failed->message), again);
        va_end(again);
    }
    vsnprintf(buf, sizeof buf, T(alt ? rule->message_alt : rule->message), ap);
    va_end(ap);
    if (s && s->counts[id] == MAX_PER_SESSION) {
        g_strlcat(buf, T(" (the last one reported for this session)"), sizeof buf);
        if (rule->if_failed)
            g_strlcat(failed, T(" (the last one reported for this session)"), sizeof failed);
    }
    ftplens_finding *f = ftplens_arena_alloc0(g->arena, sizeof *f);
    f->id = id;
    f->message = ftplens_arena_text(g->arena, buf, strlen(buf));
    if (rule->if_failed)
        f->message_if_failed = ftplens_arena_text(g->arena, failed, strlen(failed));
    ftplens_finding **tail = ctx->out;
    while (*tail)
        tail = &(*tail)->next;
    *tail = f;
    return f;
}

#define emit(g, s, ctx, ...) emit_as((g), (s), (ctx), false, __VA_ARGS__)
#define emit_alt(g, s, ctx, ...) emit_as((g), (s), (ctx), true, __VA_ARGS__)

bool ftplens_finding_failed_variant(const ftplens_finding *f)
{
    return ftplens_risk_rules[f->id].if_failed && f->message_if_failed &&
           (f->login == FTPLENS_LOGIN_FAILED || f->login == FTPLENS_LOGIN_CLOSED);
}

ftplens_severity ftplens_finding_severity(const ftplens_finding *f)
{
    const ftplens_risk_rule *r = &ftplens_risk_rules[f->id];
    return ftplens_finding_failed_variant(f) ? r->if_failed->severity : r->severity;
}

const char *ftplens_finding_title(const ftplens_finding *f)
{
    const ftplens_risk_rule *r = &ftplens_risk_rules[f->id];
    return ftplens_finding_failed_variant(f) ? r->if_failed->title : r->title;
}

const char *ftplens_finding_advice(const ftplens_finding *f)
{
    const ftplens_risk_rule *r = &ftplens_risk_rules[f->id];
    return ftplens_finding_failed_variant(f) ? r->if_failed->advice : r->advice;
}

const char *ftplens_finding_text(const ftplens_finding *f, bool final, char *buf, size_t len)
{
    const char *message = ftplens_finding_failed_variant(f) ? f->message_if_failed : f->message;
    if (f->login == FTPLENS_LOGIN_NONE)
        return message;
    char outcome[200];
    ftplens_login_outcome_text(f->login, f->login_code, f->login_frame, final, outcome, sizeof outcome);
    snprintf(buf, len, T("%s; %s"), message, outcome);
    return buf;
}

/* The outcome of the login whose password the finding shows. */
static void settle_credentials(ftplens_risk_session *s, ftplens_login_step step, unsigned code, uint32_t frame)
{
    if (!s->credentials)
        return;
    s->credentials->login = (uint8_t)step;
    s->credentials->login_code = (uint16_t)code;
    s->credentials->login_frame = frame;
    if (step != FTPLENS_LOGIN_CONTINUE)
        s->credentials = NULL;
}

/* ---------------------------------------------------------------- tables */

/* Default anonymous passwords and what they give away. */
static const struct {
    const char *prefix;
    const char *what;
} known_passwords[] = {
    { "IEUser@", N_("the default of Internet Explorer's FTP client, also used by Nmap's ftp-anon script") },
    { "mozilla@", N_("the default of Mozilla/Netscape browsers, also used by Metasploit modules") },
    { "chrome@example.com", N_("the default of Google Chrome's FTP client") },
    { "nessus@", N_("the Nessus scanner's probe") },
    { "-iss@iss", N_("the ISS scanner's probe") },
    { "-satan", N_("the SATAN scanner's probe") },
    { "-saint", N_("the SAINT scanner's probe") },
    { "-cklaus", N_("the probe of an old ISS scanner") },
    { "ddd@", N_("a scanner probe (GPL rule 2100353)") },
    { "wh00t", N_("a scanner probe (GPL rule 2100355)") },
    { "Java1.", N_("the default of Java's FTP URL handler") },
    { "NcFTP@", N_("the default of the NcFTP client") },
    { "anonymous@", N_("the default of Python's ftplib") },
    { "lftp@", N_("the default of lftp") },
    { "ftp@example.com", N_("the default of curl") },
    { "guest", N_("a common guess") },
};

const char *ftplens_risk_known_password(const char *pass)
{
    for (size_t i = 0; i < G_N_ELEMENTS(known_passwords); i++) {
        if (g_ascii_strncasecmp(pass, known_passwords[i].prefix, strlen(known_passwords[i].prefix)) == 0)
            return T(known_passwords[i].what);
    }
    return NULL;
}

/* The command's own argument limit (a column of the command table), else the preference. */
static unsigned arg_limit(const ftplens_risk_global *g, const ftplens_note *cmd)
{
    return cmd->command && cmd->command->arg_max ? cmd->command->arg_max : g->cfg.arg_max_default;
}

/* A property of the command (FTPLENS_CMD_*): a column of the command table. */
static bool has(const ftplens_note *cmd, unsigned flag)
{
    return cmd && cmd->command && (cmd->command->flags & flag);
}

static ftplens_xfer_kind xfer_of(const ftplens_note *cmd)
{
    return cmd && cmd->command ? cmd->command->xfer : FTPLENS_XFER_NONE;
}

bool ftplens_risk_anonymous_user(const char *user)
{
    return user && (g_ascii_strcasecmp(user, "anonymous") == 0 || g_ascii_strcasecmp(user, "ftp") == 0);
}

static bool is_privileged(const char *user)
{
    static const char *const names[] = { "root", "toor", "admin", "administrator", "sa" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(user, names[i]) == 0)
            return true;
    }
    return false;
}

static const char *sensitive_name(const char *arg)
{
    static const char *const names[] = { "passwd", "shadow", ".ssh", "authorized_keys", ".htpasswd", ".htaccess",
        ".rhosts", ".forward", ".netrc", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".bash_history", "web.config",
        "wp-config.php", ".git/config", "sam" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *p = arg;
        size_t n = strlen(names[i]);
        while ((p = strstr(p, names[i])) != NULL) {
            bool starts = p == arg || p[-1] == '/' || p[-1] == '\\' || names[i][0] == '.';
            bool ends = p[n] == '\0' || p[n] == '/' || p[n] == '\\' || p[n] == ' ';
            if (starts && ends)
                return names[i];
            p += n;
        }
    }
    return NULL;
}

/* One '..' is ordinary navigation; two or more in a row, '...', '~user' or a
 * system path try to climb out of the FTP area. */
static bool traverses(const char *arg)
{
    unsigned ups = 0;
    for (const char *p = arg; (p = strstr(p, "..")) != NULL; p += 2)
        ups += (p[2] == '/' || p[2] == '\\' || p[2] == '\0');
    return ups >= 2 || strstr(arg, "...") || arg[0] == '~' || g_str_has_prefix(arg, "/etc/") ||
           g_str_has_prefix(arg, "/root") || g_ascii_strncasecmp(arg, "C:\\", 3) == 0;
}

static bool is_private_v4(const char *addr)
{
    uint8_t a[16];
    unsigned len;
    if (!ftplens_addr_parse(addr, a, &len) || len != 4)
        return false;
    uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    return (v >> 24) == 10 || (v >> 20) == (172 << 4 | 1) || (v >> 16) == (192 << 8 | 168) ||
           (v >> 24) == 127 || (v >> 16) == (169 << 8 | 254);
}

static bool same_address(const char *a, const char *b)
{
    uint8_t x[16], y[16];
    unsigned lx, ly;
    if (!ftplens_addr_parse(a, x, &lx) || !ftplens_addr_parse(b, y, &ly) || lx != ly)
        return g_ascii_strcasecmp(a, b) == 0;
    return memcmp(x, y, lx) == 0;
}

/* Product and version in a banner: a known product name followed by a version. */
bool ftplens_banner_product(const char *text, char *out, size_t outlen)
{
    static const char *const products[] = { "vsFTPd", "ProFTPD", "Pure-FTPd", "FileZilla Server", "Microsoft FTP Service",
        "wu-", "NetBSD-ftpd", "pyftpdlib", "Serv-U", "WS_FTP", "NcFTPd", "glFTPd", "PCMan", "Gene6", "BulletProof",
        "WarFTPd", "War-FTPD", "Titan FTP", "CrushFTP", "Xlight", "proftpd", "FreeBSD", "OpenBSD", "GNU inetutils",
        "Version" };
    for (size_t i = 0; i < G_N_ELEMENTS(products); i++) {
        const char *p = strstr(text, products[i]);
        if (!p)
            continue;
        /* "name version": words up to the first one with a digit in it. */
        const char *end = p + strlen(products[i]);
        bool digit = false;
        while (*end && !digit && (end - p) < 48) {
            while (*end == ' ')
                end++;
            while (*end && *end != ' ' && *end != ')' && *end != ']' && *end != ',') {
                digit |= g_ascii_isdigit(*end);
                end++;
            }
            if (*end != ' ')
                break;
        }
        if (!digit && i != 4)
            continue;
        while (end > p && (end[-1] == '.' || end[-1] == ';' || end[-1] == ':'))
            end--;
        /* Fit 'out' without cutting a UTF-8 character in two. */
        size_t n = ftplens_utf8_prefix(p, (size_t)(end - p), outlen - 1);
        snprintf(out, outlen, "%.*s", (int)n, p);
        return true;
    }
    return false;
}

static const struct {
    const char *needle;
    const char *why;
} vulnerable[] = {
    { "vsFTPd 2.3.4", N_("the vsftpd 2.3.4 source was backdoored (CVE-2011-2523)") },
    { "ProFTPD 1.3.3c", N_("the ProFTPD 1.3.3c source was backdoored") },
    { "ProFTPD 1.3.5 ", N_("mod_copy lets anyone copy files (CVE-2015-3306)") },
    { "ProFTPD 1.3.5)", N_("mod_copy lets anyone copy files (CVE-2015-3306)") },
    { "wu-2.6.0", N_("SITE EXEC format string (CVE-2000-0573)") },
    { "wu-2.6.1", N_("glob heap overflow (CVE-2001-0550)") },
    { "PCMan", N_("PCMan FTP Server 2.0.7 has remote buffer overflows (CVE-2013-4730)") },
    { "Serv-U FTP Server v6", N_("Serv-U 6 has known remote overflows") },
    { "FileZilla Server version 0.9.", N_("FileZilla Server 0.9 is unmaintained and has known flaws") },
};

/* ---------------------------------------------------------------- events */

static const char *shown_password(const ftplens_risk_global *g, const char *pass)
{
    return g->cfg.mask_passwords && pass && *pass ? MASK : (pass ? pass : "");
}

static client_failures *client_of(ftplens_risk_global *g, const char *client)
{
    client_failures *c = g_hash_table_lookup(g->clients, client);
    if (!c) {
        c = g_new0(client_failures, 1);
        c->times = g_array_new(FALSE, FALSE, sizeof(failure));
        g_hash_table_insert(g->clients, g_strdup(client), c);
    }
    return c;
}

static unsigned client_failure(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                               const char *user, bool *report)
{
    client_failures *c = client_of(g, ctx->client);
    int64_t window = (int64_t)g->cfg.bruteforce_window_s * 1000000000;

    failure f = { ctx->time_ns, ftplens_arena_intern(g->arena, user), s, s->first_ns };
    g_array_append_val(c->times, f);
    /* Keep only the failures inside the window (memory stays bounded). */
    guint drop = 0;
    while (drop < c->times->len && g_array_index(c->times, failure, drop).time_ns < ctx->time_ns - window)
        drop++;
    if (drop)
        g_array_remove_range(c->times, 0, drop);
    *report = g->cfg.bruteforce_client && c->times->len >= g->cfg.bruteforce_client &&
              ctx->time_ns > c->reported_until;
    if (*report)
        c->reported_until = ctx->time_ns + window;
    return c->times->len;
}

/* What a client's failures inside the window show: the user names tried
 * ("'alice'" or "3 user names ('a', 'b', 'c')"), how many connections they
 * came over and how many of those were open at the same time (each from its
 * first event to its last failure so far). */
static void client_pattern(const client_failures *c, char *users, size_t users_len, unsigned *conns,
                           unsigned *at_once)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTable *index = g_hash_table_new(g_direct_hash, g_direct_equal);    /* session -> span number + 1 */
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint i = 0; i < c->times->len; i++) {
        const failure *f = &g_array_index(c->times, failure, i);
        if (!g_ptr_array_find(names, f->user, NULL))     /* interned: one pointer per name */
            g_ptr_array_add(names, (gpointer)f->user);
        guint k = GPOINTER_TO_UINT(g_hash_table_lookup(index, f->session));
        if (!k) {
            g_array_append_val(spans, f->session_start_ns);
            g_array_append_val(spans, f->time_ns);
            k = spans->len / 2;
            g_hash_table_insert(index, (gpointer)f->session, GUINT_TO_POINTER(k));
        }
        g_array_index(spans, int64_t, 2 * k - 1) = f->time_ns;
    }
    *conns = spans->len / 2;
    *at_once = ftplens_risk_at_once((const int64_t *)(void *)spans->data, *conns);
    char *text = ftplens_risk_users_text(names);
    g_strlcpy(users, text, users_len);
    g_free(text);
    g_array_free(spans, TRUE);
    g_hash_table_destroy(index);
    g_ptr_array_free(names, TRUE);
}

char *ftplens_risk_users_text(GPtrArray *names)
{
    GString *g = g_string_new(NULL);
    if (names->len == 1) {
        g_string_printf(g, "'%s'", (const char *)names->pdata[0]);
    } else {
        g_string_printf(g, T("%u user names ("), names->len);
        for (guint i = 0; i < names->len && i < 3; i++)
            g_string_append_printf(g, "%s'%s'", i ? ", " : "", (const char *)names->pdata[i]);
        g_string_append(g, names->len > 3 ? ", ...)" : ")");
    }
    return g_string_free(g, FALSE);
}

typedef struct {
    int64_t ns;
    int delta;                  /* +1 start, -1 end */
} span_edge;

static int cmp_edge(const void *a, const void *b)
{
    const span_edge *x = a, *y = b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    return y->delta - x->delta;         /* starts before ends */
}

unsigned ftplens_risk_at_once(const int64_t *spans, unsigned n)
{
    GArray *edges = g_array_sized_new(FALSE, FALSE, sizeof(span_edge), 2 * n);
    for (unsigned i = 0; i < n; i++) {
        span_edge s0 = { spans[2 * i], 1 }, s1 = { spans[2 * i + 1], -1 };
        g_array_append_val(edges, s0);
        g_array_append_val(edges, s1);
    }
    g_array_sort(edges, cmp_edge);
    int open = 0, best = 0;
    for (guint i = 0; i < edges->len; i++) {
        open += g_array_index(edges, span_edge, i).delta;
        best = MAX(best, open);
    }
    g_array_free(edges, TRUE);
    return (unsigned)best;
}

/* Failures for this user name from this client inside the window (other sessions included). */
static unsigned client_recent_failures(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const char *user)
{
    client_failures *c = g_hash_table_lookup(g->clients, ctx->client);
    int64_t window = (int64_t)g->cfg.bruteforce_window_s * 1000000000;
    unsigned n = 0;
    if (!c)
        return 0;
    for (guint i = 0; i < c->times->len; i++) {
        const failure *f = &g_array_index(c->times, failure, i);
        n += f->time_ns >= ctx->time_ns - window && strcmp(f->user, user) == 0;
    }
    return n;
}

/* What the argument itself shows: overflow, format strings, paths that climb out or touch secrets. */
static void command_argument(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                             const ftplens_note *cmd)
{
    const char *verb = cmd->verb, *arg = cmd->arg ? cmd->arg : "";

    if (cmd->telnet_iac && !has(cmd, FTPLENS_CMD_TELNET))
        emit(g, s, ctx, FTPLENS_RISK_TELNET_IAC, verb);
    if (cmd->arg_len > arg_limit(g, cmd))
        emit(g, s, ctx, FTPLENS_RISK_ARG_TOO_LONG, verb, (unsigned long long)cmd->arg_len, arg_limit(g, cmd));
    if (strcmp(verb, "PASS") != 0) {
        const char *pct = strchr(arg, '%');
        if (pct && strchr(pct + 1, '%'))
            emit(g, s, ctx, FTPLENS_RISK_FORMAT_STRING, verb, arg);
    }
    if (has(cmd, FTPLENS_CMD_PATH) || strcmp(verb, "SITE") == 0) {
        const char *path = arg;
        if (strcmp(verb, "SITE") == 0 && (path = strrchr(arg, ' ')) != NULL)
            path++;
        else if (strcmp(verb, "SITE") == 0)
            path = "";
        if (*path && traverses(path))
            emit(g, s, ctx, FTPLENS_RISK_PATH_TRAVERSAL, verb, arg);
        const char *sens = *path ? sensitive_name(path) : NULL;
        if (sens)
            emit(g, s, ctx, FTPLENS_RISK_SENSITIVE_FILE, verb, arg);
    }
}

bool ftplens_risk_backdoor_trigger(const ftplens_note *cmd)
{
    return strcmp(cmd->verb, "USER") == 0 && cmd->arg && g_str_has_suffix(cmd->arg, ":)");
}

static void command_user(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                         const ftplens_note *cmd)
{
    const char *arg = cmd->arg ? cmd->arg : "";
    s->pass_sent = false;
    s->guess = 0;
    if (ftplens_risk_backdoor_trigger(cmd))
        emit(g, s, ctx, FTPLENS_RISK_BACKDOOR_VSFTPD_234, arg, ctx->server);
    if (is_privileged(arg))
        emit(g, s, ctx, FTPLENS_RISK_PRIVILEGED_ACCOUNT, arg);
}

/* The password is on the wire now, whatever the server answers: the findings
 * are on this line; the login outcome is filled in by the reply. */
static void command_pass(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                         const ftplens_note *cmd)
{
    s->pass = ftplens_note_extra_of(cmd)->secret ? ftplens_note_extra_of(cmd)->secret : (cmd->arg ? cmd->arg : "");
    s->guess = ++client_of(g, ctx->client)->passwords;
    s->pass_frame = ctx->frame;
    s->pass_sent = true;
    s->credentials = NULL;
    if (!ctx->encrypted) {
        s->credentials = emit(g, s, ctx, FTPLENS_RISK_CLEARTEXT_CREDENTIALS, ctx->user ? ctx->user : "?",
                              shown_password(g, s->pass));
        if (s->credentials)
            s->credentials->login = FTPLENS_LOGIN_PENDING;
    }
    if (ftplens_risk_anonymous_user(ctx->user)) {
        const char *known = ftplens_risk_known_password(s->pass);
        const char *why = known ? known
                        : !*s->pass ? T("empty: the server accepts anything")
                        : strchr(s->pass, '@') ? T("an e-mail address, as RFC 1635 suggests, but nobody checks it")
                        : NULL;
        if (why)
            emit(g, s, ctx, FTPLENS_RISK_ANONYMOUS_DEFAULT_PASSWORD, shown_password(g, s->pass), why);
    }
    if (!*s->pass)
        emit(g, s, ctx, FTPLENS_RISK_EMPTY_PASSWORD, ctx->user ? ctx->user : "");
}

void ftplens_risk_command(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                          const ftplens_note *cmd)
{
    const char *verb = cmd->verb, *arg = cmd->arg ? cmd->arg : "";

    if (!s->first_ns)
        s->first_ns = ctx->time_ns;
    command_argument(g, s, ctx, cmd);
    if (strcmp(verb, "USER") == 0)
        s->start_seen = true;
    if (s->start_seen && !s->logged_in && !s->login_gap && has(cmd, FTPLENS_CMD_FILE)) {
        emit(g, s, ctx, FTPLENS_RISK_PREAUTH_COMMAND, verb);
        if (!s->preauth)
            s->preauth = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_hash_table_add(s->preauth, (gpointer)cmd);
    }

    if (strcmp(verb, "USER") == 0) {
        command_user(g, s, ctx, cmd);
    } else if (strcmp(verb, "PASS") == 0) {
        command_pass(g, s, ctx, cmd);
    } else if (strcmp(verb, "SITE") == 0 && g_ascii_strncasecmp(arg, "EXEC", 4) == 0) {
        emit(g, s, ctx, FTPLENS_RISK_SITE_EXEC, arg);
    } else if (strcmp(verb, "HELP") == 0 && g_ascii_strcasecmp(arg, "ACIDBITCHEZ") == 0) {
        emit(g, s, ctx, FTPLENS_RISK_BACKDOOR_PROFTPD, "");
    } else if ((strcmp(verb, "PORT") == 0 || strcmp(verb, "EPRT") == 0) && ftplens_note_extra_of(cmd)->address) {
        const ftplens_address_arg *hp = ftplens_note_extra_of(cmd)->address;
        if (hp->has_addr && !same_address(hp->addr, ctx->client))
            emit(g, s, ctx, FTPLENS_RISK_PORT_BOUNCE, verb, hp->addr, ctx->client);
        if (hp->port < 1024)
            emit(g, s, ctx, FTPLENS_RISK_PORT_PRIVILEGED, verb, hp->port);
    }
}

static void login_outcome(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                          const ftplens_note *reply, bool success)
{
    unsigned code = reply->reply.code;
    const char *user = ctx->user ? ctx->user : "";

    if (!s->pass_sent && !ctx->encrypted && ctx->user && success) {
        /* Logged in by USER alone: the name was the only credential. */
        s->credentials = emit(g, s, ctx, FTPLENS_RISK_CLEARTEXT_CREDENTIALS, user, T("(none sent)"));
    }
    settle_credentials(s, success ? FTPLENS_LOGIN_SUCCEEDED : FTPLENS_LOGIN_FAILED, code, ctx->frame);

    if (success) {
        unsigned before = s->failures;
        unsigned recent = client_recent_failures(g, ctx, user);
        s->logged_in = true;
        s->anonymous = ftplens_risk_anonymous_user(user);
        if (s->anonymous)
            emit(g, s, ctx, FTPLENS_RISK_ANONYMOUS_LOGIN, user, shown_password(g, s->pass_sent ? s->pass : ""));
        if (before || recent) {
            unsigned n = before > recent ? before : recent;
            /* The count is this session's, or this client's for this user when that is higher. */
            ftplens_finding *f = emit_as(g, s, ctx, recent > before, FTPLENS_RISK_LOGIN_SUCCESS_AFTER_FAILURES, user, n,
                                         n == 1 ? "" : T("s"));
            if (f && s->pass_sent) {    /* a login by password (not by USER alone): which guess won */
                char *won = g_strdup_printf(T("%s; the password that worked was guess %u from this client"),
                                            f->message, s->guess);
                f->message = ftplens_arena_text(g->arena, won, strlen(won));
                g_free(won);
            }
        }
        if (s->auth_refused && !ctx->encrypted)
            emit(g, s, ctx, FTPLENS_RISK_AUTH_TLS_REFUSED_FALLBACK, s->auth_mech, s->auth_code, s->auth_frame);
        if (s->feat_tls_frame && !ctx->encrypted)
            emit(g, s, ctx, FTPLENS_RISK_TLS_OFFERED_NOT_USED, s->feat_tls_frame);
        return;
    }
    s->failures++;
    ftplens_reply_info texts;
    ftplens_reply_texts(&reply->reply, &texts);
    emit(g, s, ctx, FTPLENS_RISK_LOGIN_FAILED, user, code, texts.meaning, s->failures);
    bool client_report;
    unsigned client_n = client_failure(g, s, ctx, user, &client_report);
    if (g->cfg.bruteforce_session && s->failures >= g->cfg.bruteforce_session && !s->bruteforce_reported) {
        char quoted[160];
        s->bruteforce_reported = true;
        snprintf(quoted, sizeof quoted, "'%s'", user);
        emit(g, s, ctx, FTPLENS_RISK_BRUTEFORCE, s->failures, quoted);
    } else if (client_report) {
        char users[160], parallel[64];
        unsigned conns, at_once;
        client_pattern(g_hash_table_lookup(g->clients, ctx->client), users, sizeof users, &conns, &at_once);
        if (at_once > 1)
            snprintf(parallel, sizeof parallel, T("up to %u at once so far"), at_once);
        else
            g_strlcpy(parallel, T("one at a time so far"), sizeof parallel);
        emit_alt(g, s, ctx, FTPLENS_RISK_BRUTEFORCE, client_n, users, ctx->client, g->cfg.bruteforce_window_s / 60,
                 conns, conns == 1 ? "" : T("s"), parallel);
    }
}

static void user_reply(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const char *user, unsigned code)
{
    char key[80];
    snprintf(key, sizeof key, "%s %u", ctx->server, ctx->server_port);
    server_users *su = g_hash_table_lookup(g->servers, key);
    if (!su) {
        su = g_new0(server_users, 1);
        g_hash_table_insert(g->servers, g_strdup(key), su);
    }
    if (code == 331 && !su->user331)
        su->user331 = g_strdup(user);
    if (code == 530 && !su->user530)
        su->user530 = g_strdup(user);
    if (su->user331 && su->user530 && !su->reported && g_strcmp0(su->user331, su->user530) != 0) {
        su->reported = true;
        emit(g, NULL, ctx, FTPLENS_RISK_USER_ENUMERATION, su->user530, 530u, su->user331, 331u);
    }
}

void ftplens_risk_reply_lost(ftplens_risk_session *s, const ftplens_note *cmd)
{
    /* The outcome of the login is unknown, never guessed. */
    if (ftplens_login_attempt(cmd))
        settle_credentials(s, FTPLENS_LOGIN_LOST, 0, 0);
}

void ftplens_risk_capture_gap(ftplens_risk_session *s)
{
    if (!s->logged_in)
        s->login_gap = true;
}

/* Lines of the greeting and of SYST/FEAT replies, whatever their part: what the banner discloses. */
static void reply_banner(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                         const ftplens_note *reply, const char *verb)
{
    char product[64];

    if (reply->answers == FTPLENS_ANSWERS_GREETING && !s->greeting_done &&
        ftplens_banner_product(reply->text, product, sizeof product)) {
        s->greeting_done = true;
        emit(g, s, ctx, FTPLENS_RISK_BANNER_DISCLOSURE, T("220 greeting"), product);
        for (size_t i = 0; i < G_N_ELEMENTS(vulnerable); i++) {
            if (strstr(reply->text, vulnerable[i].needle))
                emit(g, s, ctx, FTPLENS_RISK_VULNERABLE_VERSION, product, T(vulnerable[i].why));
        }
    }
    if (strcmp(verb, "SYST") == 0 && reply->reply.code == 215 && !s->syst_done &&
        ftplens_banner_product(reply->text, product, sizeof product)) {
        s->syst_done = true;
        emit(g, s, ctx, FTPLENS_RISK_BANNER_DISCLOSURE, T("215 reply to SYST"), product);
    }
    if (strcmp(verb, "FEAT") == 0 && !s->feat_tls_frame &&
        (strstr(reply->text, "AUTH TLS") || strstr(reply->text, "AUTH SSL") || strstr(reply->text, "AUTH TLS-")))
        s->feat_tls_frame = ctx->frame;
}

/* The login decision of this reply (ftplens_login_decide), and what follows from it.
 * Returns true when the reply closed the session (nothing else applies). */
static bool reply_login(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                        const ftplens_note *reply, const ftplens_note *cmd, const char *verb)
{
    const ftplens_reply_code *r = &reply->reply;
    ftplens_login_step login = ftplens_login_decide(reply);

    if (login == FTPLENS_LOGIN_CLOSED && s->failures) {
        settle_credentials(s, login, r->code, ctx->frame);
        emit(g, s, ctx, FTPLENS_RISK_LOCKOUT, s->failures, s->failures == 1 ? "" : T("s"));
        return true;
    }
    if (strcmp(verb, "USER") == 0 && (r->code == 331 || r->code == 530))
        user_reply(g, ctx, cmd->arg ? cmd->arg : "", r->code);
    if (login == FTPLENS_LOGIN_SUCCEEDED)
        login_outcome(g, s, ctx, reply, true);
    else if (login == FTPLENS_LOGIN_FAILED || login == FTPLENS_LOGIN_CLOSED)
        login_outcome(g, s, ctx, reply, false);
    else if (login == FTPLENS_LOGIN_UNCLEAR)
        settle_credentials(s, login, r->code, ctx->frame);
    return false;
}

/* AUTH, CCC and PROT: the state of TLS on the two channels. */
static void reply_tls(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                      const ftplens_note *reply, const ftplens_note *cmd, const char *verb)
{
    const ftplens_reply_code *r = &reply->reply;
    unsigned cls = r->reply_class;

    if (strcmp(verb, "AUTH") == 0) {
        if (ftplens_session_auth_accepted(verb, r->code)) {
            emit(g, s, ctx, FTPLENS_RISK_TLS_ACCEPTED, cmd->arg);
        } else if (cls == 4 || cls == 5) {
            s->auth_refused = true;
            s->auth_mech = cmd->arg;
            s->auth_code = r->code;
            s->auth_frame = ctx->frame;
        }
    } else if (strcmp(verb, "CCC") == 0 && cls == 2) {
        emit(g, s, ctx, FTPLENS_RISK_CCC_DOWNGRADE, r->code);
    } else if (strcmp(verb, "PROT") == 0 && cls == 2) {
        s->prot_p = cmd->arg && g_ascii_strcasecmp(cmd->arg, "P") == 0;
        if (!s->prot_p && ctx->tls_used && !s->prot_reported) {
            s->prot_reported = true;
            emit(g, s, ctx, FTPLENS_RISK_PROT_CLEAR, T("PROT C accepted"));
        }
    }
}

/* Data-connection addresses accepted by the server: PORT/EPRT to a third host, 227 elsewhere. */
static void reply_addresses(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                            const ftplens_note *reply, const ftplens_note *cmd, const char *verb)
{
    const ftplens_reply_code *r = &reply->reply;
    const ftplens_address_arg *sent = ftplens_note_extra_of(cmd)->address;
    const ftplens_address_arg *offered = ftplens_note_extra_of(reply)->address;

    if ((strcmp(verb, "PORT") == 0 || strcmp(verb, "EPRT") == 0) && r->reply_class == 2 && sent &&
        sent->has_addr && !same_address(sent->addr, ctx->client)) {
        char what[80];
        snprintf(what, sizeof what, "%s %.60s", verb, cmd->arg);
        emit(g, s, ctx, FTPLENS_RISK_PORT_BOUNCE_ACCEPTED, what, r->code, sent->addr);
    } else if (r->code == 227 && offered && offered->has_addr && !same_address(offered->addr, ctx->server)) {
        if (is_private_v4(offered->addr))
            emit(g, s, ctx, FTPLENS_RISK_PASV_PRIVATE_ADDRESS, offered->addr, ctx->server);
        else
            emit(g, s, ctx, FTPLENS_RISK_PASV_THIRD_PARTY, offered->addr, ctx->server);
    }
}

/* 502: a known command the server chose not to implement; 500: a verb no registry knows
 * (500 to a known verb is a syntax or policy refusal, not an unknown command). */
static void reply_unknown_command(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                                  const ftplens_note *reply, const ftplens_note *cmd, const char *verb)
{
    const ftplens_reply_code *r = &reply->reply;

    if (!(r->code == 502 || (r->code == 500 && !cmd->command)))
        return;
    const char *why = r->code == 502 ? T("it is a known command this server chose not to implement")
                                     : T("the server does not recognise it");
    if (strcmp(verb, "OPTS") == 0 && cmd->arg && g_ascii_strncasecmp(cmd->arg, "utf8", 4) == 0)
        why = T("the client asks for RFC 2640 UTF-8 file names (OPTS UTF8 ON) on a server that does not implement "
                "OPTS; harmless, names are then sent as the server's own encoding");
    char shown[64];
    snprintf(shown, sizeof shown, "%s%s%.40s", cmd->verb, cmd->arg && *cmd->arg ? " " : "",
               cmd->arg ? cmd->arg : "");
    emit(g, s, ctx, FTPLENS_RISK_UNKNOWN_COMMAND, shown, r->code, why);
}

/* A completed write or transfer: anonymous writes, and what crossed the network in clear text. */
static void reply_transfer(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                           const ftplens_note *reply, const ftplens_note *cmd, const char *verb)
{
    const ftplens_reply_code *r = &reply->reply;
    bool done = r->reply_class == 2;
    const char *arg = cmd->arg ? cmd->arg : "";

    if (done && s->anonymous && has(cmd, FTPLENS_CMD_WRITES)) {
        char what[80];
        snprintf(what, sizeof what, "%s %.60s", verb, arg);
        emit(g, s, ctx, FTPLENS_RISK_ANONYMOUS_WRITE, what, r->code);
    }
    if (!done || xfer_of(cmd) == FTPLENS_XFER_NONE)
        return;
    /* Whether the data connection was encrypted is read off the data connection itself
     * (PROT may have been sent inside TLS); unknown when it was not captured. */
    bool data_clear = ctx->data_seen ? !ctx->data_tls : !ctx->tls_used;
    const char *content = xfer_of(cmd) == FTPLENS_XFER_LISTING ? T("directory listing") : T("file content");
    if (ctx->tls_used && ctx->data_seen && !ctx->data_tls && !s->prot_reported) {
        char what[96];
        s->prot_reported = true;
        snprintf(what, sizeof what, T("the data connection of %s%s%.60s carried clear text"), verb,
                   *arg ? " " : "", arg);
        emit(g, s, ctx, FTPLENS_RISK_PROT_CLEAR, what);
    }
    if (data_clear) {
        char what[96], amount[96];
        snprintf(what, sizeof what, "%s%s%.60s", verb, *arg ? " " : "", arg);
        if (ctx->data_seen)
            snprintf(amount, sizeof amount, T("%llu bytes of %s"), (unsigned long long)ctx->data_bytes, content);
        else
            snprintf(amount, sizeof amount, T("the %s (its data connection was not captured)"), content);
        emit(g, s, ctx, FTPLENS_RISK_CLEARTEXT_TRANSFER, what, amount);
    }
}

void ftplens_risk_reply(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                        const ftplens_note *reply)
{
    const ftplens_reply_code *r = &reply->reply;
    const ftplens_note *cmd = reply->to_note;
    const char *verb = ftplens_note_to_command(reply) ? ftplens_note_to_command(reply) : "";

    if (!s->first_ns)
        s->first_ns = ctx->time_ns;
    if (reply->answers == FTPLENS_ANSWERS_GREETING)
        s->start_seen = true;
    reply_banner(g, s, ctx, reply, verb);
    if (reply->part != FTPLENS_PART_SINGLE && reply->part != FTPLENS_PART_FIRST)
        return;
    if (reply->answers == FTPLENS_ANSWERS_UNSOLICITED && r->code == 421 && s->failures) {
        emit(g, s, ctx, FTPLENS_RISK_LOCKOUT, s->failures, s->failures == 1 ? "" : T("s"));
        return;
    }
    if (reply->answers != FTPLENS_ANSWERS_COMMAND || !cmd || cmd->kind != FTPLENS_NOTE_REQUEST)
        return;         /* no command, or a client line that is none: nothing below applies */

    unsigned cls = r->reply_class;
    if (s->preauth && g_hash_table_contains(s->preauth, cmd) && cls >= 1 && cls <= 3) {
        g_hash_table_remove(s->preauth, cmd);
        emit(g, s, ctx, FTPLENS_RISK_PREAUTH_COMMAND_ACCEPTED, verb, r->code);
    }
    if (cls == 1)
        return;         /* preliminary: wait for the final reply */
    if (reply_login(g, s, ctx, reply, cmd, verb))
        return;
    reply_tls(g, s, ctx, reply, cmd, verb);
    if (strcmp(verb, "SITE") == 0 && cls == 2 && cmd->arg && g_ascii_strncasecmp(cmd->arg, "EXEC", 4) == 0)
        emit(g, s, ctx, FTPLENS_RISK_SITE_EXEC_SUCCESS, r->code, cmd->arg);
    reply_addresses(g, s, ctx, reply, cmd, verb);
    reply_unknown_command(g, s, ctx, reply, cmd, verb);
    reply_transfer(g, s, ctx, reply, cmd, verb);
}

void ftplens_risk_data_connection(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, bool active,
                                  const char *from, uint16_t from_port, uint32_t setup_frame)
{
    (void)from_port;
    const char *expected = active ? ctx->server : ctx->client;
    if (!same_address(from, expected))
        emit(g, NULL, ctx, FTPLENS_RISK_DATA_UNEXPECTED_HOST, setup_frame, from,
             active ? T("FTP server (active mode)") : T("FTP client (passive mode)"), expected);
}

void ftplens_risk_backdoor_shell(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const char *server,
                                 uint32_t trigger_frame)
{
    emit_alt(g, NULL, ctx, FTPLENS_RISK_BACKDOOR_VSFTPD_234, server, trigger_frame);
}

void ftplens_risk_nonstandard_port(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx)
{
    if (s->nonstandard_reported || ctx->server_port == 21)
        return;
    s->nonstandard_reported = true;
    emit(g, s, ctx, FTPLENS_RISK_NONSTANDARD_PORT, ctx->server_port);
}

void ftplens_risk_malformed_reply(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const ftplens_note *line)
{
    const char *problem = ftplens_note_extra_of(line)->problem_text;
    emit(g, NULL, ctx, FTPLENS_RISK_REPLY_MALFORMED, line->text, problem ? T(problem) : "");
}

void ftplens_risk_tls_ended(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx)
{
    emit(g, s, ctx, FTPLENS_RISK_CCC_DOWNGRADE);
}
