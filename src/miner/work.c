/* Mining jobs: the coinbase split around its extranonce, the cached Merkle
 * branch, headers and blocks for a point of the work space (work.h). */
#include "src/miner/work.h"

#include <string.h>

#include "consensus/arith256.h"
#include "consensus/script.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/wbuf.h"

/* The coinbase scriptSig: BIP 34 height push, then a direct push of the
 * extranonce field (len <= 75, so its opcode is the length itself). */
static void script_sig(struct wbuf *w, int32_t height, const uint8_t *extranonce, size_t len)
{
    script_push_int(w, height);
    script_push_data(w, extranonce, len);
}

/* Replaces the coinbase scriptSig of b with this extranonce and rehashes it. */
static void set_coinbase_extranonce(struct tx *cb, int32_t height, const uint8_t *extranonce, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
    script_sig(&w, height, extranonce, len);
    bytes_clear(&cb->vin[0].script_sig);
    bytes_set(&cb->vin[0].script_sig, w.data, w.len);
    wbuf_clear(&w);
    tx_update_hashes(cb);
}

/* The sibling hashes on the path from leaf 0 to the root (odd levels
 * duplicate their last hash, as the tree itself does). */
static void build_branch(struct miner_job *job, const struct block *b)
{
    size_t n = b->tx_count;
    job->branch = NULL;
    job->branch_len = 0;
    if (n <= 1)
        return;
    struct hash256 *level = mem_alloc((n + 1) * sizeof(*level)); /* + 1: an odd level's duplicate */
    for (size_t i = 0; i < n; i++)
        level[i] = b->txs[i].txid; /* level[0] is never read: it is the coinbase's path */
    size_t depth = 0;
    for (size_t m = n; m > 1; m = (m + 1) / 2)
        depth++;
    job->branch = mem_alloc(depth * sizeof(*job->branch));
    while (n > 1) {
        if (n % 2)
            level[n] = level[n - 1], n++;
        job->branch[job->branch_len++] = level[1];
        for (size_t i = 1; i < n / 2; i++) {
            uint8_t pair[64];
            memcpy(pair, level[2 * i].b, 32);
            memcpy(pair + 32, level[2 * i + 1].b, 32);
            sha256d(level[i].b, pair, 64);
        }
        n /= 2;
    }
    mem_free(level);
}

bool miner_job_init(struct miner_job *job, struct block_template *t, size_t extranonce_len, uint32_t version_mask)
{
    memset(job, 0, sizeof(*job));
    struct arith256 target;
    bool negative, overflow;
    arith256_set_compact(&target, t->block.header.bits, &negative, &overflow);
    if (extranonce_len == 0 || extranonce_len > MINER_EXTRANONCE_MAX || t->block.tx_count == 0 || negative ||
        overflow || arith256_is_zero(&target)) {
        block_template_clear(t);
        return false;
    }
    job->tmpl = *t;
    memset(t, 0, sizeof(*t));
    block_init(&t->block);
    struct hash256 th;
    arith256_to_hash(&th, &target);
    memcpy(job->target, th.b, 32);
    job->time_min = job->tmpl.mtp + 1;
    job->version_mask = version_mask;
    job->extranonce_len = extranonce_len;

    struct tx *cb = &job->tmpl.block.txs[0];
    uint8_t zero[MINER_EXTRANONCE_MAX] = { 0 };
    set_coinbase_extranonce(cb, job->tmpl.height, zero, extranonce_len);
    if (cb->vin[0].script_sig.len > 100) {
        miner_job_clear(job);
        return false;
    }
    /* Where the field sits in the serialisation without witness: version,
     * input count, prevout, scriptSig length, the height push, the push
     * opcode. The scriptSig is at most 100 bytes: its length is one byte. */
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, cb, false);
    size_t off = 4 + 1 + 36 + 1 + (cb->vin[0].script_sig.len - 1 - extranonce_len) + 1;
    job->coinb1_len = off;
    job->coinb1 = mem_alloc(off);
    memcpy(job->coinb1, w.data, off);
    job->coinb2_len = w.len - off - extranonce_len;
    job->coinb2 = mem_alloc(job->coinb2_len ? job->coinb2_len : 1);
    memcpy(job->coinb2, w.data + off + extranonce_len, job->coinb2_len);
    wbuf_clear(&w);
    build_branch(job, &job->tmpl.block);
    return true;
}

void miner_job_clear(struct miner_job *job)
{
    block_template_clear(&job->tmpl);
    mem_free(job->coinb1);
    mem_free(job->coinb2);
    mem_free(job->branch);
    memset(job, 0, sizeof(*job));
}

void miner_job_coinbase_txid(const struct miner_job *job, struct hash256 *txid, const uint8_t *extranonce)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, job->coinb1, job->coinb1_len);
    sha256_write(&ctx, extranonce, job->extranonce_len);
    sha256_write(&ctx, job->coinb2, job->coinb2_len);
    sha256d_finalize(&ctx, txid->b);
}

void miner_job_merkle_root(const struct miner_job *job, struct hash256 *root, const uint8_t *extranonce)
{
    miner_job_coinbase_txid(job, root, extranonce);
    uint8_t pair[64];
    for (size_t i = 0; i < job->branch_len; i++) {
        memcpy(pair, root->b, 32);
        memcpy(pair + 32, job->branch[i].b, 32);
        sha256d(root->b, pair, 64);
    }
}

void miner_job_header(const struct miner_job *job, uint8_t out[80], const struct hash256 *root, int32_t version,
                      uint32_t time, uint32_t nonce)
{
    struct block_header h = job->tmpl.block.header;
    h.version = version;
    h.merkle_root = *root;
    h.time = time;
    h.nonce = nonce;
    block_header_serialize_raw(out, &h);
}

void miner_job_block(const struct miner_job *job, struct block *out, const uint8_t *extranonce, int32_t version,
                     uint32_t time, uint32_t nonce)
{
    const struct block *src = &job->tmpl.block;
    block_init(out);
    for (size_t i = 0; i < src->tx_count; i++)
        block_add_tx(out, &src->txs[i]);
    set_coinbase_extranonce(&out->txs[0], job->tmpl.height, extranonce, job->extranonce_len);
    out->header = src->header;
    out->header.version = version;
    out->header.time = time;
    out->header.nonce = nonce;
    miner_job_merkle_root(job, &out->header.merkle_root, extranonce);
}

bool miner_job_hash_meets_target(const struct miner_job *job, const struct hash256 *hash)
{
    for (int i = 31; i >= 0; i--)
        if (hash->b[i] != job->target[i])
            return hash->b[i] < job->target[i];
    return true;
}

void miner_target_shift(uint8_t target[32], unsigned bits)
{
    for (; bits >= 8; bits -= 8) {
        memmove(target, target + 1, 31);
        target[31] = 0;
    }
    if (bits) {
        for (int i = 0; i < 32; i++)
            target[i] = (uint8_t)((target[i] >> bits) | (i < 31 ? target[i + 1] << (8 - bits) : 0));
    }
}

int32_t miner_version_roll(int32_t base, uint32_t mask, uint32_t index)
{
    uint32_t v = (uint32_t)base & ~mask;
    for (uint32_t bit = 1; bit && mask; bit <<= 1) {
        if (!(mask & bit))
            continue;
        if (index & 1)
            v |= bit;
        index >>= 1;
        mask &= ~bit;
    }
    return (int32_t)v;
}

uint64_t miner_version_count(uint32_t mask)
{
    return 1ULL << __builtin_popcount(mask);
}

void miner_nonce_slice(uint32_t *first, uint64_t *count, unsigned index, unsigned n)
{
    const uint64_t space = 1ULL << 32;
    if (n == 0)
        n = 1;
    uint64_t lo = space * index / n, hi = space * (index + 1) / n;
    *first = (uint32_t)lo;
    *count = hi - lo;
}

void miner_unit_of(struct miner_unit *out, uint64_t u, uint64_t versions)
{
    if (versions == 0)
        versions = 1;
    out->version_index = (uint32_t)(u % versions);
    out->extranonce = u / versions;
}

void miner_extranonce_encode(uint8_t *out, size_t len, const uint8_t *prefix, size_t prefix_len, uint64_t counter)
{
    if (prefix_len > len)
        prefix_len = len;
    memcpy(out, prefix, prefix_len);
    for (size_t i = prefix_len; i < len; i++) {
        out[i] = (uint8_t)counter;
        counter >>= 8;
    }
}
