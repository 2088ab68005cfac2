#include "consensus/block.h"

#include <stdio.h>
#include <string.h>

#include "consensus/block_check.h"
#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"

/* Reads the whole file into a heap buffer. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert(fseek(f, 0, SEEK_END) == 0);
    long n = ftell(f);
    ck_assert(n > 0);
    rewind(f);
    uint8_t *p = mem_alloc((size_t)n);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

START_TEST(header_round_trip)
{
    /* Bitcoin's genesis header */
    static const char *hex = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e"
                             "67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
    uint8_t raw[80];
    for (int i = 0; i < 80; i++) {
        unsigned v;
        ck_assert(sscanf(hex + 2 * i, "%2x", &v) == 1);
        raw[i] = (uint8_t)v;
    }
    struct rbuf r = rbuf_make(raw, 80);
    struct block_header h;
    ck_assert(block_header_parse(&h, &r));
    ck_assert_uint_eq(r.len, 0);
    ck_assert_int_eq(h.version, 1);
    ck_assert_uint_eq(h.time, 1231006505);
    ck_assert_uint_eq(h.bits, 0x1d00ffff);
    ck_assert_uint_eq(h.nonce, 2083236893);
    uint8_t out[80];
    block_header_serialize_raw(out, &h);
    ck_assert(memcmp(out, raw, 80) == 0);
    struct hash256 hash;
    char s[65];
    block_header_hash(&hash, &h);
    hash256_to_hex(s, &hash);
    ck_assert_str_eq(s, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    /* 79 bytes are not a header; the cursor does not move */
    r = rbuf_make(raw, 79);
    ck_assert(!block_header_parse(&h, &r));
    ck_assert_uint_eq(r.len, 79);
    ck_assert_uint_eq(h.bits, 0);
}
END_TEST

START_TEST(malformed_blocks)
{
    struct block b;
    chain_params_genesis_build(&b, chain_params_get("bitcoin"));
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &b, true);
    block_clear(&b);

    /* trailing data */
    wbuf_u8(&w, 0);
    ck_assert(!block_decode(&b, w.data, w.len, true));
    ck_assert_uint_eq(b.tx_count, 0);
    ck_assert(block_decode(&b, w.data, w.len - 1, true));
    block_clear(&b);
    /* every truncation fails cleanly */
    for (size_t n = 0; n < w.len - 1; n++) {
        ck_assert(!block_decode(&b, w.data, n, true));
        ck_assert_ptr_null(b.txs);
    }
    /* a transaction count no data can back is refused before allocating */
    uint8_t huge[80 + 5 + 30];
    memset(huge, 0, sizeof(huge));
    huge[80] = 0xfe;
    huge[81] = 0xff;
    huge[82] = 0xff;
    huge[83] = 0xff;
    huge[84] = 0x01; /* 0x01ffffff transactions */
    ck_assert(!block_decode(&b, huge, sizeof(huge), true));
    /* a count of 4 with 30 bytes left (at most 3 minimal transactions) */
    huge[80] = 4;
    ck_assert(!block_decode(&b, huge, 81 + 30, true));
    /* zero transactions parse (and fail block_check later) */
    huge[80] = 0;
    ck_assert(block_decode(&b, huge, 81, true));
    ck_assert_uint_eq(b.tx_count, 0);
    ck_assert_uint_eq(block_size(&b, true), 81);
    block_clear(&b);
    wbuf_clear(&w);
}
END_TEST

/* Bitcoin blocks 1..255 in blk-file format validate in sequence from genesis. */
START_TEST(bitcoin_blocks_1_to_255)
{
    const struct chain_params *p = chain_params_get("bitcoin");
    size_t len;
    uint8_t *data = read_file(UNIT_DATA("bitcoin-mainnet/blocks-1-255.dat"), &len);

    struct block genesis;
    chain_params_genesis_build(&genesis, p);
    struct hash256 prev_hash;
    block_hash(&prev_hash, &genesis);

    int64_t times[256];
    times[0] = genesis.header.time;
    struct block_prev_context prev = { .height = 0, .bits = genesis.header.bits, .time = genesis.header.time };
    block_clear(&genesis);

    size_t pos = 0;
    int32_t height = 0;
    uint64_t total_txs = 0;
    while (pos < len) {
        ck_assert(len - pos >= 8);
        ck_assert(memcmp(data + pos, p->magic, 4) == 0);
        uint32_t n = (uint32_t)data[pos + 4] | (uint32_t)data[pos + 5] << 8 | (uint32_t)data[pos + 6] << 16 |
                     (uint32_t)data[pos + 7] << 24;
        pos += 8;
        ck_assert(n <= len - pos);
        const uint8_t *raw = data + pos;
        pos += n;
        height++;

        struct block b;
        ck_assert_msg(block_decode(&b, raw, n, true), "block %d does not parse", height);
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &b, true);
        ck_assert_uint_eq(w.len, n);
        ck_assert_msg(memcmp(w.data, raw, n) == 0, "block %d does not round-trip", height);
        ck_assert_uint_eq(block_size(&b, true), n);
        ck_assert_uint_eq(block_weight(&b), 4 * n);
        wbuf_clear(&w);

        ck_assert_msg(hash256_eq(&b.header.prev_hash, &prev_hash), "block %d does not chain", height);

        /* median time past of the previous block: its time and up to 10 before */
        size_t first = prev.height >= 10 ? (size_t)prev.height - 10 : 0;
        prev.median_time_past = block_median_time_past(times + first, (size_t)prev.height + 1 - first);
        prev.period_first_time = 0; /* no retarget before height 2016 */

        struct val_state st;
        val_state_init(&st);
        ck_assert_msg(block_check(&st, &b, p, true, true), "block %d: %s", height, st.reject);
        ck_assert_msg(block_check_header_contextual(&st, &b.header, &prev, p, 1800000000), "block %d: %s", height,
                      st.reject);
        ck_assert_msg(block_check_contextual(&st, &b, &prev, p), "block %d: %s", height, st.reject);
        ck_assert(val_is_valid(&st));
        total_txs += b.tx_count;

        block_hash(&prev_hash, &b);
        times[height] = b.header.time;
        prev.height = height;
        prev.bits = b.header.bits;
        prev.time = b.header.time;
        if (height == 170)
            ck_assert_uint_eq(b.tx_count, 2); /* the first coin transfer */
        block_clear(&b);
    }
    ck_assert_int_eq(height, 255);
    ck_assert_uint_eq(total_txs, 262); /* 255 coinbases and 7 spends, the first in block 170 */
    char hex[65];
    hash256_to_hex(hex, &prev_hash);
    ck_assert_str_eq(hex, "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c");
    mem_free(data);
}
END_TEST

START_TEST(median_time_past)
{
    int64_t t[11] = { 5, 1, 9, 3, 7, 11, 2, 10, 4, 8, 6 };
    ck_assert_int_eq(block_median_time_past(t, 11), 6);
    ck_assert_int_eq(block_median_time_past(t, 1), 5);
    ck_assert_int_eq(block_median_time_past(t, 2), 5); /* sorted {1,5}: element 1 */
    ck_assert_int_eq(block_median_time_past(t, 4), 5); /* {1,3,5,9}: element 2 */
    ck_assert_int_eq(block_median_time_past(t, 0), 0);
    /* the input is not reordered */
    ck_assert_int_eq(t[0], 5);
}
END_TEST

static Suite *block_suite(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, header_round_trip);
    tcase_add_test(tc, malformed_blocks);
    tcase_add_test(tc, bitcoin_blocks_1_to_255);
    tcase_add_test(tc, median_time_past);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(block_suite)
