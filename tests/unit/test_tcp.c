/* test_tcp.c - the TCP teaching state machine and its arithmetic.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ftplens_tcp.h"

#define S FTPLENS_TCP_SYN
#define F FTPLENS_TCP_FIN
#define R FTPLENS_TCP_RST
#define A FTPLENS_TCP_ACK

typedef struct {
    ftplens_tcp_tracker t;
    ftplens_arena arena;
    uint32_t frame;
} fixture;

static fixture *fx_new(void)
{
    fixture *f = g_new0(fixture, 1);
    ftplens_tcp_init(&f->t);
    ftplens_arena_init(&f->arena);
    return f;
}

/* The note's explanation as shown: written now or later (lazy); kept until the next few calls. */
static const char *shown(const ftplens_tcp_note *n)
{
    static char *ring[8];
    static unsigned at;
    g_free(ring[at % 8]);
    ring[at % 8] = ftplens_tcp_explain(n);
    return ring[at++ % 8];
}

static void fx_free(fixture *f)
{
    ftplens_arena_clear(&f->arena);
    g_free(f);
}

static ftplens_tcp_note seg(fixture *f, bool from_listener, uint16_t flags, uint32_t seq, uint32_t ack,
                            const char *data)
{
    ftplens_tcp_note n;
    uint32_t len = data ? (uint32_t)strlen(data) : 0;
    ftplens_tcp_segment s = { ++f->frame, (int64_t)f->frame * 1000, from_listener, flags, seq, ack, len };
    ftplens_tcp_payload pl = { .payload = (const uint8_t *)data, .len = len, .text = true };
    ftplens_tcp_segment_note(&f->t, &s, &pl, &f->arena, &n);
    return n;
}

#define CLI(f, fl, s, a, d) seg((f), false, (fl), (s), (a), (d))
#define SRV(f, fl, s, a, d) seg((f), true, (fl), (s), (a), (d))

static void three_way_handshake(void **state)
{
    fixture *f = fx_new();
    (void)state;
    ftplens_tcp_note n1 = CLI(f, S, 0x626bf2f7, 0, NULL);
    assert_int_equal(n1.step, FTPLENS_STEP_SYN);
    assert_string_equal(n1.step_text, "handshake 1/3: SYN (client asks to open)");
    assert_int_equal(ftplens_tcp_seq_rel(&n1), 0);
    assert_int_equal(ftplens_tcp_next_seq_rel(&n1), 1);
    assert_non_null(strstr(shown(&n1), "0x626bf2f7 (1651241719; bytes 62 6b f2 f7)"));
    /* Handshake sentences are written from the note when shown, not kept. */
    assert_null(n1.explain);
    assert_int_equal(n1.lazy, FTPLENS_LAZY_SYN);

    ftplens_tcp_note n2 = SRV(f, S | A, 0xe537a51e, 0x626bf2f8, NULL);
    assert_int_equal(n2.step, FTPLENS_STEP_SYNACK);
    assert_true(n2.has_ack_ok && n2.ack_ok);
    assert_int_equal(ftplens_tcp_ack_rel(&n2), 1);
    assert_int_equal(n2.peer_isn, 0x626bf2f7);
    assert_true(n2.has_syn_rtt);
    assert_int_equal(n2.syn_rtt_ns, 1000);
    assert_non_null(strstr(shown(&n2), "= client ISN 0x626bf2f7 + 1, because a SYN consumes one sequence number"));

    ftplens_tcp_note n3 = CLI(f, A, 0x626bf2f8, 0xe537a51f, NULL);
    assert_int_equal(n3.step, FTPLENS_STEP_ESTABLISHED);
    assert_true(n3.ack_ok);
    assert_int_equal(n3.ref_frame, 2);
    assert_int_equal(ftplens_tcp_seq_rel(&n3), 1);
    assert_int_equal(ftplens_tcp_ack_rel(&n3), 1);
    assert_int_equal(n3.hs_rtt_ns, 2000);
    assert_non_null(strstr(shown(&n3), "equals the acknowledgment number of the SYN-ACK (frame 2)"));
    assert_int_equal(n3.lazy, FTPLENS_LAZY_ESTABLISHED);

    ftplens_tcp_note n4 = SRV(f, A, 0xe537a51f, 0x626bf2f8, "220-\r\n");
    assert_int_equal(n4.step, FTPLENS_STEP_DATA);
    assert_non_null(strstr(shown(&n4), "Len 6 = '220-' (4 bytes) + CR LF (2 bytes); next sequence number = 1 + 6 = 7."));
    ftplens_tcp_note n5 = CLI(f, A, 0x626bf2f8, 0xe537a525, NULL);
    assert_int_equal(n5.step, FTPLENS_STEP_ACK_ONLY);
    assert_int_equal(ftplens_tcp_ack_rel(&n5), 7);
    assert_null(n5.explain);                  /* written only when shown */
    char *text = ftplens_tcp_explain(&n5);
    assert_non_null(strstr(text, "stays at relative 1; acknowledgment relative 7 (raw 0xe537a525)"));
    g_free(text);
    fx_free(f);
}

/* Handshake segments missing from the capture: what the others tell, no mismatch claimed. */
static void handshake_segments_not_captured(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 100, 0, NULL);
    /* SYN-ACK lost: the ACK's acknowledgment gives the server's ISN. */
    ftplens_tcp_note n = CLI(f, A, 101, 901, NULL);
    assert_int_equal(n.step, FTPLENS_STEP_ESTABLISHED);
    assert_false(n.has_ack_ok);
    assert_int_equal(ftplens_tcp_ack_rel(&n), 1);
    assert_non_null(strstr(shown(&n), "SYN-ACK was not captured"));
    assert_non_null(strstr(shown(&n), "its ISN was 0x00000384 (inferred"));
    ftplens_tcp_note d = SRV(f, A, 901, 101, "220 hi\r\n");
    assert_int_equal(ftplens_tcp_seq_rel(&d), 1);          /* counted from the inferred ISN */
    fx_free(f);

    /* Third ACK lost: the client's next segment acknowledges the greeting. */
    f = fx_new();
    CLI(f, S, 100, 0, NULL);
    SRV(f, S | A, 900, 101, NULL);
    SRV(f, A, 901, 101, "220 hi\r\n");
    n = CLI(f, A, 101, 909, NULL);
    assert_int_equal(n.step, FTPLENS_STEP_ACK_ONLY);
    assert_false(n.has_ack_ok);
    assert_non_null(strstr(shown(&n), "third segment"));
    fx_free(f);

    /* SYN lost: the SYN-ACK tells the client's ISN. */
    f = fx_new();
    n = SRV(f, S | A, 900, 101, NULL);
    assert_false(n.has_ack_ok);
    assert_non_null(strstr(shown(&n), "so its ISN was this number - 1 = 0x00000064 (inferred"));
    ftplens_tcp_note c = CLI(f, A, 101, 901, NULL);
    assert_int_equal(ftplens_tcp_seq_rel(&c), 1);
    fx_free(f);
}

static void handshake_ack_identified_by_numbers(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 100, 0, NULL);
    SRV(f, S | A, 900, 101, NULL);
    /* A wrong first ACK still completes step 3, but with ack_ok false and what was expected. */
    ftplens_tcp_note n = CLI(f, A, 101, 905, NULL);
    assert_int_equal(n.step, FTPLENS_STEP_ESTABLISHED);
    assert_false(n.ack_ok);
    assert_non_null(strstr(n.ack_expected, "acknowledgment 0x00000385"));
    fx_free(f);

    f = fx_new();
    CLI(f, S, 100, 0, NULL);
    ftplens_tcp_note bad = SRV(f, S | A, 900, 100, NULL);     /* should be 101 */
    assert_false(bad.ack_ok);
    assert_non_null(strstr(bad.ack_expected, "0x00000065"));
    fx_free(f);
}

static void wrap_around(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 0xfffffffe, 0, NULL);
    SRV(f, S | A, 0x10, 0xffffffff, NULL);
    ftplens_tcp_note n3 = CLI(f, A, 0xffffffff, 0x11, NULL);
    assert_true(n3.ack_ok);
    assert_int_equal(ftplens_tcp_seq_rel(&n3), 1);
    ftplens_tcp_note d = CLI(f, A, 0xffffffff, 0x11, "USER anonymous\r\n");
    assert_int_equal(ftplens_tcp_seq_rel(&d), 1);
    assert_int_equal(ftplens_tcp_next_seq_rel(&d), 17);
    ftplens_tcp_note d2 = CLI(f, A, 0x0000000f, 0x11, "PASS x\r\n");   /* crossed 2^32 */
    assert_int_equal(ftplens_tcp_seq_rel(&d2), 17);
    ftplens_tcp_note a = SRV(f, A, 0x11, 0x17, NULL);
    assert_int_equal(ftplens_tcp_ack_rel(&a), 25);
    fx_free(f);
}

static void syn_retransmission_and_port_reuse(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 5000, 0, NULL);
    ftplens_tcp_note r = CLI(f, S, 5000, 0, NULL);
    assert_int_equal(r.step, FTPLENS_STEP_SYN_RETRANS);
    assert_non_null(strstr(shown(&r), "frame 1"));
    SRV(f, S | A, 7000, 5001, NULL);
    ftplens_tcp_note sr = SRV(f, S | A, 7000, 5001, NULL);
    assert_int_equal(sr.step, FTPLENS_STEP_SYNACK_RETRANS);
    CLI(f, A, 5001, 7001, NULL);
    /* Same 4-tuple, new ISN: a new connection. */
    ftplens_tcp_note reuse = CLI(f, S, 90000, 0, NULL);
    assert_int_equal(reuse.step, FTPLENS_STEP_SYN);
    assert_int_equal(reuse.isn, 90000);
    ftplens_tcp_note sa = SRV(f, S | A, 123, 90001, NULL);
    assert_true(sa.ack_ok);
    fx_free(f);
}

static void simultaneous_open(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 10, 0, NULL);
    ftplens_tcp_note n = SRV(f, S, 20, 0, NULL);
    assert_int_equal(n.step, FTPLENS_STEP_SYN);
    assert_non_null(strstr(n.step_text, "simultaneous open"));
    fx_free(f);
}

static void missing_syn(void **state)
{
    fixture *f = fx_new();
    (void)state;
    ftplens_tcp_note n = CLI(f, A, 777777, 888888, "NOOP\r\n");
    assert_int_equal(n.step, FTPLENS_STEP_NO_HANDSHAKE);
    assert_int_equal(ftplens_tcp_seq_rel(&n), 0);
    assert_int_equal(ftplens_tcp_ack_rel(&n), 0);
    assert_true(n.isn_is_base);
    assert_non_null(strstr(shown(&n), "no SYN was captured"));
    ftplens_tcp_note r = SRV(f, A, 888888, 777783, "200 ok\r\n");
    assert_int_equal(r.step, FTPLENS_STEP_DATA);
    assert_int_equal(ftplens_tcp_seq_rel(&r), 0);
    assert_int_equal(ftplens_tcp_ack_rel(&r), 6);
    fx_free(f);
}

static void rst_during_handshake(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 1, 0, NULL);
    ftplens_tcp_note n = SRV(f, R | A, 0, 2, NULL);
    assert_int_equal(n.step, FTPLENS_STEP_RST);
    assert_non_null(strstr(shown(&n), "refuses the connection"));
    fx_free(f);
}

static void close_with_fin_and_data(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 100, 0, NULL);
    SRV(f, S | A, 500, 101, NULL);
    CLI(f, A, 101, 501, NULL);
    /* FIN and the last line in one segment. */
    ftplens_tcp_note fin = SRV(f, F | A, 501, 101, "221 Bye\r\n");
    assert_int_equal(fin.step, FTPLENS_STEP_FIN);
    assert_string_equal(fin.step_text, "close: FIN (1 of 4)");
    assert_int_equal(ftplens_tcp_next_seq_rel(&fin), 11);
    assert_non_null(strstr(shown(&fin), "The FIN comes after the 9 data bytes, at relative 10"));
    assert_non_null(strstr(shown(&fin), "Len 9 = '221 Bye' (7 bytes) + CR LF (2 bytes)"));
    assert_non_null(strstr(shown(&fin), "so the peer acknowledges 0x000001ff (relative 11)"));
    ftplens_tcp_note ack = CLI(f, A, 101, 511, NULL);
    assert_string_equal(ack.step_text, "close: ACK of the FIN (2 of 4)");
    assert_int_equal(ack.lazy, FTPLENS_LAZY_CLOSE);       /* written from the note when shown */
    assert_non_null(strstr(shown(&ack), "acknowledgment 0x000001ff = FIN sequence 0x000001fe + 1"));
    assert_true(ack.ack_ok);
    ftplens_tcp_note fin2 = CLI(f, F | A, 101, 511, NULL);
    assert_string_equal(fin2.step_text, "close: FIN (3 of 4)");
    ftplens_tcp_note last = SRV(f, A, 511, 102, NULL);
    assert_int_equal(last.step, FTPLENS_STEP_FINAL_ACK);
    assert_string_equal(last.step_text, "close: final ACK (4 of 4)");
    assert_int_equal(last.ref_frame, 6);
    fx_free(f);

    f = fx_new();
    CLI(f, S, 100, 0, NULL);
    SRV(f, S | A, 500, 101, NULL);
    CLI(f, A, 101, 501, NULL);
    SRV(f, F | A, 501, 101, NULL);
    ftplens_tcp_note both = CLI(f, F | A, 101, 502, NULL);
    assert_string_equal(both.step_text, "close: FIN+ACK (2 and 3 of 4)");
    assert_true(both.ack_ok);
    fx_free(f);
}

static void lines_are_summed(void **state)
{
    fixture *f = fx_new();
    (void)state;
    CLI(f, S, 0, 0, NULL);
    SRV(f, S | A, 50, 1, NULL);
    CLI(f, A, 1, 51, NULL);
    ftplens_tcp_note n = CLI(f, A, 1, 51, "USER alice\r\nPASS wonderland\r\n");
    assert_non_null(strstr(shown(&n), "Len 29 = 'USER alice' (10 bytes) + CR LF (2 bytes) + 'PASS wonderland' "
                                      "(15 bytes) + CR LF (2 bytes); next sequence number = 1 + 29 = 30."));
    ftplens_tcp_note half = CLI(f, A, 30, 51, "NO");
    assert_non_null(strstr(shown(&half), "'NO' (2 bytes, the line goes on in a later segment)"));
    fx_free(f);
}

static void hex_bytes(void **state)
{
    char b[12];
    (void)state;
    ftplens_tcp_hex_bytes(0x626bf2f7, b);
    assert_string_equal(b, "62 6b f2 f7");
    ftplens_tcp_hex_bytes(0x00000001, b);
    assert_string_equal(b, "00 00 00 01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_way_handshake),
        cmocka_unit_test(handshake_ack_identified_by_numbers),
        cmocka_unit_test(handshake_segments_not_captured),
        cmocka_unit_test(wrap_around),
        cmocka_unit_test(syn_retransmission_and_port_reuse),
        cmocka_unit_test(simultaneous_open),
        cmocka_unit_test(missing_syn),
        cmocka_unit_test(rst_during_handshake),
        cmocka_unit_test(close_with_fin_and_data),
        cmocka_unit_test(lines_are_summed),
        cmocka_unit_test(hex_bytes),
    };
    return cmocka_run_group_tests_name("tcp", tests, NULL, NULL);
}
