/* Address manager: bucket placement by network group, table limits, good /
 * select / get_addr, persistence round trip and corruption; the address
 * relay token bucket. */
#include "net/addrman.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/addrrelay.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

#define NOW 1700000000LL

static const uint8_t KEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static struct net_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct net_addr x;
    memset(&x, 0, sizeof(x));
    uint8_t ip[4] = { a, b, c, d };
    net_addr_set_ipv4(&x, ip, port);
    return x;
}

START_TEST(same_group_same_source_one_bucket)
{
    struct addrman *am = addrman_new(KEY, 1);
    struct net_addr src = v4(50, 1, 1, 1, 8333);
    int b0 = addrman_new_bucket(am, &(struct net_addr){ 0 }, &src);
    (void)b0;
    struct net_addr a = v4(60, 7, 0, 1, 8333);
    int first = addrman_new_bucket(am, &a, &src);
    ck_assert_int_ge(first, 0);
    ck_assert_int_lt(first, ADDRMAN_NEW_BUCKET_COUNT);
    /* Every host of 60.7/16 told by the same source lands in the same bucket. */
    for (int i = 0; i < 255; i++) {
        struct net_addr x = v4(60, 7, (uint8_t)i, (uint8_t)(i * 7), (uint16_t)(1000 + i));
        ck_assert_int_eq(addrman_new_bucket(am, &x, &src), first);
    }
    /* ...and the same for sources within one /16. */
    struct net_addr src2 = v4(50, 1, 200, 9, 1);
    ck_assert_int_eq(addrman_new_bucket(am, &a, &src2), first);
    addrman_free(am);
}
END_TEST

START_TEST(one_source_group_reaches_at_most_64_new_buckets)
{
    struct addrman *am = addrman_new(KEY, 1);
    struct net_addr src = v4(50, 1, 1, 1, 8333);
    static bool seen[ADDRMAN_NEW_BUCKET_COUNT];
    memset(seen, 0, sizeof(seen));
    int distinct = 0;
    for (int i = 0; i < 4096; i++) {
        struct net_addr x = v4((uint8_t)(1 + i / 256), (uint8_t)(i % 256), 1, 1, 8333);
        int b = addrman_new_bucket(am, &x, &src);
        if (!seen[b]) {
            seen[b] = true;
            distinct++;
        }
    }
    ck_assert_int_le(distinct, ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP);
    ck_assert_int_gt(distinct, 32); /* but it does spread */
    /* Many source groups reach many more buckets. */
    memset(seen, 0, sizeof(seen));
    distinct = 0;
    for (int i = 0; i < 4096; i++) {
        struct net_addr x = v4((uint8_t)(1 + i / 256), (uint8_t)(i % 256), 1, 1, 8333);
        struct net_addr s = v4(80, (uint8_t)(i % 256), (uint8_t)(i / 256), 1, 8333);
        int b = addrman_new_bucket(am, &x, &s);
        if (!seen[b]) {
            seen[b] = true;
            distinct++;
        }
    }
    ck_assert_int_gt(distinct, 512);
    addrman_free(am);
}
END_TEST

START_TEST(one_group_reaches_at_most_8_tried_buckets)
{
    struct addrman *am = addrman_new(KEY, 1);
    bool seen[ADDRMAN_TRIED_BUCKET_COUNT] = { false };
    int distinct = 0;
    for (int i = 0; i < 2000; i++) {
        struct net_addr x = v4(70, 3, (uint8_t)(i / 256), (uint8_t)(i % 256), (uint16_t)(8000 + i % 7));
        int b = addrman_tried_bucket(am, &x);
        ck_assert_int_lt(b, ADDRMAN_TRIED_BUCKET_COUNT);
        if (!seen[b]) {
            seen[b] = true;
            distinct++;
        }
    }
    ck_assert_int_le(distinct, ADDRMAN_TRIED_BUCKETS_PER_GROUP);
    ck_assert_int_ge(distinct, 4);
    /* A different key places the same address elsewhere (usually). */
    uint8_t k2[32];
    memcpy(k2, KEY, 32);
    k2[0] ^= 0xff;
    struct addrman *am2 = addrman_new(k2, 1);
    int differ = 0;
    for (int i = 0; i < 50; i++) {
        struct net_addr x = v4((uint8_t)(20 + i), 1, 1, 1, 8333);
        struct net_addr s = v4(90, 1, 1, 1, 8333);
        if (addrman_new_bucket(am, &x, &s) != addrman_new_bucket(am2, &x, &s))
            differ++;
    }
    ck_assert_int_gt(differ, 40);
    addrman_free(am2);
    addrman_free(am);
}
END_TEST

START_TEST(add_good_select)
{
    struct addrman *am = addrman_new(KEY, 7);
    struct net_addr src = v4(50, 1, 1, 1, 8333);
    struct net_addr a = v4(60, 1, 2, 3, 8333);
    struct addrman_info info;
    ck_assert(!addrman_select(am, &info, false, 0, NOW)); /* empty */
    ck_assert(addrman_add(am, &a, 1, NOW - 100, &src, 7200, NOW));
    ck_assert(!addrman_add(am, &a, 1, NOW - 100, &src, 7200, NOW)); /* same bucket again */
    ck_assert_uint_eq(addrman_size(am), 1);
    /* Not routable: refused; loopback only when allowed. */
    struct net_addr priv = v4(192, 168, 1, 1, 8333), loop = v4(127, 0, 0, 1, 18444);
    ck_assert(!addrman_add(am, &priv, 1, NOW, &src, 0, NOW));
    ck_assert(!addrman_add(am, &loop, 1, NOW, &src, 0, NOW));
    addrman_set_allow_local(am, true);
    ck_assert(addrman_add(am, &loop, 1, NOW, &loop, 0, NOW));
    ck_assert_uint_eq(addrman_size(am), 2);
    ck_assert(addrman_find(am, &info, &a));
    ck_assert(!info.tried);
    ck_assert_int_eq(info.time, NOW - 100 - 7200); /* penalised */
    ck_assert(addrman_good(am, &a, NOW));
    ck_assert(addrman_find(am, &info, &a));
    ck_assert(info.tried);
    ck_assert_int_eq(info.last_success, NOW);
    size_t nn, nt;
    addrman_counts(am, &nn, &nt);
    ck_assert_uint_eq(nn, 1);
    ck_assert_uint_eq(nt, 1);
    /* select finds both over time; new_only only the new one. */
    bool saw_a = false, saw_loop = false;
    for (int i = 0; i < 200; i++) {
        ck_assert(addrman_select(am, &info, false, 0, NOW + 3600));
        saw_a |= net_addr_eq(&info.addr, &a);
        saw_loop |= net_addr_eq(&info.addr, &loop);
        ck_assert(addrman_select(am, &info, true, 0, NOW + 3600));
        ck_assert(net_addr_eq(&info.addr, &loop));
    }
    ck_assert(saw_a && saw_loop);
    ck_assert(!addrman_select(am, &info, false, NET_ADDR_IPV6, NOW)); /* none of that network */
    /* Absurd claimed times are replaced by "five days ago". */
    struct net_addr f = v4(61, 1, 1, 1, 8333);
    ck_assert(addrman_add(am, &f, 1, NOW + 86400, &src, 0, NOW));
    ck_assert(addrman_find(am, &info, &f));
    ck_assert_int_eq(info.time, NOW - 5 * 86400);
    addrman_free(am);
}
END_TEST

static struct addrman *filled(size_t n)
{
    struct addrman *am = addrman_new(KEY, 3);
    for (size_t i = 0; i < n; i++) {
        struct net_addr x = v4((uint8_t)(1 + i % 200), (uint8_t)(i / 200), (uint8_t)i, 1, 8333);
        struct net_addr s = v4(100, (uint8_t)(i % 250), 1, 1, 8333);
        addrman_add(am, &x, 9, NOW - 3600, &s, 0, NOW);
        if (i % 5 == 0)
            addrman_good(am, &x, NOW);
    }
    return am;
}

START_TEST(get_addr_limits_and_terrible)
{
    struct addrman *am = filled(3000);
    size_t size = addrman_size(am);
    ck_assert_uint_gt(size, 2500);
    struct addrman_info *out;
    size_t n = addrman_get_addr(am, &out, ADDRMAN_GETADDR_MAX, ADDRMAN_GETADDR_MAX_PCT, 0, NOW);
    ck_assert_uint_eq(n, size * 23 / 100 < 1000 ? size * 23 / 100 : 1000);
    for (size_t i = 1; i < n; i++)
        ck_assert(!net_addr_eq(&out[0].addr, &out[i].addr)); /* no duplicates of the first */
    mem_free(out);
    n = addrman_get_addr(am, &out, 10, 0, 0, NOW);
    ck_assert_uint_eq(n, 10);
    mem_free(out);
    /* Entries unheard of for 30 days are terrible and left out. */
    n = addrman_get_addr(am, &out, 0, 0, 0, NOW + 31 * 86400);
    ck_assert_uint_eq(n, 0);
    mem_free(out);
    /* Three failed attempts without a success: terrible too. */
    struct addrman *one = addrman_new(KEY, 1);
    struct net_addr a = v4(60, 1, 2, 3, 8333), src = v4(50, 1, 1, 1, 8333);
    addrman_add(one, &a, 1, NOW, &src, 0, NOW);
    for (int i = 0; i < 3; i++)
        addrman_attempt(one, &a, true, NOW - 1000);
    ck_assert_uint_eq(addrman_get_addr(one, &out, 0, 0, 0, NOW), 0);
    addrman_free(one);
    addrman_free(am);
}
END_TEST

START_TEST(table_is_bounded)
{
    /* One source group can fill at most 64 buckets x 64 slots of "new". */
    struct addrman *am = addrman_new(KEY, 5);
    struct net_addr src = v4(50, 1, 1, 1, 8333);
    for (int i = 0; i < 20000; i++) {
        struct net_addr x = v4((uint8_t)(1 + i % 220), (uint8_t)(i / 220), (uint8_t)(i * 13), 1, 8333);
        addrman_add(am, &x, 1, NOW, &src, 0, NOW);
    }
    ck_assert_uint_le(addrman_size(am), ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP * ADDRMAN_BUCKET_SIZE);
    addrman_free(am);
}
END_TEST

START_TEST(persistence_round_trip_and_corruption)
{
    struct addrman *am = filled(500);
    struct wbuf w;
    wbuf_init(&w);
    addrman_serialize(am, &w);
    uint8_t otherkey[32] = { 0 };
    struct addrman *back = addrman_new(otherkey, 9);
    ck_assert(addrman_deserialize(back, w.data, w.len));
    size_t n1, t1, n2, t2;
    addrman_counts(am, &n1, &t1);
    addrman_counts(back, &n2, &t2);
    ck_assert_uint_eq(n1 + t1, n2 + t2);
    ck_assert_uint_eq(t1, t2); /* same key: same tried slots */
    struct addrman_info *all;
    size_t n = addrman_get_addr(am, &all, 0, 0, 0, NOW);
    for (size_t i = 0; i < n; i++) {
        struct addrman_info x;
        ck_assert(addrman_find(back, &x, &all[i].addr));
        ck_assert_int_eq(x.time, all[i].time);
        ck_assert_uint_eq(x.services, all[i].services);
        ck_assert(x.tried == all[i].tried);
    }
    mem_free(all);
    /* The restored key buckets addresses exactly as before. */
    struct net_addr p = v4(9, 9, 9, 9, 1), s = v4(8, 8, 8, 8, 1);
    ck_assert_int_eq(addrman_new_bucket(back, &p, &s), addrman_new_bucket(am, &p, &s));
    /* Any flipped byte, truncation or version change is refused, leaving it empty. */
    for (size_t i = 0; i < w.len; i += w.len / 37 + 1) {
        w.data[i] ^= 0x20;
        ck_assert(!addrman_deserialize(back, w.data, w.len));
        ck_assert_uint_eq(addrman_size(back), 0);
        w.data[i] ^= 0x20;
    }
    ck_assert(!addrman_deserialize(back, w.data, w.len - 1));
    ck_assert(!addrman_deserialize(back, w.data, 10));
    /* Files: atomic save, load, corrupted file starts empty. */
    char dir[] = "/tmp/hm-addrman-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/peers.dat", dir);
    ck_assert(addrman_load(back, path)); /* missing: fine, empty */
    ck_assert(addrman_save(am, path));
    ck_assert(addrman_load(back, path));
    ck_assert_uint_eq(addrman_size(back), addrman_size(am));
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 50, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    ck_assert(!addrman_load(back, path));
    ck_assert_uint_eq(addrman_size(back), 0);
    unlink(path);
    rmdir(dir);
    wbuf_clear(&w);
    addrman_free(back);
    addrman_free(am);
}
END_TEST

START_TEST(addr_token_bucket_rate_limit)
{
    struct addr_bucket b;
    addr_bucket_init(&b, 0);
    ck_assert(addr_bucket_take(&b)); /* starts with one token */
    ck_assert(!addr_bucket_take(&b));
    addr_bucket_refill(&b, 5 * 1000000LL); /* 0.5 token */
    ck_assert(!addr_bucket_take(&b));
    addr_bucket_refill(&b, 10 * 1000000LL); /* 1.0 */
    ck_assert(addr_bucket_take(&b));
    ck_assert(!addr_bucket_take(&b));
    /* A day later: capped at 1000, so a flood of 5000 passes 1000. */
    addr_bucket_refill(&b, 86400 * 1000000LL);
    int passed = 0;
    for (int i = 0; i < 5000; i++)
        passed += addr_bucket_take(&b);
    ck_assert_int_eq(passed, 1000);
    /* After our getaddr, 1000 more are allowed beyond the cap. */
    addr_bucket_grant(&b, 1000);
    passed = 0;
    for (int i = 0; i < 5000; i++)
        passed += addr_bucket_take(&b);
    ck_assert_int_eq(passed, 1000);
    /* Time going backwards gives nothing. */
    addr_bucket_refill(&b, 0);
    ck_assert(!addr_bucket_take(&b));
}
END_TEST

static Suite *addrman_suite(void)
{
    Suite *s = suite_create("net/addrman");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_group_same_source_one_bucket);
    tcase_add_test(tc, one_source_group_reaches_at_most_64_new_buckets);
    tcase_add_test(tc, one_group_reaches_at_most_8_tried_buckets);
    tcase_add_test(tc, add_good_select);
    tcase_add_test(tc, get_addr_limits_and_terrible);
    tcase_add_test(tc, table_is_bounded);
    tcase_add_test(tc, persistence_round_trip_and_corruption);
    tcase_add_test(tc, addr_token_bucket_rate_limit);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(addrman_suite)
