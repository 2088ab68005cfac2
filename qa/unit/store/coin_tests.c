#include "issuance/state_serialize.h"
#include "src/store/coin.h"

#include <stdio.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/store/compress.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static uint8_t *unhex(const char *s, size_t *len)
{
    uint8_t *p = hex_decode_alloc(s, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void check_p2pkh(const struct coin *c, const char *hash_hex)
{
    char want[64];
    snprintf(want, sizeof(want), "76a914%s88ac", hash_hex);
    size_t len;
    uint8_t *s = unhex(want, &len);
    ck_assert_uint_eq(c->out.script_pubkey.len, len);
    ck_assert(memcmp(c->out.script_pubkey.data, s, len) == 0);
    mem_free(s);
}

static void assert_reserializes(const struct coin *c, const uint8_t *raw, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
    coin_serialize(&w, c);
    ck_assert_uint_eq(w.len, len);
    ck_assert(memcmp(w.data, raw, len) == 0);
    wbuf_clear(&w);
}

/* Core's coins_tests ccoins_serialization vectors. */
START_TEST(core_coin_vectors)
{
    size_t len;
    uint8_t *raw = unhex("97f23c835800816115944e077fe7c803cfa57f29b36bf87c1d35", &len);
    struct coin c;
    ck_assert(coin_decode(&c, raw, len));
    ck_assert(!c.coinbase);
    ck_assert_uint_eq(c.height, 203998);
    ck_assert_int_eq(c.out.value, INT64_C(60000000000));
    check_p2pkh(&c, "816115944e077fe7c803cfa57f29b36bf87c1d35");
    assert_reserializes(&c, raw, len);
    coin_clear(&c);
    mem_free(raw);

    raw = unhex("8ddf77bbd123008c988f1a4a4de2161e0f50aac7f17e7f9555caa4", &len);
    ck_assert(coin_decode(&c, raw, len));
    ck_assert(c.coinbase);
    ck_assert_uint_eq(c.height, 120891);
    ck_assert_int_eq(c.out.value, 110397);
    check_p2pkh(&c, "8c988f1a4a4de2161e0f50aac7f17e7f9555caa4");
    assert_reserializes(&c, raw, len);
    coin_clear(&c);
    mem_free(raw);

    /* Smallest possible coin. */
    raw = unhex("000006", &len);
    ck_assert(coin_decode(&c, raw, len));
    ck_assert(!c.coinbase);
    ck_assert_uint_eq(c.height, 0);
    ck_assert_int_eq(c.out.value, 0);
    ck_assert_uint_eq(c.out.script_pubkey.len, 0);
    coin_clear(&c);
    mem_free(raw);

    /* Script running past the end; very large script past the end. */
    raw = unhex("000007", &len);
    ck_assert(!coin_decode(&c, raw, len));
    mem_free(raw);
    raw = unhex("00008a95c0bb00", &len);
    ck_assert(!coin_decode(&c, raw, len));
    mem_free(raw);
    /* Trailing byte. */
    raw = unhex("00000600", &len);
    ck_assert(!coin_decode(&c, raw, len));
    ck_assert_uint_eq(c.out.script_pubkey.len, 0);
    mem_free(raw);
}
END_TEST

START_TEST(coin_height_limits)
{
    struct coin c, back;
    coin_init(&c);
    c.height = 0x7fffffff;
    c.coinbase = true;
    c.out.value = 5000000000;
    struct wbuf w;
    wbuf_init(&w);
    coin_serialize(&w, &c);
    ck_assert(coin_decode(&back, w.data, w.len));
    ck_assert_uint_eq(back.height, 0x7fffffff);
    ck_assert(back.coinbase);
    coin_clear(&back);
    wbuf_clear(&w);
    /* A code above 32 bits is rejected. */
    wbuf_init(&w);
    varint_write(&w, UINT64_C(0x100000000));
    wbuf_u8(&w, 0);
    wbuf_u8(&w, 6);
    ck_assert(!coin_decode(&back, w.data, w.len));
    wbuf_clear(&w);
}
END_TEST

START_TEST(coin_copy_is_deep)
{
    struct coin a, b;
    coin_init(&a);
    static const uint8_t s[] = {0x51};
    bytes_set(&a.out.script_pubkey, s, 1);
    a.out.value = 7;
    a.height = 9;
    coin_copy(&b, &a);
    coin_clear(&a);
    ck_assert_uint_eq(b.out.script_pubkey.len, 1);
    ck_assert_uint_eq(b.out.script_pubkey.data[0], 0x51);
    ck_assert_int_eq(b.out.value, 7);
    ck_assert_uint_eq(b.height, 9);
    coin_clear(&b);
}
END_TEST

START_TEST(block_undo_round_trip)
{
    struct block_undo u;
    block_undo_init(&u);
    struct tx_undo *t = block_undo_add_tx(&u, 2);
    t->prevout[0].height = 0; /* height 0: no version byte */
    t->prevout[0].out.value = 1;
    t->prevout[1].height = 170;
    t->prevout[1].coinbase = true;
    t->prevout[1].out.value = 5000000000;
    static const uint8_t p2sh[] = {0xa9, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0x87};
    bytes_set(&t->prevout[1].out.script_pubkey, p2sh, sizeof(p2sh));
    block_undo_add_tx(&u, 0);
    struct wbuf w;
    wbuf_init(&w);
    block_undo_serialize(&w, &u);
    /* 02 | 02 | 00 01 06 | VARINT(341) 00 VARINT(cmp(50 BTC)) 01+hash | 00 */
    ck_assert_uint_eq(w.data[0], 2);
    ck_assert_uint_eq(w.data[1], 2);
    ck_assert_uint_eq(w.data[2], 0x00);
    ck_assert_uint_eq(w.data[3], 0x01);
    ck_assert_uint_eq(w.data[4], 0x06);
    ck_assert_uint_eq(w.data[5], 0x81); /* 341 = VARINT 81 55 */
    ck_assert_uint_eq(w.data[6], 0x55);
    ck_assert_uint_eq(w.data[7], 0x00); /* version dummy */
    ck_assert_uint_eq(w.data[8], 0x32); /* compressed 50 coins */
    ck_assert_uint_eq(w.data[9], 0x01);
    ck_assert_uint_eq(w.data[w.len - 1], 0x00);

    struct block_undo back;
    ck_assert(block_undo_decode(&back, w.data, w.len));
    ck_assert_uint_eq(back.count, 2);
    ck_assert_uint_eq(back.txs[0].count, 2);
    ck_assert_uint_eq(back.txs[1].count, 0);
    ck_assert_uint_eq(back.txs[0].prevout[1].height, 170);
    ck_assert(back.txs[0].prevout[1].coinbase);
    ck_assert_int_eq(back.txs[0].prevout[1].out.value, 5000000000);
    ck_assert_uint_eq(back.txs[0].prevout[1].out.script_pubkey.len, sizeof(p2sh));
    ck_assert(memcmp(back.txs[0].prevout[1].out.script_pubkey.data, p2sh, sizeof(p2sh)) == 0);
    block_undo_clear(&back);

    /* Every truncation and a trailing byte fail cleanly. */
    for (size_t k = 0; k < w.len; k++)
        ck_assert(!block_undo_decode(&back, w.data, k));
    wbuf_u8(&w, 0);
    ck_assert(!block_undo_decode(&back, w.data, w.len));
    ck_assert_uint_eq(back.count, 0);
    wbuf_clear(&w);
    block_undo_clear(&u);

    /* A huge claimed count is refused before allocating. */
    static const uint8_t lie[] = {0xfe, 0xff, 0xff, 0xff, 0x01, 0x00};
    ck_assert(!block_undo_decode(&back, lie, sizeof(lie)));
    static const uint8_t empty[] = {0x00};
    ck_assert(block_undo_decode(&back, empty, 1));
    ck_assert_uint_eq(back.count, 0);
    block_undo_clear(&back);
}
END_TEST

/* A hashmint rev record: CBlockUndo, then the block's issuance undo record. */
START_TEST(undo_record_with_issuance)
{
    struct block_undo u;
    block_undo_init(&u);
    struct tx_undo *t = block_undo_add_tx(&u, 1);
    t->prevout[0].height = 7;
    t->prevout[0].out.value = 123;
    struct issuance_undo iu;
    issuance_undo_init(&iu);
    iu.count = 1;
    iu.entry[0].asset = 0;
    memset(iu.entry[0].prev.asset_id, 0xaa, 32);
    iu.entry[0].prev.supply = 5;
    iu.entry[0].prev.price = 9;
    iu.entry[0].prev.window_base = 9;
    struct wbuf w;
    wbuf_init(&w);
    block_undo_serialize(&w, &u);
    size_t coins_len = w.len;
    issuance_undo_serialize(&w, &iu);

    struct block_undo back;
    struct issuance_undo iback;
    ck_assert(block_undo_record_decode(&back, &iback, w.data, w.len));
    ck_assert_uint_eq(back.count, 1);
    ck_assert_uint_eq(back.txs[0].prevout[0].height, 7);
    ck_assert_uint_eq(iback.count, 1);
    ck_assert_uint_eq(iback.entry[0].prev.supply, 5);
    block_undo_clear(&back);
    /* The bitcoin profile's reader refuses the trailer; hashmint's needs it. */
    ck_assert(!block_undo_record_decode(&back, NULL, w.data, w.len));
    ck_assert(!block_undo_record_decode(&back, &iback, w.data, coins_len));
    ck_assert_uint_eq(iback.count, 0);
    ck_assert(block_undo_record_decode(&back, NULL, w.data, coins_len));
    block_undo_clear(&back);
    /* Every truncation of the trailer, and a trailing byte, fail cleanly. */
    for (size_t k = coins_len; k < w.len; k++)
        ck_assert(!block_undo_record_decode(&back, &iback, w.data, k));
    wbuf_u8(&w, 0);
    ck_assert(!block_undo_record_decode(&back, &iback, w.data, w.len));
    wbuf_clear(&w);
    block_undo_clear(&u);
}
END_TEST

static Suite *coin_suite(void)
{
    Suite *s = suite_create("store_coin");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, core_coin_vectors);
    tcase_add_test(tc, coin_height_limits);
    tcase_add_test(tc, coin_copy_is_deep);
    tcase_add_test(tc, block_undo_round_trip);
    tcase_add_test(tc, undo_record_with_issuance);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(coin_suite)
