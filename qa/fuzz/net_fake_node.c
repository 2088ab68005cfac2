/* The in-memory node behind qa/fuzz/fuzz_net_process.c (see net_fake_node.h):
 * a header tree with the regtest genesis and two pre-mined branches, a
 * node_iface over it that checks proof of work, bits, connection and
 * block_check as the node does, and a mempool that accepts or rejects a
 * transaction deterministically from its bytes. Nothing touches the disk. */
#include "qa/fuzz/net_fake_node.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/block_check.h"
#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "consensus/tx.h"
#include "consensus/validation.h"
#include "net/node_iface.h"
#include "net/sync.h"
#include "net/txrelay.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

#define MAX_ENTRIES 2048 /* headers the fake chain holds per run */
#define INDEX_SLOTS 4096
#define BASE_HEIGHT 4     /* each run starts with A[1..4] active */
#define BAD_B_HEIGHT 27   /* B's block at this height fails to connect */
#define MIN_WORK_BLOCKS 9 /* minimum chain work: genesis + 8 blocks */
#define POOL_MAX 64
#define BAD_BLOCK_MARKER 0xba
#define BRANCH_A FAKE_BRANCH_A
#define BRANCH_B FAKE_BRANCH_B
#define BRANCH_B_FORK FAKE_BRANCH_B_FORK

/* ---- pre-mined blocks (built once) ---- */

static const struct chain_params *g_params;
static struct fake_block g_genesis;
static struct fake_block g_a[BRANCH_A + 1];  /* index = height; [0] unused */
static struct fake_block g_b[BRANCH_B + BRANCH_B_FORK + 1]; /* index = height; valid from BRANCH_B_FORK + 1 */
static struct arith256 g_block_work;       /* work of one regtest block */
static struct arith256 g_min_work;

/* Where the chain and mempool events go (the node's events path). */
static struct net_sync *g_sync;
static struct txrelay *g_relay;

/* ---- the fake chain (reset per input) ---- */

struct entry {
    struct hash256 hash;
    struct block_header header;
    int32_t height;
    int32_t parent; /* index, -1 for genesis */
    struct arith256 work;
    bool have_data;
    bool failed;
    const uint8_t *raw;
    size_t len;
    bool raw_owned;
};

static struct {
    struct entry e[MAX_ENTRIES];
    size_t n;
    int32_t index[INDEX_SLOTS]; /* open addressing over e, -1 empty */
    int32_t active[MAX_ENTRIES]; /* active[h] = entry of the active chain at height h */
    int32_t active_len;
} C;

/* ---- the fake mempool (reset per input) ---- */

struct pool_tx {
    struct hash256 txid, wtxid;
    uint8_t *raw_w, *raw_nw;
    size_t len_w, len_nw;
};

static struct {
    struct pool_tx tx[POOL_MAX];
    size_t n;
} M;

/* ---- the fake chain ---- */

static uint32_t slot_of(const struct hash256 *h)
{
    uint32_t v;
    memcpy(&v, h->b, sizeof(v));
    return v % INDEX_SLOTS;
}

static int32_t lookup(const struct hash256 *h)
{
    for (uint32_t s = slot_of(h);; s = (s + 1) % INDEX_SLOTS) {
        int32_t i = C.index[s];
        if (i < 0)
            return -1;
        if (hash256_eq(&C.e[i].hash, h))
            return i;
    }
}

/* Adds a header (its parent known, or -1 for genesis). Returns its index, or -1 if the tree is full. */
static int32_t add_entry(const struct block_header *hdr, const struct hash256 *hash, int32_t parent)
{
    if (C.n == MAX_ENTRIES)
        return -1;
    int32_t i = (int32_t)C.n++;
    struct entry *e = &C.e[i];
    memset(e, 0, sizeof(*e));
    e->hash = *hash;
    e->header = *hdr;
    e->parent = parent;
    struct arith256 w;
    arith256_work_from_compact(&w, hdr->bits);
    if (parent >= 0) {
        e->height = C.e[parent].height + 1;
        arith256_add(&e->work, &C.e[parent].work, &w);
        e->failed = C.e[parent].failed;
    } else {
        e->work = w;
    }
    uint32_t s = slot_of(hash);
    while (C.index[s] >= 0)
        s = (s + 1) % INDEX_SLOTS;
    C.index[s] = i;
    return i;
}

static bool in_active(int32_t i)
{
    return C.e[i].height < C.active_len && C.active[C.e[i].height] == i;
}

static int32_t ancestor_idx(int32_t i, int32_t height)
{
    if (i < 0 || height < 0 || height > C.e[i].height)
        return -1;
    if (in_active(i))
        return C.active[height];
    while (C.e[i].height > height)
        i = C.e[i].parent;
    return i;
}

static void fill_info(struct node_header_info *out, int32_t i)
{
    if (!out)
        return;
    const struct entry *e = &C.e[i];
    out->hash = e->hash;
    out->header = e->header;
    out->height = e->height;
    out->chain_work = e->work;
    out->have_data = e->have_data;
    out->in_active_chain = in_active(i);
    out->failed = e->failed;
}

static void set_tip(int32_t i)
{
    C.active_len = C.e[i].height + 1;
    for (int32_t j = i; j >= 0; j = C.e[j].parent)
        C.active[C.e[j].height] = j;
}

static bool fake_ibd(void)
{
    return C.active_len - 1 < BASE_HEIGHT + 2;
}

/* Core's ActivateBestChain, simplified: the most-work entry whose whole chain has data and is valid. */
static void activate_best(void)
{
    int32_t tip = C.active[C.active_len - 1];
    int32_t best = tip;
    for (size_t i = 0; i < C.n; i++) {
        const struct entry *e = &C.e[i];
        if (!e->have_data || e->failed || arith256_cmp(&e->work, &C.e[best].work) <= 0)
            continue;
        bool complete = true;
        for (int32_t j = (int32_t)i; j >= 0 && !in_active(j); j = C.e[j].parent)
            if (!C.e[j].have_data || C.e[j].failed) {
                complete = false;
                break;
            }
        if (complete)
            best = (int32_t)i;
    }
    if (best == tip)
        return;
    set_tip(best);
    /* The chain events path: the node forwards a new tip to net_sync_new_tip. */
    net_sync_new_tip(g_sync, &C.e[best].hash, C.e[best].height, fake_ibd());
}

static int32_t ni_tip(void *ctx, struct hash256 *hash, struct arith256 *work)
{
    (void)ctx;
    int32_t t = C.active[C.active_len - 1];
    if (hash)
        *hash = C.e[t].hash;
    if (work)
        *work = C.e[t].work;
    return C.e[t].height;
}

static bool ni_best_header(void *ctx, struct node_header_info *out)
{
    (void)ctx;
    int32_t best = C.active[C.active_len - 1];
    for (size_t i = 0; i < C.n; i++)
        if (!C.e[i].failed && arith256_cmp(&C.e[i].work, &C.e[best].work) > 0)
            best = (int32_t)i;
    fill_info(out, best);
    return true;
}

static bool ni_header_info(void *ctx, struct node_header_info *out, const struct hash256 *hash)
{
    (void)ctx;
    int32_t i = lookup(hash);
    if (i < 0)
        return false;
    fill_info(out, i);
    return true;
}

static bool ni_ancestor(void *ctx, struct node_header_info *out, const struct hash256 *hash, int32_t height)
{
    (void)ctx;
    int32_t a = ancestor_idx(lookup(hash), height);
    if (a < 0)
        return false;
    fill_info(out, a);
    return true;
}

static bool ni_fork_point(void *ctx, struct node_header_info *out, const struct hash256 *hash)
{
    (void)ctx;
    int32_t i = lookup(hash);
    if (i < 0)
        return false;
    while (!in_active(i))
        i = C.e[i].parent;
    fill_info(out, i);
    return true;
}

static size_t ni_window(void *ctx, struct node_block_status *out, const struct hash256 *hash, int32_t from, int32_t to)
{
    (void)ctx;
    int32_t i = lookup(hash);
    if (i < 0)
        return 0;
    if (to > C.e[i].height)
        to = C.e[i].height;
    if (from < 0 || from > to)
        return 0;
    size_t n = (size_t)(to - from + 1);
    for (int32_t a = ancestor_idx(i, to); a >= 0 && C.e[a].height >= from; a = C.e[a].parent) {
        struct node_block_status *o = &out[C.e[a].height - from];
        o->hash = C.e[a].hash;
        o->have_data = C.e[a].have_data;
        o->in_active_chain = in_active(a);
        o->failed = C.e[a].failed;
    }
    return n;
}

static bool ni_locator(void *ctx, struct hash256 **hashes, size_t *count, const struct hash256 *from)
{
    (void)ctx;
    *hashes = NULL;
    *count = 0;
    int32_t i = from ? lookup(from) : C.active[C.active_len - 1];
    if (i < 0)
        return false;
    struct hash256 *v = mem_alloc(sizeof(*v) * 64);
    size_t n = 0;
    int32_t step = 1;
    while (i >= 0 && n < 63) {
        v[n++] = C.e[i].hash;
        if (C.e[i].height == 0)
            break;
        int32_t h = C.e[i].height - step;
        i = ancestor_idx(i, h < 0 ? 0 : h);
        if (n > 10)
            step *= 2;
    }
    if (!hash256_eq(&v[n - 1], &C.e[0].hash))
        v[n++] = C.e[0].hash;
    *hashes = v;
    *count = n;
    return true;
}

static size_t ni_headers_after_locator(void *ctx, struct block_header *out, size_t max, const struct hash256 *locator,
                                       size_t count, const struct hash256 *hash_stop)
{
    (void)ctx;
    if (max > NODE_MAX_HEADERS_RESULTS)
        max = NODE_MAX_HEADERS_RESULTS;
    bool have_stop = hash_stop && !hash256_is_zero(hash_stop);
    size_t n = 0;
    if (count == 0) {
        int32_t i = have_stop ? lookup(hash_stop) : -1;
        if (i >= 0 && max > 0)
            out[n++] = C.e[i].header;
        return n;
    }
    int32_t start = -1;
    for (size_t k = 0; k < count && start < 0; k++) {
        int32_t i = lookup(&locator[k]);
        if (i >= 0 && in_active(i))
            start = i;
    }
    if (start < 0)
        start = C.active[0];
    for (int32_t h = C.e[start].height + 1; h < C.active_len && n < max; h++) {
        const struct entry *e = &C.e[C.active[h]];
        out[n++] = e->header;
        if (have_stop && hash256_eq(&e->hash, hash_stop))
            break;
    }
    return n;
}

/* The header rules the fake enforces: proof of work, regtest bits, a sane timestamp. */
static bool check_header(struct val_state *st, const struct block_header *h, const struct hash256 *hash, int32_t parent)
{
    if (!pow_check(hash, h->bits, g_params))
        return val_invalid(st, VAL_BLOCK_INVALID_HEADER, "high-hash");
    if (C.e[parent].failed)
        return val_invalid(st, VAL_BLOCK_INVALID_PREV, "bad-prevblk");
    if (h->bits != g_params->pow_limit_bits)
        return val_invalid(st, VAL_BLOCK_INVALID_HEADER, "bad-diffbits");
    if ((int64_t)h->time + 3600 < (int64_t)C.e[parent].header.time)
        return val_invalid(st, VAL_BLOCK_INVALID_HEADER, "time-too-old");
    return true;
}

static bool ni_accept_headers(void *ctx, struct val_state *st, struct node_header_info *last,
                              const struct block_header *headers, size_t count, const struct arith256 *min_work)
{
    (void)ctx;
    val_state_init(st);
    if (count == 0)
        return true;
    if (count > NODE_MAX_HEADERS_RESULTS)
        abort(); /* net/sync.c must cap a headers message before calling */
    if (min_work) {
        int32_t parent = lookup(&headers[0].prev_hash);
        if (parent < 0)
            return val_invalid(st, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found");
        struct arith256 work = C.e[parent].work, w;
        for (size_t i = 0; i < count; i++) {
            arith256_work_from_compact(&w, headers[i].bits);
            arith256_add(&work, &work, &w);
        }
        if (arith256_cmp(&work, min_work) < 0)
            return val_invalid(st, VAL_BLOCK_HEADER_LOW_WORK, "too-little-chainwork");
    }
    for (size_t k = 0; k < count; k++) {
        struct hash256 h;
        block_header_hash(&h, &headers[k]);
        int32_t i = lookup(&h);
        if (i >= 0) {
            if (C.e[i].failed)
                return val_invalid(st, VAL_BLOCK_CACHED_INVALID, "duplicate");
        } else {
            int32_t parent = lookup(&headers[k].prev_hash);
            if (parent < 0)
                return val_invalid(st, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found");
            if (!check_header(st, &headers[k], &h, parent))
                return false;
            i = add_entry(&headers[k], &h, parent);
            if (i < 0)
                return val_error(st, "block tree full");
        }
        fill_info(last, i);
    }
    return true;
}

static bool coinbase_is_bad(const struct block *b)
{
    if (b->tx_count == 0 || b->txs[0].vin_count == 0)
        return false;
    const struct bytes *ss = &b->txs[0].vin[0].script_sig;
    return ss->len > 0 && ss->data[ss->len - 1] == BAD_BLOCK_MARKER;
}

static enum node_block_result ni_process_block(void *ctx, struct val_state *st, const struct block *b, bool requested,
                                               bool min_pow_checked)
{
    (void)ctx;
    val_state_init(st);
    struct hash256 h;
    block_hash(&h, b);
    int32_t i = lookup(&h);
    if (i >= 0 && C.e[i].failed) {
        val_invalid(st, VAL_BLOCK_CACHED_INVALID, "duplicate");
        return NODE_BLOCK_INVALID;
    }
    if (i >= 0 && C.e[i].have_data)
        return NODE_BLOCK_DUPLICATE;
    int32_t prev = lookup(&b->header.prev_hash);
    if (!requested && prev >= 0) {
        /* The chain's rule for unrequested blocks, reduced to its work test: less than the tip is checked, not stored. */
        struct arith256 w;
        arith256_work_from_compact(&w, b->header.bits);
        arith256_add(&w, &w, &C.e[prev].work);
        if (arith256_cmp(&w, &C.e[C.active[C.active_len - 1]].work) < 0) {
            if (!block_check(st, b, g_params, true, true))
                return NODE_BLOCK_INVALID;
            /* Not stored; its header is if the caller checked its work (min_pow_checked). */
            struct node_header_info last;
            if (min_pow_checked && !ni_accept_headers(ctx, st, &last, &b->header, 1, NULL))
                return st->mode == VAL_ERROR ? NODE_BLOCK_ERROR : NODE_BLOCK_INVALID;
            return NODE_BLOCK_IGNORED;
        }
    }
    if (!block_check(st, b, g_params, true, true))
        return NODE_BLOCK_INVALID;
    if (i < 0) {
        int32_t parent = lookup(&b->header.prev_hash);
        if (parent < 0) {
            val_invalid(st, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found");
            return NODE_BLOCK_ERROR;
        }
        if (!check_header(st, &b->header, &h, parent))
            return NODE_BLOCK_INVALID;
        i = add_entry(&b->header, &h, parent);
        if (i < 0) {
            val_error(st, "block tree full");
            return NODE_BLOCK_ERROR;
        }
    }
    struct entry *e = &C.e[i];
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, b, true);
    e->raw = wbuf_detach(&w, &e->len);
    e->raw_owned = true;
    e->have_data = true;
    if (coinbase_is_bad(b)) {
        /* Stored, then failed while connecting (as the real node reports it). */
        e->failed = true;
        for (size_t k = 0; k < C.n; k++)
            for (int32_t j = (int32_t)k; j >= 0 && !in_active(j); j = C.e[j].parent)
                if (j == i) {
                    C.e[k].failed = true;
                    break;
                }
        val_invalid(st, VAL_BLOCK_CONSENSUS, "bad-cb-amount");
        return NODE_BLOCK_INVALID;
    }
    activate_best();
    return NODE_BLOCK_NEW;
}

static bool ni_read_block_raw(void *ctx, uint8_t **data, size_t *len, const struct hash256 *hash)
{
    (void)ctx;
    *data = NULL;
    *len = 0;
    int32_t i = lookup(hash);
    if (i < 0 || !C.e[i].have_data || !C.e[i].raw)
        return false;
    *data = mem_dup(C.e[i].raw, C.e[i].len);
    *len = C.e[i].len;
    return true;
}

static bool ni_is_ibd(void *ctx)
{
    (void)ctx;
    return fake_ibd();
}

/* ---- the fake mempool ---- */

static int pool_find(const struct hash256 *id, bool is_wtxid)
{
    for (size_t i = 0; i < M.n; i++)
        if (hash256_eq(is_wtxid ? &M.tx[i].wtxid : &M.tx[i].txid, id))
            return (int)i;
    return -1;
}

static void pool_drop(size_t i)
{
    mem_free(M.tx[i].raw_w);
    mem_free(M.tx[i].raw_nw);
    M.tx[i] = M.tx[--M.n];
}

static bool ni_accept_tx(void *ctx, struct val_state *st, const struct tx *tx)
{
    (void)ctx;
    val_state_init(st);
    if (pool_find(&tx->txid, false) >= 0)
        return val_invalid(st, VAL_TX_CONFLICT, "txn-already-in-mempool");
    if (tx->vin_count == 0)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vin-empty");
    if (tx->vout_count == 0)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vout-empty");
    /* A coin exists if its txid's first byte is even (confirmed) or its transaction is in the pool. */
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct hash256 *prev = &tx->vin[i].prevout.txid;
        if ((prev->b[0] & 1) && pool_find(prev, false) < 0)
            return val_invalid(st, VAL_TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent");
    }
    switch (tx->wtxid.b[1] & 15) {
    case 0:
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-in-belowout");
    case 1:
        return val_invalid(st, VAL_TX_MEMPOOL_POLICY, "min relay fee not met");
    case 2:
        return val_invalid(st, VAL_TX_WITNESS_MUTATED, "bad-witness-nonstandard");
    default:
        break;
    }
    if (M.n == POOL_MAX)
        pool_drop(0); /* full: the oldest goes, as a size-limited mempool trims */
    struct pool_tx *p = &M.tx[M.n++];
    p->txid = tx->txid;
    p->wtxid = tx->wtxid;
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, tx, true);
    p->raw_w = wbuf_detach(&w, &p->len_w);
    wbuf_init(&w);
    tx_serialize(&w, tx, false);
    p->raw_nw = wbuf_detach(&w, &p->len_nw);
    /* The chain events path: the node forwards tx_added to txrelay_tx_added. */
    txrelay_tx_added(g_relay, &tx->txid, &tx->wtxid, 1000 + (int64_t)tx->wtxid.b[2] * 100, (int64_t)p->len_nw);
    return true;
}

static bool ni_have_tx(void *ctx, const struct hash256 *id, bool is_wtxid)
{
    (void)ctx;
    return pool_find(id, is_wtxid) >= 0;
}

static bool ni_get_tx_raw(void *ctx, uint8_t **data, size_t *len, int64_t *fee_out, int64_t *vsize_out,
                          const struct hash256 *id, bool is_wtxid, bool with_witness)
{
    (void)ctx;
    *data = NULL;
    *len = 0;
    int i = pool_find(id, is_wtxid);
    if (i < 0)
        return false;
    const struct pool_tx *p = &M.tx[i];
    *data = with_witness ? mem_dup(p->raw_w, p->len_w) : mem_dup(p->raw_nw, p->len_nw);
    *len = with_witness ? p->len_w : p->len_nw;
    if (fee_out)
        *fee_out = 1000 + (int64_t)p->wtxid.b[2] * 100;
    if (vsize_out)
        *vsize_out = (int64_t)p->len_nw;
    return true;
}

static void ni_fee_info(void *ctx, struct node_fee_info *out)
{
    (void)ctx;
    out->min_fee = 1000 + (int64_t)M.n * 500; /* rises as the pool fills */
    out->min_relay_feerate = 1000;
    out->incremental_relay_feerate = 1000;
}

/* ---- pre-mining ---- */

static void mine(struct fake_block *out, const struct hash256 *prev, int32_t height, uint32_t time, uint8_t tag,
                 bool bad)
{
    struct block b;
    block_init(&b);
    struct tx cb;
    tx_init(&cb);
    struct outpoint null_prev;
    memset(&null_prev, 0, sizeof(null_prev));
    null_prev.n = 0xffffffffu;
    uint8_t ss[6] = { 3, (uint8_t)height, (uint8_t)(height >> 8), 0, tag, bad ? BAD_BLOCK_MARKER : 0x51 };
    tx_add_input(&cb, &null_prev, ss, sizeof(ss), SEQUENCE_FINAL);
    const uint8_t op_true = 0x51;
    tx_add_output(&cb, chain_params_block_subsidy(g_params, height), &op_true, 1);
    tx_update_hashes(&cb);
    block_add_tx(&b, &cb);
    tx_clear(&cb);
    b.header.version = 4;
    b.header.prev_hash = *prev;
    b.header.time = time;
    b.header.bits = g_params->pow_limit_bits;
    bool mutated;
    merkle_block_root(&b.header.merkle_root, &mutated, &b);
    for (b.header.nonce = 0;; b.header.nonce++) {
        block_header_hash(&out->hash, &b.header);
        if (pow_check(&out->hash, b.header.bits, g_params))
            break;
    }
    out->header = b.header;
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &b, true);
    out->raw = wbuf_detach(&w, &out->len);
    block_clear(&b);
}

void fake_node_init(void)
{
    g_params = chain_params_get("regtest");
    struct block gb;
    chain_params_genesis_build(&gb, g_params);
    g_genesis.header = gb.header;
    block_hash(&g_genesis.hash, &gb);
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &gb, true);
    g_genesis.raw = wbuf_detach(&w, &g_genesis.len);
    block_clear(&gb);

    const struct hash256 *prev = &g_genesis.hash;
    for (int32_t h = 1; h <= BRANCH_A; h++) {
        mine(&g_a[h], prev, h, g_genesis.header.time + 600u * (uint32_t)h, 0xa, false);
        prev = &g_a[h].hash;
    }
    prev = &g_a[BRANCH_B_FORK].hash;
    for (int32_t h = BRANCH_B_FORK + 1; h <= BRANCH_B_FORK + BRANCH_B; h++) {
        mine(&g_b[h], prev, h, g_genesis.header.time + 600u * (uint32_t)h + 1, 0xb, h == BAD_B_HEIGHT);
        prev = &g_b[h].hash;
    }
    arith256_work_from_compact(&g_block_work, g_params->pow_limit_bits);
    arith256_mul_u32(&g_min_work, &g_block_work, MIN_WORK_BLOCKS);
}

void fake_node_reset(struct net_sync *sync, struct txrelay *relay)
{
    g_sync = sync;
    g_relay = relay;
    for (size_t i = 0; i < C.n; i++)
        if (C.e[i].raw_owned)
            mem_free((void *)C.e[i].raw);
    C.n = 0;
    memset(C.index, 0xff, sizeof(C.index));
    int32_t g = add_entry(&g_genesis.header, &g_genesis.hash, -1);
    C.e[g].have_data = true;
    C.e[g].raw = g_genesis.raw;
    C.e[g].len = g_genesis.len;
    int32_t parent = g;
    for (int32_t h = 1; h <= BASE_HEIGHT; h++) {
        int32_t i = add_entry(&g_a[h].header, &g_a[h].hash, parent);
        C.e[i].have_data = true;
        C.e[i].raw = g_a[h].raw;
        C.e[i].len = g_a[h].len;
        parent = i;
    }
    set_tip(parent);
    while (M.n)
        pool_drop(M.n - 1);
}

/* ---- the API (net_fake_node.h) ---- */

void fake_node_iface(struct node_iface *out)
{
    *out = (struct node_iface){
        .ctx = NULL,
        .params = g_params,
        .tip = ni_tip,
        .best_header = ni_best_header,
        .header_info = ni_header_info,
        .ancestor = ni_ancestor,
        .window = ni_window,
        .fork_point = ni_fork_point,
        .locator = ni_locator,
        .headers_after_locator = ni_headers_after_locator,
        .accept_headers = ni_accept_headers,
        .process_block = ni_process_block,
        .read_block_raw = ni_read_block_raw,
        .is_initial_download = ni_is_ibd,
        .accept_tx = ni_accept_tx,
        .have_tx = ni_have_tx,
        .get_tx_raw = ni_get_tx_raw,
        .fee_info = ni_fee_info,
    };
}

const struct fake_block *fake_node_genesis(void)
{
    return &g_genesis;
}

const struct fake_block *fake_node_block(bool branch_b, int32_t height)
{
    if (branch_b)
        return height > FAKE_BRANCH_B_FORK && height <= FAKE_BRANCH_B_FORK + FAKE_BRANCH_B ? &g_b[height] : NULL;
    return height >= 1 && height <= FAKE_BRANCH_A ? &g_a[height] : NULL;
}

const struct arith256 *fake_node_min_work(void)
{
    return &g_min_work;
}

size_t fake_node_pool_count(void)
{
    return M.n;
}

const struct hash256 *fake_node_pool_id(size_t i, bool wtxid)
{
    return wtxid ? &M.tx[i].wtxid : &M.tx[i].txid;
}

void fake_node_stats(struct fake_node_stats *out)
{
    out->tip_height = C.active_len - 1;
    out->headers = C.n;
    out->max_headers = MAX_ENTRIES;
    out->pool = M.n;
    out->max_pool = POOL_MAX;
}
