#include "src/store/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "src/util/alloc.h"

bool store_disk_space_ok(const char *dir, uint64_t additional, uint64_t *available, struct store_error *err)
{
    struct statvfs st;
    if (available)
        *available = 0;
    if (statvfs(dir, &st) != 0) {
        store_error_set(err, STORE_ERR_IO, "cannot read free disk space of %s: %s", dir, strerror(errno));
        return false;
    }
    uint64_t free_bytes = (uint64_t)st.f_bavail * (uint64_t)st.f_frsize;
    if (available)
        *available = free_bytes;
    /* Saturating add: an absurd request must not wrap into "plenty". */
    uint64_t need = additional > UINT64_MAX - STORE_MIN_DISK_SPACE ? UINT64_MAX : STORE_MIN_DISK_SPACE + additional;
    if (free_bytes < need) {
        store_error_set(err, STORE_ERR_DISK_FULL, "Disk space is too low!");
        return false;
    }
    return true;
}

int store_mkdirs(const char *dir, struct store_error *err)
{
    char *p = mem_strdup(dir);
    size_t n = strlen(p);
    int rc = 0;
    /* Create each prefix in turn; existing directories are fine. */
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            rc = store_error_set(err, STORE_ERR_IO, "cannot create directory %s: %s", p, strerror(errno));
            break;
        }
        p[i] = saved;
    }
    if (rc == 0) {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = store_error_set(err, STORE_ERR_IO, "%s is not a directory", dir);
    }
    mem_free(p);
    return rc;
}

int store_fsync_dir(const char *dir, struct store_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return store_error_set(err, STORE_ERR_IO, "cannot open directory %s: %s", dir, strerror(errno));
    int rc = 0;
    /* Some file systems refuse fsync on directories (EINVAL): nothing to do there. */
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = store_error_set(err, STORE_ERR_IO, "fsync of directory %s failed: %s", dir, strerror(errno));
    close(fd);
    return rc;
}
