#include "src/node/init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qa/unit/unit.h"

START_TEST(test_blocknotify_format)
{
    char out[128];
    ck_assert(node_blocknotify_format(out, sizeof(out), "echo %s >> /tmp/x", "00ab"));
    ck_assert_str_eq(out, "echo 00ab >> /tmp/x");
    ck_assert(node_blocknotify_format(out, sizeof(out), "a %s b %s", "h"));
    ck_assert_str_eq(out, "a h b h");
    ck_assert(node_blocknotify_format(out, sizeof(out), "100%d %", "h"));
    ck_assert_str_eq(out, "100%d %");
    ck_assert(node_blocknotify_format(out, sizeof(out), "", "h"));
    ck_assert_str_eq(out, "");
    char small[8];
    ck_assert(!node_blocknotify_format(small, sizeof(small), "echo %s", "0123456789"));
    ck_assert(strlen(small) < sizeof(small));
    ck_assert(!node_blocknotify_format(small, sizeof(small), "0123456789", "x"));
    ck_assert(node_blocknotify_format(small, sizeof(small), "1234567", "x"));
}
END_TEST

START_TEST(test_mkdir_p)
{
    char base[] = "/tmp/hm-init-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(base));
    char deep[256];
    snprintf(deep, sizeof(deep), "%s/a/b/c", base);
    ck_assert(node_mkdir_p(deep));
    struct stat st;
    ck_assert_int_eq(stat(deep, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert(node_mkdir_p(deep)); /* exists already */
    char file[256];
    snprintf(file, sizeof(file), "%s/f", base);
    FILE *f = fopen(file, "w");
    fclose(f);
    ck_assert(!node_mkdir_p(file)); /* a file, not a directory */
    char under[300];
    snprintf(under, sizeof(under), "%s/x", file);
    ck_assert(!node_mkdir_p(under));
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_lock_datadir)
{
    char dir[] = "/tmp/hm-lock-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    int fd = node_lock_datadir(dir);
    ck_assert_int_ge(fd, 0);
    /* Another process cannot take it while we hold it. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(node_lock_datadir(dir) == -1 ? 0 : 1);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Released when the descriptor closes. */
    close(fd);
    pid = fork();
    if (pid == 0)
        _exit(node_lock_datadir(dir) >= 0 ? 0 : 1);
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* A directory that does not exist: cannot open the lock file. */
    char missing[64];
    snprintf(missing, sizeof(missing), "%s/nope", dir);
    ck_assert_int_eq(node_lock_datadir(missing), -2);
    char lock[64];
    snprintf(lock, sizeof(lock), "%s/.lock", dir);
    unlink(lock);
    rmdir(dir);
}
END_TEST

static Suite *init_suite(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_blocknotify_format);
    tcase_add_test(tc, test_mkdir_p);
    tcase_add_test(tc, test_lock_datadir);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(init_suite)
