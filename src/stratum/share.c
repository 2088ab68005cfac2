/* Share arithmetic and the check of one mining.submit (share.h). */
#include "src/stratum/share.h"

#include <math.h>
#include <string.h>

#include "consensus/arith256.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/hex.h"

static const char *const names[STRATUM_SHARE_RESULT_COUNT] = {
    "valid", "block", "stale", "unknown-job", "duplicate", "low-difficulty",
    "bad-extranonce2", "bad-ntime", "bad-nonce", "bad-version",
};

static const char *const messages[STRATUM_SHARE_RESULT_COUNT] = {
    "", "", "Stale job", "Job not found", "Duplicate share", "Low difficulty share",
    "Incorrect size of extranonce2", "ntime out of range", "Invalid nonce", "Invalid version bits",
};

const char *stratum_share_result_name(enum stratum_share_result r)
{
    return (unsigned)r < STRATUM_SHARE_RESULT_COUNT ? names[r] : "?";
}

const char *stratum_share_result_message(enum stratum_share_result r)
{
    return (unsigned)r < STRATUM_SHARE_RESULT_COUNT ? messages[r] : "";
}

int stratum_share_result_code(enum stratum_share_result r)
{
    switch (r) {
    case STRATUM_SHARE_VALID:
    case STRATUM_SHARE_BLOCK:
    case STRATUM_SHARE_RESULT_COUNT:
        return 0;
    case STRATUM_SHARE_STALE:
    case STRATUM_SHARE_UNKNOWN_JOB:
        return STRATUM_ERR_JOB_NOT_FOUND;
    case STRATUM_SHARE_DUPLICATE:
        return STRATUM_ERR_DUPLICATE;
    case STRATUM_SHARE_LOW_DIFFICULTY:
        return STRATUM_ERR_LOW_DIFFICULTY;
    default:
        return STRATUM_ERR_OTHER;
    }
}

/* 256-bit numbers as four little-endian 64-bit words. */
static void u256_from_bytes(uint64_t w[4], const uint8_t b[32])
{
    for (int i = 0; i < 4; i++)
        w[i] = le64_read(b + 8 * i);
}

static void u256_to_bytes(uint8_t b[32], const uint64_t w[4])
{
    for (int i = 0; i < 4; i++)
        le64_write(b + 8 * i, w[i]);
}

static unsigned u256_bits(const uint64_t w[4])
{
    for (int i = 3; i >= 0; i--)
        if (w[i])
            return (unsigned)(64 * i + 64 - __builtin_clzll(w[i]));
    return 0;
}

static void u256_shl(uint64_t w[4], unsigned s)
{
    while (s >= 64) {
        w[3] = w[2], w[2] = w[1], w[1] = w[0], w[0] = 0;
        s -= 64;
    }
    if (s)
        for (int i = 3; i >= 0; i--)
            w[i] = (w[i] << s) | (i ? w[i - 1] >> (64 - s) : 0);
}

static void u256_shr(uint64_t w[4], unsigned s)
{
    if (s >= 256) {
        memset(w, 0, 4 * sizeof(*w));
        return;
    }
    while (s >= 64) {
        w[0] = w[1], w[1] = w[2], w[2] = w[3], w[3] = 0;
        s -= 64;
    }
    if (s)
        for (int i = 0; i < 4; i++)
            w[i] = (w[i] >> s) | (i < 3 ? w[i + 1] << (64 - s) : 0);
}

static void u256_div64(uint64_t w[4], uint64_t q)
{
    unsigned __int128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned __int128 cur = (rem << 64) | w[i];
        w[i] = (uint64_t)(cur / q);
        rem = cur % q;
    }
}

/* Difficulty 1: 0xffff * 2^208. */
static void diff1(uint64_t w[4])
{
    w[0] = w[1] = w[2] = 0;
    w[3] = 0xffffull << 16;
}

static double u256_to_double(const uint64_t w[4])
{
    double d = 0;
    for (int i = 3; i >= 0; i--)
        d = d * 18446744073709551616.0 + (double)w[i];
    return d;
}

void stratum_difficulty_target(uint8_t target[32], double difficulty)
{
    uint64_t w[4];
    if (!(difficulty > 0) || !isfinite(difficulty)) {
        memset(target, 0xff, 32);
        return;
    }
    int e;
    double m = frexp(difficulty, &e);
    uint64_t q = (uint64_t)ldexp(m, 53);
    diff1(w);
    u256_div64(w, q);
    int s = 53 - e;
    if (s >= 0) {
        if (u256_bits(w) + (unsigned)s > 256) {
            memset(target, 0xff, 32);
            return;
        }
        u256_shl(w, (unsigned)s);
    } else {
        u256_shr(w, (unsigned)-s);
    }
    u256_to_bytes(target, w);
}

double stratum_hash_difficulty(const struct hash256 *hash)
{
    uint64_t h[4], d[4];
    u256_from_bytes(h, hash->b);
    diff1(d);
    double hv = u256_to_double(h);
    return hv > 0 ? u256_to_double(d) / hv : INFINITY;
}

double stratum_bits_difficulty(uint32_t bits)
{
    struct arith256 a;
    bool neg, over;
    arith256_set_compact(&a, bits, &neg, &over);
    struct hash256 t;
    arith256_to_hash(&t, &a);
    return stratum_hash_difficulty(&t);
}

/* Returns true if hash (internal byte order) <= target (little-endian). */
static bool stratum_hash_meets(const struct hash256 *hash, const uint8_t target[32])
{
    for (int i = 31; i >= 0; i--)
        if (hash->b[i] != target[i])
            return hash->b[i] < target[i];
    return true;
}

/* Parses exactly 8 hex digits as a big-endian 32-bit number. */
static bool parse_hex32(uint32_t *out, const char *s)
{
    uint8_t b[4];
    size_t n;
    if (!s || strlen(s) != 8 || !hex_decode(b, sizeof(b), &n, s) || n != 4)
        return false;
    *out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return true;
}

enum stratum_share_result stratum_share_check(struct stratum_share *out, const struct stratum_share_ctx *c,
                                              const struct miner_job *job, const struct stratum_submit *s)
{
    memset(out, 0, sizeof(*out));
    size_t en2_len;
    if (c->extranonce1_len + c->extranonce2_len != job->extranonce_len || !s->extranonce2 ||
        strlen(s->extranonce2) != 2 * c->extranonce2_len ||
        !hex_decode(out->extranonce + c->extranonce1_len, MINER_EXTRANONCE_MAX - c->extranonce1_len, &en2_len,
                    s->extranonce2) ||
        en2_len != c->extranonce2_len)
        return STRATUM_SHARE_BAD_EXTRANONCE2;
    memcpy(out->extranonce, c->extranonce1, c->extranonce1_len);
    if (!parse_hex32(&out->ntime, s->ntime) || (int64_t)out->ntime < job->time_min ||
        (int64_t)out->ntime > c->now + c->max_future)
        return STRATUM_SHARE_BAD_NTIME;
    if (!parse_hex32(&out->nonce, s->nonce))
        return STRATUM_SHARE_BAD_NONCE;
    out->version = job->tmpl.block.header.version;
    if (s->version_bits) {
        uint32_t bits;
        if (!parse_hex32(&bits, s->version_bits) || (bits & ~c->version_mask) != 0)
            return STRATUM_SHARE_BAD_VERSION;
        out->version = (int32_t)(((uint32_t)out->version & ~c->version_mask) | bits);
    }
    struct hash256 root;
    miner_job_merkle_root(job, &root, out->extranonce);
    miner_job_header(job, out->header, &root, out->version, out->ntime, out->nonce);
    sha256d(out->hash.b, out->header, 80);
    if (miner_job_hash_meets_target(job, &out->hash))
        return STRATUM_SHARE_BLOCK;
    if (!stratum_hash_meets(&out->hash, c->share_target))
        return STRATUM_SHARE_LOW_DIFFICULTY;
    return STRATUM_SHARE_VALID;
}

/* ---- duplicate set: open addressing over the hashes' first bytes ---- */

void stratum_dupset_init(struct stratum_dupset *d)
{
    memset(d, 0, sizeof(*d));
}

void stratum_dupset_clear(struct stratum_dupset *d)
{
    mem_free(d->slots);
    memset(d, 0, sizeof(*d));
}

static bool is_empty(const struct hash256 *h)
{
    static const struct hash256 zero;
    return memcmp(h, &zero, sizeof(zero)) == 0;
}

static bool put(struct hash256 *slots, size_t cap, const struct hash256 *h)
{
    size_t i = (size_t)le64_read(h->b + 8) & (cap - 1); /* the low bytes of a share hash are never zero-biased */
    for (;; i = (i + 1) & (cap - 1)) {
        if (is_empty(&slots[i])) {
            slots[i] = *h;
            return true;
        }
        if (hash256_eq(&slots[i], h))
            return false;
    }
}

bool stratum_dupset_insert(struct stratum_dupset *d, const struct hash256 *h)
{
    if (is_empty(h))
        return true; /* cannot occur for a real hash; keeps the empty marker unambiguous */
    if (2 * (d->count + 1) > d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        struct hash256 *slots = mem_calloc(cap, sizeof(*slots));
        for (size_t i = 0; i < d->cap; i++)
            if (!is_empty(&d->slots[i]))
                put(slots, cap, &d->slots[i]);
        mem_free(d->slots);
        d->slots = slots;
        d->cap = cap;
    }
    if (!put(d->slots, d->cap, h))
        return false;
    d->count++;
    return true;
}
