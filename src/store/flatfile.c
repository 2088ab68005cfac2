#include "src/store/flatfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/crypto/sha256.h"
#include "src/store/disk.h"
#include "src/store/fault.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/log.h"

/* File numbers are printed with five digits; more files than that means a
 * corrupt index rather than a real chain of 12 PiB. */
#define MAX_FILE_NUMBER 99999

/* Smallest record the external reader accepts: a block header. */
#define MIN_BLOCK_RECORD 80u

struct flatfile {
    pthread_mutex_t mu;
    char *dir;
    uint8_t magic[4];
    uint32_t max_size;
    struct flat_file_info *infos; /* files 0 .. ninfos-1 */
    bool *dirty;                  /* parallel to infos */
    size_t ninfos;
    int last_file;
    /* Write handles, kept open between writes. An fd is fsynced before it is
     * switched to another file, so flatfile_flush only syncs these two. */
    int blk_fd, blk_file;
    int rev_fd, rev_file;
    bool blk_unsynced, rev_unsynced, dir_unsynced;
    /* Test-only write failures (fault.h): HASHMINT_FAULT_BLOCKFILE,
     * HASHMINT_FAULT_UNDOFILE, HASHMINT_FAULT_FSYNC. */
    struct store_fault fault_block, fault_undo, fault_fsync;
};

static int io_error(struct store_error *err, const char *what, const char *path)
{
    int e = errno;
    return store_error_set(err, e == ENOSPC || e == EDQUOT ? STORE_ERR_DISK_FULL : STORE_ERR_IO, "%s %s: %s", what, path,
                           strerror(e));
}

bool flatfile_path(char *out, size_t outlen, const char *dir, const char *prefix, int file)
{
    int n = snprintf(out, outlen, "%s/%s%05d.dat", dir, prefix, file);
    return n > 0 && (size_t)n < outlen;
}

struct flatfile *flatfile_open(const char *blocks_dir, const uint8_t magic[4], struct store_error *err)
{
    store_error_clear(err);
    if (store_mkdirs(blocks_dir, err) != 0)
        return NULL;
    struct flatfile *ff = mem_calloc(1, sizeof(*ff));
    pthread_mutex_init(&ff->mu, NULL);
    ff->dir = mem_strdup(blocks_dir);
    memcpy(ff->magic, magic, 4);
    ff->max_size = FLATFILE_MAX_BLOCKFILE_SIZE;
    ff->blk_fd = ff->rev_fd = -1;
    ff->blk_file = ff->rev_file = -1;
    store_fault_init(&ff->fault_block, "HASHMINT_FAULT_BLOCKFILE");
    store_fault_init(&ff->fault_undo, "HASHMINT_FAULT_UNDOFILE");
    store_fault_init(&ff->fault_fsync, "HASHMINT_FAULT_FSYNC");
    return ff;
}

void flatfile_close(struct flatfile *ff)
{
    if (!ff)
        return;
    if (ff->blk_fd >= 0)
        close(ff->blk_fd);
    if (ff->rev_fd >= 0)
        close(ff->rev_fd);
    pthread_mutex_destroy(&ff->mu);
    mem_free(ff->infos);
    mem_free(ff->dirty);
    mem_free(ff->dir);
    mem_free(ff);
}

void flatfile_set_max_file_size(struct flatfile *ff, uint32_t max_size)
{
    pthread_mutex_lock(&ff->mu);
    ff->max_size = max_size > FLATFILE_HEADER_SIZE ? max_size : FLATFILE_HEADER_SIZE + 1;
    pthread_mutex_unlock(&ff->mu);
}

/* Grows the info arrays so `file` has an entry. Caller holds the lock and has
 * checked 0 <= file <= MAX_FILE_NUMBER. */
static struct flat_file_info *info_at(struct flatfile *ff, int file)
{
    if ((size_t)file >= ff->ninfos) {
        size_t n = (size_t)file + 1;
        ff->infos = mem_realloc(ff->infos, n * sizeof(*ff->infos));
        ff->dirty = mem_realloc(ff->dirty, n * sizeof(*ff->dirty));
        memset(ff->infos + ff->ninfos, 0, (n - ff->ninfos) * sizeof(*ff->infos));
        memset(ff->dirty + ff->ninfos, 0, (n - ff->ninfos) * sizeof(*ff->dirty));
        ff->ninfos = n;
    }
    return &ff->infos[file];
}

int flatfile_set_info(struct flatfile *ff, int file, const struct flat_file_info *info, struct store_error *err)
{
    if (file < 0 || file > MAX_FILE_NUMBER)
        return store_error_set(err, STORE_ERR_CORRUPT, "block file number %d out of range", file);
    pthread_mutex_lock(&ff->mu);
    *info_at(ff, file) = *info;
    if (file > ff->last_file)
        ff->last_file = file;
    pthread_mutex_unlock(&ff->mu);
    return 0;
}

int flatfile_set_last_file(struct flatfile *ff, int last_file, struct store_error *err)
{
    if (last_file < 0 || last_file > MAX_FILE_NUMBER)
        return store_error_set(err, STORE_ERR_CORRUPT, "last block file number %d out of range", last_file);
    pthread_mutex_lock(&ff->mu);
    info_at(ff, last_file);
    ff->last_file = last_file;
    pthread_mutex_unlock(&ff->mu);
    return 0;
}

int flatfile_last_file(const struct flatfile *ff)
{
    pthread_mutex_lock((pthread_mutex_t *)&ff->mu);
    int f = ff->last_file;
    pthread_mutex_unlock((pthread_mutex_t *)&ff->mu);
    return f;
}

bool flatfile_get_info(const struct flatfile *ff, struct flat_file_info *out, int file)
{
    bool ok = false;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock((pthread_mutex_t *)&ff->mu);
    if (file >= 0 && (size_t)file < ff->ninfos) {
        *out = ff->infos[file];
        ok = true;
    }
    pthread_mutex_unlock((pthread_mutex_t *)&ff->mu);
    return ok;
}

int *flatfile_take_dirty(struct flatfile *ff, size_t *count)
{
    int *out = NULL;
    size_t n = 0;
    pthread_mutex_lock(&ff->mu);
    for (size_t i = 0; i < ff->ninfos; i++) {
        if (!ff->dirty[i])
            continue;
        out = mem_realloc(out, (n + 1) * sizeof(*out));
        out[n++] = (int)i;
        ff->dirty[i] = false;
    }
    pthread_mutex_unlock(&ff->mu);
    *count = n;
    return out;
}

void flatfile_mark_dirty(struct flatfile *ff, int file)
{
    if (file < 0 || file > MAX_FILE_NUMBER)
        return;
    pthread_mutex_lock(&ff->mu);
    info_at(ff, file);
    ff->dirty[file] = true;
    pthread_mutex_unlock(&ff->mu);
}

/* Core's CBlockFileInfo::AddBlock. */
static void info_add_block(struct flat_file_info *info, uint32_t height, uint64_t time)
{
    if (info->blocks == 0 || info->height_first > height)
        info->height_first = height;
    if (info->blocks == 0 || info->time_first > time)
        info->time_first = time;
    info->blocks++;
    if (height > info->height_last)
        info->height_last = height;
    if (time > info->time_last)
        info->time_last = time;
}

static int write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

/* One piece of a record. */
struct piece {
    const uint8_t *p;
    size_t len;
};

/* Writes the pieces of a record one after the other from off. Under an
 * injected fault (fault.h) only the first half of the record is written (a
 * torn write) before it fails with EIO; with ":applied" all of it is. */
static int write_record(int fd, off_t off, const struct piece *pc, size_t n, struct store_fault *fault)
{
    enum store_fault_action a = store_fault_next(fault);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += pc[i].len;
    size_t left = a == STORE_FAULT_FAIL ? total / 2 : total;
    for (size_t i = 0; i < n && left > 0; i++) {
        size_t len = pc[i].len < left ? pc[i].len : left;
        if (write_all(fd, pc[i].p, len, off) != 0)
            return -1;
        off += (off_t)pc[i].len;
        left -= len;
    }
    if (a != STORE_FAULT_PASS) {
        errno = EIO;
        return -1;
    }
    return 0;
}

/* fsync of a block or undo file, with the injected fault (fault.h). */
static int sync_file(struct flatfile *ff, int fd)
{
    enum store_fault_action a = store_fault_next(&ff->fault_fsync);
    if (a == STORE_FAULT_FAIL) {
        errno = EIO;
        return -1;
    }
    if (fsync(fd) != 0)
        return -1;
    if (a == STORE_FAULT_APPLY) {
        errno = EIO;
        return -1;
    }
    return 0;
}

static int read_all(int fd, uint8_t *p, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = 0; /* end of file: the caller reports truncation */
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

/* Makes *fd the write handle of prefix<file>.dat, fsyncing and closing the
 * handle of another file first. Caller holds the lock. */
static int switch_fd(struct flatfile *ff, int *fd, int *cur, bool *unsynced, const char *prefix, int file,
                     struct store_error *err)
{
    char path[4096];
    if (*fd >= 0 && *cur == file)
        return 0;
    if (*fd >= 0) {
        if (*unsynced && sync_file(ff, *fd) != 0) {
            flatfile_path(path, sizeof(path), ff->dir, prefix, *cur);
            return io_error(err, "cannot fsync", path);
        }
        close(*fd);
        *fd = -1;
        *unsynced = false;
    }
    if (!flatfile_path(path, sizeof(path), ff->dir, prefix, file))
        return store_error_set(err, STORE_ERR_INVALID, "block file path too long");
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0)
        return io_error(err, "cannot open", path);
    *cur = file;
    ff->dir_unsynced = true; /* the file may be new: its directory entry must become durable */
    return 0;
}

int flatfile_write_block(struct flatfile *ff, struct flat_pos *pos, const uint8_t *data, size_t len, uint32_t height,
                         uint64_t time, struct store_error *err)
{
    pos->file = -1;
    pos->pos = 0;
    if (len == 0 || len > FLATFILE_MAX_RECORD_SIZE)
        return store_error_set(err, STORE_ERR_INVALID, "block of %zu bytes cannot be stored", len);
    int rc = -1;
    pthread_mutex_lock(&ff->mu);
    int file = ff->last_file;
    struct flat_file_info *info = info_at(ff, file);
    uint64_t total = FLATFILE_HEADER_SIZE + (uint64_t)len;
    /* Start a new file when this one would grow past the limit (a lone block
     * larger than the limit still gets a file of its own). */
    if (info->size > 0 && info->size + total > ff->max_size) {
        if (file >= MAX_FILE_NUMBER) {
            store_error_set(err, STORE_ERR_INVALID, "out of block file numbers");
            goto out;
        }
        file++;
        ff->last_file = file;
        info = info_at(ff, file);
        ff->dirty[file] = true;
        log_printf(LOG_DB, LOG_LEVEL_INFO, "Leaving block file %d, starting blk%05d.dat", file - 1, file);
    }
    if (switch_fd(ff, &ff->blk_fd, &ff->blk_file, &ff->blk_unsynced, "blk", file, err) != 0)
        goto out;
    uint8_t hdr[FLATFILE_HEADER_SIZE];
    memcpy(hdr, ff->magic, 4);
    le32_write(hdr + 4, (uint32_t)len);
    const struct piece pc[] = { { hdr, sizeof(hdr) }, { data, len } };
    if (write_record(ff->blk_fd, (off_t)info->size, pc, 2, &ff->fault_block) != 0) {
        char path[4096];
        flatfile_path(path, sizeof(path), ff->dir, "blk", file);
        io_error(err, "cannot write block to", path);
        goto out;
    }
    ff->blk_unsynced = true;
    pos->file = file;
    pos->pos = info->size + FLATFILE_HEADER_SIZE;
    info->size += (uint32_t)total;
    info_add_block(info, height, time);
    ff->dirty[file] = true;
    rc = 0;
out:
    pthread_mutex_unlock(&ff->mu);
    return rc;
}

void flatfile_account_block(struct flatfile *ff, const struct flat_pos *pos, size_t len, uint32_t height, uint64_t time)
{
    if (pos->file < 0 || pos->file > MAX_FILE_NUMBER || len > FLATFILE_MAX_RECORD_SIZE)
        return;
    pthread_mutex_lock(&ff->mu);
    struct flat_file_info *info = info_at(ff, pos->file);
    uint64_t end = (uint64_t)pos->pos + len;
    if (end > info->size && end <= UINT32_MAX)
        info->size = (uint32_t)end;
    info_add_block(info, height, time);
    ff->dirty[pos->file] = true;
    if (pos->file > ff->last_file)
        ff->last_file = pos->file;
    pthread_mutex_unlock(&ff->mu);
}

/* Reads the record whose payload starts at pos in prefix<file>.dat: checks
 * bounds, magic and length. extra: bytes that follow the payload (the undo
 * checksum). Out: *data (payload + extra), *len (payload only). */
static int read_record(const struct flatfile *ff, uint8_t **data, size_t *len, const char *prefix,
                       const struct flat_pos *pos, size_t extra, struct store_error *err)
{
    char path[4096];
    *data = NULL;
    *len = 0;
    if (pos->file < 0 || pos->file > MAX_FILE_NUMBER)
        return store_error_set(err, STORE_ERR_INVALID, "no %s position (file %d)", prefix, pos->file);
    if (!flatfile_path(path, sizeof(path), ff->dir, prefix, pos->file))
        return store_error_set(err, STORE_ERR_INVALID, "block file path too long");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error(err, "cannot open", path);
    int rc = -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        io_error(err, "cannot stat", path);
        goto out;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (pos->pos < FLATFILE_HEADER_SIZE || pos->pos > size) {
        store_error_set(err, STORE_ERR_CORRUPT, "position %u is outside %s (%llu bytes)", pos->pos, path,
                        (unsigned long long)size);
        goto out;
    }
    uint8_t hdr[FLATFILE_HEADER_SIZE];
    if (read_all(fd, hdr, sizeof(hdr), (off_t)(pos->pos - FLATFILE_HEADER_SIZE)) != 0) {
        store_error_set(err, STORE_ERR_CORRUPT, "cannot read record header at %u in %s", pos->pos, path);
        goto out;
    }
    if (memcmp(hdr, ff->magic, 4) != 0) {
        store_error_set(err, STORE_ERR_CORRUPT, "bad magic at %u in %s", pos->pos, path);
        goto out;
    }
    uint32_t n = le32_read(hdr + 4);
    if (n == 0 || n > FLATFILE_MAX_RECORD_SIZE || (uint64_t)pos->pos + n + extra > size) {
        store_error_set(err, STORE_ERR_CORRUPT, "bad record length %u at %u in %s", n, pos->pos, path);
        goto out;
    }
    uint8_t *buf = mem_alloc((size_t)n + extra);
    if (read_all(fd, buf, (size_t)n + extra, (off_t)pos->pos) != 0) {
        mem_free(buf);
        if (errno)
            io_error(err, "cannot read", path);
        else
            store_error_set(err, STORE_ERR_CORRUPT, "truncated record at %u in %s", pos->pos, path);
        goto out;
    }
    *data = buf;
    *len = n;
    rc = 0;
out:
    close(fd);
    return rc;
}

int flatfile_read_block(struct flatfile *ff, uint8_t **data, size_t *len, const struct flat_pos *pos, struct store_error *err)
{
    /* Reads need no lock: written bytes are visible to any descriptor, and
     * the directory and magic never change after open. */
    return read_record(ff, data, len, "blk", pos, 0, err);
}

void flatfile_undo_checksum(uint8_t out[32], const struct hash256 *check_hash, const uint8_t *undo, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, check_hash->b, 32);
    sha256_write(&ctx, undo, len);
    sha256d_finalize(&ctx, out);
}

int flatfile_write_undo(struct flatfile *ff, struct flat_pos *pos, int file, const uint8_t *undo, size_t len,
                        const struct hash256 *check_hash, struct store_error *err)
{
    uint8_t sum[32];
    flatfile_undo_checksum(sum, check_hash, undo, len);
    return flatfile_write_undo_summed(ff, pos, file, undo, len, sum, err);
}

int flatfile_write_undo_summed(struct flatfile *ff, struct flat_pos *pos, int file, const uint8_t *undo, size_t len,
                               const uint8_t sum[32], struct store_error *err)
{
    pos->file = -1;
    pos->pos = 0;
    if (file < 0 || file > MAX_FILE_NUMBER)
        return store_error_set(err, STORE_ERR_INVALID, "undo for block file %d", file);
    if (len == 0 || len > FLATFILE_MAX_RECORD_SIZE)
        return store_error_set(err, STORE_ERR_INVALID, "undo of %zu bytes cannot be stored", len);
    int rc = -1;
    pthread_mutex_lock(&ff->mu);
    struct flat_file_info *info = info_at(ff, file);
    uint64_t total = FLATFILE_HEADER_SIZE + (uint64_t)len + FLATFILE_UNDO_CHECKSUM_SIZE;
    if ((uint64_t)info->undo_size + total > UINT32_MAX) {
        store_error_set(err, STORE_ERR_INVALID, "undo file %d is full", file);
        goto out;
    }
    if (switch_fd(ff, &ff->rev_fd, &ff->rev_file, &ff->rev_unsynced, "rev", file, err) != 0)
        goto out;
    uint8_t hdr[FLATFILE_HEADER_SIZE];
    memcpy(hdr, ff->magic, 4);
    le32_write(hdr + 4, (uint32_t)len);
    const struct piece pc[] = { { hdr, sizeof(hdr) }, { undo, len }, { sum, 32 } };
    if (write_record(ff->rev_fd, (off_t)info->undo_size, pc, 3, &ff->fault_undo) != 0) {
        char path[4096];
        flatfile_path(path, sizeof(path), ff->dir, "rev", file);
        io_error(err, "cannot write undo to", path);
        goto out;
    }
    ff->rev_unsynced = true;
    pos->file = file;
    pos->pos = info->undo_size + FLATFILE_HEADER_SIZE;
    info->undo_size += (uint32_t)total;
    ff->dirty[file] = true;
    rc = 0;
out:
    pthread_mutex_unlock(&ff->mu);
    return rc;
}

int flatfile_read_undo(struct flatfile *ff, uint8_t **undo, size_t *len, const struct flat_pos *pos,
                       const struct hash256 *check_hash, struct store_error *err)
{
    uint8_t *buf;
    size_t n;
    *undo = NULL;
    *len = 0;
    if (read_record(ff, &buf, &n, "rev", pos, FLATFILE_UNDO_CHECKSUM_SIZE, err) != 0)
        return -1;
    uint8_t sum[32];
    flatfile_undo_checksum(sum, check_hash, buf, n);
    if (memcmp(sum, buf + n, 32) != 0) {
        mem_free(buf);
        return store_error_set(err, STORE_ERR_CORRUPT, "undo data checksum mismatch at rev%05d.dat:%u", pos->file,
                               pos->pos);
    }
    *undo = buf;
    *len = n;
    return 0;
}

int flatfile_flush(struct flatfile *ff, struct store_error *err)
{
    char path[4096];
    int rc = 0;
    pthread_mutex_lock(&ff->mu);
    if (ff->blk_fd >= 0 && ff->blk_unsynced) {
        if (sync_file(ff, ff->blk_fd) != 0) {
            flatfile_path(path, sizeof(path), ff->dir, "blk", ff->blk_file);
            rc = io_error(err, "cannot fsync", path);
            goto out;
        }
        ff->blk_unsynced = false;
    }
    if (ff->rev_fd >= 0 && ff->rev_unsynced) {
        if (sync_file(ff, ff->rev_fd) != 0) {
            flatfile_path(path, sizeof(path), ff->dir, "rev", ff->rev_file);
            rc = io_error(err, "cannot fsync", path);
            goto out;
        }
        ff->rev_unsynced = false;
    }
    if (ff->dir_unsynced) {
        if (store_fsync_dir(ff->dir, err) != 0) {
            rc = -1;
            goto out;
        }
        ff->dir_unsynced = false;
    }
out:
    pthread_mutex_unlock(&ff->mu);
    return rc;
}

struct flatfile_reader {
    FILE *f;
    char *path;
    uint8_t magic[4];
};

struct flatfile_reader *flatfile_reader_open(const char *path, const uint8_t magic[4], struct store_error *err)
{
    FILE *f = fopen(path, "rbe");
    if (!f) {
        io_error(err, "cannot open", path);
        return NULL;
    }
    struct flatfile_reader *rd = mem_alloc(sizeof(*rd));
    rd->f = f;
    rd->path = mem_strdup(path);
    memcpy(rd->magic, magic, 4);
    return rd;
}

void flatfile_reader_close(struct flatfile_reader *rd)
{
    if (!rd)
        return;
    fclose(rd->f);
    mem_free(rd->path);
    mem_free(rd);
}

uint64_t flatfile_reader_tell(const struct flatfile_reader *rd)
{
    off_t o = ftello(rd->f);
    return o < 0 ? 0 : (uint64_t)o;
}

int flatfile_reader_next(struct flatfile_reader *rd, uint8_t **data, size_t *len, uint64_t *offset, struct store_error *err)
{
    *data = NULL;
    *len = 0;
    *offset = 0;
    for (;;) {
        /* Find the magic byte by byte: garbage and zero padding between
         * records are skipped. */
        size_t matched = 0;
        while (matched < 4) {
            int c = fgetc(rd->f);
            if (c == EOF)
                goto eof;
            if ((uint8_t)c == rd->magic[matched])
                matched++;
            else
                matched = (uint8_t)c == rd->magic[0] ? 1 : 0;
        }
        off_t magic_end = ftello(rd->f);
        if (magic_end < 0)
            return io_error(err, "cannot tell position in", rd->path);
        uint8_t lenbuf[4];
        if (fread(lenbuf, 1, 4, rd->f) != 4)
            goto eof;
        uint32_t n = le32_read(lenbuf);
        if (n < MIN_BLOCK_RECORD || n > FLATFILE_MAX_RECORD_SIZE) {
            /* Not a real record: resume the search just after this magic's first byte. */
            if (fseeko(rd->f, magic_end - 3, SEEK_SET) != 0)
                return io_error(err, "cannot seek in", rd->path);
            continue;
        }
        uint8_t *buf = mem_alloc(n);
        if (fread(buf, 1, n, rd->f) != n) {
            mem_free(buf);
            goto eof; /* a record cut off by the end of the file ends the scan */
        }
        *data = buf;
        *len = n;
        *offset = (uint64_t)magic_end + 4;
        return 1;
    }
eof:
    if (ferror(rd->f))
        return store_error_set(err, STORE_ERR_IO, "read error in %s", rd->path);
    return 0;
}
