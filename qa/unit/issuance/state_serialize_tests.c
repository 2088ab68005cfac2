/* Byte formats of the state and the undo record (issuance/state_serialize.c). */
#include "issuance/state_serialize.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/breaker.h"
#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"

static struct tu_chain C;

/* A state with marks in the window and a tripped breaker. */
static void setup(void)
{
    tu_chain_init(&C);
    struct outpoint op;
    memset(&op, 0x42, sizeof(op));
    ck_assert(issuance_breaker_record(&C.state.asset[0], &C.assets[0], &op, TU_PRICE * 2, TU_HEIGHT + 1));
    ck_assert(issuance_breaker_record(&C.state.asset[0], &C.assets[0], &op, TU_PRICE, TU_HEIGHT + 1));
    ck_assert(issuance_breaker_record(&C.state.asset[0], &C.assets[0], &op, TU_PRICE + 7, TU_HEIGHT + 3));
    C.state.asset[1].issuer_flags = 0x81;
    C.state.asset[1].supply = TOKEN_AMOUNT_MAX;
}

static void encode_state(uint8_t **p, size_t *len)
{
    tu_state_bytes(p, len, &C.state);
}

START_TEST(state_round_trip)
{
    uint8_t *p;
    size_t len;
    encode_state(&p, &len);
    struct issuance_state s;
    ck_assert(issuance_state_decode(&s, p, len));
    tu_state_eq(&s, &C.state);
    ck_assert_uint_eq(s.asset[0].window_count, 2);
    /* tripped at +1 (a 50 % drop) and again at +3 (still 50 % under the high) */
    ck_assert_int_eq(s.asset[0].breaker_until, TU_HEIGHT + 3 + 60);
    ck_assert_uint_eq(s.asset[1].issuer_flags, 0x81);
    ck_assert_uint_eq(s.asset[1].supply, TOKEN_AMOUNT_MAX);
    /* fixed part: 32 + 8 + 36 + 8 + 4 + 36 + 1 + 4 + 8 = 137, count, 20 per mark */
    ck_assert_uint_eq(len, 1 + 1 + (137 + 1 + 2 * 20) + (137 + 1));
    mem_free(p);
}
END_TEST

START_TEST(state_truncated_or_extended)
{
    uint8_t *p;
    size_t len;
    encode_state(&p, &len);
    struct issuance_state s;
    for (size_t n = 0; n < len; n++)
        ck_assert_msg(!issuance_state_decode(&s, p, n), "accepted %zu of %zu bytes", n, len);
    uint8_t *q = mem_alloc(len + 1);
    memcpy(q, p, len);
    q[len] = 0;
    ck_assert(!issuance_state_decode(&s, q, len + 1));
    struct issuance_state zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&s, &zero, sizeof(s)) == 0);
    mem_free(q);
    mem_free(p);
}
END_TEST

/* Encodes the fixture after `edit`, and expects decoding to fail. */
static void expect_refused(void (*edit)(struct issuance_state *))
{
    struct issuance_state saved = C.state;
    edit(&C.state);
    uint8_t *p;
    size_t len;
    encode_state(&p, &len);
    struct issuance_state s;
    ck_assert(!issuance_state_decode(&s, p, len));
    mem_free(p);
    C.state = saved;
}

static void supply_too_large(struct issuance_state *s) { s->asset[1].supply = TOKEN_AMOUNT_MAX + 1; }
static void price_zero(struct issuance_state *s) { s->asset[1].price = 0; s->asset[1].window_base = 0; }
static void negative_height(struct issuance_state *s) { s->asset[1].price_height = -1; }
static void negative_breaker(struct issuance_state *s) { s->asset[1].breaker_until = -5; }
static void marks_unordered(struct issuance_state *s) { s->asset[0].window[0].height = TU_HEIGHT + 3; }
static void mark_last_above_high(struct issuance_state *s) { s->asset[0].window[1].high = TU_PRICE; }
static void mark_last_zero(struct issuance_state *s) { s->asset[0].window[0].last = 0; }
static void window_not_at_price(struct issuance_state *s) { s->asset[0].price += 1; }
static void window_not_at_price_height(struct issuance_state *s) { s->asset[0].price_height += 1; }
static void empty_window_base(struct issuance_state *s) { s->asset[1].window_base += 1; }
static void zero_base(struct issuance_state *s) { s->asset[0].window_base = 0; }

START_TEST(state_ranges)
{
    expect_refused(supply_too_large);
    expect_refused(price_zero);
    expect_refused(negative_height);
    expect_refused(negative_breaker);
    expect_refused(marks_unordered);
    expect_refused(mark_last_above_high);
    expect_refused(mark_last_zero);
    expect_refused(window_not_at_price);
    expect_refused(window_not_at_price_height);
    expect_refused(empty_window_base);
    expect_refused(zero_base);
}
END_TEST

START_TEST(state_counts)
{
    uint8_t *p;
    size_t len;
    encode_state(&p, &len);
    struct issuance_state s;
    p[0] = ISSUANCE_STATE_VERSION + 1;
    ck_assert(!issuance_state_decode(&s, p, len));
    p[0] = ISSUANCE_STATE_VERSION;
    p[1] = ISSUANCE_MAX_ASSETS + 1; /* more assets than the state holds */
    ck_assert(!issuance_state_decode(&s, p, len));
    p[1] = 2;
    /* asset 0's window count (after its 137 fixed bytes) above the maximum */
    ck_assert_uint_eq(p[2 + 137], 2);
    p[2 + 137] = 0xfd; /* a 3-byte CompactSize claiming 0x?? marks */
    ck_assert(!issuance_state_decode(&s, p, len));
    mem_free(p);
    /* An empty state (a chain without assets) is fine. */
    static const uint8_t empty[2] = { ISSUANCE_STATE_VERSION, 0 };
    ck_assert(issuance_state_decode(&s, empty, sizeof(empty)));
    ck_assert_uint_eq(s.count, 0);
    /* The largest window round-trips. */
    struct issuance_asset_state *a = &C.state.asset[1];
    C.assets[1].breaker_window = ISSUANCE_WINDOW_MAX;
    struct outpoint op;
    memset(&op, 1, sizeof(op));
    for (int32_t h = 0; h < ISSUANCE_WINDOW_MAX; h++)
        ck_assert(issuance_breaker_record(a, &C.assets[1], &op, 1000 + (uint64_t)h, TU_HEIGHT + 10 + h));
    ck_assert_uint_eq(a->window_count, ISSUANCE_WINDOW_MAX);
    encode_state(&p, &len);
    ck_assert(issuance_state_decode(&s, p, len));
    tu_state_eq(&s, &C.state);
    mem_free(p);
}
END_TEST

static void encode_undo(uint8_t **p, size_t *len, const struct issuance_undo *u)
{
    struct wbuf w;
    wbuf_init(&w);
    issuance_undo_serialize(&w, u);
    *p = wbuf_detach(&w, len);
}

START_TEST(undo_round_trip)
{
    struct issuance_undo u, v;
    issuance_undo_init(&u);
    uint8_t *p;
    size_t len;
    encode_undo(&p, &len, &u);
    ck_assert_uint_eq(len, 2);
    ck_assert(issuance_undo_decode(&v, p, len));
    ck_assert_uint_eq(v.count, 0);
    mem_free(p);

    u.count = 2;
    u.entry[0].asset = 0;
    u.entry[0].prev = C.state.asset[0];
    u.entry[1].asset = 1;
    u.entry[1].prev = C.state.asset[1];
    encode_undo(&p, &len, &u);
    ck_assert(issuance_undo_decode(&v, p, len));
    ck_assert_uint_eq(v.count, 2);
    /* equal by their encodings */
    uint8_t *q;
    size_t qlen;
    encode_undo(&q, &qlen, &v);
    ck_assert_uint_eq(qlen, len);
    ck_assert(memcmp(p, q, len) == 0);
    mem_free(q);
    for (size_t n = 0; n < len; n++)
        ck_assert(!issuance_undo_decode(&v, p, n));
    uint8_t *x = mem_alloc(len + 1);
    memcpy(x, p, len);
    x[len] = 7;
    ck_assert(!issuance_undo_decode(&v, x, len + 1));
    mem_free(x);
    mem_free(p);

    /* indices must ascend strictly and stay below ISSUANCE_MAX_ASSETS */
    u.entry[1].asset = 0;
    encode_undo(&p, &len, &u);
    ck_assert(!issuance_undo_decode(&v, p, len));
    mem_free(p);
    u.count = 1;
    u.entry[0].asset = ISSUANCE_MAX_ASSETS;
    encode_undo(&p, &len, &u);
    ck_assert(!issuance_undo_decode(&v, p, len));
    mem_free(p);
}
END_TEST

START_TEST(asset_state_parse_leaves_zero)
{
    struct wbuf w;
    wbuf_init(&w);
    issuance_asset_state_serialize(&w, &C.state.asset[0]);
    struct rbuf r = rbuf_make(w.data, w.len - 1);
    struct issuance_asset_state a;
    ck_assert(!issuance_asset_state_parse(&a, &r));
    struct issuance_asset_state zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&a, &zero, sizeof(a)) == 0);
    r = rbuf_make(w.data, w.len);
    ck_assert(issuance_asset_state_parse(&a, &r));
    ck_assert_uint_eq(r.len, 0);
    wbuf_clear(&w);
}
END_TEST

static Suite *state_serialize_suite(void)
{
    Suite *s = suite_create("issuance_state_serialize");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, state_round_trip);
    tcase_add_test(tc, state_truncated_or_extended);
    tcase_add_test(tc, state_ranges);
    tcase_add_test(tc, state_counts);
    tcase_add_test(tc, undo_round_trip);
    tcase_add_test(tc, asset_state_parse_leaves_zero);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(state_serialize_suite)
