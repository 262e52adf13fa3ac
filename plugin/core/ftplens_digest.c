/* ftplens_digest.c - what one FTP session did, read once from its kept frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_digest.h"

#include <stdio.h>
#include <string.h>

#include "ftplens_text.h"

static bool head_line(const ftplens_note *n)
{
    return n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST;
}

/* The login: ftplens_login_decide on every reply, never a guess where a reply
 * or a USER fell into a capture gap (the report's Login line). */
static void digest_login(ftplens_digest *d)
{
    const ftplens_conn *ctl = d->ctl;
    const char *user = NULL, *outcome_user = NULL;
    bool gap_after_failure = false;     /* a later attempt may be in it */
    GHashTable *pass_of = g_hash_table_new(g_direct_hash, g_direct_equal);   /* PASS note -> index + 1 */

    d->outcome = FTPLENS_OUTCOME_NONE;
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        user = f->user;         /* ftplens_session_user: none after client bytes were lost */
        if (f->gap_bytes[0])
            gap_after_failure = d->failures && !d->login_frame;
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind == FTPLENS_NOTE_REQUEST && ftplens_note_extra_of(n)->secret) {
                ftplens_digest_pass p = { n, user, f->frame, f->time_ns, FTPLENS_LOGIN_NONE, 0, 0 };
                g_array_append_val(d->passes, p);
                g_hash_table_insert(pass_of, (gpointer)n, GUINT_TO_POINTER(d->passes->len));
            }
            /* A login command whose reply fell into a capture gap, or a password without any reply (the
             * capture ends): its outcome is unknown.  A USER without a reply and without a gap went to a
             * server that had closed the connection (hydra's fourth USER after vsftpd's third 530): no attempt. */
            if (n->reply_lost ? ftplens_login_command(n) : !n->reply_in && ftplens_login_attempt(n)) {
                d->unknown_attempts++;
                if (!d->login_frame) {
                    d->outcome = FTPLENS_OUTCOME_UNKNOWN;
                    outcome_user = user;
                }
            }
            ftplens_login_step step = ftplens_login_decide(n);     /* the one login decision */
            guint k = step != FTPLENS_LOGIN_NONE && n->to_note
                    ? GPOINTER_TO_UINT(g_hash_table_lookup(pass_of, n->to_note)) : 0;
            if (k && step != FTPLENS_LOGIN_CONTINUE) {
                ftplens_digest_pass *p = &g_array_index(d->passes, ftplens_digest_pass, k - 1);
                p->step = step;
                p->reply_frame = f->frame;
                p->reply_ns = f->time_ns;
            }
            switch (step) {
            case FTPLENS_LOGIN_SUCCEEDED:
                if (!d->login_frame) {
                    d->login_frame = f->frame;
                    d->login_ns = f->time_ns;
                }
                d->outcome = FTPLENS_OUTCOME_SUCCEEDED;
                outcome_user = user;
                gap_after_failure = false;
                break;
            case FTPLENS_LOGIN_FAILED:
            case FTPLENS_LOGIN_CLOSED: {
                ftplens_digest_failure x = { user, f->frame, f->time_ns };
                g_array_append_val(d->refusals, x);
                d->failures++;
                gap_after_failure = false;
                if (!d->login_frame) {
                    d->outcome = FTPLENS_OUTCOME_FAILED;
                    outcome_user = user;
                }
                break;
            }
            case FTPLENS_LOGIN_UNCLEAR:
                d->unclear++;
                if (!d->login_frame) {
                    d->outcome = FTPLENS_OUTCOME_UNCLEAR;
                    outcome_user = user;
                }
                break;
            default:
                break;
            }
        }
    }
    g_hash_table_destroy(pass_of);
    if (d->outcome == FTPLENS_OUTCOME_NONE)
        outcome_user = user;    /* no login reply: the last name sent */
    if (gap_after_failure && !d->login_frame) {
        d->outcome = FTPLENS_OUTCOME_LOST_AFTER_FAILURE;
        outcome_user = NULL;
    }
    d->user = outcome_user;
    d->anonymous = d->login_frame && ftplens_risk_anonymous_user(outcome_user);
}

const char *ftplens_digest_outcome_text(const ftplens_digest *d)
{
    switch (d->outcome) {
    case FTPLENS_OUTCOME_SUCCEEDED: return T("succeeded");
    case FTPLENS_OUTCOME_FAILED: return T("failed");
    case FTPLENS_OUTCOME_UNKNOWN: return T("unknown (reply not captured)");
    case FTPLENS_OUTCOME_UNCLEAR: return T("unclear (a reply no RFC defines for a login)");
    case FTPLENS_OUTCOME_LOST_AFTER_FAILURE:
        return T("failed, then client bytes were lost: a later attempt may be missing");
    default: return T("no login seen");
    }
}

/* Every completed transfer command and what its data connection carried. */
static void digest_transfers(ftplens_digest *d)
{
    const ftplens_conn *ctl = d->ctl;
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            const ftplens_note *cmd = n->to_note;
            if (n->kind != FTPLENS_NOTE_REPLY || n->answers != FTPLENS_ANSWERS_COMMAND || !ftplens_note_to_command(n) ||
                !head_line(n) || !cmd || !cmd->command || cmd->command->xfer == FTPLENS_XFER_NONE ||
                n->reply.reply_class != 2)
                continue;
            ftplens_digest_transfer t = { cmd, f->frame, f->time_ns, 0, false,
                                          cmd->command->xfer == FTPLENS_XFER_UPLOAD };
            for (guint k = 0; k < ctl->data_conns->len; k++) {
                const ftplens_conn *dc = g_ptr_array_index(ctl->data_conns, k);
                if (dc->expect->command_note == cmd) {
                    t.bytes = dc->data_bytes;
                    t.seen = true;
                }
            }
            if (t.upload)
                d->bytes_up += t.bytes;
            else
                d->bytes_down += t.bytes;
            g_array_append_val(d->transfers, t);
        }
    }
}

/* Consecutive repeats folded: "3 × PASS → 530", "3 × (USER a → 331, PASS → 530)". */
static char *fold_tokens(GPtrArray *tok)
{
    GString *g = g_string_new(NULL);
    guint i = 0;
    while (i < tok->len) {
        guint best_p = 1, best_k = 1;
        for (guint p = 1; p <= 4 && i + 2 * p <= tok->len; p++) {
            guint k = 1;
            while (i + (k + 1) * p <= tok->len) {
                bool same = true;
                for (guint j = 0; j < p && same; j++)
                    same = strcmp(tok->pdata[i + j], tok->pdata[i + k * p + j]) == 0;
                if (!same)
                    break;
                k++;
            }
            if (k >= 2 && k * p > best_k * best_p)
                best_p = p, best_k = k;
        }
        if (g->len)
            g_string_append(g, ", ");
        if (best_k >= 2) {
            g_string_append_printf(g, "%u \u00d7 %s", best_k, best_p > 1 ? "(" : "");
            for (guint j = 0; j < best_p; j++)
                g_string_append_printf(g, "%s%s", j ? ", " : "", (const char *)tok->pdata[i + j]);
            if (best_p > 1)
                g_string_append_c(g, ')');
            i += best_k * best_p;
        } else {
            g_string_append(g, tok->pdata[i]);
            i++;
        }
    }
    return g_string_free(g, FALSE);
}

/* The commands in order, each with the codes of its replies; passwords left out. */
static void digest_shape(ftplens_digest *d)
{
    const ftplens_conn *ctl = d->ctl;
    GHashTable *codes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, NULL);   /* note -> GString */
    GPtrArray *cmds = g_ptr_array_new();

    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind == FTPLENS_NOTE_REQUEST || n->kind == FTPLENS_NOTE_BAD_REQUEST) {
                d->commands++;
                g_ptr_array_add(cmds, (gpointer)n);
            } else if (n->kind == FTPLENS_NOTE_REPLY && head_line(n) && n->answers == FTPLENS_ANSWERS_COMMAND &&
                       n->to_note) {
                GString *c = g_hash_table_lookup(codes, n->to_note);
                if (!c) {
                    c = g_string_new(NULL);
                    g_hash_table_insert(codes, (gpointer)n->to_note, c);
                }
                g_string_append_printf(c, "%s%u", c->len ? ", " : "", n->reply.code);
            }
        }
    }
    /* Shown: arguments cut at 40 characters; the fold key: whole. */
    GPtrArray *tok = g_ptr_array_new_with_free_func(g_free), *whole = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < cmds->len; i++) {
        const ftplens_note *n = cmds->pdata[i];
        GString *c = g_hash_table_lookup(codes, n);
        const char *arg = n->kind == FTPLENS_NOTE_REQUEST ? (!ftplens_note_extra_of(n)->secret ? n->arg : "") : n->text;
        size_t len = strlen(arg), cut = ftplens_utf8_prefix(arg, len, 40);
        for (int k = 0; k < 2; k++) {
            int shown = k ? (int)len : (int)cut;
            const char *more = !k && cut < len ? "..." : "";
            char *what = n->kind == FTPLENS_NOTE_REQUEST
                       ? g_strdup_printf("%s%s%.*s%s", n->verb, *arg ? " " : "", shown, arg, more)
                       : g_strdup_printf("'%.*s%s'", shown, arg, more);
            g_ptr_array_add(k ? whole : tok, c ? g_strdup_printf("%s \u2192 %s", what, c->str)
                                               : g_strdup_printf(T("%s (no reply)"), what));
            g_free(what);
        }
    }
    d->shape = fold_tokens(tok);
    d->shape_key = fold_tokens(whole);
    g_ptr_array_free(tok, TRUE);
    g_ptr_array_free(whole, TRUE);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, codes);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_string_free(v, TRUE);
    g_hash_table_destroy(codes);
    g_ptr_array_free(cmds, TRUE);
}

static void digest_findings(ftplens_digest *d)
{
    const ftplens_conn *ctl = d->ctl;
    for (guint c = 0; c <= ctl->data_conns->len; c++) {
        const ftplens_conn *conn = c ? g_ptr_array_index(ctl->data_conns, c - 1) : ctl;
        for (guint i = 0; conn->frames && i < conn->frames->len; i++) {
            const ftplens_frame *f = g_ptr_array_index(conn->frames, i);
            for (const ftplens_finding *fd = f->findings; fd; fd = fd->next)
                d->findings++;
        }
    }
}

ftplens_digest *ftplens_digest_make(const ftplens_conn *ctl, unsigned number)
{
    ftplens_digest *d = g_new0(ftplens_digest, 1);
    d->ctl = ctl;
    d->number = number;
    d->passes = g_array_new(FALSE, FALSE, sizeof(ftplens_digest_pass));
    d->transfers = g_array_new(FALSE, FALSE, sizeof(ftplens_digest_transfer));
    d->refusals = g_array_new(FALSE, FALSE, sizeof(ftplens_digest_failure));
    d->first_ns = ctl->first_ns;
    d->last_ns = ctl->last_ns;
    if (ctl->frames->len) {
        d->first_frame = ((const ftplens_frame *)g_ptr_array_index(ctl->frames, 0))->frame;
        d->last_frame = ((const ftplens_frame *)g_ptr_array_index(ctl->frames, ctl->frames->len - 1))->frame;
    }
    digest_login(d);
    digest_transfers(d);
    digest_shape(d);
    digest_findings(d);
    return d;
}

void ftplens_digest_free(ftplens_digest *d)
{
    if (!d)
        return;
    g_array_free(d->passes, TRUE);
    g_array_free(d->transfers, TRUE);
    g_array_free(d->refusals, TRUE);
    g_free(d->shape);
    g_free(d->shape_key);
    g_free(d);
}

char *ftplens_digest_key(const ftplens_digest *d)
{
    return g_strdup_printf("%s|%s %u|%s", d->ctl->client_text, d->ctl->server_text, d->ctl->listener.port,
                           d->shape_key);
}

char *ftplens_digest_kind(const ftplens_digest *d)
{
    return g_strdup_printf("%s|%s %u|%d", d->ctl->client_text, d->ctl->server_text, d->ctl->listener.port,
                           (int)d->outcome);
}
