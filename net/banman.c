/* Bans and discouragement (see banman.h). Bans are few (operator-set), so a
 * plain array with linear scans; discouragement is a rolling Bloom filter. */
#include "net/banman.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/rollbloom.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/file.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

#define FILE_HEADER "hashmint-banlist 1\n"
/* Fixed key for the file checksum: it detects damage, not tampering. */
#define SUM_K0 0x686173686d696e74ull
#define SUM_K1 0x62616e6c69737431ull
#define MAX_FILE_BYTES (16u << 20)

struct banman {
    pthread_mutex_t lock;
    char *path;
    struct banman_entry *bans;
    size_t n, cap;
    bool dirty;
    struct rollbloom *discouraged;
};

static void host_key(const struct net_addr *a, uint8_t out[34])
{
    memset(out, 0, 34);
    out[0] = a->network;
    out[1] = a->len <= 32 ? a->len : 32;
    memcpy(out + 2, a->bytes, out[1]);
}

/* Drops expired bans. Lock held. */
static void sweep(struct banman *bm, int64_t now)
{
    for (size_t i = 0; i < bm->n;) {
        if (bm->bans[i].ban_until <= now) {
            memmove(&bm->bans[i], &bm->bans[i + 1], (bm->n - i - 1) * sizeof(*bm->bans));
            bm->n--;
            bm->dirty = true;
        } else {
            i++;
        }
    }
}

static void push(struct banman *bm, const struct banman_entry *e)
{
    if (bm->n == bm->cap) {
        bm->cap = bm->cap ? bm->cap * 2 : 16;
        bm->bans = mem_realloc(bm->bans, bm->cap * sizeof(*bm->bans));
    }
    bm->bans[bm->n++] = *e;
}

static long find(struct banman *bm, const struct net_subnet *sn)
{
    for (size_t i = 0; i < bm->n; i++) {
        const struct net_subnet *b = &bm->bans[i].subnet;
        if (b->bits == sn->bits && b->base.network == sn->base.network && b->base.len == sn->base.len &&
            memcmp(b->base.bytes, sn->base.bytes, b->base.len) == 0)
            return (long)i;
    }
    return -1;
}

/* ---- file format -------------------------------------------------------- */

static void serialize_locked(struct banman *bm, struct wbuf *w)
{
    size_t start = w->len;
    wbuf_put(w, FILE_HEADER, strlen(FILE_HEADER));
    for (size_t i = 0; i < bm->n; i++) {
        char sn[NET_ADDR_STRLEN + 4];
        char line[160];
        net_subnet_to_string(sn, &bm->bans[i].subnet);
        int k = snprintf(line, sizeof(line), "%s %" PRId64 " %" PRId64 "\n", sn, bm->bans[i].create_time,
                         bm->bans[i].ban_until);
        wbuf_put(w, line, (size_t)k);
    }
    char sum[40];
    int k = snprintf(sum, sizeof(sum), "checksum %016" PRIx64 "\n",
                     siphash(SUM_K0, SUM_K1, w->data + start, w->len - start));
    wbuf_put(w, sum, (size_t)k);
}

void banman_serialize(struct banman *bm, struct wbuf *w)
{
    pthread_mutex_lock(&bm->lock);
    serialize_locked(bm, w);
    pthread_mutex_unlock(&bm->lock);
}

static bool parse_i64(const char *s, int64_t *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (int64_t)v;
    return true;
}

static bool deserialize_locked(struct banman *bm, const uint8_t *data, size_t len, int64_t now)
{
    bm->n = 0;
    size_t hl = strlen(FILE_HEADER);
    if (len < hl || len > MAX_FILE_BYTES || memcmp(data, FILE_HEADER, hl) != 0)
        return false;
    /* The checksum line is the last one; everything before it is summed. */
    if (data[len - 1] != '\n')
        return false;
    size_t last = len - 1;
    while (last > 0 && data[last - 1] != '\n')
        last--;
    if (last < hl)
        return false;
    char sumline[64];
    size_t sl = len - last;
    if (sl >= sizeof(sumline))
        return false;
    memcpy(sumline, data + last, sl);
    sumline[sl] = 0;
    char expect[40];
    snprintf(expect, sizeof(expect), "checksum %016" PRIx64 "\n", siphash(SUM_K0, SUM_K1, data, last));
    if (strcmp(sumline, expect) != 0)
        return false;
    size_t pos = hl;
    while (pos < last) {
        size_t end = pos;
        while (end < last && data[end] != '\n')
            end++;
        char line[200];
        if (end - pos >= sizeof(line))
            goto bad;
        memcpy(line, data + pos, end - pos);
        line[end - pos] = 0;
        pos = end + 1;
        char *a = strtok(line, " "), *b = strtok(NULL, " "), *c = strtok(NULL, " ");
        struct banman_entry e;
        if (!a || !b || !c || strtok(NULL, " ") || !net_subnet_parse(&e.subnet, a) ||
            !parse_i64(b, &e.create_time) || !parse_i64(c, &e.ban_until))
            goto bad;
        if (e.ban_until > now && find(bm, &e.subnet) < 0 && bm->n < BANMAN_MAX_BANS)
            push(bm, &e);
    }
    return true;
bad:
    bm->n = 0;
    return false;
}

bool banman_deserialize(struct banman *bm, const uint8_t *data, size_t len, int64_t now)
{
    pthread_mutex_lock(&bm->lock);
    bool ok = deserialize_locked(bm, data, len, now);
    pthread_mutex_unlock(&bm->lock);
    return ok;
}

static bool save_locked(struct banman *bm)
{
    if (!bm->path)
        return true;
    struct wbuf w;
    wbuf_init(&w);
    serialize_locked(bm, &w);
    bool ok = file_write_atomic(bm->path, w.data, w.len, 0600) == 0;
    if (ok)
        bm->dirty = false;
    else
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Failed to write ban list %s: %s", bm->path, strerror(errno));
    wbuf_clear(&w);
    return ok;
}

static void load(struct banman *bm, int64_t now)
{
    FILE *f = fopen(bm->path, "rb");
    if (!f)
        return;
    struct wbuf w;
    wbuf_init(&w);
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && w.len <= MAX_FILE_BYTES)
        wbuf_put(&w, buf, n);
    fclose(f);
    if (!deserialize_locked(bm, w.data, w.len, now))
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Warning: ban list %s is corrupt; ignoring it", bm->path);
    else
        log_printf(LOG_NET, LOG_LEVEL_INFO, "Loaded %zu banned node addresses/subnets from %s", bm->n, bm->path);
    wbuf_clear(&w);
}

/* ---- API ---------------------------------------------------------------- */

struct banman *banman_new(const char *path, uint64_t k0, uint64_t k1, int64_t now)
{
    struct banman *bm = mem_calloc(1, sizeof(*bm));
    pthread_mutex_init(&bm->lock, NULL);
    bm->path = path ? mem_strdup(path) : NULL;
    bm->discouraged = rollbloom_new(BANMAN_DISCOURAGE_ENTRIES, 0.000001, k0, k1);
    if (bm->path)
        load(bm, now);
    return bm;
}

void banman_free(struct banman *bm)
{
    if (!bm)
        return;
    if (bm->dirty)
        save_locked(bm);
    rollbloom_free(bm->discouraged);
    mem_free(bm->bans);
    mem_free(bm->path);
    pthread_mutex_destroy(&bm->lock);
    mem_free(bm);
}

bool banman_ban(struct banman *bm, const struct net_subnet *subnet, int64_t ban_until, int64_t now)
{
    pthread_mutex_lock(&bm->lock);
    sweep(bm, now);
    bool ok = find(bm, subnet) < 0 && bm->n < BANMAN_MAX_BANS && ban_until > now;
    if (ok) {
        struct banman_entry e = { *subnet, now, ban_until };
        e.subnet.base.port = 0;
        push(bm, &e);
        bm->dirty = true;
        save_locked(bm);
    }
    pthread_mutex_unlock(&bm->lock);
    return ok;
}

bool banman_unban(struct banman *bm, const struct net_subnet *subnet)
{
    pthread_mutex_lock(&bm->lock);
    long i = find(bm, subnet);
    if (i >= 0) {
        memmove(&bm->bans[i], &bm->bans[i + 1], (bm->n - (size_t)i - 1) * sizeof(*bm->bans));
        bm->n--;
        bm->dirty = true;
        save_locked(bm);
    }
    pthread_mutex_unlock(&bm->lock);
    return i >= 0;
}

void banman_clear(struct banman *bm)
{
    pthread_mutex_lock(&bm->lock);
    bm->n = 0;
    rollbloom_reset(bm->discouraged);
    bm->dirty = true;
    save_locked(bm);
    pthread_mutex_unlock(&bm->lock);
}

size_t banman_list(struct banman *bm, struct banman_entry **out, int64_t now)
{
    pthread_mutex_lock(&bm->lock);
    sweep(bm, now);
    size_t n = bm->n;
    *out = n ? mem_dup(bm->bans, n * sizeof(*bm->bans)) : NULL;
    pthread_mutex_unlock(&bm->lock);
    return n;
}

bool banman_is_banned(struct banman *bm, const struct net_addr *a, int64_t now)
{
    pthread_mutex_lock(&bm->lock);
    bool r = false;
    for (size_t i = 0; i < bm->n && !r; i++)
        r = bm->bans[i].ban_until > now && net_subnet_match(&bm->bans[i].subnet, a);
    pthread_mutex_unlock(&bm->lock);
    return r;
}

bool banman_is_subnet_banned(struct banman *bm, const struct net_subnet *subnet, int64_t now)
{
    pthread_mutex_lock(&bm->lock);
    long i = find(bm, subnet);
    bool r = i >= 0 && bm->bans[i].ban_until > now;
    pthread_mutex_unlock(&bm->lock);
    return r;
}

void banman_discourage(struct banman *bm, const struct net_addr *a)
{
    uint8_t k[34];
    host_key(a, k);
    pthread_mutex_lock(&bm->lock);
    rollbloom_insert(bm->discouraged, k, sizeof(k));
    pthread_mutex_unlock(&bm->lock);
}

bool banman_is_discouraged(struct banman *bm, const struct net_addr *a)
{
    uint8_t k[34];
    host_key(a, k);
    pthread_mutex_lock(&bm->lock);
    bool r = rollbloom_contains(bm->discouraged, k, sizeof(k));
    pthread_mutex_unlock(&bm->lock);
    return r;
}

bool banman_refuse(void *ctx, const struct net_addr *a, bool outbound)
{
    struct banman *bm = ctx;
    if (!bm)
        return false;
    if (banman_is_banned(bm, a, (int64_t)time(NULL)))
        return true;
    return outbound && banman_is_discouraged(bm, a);
}
