#include "src/stratum/allow.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "qa/unit/unit.h"

static bool match(const struct stratum_allow *a, const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1)
        in4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1)
        in6->sin6_family = AF_INET6;
    else
        ck_abort_msg("bad test address %s", ip);
    return stratum_allow_match(a, (struct sockaddr *)&ss);
}

START_TEST(loopback_only_by_default)
{
    struct stratum_allow a;
    char err[128];
    ck_assert(stratum_allow_init(&a, NULL, 0, err, sizeof(err)));
    ck_assert(match(&a, "127.0.0.1"));
    ck_assert(match(&a, "127.8.9.10"));
    ck_assert(match(&a, "::1"));
    ck_assert(match(&a, "::ffff:127.0.0.1"));
    ck_assert(!match(&a, "192.168.1.5"));
    ck_assert(!match(&a, "10.0.0.1"));
    ck_assert(!match(&a, "2001:db8::1"));
    stratum_allow_clear(&a);
}
END_TEST

START_TEST(subnets)
{
    const char *nets[] = { "192.168.1.0/24", "10.1.2.3", "172.16.0.0/255.240.0.0", "2001:db8::/32" };
    struct stratum_allow a;
    char err[128];
    ck_assert(stratum_allow_init(&a, nets, 4, err, sizeof(err)));
    ck_assert(match(&a, "192.168.1.5"));
    ck_assert(match(&a, "192.168.1.255"));
    ck_assert(!match(&a, "192.168.2.5"));
    ck_assert(match(&a, "10.1.2.3"));
    ck_assert(!match(&a, "10.1.2.4"));
    ck_assert(match(&a, "172.31.255.1"));
    ck_assert(!match(&a, "172.32.0.1"));
    ck_assert(match(&a, "2001:db8:1::7"));
    ck_assert(!match(&a, "2001:db9::7"));
    ck_assert(match(&a, "::ffff:192.168.1.9")); /* IPv4-mapped: judged as IPv4 */
    stratum_allow_clear(&a);
    const char *odd[] = { "192.168.1.0/20" }; /* host bits are ignored */
    ck_assert(stratum_allow_init(&a, odd, 1, err, sizeof(err)));
    ck_assert(match(&a, "192.168.15.1"));
    ck_assert(!match(&a, "192.168.16.1"));
    stratum_allow_clear(&a);
}
END_TEST

START_TEST(bad_subnets)
{
    const char *bad[] = { "", "300.1.1.1", "1.2.3.4/33", "1.2.3.4/-1", "::1/129", "host.example", "1.2.3.4/x",
                          "1.2.3.4/" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct stratum_allow a;
        char err[128];
        ck_assert_msg(!stratum_allow_init(&a, &bad[i], 1, err, sizeof(err)), "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "-stratumallowip"));
        ck_assert_uint_eq(a.n, 0);
    }
}
END_TEST

static Suite *allow_suite(void)
{
    Suite *s = suite_create("stratum_allow");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, loopback_only_by_default);
    tcase_add_test(tc, subnets);
    tcase_add_test(tc, bad_subnets);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(allow_suite)
