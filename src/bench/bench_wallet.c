/* Wallet benchmarks (wallet/, doc/wallet.md).
 *
 * Setup (not timed): a wallet with 100,000 transactions and 20,000 unspent
 * coins (bench_hashmint -scale=F scales both), reached the way real use
 * reaches it: synthetic blocks handed to the wallet's block-connected
 * listener by a fake node (struct wallet_chain), one SQLite transaction per
 * block, as src/node/wallet_glue.c forwards the chain's events. The history
 * repeats 3 receipts (a foreign input paying one of 1,000 receiving
 * addresses) and 2 spends (two of the oldest coins to a foreign payee plus
 * change to the wallet), 500 transactions a block. Signatures are left out:
 * the wallet's block path never verifies them.
 *
 * Timed, each the median latency of several calls:
 *  - getbalance (wallet_balances_json), listunspent (wallet_list_unspent),
 *    coin selection for a 0.1 HMC payment (wallet_fund: fundrawtransaction
 *    without signing), sendtoaddress (wallet_send: select, sign, store in
 *    one SQL transaction, submit to the fake node, which accepts);
 *  - rescanblockchain over every block (wallet_rescan, the fake node
 *    decoding each stored block on read).
 * Baselines in the same run: for getbalance/listunspent, one pass over the
 *    same history's outputs with a plain open-addressing spent set (the
 *    least any balance over this history costs); for coin selection,
 *    coinsel_select alone over the same coin values; for the rescan, plain
 *    decode of the same blocks plus a walk over every input and output (the
 *    part of a scan no wallet can skip). Block connect of the chain is not
 *    the baseline: these synthetic blocks carry no signatures, and a real
 *    connect is dominated by script checks the wallet does not do.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/amount.h"
#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "src/bench/bench.h"
#include "src/bench/bench_fixture.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"
#include "wallet/coinselect.h"
#include "wallet/wallet.h"

#define WB_TXS 100000u
#define WB_ADDRESSES 1000u
#define WB_TXS_PER_BLOCK 500u
#define WB_REPS 9

struct wb_block {
    uint8_t *raw;
    size_t len;
    struct wallet_block_info info;
};

struct wb_node {
    const struct chain_params *p;
    struct wb_block *blocks; /* blocks[0] is genesis (no raw) */
    size_t nblocks;
    struct wallet_chain_listener l;
    size_t submitted;
};

struct wb_fixture {
    char dir[64];
    struct wb_node node;
    struct wallet_chain chain;
    struct wallet_context *ctx;
    struct wallet *w;
    uint8_t (*mine)[ADDRESS_MAX_SCRIPT];
    size_t *mine_len;
    size_t ntxs, nutxos;
    size_t nforeign; /* payments to others: unspent outputs the wallet does not own */
    double feed_secs, feed_cpu; /* the block-connected feed alone: wall, CPU */
    int64_t *utxo_values; /* the values of the unspent coins, for the selection baseline */
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- the fake node ---- */

static void n_lock(void *ctx) { (void)ctx; }
static void n_unlock(void *ctx) { (void)ctx; }

static bool n_tip(void *ctx, struct wallet_block_info *out)
{
    struct wb_node *n = ctx;
    *out = n->blocks[n->nblocks - 1].info;
    return true;
}

static bool n_block_at(void *ctx, struct wallet_block_info *out, int32_t height)
{
    struct wb_node *n = ctx;
    if (height < 0 || (size_t)height >= n->nblocks)
        return false;
    *out = n->blocks[height].info;
    return true;
}

static bool n_find(void *ctx, struct wallet_block_info *out, bool *active, int32_t *fork, const struct hash256 *h)
{
    struct wb_node *n = ctx;
    for (size_t i = 0; i < n->nblocks; i++) {
        if (hash256_eq(&n->blocks[i].info.hash, h)) {
            *out = n->blocks[i].info;
            *active = true;
            *fork = (int32_t)i;
            return true;
        }
    }
    return false;
}

static bool n_read(void *ctx, struct block *out, const struct hash256 *h)
{
    struct wb_node *n = ctx;
    for (size_t i = n->nblocks; i-- > 1;)
        if (hash256_eq(&n->blocks[i].info.hash, h))
            return block_decode(out, n->blocks[i].raw, n->blocks[i].len, true);
    return false;
}

static bool n_submit(void *ctx, const struct tx *tx, bool test_only, int64_t max_fee, char *err, size_t errlen)
{
    struct wb_node *n = ctx;
    (void)err;
    (void)errlen;
    (void)tx;
    (void)max_fee;
    if (!test_only)
        n->submitted++;
    return true;
}

static bool n_in_mempool(void *ctx, const struct hash256 *txid)
{
    (void)ctx;
    (void)txid;
    return false;
}

static int64_t n_min_fee(void *ctx)
{
    (void)ctx;
    return 1000;
}

static int n_subscribe(void *ctx, const struct wallet_chain_listener *l)
{
    struct wb_node *n = ctx;
    n->l = *l;
    return 1;
}

static void n_unsubscribe(void *ctx, int id)
{
    struct wb_node *n = ctx;
    (void)id;
    memset(&n->l, 0, sizeof(n->l));
}

static bool n_get_coin(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    (void)ctx;
    (void)out;
    (void)height;
    (void)coinbase;
    (void)op;
    return false;
}

static bool n_issuance(void *ctx, struct issuance_state *out, int32_t *tip_height)
{
    (void)ctx;
    (void)out;
    (void)tip_height;
    return false;
}

/* ---- building the history ---- */

static void random_hash(struct hash256 *h)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = rng_next();
        memcpy(h->b + 8 * i, &v, 8);
    }
}

static void foreign_script(uint8_t spk[22])
{
    spk[0] = 0x00;
    spk[1] = 0x14;
    for (int i = 0; i < 20; i += 8) {
        uint64_t v = rng_next();
        memcpy(spk + 2 + i, &v, i + 8 <= 20 ? 8 : 4);
    }
}

/* Appends block (txs so far) at the next height, serialised, and hands it to the wallet's listener. */
static bool push_block(struct wb_fixture *f, struct block *b)
{
    struct wb_node *n = &f->node;
    const struct wb_block *prev = &n->blocks[n->nblocks - 1];
    b->header.version = 0x20000000;
    b->header.prev_hash = prev->info.hash;
    b->header.time = (uint32_t)(prev->info.time + 600);
    b->header.nonce = (uint32_t)n->nblocks;
    random_hash(&b->header.merkle_root); /* never checked: a distinct hash per block */
    n->blocks = mem_realloc(n->blocks, (n->nblocks + 1) * sizeof(*n->blocks));
    struct wb_block *nb = &n->blocks[n->nblocks];
    struct wbuf wb;
    wbuf_init(&wb);
    block_serialize(&wb, b, true);
    nb->raw = wbuf_detach(&wb, &nb->len);
    block_header_hash(&nb->info.hash, &b->header);
    nb->info.prev = b->header.prev_hash; /* prev pointed into the array the realloc may have moved */
    nb->info.height = (int32_t)n->nblocks;
    nb->info.time = b->header.time;
    n->nblocks++;
    if (!n->l.block_connected)
        return false;
    n->l.block_connected(n->l.ctx, b, &nb->info);
    return true;
}

/* A coinbase paying a foreign script (the wallet sees and skips it). */
static void add_coinbase(struct block *b, int32_t height)
{
    struct tx cb;
    tx_init(&cb);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    uint8_t sig[8] = { 4, (uint8_t)height, (uint8_t)(height >> 8), (uint8_t)(height >> 16), 0, 'w', 'b', 0 };
    tx_add_input(&cb, &null_op, sig, sizeof(sig), SEQUENCE_FINAL);
    uint8_t spk[22];
    foreign_script(spk);
    tx_add_output(&cb, 50 * COIN, spk, sizeof(spk));
    tx_update_hashes(&cb);
    block_add_tx(b, &cb);
    tx_clear(&cb);
}

static bool build_history(struct wb_fixture *f, size_t ntxs)
{
    /* FIFO of the wallet's coins: spends take the oldest two */
    struct outpoint *q = mem_alloc(ntxs * sizeof(*q));
    int64_t *qv = mem_alloc(ntxs * sizeof(*qv));
    size_t qh = 0, qt = 0;
    struct block b;
    block_init(&b);
    add_coinbase(&b, 1);
    bool ok = true;
    double feed = 0;
    for (size_t i = 0; i < ntxs && ok; i++) {
        struct tx t;
        tx_init(&t);
        if (i % 5 < 3 || qt - qh < 2) {
            struct outpoint op;
            random_hash(&op.txid);
            op.n = (uint32_t)(rng_next() % 4);
            tx_add_input(&t, &op, NULL, 0, 0xfffffffdu);
            size_t a = (size_t)(rng_next() % WB_ADDRESSES);
            int64_t v = 100000 + (int64_t)(rng_next() % (COIN / 2));
            tx_add_output(&t, v, f->mine[a], f->mine_len[a]);
            tx_update_hashes(&t);
            q[qt] = (struct outpoint){ t.txid, 0 };
            qv[qt++] = v;
        } else {
            int64_t in = qv[qh] + qv[qh + 1];
            tx_add_input(&t, &q[qh++], NULL, 0, 0xfffffffdu);
            tx_add_input(&t, &q[qh++], NULL, 0, 0xfffffffdu);
            uint8_t spk[22];
            foreign_script(spk);
            int64_t pay = in / 2, fee = 2000;
            tx_add_output(&t, pay, spk, sizeof(spk));
            f->nforeign++;
            size_t a = (size_t)(rng_next() % WB_ADDRESSES);
            tx_add_output(&t, in - pay - fee, f->mine[a], f->mine_len[a]);
            tx_update_hashes(&t);
            q[qt] = (struct outpoint){ t.txid, 1 };
            qv[qt++] = in - pay - fee;
        }
        block_add_tx(&b, &t);
        tx_clear(&t);
        if (b.tx_count == WB_TXS_PER_BLOCK + 1 || i + 1 == ntxs) {
            double t0 = bench_now_sec(), u0 = bench_thread_cpu_sec();
            ok = push_block(f, &b);
            feed += bench_now_sec() - t0;
            f->feed_cpu += bench_thread_cpu_sec() - u0;
            block_clear(&b);
            block_init(&b);
            add_coinbase(&b, (int32_t)f->node.nblocks);
        }
    }
    block_clear(&b);
    f->feed_secs = feed;
    f->ntxs = ntxs;
    f->nutxos = qt - qh;
    f->utxo_values = mem_alloc((f->nutxos ? f->nutxos : 1) * sizeof(int64_t));
    memcpy(f->utxo_values, qv + qh, f->nutxos * sizeof(int64_t));
    mem_free(q);
    mem_free(qv);
    return ok;
}

static bool fixture_init(struct wb_fixture *f, size_t ntxs)
{
    memset(f, 0, sizeof(*f));
    f->node.p = chain_params_get("regtest");
    if (!bench_temp_dir(f->dir, sizeof(f->dir), "wallet"))
        return false;
    /* genesis: height 0, no stored block (the wallet starts there) */
    f->node.blocks = mem_calloc(1, sizeof(*f->node.blocks));
    struct block g;
    chain_params_genesis_build(&g, f->node.p);
    block_hash(&f->node.blocks[0].info.hash, &g);
    f->node.blocks[0].info.time = g.header.time;
    block_clear(&g);
    f->node.nblocks = 1;
    f->chain = (struct wallet_chain){ .ctx = &f->node, .params = f->node.p, .lock = n_lock, .unlock = n_unlock,
                                      .tip = n_tip, .block_at = n_block_at, .find_block = n_find,
                                      .read_block = n_read, .submit_tx = n_submit, .in_mempool = n_in_mempool,
                                      .min_fee_rate = n_min_fee, .subscribe = n_subscribe,
                                      .unsubscribe = n_unsubscribe, .get_coin = n_get_coin,
                                      .issuance_state = n_issuance };
    struct wallet_options o;
    wallet_options_init(&o, f->node.p);
    o.fallback_fee = 10000; /* 10 sat/vB: regtest has no estimate here */
    f->ctx = wallet_context_new(&f->chain, f->node.p, f->dir, &o);
    struct wallet_error e = { 0, "" };
    struct wallet_create_flags fl = { 0 };
    if (!wallet_context_create(f->ctx, &e, "bench", &fl) || !(f->w = wallet_context_pick(f->ctx, &e, "bench"))) {
        fprintf(stderr, "bench_wallet: %s\n", e.message);
        return false;
    }
    f->mine = mem_alloc(WB_ADDRESSES * sizeof(*f->mine));
    f->mine_len = mem_alloc(WB_ADDRESSES * sizeof(*f->mine_len));
    for (size_t i = 0; i < WB_ADDRESSES; i++) {
        char addr[91];
        if (!wallet_new_address(f->w, &e, addr, "bech32", false, NULL) ||
            !address_to_script(f->mine[i], &f->mine_len[i], &f->node.p->address, addr)) {
            fprintf(stderr, "bench_wallet: getnewaddress: %s\n", e.message);
            return false;
        }
    }
    return build_history(f, ntxs);
}

static void fixture_free(struct wb_fixture *f)
{
    wallet_release(f->w);
    wallet_context_free(f->ctx);
    for (size_t i = 1; i < f->node.nblocks; i++)
        mem_free(f->node.blocks[i].raw);
    mem_free(f->node.blocks);
    mem_free(f->mine);
    mem_free(f->mine_len);
    mem_free(f->utxo_values);
    bench_rm_tree(f->dir);
}

/* ---- baselines ---- */

/* A plain open-addressing set of outpoints. */
struct op_set {
    struct outpoint *slots;
    bool *used;
    size_t mask;
};

static uint64_t op_key(const struct outpoint *op)
{
    uint64_t k;
    memcpy(&k, op->txid.b, 8);
    return (k ^ (op->n * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
}

static void op_set_init(struct op_set *s, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap <<= 1;
    s->slots = mem_alloc(cap * sizeof(*s->slots));
    s->used = mem_calloc(cap, sizeof(bool));
    s->mask = cap - 1;
}

static void op_set_add(struct op_set *s, const struct outpoint *op)
{
    size_t h = (size_t)(op_key(op) >> 7) & s->mask;
    while (s->used[h])
        h = (h + 1) & s->mask;
    s->slots[h] = *op;
    s->used[h] = true;
}

static bool op_set_has(const struct op_set *s, const struct outpoint *op)
{
    for (size_t h = (size_t)(op_key(op) >> 7) & s->mask; s->used[h]; h = (h + 1) & s->mask)
        if (s->slots[h].n == op->n && hash256_eq(&s->slots[h].txid, &op->txid))
            return true;
    return false;
}

static void op_set_free(struct op_set *s)
{
    mem_free(s->slots);
    mem_free(s->used);
}

/* The history decoded once, for the balance baseline. */
struct history {
    struct tx *txs;
    size_t n;
    struct op_set spent;
};

static void history_load(struct history *h, const struct wb_node *n)
{
    memset(h, 0, sizeof(*h));
    size_t cap = 0;
    for (size_t i = 1; i < n->nblocks; i++) {
        struct block b;
        if (!block_decode(&b, n->blocks[i].raw, n->blocks[i].len, true))
            abort();
        if (h->n + b.tx_count > cap) {
            cap = (h->n + b.tx_count) * 2;
            h->txs = mem_realloc(h->txs, cap * sizeof(*h->txs));
        }
        for (size_t k = 0; k < b.tx_count; k++) {
            tx_init(&h->txs[h->n]);
            tx_copy(&h->txs[h->n], &b.txs[k]);
            h->txs[h->n].txid = b.txs[k].txid;
            h->n++;
        }
        block_clear(&b);
    }
    size_t nin = 0;
    for (size_t i = 0; i < h->n; i++)
        nin += h->txs[i].vin_count;
    op_set_init(&h->spent, nin);
    for (size_t i = 0; i < h->n; i++)
        for (size_t k = 0; k < h->txs[i].vin_count; k++)
            op_set_add(&h->spent, &h->txs[i].vin[k].prevout);
}

static void history_free(struct history *h)
{
    for (size_t i = 0; i < h->n; i++)
        tx_clear(&h->txs[i]);
    mem_free(h->txs);
    op_set_free(&h->spent);
}

static volatile int64_t sink;

/* One pass over every output with one spent-set lookup each. Returns the unspent count. */
static size_t history_unspent(const struct history *h, int64_t *total)
{
    size_t count = 0;
    int64_t sum = 0;
    for (size_t i = 0; i < h->n; i++) {
        const struct tx *t = &h->txs[i];
        for (uint32_t k = 0; k < t->vout_count; k++) {
            struct outpoint op = { t->txid, k };
            if (!op_set_has(&h->spent, &op)) {
                sum += t->vout[k].value;
                count++;
            }
        }
    }
    *total = sum;
    return count;
}

/* ---- timed calls ---- */

static double last_cpu; /* median CPU seconds of the last timed figure */

static void print_latency(const char *name, double secs)
{
    printf("%-48s %12.3f ms  (cpu %.3f ms)\n", name, secs * 1e3, last_cpu * 1e3);
    fflush(stdout);
}

/* Prints the ratio of two figures on wall time and on CPU time (the machine may be shared). */
static void ratio2(const char *name, double wall, double cpu, const char *base_name, double base_wall,
                   double base_cpu)
{
    printf("  %-46s %8.3gx %s (cpu: %.3gx)\n", name, base_wall > 0 ? wall / base_wall : 0, base_name,
           base_cpu > 0 ? cpu / base_cpu : 0);
}

struct call {
    struct wb_fixture *f;
    int64_t amount;
    size_t count;
    bool ok;
};

static void call_balance(struct call *c)
{
    int64_t trusted = 0;
    json_t *j = wallet_balances_json(c->f->w, &trusted);
    c->ok = j != NULL;
    json_decref(j);
    sink += trusted;
}

static void call_listunspent(struct call *c)
{
    struct wallet_error e = { 0, "" };
    json_t *j = wallet_list_unspent(c->f->w, &e, 1, 9999999, NULL, true);
    c->ok = j != NULL;
    c->count = j ? json_array_size(j) : 0;
    json_decref(j);
}

static void call_fund(struct call *c)
{
    struct wallet_error e = { 0, "" };
    struct tx tx;
    tx_init(&tx);
    uint8_t spk[22];
    foreign_script(spk);
    tx_add_output(&tx, c->amount, spk, sizeof(spk));
    struct wallet_send_options so;
    wallet_send_options_init(&so, c->f->w);
    int64_t fee = 0;
    int change_pos = -1;
    c->ok = wallet_fund(c->f->w, &e, &tx, &fee, &change_pos, NULL, &so);
    if (!c->ok)
        fprintf(stderr, "bench_wallet: fund: %s\n", e.message);
    c->count = tx.vin_count;
    tx_clear(&tx);
}

static void call_send(struct call *c)
{
    struct wallet_error e = { 0, "" };
    struct wallet_recipient r;
    memset(&r, 0, sizeof(r));
    foreign_script(r.script);
    r.script_len = 22;
    r.amount = c->amount;
    struct wallet_send_options so;
    wallet_send_options_init(&so, c->f->w);
    struct hash256 txid;
    int64_t fee = 0;
    c->ok = wallet_send(c->f->w, &e, &txid, &fee, &r, 1, &so);
    if (!c->ok)
        fprintf(stderr, "bench_wallet: send: %s\n", e.message);
}

static void call_rescan(struct call *c)
{
    struct wallet_error e = { 0, "" };
    json_t *j = wallet_rescan(c->f->w, &e, 1, -1); /* genesis is not stored here */
    c->ok = j != NULL;
    if (!c->ok)
        fprintf(stderr, "bench_wallet: rescan: %s\n", e.message);
    json_decref(j);
}

/* Median latency of reps calls (one untimed warm-up). Returns -1 on failure. */
static double time_call(void (*fn)(struct call *), struct call *c, int reps)
{
    double t[WB_REPS], u[WB_REPS];
    if (reps > WB_REPS)
        reps = WB_REPS;
    fn(c);
    for (int i = 0; i < reps && c->ok; i++) {
        double t0 = bench_now_sec(), u0 = bench_thread_cpu_sec();
        fn(c);
        t[i] = bench_now_sec() - t0;
        u[i] = bench_thread_cpu_sec() - u0;
    }
    if (!c->ok)
        return -1;
    last_cpu = bench_median(u, reps);
    return bench_median(t, reps);
}

static double time_history_pass(const struct history *h, size_t *count)
{
    double t[WB_REPS], u[WB_REPS];
    for (int i = 0; i < WB_REPS; i++) {
        int64_t sum;
        double t0 = bench_now_sec(), u0 = bench_thread_cpu_sec();
        *count = history_unspent(h, &sum);
        t[i] = bench_now_sec() - t0;
        u[i] = bench_thread_cpu_sec() - u0;
        sink += sum;
    }
    last_cpu = bench_median(u, WB_REPS);
    return bench_median(t, WB_REPS);
}

static double time_coinsel(const struct wb_fixture *f, int64_t amount, size_t *count)
{
    size_t n = f->nutxos;
    struct coinsel_coin *coins = mem_alloc((n ? n : 1) * sizeof(*coins));
    const int64_t in_fee = 68 * 10, lt_fee = 68 * 10; /* P2WPKH input, 10 sat/vB */
    for (size_t i = 0; i < n; i++)
        coins[i] = (struct coinsel_coin){ f->utxo_values[i], in_fee, lt_fee };
    struct coinsel_target t = { amount + 110 * 10, 31 * 10, 31 * 10 + 68 * 10, 294 };
    double s[WB_REPS], u[WB_REPS];
    uint64_t rng = 0x1234567;
    for (int i = 0; i < WB_REPS; i++) {
        struct coinsel_result r;
        double t0 = bench_now_sec(), u0 = bench_thread_cpu_sec();
        bool ok = coinsel_select(&r, coins, n, &t, &rng);
        s[i] = bench_now_sec() - t0;
        u[i] = bench_thread_cpu_sec() - u0;
        *count = ok ? r.count : 0;
        if (ok)
            coinsel_result_clear(&r);
    }
    mem_free(coins);
    last_cpu = bench_median(u, WB_REPS);
    return bench_median(s, WB_REPS);
}

/* Decode of every stored block plus a walk over its inputs and outputs. */
static double time_decode_pass(const struct wb_node *n)
{
    double t[WB_REPS], u[WB_REPS];
    for (int r = 0; r < WB_REPS; r++) {
        int64_t acc = 0;
        double t0 = bench_now_sec(), u0 = bench_thread_cpu_sec();
        for (size_t i = 1; i < n->nblocks; i++) {
            struct block b;
            if (!block_decode(&b, n->blocks[i].raw, n->blocks[i].len, true))
                abort();
            for (size_t k = 0; k < b.tx_count; k++) {
                for (size_t j = 0; j < b.txs[k].vin_count; j++)
                    acc += b.txs[k].vin[j].prevout.n;
                for (size_t j = 0; j < b.txs[k].vout_count; j++)
                    acc += b.txs[k].vout[j].value + (int64_t)b.txs[k].vout[j].script_pubkey.len;
            }
            block_clear(&b);
        }
        t[r] = bench_now_sec() - t0;
        u[r] = bench_thread_cpu_sec() - u0;
        sink += acc;
    }
    last_cpu = bench_median(u, WB_REPS);
    return bench_median(t, WB_REPS);
}

void bench_wallet_run(void)
{
    if (!bench_selected("wallet"))
        return;
    keys_init();
    log_open(NULL, false);
    size_t ntxs = (size_t)bench_iters(WB_TXS);
    if (ntxs < 50)
        ntxs = 50;
    struct wb_fixture f;
    double t0 = bench_now_sec();
    if (!fixture_init(&f, ntxs)) {
        fprintf(stderr, "bench_wallet: building the wallet failed\n");
        fixture_free(&f);
        return;
    }
    double built = bench_now_sec() - t0;
    size_t nblocks = f.node.nblocks - 1;
    printf("wallet: %zu transactions (%zu unspent coins) in %zu blocks; setup %.1f s, of which the block-connected"
           " feed %.2f s, cpu %.2f s (%.0f tx/s, %.2f ms/block)\n",
           f.ntxs, f.nutxos, nblocks, built, f.feed_secs, f.feed_cpu, (double)f.ntxs / f.feed_secs,
           f.feed_secs * 1e3 / (double)nblocks);

    struct history h;
    history_load(&h, &f.node);
    size_t base_count = 0;
    double base = time_history_pass(&h, &base_count);
    print_latency("wallet plain pass over outputs + spent set (baseline)", base);
    double base_cpu = last_cpu;
    /* it walks every output: the payments to others and the coinbases count there too */
    if (base_count != f.nutxos + f.nforeign + nblocks)
        printf("  plain pass found %zu unspent outputs, expected %zu\n", base_count, f.nutxos + f.nforeign + nblocks);

    struct call c = { .f = &f, .amount = COIN / 10 };
    double bal = time_call(call_balance, &c, WB_REPS);
    print_latency("wallet getbalance", bal);
    ratio2("wallet getbalance", bal, last_cpu, "plain pass", base, base_cpu);
    double lu = time_call(call_listunspent, &c, WB_REPS);
    print_latency("wallet listunspent", lu);
    ratio2("wallet listunspent", lu, last_cpu, "plain pass", base, base_cpu);
    if (c.count != f.nutxos)
        printf("  listunspent returned %zu coins, expected %zu\n", c.count, f.nutxos);

    size_t sel_count = 0;
    double sel_base = time_coinsel(&f, c.amount, &sel_count);
    print_latency("wallet coinsel_select alone, same coins (baseline)", sel_base);
    double sel_cpu = last_cpu;
    double fund = time_call(call_fund, &c, WB_REPS);
    print_latency("wallet coin selection 0.1 HMC (fundrawtransaction)", fund);
    double fund_cpu = last_cpu;
    ratio2("wallet coin selection", fund, fund_cpu, "coinsel_select alone", sel_base, sel_cpu);
    printf("  inputs chosen: %zu by the wallet, %zu by coinsel_select alone\n", c.count, sel_count);
    double send = time_call(call_send, &c, WB_REPS);
    print_latency("wallet sendtoaddress 0.1 HMC (select+sign+commit)", send);
    ratio2("wallet sendtoaddress", send, last_cpu, "coin selection", fund, fund_cpu);

    double dec = time_decode_pass(&f.node);
    print_latency("wallet decode+walk of the blocks (baseline)", dec);
    double dec_cpu = last_cpu;
    double rescan = time_call(call_rescan, &c, 3);
    double rescan_cpu = last_cpu;
    print_latency("wallet rescanblockchain over every block", rescan);
    if (rescan > 0) {
        printf("  %-46s %10.0f tx/s  %8.2f ms/block\n", "wallet rescan", (double)(f.ntxs + nblocks) / rescan,
               rescan * 1e3 / (double)nblocks);
        ratio2("wallet rescan", rescan, rescan_cpu, "decode+walk", dec, dec_cpu);
        ratio2("wallet rescan", rescan, rescan_cpu, "first block-connected feed", f.feed_secs, f.feed_cpu);
    }
    fflush(stdout);
    history_free(&h);
    fixture_free(&f);
}
