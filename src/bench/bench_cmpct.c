/* Relaying one full block between two instances of net/'s block encodings:
 * compact (BIP 152: cmpctblock, rebuilt from the receiver's mempool) against
 * the full `block` message. Each op is one relay: the sender encodes, the
 * receiver decodes and rebuilds the block, checks its merkle root, and ends
 * with the same struct block either way (the validation that follows is the
 * same for both and left out). Bytes are counted on the wire: 24-byte message
 * header + payload, summed over the messages of the exchange. Baseline: the
 * full block message. The real two-node, loopback figure is
 * qa/bench/p2p_cmpct_bench.py (doc/benchmarks.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/merkle.h"
#include "consensus/tx.h"
#include "net/blockencodings.h"
#include "net/messages.h"
#include "src/bench/bench.h"
#include "src/util/alloc.h"

#define BLOCK_TXS 2000
#define POOL_EXTRA 2000 /* unrelated mempool transactions the receiver also holds */
#define MISSING_EVERY 100 /* the "missing" variant: every 100th transaction is not in the mempool */
#define MSG_HEADER 24

struct cmpct_bench {
    struct block b;
    struct tx *pool; /* the receiver's mempool */
    size_t npool;
    bool missing;
    size_t wire_bytes; /* of the last relay */
};

/* A two-in, two-out P2WPKH spend, unique per seed. */
static void make_tx(struct tx *tx, uint32_t seed)
{
    tx_init(tx);
    uint8_t sig[72] = { 0x30 }, pub[33] = { 0x02 }, spk[22] = { 0x00, 0x14 };
    for (uint32_t i = 0; i < 2; i++) {
        struct outpoint op;
        memset(&op, 0, sizeof(op));
        memcpy(op.txid.b, &seed, sizeof(seed));
        op.n = i;
        sig[10] = (uint8_t)seed;
        struct txin *in = tx_add_input(tx, &op, NULL, 0, 0xfffffffd);
        txin_witness_push(in, sig, sizeof(sig));
        txin_witness_push(in, pub, sizeof(pub));
        tx_add_output(tx, 100000 * (i + 1), spk, sizeof(spk));
    }
    tx_update_hashes(tx);
}

static void setup(struct cmpct_bench *cb, bool missing)
{
    memset(cb, 0, sizeof(*cb));
    cb->missing = missing;
    block_init(&cb->b);
    cb->b.header.version = 0x20000000;
    cb->b.header.bits = 0x207fffff;
    struct tx t;
    tx_init(&t);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffff;
    uint8_t sig[4] = { 0x03, 1, 2, 3 }, spk[1] = { 0x51 };
    tx_add_input(&t, &null_op, sig, sizeof(sig), 0xffffffff);
    tx_add_output(&t, 1000000000, spk, sizeof(spk));
    tx_update_hashes(&t);
    block_add_tx(&cb->b, &t);
    tx_clear(&t);
    cb->pool = mem_calloc(BLOCK_TXS + POOL_EXTRA, sizeof(struct tx));
    for (uint32_t i = 1; i < BLOCK_TXS; i++) {
        make_tx(&t, i);
        block_add_tx(&cb->b, &t);
        if (!missing || i % MISSING_EVERY != 0)
            tx_copy(&cb->pool[cb->npool++], &t);
        tx_clear(&t);
    }
    for (uint32_t i = 0; i < POOL_EXTRA; i++)
        make_tx(&cb->pool[cb->npool++], 1000000 + i);
    merkle_block_root(&cb->b.header.merkle_root, NULL, &cb->b);
}

static void teardown(struct cmpct_bench *cb)
{
    for (size_t i = 0; i < cb->npool; i++)
        tx_clear(&cb->pool[i]);
    mem_free(cb->pool);
    block_clear(&cb->b);
}

static void full_loop(void *data, uint64_t iters)
{
    struct cmpct_bench *cb = data;
    for (uint64_t it = 0; it < iters; it++) {
        struct wbuf w;
        wbuf_init(&w);
        net_msg_block_serialize(&w, &cb->b);
        struct block got;
        bool ok = net_msg_block_parse(&got, NULL, w.data, w.len);
        struct hash256 root;
        bool mutated;
        if (ok) {
            merkle_block_root(&root, &mutated, &got);
            block_clear(&got);
        }
        cb->wire_bytes = MSG_HEADER + w.len;
        wbuf_clear(&w);
    }
}

static void compact_loop(void *data, uint64_t iters)
{
    struct cmpct_bench *cb = data;
    for (uint64_t it = 0; it < iters; it++) {
        size_t bytes = 0;
        /* Sender: the cmpctblock. */
        struct cmpct_block c;
        cmpct_block_from_block(&c, &cb->b, it + 1);
        struct wbuf w;
        wbuf_init(&w);
        cmpct_block_serialize(&w, &c);
        cmpct_block_clear(&c);
        bytes += MSG_HEADER + w.len;
        /* Receiver: parse, match the mempool. */
        struct cmpct_block rc;
        if (!cmpct_block_parse(&rc, w.data, w.len))
            abort();
        wbuf_clear(&w);
        struct cmpct_partial pb;
        if (cmpct_partial_init(&pb, &rc) != CMPCT_OK)
            abort();
        cmpct_block_clear(&rc);
        for (size_t i = 0; i < cb->npool && cmpct_partial_missing_count(&pb) > 0; i++)
            (void)cmpct_partial_offer(&pb, &cb->pool[i], true);
        size_t nmiss = cmpct_partial_missing_count(&pb);
        struct cmpct_blocktxn bt;
        memset(&bt, 0, sizeof(bt));
        if (nmiss) {
            /* getblocktxn there, blocktxn back. */
            uint32_t *idx = mem_alloc(nmiss * sizeof(*idx));
            size_t k = cmpct_partial_missing(&pb, idx, nmiss);
            struct hash256 h;
            block_hash(&h, &cb->b);
            wbuf_init(&w);
            cmpct_getblocktxn_serialize(&w, &h, idx, k);
            bytes += MSG_HEADER + w.len;
            struct cmpct_getblocktxn g;
            if (!cmpct_getblocktxn_parse(&g, w.data, w.len))
                abort();
            wbuf_clear(&w);
            const struct tx **txs = mem_alloc(g.count * sizeof(*txs));
            for (size_t i = 0; i < g.count; i++)
                txs[i] = &cb->b.txs[g.indexes[i]];
            wbuf_init(&w);
            cmpct_blocktxn_serialize(&w, &h, txs, g.count);
            bytes += MSG_HEADER + w.len;
            mem_free(txs);
            cmpct_getblocktxn_clear(&g);
            mem_free(idx);
            if (!cmpct_blocktxn_parse(&bt, w.data, w.len))
                abort();
            wbuf_clear(&w);
        }
        struct block got;
        if (cmpct_partial_fill(&pb, &got, bt.txs, bt.count) != CMPCT_OK)
            abort();
        block_clear(&got);
        cmpct_blocktxn_clear(&bt);
        cmpct_partial_clear(&pb);
        cb->wire_bytes = bytes;
    }
}

void bench_cmpct_run(void)
{
    if (!bench_selected("cmpct_relay"))
        return;
    struct cmpct_bench full, all, miss;
    setup(&full, false);
    setup(&all, false);
    setup(&miss, true);
    char name[160];
    snprintf(name, sizeof(name), "cmpct_relay full block message (%d txs, %zu bytes)", BLOCK_TXS,
             block_size(&full.b, true));
    double f = run_benchmark(name, full_loop, NULL, NULL, &full, 5, bench_iters(20));
    double a = run_benchmark("cmpct_relay compact, all in the receiver's mempool (4,000 txs)", compact_loop, NULL, NULL,
                             &all, 5, bench_iters(20));
    double m = run_benchmark("cmpct_relay compact, 1 % missing (getblocktxn/blocktxn)", compact_loop, NULL, NULL, &miss,
                             5, bench_iters(20));
    printf("  cmpct_relay bytes on the wire: full %zu, compact %zu (%.2f %%), compact with 1 %% missing %zu (%.2f %%)\n",
           full.wire_bytes, all.wire_bytes, 100.0 * (double)all.wire_bytes / (double)full.wire_bytes,
           miss.wire_bytes, 100.0 * (double)miss.wire_bytes / (double)full.wire_bytes);
    bench_ratio("cmpct_relay compact (time per relay)", 1.0 / a, "full block", 1.0 / f);
    bench_ratio("cmpct_relay compact 1 % missing (time per relay)", 1.0 / m, "full block", 1.0 / f);
    teardown(&full);
    teardown(&all);
    teardown(&miss);
}
