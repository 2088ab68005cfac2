#ifndef HASHMINT_QA_UNIT_STORE_TMPDIR_H
#define HASHMINT_QA_UNIT_STORE_TMPDIR_H
/* Temporary directories for the storage tests: created under /tmp, removed
 * recursively at the end of each test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

/* Creates a fresh directory; out must hold 64 bytes. */
static inline void tmpdir_make(char out[64])
{
    snprintf(out, 64, "/tmp/hm-store-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(out));
}

static inline void tmpdir_remove(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                size_t n = strlen(dir) + strlen(e->d_name) + 2;
                char *sub = malloc(n);
                if (!sub)
                    break;
                snprintf(sub, n, "%s/%s", dir, e->d_name);
                tmpdir_remove(sub);
                free(sub);
            }
            closedir(d);
        }
        rmdir(dir);
    } else {
        unlink(dir);
    }
}

/* dir + "/" + name into out (size 256). */
static inline const char *tmpdir_join(char out[256], const char *dir, const char *name)
{
    snprintf(out, 256, "%s/%s", dir, name);
    return out;
}

#endif
