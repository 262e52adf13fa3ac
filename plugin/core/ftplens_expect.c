/* ftplens_expect.c - data connections announced on a control connection
 * (PORT/EPRT by the client, 227/229 by the server) and matched to the TCP
 * connections that open them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_core_private.h"

#include <stdarg.h>

static const char *arena_printf(ftplens_arena *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *arena_printf(ftplens_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    const char *out = ftplens_arena_intern(a, str);
    g_free(str);
    return out;
}

/* Unmatched announcements, indexed by port: a new connection looks up its two ports. */
static void open_add(ftplens_capture *c, ftplens_expect *e)
{
    gpointer key = GUINT_TO_POINTER(e->listener.port);
    GPtrArray *a = g_hash_table_lookup(c->open_expects, key);
    if (!a) {
        a = g_ptr_array_new();
        g_hash_table_insert(c->open_expects, key, a);
    }
    g_ptr_array_add(a, e);
}

void ftplens_expect_matched(ftplens_capture *c, ftplens_expect *e)
{
    gpointer key = GUINT_TO_POINTER(e->listener.port);
    GPtrArray *a = g_hash_table_lookup(c->open_expects, key);
    if (a && g_ptr_array_remove(a, e) && a->len == 0)
        g_hash_table_remove(c->open_expects, key);
}

/* ctl->expects keeps the session's recent announcements (matched or not), for
 * the transfer command that follows; c->open_expects only the unmatched ones. */
static void evict_oldest(ftplens_capture *c, ftplens_conn *ctl)
{
    ftplens_expect *old = g_queue_pop_head(&ctl->expects);
    if (old && !old->data)
        ftplens_expect_matched(c, old);
}

void ftplens_expect_announce(ftplens_capture *c, ftplens_conn *ctl, const ftplens_note *n, uint32_t frame,
                             const ftplens_segment *seg, bool sent_by_peer)
{
    const ftplens_address_arg *hp = ftplens_note_extra_of(n)->address;
    ftplens_expect *e = ftplens_arena_alloc0(&c->arena, sizeof *e);

    e->control = ctl;
    e->active = !n->from_server;
    e->setup_frame = frame;
    e->listener.port = (uint16_t)hp->port;
    unsigned len;
    if (hp->has_addr && ftplens_addr_parse(hp->addr, e->listener.addr, &len) && len == (hp->ipv6 ? 16u : 4u))
        e->listener.len = len;
    /* The control-connection address of the side that will listen: the server
     * for PASV/EPSV, the client for PORT/EPRT.  The announcing line's sender is
     * the listener in both cases (the segment being read may be the other
     * side's, when a held line is released by it). */
    endpoint own = sent_by_peer ? seg_dst(seg) : seg_src(seg);
    own.port = e->listener.port;
    if (!e->listener.len)
        e->listener = own;
    /* A 227 behind NAT names a private address: also accept the server's own.
     * PORT/EPRT name the exact address (a third party in a bounce). */
    if (!e->active)
        e->fallback = own;

    if (ctl->expects.length >= MAX_OPEN_EXPECTS)
        evict_oldest(c, ctl);
    g_queue_push_tail(&ctl->expects, e);
    open_add(c, e);
}

ftplens_conn *ftplens_expect_assign_transfer(ftplens_capture *c, ftplens_conn *ctl, const ftplens_note *n)
{
    /* The newest announcement without a command is the one this transfer uses. */
    for (GList *l = ctl->expects.tail; l; l = l->prev) {
        ftplens_expect *e = l->data;
        if (!e->command) {
            e->command = n->verb;
            e->command_line = n->arg && *n->arg ? arena_printf(&c->arena, "%s %s", n->verb, n->arg) : n->verb;
            e->command_note = n;
            return e->data;
        }
    }
    return NULL;
}

ftplens_expect *ftplens_expect_find(ftplens_capture *c, const ftplens_segment *seg, bool *listener_is_dst)
{
    endpoint src = seg_src(seg), dst = seg_dst(seg);

    for (int pass = 0; pass < 2; pass++) {
        for (int side = 0; side < 2; side++) {
            const endpoint *ep = side == 0 ? &dst : &src;
            GPtrArray *cands = g_hash_table_lookup(c->open_expects, GUINT_TO_POINTER(ep->port));
            for (guint i = 0; cands && i < cands->len; i++) {
                ftplens_expect *e = g_ptr_array_index(cands, i);
                if (endpoint_eq(pass == 0 ? &e->listener : &e->fallback, ep)) {
                    *listener_is_dst = side == 0;
                    return e;
                }
            }
        }
    }
    return NULL;
}

ftplens_expect *ftplens_expect_of_command(ftplens_conn *ctl, const ftplens_note *cmd)
{
    for (GList *l = ctl->expects.tail; l; l = l->prev) {
        ftplens_expect *e = l->data;
        if (e->command_note == cmd)
            return e;
    }
    return NULL;
}
