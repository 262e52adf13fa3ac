/* test_reasm.c - line reassembly by raw sequence number.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib.h>

#include "ftplens_reasm.h"

typedef struct {
    GPtrArray *lines;
    GArray *offsets;
    GArray *lengths;
    bool began_earlier[16];
    bool truncated[16];
    bool after_gap[16];
    bool partial[16];
    void *owner[16];
    uint32_t end_seq[16];
    uint64_t full_len[16];
    unsigned gaps;              /* capture-gap events */
    uint32_t gap_bytes[8];
    unsigned gap_before[8];     /* lines seen before each gap event */
} sink;

static void collect(const ftplens_line *l, void *p)
{
    sink *s = p;
    unsigned i = s->lines->len;
    if (l->gap_bytes) {
        if (s->gaps < 8) {
            s->gap_bytes[s->gaps] = l->gap_bytes;
            s->gap_before[s->gaps] = i;
        }
        s->gaps++;
        return;
    }
    g_ptr_array_add(s->lines, g_strndup(l->text, l->text_len));
    g_array_append_val(s->offsets, l->offset);
    g_array_append_val(s->lengths, l->length);
    if (i < 16) {
        s->began_earlier[i] = l->began_earlier;
        s->truncated[i] = l->truncated;
        s->after_gap[i] = l->after_gap;
        s->partial[i] = l->partial;
        s->owner[i] = l->owner;
        s->end_seq[i] = l->end_seq;
        s->full_len[i] = l->full_len;
    }
}

static sink *sink_new(void)
{
    sink *s = g_new0(sink, 1);
    s->lines = g_ptr_array_new_with_free_func(g_free);
    s->offsets = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    s->lengths = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    return s;
}

static void sink_free(sink *s)
{
    g_ptr_array_free(s->lines, TRUE);
    g_array_free(s->offsets, TRUE);
    g_array_free(s->lengths, TRUE);
    g_free(s);
}

static void feed(ftplens_reasm *r, uint32_t seq, const char *data, sink *s, ftplens_reasm_result *res)
{
    ftplens_reasm_feed(r, seq, false, (const uint8_t *)data, (uint32_t)strlen(data), collect, s, res);
}

#define LINE(s, i) ((const char *)g_ptr_array_index((s)->lines, (i)))
#define U32(a, i) g_array_index((a), uint32_t, (i))

static void several_lines_in_one_segment(void **state)
{
    ftplens_reasm r;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    ftplens_reasm_feed(&r, 1000, true, NULL, 0, collect, s, NULL);   /* SYN: ISN 1000 */
    feed(&r, 1001, "USER alice\r\nPASS wonderland\r\n", s, NULL);
    assert_int_equal(s->lines->len, 2);
    assert_string_equal(LINE(s, 0), "USER alice");
    assert_string_equal(LINE(s, 1), "PASS wonderland");
    assert_int_equal(U32(s->offsets, 0), 0);
    assert_int_equal(U32(s->lengths, 0), 12);
    assert_int_equal(U32(s->offsets, 1), 12);
    assert_int_equal(U32(s->lengths, 1), 17);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void split_line_is_one_line(void **state)
{
    ftplens_reasm r;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 50, "NO", s, NULL);
    assert_int_equal(s->lines->len, 0);
    feed(&r, 52, "OP\r\nSY", s, NULL);
    assert_int_equal(s->lines->len, 1);
    assert_string_equal(LINE(s, 0), "NOOP");
    assert_true(s->began_earlier[0]);
    assert_int_equal(U32(s->lengths, 0), 4);
    feed(&r, 58, "ST\n", s, NULL);    /* bare LF ends a line too */
    assert_string_equal(LINE(s, 1), "SYST");
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void duplicates_and_overlaps(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 100, "220 ready\r\n", s, &res);
    assert_int_equal(res.new_bytes, 11);
    feed(&r, 100, "220 ready\r\n", s, &res);     /* retransmission */
    assert_int_equal(res.dup_bytes, 11);
    assert_int_equal(res.new_bytes, 0);
    assert_int_equal(s->lines->len, 1);
    feed(&r, 105, "eady\r\n331 ok\r\n", s, &res); /* overlaps 6 old bytes */
    assert_int_equal(res.dup_bytes, 6);
    assert_int_equal(s->lines->len, 2);
    assert_string_equal(LINE(s, 1), "331 ok");
    assert_int_equal(U32(s->offsets, 1), 6);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void wraps_around_2_32(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 0xfffffffcu, "PW", s, &res);
    feed(&r, 0xfffffffeu, "D\r\n", s, &res);       /* crosses 2^32 */
    assert_int_equal(s->lines->len, 1);
    assert_string_equal(LINE(s, 0), "PWD");
    feed(&r, 0xfffffffeu, "D\r\n", s, &res);       /* retransmitted across the wrap */
    assert_int_equal(res.dup_bytes, 3);
    feed(&r, 1, "NOOP\r\n", s, &res);
    assert_string_equal(LINE(s, 1), "NOOP");
    assert_false(res.gap);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void gap_discards_partial_line(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 10, "RE", s, &res);
    feed(&r, 20, "QUIT\r\n", s, &res);      /* bytes 12..19 missing: held, maybe they come */
    assert_true(res.held);
    assert_int_equal(s->lines->len, 0);
    feed(&r, 30, "A\r\n", s, &res);
    feed(&r, 40, "B\r\n", s, &res);
    feed(&r, 50, "C\r\n", s, &res);
    assert_int_equal(s->lines->len, 0);
    feed(&r, 60, "NOOP\r\n", s, &res);      /* a later segment starting a line: the holes are gaps */
    assert_int_equal(s->lines->len, 5);
    assert_string_equal(LINE(s, 0), "QUIT");
    assert_true(s->after_gap[0]);
    assert_false(s->partial[0]);           /* a known verb after the gap: a whole line */
    assert_true(s->partial[1]);            /* "A" is no verb: the end of a line whose start was lost */
    assert_string_equal(LINE(s, 4), "NOOP");
    assert_true(s->after_gap[4]);
    assert_false(s->partial[4]);
    assert_int_equal(s->gaps, 5);          /* 12..19, 26..29, 33..39, 43..49, 53..59 */
    assert_int_equal(s->gap_bytes[0], 8);
    assert_int_equal(s->gap_before[0], 0);
    assert_int_equal(s->gap_before[4], 4);
    assert_int_equal(ftplens_reasm_skip(&r, 100), 34);   /* a frame cut short */
    feed(&r, 100, "PWD\r\n", s, &res);
    assert_false(res.gap);
    assert_true(s->after_gap[5]);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void out_of_order_segments_are_put_back_in_order(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 0, "220-a\r\n", s, &res);
    feed(&r, 14, "220 c\r\n", s, &res);     /* arrives before the segment at 7 */
    assert_true(res.held);
    assert_int_equal(s->lines->len, 1);
    feed(&r, 7, "220-b\r\n", s, &res);
    assert_false(res.gap);
    assert_int_equal(s->lines->len, 3);
    assert_string_equal(LINE(s, 1), "220-b");
    assert_string_equal(LINE(s, 2), "220 c");
    assert_int_equal(U32(s->offsets, 1), 0);
    assert_int_equal(U32(s->lengths, 1), 7);
    assert_int_equal(U32(s->lengths, 2), 0);  /* not in this frame's bytes */
    assert_false(s->after_gap[2]);
    feed(&r, 14, "220 c\r\n", s, &res);     /* and its retransmission is a duplicate */
    assert_int_equal(res.dup_bytes, 7);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void long_line_is_capped(void **state)
{
    ftplens_reasm r;
    sink *s = sink_new();
    (void)state;

    size_t n = 100 * 1024;
    char *big = g_malloc(n + 3);
    memset(big, 'A', n);
    memcpy(big, "227 ", 4);
    big[42] = '\0';                     /* NULs are bytes like any other */
    memcpy(big + n, "\r\n", 3);
    ftplens_reasm_init(&r);
    ftplens_reasm_feed(&r, 1, false, (const uint8_t *)big, (uint32_t)(n + 2), collect, s, NULL);
    assert_int_equal(s->lines->len, 1);
    assert_true(s->truncated[0]);
    assert_int_equal(s->full_len[0], n);
    assert_int_equal(strlen(LINE(s, 0)), 42);
    g_free(big);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

/* The peer acknowledged the missing bytes: they were delivered but not
 * captured, so nothing waits for them. */
static void acknowledged_hole_is_a_gap_at_once(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 1000, "USER a\r\n", s, &res);            /* 1000..1007 */
    ftplens_reasm_peer_ack(&r, 1014);                  /* the server got "PASS x\r\n" too */
    feed(&r, 1014, "SYST\r\n", s, &res);
    assert_false(res.held);
    assert_true(res.gap);
    assert_int_equal(res.gap_bytes, 6);
    assert_int_equal(s->lines->len, 2);
    assert_string_equal(LINE(s, 1), "SYST");
    assert_false(s->partial[1]);
    assert_int_equal(s->end_seq[1], 1020);
    assert_int_equal(U32(s->lengths, 1), 6);           /* in this segment's bytes */
    ftplens_reasm_clear(&r);
    sink_free(s);
}

/* Found through the other side's ACK before this side sends again: the gap is
 * reported (for pairing) without any segment of this side. */
static void acked_unseen_bytes_are_skipped(void **state)
{
    ftplens_reasm r;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    ftplens_reasm_feed(&r, 99, true, NULL, 0, collect, s, NULL);      /* SYN */
    feed(&r, 100, "220 hi\r\n", s, NULL);
    ftplens_reasm_peer_ack(&r, 100 + 8 + 20);
    assert_int_equal(ftplens_reasm_release_acked(&r, collect, s), 0);
    assert_int_equal(ftplens_reasm_skip_acked(&r, collect, s), 20);
    assert_int_equal(s->gaps, 1);
    assert_int_equal(ftplens_reasm_skip_acked(&r, collect, s), 0);    /* once */
    /* A FIN takes one sequence number: its ACK is no gap. */
    ftplens_reasm_fin(&r, 128);
    ftplens_reasm_peer_ack(&r, 129);
    assert_int_equal(ftplens_reasm_skip_acked(&r, collect, s), 0);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

/* A segment held behind a hole that the peer then acknowledges: its lines
 * come out with the owner tag, so the caller shows them in their own frame. */
static void held_segment_released_by_ack_keeps_its_owner(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    int tag;
    (void)state;

    ftplens_reasm_init(&r);
    r.replies = true;
    feed(&r, 0, "150 go\r\n", s, &res);
    feed(&r, 30, "226 done\r\n", s, &res);            /* 8..29 missing, not yet acknowledged */
    assert_true(res.held);
    ftplens_reasm_tag_held(&r, 30, &tag);
    ftplens_reasm_peer_ack(&r, 40);
    assert_int_equal(ftplens_reasm_release_acked(&r, collect, s), 22);
    assert_int_equal(s->lines->len, 2);
    assert_string_equal(LINE(s, 1), "226 done");
    assert_ptr_equal(s->owner[1], &tag);
    assert_int_equal(U32(s->lengths, 1), 10);           /* its bytes in its own frame */
    assert_int_equal(s->gaps, 1);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

/* Numbers far beyond what a side can have sent are wrong or forged: they
 * must not make the real bytes after them look like duplicates. */
static void forged_numbers_are_ignored(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    (void)state;

    ftplens_reasm_init(&r);
    r.replies = true;
    feed(&r, 1000, "220 hi\r\n", s, &res);
    ftplens_reasm_peer_ack(&r, 1008 + 0x3000000);           /* a forged ACK */
    assert_int_equal(ftplens_reasm_skip_acked(&r, collect, s), 0);
    feed(&r, 1008 + 0x30000000, "331 x\r\n", s, &res);      /* a forged segment */
    assert_int_equal(s->lines->len, 1);
    feed(&r, 1008, "230 ok\r\n", s, &res);                 /* the real bytes still count */
    assert_int_equal(s->lines->len, 2);
    assert_string_equal(LINE(s, 1), "230 ok");
    assert_int_equal(s->gaps, 0);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

/* A pure ACK that covers a held segment whole: the hole before it was lost. */
static void held_segment_acknowledged_whole(void **state)
{
    ftplens_reasm r;
    ftplens_reasm_result res;
    sink *s = sink_new();
    int tag;
    (void)state;

    ftplens_reasm_init(&r);
    feed(&r, 0, "USER a\r\n", s, &res);
    feed(&r, 20, "QUIT\r\n", s, &res);                     /* 8..19 missing */
    ftplens_reasm_tag_held(&r, 20, &tag);
    ftplens_reasm_peer_ack(&r, 22);                          /* covers part of it only: may be reordering */
    assert_int_equal(ftplens_reasm_release_covered(&r, collect, s), 0);
    ftplens_reasm_peer_ack(&r, 26);                          /* the whole segment */
    assert_int_equal(ftplens_reasm_release_covered(&r, collect, s), 12);
    assert_string_equal(LINE(s, 1), "QUIT");
    assert_ptr_equal(s->owner[1], &tag);
    ftplens_reasm_clear(&r);
    sink_free(s);
}

static void line_starts(void **state)
{
    (void)state;
    assert_true(ftplens_reasm_line_start(true, (const uint8_t *)"226 ok", 6));
    assert_true(ftplens_reasm_line_start(true, (const uint8_t *)"211-Features", 12));
    assert_false(ftplens_reasm_line_start(true, (const uint8_t *)"ok 226", 6));
    assert_false(ftplens_reasm_line_start(true, (const uint8_t *)"22", 2));
    assert_true(ftplens_reasm_line_start(false, (const uint8_t *)"retr x\r\n", 8));
    assert_true(ftplens_reasm_line_start(false, (const uint8_t *)"PWD\r\n", 5));
    assert_false(ftplens_reasm_line_start(false, (const uint8_t *)"SS word\r\n", 9));  /* tail of PASS */
    assert_false(ftplens_reasm_line_start(false, (const uint8_t *)"TYPEEEEEEEE\r\n", 13));
    assert_false(ftplens_reasm_line_start(false, (const uint8_t *)" x", 2));
    assert_true(ftplens_reasm_line_start(false, (const uint8_t *)"TY", 2));    /* TYPE split over segments */
    assert_false(ftplens_reasm_line_start(false, (const uint8_t *)"QX", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(several_lines_in_one_segment),
        cmocka_unit_test(split_line_is_one_line),
        cmocka_unit_test(duplicates_and_overlaps),
        cmocka_unit_test(wraps_around_2_32),
        cmocka_unit_test(gap_discards_partial_line),
        cmocka_unit_test(out_of_order_segments_are_put_back_in_order),
        cmocka_unit_test(long_line_is_capped),
        cmocka_unit_test(acknowledged_hole_is_a_gap_at_once),
        cmocka_unit_test(acked_unseen_bytes_are_skipped),
        cmocka_unit_test(held_segment_released_by_ack_keeps_its_owner),
        cmocka_unit_test(line_starts),
        cmocka_unit_test(forged_numbers_are_ignored),
        cmocka_unit_test(held_segment_acknowledged_whole),
    };
    return cmocka_run_group_tests_name("reasm", tests, NULL, NULL);
}
