/* ftplens_extract.c - reading a frame's TCP facts.  Unlike transum's
 * extractors.c, no wanted fields: one wanted field makes tshark build a
 * (hidden) protocol tree for every frame of every capture, which -q -z and
 * plain listings otherwise skip.  tcp.stream is taken from the TCP
 * dissector's conversation data, and the TCP and IP headers from the frame's
 * bytes, found by the addresses and ports the IP and TCP layers left in pinfo.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include "ftplens_extract.h"

#include <stdio.h>
#include <string.h>

#include <epan/address.h>
#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wslog.h>

#include "ftplens_compat.h"

static int proto_tcp_id = -1;
static int proto_icmp_id = -1;
static int proto_icmpv6_id = -1;
static dissector_table_t tcp_port_table;
static dissector_handle_t ftp_handle;

void ftplens_extract_register(void)
{
    proto_tcp_id = proto_get_id_by_filter_name("tcp");
    proto_icmp_id = proto_get_id_by_filter_name("icmp");
    proto_icmpv6_id = proto_get_id_by_filter_name("icmpv6");
    if (proto_tcp_id <= 0)
        ws_warning("ftplens: protocol tcp not found");
    tcp_port_table = find_dissector_table("tcp.port");
    ftp_handle = find_dissector("ftp");
}

/* Exactly one TCP layer and no ICMP error quoting one: the frame's own TCP
 * segment, not a tunnel's inner one or a header quoted by an error. */
static bool one_tcp_layer(packet_info *pinfo)
{
    unsigned tcp = 0;
    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l; l = wmem_list_frame_next(l)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(l));
        if (id == proto_tcp_id)
            tcp++;
        else if (id == proto_icmp_id || id == proto_icmpv6_id)
            return false;
    }
    return tcp == 1;
}

static bool port_is_ftp(uint32_t port)
{
    return tcp_port_table && ftp_handle &&
           dissector_get_uint_handle(tcp_port_table, port) == ftp_handle;
}

/* The length of pinfo's addresses when both are IPv4 (4) or both IPv6 (16), else 0. */
static unsigned ip_pair_len(const packet_info *pinfo)
{
    const address *src = &pinfo->src, *dst = &pinfo->dst;
    if (src->type != dst->type || src->len != dst->len)
        return 0;
    return (src->type == AT_IPv4 && src->len == 4) || (src->type == AT_IPv6 && src->len == 16) ? (unsigned)src->len
                                                                                              : 0;
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

/* An IPv4 header of 'proto' that ends at 'end'; its offset or -1. */
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

/* Where a frame's TCP segment is: the data source holding its header, the
 * header's offset, the offset of the IP header just before it (-1 when the
 * header is in a reassembled IP payload) and the segment's length according to
 * that IP header (0: unknown, take what the data source holds). */
typedef struct {
    tvbuff_t *ds;
    int addrs;                  /* offset of the IP header's addresses in the frame, -1: not in the frame */
    int ip;
    int hdr;
    uint32_t ip_seg_len;
} tcp_place;

/* A TCP header at 'hdr' with at least 20 captured bytes and the frame's ports. */
static bool ports_match(packet_info *pinfo, const uint8_t *p, int len, int hdr)
{
    return hdr >= 0 && hdr + 20 <= len && be16(p + hdr) == pinfo->srcport && be16(p + hdr + 2) == pinfo->destport;
}

/* An IPsec AH header at 'off' (RFC 4302: length in 32-bit words minus 2):
 * what it carries and where that starts, or false. */
static bool skip_ah(const uint8_t *p, int len, uint8_t *next, int *off)
{
    if (*off + 12 > len)
        return false;
    *next = p[*off];
    *off += (p[*off + 1] + 2) * 4;
    return true;
}

/* An unfragmented IPv4 header carrying TCP (also behind an AH header) whose
 * addresses start at 'addrs'. */
static bool ipv4_at(packet_info *pinfo, const uint8_t *p, int len, int addrs, tcp_place *at)
{
    int ip = addrs - 12;
    if (ip < 0 || p[ip] >> 4 != 4 || (be16(p + ip + 6) & 0x3fff) != 0)
        return false;
    int ihl = (p[ip] & 0x0f) * 4, hdr = ip + ihl;
    uint8_t next = p[ip + 9];
    if (next == 51 && !skip_ah(p, len, &next, &hdr))
        return false;
    uint32_t total = be16(p + ip + 2), before = (uint32_t)(hdr - ip);
    if (ihl < 20 || next != 6 || !ports_match(pinfo, p, len, hdr))
        return false;
    at->ip = ip;
    at->hdr = hdr;
    at->ip_seg_len = total >= before ? total - before : 0;   /* 0 also for TSO */
    return true;
}

/* An IPv6 header whose addresses start at 'addrs', with TCP after its
 * extension headers (hop-by-hop, routing, destination options, AH, an atomic
 * fragment header); a real fragment is reassembled into another data source. */
static bool ipv6_at(packet_info *pinfo, const uint8_t *p, int len, int addrs, tcp_place *at)
{
    int ip = addrs - 8;
    if (ip < 0 || p[ip] >> 4 != 6)
        return false;
    uint8_t next = p[ip + 6];
    int off = ip + 40;
    for (int hops = 0; next != 6; hops++) {
        if (hops == 8 || off + 8 > len)
            return false;
        if (next == 0 || next == 43 || next == 60) {
            next = p[off];
            off += (p[off + 1] + 1) * 8;
        } else if (next == 44 && (be16(p + off + 2) & 0xfff9) == 0) {
            next = p[off];
            off += 8;
        } else if (next != 51 || !skip_ah(p, len, &next, &off)) {
            return false;
        }
    }
    uint32_t plen = be16(p + ip + 4), ext = (uint32_t)(off - ip - 40);
    if (!ports_match(pinfo, p, len, off))
        return false;
    at->ip = ip;
    at->hdr = off;
    at->ip_seg_len = plen >= ext ? plen - ext : 0;   /* 0 also for jumbograms */
    return true;
}

/* The frame's IP header is found by its addresses (pinfo's, set by the IP layer
 * the TCP segment came in): source and destination for IPv4, the source alone
 * for IPv6, whose pinfo->dst is the final destination of a routing header,
 * not the next hop the header holds.  'guess' is tried first: where the pair's
 * addresses were last time, or where any pair's were, as link layers rarely
 * change within a capture. */
/* pinfo's addresses at 'a' (the source alone for IPv6) and an IP header with
 * the frame's TCP segment around them. */
static bool addrs_at(packet_info *pinfo, const uint8_t *p, int len, int a, int alen, tcp_place *at)
{
    if (memcmp(p + a, pinfo->src.data, (size_t)alen) != 0)
        return false;
    if (alen == 4)
        return memcmp(p + a + 4, pinfo->dst.data, 4) == 0 && ipv4_at(pinfo, p, len, a, at);
    return ipv6_at(pinfo, p, len, a, at);
}

static bool find_in_frame(packet_info *pinfo, tvbuff_t *frame, int guess, tcp_place *at)
{
    static int last_addrs = -1;
    int alen = (int)ip_pair_len(pinfo);
    int len = (int)tvb_captured_length(frame);

    if (!alen || len < 2 * alen + 20)
        return false;
    const uint8_t *p = tvb_get_ptr(frame, 0, len);
    at->ds = frame;
    if (guess < 0)
        guess = last_addrs;
    if (guess >= 0 && guess + 2 * alen <= len && addrs_at(pinfo, p, len, guess, alen, at)) {
        at->addrs = guess;
        return true;
    }
    uint32_t first;
    memcpy(&first, pinfo->src.data, 4);
    for (int a = 0; a + 2 * alen + 20 <= len; a++) {
        uint32_t w;
        memcpy(&w, p + a, 4);
        if (w == first && addrs_at(pinfo, p, len, a, alen, at)) {
            at->addrs = last_addrs = a;
            return true;
        }
    }
    return false;
}

/* The TCP segment of this frame: in the frame's bytes after its IP header, or at
 * the start of a reassembled IP payload (another data source). */
static bool tcp_header(packet_info *pinfo, tvbuff_t *frame, int guess, tcp_place *at)
{
    if (find_in_frame(pinfo, frame, guess, at))
        return true;
    for (GSList *l = pinfo->data_src; l; l = l->next) {
        tvbuff_t *ds = get_data_source_tvb((const struct data_source *)l->data);
        if (!ds || ds == frame || tvb_captured_length(ds) < 20)
            continue;
        if (ports_match(pinfo, tvb_get_ptr(ds, 0, 20), 20, 0)) {
            *at = (tcp_place){ .ds = ds, .addrs = -1, .ip = -1, .hdr = 0, .ip_seg_len = 0 };
            return true;
        }
    }
    return false;
}

/* TCP payload length as the TCP dissector computes it: from the IP header's
 * length (Ethernet padding is not payload); without one, what the data source
 * holds after the TCP header. */
static uint32_t tcp_payload_len(const tcp_place *at, unsigned doff)
{
    if (at->ip_seg_len)
        return at->ip_seg_len >= doff ? at->ip_seg_len - doff : 0;
    int rest = tvb_reported_length_remaining(at->ds, at->hdr);
    return rest > (int)doff ? (uint32_t)rest - doff : 0;
}

/* ---- tcp.stream ---- */

/* What is known of an address and port pair, for both directions: the TCP
 * dissector's number for the connection (asking its conversation table costs
 * about 1,100 instructions), where the IP addresses and the TCP header were in
 * each direction's last frame, and whether each port is the FTP dissector's.
 * TCP numbers a new connection only at a SYN (port reuse) or at a pair's first
 * frame (a miss here), so a frame with SYN set always asks. */
typedef struct {
    uint8_t addr[2][16];
    uint16_t port[2];
    int16_t addrs[2];           /* offsets in the frame, -1: unknown */
    int16_t hdr[2];
    uint8_t addr_len;
    bool used;
    bool port_is_ftp[2];
    uint32_t stream;
    uint32_t touched;           /* frame number of its last use */
} stream_memo;

#define STREAM_MEMO_SIZE 4096   /* a power of two */
static stream_memo memo[STREAM_MEMO_SIZE];

void ftplens_extract_reset(void)
{
    memset(memo, 0, sizeof memo);
}

static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ h >> 16;
}

static uint32_t endpoint_hash(const uint8_t *addr, unsigned len, uint16_t port)
{
    uint32_t h = port * 0x9e3779b1u;
    for (unsigned i = 0; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, addr + i, 4);
        h = fmix32(h ^ w);
    }
    return fmix32(h);
}

static inline bool same_addr(const uint8_t *a, const uint8_t *b, unsigned len)
{
    uint32_t x, y;
    if (len != 4)
        return memcmp(a, b, len) == 0;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    return x == y;
}

/* The pair's slot and the direction of src -> dst in it (0 or 1), or, with
 * *dir -1, the slot to use for it.  A pair has two slots (a sum of its two
 * ends' hashes, the same for both directions, and its neighbour); a new pair
 * takes the one used least recently. */
static unsigned memo_find(const uint8_t *src, const uint8_t *dst, unsigned len, uint16_t sport, uint16_t dport,
                          int *dir)
{
    uint32_t h = endpoint_hash(src, len, sport) + endpoint_hash(dst, len, dport);
    unsigned first = h & (STREAM_MEMO_SIZE - 1);
    for (unsigned k = 0; k < 2; k++) {
        unsigned slot = first ^ k;
        const stream_memo *m = &memo[slot];
        if (!m->used || m->addr_len != len)
            continue;
        for (int d = 0; d < 2; d++) {
            if (m->port[d] == sport && m->port[1 - d] == dport && same_addr(m->addr[d], src, len) &&
                same_addr(m->addr[1 - d], dst, len)) {
                *dir = d;
                return slot;
            }
        }
    }
    *dir = -1;
    const stream_memo *a = &memo[first], *b = &memo[first ^ 1];
    return !a->used || (b->used && a->touched <= b->touched) ? first : first ^ 1;
}

/* The conversation the TCP dissector keeps its data with, looked up as it does. */
static bool ask_tcp(packet_info *pinfo, uint32_t *stream)
{
    conversation_t *conv = ftplens_tcp_conversation(pinfo);
    const struct tcp_analysis *tcpd = conv ? conversation_get_proto_data(conv, proto_tcp_id) : NULL;
    if (!tcpd)
        return false;
    *stream = tcpd->stream;
    return true;
}

bool ftplens_extract_first_look(packet_info *pinfo, tvbuff_t *tvb, ftplens_first_look *look)
{
    const address *src = &pinfo->src, *dst = &pinfo->dst;
    unsigned len = ip_pair_len(pinfo);

    look->known = false;
    look->dir = -1;
    look->slot = 0;
    if (!len || ftplens_conversations_deinterlaced())
        return false;
    look->slot = memo_find(src->data, dst->data, len, (uint16_t)pinfo->srcport, (uint16_t)pinfo->destport,
                           &look->dir);
    if (look->dir < 0)
        return false;
    const stream_memo *m = &memo[look->slot];
    int hdr = m->hdr[look->dir];
    if (hdr < 0 || tvb_captured_length(tvb) < (unsigned)hdr + 14)
        return false;
    const uint8_t *th = tvb_get_ptr(tvb, hdr, 14);
    if (be16(th) != pinfo->srcport || be16(th + 2) != pinfo->destport || (th[13] & 0x02))
        return false;
    look->stream = m->stream;
    look->known = true;
    return true;
}

/* seg->stream and its FTP ports, from the memo when the pair is there and this
 * is no SYN; the memo learns where this frame's headers were.  Without 'look'
 * (a frame shown again, in any order) the memo is neither read nor written:
 * it follows the first pass, where a reused pair's newest stream is the right one. */
static bool segment_stream(packet_info *pinfo, const ftplens_first_look *look, const tcp_place *at,
                           ftplens_segment *seg)
{
    if (!look || !seg->addr_len || ftplens_conversations_deinterlaced()) {
        /* not remembered: shown again, not IP, or a pair is not one stream */
        seg->src_port_is_ftp = port_is_ftp(seg->src_port);
        seg->dst_port_is_ftp = port_is_ftp(seg->dst_port);
        return ask_tcp(pinfo, &seg->stream);
    }
    stream_memo *m = &memo[look->slot];
    int dir = look->dir;
    if (dir < 0 || (seg->flags & 0x02)) {
        uint32_t stream;
        if (!ask_tcp(pinfo, &stream))
            return false;
        if (dir < 0 || m->stream != stream) {
            *m = (stream_memo){ .port = { seg->src_port, seg->dst_port }, .addrs = { -1, -1 }, .hdr = { -1, -1 },
                                .addr_len = (uint8_t)seg->addr_len, .used = true, .stream = stream,
                                .port_is_ftp = { port_is_ftp(seg->src_port), port_is_ftp(seg->dst_port) } };
            memcpy(m->addr[0], seg->src_addr, seg->addr_len);
            memcpy(m->addr[1], seg->dst_addr, seg->addr_len);
            dir = 0;
        }
    }
    bool small = at->addrs >= 0 && at->hdr <= INT16_MAX;
    m->addrs[dir] = (int16_t)(small ? at->addrs : -1);
    m->hdr[dir] = (int16_t)(small ? at->hdr : -1);
    m->touched = seg->frame;
    seg->stream = m->stream;
    seg->src_port_is_ftp = m->port_is_ftp[dir];
    seg->dst_port_is_ftp = m->port_is_ftp[1 - dir];
    return true;
}

/* ---- the segment ---- */

bool ftplens_extract_segment(packet_info *pinfo, tvbuff_t *tvb, const ftplens_first_look *look,
                             ftplens_segment *seg)
{
    tcp_place at;

    memset(seg, 0, sizeof *seg);
    int guess = look && look->dir >= 0 ? memo[look->slot].addrs[look->dir] : -1;
    if (proto_tcp_id <= 0 || !one_tcp_layer(pinfo) || !tcp_header(pinfo, tvb, guess, &at))
        return false;
    tvbuff_t *ds = at.ds;
    int hdr = at.hdr;
    const uint8_t *th = tvb_get_ptr(ds, hdr, 20);   /* tcp_header checked that 20 bytes are there */
    unsigned doff = (unsigned)(th[12] >> 4) * 4;
    if (doff < 20)
        return false;
    seg->tcp_len = tcp_payload_len(&at, doff);
    seg->frame = pinfo->num;
    /* Clamp absurd timestamps (fuzzed or broken captures) to +-4.5e9 s, so that nanoseconds and their
     * differences fit in int64. */
    int64_t secs = (int64_t)pinfo->abs_ts.secs;
    secs = MAX(MIN(secs, (int64_t)4500000000), (int64_t)-4500000000);
    seg->time_ns = secs * 1000000000 + pinfo->abs_ts.nsecs;
    seg->src_port = be16(th);
    seg->dst_port = be16(th + 2);
    seg->seq = be32(th + 4);
    seg->ack = be32(th + 8);
    seg->flags = be16(th + 12) & 0x0fff;
    seg->addr_len = ip_pair_len(pinfo);
    if (seg->addr_len) {
        memcpy(seg->src_addr, pinfo->src.data, seg->addr_len);
        memcpy(seg->dst_addr, pinfo->dst.data, seg->addr_len);
    }

    int avail = tvb_captured_length_remaining(ds, hdr + (int)doff);
    if (seg->tcp_len && avail > 0) {
        seg->payload_len = MIN((uint32_t)avail, seg->tcp_len);
        seg->payload = tvb_get_ptr(ds, hdr + (int)doff, (int)seg->payload_len);
        if (ds == tvb) {
            seg->payload_offset = (uint32_t)(hdr + (int)doff);
            seg->payload_offset_known = true;
        }
    }
    return segment_stream(pinfo, look, &at, seg);
}

bool ftplens_extract_segment_again(packet_info *pinfo, tvbuff_t *tvb, ftplens_segment *seg)
{
    return ftplens_extract_segment(pinfo, tvb, NULL, seg);
}

/* ---- link facts for the report header, read from the IP header before TCP ---- */

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

void ftplens_extract_link(packet_info *pinfo, tvbuff_t *tvb, ftplens_link *link)
{
    tcp_place at;

    memset(link, 0, sizeof *link);
    mac_text(&pinfo->dl_src, link->eth_src, sizeof link->eth_src);
    mac_text(&pinfo->dl_dst, link->eth_dst, sizeof link->eth_dst);
    link->ipv6 = pinfo->src.type == AT_IPv6;
    if (!tcp_header(pinfo, tvb, -1, &at) || at.ip < 0)
        return;
    if (!link->ipv6) {
        link->ttl = byte_at(at.ds, at.ip + 8);
        return;
    }
    /* An IPv4 header of protocol 41 before the IPv6 header is a tunnel such as 6to4. */
    link->ttl = byte_at(at.ds, at.ip + 7);
    int outer = ipv4_before(at.ds, at.ip, 41);
    if (outer >= 0) {
        ipv4_text(at.ds, outer + 12, link->outer_src, sizeof link->outer_src);
        ipv4_text(at.ds, outer + 16, link->outer_dst, sizeof link->outer_dst);
    }
}
