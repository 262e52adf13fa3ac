/* ftplens_extract.c - reading a frame's TCP facts, in the manner of transum's
 * extractors.c but with a single wanted field: every wanted field costs every
 * TCP frame of every capture an array allocated and freed, so ftplens asks
 * only for tcp.stream.  Its item sits at the start of the TCP header, so the
 * header and the IP header before it are read from the frame's bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include "ftplens_extract.h"

#include <stdio.h>
#include <string.h>

#include <epan/address.h>
#include <epan/ftypes/ftypes.h>
#include <epan/to_str.h>
#include <wsutil/wslog.h>

#include "ftplens_compat.h"

enum {
    F_TCP_STREAM,
    F_COUNT
};

static struct {
    int hf;
    const char *name;
} fields[F_COUNT] = {
    [F_TCP_STREAM] = { -1, "tcp.stream" },
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

/* One byte (tvb_get_guint8 is deprecated from 4.4 on, tvb_get_uint8 is missing in 4.0). */
static uint8_t byte_at(tvbuff_t *t, int offset)
{
    uint8_t b;
    tvb_memcpy(t, &b, offset, 1);
    return b;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An IPv4 header of 'proto' that ends at 'end'; its offset or -1.  The up to
 * 60 bytes before 'end' are read once (this runs on every FTP frame). */
static int ipv4_before(tvbuff_t *ds, int end, uint8_t proto)
{
    int from = end > 60 ? end - 60 : 0;
    if (end - from < 20)
        return -1;
    const uint8_t *p = tvb_get_ptr(ds, from, end - from);
    for (int l = 20; l <= 60 && l <= end - from; l += 4) {
        const uint8_t *h = p + (end - from - l);
        if (h[0] >> 4 == 4 && (h[0] & 0x0f) * 4 == l && h[9] == proto)
            return end - l;
    }
    return -1;
}

/* Where the TCP header is: tcp.stream is put at its first byte.  Its ports
 * must be the frame's, or it is some other TCP header (ICMP error, tunnel). */
static bool tcp_header(packet_info *pinfo, proto_tree *tree, tvbuff_t **ds, int *hdr)
{
    field_info *fi = single(tree, F_TCP_STREAM);
    if (!fi || !fi->ds_tvb || tvb_captured_length_remaining(fi->ds_tvb, fi->start) < 20)
        return false;
    const uint8_t *h = tvb_get_ptr(fi->ds_tvb, fi->start, 4);
    if (be16(h) != pinfo->srcport || be16(h + 2) != pinfo->destport)
        return false;
    *ds = fi->ds_tvb;
    *hdr = fi->start;
    return true;
}

static bool same_bytes(tvbuff_t *ds, int at, const address *a, int len)
{
    return a->len == len && tvb_memeql(ds, at, (const uint8_t *)a->data, (size_t)len) == 0;
}

/* TCP payload length as the TCP dissector computes it: from the IP header's
 * length field (Ethernet padding is not payload); without an IP header just
 * before TCP (reassembled IP, IPv6 extension headers), what the data source
 * holds after the TCP header. */
static uint32_t tcp_payload_len(packet_info *pinfo, tvbuff_t *ds, int hdr, unsigned doff)
{
    int ip = ipv4_before(ds, hdr, 6);
    uint32_t ip_len = 0, ip_hdr = 0;

    if (ip >= 0 && pinfo->src.type == AT_IPv4 && same_bytes(ds, ip + 12, &pinfo->src, 4) &&
        same_bytes(ds, ip + 16, &pinfo->dst, 4)) {
        ip_len = tvb_get_ntohs(ds, ip + 2);
        ip_hdr = (uint32_t)(hdr - ip);
    } else if (hdr >= 40 && pinfo->src.type == AT_IPv6 && byte_at(ds, hdr - 40) >> 4 == 6 &&
               byte_at(ds, hdr - 34) == 6 && same_bytes(ds, hdr - 32, &pinfo->src, 16) &&
               same_bytes(ds, hdr - 16, &pinfo->dst, 16)) {
        ip_len = tvb_get_ntohs(ds, hdr - 36);   /* payload length: the TCP segment */
    }
    if (ip_len) {
        return ip_len >= ip_hdr + doff ? ip_len - ip_hdr - doff : 0;
    }
    /* IPv4 total length 0 (TSO), IPv6 jumbograms and the cases above. */
    int rest = tvb_reported_length_remaining(ds, hdr);
    return rest > (int)doff ? (uint32_t)rest - doff : 0;
}

bool ftplens_extract_segment(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb,
                             uint32_t stream, ftplens_segment *seg)
{
    tvbuff_t *ds;
    int hdr;

    memset(seg, 0, sizeof *seg);
    if (!tcp_header(pinfo, tree, &ds, &hdr))
        return false;
    const uint8_t *th = tvb_get_ptr(ds, hdr, 20);   /* tcp_header checked that 20 bytes are there */
    unsigned doff = (unsigned)(th[12] >> 4) * 4;
    if (doff < 20)
        return false;
    seg->tcp_len = tcp_payload_len(pinfo, ds, hdr, doff);
    seg->frame = pinfo->num;
    /* Clamp absurd timestamps (fuzzed or broken captures) to +-4.5e9 s, so that nanoseconds and their
     * differences fit in int64. */
    int64_t secs = (int64_t)pinfo->abs_ts.secs;
    secs = MAX(MIN(secs, (int64_t)4500000000), (int64_t)-4500000000);
    seg->time_ns = secs * 1000000000 + pinfo->abs_ts.nsecs;
    seg->stream = stream;
    seg->src_port = be16(th);
    seg->dst_port = be16(th + 2);
    seg->seq = be32(th + 4);
    seg->ack = be32(th + 8);
    seg->flags = be16(th + 12) & 0x0fff;
    seg->src_port_is_ftp = port_is_ftp(seg->src_port);
    seg->dst_port_is_ftp = port_is_ftp(seg->dst_port);
    copy_ip(&pinfo->src, seg->src_addr, &seg->addr_len);
    copy_ip(&pinfo->dst, seg->dst_addr, &seg->addr_len);

    int avail = tvb_captured_length_remaining(ds, hdr + (int)doff);
    if (seg->tcp_len && avail > 0) {
        seg->payload_len = MIN((uint32_t)avail, seg->tcp_len);
        seg->payload = tvb_get_ptr(ds, hdr + (int)doff, (int)seg->payload_len);
        if (ds == tvb) {
            seg->payload_offset = (uint32_t)(hdr + (int)doff);
            seg->payload_offset_known = true;
        }
    }
    return true;
}

/* ---- link facts for the report header, read back from the TCP header ---- */

static void mac_text(const address *a, char *out, size_t len)
{
    if (a->type == AT_ETHER && a->len == 6) {
        const uint8_t *m = a->data;
        snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    }
}

static void ipv4_text(tvbuff_t *ds, int at, char *out, size_t len)
{
    uint8_t b[4];
    tvb_memcpy(ds, b, at, 4);
    snprintf(out, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void ftplens_extract_link(packet_info *pinfo, proto_tree *tree, ftplens_link *link)
{
    tvbuff_t *ds;
    int hdr;

    memset(link, 0, sizeof *link);
    mac_text(&pinfo->dl_src, link->eth_src, sizeof link->eth_src);
    mac_text(&pinfo->dl_dst, link->eth_dst, sizeof link->eth_dst);
    link->ipv6 = pinfo->src.type == AT_IPv6;
    if (!tcp_header(pinfo, tree, &ds, &hdr))
        return;
    if (!link->ipv6) {
        int ip = ipv4_before(ds, hdr, 6);
        if (ip >= 0)
            link->ttl = byte_at(ds, ip + 8);
        return;
    }
    /* IPv6 without extension headers right before TCP; an IPv4 header of protocol 41
     * before it is a tunnel such as 6to4. */
    int ip6 = hdr - 40;
    if (ip6 < 0 || byte_at(ds, ip6) >> 4 != 6 || byte_at(ds, ip6 + 6) != 6)
        return;
    link->ttl = byte_at(ds, ip6 + 7);
    int outer = ipv4_before(ds, ip6, 41);
    if (outer >= 0) {
        ipv4_text(ds, outer + 12, link->outer_src, sizeof link->outer_src);
        ipv4_text(ds, outer + 16, link->outer_dst, sizeof link->outer_dst);
    }
}
