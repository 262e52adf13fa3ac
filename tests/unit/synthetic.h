/* synthetic.h - one FTP control connection driven through the core entry
 * point with synthetic TCP segments, for the unit tests (test_session.c,
 * test_worksheet.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_TEST_SYNTHETIC_H
#define FTPLENS_TEST_SYNTHETIC_H

#include <string.h>

#include "ftplens_core.h"

typedef struct {
    ftplens_capture *cap;
    uint32_t frame;
    uint32_t cseq, sseq;        /* next raw sequence number per direction */
    uint16_t cport, sport;
    bool sport_ftp;
} conv;

static inline void conv_init_with(conv *c, uint16_t server_port, bool registered, const ftplens_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->cap = ftplens_capture_new(cfg);
    c->cseq = 1000;
    c->sseq = 5000;
    c->cport = 40000;
    c->sport = server_port;
    c->sport_ftp = registered;
}

static inline ftplens_segment next_seg(conv *c, bool from_server, uint16_t flags, const char *data)
{
    ftplens_segment s;
    memset(&s, 0, sizeof s);
    s.frame = ++c->frame;
    s.time_ns = (int64_t)c->frame * 1000000;      /* 1 ms per frame */
    s.stream = 7;
    s.addr_len = 4;
    s.src_addr[0] = from_server ? 10 : 192;
    s.dst_addr[0] = from_server ? 192 : 10;
    s.src_port = from_server ? c->sport : c->cport;
    s.dst_port = from_server ? c->cport : c->sport;
    s.src_port_is_ftp = from_server && c->sport_ftp;
    s.dst_port_is_ftp = !from_server && c->sport_ftp;
    s.flags = flags;
    s.ack = (flags & FTPLENS_TCP_ACK) ? (from_server ? c->cseq : c->sseq) : 0;
    s.payload = (const uint8_t *)data;
    s.payload_len = s.tcp_len = (uint32_t)strlen(data);
    uint32_t *seq = from_server ? &c->sseq : &c->cseq;
    s.seq = *seq;
    *seq += s.tcp_len + ((flags & (FTPLENS_TCP_SYN | FTPLENS_TCP_FIN)) ? 1 : 0);
    return s;
}

#endif
