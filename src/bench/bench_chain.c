/* Node benchmarks (src/chain, src/store).
 *
 * chain_connect: a regtest chain of full blocks (close to 4,000,000 weight)
 * of 1-in-1-out P2WPKH spends with real signatures, built once and kept
 * serialised, then parsed and connected with chainstate_process_new_block
 * into a FRESH chainstate (new data directory, empty script cache, so
 * nothing is skipped) with -par=2 and -par=1. Every spent coin pays to its
 * own key, as on a real chain, so no cache of parsed keys can help.
 * Baselines in the same run, on the same number of threads: libsecp256k1
 * verifying the same signatures with signature and key pre-parsed (the
 * ceiling no validator can beat, and the figure the 0.85x target is
 * against), and the same with each key and signature parsed first
 * ("parse + verify": what a validator that knows nothing else must pay).
 *
 * chain_accept_small: coinbase-only blocks processed into a fresh
 * chainstate, with the block index batch each accepted block writes (the
 * crash durability of doc/chainstate.md) against the same run with those
 * entries written only at the flush (defer_index_writes): the cost of
 * that batch where it weighs the most.
 *
 * chain_issuance: the issuance layer's share of connecting those full
 * blocks of ordinary transactions: the same per-block pass the chainstate
 * runs inside ConnectBlock (issuance_tx_check and issuance_state_apply_tx
 * for every transaction, coinbase included, in block order; the reserve
 * tree's changes, update and commitment check), timed alone over the timed
 * blocks with their spent coins, against the connect time of the same
 * blocks measured in the same run (par=2). doc/issuance.md asks for < 5 %.
 *
 * chain_utxo: random lookups of existing and missing coins through the
 * chainstate (hot cache, then cold after a flush: every lookup reads
 * through to LevelDB), through LevelDB directly (coins_db_get_coin) and
 * through a bare coins cache (no chain lock, no copy). Baseline: a
 * plain open-addressing table holding the same outpoints, hashed with the
 * same salted SipHash, i.e. the least any in-memory UTXO map pays for the
 * key hash and the memory access on a table of this size.
 */
#define _XOPEN_SOURCE 700
#include <pthread.h>
#include <secp256k1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consensus/block.h"
#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "issuance/reserve_commitment.h"
#include "src/bench/bench.h"
#include "src/bench/bench_fixture.h"
#include "src/chain/chainstate.h"
#include "src/chain/chainstate_internal.h"
#include "src/chain/coins_view.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "src/crypto/siphash.h"
#include "src/store/coins_db.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* Blocks are filled up to this weight (the limit is 4,000,000; the
 * coinbase and a little slack fit in the rest). */
#define FILL_WEIGHT 3990000u
/* Outputs per fan-out transaction that creates the coins the blocks spend. */
#define FANOUT_OUTPUTS 8000u
/* Fan-out transactions per setup block (3 x ~1M weight). */
#define FANOUT_PER_BLOCK 3u
/* Weight of one signed 1-in-1-out P2WPKH spend is 437 or 438. */
#define SPEND_WEIGHT_MIN 437u
/* Timed repetitions of each connect mode (median reported). */
#define CONNECT_REPS 3
/* Timed repetitions of each small-block acceptance mode (median reported). */
#define ACCEPT_REPS 9

static const uint8_t SECKEY[32] = { 0x3a, 0x91, 0x0c, 0x5e, 0x77, 0x12, 0xd4, 0x8b, 0x2f, 0x60, 0xe9,
                                    0x04, 0xb1, 0x5c, 0x33, 0x7d, 0x48, 0xa2, 0x1f, 0xc6, 0x09, 0xde,
                                    0x53, 0x8e, 0x71, 0x2b, 0x94, 0x0d, 0xe8, 0x66, 0x3f, 0x15 };

struct raw_block {
    uint8_t *data;
    size_t len;
};

/* A P2WPKH key: its secret, compressed public key, scriptPubKey and BIP 143 script code. */
struct bench_key {
    uint8_t sec[32];
    uint8_t pub[33];
    uint8_t spk[22];
    uint8_t code[25];
};

/* One signature of the timed blocks: pre-parsed for the ceiling, serialised
 * for the parse + verify baseline. */
struct sig_rec {
    uint8_t msg[32];
    secp256k1_ecdsa_signature sig;
    secp256k1_pubkey pubkey;
    const uint8_t *pub; /* 33 bytes, in the fixture's keys */
    uint8_t der[72];
    size_t der_len;
};

struct fixture {
    const struct chain_params *p;
    struct bench_key base; /* SECKEY: coinbases, fan-out inputs and the timed outputs pay to it */
    uint8_t spk[22];       /* base.spk */
    struct bench_key *keys; /* one per fan-out output, so each timed input spends from its own key */
    size_t nkeys;
    struct hash256 prev_hash; /* tip while building */
    uint32_t prev_time;
    int32_t height;
    uint32_t bits;
    struct raw_block *setup; /* untimed: coinbases, maturity, fan-out */
    size_t nsetup;
    struct raw_block *timed; /* the full blocks */
    size_t ntimed;
    uint64_t timed_inputs;
    uint64_t timed_weight;
    struct sig_rec *sigs;     /* one per timed input */
    size_t nsigs;
    struct outpoint *live;    /* the timed blocks' outputs: unspent at the end */
    size_t nlive;
};

/* CPU seconds of the whole process (every thread): unlike the wall clock,
 * barely moved by other jobs on a shared machine, so the work a connect
 * costs against the ceiling stays comparable there (it cannot show the
 * overlap between threads, which only the wall clock does). */
static double cpu_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Same layout as run_benchmark's lines. */
static void print_rate(const char *name, double per_sec, const char *unit)
{
    printf("%-48s %14.*f %s/s  %10.1f ns/%s\n", name, per_sec < 100 ? 2 : 0, per_sec, unit,
           per_sec > 0 ? 1e9 / per_sec : 0, unit);
    fflush(stdout);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng_next(void)
{
    /* xorshift64*: cheap enough not to weigh on a lookup loop */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- temporary data directories ---- */

static int64_t bench_adjusted_time(void)
{
    /* regtest genesis time + 30 days: the blocks are never "time-too-new" */
    return 1795219200 + 30 * 86400;
}

static struct chainstate *open_chainstate_ex(const struct fixture *fx, char dir[64], int par, bool defer_index)
{
    if (!bench_temp_dir(dir, 64, "chain"))
        return NULL;
    struct chainstate_options o;
    chainstate_options_init(&o);
    o.params = fx->p;
    o.datadir = dir;
    o.par = par;
    o.check_blocks = 0;
    o.adjusted_time = bench_adjusted_time;
    o.defer_index_writes = defer_index;
    struct chainstate *cs = NULL;
    char err[512];
    if (chainstate_open(&cs, &o, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench_chain: chainstate_open: %s\n", err);
        bench_rm_tree(dir);
        return NULL;
    }
    return cs;
}

static struct chainstate *open_chainstate(const struct fixture *fx, char dir[64], int par)
{
    return open_chainstate_ex(fx, dir, par, false);
}

/* ---- building the chain ---- */

/* Fills k from its secret key k->sec. */
static void key_make(struct bench_key *k)
{
    size_t len = sizeof(k->pub);
    if (!keys_pubkey_create(k->pub, &len, k->sec, true) || len != sizeof(k->pub))
        abort();
    uint8_t h160[20];
    ripemd160_hash160(h160, k->pub, len);
    k->spk[0] = 0x00;
    k->spk[1] = 0x14;
    memcpy(k->spk + 2, h160, 20);
    k->code[0] = 0x76;
    k->code[1] = 0xa9;
    k->code[2] = 0x14;
    memcpy(k->code + 3, h160, 20);
    k->code[23] = 0x88;
    k->code[24] = 0xac;
}

static void keys_setup(struct fixture *fx)
{
    memcpy(fx->base.sec, SECKEY, 32);
    key_make(&fx->base);
    memcpy(fx->spk, fx->base.spk, sizeof(fx->spk));
}

/* n distinct keys, secret i = SHA-256("hashmint bench key" || i LE64). */
static void keys_derive(struct fixture *fx, size_t n)
{
    static const char tag[] = "hashmint bench key";
    fx->keys = mem_alloc((n ? n : 1) * sizeof(*fx->keys));
    fx->nkeys = n;
    for (size_t i = 0; i < n; i++) {
        uint8_t buf[sizeof(tag) - 1 + 8];
        memcpy(buf, tag, sizeof(tag) - 1);
        le64_write(buf + sizeof(tag) - 1, (uint64_t)i);
        sha256(fx->keys[i].sec, buf, sizeof(buf));
        key_make(&fx->keys[i]);
    }
}

/* Signs input 0 of a one-input tx spending `value` from key's P2WPKH output;
 * records the signature if rec. */
static void sign_input(struct tx *tx, int64_t value, struct bench_key *key, struct sig_rec *rec)
{
    struct txout spent;
    spent.value = value;
    spent.script_pubkey.data = key->spk;
    spent.script_pubkey.len = sizeof(key->spk);
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, &spent, 1);
    uint8_t msg[32], sig[73];
    size_t siglen = 0;
    sighash_witness_v0(msg, tx, 0, key->code, sizeof(key->code), value, SIGHASH_ALL, &pre);
    if (!keys_ecdsa_sign(sig, &siglen, msg, key->sec))
        abort();
    if (rec) {
        memcpy(rec->msg, msg, 32);
        if (!secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &rec->sig, sig, siglen) ||
            !secp256k1_ec_pubkey_parse(secp256k1_context_static, &rec->pubkey, key->pub, sizeof(key->pub)) ||
            siglen > sizeof(rec->der))
            abort();
        rec->pub = key->pub;
        memcpy(rec->der, sig, siglen);
        rec->der_len = siglen;
    }
    sig[siglen++] = SIGHASH_ALL;
    txin_witness_push(&tx->vin[0], sig, siglen);
    txin_witness_push(&tx->vin[0], key->pub, sizeof(key->pub));
    tx_update_hashes(tx);
}

/* Finishes b (its coinbase first, then any transactions already added) on
 * the fixture's tip, serialises it and advances the tip. */
static struct raw_block finish_block(struct fixture *fx, struct block *b, int64_t fees)
{
    int32_t height = fx->height + 1;
    struct tx cb;
    tx_init(&cb);
    struct wbuf sig;
    wbuf_init(&sig);
    script_push_int(&sig, height);
    static const uint8_t tag[4] = { 'b', 'e', 'n', 'c' };
    script_push_data(&sig, tag, sizeof(tag));
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    tx_add_input(&cb, &null_op, sig.data, sig.len, SEQUENCE_FINAL);
    wbuf_clear(&sig);
    tx_add_output(&cb, chain_params_block_subsidy(fx->p, height) + fees, fx->spk, sizeof(fx->spk));
    /* No vault anywhere: the HMRS commitment of the empty reserve tree. */
    struct reserve_state empty;
    struct val_state rst;
    val_state_init(&rst);
    if (!reserve_root_compute(&rst, &empty, NULL, 0))
        abort();
    struct reserve_commitment rc;
    reserve_commitment_from_state(&rc, &empty);
    reserve_commitment_add(&cb, &rc);
    tx_update_hashes(&cb);
    /* the coinbase goes first: move the others up by one */
    block_add_tx(b, &cb);
    tx_clear(&cb);
    struct tx last = b->txs[b->tx_count - 1];
    memmove(&b->txs[1], &b->txs[0], (b->tx_count - 1) * sizeof(struct tx));
    b->txs[0] = last;
    merkle_witness_commitment_add(b);
    b->header.version = 0x20000000;
    b->header.prev_hash = fx->prev_hash;
    b->header.time = fx->prev_time + 1;
    b->header.bits = fx->bits;
    b->header.nonce = 0;
    merkle_block_root(&b->header.merkle_root, NULL, b);
    struct hash256 h;
    for (;;) {
        block_header_hash(&h, &b->header);
        if (pow_check(&h, b->header.bits, fx->p))
            break;
        b->header.nonce++;
    }
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, b, true);
    struct raw_block r;
    r.data = wbuf_detach(&w, &r.len);
    fx->prev_hash = h;
    fx->prev_time = b->header.time;
    fx->height = height;
    return r;
}

static void push_raw(struct raw_block **arr, size_t *n, struct raw_block r)
{
    *arr = mem_realloc(*arr, (*n + 1) * sizeof(**arr));
    (*arr)[(*n)++] = r;
}

/*
 * Setup chain: ncb blocks whose coinbases fund the fan-outs, blocks up to
 * maturity, then fan-out blocks creating ncb * FANOUT_OUTPUTS coins. Then
 * nblocks full blocks spending those coins one per transaction.
 */
static bool fixture_build(struct fixture *fx, size_t nblocks)
{
    memset(fx, 0, sizeof(*fx));
    fx->p = chain_params_get("regtest");
    if (!fx->p)
        return false;
    keys_setup(fx);
    struct block g;
    chain_params_genesis_build(&g, fx->p);
    block_hash(&fx->prev_hash, &g);
    fx->prev_time = g.header.time;
    fx->bits = g.header.bits;
    fx->height = 0;
    block_clear(&g);

    size_t per_block_max = FILL_WEIGHT / SPEND_WEIGHT_MIN + 1;
    size_t need = nblocks * per_block_max;
    size_t ncb = (need + FANOUT_OUTPUTS - 1) / FANOUT_OUTPUTS;
    const int64_t cb_value = chain_params_block_subsidy(fx->p, 1);
    const int64_t fan_value = (cb_value - 100000) / FANOUT_OUTPUTS;
    struct hash256 *cb_txid = mem_calloc(ncb, sizeof(*cb_txid));

    /* coinbases to spend, then enough blocks for them to mature */
    int32_t first_fan_height = (int32_t)ncb + fx->p->coinbase_maturity;
    while (fx->height + 1 < first_fan_height) {
        struct block b;
        block_init(&b);
        struct raw_block r = finish_block(fx, &b, 0);
        if ((size_t)fx->height <= ncb)
            cb_txid[fx->height - 1] = b.txs[0].txid;
        block_clear(&b);
        push_raw(&fx->setup, &fx->nsetup, r);
    }
    /* fan-out blocks: output k of the pool pays to keys[k] */
    keys_derive(fx, ncb * FANOUT_OUTPUTS);
    struct outpoint *pool = mem_alloc(ncb * FANOUT_OUTPUTS * sizeof(*pool));
    size_t npool = 0;
    for (size_t i = 0; i < ncb;) {
        struct block b;
        block_init(&b);
        int64_t fees = 0;
        for (size_t k = 0; k < FANOUT_PER_BLOCK && i < ncb; k++, i++) {
            struct tx t;
            tx_init(&t);
            struct outpoint op = { cb_txid[i], 0 };
            tx_add_input(&t, &op, NULL, 0, 0xfffffffdu);
            for (size_t o = 0; o < FANOUT_OUTPUTS; o++) {
                const struct bench_key *key = &fx->keys[i * FANOUT_OUTPUTS + o];
                tx_add_output(&t, fan_value, key->spk, sizeof(key->spk));
            }
            sign_input(&t, cb_value, &fx->base, NULL);
            fees += cb_value - fan_value * (int64_t)FANOUT_OUTPUTS;
            for (uint32_t o = 0; o < FANOUT_OUTPUTS; o++) {
                pool[npool].txid = t.txid;
                pool[npool++].n = o;
            }
            block_add_tx(&b, &t);
            tx_clear(&t);
        }
        struct raw_block r = finish_block(fx, &b, fees);
        block_clear(&b);
        push_raw(&fx->setup, &fx->nsetup, r);
    }
    mem_free(cb_txid);

    /* the full blocks */
    const int64_t fee = 1000;
    fx->sigs = mem_alloc(npool * sizeof(*fx->sigs));
    fx->live = mem_alloc(npool * sizeof(*fx->live));
    size_t next = 0;
    for (size_t bi = 0; bi < nblocks; bi++) {
        struct block b;
        block_init(&b);
        size_t weight = 4 * (BLOCK_HEADER_SIZE + 3) + 1000; /* header, tx count, coinbase (generous) */
        int64_t fees = 0;
        while (next < npool) {
            struct tx t;
            tx_init(&t);
            tx_add_input(&t, &pool[next], NULL, 0, 0xfffffffdu);
            tx_add_output(&t, fan_value - fee, fx->spk, sizeof(fx->spk));
            sign_input(&t, fan_value, &fx->keys[next], &fx->sigs[fx->nsigs]);
            size_t w = tx_weight(&t);
            if (weight + w > FILL_WEIGHT) {
                tx_clear(&t);
                break;
            }
            weight += w;
            fees += fee;
            fx->nsigs++;
            fx->live[fx->nlive].txid = t.txid;
            fx->live[fx->nlive++].n = 0;
            next++;
            block_add_tx(&b, &t);
            tx_clear(&t);
        }
        fx->timed_inputs += b.tx_count;
        struct raw_block r = finish_block(fx, &b, fees);
        fx->timed_weight += block_weight(&b);
        block_clear(&b);
        push_raw(&fx->timed, &fx->ntimed, r);
    }
    mem_free(pool);
    return fx->ntimed == nblocks;
}

static void fixture_free(struct fixture *fx)
{
    for (size_t i = 0; i < fx->nsetup; i++)
        mem_free(fx->setup[i].data);
    for (size_t i = 0; i < fx->ntimed; i++)
        mem_free(fx->timed[i].data);
    mem_free(fx->setup);
    mem_free(fx->timed);
    mem_free(fx->sigs);
    mem_free(fx->live);
    mem_free(fx->keys);
    memset(fx, 0, sizeof(*fx));
}

/* Parses and processes raw blocks; false (with a message) on any failure. */
static bool connect_raw(struct chainstate *cs, const struct raw_block *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct block b;
        if (!block_decode(&b, blocks[i].data, blocks[i].len, true)) {
            fprintf(stderr, "bench_chain: block %zu does not parse\n", i);
            return false;
        }
        struct val_state st;
        bool new_block = false;
        bool ok = chainstate_process_new_block(cs, &st, &new_block, &b, true);
        block_clear(&b);
        if (!ok || !val_is_valid(&st) || !new_block) {
            fprintf(stderr, "bench_chain: block %zu rejected: %s %s\n", i, st.reject, st.debug);
            return false;
        }
    }
    return true;
}

/*
 * A fresh chainstate with the setup chain connected (untimed), then the
 * full blocks timed. Out: *seconds. Returns the chainstate still open if
 * keep (with its directory in dir), otherwise closes and removes it.
 */
static bool connect_run_cpu(const struct fixture *fx, int par, double *seconds, double *cpu, struct chainstate **keep,
                            char dir[64])
{
    struct chainstate *cs = open_chainstate(fx, dir, par);
    if (!cs)
        return false;
    bool ok = connect_raw(cs, fx->setup, fx->nsetup);
    if (ok) {
        double t0 = bench_now_sec(), c0 = cpu_sec();
        ok = connect_raw(cs, fx->timed, fx->ntimed);
        *seconds = bench_now_sec() - t0;
        if (cpu)
            *cpu = cpu_sec() - c0;
        ok = ok && chainstate_height(cs) == fx->height;
    }
    if (ok && keep) {
        *keep = cs;
        return true;
    }
    chainstate_close(cs);
    bench_rm_tree(dir);
    return ok;
}

static bool connect_run(const struct fixture *fx, int par, double *seconds, struct chainstate **keep, char dir[64])
{
    return connect_run_cpu(fx, par, seconds, NULL, keep, dir);
}

/* ---- the verification ceiling ---- */

struct verify_job {
    const struct fixture *fx;
    size_t begin, end;
    bool parse; /* parse key and signature first (else both pre-parsed) */
};

static void *verify_thread(void *arg)
{
    const struct verify_job *j = arg;
    const secp256k1_context *c = secp256k1_context_static;
    for (size_t i = j->begin; i < j->end; i++) {
        const struct sig_rec *r = &j->fx->sigs[i];
        bool ok;
        if (j->parse) {
            secp256k1_pubkey pk;
            secp256k1_ecdsa_signature sig;
            ok = secp256k1_ec_pubkey_parse(c, &pk, r->pub, 33) &&
                 secp256k1_ecdsa_signature_parse_der(c, &sig, r->der, r->der_len) &&
                 secp256k1_ecdsa_verify(c, &sig, r->msg, &pk);
        } else {
            ok = secp256k1_ecdsa_verify(c, &r->sig, r->msg, &r->pubkey);
        }
        if (!ok)
            abort(); /* every signature here is valid */
    }
    return NULL;
}

/* Verifies all of fx's signatures on `threads` threads (the caller is one),
 * pre-parsed or (parse) parsing each key and signature first.
 * Returns seconds; out: *cpu, CPU seconds of all threads. */
static double verify_all(const struct fixture *fx, int threads, bool parse, double *cpu)
{
    double c0 = cpu_sec();
    struct verify_job jobs[2];
    pthread_t th;
    double t0 = bench_now_sec();
    if (threads > 1) {
        size_t half = fx->nsigs / 2;
        jobs[0] = (struct verify_job){ fx, 0, half, parse };
        jobs[1] = (struct verify_job){ fx, half, fx->nsigs, parse };
        if (pthread_create(&th, NULL, verify_thread, &jobs[1]) != 0)
            abort();
        verify_thread(&jobs[0]);
        pthread_join(th, NULL);
    } else {
        jobs[0] = (struct verify_job){ fx, 0, fx->nsigs, parse };
        verify_thread(&jobs[0]);
    }
    *cpu = cpu_sec() - c0;
    return bench_now_sec() - t0;
}

static void bench_connect(const struct fixture *fx)
{
    /* Each connect is followed at once by its two baselines, and the modes
     * are interleaved across repetitions, so a busy moment on a shared
     * machine does not land on one side of a ratio only. Ratios are the
     * median of the per-repetition ratios. */
    double t_par2[CONNECT_REPS], t_par1[CONNECT_REPS], t_ceil2[CONNECT_REPS], t_ceil1[CONNECT_REPS];
    double t_pv2[CONNECT_REPS], t_pv1[CONNECT_REPS]; /* parse + verify */
    double r_par2[CONNECT_REPS], r_par1[CONNECT_REPS], rp_par2[CONNECT_REPS], rp_par1[CONNECT_REPS];
    double cr_par2[CONNECT_REPS], cr_par1[CONNECT_REPS]; /* the same ratios in CPU time */
    double cp_par2[CONNECT_REPS], cp_par1[CONNECT_REPS];
    for (int r = 0; r < CONNECT_REPS; r++) {
        char dir[64];
        double cc2, cc1, cv2, cv1, cp2, cp1;
        if (!connect_run_cpu(fx, 2, &t_par2[r], &cc2, NULL, dir)) {
            fprintf(stderr, "bench_chain: connecting the benchmark chain failed\n");
            return;
        }
        t_ceil2[r] = verify_all(fx, 2, false, &cv2);
        t_pv2[r] = verify_all(fx, 2, true, &cp2);
        if (!connect_run_cpu(fx, 1, &t_par1[r], &cc1, NULL, dir)) {
            fprintf(stderr, "bench_chain: connecting the benchmark chain failed\n");
            return;
        }
        t_ceil1[r] = verify_all(fx, 1, false, &cv1);
        t_pv1[r] = verify_all(fx, 1, true, &cp1);
        /* inputs == signatures, so the ratio of rates is the ratio of times */
        r_par2[r] = t_ceil2[r] / t_par2[r];
        r_par1[r] = t_ceil1[r] / t_par1[r];
        rp_par2[r] = t_pv2[r] / t_par2[r];
        rp_par1[r] = t_pv1[r] / t_par1[r];
        cr_par2[r] = cv2 / cc2;
        cr_par1[r] = cv1 / cc1;
        cp_par2[r] = cp2 / cc2;
        cp_par1[r] = cp1 / cc1;
    }
    double in = (double)fx->timed_inputs, nb = (double)fx->ntimed;
    double p2 = bench_median(t_par2, CONNECT_REPS), p1 = bench_median(t_par1, CONNECT_REPS);
    double c2 = bench_median(t_ceil2, CONNECT_REPS), c1 = bench_median(t_ceil1, CONNECT_REPS);
    double v2 = bench_median(t_pv2, CONNECT_REPS), v1 = bench_median(t_pv1, CONNECT_REPS);
    printf("chain_connect: %zu blocks, %.0f P2WPKH inputs (%.0f per block, mean weight %.0f), "
           "one key per input, fresh chainstate each run, median of %d\n",
           fx->ntimed, in, in / nb, (double)fx->timed_weight / nb, CONNECT_REPS);
    print_rate("secp256k1_ecdsa_verify, 2 threads (ceiling)", (double)fx->nsigs / c2, "sig");
    print_rate("secp256k1 parse + verify, 2 threads", (double)fx->nsigs / v2, "sig");
    print_rate("chain_connect_p2wpkh par=2 (blocks)", nb / p2, "block");
    print_rate("chain_connect_p2wpkh par=2 (inputs)", in / p2, "input");
    bench_ratio("chain_connect_p2wpkh par=2 inputs/s", bench_median(r_par2, CONNECT_REPS), "2-thread verify ceiling", 1.0);
    bench_ratio("chain_connect_p2wpkh par=2 inputs/s", bench_median(rp_par2, CONNECT_REPS), "2-thread parse + verify",
                1.0);
    print_rate("secp256k1_ecdsa_verify, 1 thread (ceiling)", (double)fx->nsigs / c1, "sig");
    print_rate("secp256k1 parse + verify, 1 thread", (double)fx->nsigs / v1, "sig");
    print_rate("chain_connect_p2wpkh par=1 (blocks)", nb / p1, "block");
    print_rate("chain_connect_p2wpkh par=1 (inputs)", in / p1, "input");
    bench_ratio("chain_connect_p2wpkh par=1 inputs/s", bench_median(r_par1, CONNECT_REPS), "1-thread verify ceiling", 1.0);
    bench_ratio("chain_connect_p2wpkh par=1 inputs/s", bench_median(rp_par1, CONNECT_REPS), "1-thread parse + verify",
                1.0);
    bench_ratio("chain_connect_p2wpkh par=2", in / p2, "par=1", in / p1);
    printf("chain_connect_p2wpkh CPU time (all threads) against the ceiling's: par=2 %.3fx, par=1 %.3fx\n",
           bench_median(cr_par2, CONNECT_REPS), bench_median(cr_par1, CONNECT_REPS));
    printf("chain_connect_p2wpkh CPU time (all threads) against parse + verify's: par=2 %.3fx, par=1 %.3fx\n",
           bench_median(cp_par2, CONNECT_REPS), bench_median(cp_par1, CONNECT_REPS));
    printf("parse + verify against the ceiling (the key and signature parsing the ceiling skips): "
           "1 thread %.3fx\n", c1 / v1);
}

/* ---- the issuance layer's share of a connect ---- */

/* The timed blocks decoded, with undo data for their spent coins (timed
 * input k spends a P2WPKH output of fx->keys[k]). */
struct iss_blocks {
    struct block *b;
    struct block_undo *u;
    size_t n;
};

static void iss_blocks_build(struct iss_blocks *ib, const struct fixture *fx)
{
    ib->n = fx->ntimed;
    ib->b = mem_calloc(ib->n, sizeof(*ib->b));
    ib->u = mem_calloc(ib->n, sizeof(*ib->u));
    size_t k = 0;
    for (size_t i = 0; i < ib->n; i++) {
        if (!block_decode(&ib->b[i], fx->timed[i].data, fx->timed[i].len, true))
            abort();
        block_undo_init(&ib->u[i]);
        for (size_t t = 1; t < ib->b[i].tx_count; t++) {
            const struct tx *tx = &ib->b[i].txs[t];
            struct tx_undo *tu = block_undo_add_tx(&ib->u[i], tx->vin_count);
            for (size_t j = 0; j < tx->vin_count; j++) {
                tu->prevout[j].out.value = tx->vout[0].value + 1000;
                const uint8_t *spk = fx->keys[k++].spk;
                bytes_set(&tu->prevout[j].out.script_pubkey, spk, sizeof(fx->keys[0].spk));
                tu->prevout[j].height = 1;
            }
        }
    }
}

static void iss_blocks_free(struct iss_blocks *ib)
{
    for (size_t i = 0; i < ib->n; i++) {
        block_clear(&ib->b[i]);
        block_undo_clear(&ib->u[i]);
    }
    mem_free(ib->b);
    mem_free(ib->u);
}

/* One issuance pass over every block, as ConnectBlock runs it; returns seconds. */
static double iss_pass(struct chainstate *cs, const struct iss_blocks *ib, int32_t first_height)
{
    struct cs_block_iss *bx = mem_alloc(sizeof(*bx));
    chainstate_lock(cs);
    double t0 = bench_now_sec();
    for (size_t i = 0; i < ib->n; i++) {
        cs_iss_begin(bx, &cs->iss, &cs->rtree, false, 0);
        struct val_state st;
        val_state_init(&st);
        if (!cs_iss_block(cs, &st, bx, &ib->b[i], &ib->u[i], first_height + (int32_t)i, true)) {
            fprintf(stderr, "bench_chain: issuance pass failed: %s %s\n", st.reject, st.debug);
            abort();
        }
        cs_iss_end(bx);
    }
    double t = bench_now_sec() - t0;
    chainstate_unlock(cs);
    mem_free(bx);
    return t;
}

static void bench_issuance(const struct fixture *fx)
{
    struct iss_blocks ib;
    iss_blocks_build(&ib, fx);
    double t_conn[CONNECT_REPS], t_iss[CONNECT_REPS], ratio[CONNECT_REPS];
    for (int r = 0; r < CONNECT_REPS; r++) {
        char dir[64];
        struct chainstate *cs = NULL;
        if (!connect_run(fx, 2, &t_conn[r], &cs, dir)) {
            fprintf(stderr, "bench_chain: connecting the benchmark chain failed\n");
            iss_blocks_free(&ib);
            return;
        }
        /* The state at the tip: ordinary transactions do not change it. */
        double passes[5];
        for (int k = 0; k < 5; k++)
            passes[k] = iss_pass(cs, &ib, fx->height - (int32_t)fx->ntimed + 1);
        t_iss[r] = bench_median(passes, 5);
        ratio[r] = t_iss[r] / t_conn[r];
        chainstate_close(cs);
        bench_rm_tree(dir);
    }
    double nb = (double)fx->ntimed, in = (double)fx->timed_inputs;
    double tc = bench_median(t_conn, CONNECT_REPS), ti = bench_median(t_iss, CONNECT_REPS);
    printf("chain_issuance: the issuance pass of ConnectBlock over %zu full blocks of %.0f ordinary transactions "
           "each, median of %d\n", fx->ntimed, in / nb, CONNECT_REPS);
    print_rate("chain_connect_p2wpkh par=2 (blocks, baseline)", nb / tc, "block");
    print_rate("chain_issuance_pass (blocks)", nb / ti, "block");
    printf("chain_issuance_pass: %.3f ms per block against %.1f ms per block connected\n", ti / nb * 1e3,
           tc / nb * 1e3);
    bench_ratio("chain_issuance_pass time", bench_median(ratio, CONNECT_REPS), "chain_connect_p2wpkh par=2 time", 1.0);
    printf("chain_issuance_pass: %.2f %% of the connect time (median of the per-run ratios; limit 5 %%)\n",
           bench_median(ratio, CONNECT_REPS) * 100.0);
    iss_blocks_free(&ib);
}

/* ---- the block index write at acceptance ---- */

/* Coinbase-only blocks: the least work a connect does, so the one small
 * index batch each accepted block writes weighs the most. */
static bool small_chain_build(struct fixture *fx, struct raw_block **blocks, size_t *n, size_t count)
{
    memset(fx, 0, sizeof(*fx));
    fx->p = chain_params_get("regtest");
    if (!fx->p)
        return false;
    keys_setup(fx);
    struct block g;
    chain_params_genesis_build(&g, fx->p);
    block_hash(&fx->prev_hash, &g);
    fx->prev_time = g.header.time;
    fx->bits = g.header.bits;
    block_clear(&g);
    *blocks = NULL;
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        struct block b;
        block_init(&b);
        push_raw(blocks, n, finish_block(fx, &b, 0));
        block_clear(&b);
    }
    return true;
}

/* Processes the blocks into a fresh chainstate; returns seconds (untimed close), or -1. */
static double accept_run(const struct fixture *fx, const struct raw_block *blocks, size_t n, bool defer_index)
{
    char dir[64];
    struct chainstate *cs = open_chainstate_ex(fx, dir, 1, defer_index);
    if (!cs)
        return -1;
    double t0 = bench_now_sec();
    bool ok = connect_raw(cs, blocks, n);
    double secs = bench_now_sec() - t0;
    ok = ok && chainstate_height(cs) == (int32_t)n;
    chainstate_close(cs);
    bench_rm_tree(dir);
    return ok ? secs : -1;
}

/*
 * chain_accept_small: chainstate_process_new_block of small blocks into a
 * fresh chainstate, with the block index entries written in a non-synced
 * LevelDB batch as each block is accepted (crash-durable, the default)
 * against the baseline of the same run with those writes left to the
 * flush (defer_index_writes: the behaviour before, which a kill -9 loses).
 * Interleaved repetitions, medians.
 */
static void bench_accept(void)
{
    size_t n = (size_t)bench_iters(5000);
    if (n < 10)
        n = 10;
    struct fixture fx;
    struct raw_block *blocks = NULL;
    size_t nb = 0;
    if (!small_chain_build(&fx, &blocks, &nb, n))
        return;
    double durable[ACCEPT_REPS], deferred[ACCEPT_REPS], ratio[ACCEPT_REPS], extra[ACCEPT_REPS];
    bool ok = true;
    for (int r = 0; r < ACCEPT_REPS && ok; r++) {
        /* alternate which goes first */
        if (r % 2) {
            deferred[r] = accept_run(&fx, blocks, nb, true);
            durable[r] = accept_run(&fx, blocks, nb, false);
        } else {
            durable[r] = accept_run(&fx, blocks, nb, false);
            deferred[r] = accept_run(&fx, blocks, nb, true);
        }
        ok = durable[r] > 0 && deferred[r] > 0;
        if (ok) {
            ratio[r] = deferred[r] / durable[r];
            extra[r] = (durable[r] - deferred[r]) / (double)nb;
        }
    }
    for (size_t i = 0; i < nb; i++)
        mem_free(blocks[i].data);
    mem_free(blocks);
    if (!ok) {
        fprintf(stderr, "bench_chain: processing the small blocks failed\n");
        return;
    }
    double td = bench_median(durable, ACCEPT_REPS), tf = bench_median(deferred, ACCEPT_REPS);
    printf("chain_accept_small: %zu coinbase-only blocks, fresh chainstate each run, -par=1, median of %d\n", nb,
           ACCEPT_REPS);
    print_rate("chain_accept_small index at flush only (baseline)", (double)nb / tf, "block");
    print_rate("chain_accept_small index batch per block", (double)nb / td, "block");
    bench_ratio("chain_accept_small index batch per block", bench_median(ratio, ACCEPT_REPS), "index at flush only", 1.0);
    printf("  cost of the batch: %+.1f us per block (median of the runs' differences)\n",
           bench_median(extra, ACCEPT_REPS) * 1e6);
    fflush(stdout);
}

/* ---- UTXO lookups ---- */

/* Baseline: open addressing, linear probing, same salted SipHash as the cache. */
struct plain_map {
    struct plain_slot {
        struct outpoint op;
        int64_t value;
        bool used;
    } *slots;
    size_t mask;
    uint64_t k0, k1;
};

static void plain_map_build(struct plain_map *m, const struct outpoint *ops, size_t n)
{
    size_t cap = 1;
    while (cap < 2 * n)
        cap <<= 1;
    m->slots = mem_calloc(cap, sizeof(*m->slots));
    m->mask = cap - 1;
    m->k0 = rng_next();
    m->k1 = rng_next();
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)siphash_uint256_extra(m->k0, m->k1, ops[i].txid.b, ops[i].n) & m->mask;
        while (m->slots[h].used)
            h = (h + 1) & m->mask;
        m->slots[h].op = ops[i];
        m->slots[h].value = (int64_t)i;
        m->slots[h].used = true;
    }
}

static const struct plain_slot *plain_map_find(const struct plain_map *m, const struct outpoint *op)
{
    size_t h = (size_t)siphash_uint256_extra(m->k0, m->k1, op->txid.b, op->n) & m->mask;
    for (; m->slots[h].used; h = (h + 1) & m->mask)
        if (m->slots[h].op.n == op->n && hash256_eq(&m->slots[h].op.txid, &op->txid))
            return &m->slots[h];
    return NULL;
}

struct utxo_bench {
    const struct fixture *fx;
    struct chainstate *cs;
    struct coins_db *db;
    struct coins_cache *cache;
    struct plain_map map;
    uint64_t found;
};

static volatile uint64_t sink;

static const struct outpoint *random_live(const struct utxo_bench *u)
{
    return &u->fx->live[rng_next() % u->fx->nlive];
}

/* An outpoint that exists nowhere (random txid). */
static void random_missing(struct outpoint *op)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = rng_next();
        memcpy(op->txid.b + 8 * i, &v, 8);
    }
    op->n = 0;
}

static void plain_hit_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    uint64_t f = 0;
    for (uint64_t i = 0; i < iters; i++) {
        const struct plain_slot *s = plain_map_find(&u->map, random_live(u));
        f += s ? (uint64_t)s->value : 0;
    }
    sink += f;
}

static void plain_miss_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    uint64_t f = 0;
    for (uint64_t i = 0; i < iters; i++) {
        struct outpoint op;
        random_missing(&op);
        f += plain_map_find(&u->map, &op) != NULL;
    }
    sink += f;
}

static void cs_hit_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    uint64_t f = 0;
    for (uint64_t i = 0; i < iters; i++) {
        struct coin c;
        if (chainstate_get_coin(u->cs, &c, random_live(u))) {
            f += (uint64_t)c.out.value;
            coin_clear(&c);
        } else {
            abort();
        }
    }
    sink += f;
}

static void cs_miss_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    for (uint64_t i = 0; i < iters; i++) {
        struct outpoint op;
        random_missing(&op);
        if (chainstate_have_coin(u->cs, &op))
            abort();
    }
}

static void db_hit_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    uint64_t f = 0;
    for (uint64_t i = 0; i < iters; i++) {
        struct coin c;
        if (coins_db_get_coin(u->db, &c, random_live(u), NULL) != 1)
            abort();
        f += (uint64_t)c.out.value;
        coin_clear(&c);
    }
    sink += f;
}

static void db_miss_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    for (uint64_t i = 0; i < iters; i++) {
        struct outpoint op;
        random_missing(&op);
        struct coin c;
        if (coins_db_get_coin(u->db, &c, &op, NULL) != 0)
            abort();
    }
}

static void cache_hit_loop(void *data, uint64_t iters)
{
    struct utxo_bench *u = data;
    uint64_t f = 0;
    for (uint64_t i = 0; i < iters; i++) {
        const struct coin *c;
        if (coins_cache_get(u->cache, random_live(u), &c) != 1)
            abort();
        f += (uint64_t)c->out.value;
    }
    sink += f;
}

static void shuffle(struct outpoint *v, size_t n)
{
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(rng_next() % (i + 1));
        struct outpoint t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/*
 * Cold read-through: the chainstate's cache is flushed (which empties it),
 * then each live coin is looked up once in random order, so every lookup
 * misses the cache and reads LevelDB. Returns the median lookups/s of runs.
 */
static double cs_cold_rate(struct utxo_bench *u, struct outpoint *perm, size_t n, int runs)
{
    double rates[8];
    if (runs > 8)
        runs = 8;
    for (int r = 0; r < runs; r++) {
        shuffle(perm, u->fx->nlive);
        if (!chainstate_flush(u->cs, CHAINSTATE_FLUSH_ALWAYS))
            abort();
        uint64_t f = 0;
        double t0 = bench_now_sec();
        for (size_t i = 0; i < n; i++) {
            struct coin c;
            if (!chainstate_get_coin(u->cs, &c, &perm[i]))
                abort();
            f += (uint64_t)c.out.value;
            coin_clear(&c);
        }
        double dt = bench_now_sec() - t0;
        sink += f;
        rates[r] = dt > 0 ? (double)n / dt : 0;
    }
    return bench_median(rates, runs);
}

static void bench_utxo(const struct fixture *fx, struct chainstate *cs, const char *dir)
{
    struct utxo_bench u;
    memset(&u, 0, sizeof(u));
    u.fx = fx;
    u.cs = cs;
    const uint64_t iters = bench_iters(200000);
    size_t entries = 0;
    size_t usage = chainstate_coins_cache_usage(cs, &entries);
    printf("chain_utxo: random lookups of %zu coins; coins cache %zu entries (%.1f MiB)\n", fx->nlive, entries,
           (double)usage / (1024.0 * 1024.0));
    plain_map_build(&u.map, fx->live, fx->nlive);
    double base = run_benchmark("plain open-addressing map hit (baseline)", plain_hit_loop, NULL, NULL, &u, 5, iters);
    double base_miss = run_benchmark("plain open-addressing map miss (baseline)", plain_miss_loop, NULL, NULL, &u, 5,
                                     iters);
    /* right after connecting: the coins are in the cache (dirty) */
    double hot = run_benchmark("chain_utxo chainstate_get_coin hit (hot cache)", cs_hit_loop, NULL, NULL, &u, 5, iters);
    bench_ratio("chainstate_get_coin hit (hot)", hot, "plain map hit", base);

    /* written to LevelDB, the cache emptied: first touches read through */
    struct outpoint *perm = mem_dup(fx->live, fx->nlive * sizeof(*perm));
    size_t ncold = fx->nlive < iters ? fx->nlive : (size_t)iters;
    double cold = cs_cold_rate(&u, perm, ncold, 3);
    print_rate("chain_utxo chainstate_get_coin hit (cold cache)", cold, "op");
    bench_ratio("chainstate_get_coin hit (cold)", cold, "plain map hit", base);
    double miss = run_benchmark("chain_utxo chainstate_have_coin miss", cs_miss_loop, NULL, NULL, &u, 5, iters / 4);
    bench_ratio("chainstate_have_coin miss", miss, "plain map miss", base_miss);

    /* LevelDB directly: close (flushes) and reopen the coins database alone */
    chainstate_close(cs);
    char path[128];
    snprintf(path, sizeof(path), "%s/chainstate", dir);
    struct store_error e;
    /* the LevelDB block cache the node gives it by default: -dbcache / 8 */
    u.db = coins_db_open(path, (size_t)450 * 1024 * 1024 / 8, false, &e);
    if (!u.db) {
        fprintf(stderr, "bench_chain: coins_db_open: %s\n", e.msg);
        mem_free(perm);
        mem_free(u.map.slots);
        return;
    }
    printf("chain_utxo: coins database %.1f MiB on disk (LevelDB's estimate), in the OS page cache\n",
           (double)coins_db_estimate_size(u.db) / (1024.0 * 1024.0));
    double dbhit = run_benchmark("chain_utxo coins_db_get_coin hit (LevelDB)", db_hit_loop, NULL, NULL, &u, 5,
                                 iters / 4);
    double dbmiss = run_benchmark("chain_utxo coins_db_get_coin miss (LevelDB)", db_miss_loop, NULL, NULL, &u, 5,
                                  iters / 4);
    bench_ratio("coins_db_get_coin hit", dbhit, "plain map hit", base);
    bench_ratio("coins_db_get_coin miss", dbmiss, "plain map miss", base_miss);

    /* the bare cache over it, filled once: a hit without the chain lock and the copy */
    u.cache = coins_cache_new_db(u.db);
    for (size_t i = 0; i < fx->nlive; i++)
        if (!coins_cache_have(u.cache, &fx->live[i]))
            abort();
    double chot = run_benchmark("chain_utxo coins_cache_get hit (no lock, no copy)", cache_hit_loop, NULL, NULL, &u, 5,
                                iters);
    bench_ratio("coins_cache_get hit", chot, "plain map hit", base);
    coins_cache_free(u.cache);
    coins_db_close(u.db);
    mem_free(perm);
    mem_free(u.map.slots);
}

/* One par=1 connect of the timed blocks, nothing else: the run to give
 * valgrind --tool=callgrind --toggle-collect=profile_connect_timed (the
 * serial part is its instruction count minus script_check_run's). */
__attribute__((noinline)) bool profile_connect_timed(struct chainstate *cs, const struct fixture *fx);
__attribute__((noinline)) bool profile_connect_timed(struct chainstate *cs, const struct fixture *fx)
{
    return connect_raw(cs, fx->timed, fx->ntimed);
}

/* The two baselines on one thread, for the same tool: the instruction
 * counts of these against profile_connect_timed's are the par=1 ratios
 * without the noise of a shared machine. */
__attribute__((noinline)) double profile_ceiling_timed(const struct fixture *fx);
__attribute__((noinline)) double profile_ceiling_timed(const struct fixture *fx)
{
    double cpu;
    return verify_all(fx, 1, false, &cpu);
}

__attribute__((noinline)) double profile_parse_verify_timed(const struct fixture *fx);
__attribute__((noinline)) double profile_parse_verify_timed(const struct fixture *fx)
{
    double cpu;
    return verify_all(fx, 1, true, &cpu);
}

static void bench_connect_profile(const struct fixture *fx)
{
    char dir[64];
    struct chainstate *cs = open_chainstate(fx, dir, 1);
    if (!cs)
        return;
    bool ok = connect_raw(cs, fx->setup, fx->nsetup);
    double t0 = bench_now_sec();
    ok = ok && profile_connect_timed(cs, fx);
    double t = bench_now_sec() - t0;
    printf("profile_connect_once: %zu blocks at par=1 in %.3f s%s\n", fx->ntimed, t, ok ? "" : " (FAILED)");
    double tc = profile_ceiling_timed(fx);
    double tp = profile_parse_verify_timed(fx);
    printf("profile_connect_once: ceiling %.3f s, parse + verify %.3f s (1 thread)\n", tc, tp);
    chainstate_close(cs);
    bench_rm_tree(dir);
}

void bench_chain_run(void)
{
    bool connect = bench_selected("chain_connect_p2wpkh");
    bool utxo = bench_selected("chain_utxo");
    bool accept = bench_selected("chain_accept_small");
    bool issuance = bench_selected("chain_issuance");
    bool profile = bench_selected("profile_connect_once");
    if (!connect && !utxo && !accept && !issuance && !profile)
        return;
    keys_init();
    log_open(NULL, false); /* the chainstate's own log lines would drown the figures */
    if (accept)
        bench_accept();
    if (!connect && !utxo && !issuance && !profile)
        return;
    /* 20 full blocks of ~9,100 inputs by default */
    size_t nblocks = (size_t)bench_iters(20);
    if (nblocks < 2)
        nblocks = 2;
    struct fixture fx;
    double t0 = bench_now_sec();
    if (!fixture_build(&fx, nblocks)) {
        fprintf(stderr, "bench_chain: building the chain failed\n");
        fixture_free(&fx);
        return;
    }
    printf("chain: built %zu setup + %zu full blocks (%zu signatures) in %.1f s (not timed)\n", fx.nsetup, fx.ntimed,
           fx.nsigs, bench_now_sec() - t0);
    if (profile)
        bench_connect_profile(&fx);
    if (connect)
        bench_connect(&fx);
    if (issuance)
        bench_issuance(&fx);
    if (utxo) {
        char dir[64];
        double secs;
        struct chainstate *cs = NULL;
        if (connect_run(&fx, 2, &secs, &cs, dir)) {
            bench_utxo(&fx, cs, dir); /* closes cs */
            bench_rm_tree(dir);
        } else {
            fprintf(stderr, "bench_chain: connecting the chain for the lookups failed\n");
        }
    }
    fixture_free(&fx);
}
