#include "src/node/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consensus/amount.h"
#include "qa/unit/unit.h"

static char err[1024];

static struct args *parse(int argc, const char *const *argv)
{
    struct args *a = args_new();
    ck_assert_msg(args_parse_argv(a, argc, (char *const *)argv, err, sizeof(err)), "%s", err);
    return a;
}

/* Writes text to a fresh temp file; returns its path in a static buffer. */
static const char *write_conf(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/hm-args-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

START_TEST(test_basic_forms)
{
    const char *argv[] = { "hashmintd", "-datadir=/x", "-txindex", "-nolisten", "--rpcport=1234", "-debug=net",
                           "-debug=rpc", "-server=0", "-nopersistmempool=0" };
    struct args *a = parse(9, argv);
    ck_assert_str_eq(args_get(a, "datadir", ""), "/x");
    ck_assert(args_get_bool(a, "txindex", false));
    ck_assert_str_eq(args_get(a, "txindex", "x"), "");
    ck_assert(!args_get_bool(a, "listen", true));
    ck_assert(args_is_negated(a, "listen"));
    ck_assert_str_eq(args_get(a, "listen", ""), "0");
    ck_assert_str_eq(args_get(a, "rpcport", ""), "1234");
    ck_assert(!args_get_bool(a, "server", true));
    /* -nofoo=0 means foo=1 */
    ck_assert(args_get_bool(a, "persistmempool", false));
    ck_assert(!args_is_set(a, "daemon"));
    ck_assert(!args_get_bool(a, "daemon", false));
    size_t n;
    const char *const *v = args_get_all(a, &n, "debug");
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0], "net");
    ck_assert_str_eq(v[1], "rpc");
    int64_t port;
    ck_assert(args_get_int(a, &port, "rpcport", 0));
    ck_assert_int_eq(port, 1234);
    int64_t dflt;
    ck_assert(args_get_int(a, &dflt, "dbcache", 450));
    ck_assert_int_eq(dflt, 450);
    args_free(a);
}
END_TEST

START_TEST(test_last_value_wins_on_command_line)
{
    const char *argv[] = { "hashmintd", "-rpcport=1", "-rpcport=2", "-dbcache=abc" };
    struct args *a = parse(4, argv);
    ck_assert_str_eq(args_get(a, "rpcport", ""), "2");
    int64_t v;
    ck_assert(!args_get_int(a, &v, "dbcache", 0));
    args_free(a);
}
END_TEST

START_TEST(test_errors)
{
    struct args *a = args_new();
    const char *bad[] = { "hashmintd", "-foo=1" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)bad, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid parameter -foo=1");
    args_free(a);

    a = args_new();
    const char *pos[] = { "hashmintd", "getinfo" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)pos, err, sizeof(err)));
    ck_assert(strstr(err, "unexpected token 'getinfo'") != NULL);
    args_free(a);

    a = args_new();
    const char *inc[] = { "hashmintd", "-includeconf=x.conf" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)inc, err, sizeof(err)));
    ck_assert(strstr(err, "-includeconf cannot be used from commandline") != NULL);
    args_free(a);

    a = args_new();
    const char *nofoo[] = { "hashmintd", "-nofoo" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)nofoo, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid parameter -nofoo");
    args_free(a);
}
END_TEST

START_TEST(test_chain_selection)
{
    const char *name;
    const char *r[] = { "hashmintd", "-regtest" };
    struct args *a = parse(2, r);
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "regtest");
    args_free(a);

    const char *c[] = { "hashmintd", "-chain=bitcoin" };
    a = parse(2, c);
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "bitcoin");
    args_free(a);

    const char *both[] = { "hashmintd", "-regtest", "-testnet" };
    a = parse(3, both);
    ck_assert(!args_select_chain(a, &name, err, sizeof(err)));
    ck_assert(strstr(err, "Invalid combination of -regtest, -testnet and -chain") != NULL);
    args_free(a);

    const char *both2[] = { "hashmintd", "-regtest", "-chain=test" };
    a = parse(3, both2);
    ck_assert(!args_select_chain(a, &name, err, sizeof(err)));
    args_free(a);

    /* -regtest=0 does not count */
    const char *off[] = { "hashmintd", "-regtest=0", "-chain=test" };
    a = parse(3, off);
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "test");
    args_free(a);

    const char *unk[] = { "hashmintd", "-chain=signet" };
    a = parse(2, unk);
    ck_assert(!args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(err, "Unknown chain signet.");
    args_free(a);

    a = args_new();
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "main");
    args_free(a);
}
END_TEST

START_TEST(test_config_sections)
{
    const char *path = write_conf("# a comment\n"
                                  "regtest=1\n"
                                  "rpcuser=top   # trailing comment\n"
                                  "dbcache = 100\n"
                                  "rpcport=1111\n"
                                  "zmqpubhashtx=tcp://a\n"
                                  "main.rpcthreads=9\n"
                                  "unknownthing=5\n"
                                  "\n"
                                  "[regtest]\n"
                                  "rpcuser=reg\n"
                                  "rpcport=2222\n"
                                  "zmqpubhashtx=tcp://b\n"
                                  "[test]\n"
                                  "rpcuser=testuser\n");
    const char *argv[] = { "hashmintd", "-dbcache=200", "-zmqpubhashtx=tcp://c" };
    struct args *a = parse(3, argv);
    ck_assert_msg(args_read_config(a, path, NULL, true, err, sizeof(err)), "%s", err);
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "regtest");
    ck_assert_str_eq(args_get(a, "rpcuser", ""), "reg");     /* section beats top */
    ck_assert_str_eq(args_get(a, "dbcache", ""), "200");     /* command line beats config */
    ck_assert_str_eq(args_get(a, "rpcport", ""), "2222");    /* network-only: top ignored off main anyway */
    ck_assert(!args_is_set(a, "rpcthreads"));                /* main.x does not apply on regtest */
    size_t n;
    const char *const *v = args_get_all(a, &n, "zmqpubhashtx");
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(v[0], "tcp://c");
    ck_assert_str_eq(v[1], "tcp://b");
    ck_assert_str_eq(v[2], "tcp://a");
    args_free(a);
    unlink(path);
}
END_TEST

static void count_warning(const char *msg, void *arg)
{
    if (strstr(msg, "unknownthing"))
        ++*(int *)arg;
}

START_TEST(test_config_network_only_and_warnings)
{
    const char *path = write_conf("rpcport=1111\nrpcuser=u\nunknownthing=5\n[weird]\nx=1\n");
    struct args *a = args_new();
    ck_assert(args_read_config(a, path, NULL, true, err, sizeof(err)));
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "main");
    ck_assert_str_eq(args_get(a, "rpcport", ""), "1111"); /* applies on main */
    int seen = 0;
    args_each_warning(a, count_warning, &seen);
    ck_assert_int_eq(seen, 1);
    args_free(a);

    /* on test, the top-section rpcport (network-only) is ignored, rpcuser is not */
    a = args_new();
    const char *argv[] = { "hashmintd", "-testnet" };
    ck_assert(args_parse_argv(a, 2, (char *const *)argv, err, sizeof(err)));
    ck_assert(args_read_config(a, path, NULL, true, err, sizeof(err)));
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert(!args_is_set(a, "rpcport"));
    ck_assert_str_eq(args_get(a, "rpcuser", ""), "u");
    args_free(a);
    unlink(path);
}
END_TEST

START_TEST(test_config_first_value_and_negation)
{
    const char *path = write_conf("rpcuser=first\nrpcuser=second\nrpcallowip=1.1.1.1\nnorpcallowip=1\n"
                                  "rpcallowip=2.2.2.2\n");
    struct args *a = args_new();
    ck_assert(args_read_config(a, path, NULL, true, err, sizeof(err)));
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(args_get(a, "rpcuser", ""), "first"); /* Core: first value in config files */
    size_t n;
    const char *const *v = args_get_all(a, &n, "rpcallowip");
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0], "2.2.2.2");
    args_free(a);

    /* -norpcallowip on the command line hides the config's values */
    const char *argv[] = { "hashmintd", "-norpcallowip" };
    a = parse(2, argv);
    ck_assert(args_read_config(a, path, NULL, true, err, sizeof(err)));
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    v = args_get_all(a, &n, "rpcallowip");
    ck_assert_uint_eq(n, 0);
    args_free(a);
    unlink(path);
}
END_TEST

START_TEST(test_config_errors)
{
    struct {
        const char *text;
        const char *want;
    } cases[] = {
        { "rpcuser\n", "parse error on line 1: rpcuser" },
        { "\n\nnolisten\n", "parse error on line 3: nolisten, if you intended to specify a negated option, use nolisten=1 instead" },
        { "-rpcuser=x\n", "options in configuration file must be specified without leading -" },
        { "rpcpassword=ab#c\n", "using # in rpcpassword can be ambiguous" },
        { "conf=other.conf\n", "conf cannot be set in the configuration file" },
        { "includeconf=/nonexistent/hm.conf\n", "Failed to include configuration file /nonexistent/hm.conf" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = write_conf(cases[i].text);
        struct args *a = args_new();
        ck_assert(!args_read_config(a, path, NULL, true, err, sizeof(err)));
        ck_assert_msg(strstr(err, cases[i].want) != NULL, "case %zu: %s", i, err);
        args_free(a);
        unlink(path);
    }
    /* a missing optional file is fine, a missing required one is not */
    struct args *a = args_new();
    ck_assert(args_read_config(a, "/nonexistent/hashmint.conf", NULL, false, err, sizeof(err)));
    ck_assert(!args_read_config(a, "/nonexistent/hashmint.conf", NULL, true, err, sizeof(err)));
    ck_assert(strstr(err, "could not be opened") != NULL);
    args_free(a);
}
END_TEST

/* Writes len bytes to a fresh temp file; returns its path in a static buffer. */
static const char *write_conf_bytes(const char *text, size_t len)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/hm-args-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (int)len);
    close(fd);
    return path;
}

/* text made of `prefix`, n filler bytes, then `suffix` (free it). */
static char *long_line(const char *prefix, size_t n, const char *suffix)
{
    size_t pl = strlen(prefix), sl = strlen(suffix);
    char *s = malloc(pl + n + sl + 1);
    memcpy(s, prefix, pl);
    memset(s + pl, 'x', n);
    memcpy(s + pl + n, suffix, sl + 1);
    return s;
}

START_TEST(test_config_long_lines)
{
    /* A comment whose tail starts at byte 4095: with a 4096-byte line
     * buffer the tail was read as a line of its own and set rpcuser. */
    char *text = long_line("#", 4094, "rpcuser=injected\nrpcthreads=3\n");
    const char *path = write_conf(text);
    struct args *a = args_new();
    ck_assert_msg(args_read_config(a, path, NULL, true, err, sizeof(err)), "%s", err);
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(args_get(a, "rpcuser", "unset"), "unset");
    ck_assert_str_eq(args_get(a, "rpcthreads", ""), "3");
    args_free(a);
    unlink(path);
    free(text);

    /* The same over several buffer lengths, with a value, not a comment:
     * the whole value is kept. */
    text = long_line("rpcauth=u:", 300000, "\nrpcthreads=2\n");
    path = write_conf(text);
    a = args_new();
    ck_assert_msg(args_read_config(a, path, NULL, true, err, sizeof(err)), "%s", err);
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    size_t n;
    const char *const *v = args_get_all(a, &n, "rpcauth");
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(strlen(v[0]), 2 + 300000);
    ck_assert_str_eq(args_get(a, "rpcthreads", ""), "2");
    args_free(a);
    unlink(path);
    free(text);

    /* Long comments do not shift the line number of a later error. */
    char *c1 = long_line("# ", 9000, "\n");
    char *c2 = long_line("#", 20000, "\n");
    size_t total = strlen(c1) + strlen(c2) + 64;
    text = malloc(total);
    snprintf(text, total, "%s%snolisten\n", c1, c2);
    path = write_conf(text);
    a = args_new();
    ck_assert(!args_read_config(a, path, NULL, true, err, sizeof(err)));
    ck_assert_msg(strstr(err, "parse error on line 3: nolisten") != NULL, "%s", err);
    args_free(a);
    unlink(path);
    free(text);
    free(c1);
    free(c2);

    /* A line over the cap is a clear error naming its line; one at the cap is fine. */
    c1 = long_line("#", ARGS_MAX_CONFIG_LINE - 1, "\n");
    path = write_conf(c1);
    a = args_new();
    ck_assert_msg(args_read_config(a, path, NULL, true, err, sizeof(err)), "%s", err);
    args_free(a);
    unlink(path);
    free(c1);
    c1 = long_line("rpcthreads=2\n#", ARGS_MAX_CONFIG_LINE, "\n");
    path = write_conf(c1);
    a = args_new();
    ck_assert(!args_read_config(a, path, NULL, true, err, sizeof(err)));
    ck_assert_msg(strstr(err, "parse error on line 2: line longer than 1048576 bytes") != NULL, "%s", err);
    args_free(a);
    unlink(path);
    free(c1);

    /* A NUL byte would cut the line short as a C string: refused. */
    static const char with_nul[] = "rpcthreads=2\nrpcuser=a\0b\n";
    path = write_conf_bytes(with_nul, sizeof(with_nul) - 1);
    a = args_new();
    ck_assert(!args_read_config(a, path, NULL, true, err, sizeof(err)));
    ck_assert_msg(strstr(err, "parse error on line 2: line contains a NUL byte") != NULL, "%s", err);
    args_free(a);
    unlink(path);

    /* The last line without a newline still counts. */
    path = write_conf("rpcthreads=5");
    a = args_new();
    ck_assert_msg(args_read_config(a, path, NULL, true, err, sizeof(err)), "%s", err);
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(args_get(a, "rpcthreads", ""), "5");
    args_free(a);
    unlink(path);
}
END_TEST

START_TEST(test_includeconf)
{
    char dir[] = "/tmp/hm-args-dir-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char inc[128], main_conf[128];
    snprintf(inc, sizeof(inc), "%s/extra.conf", dir);
    snprintf(main_conf, sizeof(main_conf), "%s/hashmint.conf", dir);
    FILE *f = fopen(inc, "w");
    fputs("rpcuser=included\nincludeconf=again.conf\n", f);
    fclose(f);
    f = fopen(main_conf, "w");
    fputs("includeconf=extra.conf\nrpcthreads=3\n", f);
    fclose(f);
    struct args *a = args_new();
    ck_assert_msg(args_read_config(a, main_conf, dir, true, err, sizeof(err)), "%s", err);
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(args_get(a, "rpcuser", ""), "included");
    ck_assert_str_eq(args_get(a, "rpcthreads", ""), "3");
    args_free(a);
    unlink(inc);
    unlink(main_conf);
    rmdir(dir);
}
END_TEST

static void count_any_warning(const char *msg, void *arg)
{
    ck_assert_msg(strstr(msg, "server") != NULL, "%s", msg);
    ++*(int *)arg;
}

/* hashmint-cli's set: its own options, the same parser, precedence and config reading. */
START_TEST(test_cli_options)
{
    const char *path = write_conf("server=1\nrpcuser=top\nrpcport=1111\n[regtest]\nrpcport=2222\nrpcwait=1\n");
    struct args *a = args_new_cli();
    const char *argv[] = { "hashmint-cli", "-regtest", "-rpcuser=cmd", "-named", "-nocolor" };
    ck_assert_msg(args_parse_argv(a, 5, (char *const *)argv, err, sizeof(err)), "%s", err);
    ck_assert(args_read_config(a, path, NULL, true, err, sizeof(err)));
    const char *name;
    ck_assert(args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(name, "regtest");
    ck_assert_str_eq(args_get(a, "rpcuser", ""), "cmd");   /* the command line first */
    ck_assert_str_eq(args_get(a, "rpcport", ""), "2222");  /* the chain's section; the top one is main's */
    ck_assert(args_get_bool(a, "rpcwait", false));
    ck_assert(args_get_bool(a, "named", false));
    ck_assert(args_is_negated(a, "color"));
    ck_assert(!args_is_set(a, "server"));                  /* a node option: ignored with a warning */
    int seen = 0;
    args_each_warning(a, count_any_warning, &seen);
    ck_assert_int_eq(seen, 1);
    args_free(a);
    /* Node options are not the cli's, and the cli's are not the node's. */
    a = args_new_cli();
    const char *bad[] = { "hashmint-cli", "-txindex" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)bad, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid parameter -txindex");
    args_free(a);
    a = args_new();
    const char *bad2[] = { "hashmintd", "-rpcwait" };
    ck_assert(!args_parse_argv(a, 2, (char *const *)bad2, err, sizeof(err)));
    args_free(a);
    /* -regtest and -chain together: one error text for both programs. */
    a = args_new_cli();
    const char *both[] = { "hashmint-cli", "-regtest", "-chain=test" };
    ck_assert(args_parse_argv(a, 3, (char *const *)both, err, sizeof(err)));
    ck_assert(!args_select_chain(a, &name, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid combination of -regtest, -testnet and -chain. Can use at most one.");
    args_free(a);
    unlink(path);
}
END_TEST

START_TEST(test_money)
{
    int64_t v;
    ck_assert(args_parse_money(&v, "0.00001"));
    ck_assert_int_eq(v, 1000);
    ck_assert(args_parse_money(&v, "1"));
    ck_assert_int_eq(v, COIN);
    ck_assert(args_parse_money(&v, ".5"));
    ck_assert_int_eq(v, COIN / 2);
    ck_assert(args_parse_money(&v, "21000000"));
    ck_assert_int_eq(v, MAX_MONEY);
    ck_assert(!args_parse_money(&v, "21000000.00000001"));
    ck_assert(!args_parse_money(&v, "0.000000001"));
    ck_assert(!args_parse_money(&v, "-1"));
    ck_assert(!args_parse_money(&v, "abc"));
    ck_assert(!args_parse_money(&v, ""));
    ck_assert(!args_parse_money(&v, "."));
    ck_assert(!args_parse_money(&v, "99999999999999999999"));
}
END_TEST

START_TEST(test_help_lists_groups_and_options)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    args_print_help(f);
    fclose(f);
    /* Undo the wrapping: a newline plus the 7-space indent becomes one space. */
    char *w = buf;
    for (char *r = buf; *r;) {
        if (!strncmp(r, "\n       ", 8) && r[8] != ' ') {
            *w++ = ' ';
            r += 8;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    static const char *const must[] = {
        "Options:", "Connection options:", "Debugging/Testing options:", "Chain selection options:",
        "Node relay options:", "Block creation options:", "RPC server options:", "ZeroMQ notification options:",
        "  -datadir=<dir>", "  -conf=<file>", "  -chain=<chain>", "  -regtest", "  -testnet", "  -daemon",
        "  -pid=<file>", "  -printtoconsole", "  -debug=<category>", "  -dbcache=<n>", "  -par=<n>",
        "  -loadblock=<file>", "  -reindex", "  -reindex-chainstate", "  -txindex", "  -blocknotify=<cmd>",
        "  -maxmempool=<n>", "  -mempoolexpiry=<n>", "  -minrelaytxfee=<amt>", "  -rpcbind=", "  -rpcallowip=<ip>",
        "  -rpcport=<port>", "  -rpcuser=<user>", "  -rpcpassword=<pw>", "  -rpcauth=<userpw>",
        "  -rpccookiefile=<loc>", "  -rpcthreads=<n>", "  -rpcworkqueue=<n>", "  -rest", "  -server",
        "  -zmqpubhashblock=<address>", "  -zmqpubrawtxhwm=<n>", "  -zmqpubsequence=<address>", "  -listen",
        "  -connect=<ip>", "  -port=<port>", "  -bind=", "  -addnode=<ip>", "  -dnsseed",
        "default: 450)", "(default: 8732, testnet: 18732, regtest: 18743, bitcoin: 8332)",
    };
    for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
        ck_assert_msg(strstr(buf, must[i]) != NULL, "missing from -help: %s", must[i]);
    ck_assert(strstr(buf, "  -h\n") == NULL); /* hidden */
    free(buf);
}
END_TEST

static Suite *args_suite(void)
{
    Suite *s = suite_create("args");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_basic_forms);
    tcase_add_test(tc, test_last_value_wins_on_command_line);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_chain_selection);
    tcase_add_test(tc, test_config_sections);
    tcase_add_test(tc, test_config_network_only_and_warnings);
    tcase_add_test(tc, test_config_first_value_and_negation);
    tcase_add_test(tc, test_config_errors);
    tcase_add_test(tc, test_config_long_lines);
    tcase_add_test(tc, test_includeconf);
    tcase_add_test(tc, test_money);
    tcase_add_test(tc, test_cli_options);
    tcase_add_test(tc, test_help_lists_groups_and_options);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(args_suite)
