/* ftplens_extract.c - foreign-field extraction, in the manner of transum's
 * extractors.c: a table of field names resolved once, read with
 * proto_get_finfo_ptr_array.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include "ftplens_extract.h"

#include <string.h>

#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/ftypes/ftypes.h>
#include <wsutil/wslog.h>

#include "ftplens_compat.h"

enum {
    F_TCP_STREAM,
    F_TCP_SRCPORT,
    F_TCP_DSTPORT,
    F_TCP_SEQ_RAW,
    F_TCP_ACK_RAW,
    F_TCP_FLAGS,
    F_TCP_LEN,
    F_TCP_PAYLOAD,
    F_IP_SRC,
    F_IP_DST,
    F_IP_TTL,
    F_IPV6_HLIM,
    F_COUNT
};

static struct {
    int hf;
    const char *name;
} fields[F_COUNT] = {
    [F_TCP_STREAM] = { -1, "tcp.stream" },
    [F_TCP_SRCPORT] = { -1, "tcp.srcport" },
    [F_TCP_DSTPORT] = { -1, "tcp.dstport" },
    [F_TCP_SEQ_RAW] = { -1, "tcp.seq_raw" },
    [F_TCP_ACK_RAW] = { -1, "tcp.ack_raw" },
    [F_TCP_FLAGS] = { -1, "tcp.flags" },
    [F_TCP_LEN] = { -1, "tcp.len" },
    [F_TCP_PAYLOAD] = { -1, "tcp.payload" },
    [F_IP_SRC] = { -1, "ip.src" },
    [F_IP_DST] = { -1, "ip.dst" },
    [F_IP_TTL] = { -1, "ip.ttl" },
    [F_IPV6_HLIM] = { -1, "ipv6.hlim" },
};

static dissector_table_t tcp_port_table;
static dissector_handle_t ftp_handle;

void ftplens_extract_register(void)
{
    for (int i = 0; i < F_COUNT; i++) {
        fields[i].hf = proto_registrar_get_id_byname(fields[i].name);
        if (fields[i].hf <= 0)
            ws_warning("ftplens: field %s not found", fields[i].name);
    }
    tcp_port_table = find_dissector_table("tcp.port");
    ftp_handle = find_dissector("ftp");
}

GArray *ftplens_extract_wanted_hfids(void)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(int));
    for (int i = 0; i < F_COUNT; i++) {
        if (fields[i].hf > 0)
            g_array_append_val(a, fields[i].hf);
    }
    return a;
}

/* The single occurrence of a field; NULL when absent or repeated (tunnels,
 * ICMP errors quoting a TCP header). */
static field_info *single(proto_tree *tree, int which)
{
    int hf = fields[which].hf;
    if (hf <= 0)
        return NULL;
    GPtrArray *arr = proto_get_finfo_ptr_array(tree, hf);
    if (!arr || arr->len != 1)
        return NULL;
    return g_ptr_array_index(arr, 0);
}

static bool get_uint(proto_tree *tree, int which, uint32_t *out)
{
    field_info *fi = single(tree, which);
    if (!fi)
        return false;
    *out = fvalue_get_uinteger(FTPLENS_FI_VALUE(fi));
    return true;
}

bool ftplens_extract_stream(proto_tree *tree, uint32_t *stream)
{
    return tree && get_uint(tree, F_TCP_STREAM, stream);
}

static bool port_is_ftp(uint32_t port)
{
    return tcp_port_table && ftp_handle &&
           dissector_get_uint_handle(tcp_port_table, port) == ftp_handle;
}

static void copy_ip(const address *a, uint8_t *dst, unsigned *len)
{
    if ((a->type == AT_IPv4 && a->len == 4) || (a->type == AT_IPv6 && a->len == 16)) {
        memcpy(dst, a->data, (size_t)a->len);
        *len = (unsigned)a->len;
    }
}

bool ftplens_extract_segment(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb,
                             uint32_t stream, ftplens_segment *seg)
{
    uint32_t sport, dport, flags;

    memset(seg, 0, sizeof *seg);
    if (!get_uint(tree, F_TCP_SRCPORT, &sport) || !get_uint(tree, F_TCP_DSTPORT, &dport) ||
        !get_uint(tree, F_TCP_SEQ_RAW, &seg->seq) || !get_uint(tree, F_TCP_FLAGS, &flags))
        return false;
    if (!get_uint(tree, F_TCP_ACK_RAW, &seg->ack))
        seg->ack = 0;
    if (!get_uint(tree, F_TCP_LEN, &seg->tcp_len))
        seg->tcp_len = 0;
    seg->frame = pinfo->num;
    /* Clamp absurd timestamps (fuzzed or broken captures) to +-4.5e9 s, so that nanoseconds and their
     * differences fit in int64. */
    int64_t secs = (int64_t)pinfo->abs_ts.secs;
    secs = MAX(MIN(secs, (int64_t)4500000000), (int64_t)-4500000000);
    seg->time_ns = secs * 1000000000 + pinfo->abs_ts.nsecs;
    seg->stream = stream;
    seg->src_port = (uint16_t)sport;
    seg->dst_port = (uint16_t)dport;
    seg->flags = (uint16_t)flags;
    seg->src_port_is_ftp = port_is_ftp(sport);
    seg->dst_port_is_ftp = port_is_ftp(dport);
    copy_ip(&pinfo->src, seg->src_addr, &seg->addr_len);
    copy_ip(&pinfo->dst, seg->dst_addr, &seg->addr_len);

    field_info *pf = seg->tcp_len ? single(tree, F_TCP_PAYLOAD) : NULL;
    if (pf && pf->ds_tvb && pf->length > 0) {
        uint32_t avail = tvb_captured_length_remaining(pf->ds_tvb, pf->start) > 0
                             ? (uint32_t)tvb_captured_length_remaining(pf->ds_tvb, pf->start) : 0;
        seg->payload_len = MIN((uint32_t)pf->length, avail);
        seg->payload_len = MIN(seg->payload_len, seg->tcp_len);
        seg->payload = tvb_get_ptr(pf->ds_tvb, pf->start, (int)seg->payload_len);
        if (pf->ds_tvb == tvb) {
            seg->payload_offset = (uint32_t)pf->start;
            seg->payload_offset_known = true;
        }
    }
    return true;
}

/* The n-th occurrence (0 = outermost) of a field, or NULL. */
static field_info *nth(proto_tree *tree, int which, guint n, guint *count)
{
    int hf = fields[which].hf;
    GPtrArray *arr = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;
    *count = arr ? arr->len : 0;
    return arr && n < arr->len ? g_ptr_array_index(arr, n) : NULL;
}

static void ipv4_text(field_info *fi, char *out, size_t len)
{
    if (fi && fi->ds_tvb && fi->length == 4 && tvb_captured_length_remaining(fi->ds_tvb, fi->start) >= 4) {
        uint8_t b[4];
        tvb_memcpy(fi->ds_tvb, b, fi->start, 4);
        g_snprintf(out, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    }
}

void ftplens_extract_link(packet_info *pinfo, proto_tree *tree, ftplens_link *link)
{
    guint n4 = 0, n6 = 0, nt = 0;
    field_info *fi;

    memset(link, 0, sizeof *link);
    if (pinfo->dl_src.type == AT_ETHER && pinfo->dl_src.len == 6) {
        const uint8_t *m = pinfo->dl_src.data;
        g_snprintf(link->eth_src, sizeof link->eth_src, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    if (pinfo->dl_dst.type == AT_ETHER && pinfo->dl_dst.len == 6) {
        const uint8_t *m = pinfo->dl_dst.data;
        g_snprintf(link->eth_dst, sizeof link->eth_dst, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    if (pinfo->src.type == AT_IPv4 || pinfo->src.type == AT_IPv6) {
        address_to_str_buf(&pinfo->src, link->src, (int)sizeof link->src);
        address_to_str_buf(&pinfo->dst, link->dst, (int)sizeof link->dst);
    }
    link->ipv6 = pinfo->src.type == AT_IPv6;
    fi = nth(tree, F_IP_SRC, 0, &n4);
    (void)nth(tree, F_IPV6_HLIM, 0, &n6);
    if (link->ipv6 && n4 > 0) {
        /* IPv6 inside IPv4 (6to4, protocol 41): the outer header's addresses. */
        ipv4_text(fi, link->outer_src, sizeof link->outer_src);
        ipv4_text(nth(tree, F_IP_DST, 0, &nt), link->outer_dst, sizeof link->outer_dst);
    }
    if (link->ipv6 && n6 > 0)
        fi = nth(tree, F_IPV6_HLIM, n6 - 1, &nt);
    else
        fi = n4 > 0 ? nth(tree, F_IP_TTL, n4 - 1, &nt) : NULL;
    if (fi)
        link->ttl = fvalue_get_uinteger(FTPLENS_FI_VALUE(fi));
}
