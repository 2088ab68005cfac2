/* Tests for src/rpc/rpc_auth.c: base64, passwords, -rpcauth, the cookie. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qa/unit/unit.h"
#include "src/util/base64.h"
#include "src/rpc/rpc_auth.h"
#include "src/util/alloc.h"

START_TEST(test_base64_rfc4648)
{
    /* RFC 4648 section 10 vectors. */
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    for (size_t i = 0; i < 7; i++) {
        char *e = base64_encode((const unsigned char *)plain[i], strlen(plain[i]));
        ck_assert_str_eq(e, enc[i]);
        mem_free(e);
        size_t len;
        unsigned char *d = base64_decode_alloc(enc[i], &len);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(len, strlen(plain[i]));
        ck_assert_int_eq(memcmp(d, plain[i], len), 0);
        mem_free(d);
    }
}
END_TEST

START_TEST(test_base64_rejects)
{
    static const char *const bad[] = { "Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg=", "Zm=v", "Zg\n==" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len;
        ck_assert_msg(base64_decode_alloc(bad[i], &len) == NULL, "accepted %s", bad[i]);
    }
}
END_TEST

START_TEST(test_equal)
{
    ck_assert(rpc_auth_equal("abc", 3, "abc", 3));
    ck_assert(!rpc_auth_equal("abc", 3, "abd", 3));
    ck_assert(!rpc_auth_equal("abc", 3, "abcd", 4));
    ck_assert(!rpc_auth_equal("abcd", 4, "abc", 3));
    ck_assert(!rpc_auth_equal("abcabc", 6, "abc", 3)); /* the i % blen wrap must not match */
    ck_assert(rpc_auth_equal("", 0, "", 0));
    ck_assert(!rpc_auth_equal("a", 1, "", 0));
    ck_assert(!rpc_auth_equal("", 0, "a", 1));
}
END_TEST

START_TEST(test_password)
{
    struct rpc_auth *a = rpc_auth_new();
    ck_assert(!rpc_auth_check(a, "u:p")); /* nobody */
    rpc_auth_add_password(a, "alice", "secret");
    ck_assert(rpc_auth_check(a, "alice:secret"));
    ck_assert(!rpc_auth_check(a, "alice:secret2"));
    ck_assert(!rpc_auth_check(a, "alice:secre"));
    ck_assert(!rpc_auth_check(a, "bob:secret"));
    ck_assert(!rpc_auth_check(a, "alicesecret"));
    ck_assert(!rpc_auth_check(a, ":secret"));
    /* The password may contain ':' (only the first splits). */
    rpc_auth_add_password(a, "carol", "a:b");
    ck_assert(rpc_auth_check(a, "carol:a:b"));
    rpc_auth_free(a);
    rpc_auth_free(NULL);
}
END_TEST

START_TEST(test_rpcauth)
{
    /* Bitcoin Core's rpc_users.py vector (share/rpcauth output). */
    struct rpc_auth *a = rpc_auth_new();
    ck_assert(rpc_auth_add_rpcauth(
        a, "rt:93648e835a54c573682c2eb19f882535$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144"));
    ck_assert(rpc_auth_check(a, "rt:cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM="));
    ck_assert(!rpc_auth_check(a, "rt:cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM"));
    ck_assert(!rpc_auth_check(a, "rt2:cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM="));
    /* HMAC-SHA256(key "salt", "password") computed independently. */
    ck_assert(rpc_auth_add_rpcauth(
        a, "u:salt$84ec44c7d6fc41917953a1dafca3c7d7856f7a9d0328b991b76f0d36be1224b9"));
    ck_assert(rpc_auth_check(a, "u:password"));
    ck_assert(!rpc_auth_check(a, "u:Password"));
    /* the first entry still works */
    ck_assert(rpc_auth_check(a, "rt:cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM="));
    /* malformed */
    ck_assert(!rpc_auth_add_rpcauth(a, "nocolon"));
    ck_assert(!rpc_auth_add_rpcauth(a, "u:nodollar"));
    ck_assert(!rpc_auth_add_rpcauth(a, "u:s$abcd"));
    ck_assert(!rpc_auth_add_rpcauth(a, "u:s$zz4ec44c7d6fc41917953a1dafca3c7d7856f7a9d0328b991b76f0d36be1224b9"));
    ck_assert(!rpc_auth_add_rpcauth(a, "u:s$x$84ec44c7d6fc41917953a1dafca3c7d7856f7a9d0328b991b76f0d36be1224b9"));
    rpc_auth_free(a);
}
END_TEST

START_TEST(test_header)
{
    struct rpc_auth *a = rpc_auth_new();
    rpc_auth_add_password(a, "__cookie__", "abc");
    char user[64];
    ck_assert(rpc_auth_check_header(a, user, sizeof(user), "Basic X19jb29raWVfXzphYmM="));
    ck_assert_str_eq(user, "__cookie__");
    ck_assert(!rpc_auth_check_header(a, user, sizeof(user), "Basic X19jb29raWVfXzphYmQ="));
    ck_assert(!rpc_auth_check_header(a, user, sizeof(user), "Bearer X19jb29raWVfXzphYmM="));
    ck_assert(!rpc_auth_check_header(a, user, sizeof(user), "Basic !!!!"));
    ck_assert(!rpc_auth_check_header(a, user, sizeof(user), ""));
    /* "__cookie__:abc\0x": an embedded NUL must not authorise */
    char *enc = base64_encode((const unsigned char *)"__cookie__:abc\0x", 16);
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "Basic %s", enc);
    mem_free(enc);
    ck_assert(!rpc_auth_check_header(a, user, sizeof(user), hdr));
    rpc_auth_free(a);
}
END_TEST

START_TEST(test_cookie)
{
    char dir[] = "/tmp/hm_cookie_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/.cookie", dir);
    char pw[65], pw2[65];
    ck_assert(rpc_auth_cookie_write(pw, path));
    ck_assert_uint_eq(strlen(pw), 64);
    for (size_t i = 0; i < 64; i++)
        ck_assert(strchr("0123456789abcdef", pw[i]) != NULL);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 10 + 1 + 64);
    char *up = NULL;
    ck_assert(rpc_auth_cookie_read(&up, path));
    char expect[80];
    snprintf(expect, sizeof(expect), "__cookie__:%s", pw);
    ck_assert_str_eq(up, expect);
    mem_free(up);
    /* a new cookie replaces the old one with a different secret */
    ck_assert(rpc_auth_cookie_write(pw2, path));
    ck_assert_str_ne(pw, pw2);
    rpc_auth_cookie_remove(path);
    ck_assert(access(path, F_OK) != 0);
    ck_assert(!rpc_auth_cookie_read(&up, path));
    ck_assert_ptr_null(up);
    /* unwritable location */
    char bad[160];
    snprintf(bad, sizeof(bad), "%s/missing/dir/.cookie", dir);
    ck_assert(!rpc_auth_cookie_write(pw, bad));
    /* a file without ':' is not a cookie */
    FILE *f = fopen(path, "w");
    fputs("nocolon\n", f);
    fclose(f);
    ck_assert(!rpc_auth_cookie_read(&up, path));
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *rpc_auth_suite(void)
{
    Suite *s = suite_create("rpc_auth");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_base64_rfc4648);
    tcase_add_test(tc, test_base64_rejects);
    tcase_add_test(tc, test_equal);
    tcase_add_test(tc, test_password);
    tcase_add_test(tc, test_rpcauth);
    tcase_add_test(tc, test_header);
    tcase_add_test(tc, test_cookie);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_auth_suite)
