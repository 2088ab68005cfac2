/* mempool.dat: Bitcoin Core's version-1 dump (no XOR key), written
 * atomically and re-validated on load. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/chain/mempool.h"
#include "src/chain/mempool_internal.h"
#include "src/util/alloc.h"
#include "src/util/file.h"
#include "src/util/log.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

/* Largest mempool.dat we read into memory (a 300 MB pool dumps far smaller). */
#define MEMPOOL_DAT_MAX_BYTES (UINT64_C(2) << 30)

static int cmp_depth(const void *a, const void *b)
{
    const struct mp_entry *x = *(const struct mp_entry *const *)a, *y = *(const struct mp_entry *const *)b;
    /* Parents before children: fewer ancestors first, then entry order. */
    if (x->anc_count != y->anc_count)
        return x->anc_count < y->anc_count ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int mempool_dump(struct mempool *mp, const char *path, char *err, size_t errlen)
{
    struct wbuf w;
    wbuf_init(&w);
    mp_lock(mp);
    struct mp_entry **v = mp_entries_sorted(mp, cmp_depth);
    wbuf_u64le(&w, MEMPOOL_DUMP_VERSION);
    wbuf_u64le(&w, mp->entry_count);
    for (size_t i = 0; i < mp->entry_count; i++) {
        tx_serialize(&w, &v[i]->tx, true);
        wbuf_u64le(&w, (uint64_t)v[i]->time);
        wbuf_u64le(&w, (uint64_t)v[i]->fee_delta);
    }
    /* Deltas of transactions not in the pool. */
    size_t extra = 0;
    for (size_t i = 0; i < mp->delta_count; i++)
        if (mp_find(mp, &mp->deltas[i].txid) == NULL)
            extra++;
    wbuf_compact(&w, extra);
    for (size_t i = 0; i < mp->delta_count; i++)
        if (mp_find(mp, &mp->deltas[i].txid) == NULL) {
            wbuf_put(&w, mp->deltas[i].txid.b, 32);
            wbuf_u64le(&w, (uint64_t)mp->deltas[i].delta);
        }
    wbuf_compact(&w, 0); /* unbroadcast txids: none (the set is not kept) */
    size_t count = mp->entry_count;
    mp_unlock(mp);
    mem_free(v);

    int rc = -1;
    if (file_write_atomic(path, w.data, w.len, 0600) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Dumped mempool: %zu transactions, %zu bytes to %s", count, w.len, path);
    rc = 0;
out:
    wbuf_clear(&w);
    return rc;
}

static int read_file(const char *path, uint8_t **data, size_t *len, bool *missing, char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    *missing = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            *missing = true;
            return 0;
        }
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size < 0 || (uint64_t)sb.st_size > MEMPOOL_DAT_MAX_BYTES) {
        snprintf(err, errlen, "cannot read %s: bad size", path);
        close(fd);
        return -1;
    }
    size_t size = (size_t)sb.st_size;
    uint8_t *buf = mem_alloc(size ? size : 1);
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != size) {
        mem_free(buf);
        snprintf(err, errlen, "cannot read %s: short read", path);
        return -1;
    }
    *data = buf;
    *len = size;
    return 0;
}

int mempool_load(struct mempool *mp, const char *path, size_t *accepted, size_t *failed, size_t *expired, char *err,
                 size_t errlen)
{
    size_t n_ok = 0, n_fail = 0, n_exp = 0;
    uint8_t *data;
    size_t len;
    bool missing;
    int rc = read_file(path, &data, &len, &missing, err, errlen);
    if (rc != 0 || missing) {
        if (missing)
            mempool_set_loaded(mp);
        goto done;
    }
    rc = -1;
    struct rbuf r = rbuf_make(data, len);
    uint64_t version, count;
    if (!rbuf_u64le(&r, &version) || !rbuf_u64le(&r, &count)) {
        snprintf(err, errlen, "%s: truncated header", path);
        goto free;
    }
    if (version != MEMPOOL_DUMP_VERSION) {
        snprintf(err, errlen, "%s: unsupported version %" PRIu64, path, version);
        goto free;
    }
    int64_t now = mp_now(mp);
    int64_t expiry = mempool_options(mp)->expiry_seconds;
    for (uint64_t i = 0; i < count; i++) {
        struct tx tx;
        int64_t time, delta;
        if (!tx_parse(&tx, &r, true)) {
            snprintf(err, errlen, "%s: bad transaction %" PRIu64, path, i);
            goto free;
        }
        if (!rbuf_i64le(&r, &time) || !rbuf_i64le(&r, &delta)) {
            tx_clear(&tx);
            snprintf(err, errlen, "%s: truncated entry %" PRIu64, path, i);
            goto free;
        }
        if (delta != 0)
            mempool_prioritise(mp, &tx.txid, delta);
        if (time > now - expiry) {
            struct val_state st;
            struct mempool_accept_args args = { .accept_time = time };
            if (mempool_accept(mp, &st, NULL, &tx, &args))
                n_ok++;
            else
                n_fail++;
        } else {
            n_exp++;
        }
        tx_clear(&tx);
    }
    uint64_t ndeltas;
    if (!rbuf_compact(&r, &ndeltas, RBUF_MAX_COMPACT_SIZE) || ndeltas > r.len / 40) {
        snprintf(err, errlen, "%s: bad delta map", path);
        goto free;
    }
    for (uint64_t i = 0; i < ndeltas; i++) {
        struct hash256 txid;
        int64_t delta;
        if (!rbuf_read(&r, txid.b, 32) || !rbuf_i64le(&r, &delta)) {
            snprintf(err, errlen, "%s: truncated delta map", path);
            goto free;
        }
        mempool_prioritise(mp, &txid, delta);
    }
    /* The unbroadcast set (txids) is read and ignored: the node does not keep one. */
    rc = 0;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
               "Imported mempool transactions from %s: %zu succeeded, %zu failed, %zu expired", path, n_ok, n_fail,
               n_exp);
    mempool_set_loaded(mp);
free:
    mem_free(data);
done:
    if (accepted)
        *accepted = n_ok;
    if (failed)
        *failed = n_fail;
    if (expired)
        *expired = n_exp;
    return rc;
}
