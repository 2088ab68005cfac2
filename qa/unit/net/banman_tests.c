/* Ban manager: subnet bans with expiry, persistence (round trip,
 * corruption), discouragement and the connection gate. */
#include "net/banman.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

#define NOW 1700000000LL

static struct net_addr addr(const char *s)
{
    struct net_addr a;
    ck_assert(net_addr_parse(&a, s, 8333));
    return a;
}

static struct net_subnet subnet(const char *s)
{
    struct net_subnet sn;
    ck_assert(net_subnet_parse(&sn, s));
    return sn;
}

START_TEST(ban_match_expiry_unban)
{
    struct banman *bm = banman_new(NULL, 1, 2, NOW);
    struct net_subnet sn = subnet("10.1.2.0/24");
    ck_assert(banman_ban(bm, &sn, NOW + 100, NOW));
    ck_assert(!banman_ban(bm, &sn, NOW + 200, NOW)); /* already banned */
    struct net_addr in = addr("10.1.2.77:8333"), out = addr("10.1.3.1");
    ck_assert(banman_is_banned(bm, &in, NOW));
    ck_assert(!banman_is_banned(bm, &out, NOW));
    ck_assert(banman_is_subnet_banned(bm, &sn, NOW));
    ck_assert(!banman_is_banned(bm, &in, NOW + 100)); /* expired */
    struct banman_entry *list;
    ck_assert_uint_eq(banman_list(bm, &list, NOW + 50), 1);
    ck_assert_int_eq(list[0].create_time, NOW);
    ck_assert_int_eq(list[0].ban_until, NOW + 100);
    mem_free(list);
    ck_assert_uint_eq(banman_list(bm, &list, NOW + 100), 0); /* swept */
    ck_assert_ptr_null(list);
    struct net_subnet v6 = subnet("2001:db8::/32"), one = subnet("1.2.3.4");
    ck_assert(banman_ban(bm, &v6, NOW + 10, NOW));
    ck_assert(banman_ban(bm, &one, NOW + 10, NOW));
    ck_assert(banman_is_banned(bm, &(struct net_addr){ 0 }, NOW) == false);
    struct net_addr a6 = addr("[2001:db8:1::5]:1");
    ck_assert(banman_is_banned(bm, &a6, NOW));
    struct net_subnet other = subnet("1.2.3.5");
    ck_assert(!banman_unban(bm, &other));
    ck_assert(banman_unban(bm, &one));
    ck_assert(!banman_unban(bm, &one));
    banman_clear(bm);
    ck_assert(!banman_is_banned(bm, &a6, NOW));
    banman_free(bm);
}
END_TEST

START_TEST(discouragement_and_gate)
{
    struct banman *bm = banman_new(NULL, 3, 4, NOW);
    struct net_addr a = addr("8.8.4.4:1000"), b = addr("8.8.4.5:1000"), a_port = addr("8.8.4.4:2000");
    ck_assert(!banman_is_discouraged(bm, &a));
    banman_discourage(bm, &a);
    ck_assert(banman_is_discouraged(bm, &a));
    ck_assert(banman_is_discouraged(bm, &a_port)); /* the host, whatever the port */
    ck_assert(!banman_is_discouraged(bm, &b));
    ck_assert(banman_refuse(bm, &a, true));   /* never connect out to it */
    ck_assert(!banman_refuse(bm, &a, false)); /* inbound allowed (evicted first) */
    struct net_subnet sn = subnet("8.8.4.5/32");
    ck_assert(banman_ban(bm, &sn, (int64_t)time(NULL) + 1000, (int64_t)time(NULL)));
    ck_assert(banman_refuse(bm, &b, false));
    ck_assert(!banman_refuse(NULL, &b, true));
    /* The filter is bounded: after 100,000 more addresses the first is forgotten. */
    for (uint32_t i = 0; i < 100000; i++) {
        struct net_addr x;
        uint8_t ip[4] = { 20, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
        net_addr_set_ipv4(&x, ip, 1);
        banman_discourage(bm, &x);
    }
    ck_assert(!banman_is_discouraged(bm, &a));
    banman_clear(bm);
    banman_free(bm);
}
END_TEST

START_TEST(persistence_round_trip_and_corruption)
{
    char dir[] = "/tmp/hm-banman-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/banlist.dat", dir);
    int64_t now = (int64_t)time(NULL);
    struct banman *bm = banman_new(path, 1, 2, now);
    struct net_subnet s1 = subnet("1.2.3.0/24"), s2 = subnet("2001:db8::/48"), s3 = subnet("5.6.7.8");
    ck_assert(banman_ban(bm, &s1, now + 1000, now));
    ck_assert(banman_ban(bm, &s2, now + 2000, now));
    ck_assert(banman_ban(bm, &s3, now + 3000, now));
    banman_free(bm);
    /* A restart keeps the bans. */
    bm = banman_new(path, 1, 2, now);
    struct banman_entry *list;
    ck_assert_uint_eq(banman_list(bm, &list, now), 3);
    ck_assert(banman_is_subnet_banned(bm, &s2, now));
    ck_assert_int_eq(list[2].ban_until, now + 3000);
    mem_free(list);
    /* Expired entries are dropped on load. */
    banman_free(bm);
    bm = banman_new(path, 1, 2, now + 1500);
    ck_assert_uint_eq(banman_list(bm, &list, now + 1500), 2);
    mem_free(list);
    /* Serialised form round-trips; every damaged byte is detected. */
    struct wbuf w;
    wbuf_init(&w);
    banman_serialize(bm, &w);
    ck_assert(banman_deserialize(bm, w.data, w.len, now));
    ck_assert_uint_eq(banman_list(bm, &list, now), 2);
    mem_free(list);
    for (size_t i = 0; i < w.len; i++) {
        w.data[i] ^= 0x01;
        ck_assert(!banman_deserialize(bm, w.data, w.len, now));
        w.data[i] ^= 0x01;
    }
    ck_assert(!banman_deserialize(bm, w.data, w.len - 1, now));
    ck_assert(!banman_deserialize(bm, (const uint8_t *)"garbage", 7, now));
    /* A corrupted file: ignored with a warning, empty list. */
    banman_free(bm);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 25, SEEK_SET);
    fputc('#', f);
    fclose(f);
    bm = banman_new(path, 1, 2, now);
    ck_assert_uint_eq(banman_list(bm, &list, now), 0);
    banman_free(bm);
    wbuf_clear(&w);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *banman_suite(void)
{
    Suite *s = suite_create("net/banman");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ban_match_expiry_unban);
    tcase_add_test(tc, discouragement_and_gate);
    tcase_add_test(tc, persistence_round_trip_and_corruption);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(banman_suite)
