#include "net/messages.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static uint8_t *unhex(const char *s, size_t *len)
{
    uint8_t *p = hex_decode_alloc(s, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* The 0.7.2 version message from the Bitcoin protocol documentation (no relay field). */
static const char *SATOSHI_072_VERSION =
    "62ea0000010000000000000011b2d05000000000"
    "010000000000000000000000000000000000ffff000000000000"
    "010000000000000000000000000000000000ffff000000000000"
    "3b2eb35d8ce617650f2f5361746f7368693a302e372e322fc03e0300";

START_TEST(version_known_answer)
{
    size_t len;
    uint8_t *raw = unhex(SATOSHI_072_VERSION, &len);
    struct net_msg_version v;
    ck_assert(net_msg_version_parse(&v, raw, len));
    ck_assert_int_eq(v.version, 60002);
    ck_assert_uint_eq(v.services, 1);
    ck_assert_int_eq(v.timestamp, 0x50d0b211);
    ck_assert_uint_eq(v.recv_addr.network, NET_ADDR_IPV4);
    ck_assert_uint_eq(v.nonce, 0x6517e68c5db32e3bull);
    ck_assert_str_eq(v.user_agent, "/Satoshi:0.7.2/");
    ck_assert_int_eq(v.start_height, 212672);
    ck_assert(v.relay); /* absent: true */
    /* Serialising adds the relay byte; everything else is byte-identical. */
    struct wbuf w;
    wbuf_init(&w);
    net_msg_version_serialize(&w, &v);
    ck_assert_uint_eq(w.len, len + 1);
    ck_assert(memcmp(w.data, raw, len) == 0);
    ck_assert_uint_eq(w.data[len], 1);
    wbuf_clear(&w);
    /* Truncated inside a field: rejected; cut after addr_recv: accepted. */
    ck_assert(!net_msg_version_parse(&v, raw, len - 1));
    ck_assert(net_msg_version_parse(&v, raw, 4 + 8 + 8 + 26));
    ck_assert_uint_eq(v.nonce, 0);
    ck_assert(!net_msg_version_parse(&v, raw, 4 + 8 + 8 + 25));
    mem_free(raw);
}
END_TEST

START_TEST(version_extremes)
{
    int64_t stamps[] = { INT64_MIN, INT64_MAX, 0, -1 };
    for (size_t i = 0; i < 4; i++) {
        struct net_msg_version v, back;
        memset(&v, 0, sizeof(v));
        v.version = 70016;
        v.timestamp = stamps[i];
        v.relay = false;
        v.start_height = -5;
        memset(v.user_agent, 'a', NET_MAX_SUBVERSION_LENGTH);
        struct wbuf w;
        wbuf_init(&w);
        net_msg_version_serialize(&w, &v);
        ck_assert(net_msg_version_parse(&back, w.data, w.len));
        ck_assert_int_eq(back.timestamp, stamps[i]);
        ck_assert(!back.relay);
        ck_assert_int_eq(back.start_height, -5);
        ck_assert_uint_eq(strlen(back.user_agent), NET_MAX_SUBVERSION_LENGTH);
        /* Bytes after the relay flag are ignored, as Core does. */
        wbuf_u8(&w, 7);
        ck_assert(net_msg_version_parse(&back, w.data, w.len));
        wbuf_clear(&w);
    }
    /* A 257-byte user agent is refused. */
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u32le(&w, 70016);
    wbuf_u64le(&w, 9);
    wbuf_u64le(&w, 0);
    uint8_t zeros[26 + 26 + 8 + 300];
    memset(zeros, 0, sizeof(zeros));
    wbuf_put(&w, zeros, 26 + 26 + 8);
    memset(zeros, 'b', sizeof(zeros));
    wbuf_var_bytes(&w, zeros, NET_MAX_SUBVERSION_LENGTH + 1);
    wbuf_u32le(&w, 0);
    struct net_msg_version v;
    ck_assert(!net_msg_version_parse(&v, w.data, w.len));
    wbuf_clear(&w);
}
END_TEST

START_TEST(small_messages)
{
    struct wbuf w;
    wbuf_init(&w);
    net_msg_ping_serialize(&w, 0x0123456789abcdefull);
    uint64_t n;
    ck_assert(net_msg_ping_parse(&n, w.data, w.len));
    ck_assert_uint_eq(n, 0x0123456789abcdefull);
    ck_assert(!net_msg_ping_parse(&n, w.data, 7));
    wbuf_u8(&w, 0);
    ck_assert(!net_msg_ping_parse(&n, w.data, w.len));
    wbuf_clear(&w);

    net_msg_feefilter_serialize(&w, 1000);
    int64_t fee;
    ck_assert(net_msg_feefilter_parse(&fee, w.data, w.len));
    ck_assert_int_eq(fee, 1000);
    ck_assert(!net_msg_feefilter_parse(&fee, w.data, 4));
    wbuf_clear(&w);

    net_msg_sendcmpct_serialize(&w, true, 2);
    bool ann;
    uint64_t ver;
    ck_assert(net_msg_sendcmpct_parse(&ann, &ver, w.data, w.len));
    ck_assert(ann);
    ck_assert_uint_eq(ver, 2);
    ck_assert(!net_msg_sendcmpct_parse(&ann, &ver, w.data, w.len - 1));
    wbuf_clear(&w);

    ck_assert(net_msg_empty_parse(NULL, 0));
    ck_assert(!net_msg_empty_parse((const uint8_t *)"x", 1));
}
END_TEST

START_TEST(getheaders_limits)
{
    struct hash256 loc[NET_MAX_LOCATOR_SZ + 1], stop;
    for (size_t i = 0; i <= NET_MAX_LOCATOR_SZ; i++)
        memset(loc[i].b, (int)i, 32);
    memset(stop.b, 0xee, 32);
    struct wbuf w;
    wbuf_init(&w);
    net_msg_getheaders_serialize(&w, 70016, loc, NET_MAX_LOCATOR_SZ, &stop);
    struct net_msg_getheaders m;
    ck_assert(net_msg_getheaders_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_LOCATOR_SZ);
    ck_assert_uint_eq(m.version, 70016);
    ck_assert(hash256_eq(&m.locator[100], &loc[100]));
    ck_assert(hash256_eq(&m.hash_stop, &stop));
    net_msg_getheaders_clear(&m);
    ck_assert(!net_msg_getheaders_parse(&m, w.data, w.len - 1)); /* missing byte */
    ck_assert_ptr_null(m.locator);
    /* Trailing bytes after hash_stop are ignored, as Core. */
    wbuf_u8(&w, 0);
    wbuf_u32le(&w, 0xdeadbeef);
    ck_assert(net_msg_getheaders_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_LOCATOR_SZ);
    ck_assert(hash256_eq(&m.hash_stop, &stop));
    net_msg_getheaders_clear(&m);
    wbuf_clear(&w);
    net_msg_getheaders_serialize(&w, 70016, loc, NET_MAX_LOCATOR_SZ + 1, &stop);
    ck_assert(!net_msg_getheaders_parse(&m, w.data, w.len)); /* 102 hashes */
    wbuf_clear(&w);
    net_msg_getheaders_serialize(&w, 1, NULL, 0, &stop); /* empty locator is valid */
    ck_assert(net_msg_getheaders_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, 0);
    net_msg_getheaders_clear(&m);
    wbuf_clear(&w);
}
END_TEST

START_TEST(headers_limits)
{
    struct block_header *h = mem_calloc(NET_MAX_HEADERS_RESULTS + 1, sizeof(*h));
    for (size_t i = 0; i <= NET_MAX_HEADERS_RESULTS; i++) {
        h[i].version = 4;
        h[i].nonce = (uint32_t)i;
        h[i].time = 1231006505u;
    }
    struct wbuf w;
    wbuf_init(&w);
    net_msg_headers_serialize(&w, h, NET_MAX_HEADERS_RESULTS);
    ck_assert_uint_eq(w.len, 3 + 81 * NET_MAX_HEADERS_RESULTS);
    struct net_msg_headers m;
    ck_assert(net_msg_headers_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_HEADERS_RESULTS);
    ck_assert_uint_eq(m.headers[1999].nonce, 1999);
    net_msg_headers_clear(&m);
    ck_assert(!net_msg_headers_parse(&m, w.data, w.len - 1));
    /* Trailing bytes after the last header are ignored, as Core. */
    wbuf_u8(&w, 0x77);
    ck_assert(net_msg_headers_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_HEADERS_RESULTS);
    net_msg_headers_clear(&m);
    wbuf_clear(&w);
    /* 2,001 headers: rejected, and the claimed count is visible for the punishment. */
    net_msg_headers_serialize(&w, h, NET_MAX_HEADERS_RESULTS + 1);
    ck_assert(!net_msg_headers_parse(&m, w.data, w.len));
    uint64_t count;
    ck_assert(net_msg_headers_count(&count, w.data, w.len));
    ck_assert_uint_eq(count, NET_MAX_HEADERS_RESULTS + 1);
    wbuf_clear(&w);
    /* A non-zero tx count is read and ignored, as Core. */
    net_msg_headers_serialize(&w, h, 1);
    w.data[w.len - 1] = 5;
    ck_assert(net_msg_headers_parse(&m, w.data, w.len));
    net_msg_headers_clear(&m);
    wbuf_clear(&w);
    /* A claimed count far beyond the bytes present is refused before allocating. */
    static const uint8_t liar[] = { 0xfd, 0xd0, 0x07 };
    ck_assert(!net_msg_headers_parse(&m, liar, sizeof(liar)));
    mem_free(h);
}
END_TEST

START_TEST(inv_limits)
{
    struct net_inv *items = mem_calloc(NET_MAX_INV_SZ + 1, sizeof(*items));
    for (size_t i = 0; i <= NET_MAX_INV_SZ; i++) {
        items[i].type = i % 2 ? NET_MSG_WTX : NET_MSG_WITNESS_BLOCK;
        memcpy(items[i].hash.b, &i, sizeof(i));
    }
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, items, NET_MAX_INV_SZ);
    struct net_msg_inv m;
    ck_assert(net_msg_inv_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_INV_SZ);
    ck_assert_uint_eq(m.items[1].type, NET_MSG_WTX);
    ck_assert_uint_eq(m.items[2].type, NET_MSG_WITNESS_BLOCK);
    ck_assert_uint_eq(NET_MSG_WITNESS_BLOCK, 0x40000002u);
    ck_assert_uint_eq(NET_MSG_WITNESS_TX, 0x40000001u);
    ck_assert(hash256_eq(&m.items[777].hash, &items[777].hash));
    net_msg_inv_clear(&m);
    /* Trailing bytes after the entries are ignored, as Core (a partial 37th byte run included). */
    wbuf_u8(&w, 0);
    ck_assert(net_msg_inv_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_INV_SZ);
    net_msg_inv_clear(&m);
    ck_assert(!net_msg_inv_parse(&m, w.data, 3 + 36 * NET_MAX_INV_SZ - 1)); /* an entry cut short */
    wbuf_clear(&w);
    net_msg_inv_serialize(&w, items, NET_MAX_INV_SZ + 1);
    ck_assert(!net_msg_inv_parse(&m, w.data, w.len));
    uint64_t claimed;
    ck_assert(net_msg_inv_count(&claimed, w.data, w.len));
    ck_assert_uint_eq(claimed, NET_MAX_INV_SZ + 1);
    wbuf_clear(&w);
    static const uint8_t liar[] = { 0xfe, 0x50, 0xc3, 0x00, 0x00 }; /* 50,000 claimed, none present */
    ck_assert(!net_msg_inv_parse(&m, liar, sizeof(liar)));
    ck_assert_ptr_null(m.items);
    mem_free(items);
}
END_TEST

START_TEST(addr_limits)
{
    struct net_addr_entry *e = mem_calloc(NET_MAX_ADDR_TO_SEND + 1, sizeof(*e));
    for (size_t i = 0; i <= NET_MAX_ADDR_TO_SEND; i++) {
        uint8_t ip[4] = { 8, 8, (uint8_t)(i >> 8), (uint8_t)i };
        net_addr_set_ipv4(&e[i].addr, ip, 8333);
        e[i].time = 1700000000u;
        e[i].services = 9;
    }
    struct wbuf w;
    wbuf_init(&w);
    net_msg_addr_serialize(&w, e, NET_MAX_ADDR_TO_SEND);
    struct net_msg_addr m;
    ck_assert(net_msg_addr_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_ADDR_TO_SEND);
    ck_assert(net_addr_eq(&m.items[513].addr, &e[513].addr));
    ck_assert_uint_eq(m.items[513].services, 9);
    net_msg_addr_clear(&m);
    ck_assert(!net_msg_addr_parse(&m, w.data, w.len - 1));
    wbuf_u16le(&w, 0xabcd); /* trailing bytes: ignored, as Core */
    ck_assert(net_msg_addr_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, NET_MAX_ADDR_TO_SEND);
    net_msg_addr_clear(&m);
    wbuf_clear(&w);
    net_msg_addr_serialize(&w, e, NET_MAX_ADDR_TO_SEND + 1);
    ck_assert(!net_msg_addr_parse(&m, w.data, w.len));
    wbuf_clear(&w);

    /* addrv2: IPv4, IPv6, TORv3 round trip; v1 leaves TORv3 out. */
    struct net_addr_entry v2[3];
    memset(v2, 0, sizeof(v2));
    v2[0] = e[1];
    v2[1].addr.network = NET_ADDR_IPV6;
    v2[1].addr.len = 16;
    v2[1].addr.bytes[0] = 0x20;
    v2[1].addr.bytes[1] = 0x01;
    v2[1].addr.port = 18444;
    v2[2].addr.network = NET_ADDR_TORV3;
    v2[2].addr.len = 32;
    memset(v2[2].addr.bytes, 0xab, 32);
    v2[2].services = 1ull << 40; /* CompactSize services */
    net_msg_addrv2_serialize(&w, v2, 3);
    ck_assert(net_msg_addrv2_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert(net_addr_eq(&m.items[i].addr, &v2[i].addr));
    ck_assert_uint_eq(m.items[2].services, 1ull << 40);
    net_msg_addr_clear(&m);
    wbuf_u8(&w, 0); /* trailing byte: ignored, as Core */
    ck_assert(net_msg_addrv2_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, 3);
    net_msg_addr_clear(&m);
    wbuf_clear(&w);
    net_msg_addr_serialize(&w, v2, 3);
    ck_assert(net_msg_addr_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.count, 2);
    net_msg_addr_clear(&m);
    wbuf_clear(&w);

    /* An unknown network is kept as unusable; a known one with a wrong size fails. */
    wbuf_compact(&w, 1);
    wbuf_u32le(&w, 1);
    wbuf_compact(&w, 1);
    wbuf_u8(&w, 42);
    wbuf_var_bytes(&w, (const uint8_t *)"abcde", 5);
    wbuf_u16le(&w, 0);
    ck_assert(net_msg_addrv2_parse(&m, w.data, w.len));
    ck_assert_uint_eq(m.items[0].addr.network, NET_ADDR_UNKNOWN);
    net_msg_addr_clear(&m);
    w.data[1 + 4 + 1] = NET_ADDR_IPV4;
    ck_assert(!net_msg_addrv2_parse(&m, w.data, w.len));
    wbuf_clear(&w);
    /* Address longer than 512 bytes. */
    uint8_t big[513];
    memset(big, 1, sizeof(big));
    wbuf_compact(&w, 1);
    wbuf_u32le(&w, 1);
    wbuf_compact(&w, 1);
    wbuf_u8(&w, 42);
    wbuf_var_bytes(&w, big, sizeof(big));
    wbuf_u16le(&w, 0);
    ck_assert(!net_msg_addrv2_parse(&m, w.data, w.len));
    wbuf_clear(&w);
    /* 1,001 entries. */
    net_msg_addrv2_serialize(&w, e, NET_MAX_ADDR_TO_SEND + 1);
    ck_assert(!net_msg_addrv2_parse(&m, w.data, w.len));
    wbuf_clear(&w);
    mem_free(e);
}
END_TEST

/* Bitcoin block 170's spend (see consensus/tx_tests.c). */
static const char *BLOCK170_SPEND =
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402204e45e16932b8"
    "af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082"
    "221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa"
    "28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a"
    "016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f65"
    "6b412a3ac00000000";

START_TEST(tx_and_block)
{
    size_t len;
    uint8_t *raw = unhex(BLOCK170_SPEND, &len);
    struct tx tx;
    ck_assert(net_msg_tx_parse(&tx, raw, len));
    struct wbuf w;
    wbuf_init(&w);
    net_msg_tx_serialize(&w, &tx);
    ck_assert_uint_eq(w.len, len);
    ck_assert(memcmp(w.data, raw, len) == 0);
    wbuf_clear(&w);
    struct block b;
    block_init(&b);
    b.header.version = 1;
    block_add_tx(&b, &tx);
    tx_clear(&tx);
    ck_assert(!net_msg_tx_parse(&tx, raw, len - 1));
    mem_free(raw);

    net_msg_block_serialize(&w, &b);
    struct block back;
    ck_assert(net_msg_block_parse(&back, NULL, w.data, w.len));
    ck_assert_uint_eq(back.tx_count, 1);
    block_clear(&back);
    wbuf_u8(&w, 0);
    bool noncanonical = true;
    ck_assert(!net_msg_block_parse(&back, &noncanonical, w.data, w.len)); /* trailing byte */
    ck_assert(!noncanonical);
    wbuf_clear(&w);
    /* The tx count written as 0xfd 0x01 0x00 (fits one byte): Core's "non-canonical ReadCompactSize()". */
    net_msg_block_serialize(&w, &b);
    struct wbuf nc;
    wbuf_init(&nc);
    wbuf_put(&nc, w.data, 80);
    wbuf_u8(&nc, 0xfd);
    wbuf_u16le(&nc, 1);
    wbuf_put(&nc, w.data + 81, w.len - 81);
    ck_assert(!net_msg_block_parse(&back, &noncanonical, nc.data, nc.len));
    ck_assert(noncanonical);
    /* ... and inside a transaction (its input count). */
    wbuf_clear(&nc);
    wbuf_put(&nc, w.data, 81 + 4);
    wbuf_u8(&nc, 0xfd);
    wbuf_u16le(&nc, 1);
    wbuf_put(&nc, w.data + 81 + 5, w.len - 81 - 5);
    ck_assert(!net_msg_block_parse(&back, &noncanonical, nc.data, nc.len));
    ck_assert(noncanonical);
    /* A truncated block is malformed, not non-canonical. */
    ck_assert(!net_msg_block_parse(&back, &noncanonical, w.data, w.len - 3));
    ck_assert(!noncanonical);
    wbuf_clear(&nc);
    wbuf_clear(&w);
    block_clear(&b);
}
END_TEST

static Suite *messages_suite(void)
{
    Suite *s = suite_create("net/messages");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, version_known_answer);
    tcase_add_test(tc, version_extremes);
    tcase_add_test(tc, small_messages);
    tcase_add_test(tc, getheaders_limits);
    tcase_add_test(tc, headers_limits);
    tcase_add_test(tc, inv_limits);
    tcase_add_test(tc, addr_limits);
    tcase_add_test(tc, tx_and_block);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(messages_suite)
