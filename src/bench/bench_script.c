/* Input verification throughput: a P2WPKH input and a P2TR key-path input
 * through script_verify with the real transaction checker, the per-
 * transaction digests computed once and reused as a block validator does.
 * Baseline: libsecp256k1 verifying the same signature over the same message
 * with the key and signature already parsed, i.e. the floor any validator
 * pays; the ratio shows what script evaluation, sighash and parsing add. */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "src/bench/bench.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"

#define VERIFY_FLAGS                                                                                                \
    (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_NULLDUMMY | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |     \
     SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT | SCRIPT_VERIFY_LOW_S |     \
     SCRIPT_VERIFY_STRICTENC | SCRIPT_VERIFY_NULLFAIL | SCRIPT_VERIFY_WITNESS_PUBKEYTYPE)

static const uint8_t SECKEY[32] = { 0x5d, 0x1f, 0x93, 0x02, 0x7b, 0xc4, 0x38, 0xe1, 0x66, 0x0a, 0x2f, 0xd9, 0x41, 0x87, 0x13, 0xbe,
                                    0x29, 0x7c, 0x54, 0xaa, 0x0e, 0xf3, 0x61, 0x98, 0x3d, 0xc2, 0x17, 0x4b, 0x80, 0x5e, 0xe6, 0x21 };

struct script_bench {
    struct tx tx;
    struct txout spent;
    uint8_t spk[34];
    struct tx_precomputed pre;
    struct tx_sig_checker tc;
    struct sig_checker checker;
    /* the same signature, pre-parsed for the baseline */
    uint8_t msg[32];
    secp256k1_ecdsa_signature ecdsa_sig;
    secp256k1_pubkey pubkey;
    uint8_t der[73];
    size_t der_len;
    uint8_t pub[33];
    uint8_t schnorr_sig[64];
    uint8_t xonly_bytes[32];
    secp256k1_xonly_pubkey xonly;
    bool ok;
};

static void base_tx(struct script_bench *b, const uint8_t *spk, size_t spk_len)
{
    tx_init(&b->tx);
    struct outpoint op = { { { 0x17, 0x29, 0x3b } }, 0 };
    tx_add_input(&b->tx, &op, NULL, 0, 0xfffffffd);
    static const uint8_t out_spk[22] = { 0x00, 0x14, 0x01 };
    tx_add_output(&b->tx, 49000, out_spk, sizeof(out_spk));
    tx_add_output(&b->tx, 50000, out_spk, sizeof(out_spk));
    memcpy(b->spk, spk, spk_len);
    b->spent.value = 100000;
    b->spent.script_pubkey.data = b->spk;
    b->spent.script_pubkey.len = spk_len;
    tx_precomputed_init(&b->pre, &b->tx, &b->spent, 1);
}

static bool setup_p2wpkh(struct script_bench *b)
{
    const secp256k1_context *ctx = secp256k1_context_static;
    uint8_t pub[33], h160[20];
    size_t pub_len = 0;
    if (!keys_pubkey_create(pub, &pub_len, SECKEY, true))
        return false;
    ripemd160_hash160(h160, pub, pub_len);
    uint8_t spk[22] = { 0x00, 0x14 };
    memcpy(spk + 2, h160, 20);
    base_tx(b, spk, sizeof(spk));
    uint8_t code[25] = { 0x76, 0xa9, 0x14 };
    memcpy(code + 3, h160, 20);
    code[23] = 0x88;
    code[24] = 0xac;
    sighash_witness_v0(b->msg, &b->tx, 0, code, sizeof(code), b->spent.value, SIGHASH_ALL, &b->pre);
    uint8_t der[73];
    size_t der_len = 0;
    if (!keys_ecdsa_sign(der, &der_len, b->msg, SECKEY))
        return false;
    if (!secp256k1_ecdsa_signature_parse_der(ctx, &b->ecdsa_sig, der, der_len) ||
        !secp256k1_ec_pubkey_parse(ctx, &b->pubkey, pub, pub_len))
        return false;
    memcpy(b->der, der, der_len);
    b->der_len = der_len;
    memcpy(b->pub, pub, 33);
    der[der_len++] = SIGHASH_ALL;
    txin_witness_push(&b->tx.vin[0], der, der_len);
    txin_witness_push(&b->tx.vin[0], pub, pub_len);
    tx_update_hashes(&b->tx);
    return true;
}

static bool setup_p2tr(struct script_bench *b)
{
    const secp256k1_context *ctx = secp256k1_context_static;
    uint8_t internal[32], tweak[32], out[32];
    if (!keys_xonly_create(internal, SECKEY))
        return false;
    struct sha256_ctx h;
    sha256_tagged_init(&h, "TapTweak");
    sha256_write(&h, internal, 32);
    sha256_finalize(&h, tweak);
    secp256k1_xonly_pubkey p;
    secp256k1_pubkey q;
    int parity;
    if (!secp256k1_xonly_pubkey_parse(ctx, &p, internal) || !secp256k1_xonly_pubkey_tweak_add(ctx, &q, &p, tweak) ||
        !secp256k1_xonly_pubkey_from_pubkey(ctx, &b->xonly, &parity, &q) ||
        !secp256k1_xonly_pubkey_serialize(ctx, out, &b->xonly))
        return false;
    uint8_t spk[34] = { 0x51, 0x20 };
    memcpy(spk + 2, out, 32);
    memcpy(b->xonly_bytes, out, 32);
    base_tx(b, spk, sizeof(spk));
    struct script_exec_data ed;
    memset(&ed, 0, sizeof(ed));
    ed.annex_init = true;
    if (!sighash_taproot(b->msg, &b->tx, 0, SIGHASH_DEFAULT, SIGVERSION_TAPROOT, &ed, &b->pre) ||
        !keys_schnorr_sign_tweaked(b->schnorr_sig, b->msg, SECKEY, NULL, NULL))
        return false;
    txin_witness_push(&b->tx.vin[0], b->schnorr_sig, 64);
    tx_update_hashes(&b->tx);
    return true;
}

static void check_once(struct script_bench *b, const char *what)
{
    tx_sig_checker_init(&b->tc, &b->checker, &b->tx, 0, b->spent.value, &b->pre, VERIFY_FLAGS);
    enum script_error err = SCRIPT_ERR_UNKNOWN_ERROR;
    const struct txin *in = &b->tx.vin[0];
    b->ok = script_verify(in->script_sig.data, in->script_sig.len, b->spk, b->spent.script_pubkey.len, &in->witness,
                          VERIFY_FLAGS, &b->checker, &err);
    if (!b->ok)
        fprintf(stderr, "bench_script: %s input does not verify (%s)\n", what, script_error_name(err));
}

static void verify_loop(void *data, uint64_t iters)
{
    struct script_bench *b = data;
    const struct txin *in = &b->tx.vin[0];
    for (uint64_t i = 0; i < iters; i++) {
        bool ok = script_verify(in->script_sig.data, in->script_sig.len, b->spk, b->spent.script_pubkey.len,
                                &in->witness, VERIFY_FLAGS, &b->checker, NULL);
        if (!ok)
            abort(); /* a benchmark of a failing path would be meaningless */
    }
}

static void ecdsa_loop(void *data, uint64_t iters)
{
    struct script_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        if (!secp256k1_ecdsa_verify(secp256k1_context_static, &b->ecdsa_sig, b->msg, &b->pubkey))
            abort();
}

/* keys.h wrappers: the same verification with parsing (and, for ECDSA,
 * lax DER and normalisation) included, to split the overhead. */
static void keys_ecdsa_loop(void *data, uint64_t iters)
{
    struct script_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        if (!keys_ecdsa_verify(b->der, b->der_len, b->msg, b->pub, 33))
            abort();
}

static void keys_schnorr_loop(void *data, uint64_t iters)
{
    struct script_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        if (!keys_schnorr_verify(b->schnorr_sig, b->msg, b->xonly_bytes))
            abort();
}

static void schnorr_loop(void *data, uint64_t iters)
{
    struct script_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        if (!secp256k1_schnorrsig_verify(secp256k1_context_static, b->schnorr_sig, b->msg, 32, &b->xonly))
            abort();
}

static double cpu_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * The machine may be shared, so wall-clock medians can be skewed by
 * whichever loop got descheduled. This second figure interleaves short
 * rounds of the two loops and compares their CPU time, which is what the
 * ratio is really about.
 */
static void interleaved_ratio(const char *name, void (*fn)(void *, uint64_t), const char *base_name,
                              void (*base)(void *, uint64_t), void *data, uint64_t iters)
{
    double t_fn = 0, t_base = 0;
    uint64_t round = iters / 10 ? iters / 10 : 1;
    for (int r = 0; r < 10; r++) {
        double t0 = cpu_sec();
        base(data, round);
        double t1 = cpu_sec();
        fn(data, round);
        double t2 = cpu_sec();
        t_base += t1 - t0;
        t_fn += t2 - t1;
    }
    if (t_fn > 0 && t_base > 0)
        bench_ratio(name, 1.0 / t_fn, base_name, 1.0 / t_base);
}

void bench_script_run(void)
{
    keys_init();
    const uint64_t iters = bench_iters(2000);
    if (bench_selected("script_verify_p2wpkh") || bench_selected("secp256k1_ecdsa_verify")) {
        struct script_bench b;
        memset(&b, 0, sizeof(b));
        if (setup_p2wpkh(&b)) {
            check_once(&b, "P2WPKH");
            if (b.ok) {
                double base = run_benchmark("secp256k1_ecdsa_verify (parsed, baseline)", ecdsa_loop, NULL, NULL, &b,
                                            5, iters);
                double k = run_benchmark("keys_ecdsa_verify (parse + verify)", keys_ecdsa_loop, NULL, NULL, &b, 5,
                                         iters);
                double v = run_benchmark("script_verify_p2wpkh (input verifications)", verify_loop, NULL, NULL, &b, 5,
                                         iters);
                bench_ratio("keys_ecdsa_verify", k, "secp256k1_ecdsa_verify", base);
                bench_ratio("script_verify_p2wpkh", v, "secp256k1_ecdsa_verify", base);
                interleaved_ratio("script_verify_p2wpkh (cpu, interleaved)", verify_loop,
                                  "secp256k1_ecdsa_verify", ecdsa_loop, &b, iters);
            }
        } else {
            fprintf(stderr, "bench_script: P2WPKH setup failed\n");
        }
        tx_clear(&b.tx);
    }
    if (bench_selected("script_verify_p2tr") || bench_selected("secp256k1_schnorrsig_verify")) {
        struct script_bench b;
        memset(&b, 0, sizeof(b));
        if (setup_p2tr(&b)) {
            check_once(&b, "P2TR");
            if (b.ok) {
                double base = run_benchmark("secp256k1_schnorrsig_verify (parsed, baseline)", schnorr_loop, NULL, NULL,
                                            &b, 5, iters);
                double k = run_benchmark("keys_schnorr_verify (parse + verify)", keys_schnorr_loop, NULL, NULL, &b,
                                         5, iters);
                double v = run_benchmark("script_verify_p2tr_keypath (input verifications)", verify_loop, NULL, NULL,
                                         &b, 5, iters);
                bench_ratio("keys_schnorr_verify", k, "secp256k1_schnorrsig_verify", base);
                bench_ratio("script_verify_p2tr_keypath", v, "secp256k1_schnorrsig_verify", base);
                interleaved_ratio("script_verify_p2tr_keypath (cpu, interleaved)", verify_loop,
                                  "secp256k1_schnorrsig_verify", schnorr_loop, &b, iters);
            }
        } else {
            fprintf(stderr, "bench_script: P2TR setup failed\n");
        }
        tx_clear(&b.tx);
    }
}
