/* ftplens_zeeklog.c - the FTP log in Zeek's ftp.log layout (see the header).
 *
 * Zeek's rules followed (scripts/base/protocols/ftp/main.zeek, utils.zeek):
 * user is the last USER argument ("<unknown>" before one), password the last
 * PASS argument, arg the command's argument, or for the file commands
 * ftp://server/path built from the working directory (CWD, CDUP, PWD replies
 * move it; it starts as "."), file_size the last number of a 150 reply to RETR
 * or a 213 reply to SIZE,
 * data_channel the address a PORT or EPRT sends or a 227 or 229 reply
 * announces, reply_code and reply_msg the last line of the reply.
 * Deliberate differences (README, "The FTP log"): the reply is the one
 * ftplens paired with the command, never the previous command's; a command
 * whose reply was not captured has none; the user is unknown after a capture
 * gap; CDUP goes to the parent directory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_zeeklog.h"

#include <stdio.h>
#include <string.h>

#include "ftplens_core_private.h"
#include "ftplens_mime.h"

/* ---- which commands ---- */

bool ftplens_log_selection_parse(const char *text, ftplens_log_selection *out, char **bad)
{
    memset(out, 0, sizeof *out);
    out->verbs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    *bad = NULL;
    char **words = g_strsplit_set(text ? text : "", ", \t", -1);
    for (char **w = words; *w; w++) {
        if (!**w)
            continue;
        if (g_ascii_strcasecmp(*w, "zeek") == 0) {
            out->zeek = true;
        } else if (g_ascii_strcasecmp(*w, "all") == 0) {
            out->all = true;
        } else if (g_ascii_strcasecmp(*w, "<init>") == 0) {
            out->init = true;
        } else {
            size_t n = strlen(*w);
            bool letters = n <= 16;
            for (size_t i = 0; i < n && letters; i++)
                letters = g_ascii_isalpha((*w)[i]);
            if (letters)
                g_hash_table_add(out->verbs, g_ascii_strup(*w, -1));
            else if (!*bad)
                *bad = g_strdup(*w);
        }
    }
    g_strfreev(words);
    return *bad == NULL;
}

void ftplens_log_selection_clear(ftplens_log_selection *sel)
{
    if (sel->verbs)
        g_hash_table_destroy(sel->verbs);
    sel->verbs = NULL;
}

static bool selected(const ftplens_log_selection *sel, const ftplens_note *cmd)
{
    if (!cmd)
        return sel->all || sel->init;
    return sel->all || g_hash_table_contains(sel->verbs, cmd->verb) ||
           (sel->zeek && cmd->command && (cmd->command->flags & FTPLENS_CMD_LOGGED));
}

/* ---- Zeek's paths ---- */

/* compress_path: '.' and empty parts dropped (a leading '.' kept), 'x/..' folded; '..' above a
 * relative start kept, and never above '~' or '~user'. */
static char *compress_path(const char *path)
{
    bool absolute = path[0] == '/';
    char **parts = g_strsplit(path, "/", -1);
    GPtrArray *stack = g_ptr_array_new();
    for (char **p = parts; *p; p++) {
        const char *top = stack->len ? stack->pdata[stack->len - 1] : NULL;
        if (!**p)
            continue;
        if (strcmp(*p, ".") == 0) {
            if (!stack->len && !absolute)
                g_ptr_array_add(stack, ".");
        } else if (strcmp(*p, "..") == 0) {
            if (top && strcmp(top, ".") == 0)
                stack->pdata[stack->len - 1] = "..";
            else if (top && strcmp(top, "..") != 0 && !(stack->len == 1 && top[0] == '~' && !absolute))
                g_ptr_array_remove_index(stack, stack->len - 1);
            else
                g_ptr_array_add(stack, "..");
        } else {
            g_ptr_array_add(stack, *p);
        }
    }
    GString *g = g_string_new(absolute ? "/" : "");
    for (guint i = 0; i < stack->len; i++)
        g_string_append_printf(g, "%s%s", i ? "/" : "", (const char *)stack->pdata[i]);
    g_ptr_array_free(stack, TRUE);
    g_strfreev(parts);
    return g_string_free(g, FALSE);
}

static bool absolute_path(const char *s)
{
    return s[0] == '/' || (g_ascii_isalpha(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/'));
}

char *ftplens_zeek_path(const char *dir, const char *file)
{
    if (absolute_path(file) || !*dir)
        return compress_path(file);
    char *joined = g_strconcat(dir, g_str_has_suffix(dir, "/") ? "" : "/", file, NULL);
    char *out = compress_path(joined);
    g_free(joined);
    return out;
}

/* The first "quoted absolute path", else the first absolute path up to a space or quote ("" if none). */
char *ftplens_zeek_extract_path(const char *text)
{
    for (const char *q = strchr(text, '"'); q; q = strchr(q + 1, '"')) {
        const char *end = strchr(q + 1, '"');
        if (!end)
            break;
        if (absolute_path(q + 1))
            return g_strndup(q + 1, (gsize)(end - q - 1));
    }
    for (const char *p = text; *p; p++) {
        if (absolute_path(p)) {
            const char *e = p;
            while (*e && *e != '"' && (*e != ' ' || (e > p && e[-1] == '\\')))
                e++;
            return g_strndup(p, (gsize)(e - p));
        }
    }
    return g_strdup("");
}

/* ---- one record per command ---- */

typedef struct {
    const ftplens_note *cmd;        /* NULL: <init>, the greeting */
    const ftplens_frame *cmd_frame; /* the greeting's frame for <init> */
    const ftplens_note *reply;      /* its last reply line (single or last of several) */
    const ftplens_frame *reply_frame;
    const ftplens_frame *bad_frame; /* the server answered with a line that is no reply ("99 PASV invalid") */
    const ftplens_conn *ctl;
    const char *uid;
    const char *user;               /* NULL: <unknown> */
    const char *password;           /* the last PASS argument so far, or NULL */
    char *arg;                      /* NULL: unset */
    uint64_t file_size;
    bool has_file_size;
    bool dc_set, dc_passive;
    char dc_orig[FTPLENS_ADDR_TEXT_MAX], dc_resp[FTPLENS_ADDR_TEXT_MAX];
    unsigned dc_port;
    const ftplens_conn *data;       /* the data connection that carried its transfer */
    char fuid[20];
    unsigned order;                 /* for a stable sort */
} log_rec;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Zeek's ids look like "CHhAvVGS1DHFjwGM9": a letter and 17 base62 characters, here a hash of the
 * connection (addresses, ports, first packet), so the same capture always gives the same ids. */
static void make_id(char out[20], char letter, const ftplens_conn *conn)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, &letter, 1);
    h = fnv(h, conn->listener.addr, sizeof conn->listener.addr);
    h = fnv(h, &conn->listener.port, sizeof conn->listener.port);
    h = fnv(h, &conn->initiator_port, sizeof conn->initiator_port);
    h = fnv(h, &conn->client_port, sizeof conn->client_port);
    h = fnv(h, &conn->stream, sizeof conn->stream);
    h = fnv(h, &conn->first_ns, sizeof conn->first_ns);
    if (conn->client_text)
        h = fnv(h, conn->client_text, strlen(conn->client_text));
    uint64_t a = mix(h), b = mix(h ^ 0x5bd1e995u);
    out[0] = letter;
    for (int i = 1; i <= 17; i++) {
        uint64_t *w = i <= 9 ? &a : &b;
        out[i] = digits[*w % 62];
        *w /= 62;
    }
    out[18] = '\0';
}

/* Zeek's extract_count(msg, F): the last number in the text, if any. */
static bool last_number(const char *s, uint64_t *out)
{
    bool found = false;
    for (const char *p = s; *p; p++) {
        if (g_ascii_isdigit(*p) && (p == s || !g_ascii_isdigit(p[-1]))) {
            *out = g_ascii_strtoull(p, NULL, 10);
            found = true;
        }
    }
    return found;
}

/* The reply line's text after its code ("226 Transfer complete." -> "Transfer complete."). */
static const char *reply_msg(const ftplens_note *n)
{
    const char *t = n->text;
    size_t len = strlen(t);
    return len > 4 ? t + 4 : "";
}

static bool last_line(const ftplens_note *n)
{
    return n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_LAST;
}

/* The address a valid PORT, EPRT, 227 or 229 line carries, as the data channel Zeek logs. */
static void data_channel(log_rec *r, const ftplens_note *n, bool passive, const char *orig, const char *resp_default)
{
    const ftplens_address_arg *a = ftplens_note_extra_of(n)->address;
    if (!a)
        return;
    r->dc_set = true;
    r->dc_passive = passive;
    g_strlcpy(r->dc_orig, orig ? orig : "", sizeof r->dc_orig);
    g_strlcpy(r->dc_resp, a->has_addr ? a->addr : resp_default ? resp_default : "", sizeof r->dc_resp);
    r->dc_port = a->port;
}

static char *url_of(const ftplens_conn *ctl, const char *cwd, const char *arg)
{
    char *path = ftplens_zeek_path(cwd, arg ? arg : "");
    bool v6 = ctl->listener.len == 16;
    char *url = g_strdup_printf("ftp://%s%s%s%s%s", v6 ? "[" : "", ctl->server_text, v6 ? "]" : "",
                                path[0] == '/' ? "" : "/", path);
    g_free(path);
    return url;
}

/* The records of one session, in line order, appended to 'recs'. */
static void session_records(const ftplens_conn *ctl, const char *uid, GArray *recs)
{
    GHashTable *of = g_hash_table_new(g_direct_hash, g_direct_equal);   /* command note -> index + 1 */
    char *cwd = g_strdup(".");
    /* transfer command note -> the first data connection that carried its payload */
    GHashTable *data_of = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint k = 0; ctl->data_conns && k < ctl->data_conns->len; k++) {
        const ftplens_conn *dc = g_ptr_array_index(ctl->data_conns, k);
        if (dc->expect && dc->expect->command_note && dc->data_payload_seen &&
            !g_hash_table_contains(data_of, dc->expect->command_note))
            g_hash_table_insert(data_of, (gpointer)dc->expect->command_note, (gpointer)dc);
    }
    const char *password = NULL;
    guint init = 0;             /* index + 1 of <init> */

    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind == FTPLENS_NOTE_REQUEST) {
                const char *secret = ftplens_note_extra_of(n)->secret;    /* PASS */
                if (secret)
                    password = secret;
                log_rec r = { .cmd = n, .cmd_frame = f, .ctl = ctl, .uid = uid, .user = f->user,
                              .password = password };
                if (n->command && (n->command->flags & FTPLENS_CMD_URL))
                    r.arg = url_of(ctl, cwd, n->arg);
                else if (secret)
                    r.arg = *secret ? g_strdup(secret) : NULL;
                else if (n->arg && *n->arg)
                    r.arg = g_strdup(n->arg);
                data_channel(&r, n, false, ctl->server_text, ctl->client_text);     /* a valid PORT or EPRT */
                r.data = g_hash_table_lookup(data_of, n);
                if (r.data)
                    make_id(r.fuid, 'F', r.data);
                g_array_append_val(recs, r);
                g_hash_table_insert(of, (gpointer)n, GUINT_TO_POINTER(recs->len));
                continue;
            }
            if (n->kind == FTPLENS_NOTE_BAD_REPLY && n->to_note) {
                guint k = GPOINTER_TO_UINT(g_hash_table_lookup(of, n->to_note));
                if (k)
                    g_array_index(recs, log_rec, k - 1).bad_frame = f;
            }
            if (n->kind != FTPLENS_NOTE_REPLY)
                continue;
            log_rec *r = NULL;
            if (n->answers == FTPLENS_ANSWERS_GREETING) {
                if (!init) {
                    log_rec g = { .cmd = NULL, .cmd_frame = f, .ctl = ctl, .uid = uid };
                    g_array_append_val(recs, g);
                    init = recs->len;
                }
                r = &g_array_index(recs, log_rec, init - 1);
            } else if (n->answers == FTPLENS_ANSWERS_COMMAND && n->to_note) {
                guint k = GPOINTER_TO_UINT(g_hash_table_lookup(of, n->to_note));
                r = k ? &g_array_index(recs, log_rec, k - 1) : NULL;
            }
            if (!r || !last_line(n))
                continue;
            r->reply = n;
            r->reply_frame = f;
            if (!r->cmd)
                continue;
            unsigned flags = r->cmd->command ? r->cmd->command->flags : 0;
            unsigned code = n->reply.code;
            /* Zeek: the 150 that opens a RETR's transfer, the 213 that answers SIZE */
            if ((flags & FTPLENS_CMD_SIZE_REPLY) && code == (r->cmd->command->xfer != FTPLENS_XFER_NONE ? 150u : 213u))
                r->has_file_size = last_number(reply_msg(n), &r->file_size);
            if ((code == 227 || code == 229) && (flags & FTPLENS_CMD_PASSIVE))
                data_channel(r, n, true, ctl->client_text, ctl->server_text);
            char *moved = NULL;
            if ((flags & FTPLENS_CMD_CHDIR) && n->reply.reply_class == 2)
                moved = ftplens_zeek_path(cwd, r->cmd->arg ? r->cmd->arg : "");
            else if ((flags & FTPLENS_CMD_CDUP) && n->reply.reply_class == 2)
                moved = ftplens_zeek_path(cwd, "..");
            else if ((flags & FTPLENS_CMD_PWD) && code == 257)
                moved = ftplens_zeek_extract_path(reply_msg(n));
            if (moved && *moved) {
                g_free(cwd);
                cwd = moved;
            } else {
                g_free(moved);
            }
        }
    }
    g_free(cwd);
    g_hash_table_destroy(data_of);
    g_hash_table_destroy(of);
}

/* ---- writing ---- */

enum { T_TIME, T_STRING, T_ADDR, T_PORT, T_COUNT, T_BOOL, T_SET };

static const struct {
    const char *name;
    int type;
} columns[] = {
    { "ts", T_TIME }, { "uid", T_STRING }, { "id.orig_h", T_ADDR }, { "id.orig_p", T_PORT },
    { "id.resp_h", T_ADDR }, { "id.resp_p", T_PORT }, { "user", T_STRING }, { "password", T_STRING },
    { "command", T_STRING }, { "arg", T_STRING }, { "mime_type", T_STRING }, { "file_size", T_COUNT },
    { "reply_code", T_COUNT }, { "reply_msg", T_STRING }, { "data_channel.passive", T_BOOL },
    { "data_channel.orig_h", T_ADDR }, { "data_channel.resp_h", T_ADDR }, { "data_channel.resp_p", T_PORT },
    { "fuid", T_STRING },
    /* ftplens's own, after Zeek's */
    { "ftplens.frame", T_COUNT }, { "ftplens.reply_frame", T_COUNT }, { "ftplens.reply_class", T_COUNT },
    { "ftplens.reply_category", T_COUNT }, { "ftplens.pairing", T_STRING }, { "ftplens.data_bytes", T_COUNT },
    { "ftplens.findings", T_SET },
};
enum { N_COLUMNS = sizeof columns / sizeof columns[0] };

static const char *const type_names[] = { "time", "string", "addr", "port", "count", "bool", "set[string]" };

/* One field's value as text (NULL: unset); sets are comma-separated ids. */
typedef struct {
    char *v[N_COLUMNS];
} row_values;

static void set(row_values *row, int col, char *value)
{
    row->v[col] = value;
}

/* How sure the record's reply is (ftplens.pairing): the reply's own pairing, or why there is none. */
static const char *pairing_of(const log_rec *r)
{
    if (!r->cmd)
        return r->reply ? "greeting" : NULL;
    if (!r->reply)
        return r->bad_frame ? "invalid_reply" : r->cmd->reply_lost ? "reply_lost" : "no_reply";
    switch (r->reply->pairing) {
    case FTPLENS_PAIRING_DIRECT: return "direct";
    case FTPLENS_PAIRING_INFERRED: return "inferred";
    default: return "unknown";
    }
}

static void add_findings(GPtrArray *ids, const ftplens_frame *f)
{
    for (const ftplens_finding *fd = f ? f->findings : NULL; fd; fd = fd->next) {
        const char *id = ftplens_risk_rules[fd->id].id;
        bool seen = false;
        for (guint i = 0; i < ids->len && !seen; i++)
            seen = strcmp(ids->pdata[i], id) == 0;
        if (!seen)
            g_ptr_array_add(ids, (gpointer)id);
    }
}

static void fill_row(const log_rec *r, bool mask, row_values *row)
{
    const ftplens_conn *ctl = r->ctl;
    const ftplens_note *rep = r->reply;
    int64_t ns = r->cmd_frame->time_ns;
    uint64_t us_abs = ((ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns) + 500) / 1000;
    set(row, 0, g_strdup_printf("%s%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT, ns < 0 ? "-" : "", us_abs / 1000000,
                                us_abs % 1000000));
    set(row, 1, g_strdup(r->uid));
    set(row, 2, g_strdup(ctl->client_text));
    set(row, 3, g_strdup_printf("%u", ctl->client_port));
    set(row, 4, g_strdup(ctl->server_text));
    set(row, 5, g_strdup_printf("%u", ctl->listener.port));
    set(row, 6, g_strdup(r->user ? r->user : "<unknown>"));
    if (r->password)
        set(row, 7, g_strdup(mask ? "<hidden>" : r->password));
    set(row, 8, g_strdup(r->cmd ? r->cmd->verb : "<init>"));
    if (r->arg)
        set(row, 9, g_strdup(mask && ftplens_note_extra_of(r->cmd)->secret ? "<hidden>" : r->arg));
    const char *mime = r->data ? ftplens_mime_type(r->data->data_head, r->data->data_head_len) : NULL;
    if (mime)
        set(row, 10, g_strdup(mime));
    if (r->has_file_size)
        set(row, 11, g_strdup_printf("%" G_GUINT64_FORMAT, r->file_size));
    if (rep) {
        set(row, 12, g_strdup_printf("%u", rep->reply.code));
        set(row, 13, g_strdup(reply_msg(rep)));
    }
    if (r->dc_set) {
        set(row, 14, g_strdup(r->dc_passive ? "T" : "F"));
        set(row, 15, g_strdup(r->dc_orig));
        set(row, 16, g_strdup(r->dc_resp));
        set(row, 17, g_strdup_printf("%u", r->dc_port));
    }
    if (r->data)
        set(row, 18, g_strdup(r->fuid));
    set(row, 19, g_strdup_printf("%u", r->cmd_frame->frame));
    if (rep) {
        set(row, 20, g_strdup_printf("%u", r->reply_frame->frame));
        set(row, 21, g_strdup_printf("%u", rep->reply.reply_class));
        set(row, 22, g_strdup_printf("%u", rep->reply.category));
    } else if (r->bad_frame) {
        set(row, 20, g_strdup_printf("%u", r->bad_frame->frame));
    }
    const char *pairing = pairing_of(r);
    if (pairing)
        set(row, 23, g_strdup(pairing));
    if (r->data)
        set(row, 24, g_strdup_printf("%" G_GUINT64_FORMAT, r->data->data_bytes));
    GPtrArray *ids = g_ptr_array_new();
    add_findings(ids, r->cmd_frame);
    if (r->reply_frame != r->cmd_frame)
        add_findings(ids, r->reply_frame);
    if (r->bad_frame && r->bad_frame != r->cmd_frame)
        add_findings(ids, r->bad_frame);
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < ids->len; i++)
        g_string_append_printf(g, "%s%s", i ? "," : "", (const char *)ids->pdata[i]);
    set(row, 25, ids->len ? g_string_free(g, FALSE) : (g_string_free(g, TRUE), NULL));
    g_ptr_array_free(ids, TRUE);
}

/* Zeek's ASCII writer: backslash, controls, the set separator and bytes that are not UTF-8 as \xNN; "-" alone
 * as \x2d. */
static void tsv_value(GString *out, const char *v, bool in_set)
{
    if (!v) {
        g_string_append_c(out, '-');
        return;
    }
    if (!*v) {
        g_string_append(out, "(empty)");
        return;
    }
    if (strcmp(v, "-") == 0) {
        g_string_append(out, "\\x2d");
        return;
    }
    for (const char *p = v; *p;) {
        unsigned char b = (unsigned char)*p;
        if (b >= 0x80) {        /* UTF-8 kept, a byte that is no part of it as \xNN (a raw PASS argument) */
            gunichar ch = g_utf8_get_char_validated(p, -1);
            if (ch == (gunichar)-1 || ch == (gunichar)-2) {
                g_string_append_printf(out, "\\x%02x", b);
                p++;
            } else {
                const char *next = g_utf8_next_char(p);
                g_string_append_len(out, p, next - p);
                p = next;
            }
            continue;
        }
        if (b == '\\')
            g_string_append(out, "\\\\");
        else if (b < 0x20 || b == 0x7f || (in_set && b == ','))
            g_string_append_printf(out, "\\x%02x", b);
        else
            g_string_append_c(out, (char)b);
        p++;
    }
}

static void json_string(GString *out, const char *v)
{
    char *valid = g_utf8_validate(v, -1, NULL) ? NULL : g_utf8_make_valid(v, -1);
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)(valid ? valid : v); *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
    g_free(valid);
}

static void write_row(GString *out, bool json, const row_values *row)
{
    bool first = true;
    for (int i = 0; i < N_COLUMNS; i++) {
        const char *v = row->v[i];
        if (!json) {
            if (i)
                g_string_append_c(out, '\t');
            if (columns[i].type == T_SET && v) {      /* each element escaped, then joined by the set separator */
                char **ids = g_strsplit(v, ",", -1);
                for (char **id = ids; *id; id++) {
                    if (id != ids)
                        g_string_append_c(out, ',');
                    tsv_value(out, *id, true);
                }
                g_strfreev(ids);
            } else {
                tsv_value(out, v, false);
            }
            continue;
        }
        if (!v)
            continue;
        g_string_append(out, first ? "{" : ",");
        first = false;
        json_string(out, columns[i].name);
        g_string_append_c(out, ':');
        switch (columns[i].type) {
        case T_TIME: case T_PORT: case T_COUNT:
            g_string_append(out, v);
            break;
        case T_BOOL:
            g_string_append(out, v[0] == 'T' ? "true" : "false");
            break;
        case T_SET: {
            char **ids = g_strsplit(v, ",", -1);
            g_string_append_c(out, '[');
            for (char **id = ids; *id; id++) {
                if (id != ids)
                    g_string_append_c(out, ',');
                json_string(out, *id);
            }
            g_string_append_c(out, ']');
            g_strfreev(ids);
            break;
        }
        default:
            json_string(out, v);
        }
    }
    g_string_append(out, json ? "}\n" : "\n");
}

static void zeek_date(GString *out, const char *what, int64_t ns)
{
    GDateTime *t = g_date_time_new_from_unix_utc(ns / 1000000000);
    char *d = t ? g_date_time_format(t, "%Y-%m-%d-%H-%M-%S") : g_strdup("-");
    g_string_append_printf(out, "#%s\t%s\n", what, d);
    g_free(d);
    if (t)
        g_date_time_unref(t);
}

static gint by_frame(gconstpointer a, gconstpointer b)
{
    const log_rec *x = a, *y = b;
    if (x->cmd_frame->frame != y->cmd_frame->frame)
        return x->cmd_frame->frame < y->cmd_frame->frame ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

char *ftplens_capture_zeek_log(const ftplens_capture *c, bool json, const ftplens_log_selection *sel, bool mask,
                               GHashTable *only)
{
    GString *out = g_string_new(NULL);
    GArray *recs = g_array_new(FALSE, TRUE, sizeof(log_rec));
    GPtrArray *uids = g_ptr_array_new_with_free_func(g_free);
    int64_t first = 0, last = 0;
    bool any = false;

    for (guint i = 0; i < c->controls->len; i++) {
        const ftplens_conn *ctl = g_ptr_array_index(c->controls, i);
        if (!ftplens_conn_covered(ctl, only))
            continue;
        char *uid = g_malloc(20);
        make_id(uid, 'C', ctl);
        g_ptr_array_add(uids, uid);
        session_records(ctl, uid, recs);
        first = any ? MIN(first, ctl->first_ns) : ctl->first_ns;
        last = any ? MAX(last, ctl->last_ns) : ctl->last_ns;
        any = true;
    }
    for (guint i = 0; i < recs->len; i++)
        g_array_index(recs, log_rec, i).order = i;
    g_array_sort(recs, by_frame);

    if (!json) {
        g_string_append(out, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
                             "#path\tftp\n");
        if (any)                /* the capture's first and last packet of FTP; none without a session */
            zeek_date(out, "open", first);
        g_string_append(out, "#fields");
        for (int i = 0; i < N_COLUMNS; i++)
            g_string_append_printf(out, "\t%s", columns[i].name);
        g_string_append(out, "\n#types");
        for (int i = 0; i < N_COLUMNS; i++)
            g_string_append_printf(out, "\t%s", type_names[columns[i].type]);
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < recs->len; i++) {
        log_rec *r = &g_array_index(recs, log_rec, i);
        if (selected(sel, r->cmd)) {
            row_values row = { { NULL } };
            fill_row(r, mask, &row);
            write_row(out, json, &row);
            for (int k = 0; k < N_COLUMNS; k++)
                g_free(row.v[k]);
        }
        g_free(r->arg);
    }
    if (!json && any)
        zeek_date(out, "close", last);
    g_array_free(recs, TRUE);
    g_ptr_array_free(uids, TRUE);
    return g_string_free(out, FALSE);
}
