/* Reserve tree benchmarks (issuance/reserve_*.c).
 *
 * reserve_update: a tree of 1,000,000 vaults (in the in-memory store), then
 * blocks of 1,000 vault updates: each update spends a live vault and
 * creates its successor (a delete and an insert, 2,000 changes a block),
 * computed and written to the store. Baseline in the same run: the naive
 * rebuild of the same vault set from scratch (reserve_root_compute), i.e.
 * what a node that recomputed the tree every block would pay.
 *
 * reserve_proof: a proof for a vault of that tree in a block of 2,000
 * transactions: its size, the lookup of its path, and decoding plus
 * verification. Baseline: what a Bitcoin SPV proof of the coinbase costs
 * (the header hash and the Merkle branch), the part of the work that is
 * not the reserve tree's.
 *
 * -scale=F scales the tree size (1,000,000 x F vaults).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/merkle.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "issuance/reserve_memstore.h"
#include "issuance/reserve_proof.h"
#include "src/bench/bench.h"
#include "src/bench/bench_fixture.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

#define UPDATES_PER_BLOCK 1000
#define PROOF_BLOCK_TXS 2000

struct rb {
    struct reserve_memstore *mem;
    struct reserve_tree tree;
    struct reserve_leaf *live;
    size_t nlive;
    uint64_t next_id;
    uint64_t rng;
    struct reserve_change *ch;
    /* proof */
    uint8_t *proof;
    size_t proof_len;
    struct reserve_proof decoded;
    const struct chain_params *params;
};

static uint64_t rnd(struct rb *b)
{
    b->rng ^= b->rng >> 12;
    b->rng ^= b->rng << 25;
    b->rng ^= b->rng >> 27;
    return b->rng * 0x2545F4914F6CDD1Du;
}

/* Median CPU seconds of one fn(data, 1) over reps calls. */
static double cpu_median(void (*fn)(void *, uint64_t), void *data, int reps)
{
    double t[32];
    if (reps > 32)
        reps = 32;
    for (int i = 0; i < reps; i++) {
        double t0 = bench_thread_cpu_sec();
        fn(data, 1);
        t[i] = bench_thread_cpu_sec() - t0;
    }
    return bench_median(t, reps);
}

static void make_leaf(struct reserve_leaf *l, uint64_t id)
{
    memset(l, 0, sizeof(*l));
    uint8_t seed[8];
    le64_write(seed, id);
    sha256(l->outpoint.txid.b, seed, sizeof(seed));
    l->outpoint.n = (uint32_t)(id & 1);
    memset(l->asset_id, 0x48, 32);
    l->collateral = 100000000 + (id % 1000) * 1000000; /* 1 .. 11 HMC */
    l->debt = (id % 4) ? 5000000000 + (id % 977) * 100000000 : 0;
    sha256(l->owner_hash, seed, 4);
}

static void check(bool ok, const struct val_state *st, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench_reserve: %s failed: %s %s\n", what, st->reject, st->debug);
        exit(1);
    }
}

/* One block: UPDATES_PER_BLOCK live vaults spent, as many created. */
static void update_blocks(void *data, uint64_t iters)
{
    struct rb *b = data;
    for (uint64_t it = 0; it < iters; it++) {
        size_t k = 0;
        for (size_t i = 0; i < UPDATES_PER_BLOCK; i++) {
            /* a random live vault not chosen yet in this block: swap it to the end */
            size_t j = (size_t)(rnd(b) % (b->nlive - i));
            struct reserve_leaf tmp = b->live[j];
            b->live[j] = b->live[b->nlive - 1 - i];
            b->live[b->nlive - 1 - i] = tmp;
            b->ch[k].insert = false;
            b->ch[k++].leaf = tmp;
        }
        for (size_t i = 0; i < UPDATES_PER_BLOCK; i++) {
            b->ch[k].insert = true;
            make_leaf(&b->ch[k++].leaf, b->next_id++);
        }
        struct reserve_state s;
        struct val_state st;
        val_state_init(&st);
        check(reserve_tree_apply(&st, &s, &b->tree, b->ch, k), &st, "update");
        for (size_t i = 0; i < UPDATES_PER_BLOCK; i++)
            b->live[b->nlive - UPDATES_PER_BLOCK + i] = b->ch[UPDATES_PER_BLOCK + i].leaf;
    }
}

static void naive_rebuild(void *data, uint64_t iters)
{
    struct rb *b = data;
    for (uint64_t it = 0; it < iters; it++) {
        struct reserve_state s;
        struct val_state st;
        val_state_init(&st);
        check(reserve_root_compute(&st, &s, b->live, b->nlive), &st, "naive rebuild");
    }
}

static void find_paths(void *data, uint64_t iters)
{
    struct rb *b = data;
    struct reserve_path *path = mem_alloc(sizeof(*path));
    for (uint64_t it = 0; it < iters; it++) {
        bool found;
        struct val_state st;
        val_state_init(&st);
        check(reserve_tree_find(&st, &found, path, &b->tree, &b->live[rnd(b) % b->nlive].outpoint) && found, &st,
              "find");
    }
    mem_free(path);
}

static void decode_verify(void *data, uint64_t iters)
{
    struct rb *b = data;
    for (uint64_t it = 0; it < iters; it++) {
        struct reserve_proof p;
        struct reserve_proof_result res;
        struct val_state st;
        val_state_init(&st);
        if (!reserve_proof_decode(&p, b->proof, b->proof_len))
            check(false, &st, "decode");
        check(reserve_proof_verify(&st, &res, &p, b->params), &st, "verify");
        reserve_proof_clear(&p);
    }
}

/* Baseline: an SPV check of the same block part: header hash, coinbase
 * txid, its Merkle branch. */
static void spv_baseline(void *data, uint64_t iters)
{
    struct rb *b = data;
    const struct reserve_proof *p = &b->decoded;
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &p->coinbase, false);
    volatile uint8_t sink = 0;
    for (uint64_t it = 0; it < iters; it++) {
        struct hash256 h, bh;
        sha256d(h.b, w.data, w.len);
        for (size_t i = 0; i < p->branch_len; i++) {
            uint8_t buf[64];
            memcpy(buf, h.b, 32);
            memcpy(buf + 32, p->branch[i].b, 32);
            sha256d(h.b, buf, 64);
        }
        block_header_hash(&bh, &p->header);
        sink ^= (uint8_t)(h.b[0] ^ bh.b[0] ^ hash256_eq(&h, &p->header.merkle_root));
    }
    (void)sink;
    wbuf_clear(&w);
}

/* A block of PROOF_BLOCK_TXS transactions whose coinbase commits to the tree. */
static void build_proof(struct rb *b)
{
    struct reserve_state state;
    struct val_state st;
    val_state_init(&st);
    check(reserve_tree_state(&st, &state, &b->tree), &st, "state");
    struct reserve_commitment c;
    reserve_commitment_from_state(&c, &state);
    struct block blk;
    block_init(&blk);
    struct tx cb;
    tx_init(&cb);
    struct wbuf sig;
    wbuf_init(&sig);
    script_push_int(&sig, 123456);
    wbuf_put(&sig, "bench", 5);
    struct outpoint null = { { { 0 } }, 0xffffffffu };
    tx_add_input(&cb, &null, sig.data, sig.len, SEQUENCE_FINAL);
    wbuf_clear(&sig);
    uint8_t p2wpkh[22] = { 0x00, 0x14 };
    tx_add_output(&cb, 10 * COIN, p2wpkh, sizeof(p2wpkh));
    reserve_commitment_add(&cb, &c);
    block_add_tx(&blk, &cb);
    tx_clear(&cb);
    for (size_t i = 1; i < PROOF_BLOCK_TXS; i++) {
        struct tx tx;
        tx_init(&tx);
        struct outpoint op;
        le64_write(op.txid.b, i);
        memset(op.txid.b + 8, 0x17, 24);
        op.n = 0;
        tx_add_input(&tx, &op, NULL, 0, SEQUENCE_FINAL);
        tx_add_output(&tx, 1000, p2wpkh, sizeof(p2wpkh));
        tx_update_hashes(&tx);
        block_add_tx(&blk, &tx);
        tx_clear(&tx);
    }
    blk.header.version = 4;
    blk.header.time = 1795300000;
    blk.header.bits = b->params->pow_limit_bits;
    merkle_block_root(&blk.header.merkle_root, NULL, &blk);
    for (;; blk.header.nonce++) {
        struct hash256 h;
        block_header_hash(&h, &blk.header);
        if (pow_check(&h, blk.header.bits, b->params))
            break;
    }
    struct reserve_path *path = mem_alloc(sizeof(*path));
    bool found;
    check(reserve_tree_find(&st, &found, path, &b->tree, &b->live[b->nlive / 3].outpoint) && found, &st, "find");
    reserve_proof_init(&b->decoded);
    reserve_proof_set_path(&b->decoded, path);
    reserve_proof_set_block(&b->decoded, &blk);
    struct wbuf w;
    wbuf_init(&w);
    reserve_proof_serialize(&w, &b->decoded);
    b->proof = wbuf_detach(&w, &b->proof_len);
    printf("  reserve_proof: %zu bytes (path depth %zu, %zu Merkle branch hashes, coinbase %zu bytes)\n", b->proof_len,
           b->decoded.depth, b->decoded.branch_len, tx_size(&b->decoded.coinbase, false));
    mem_free(path);
    block_clear(&blk);
}

void bench_reserve_run(void)
{
    bool upd = bench_selected("reserve_update"), proof = bench_selected("reserve_proof");
    if (!upd && !proof)
        return;
    struct rb *b = mem_calloc(1, sizeof(*b));
    b->params = chain_params_get("regtest");
    b->rng = 0x1234567;
    b->mem = reserve_memstore_new(NULL);
    struct reserve_store s;
    reserve_memstore_store(&s, b->mem);
    reserve_tree_init(&b->tree, &s);
    size_t n = (size_t)bench_iters(1000000);
    if (n < 4 * UPDATES_PER_BLOCK)
        n = 4 * UPDATES_PER_BLOCK;
    b->live = mem_alloc(n * sizeof(*b->live));
    b->ch = mem_alloc(2 * UPDATES_PER_BLOCK * sizeof(*b->ch));

    /* Build the tree in batches of 100,000 (bounds the batch's memory). */
    double t0 = bench_now_sec();
    enum { CHUNK = 100000 };
    struct reserve_change *chunk = mem_alloc(CHUNK * sizeof(*chunk));
    while (b->nlive < n) {
        size_t k = n - b->nlive < CHUNK ? n - b->nlive : CHUNK;
        for (size_t i = 0; i < k; i++) {
            chunk[i].insert = true;
            make_leaf(&chunk[i].leaf, b->next_id++);
            b->live[b->nlive + i] = chunk[i].leaf;
        }
        struct reserve_state st_out;
        struct val_state st;
        val_state_init(&st);
        check(reserve_tree_apply(&st, &st_out, &b->tree, chunk, k), &st, "build");
        b->nlive += k;
    }
    mem_free(chunk);
    printf("  reserve tree of %zu vaults built in %.2f s: %zu records, %.0f MB in memory\n", n, bench_now_sec() - t0,
           reserve_memstore_count(b->mem), (double)reserve_memstore_usage(b->mem) / 1e6);

    if (upd) {
        double rate = run_benchmark("reserve_update 1,000 vaults (block)", update_blocks, NULL, NULL, b, 7, 10);
        double naive = run_benchmark("reserve_naive_rebuild (baseline)", naive_rebuild, NULL, NULL, b, 3, 1);
        printf("  reserve_update: %.2f ms per block of 1,000 vault updates on %zu vaults (target < 50 ms)\n",
               1e3 / rate, n);
        printf("  reserve_naive_rebuild: %.0f ms for the same %zu vaults\n", 1e3 / naive, b->nlive);
        bench_ratio("reserve_update block time", 1.0 / rate, "naive rebuild time", 1.0 / naive);
        double cpu_upd = cpu_median(update_blocks, b, 21), cpu_naive = cpu_median(naive_rebuild, b, 3);
        printf("  CPU time (this thread): %.2f ms per block of 1,000 updates, %.0f ms per naive rebuild (%.4fx)\n",
               cpu_upd * 1e3, cpu_naive * 1e3, cpu_upd / cpu_naive);
    }
    if (proof) {
        build_proof(b);
        double find = run_benchmark("reserve_proof path lookup (reserve_tree_find)", find_paths, NULL, NULL, b, 5,
                                    bench_iters(20000));
        double ver = run_benchmark("reserve_proof decode + verify", decode_verify, NULL, NULL, b, 5, bench_iters(20000));
        double spv = run_benchmark("reserve_proof SPV part only (baseline)", spv_baseline, NULL, NULL, b, 5,
                                   bench_iters(20000));
        bench_ratio("reserve_proof decode + verify time", 1.0 / ver, "SPV part time", 1.0 / spv);
        (void)find;
        mem_free(b->proof);
        reserve_proof_clear(&b->decoded);
    }
    mem_free(b->ch);
    mem_free(b->live);
    reserve_memstore_free(b->mem);
    mem_free(b);
}
