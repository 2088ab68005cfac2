/* Signature verification through src/crypto/keys.c against libsecp256k1
 * called directly: with a pre-parsed key and signature (the floor), and
 * parsing both each time as any verifier of script data must. The gap to
 * the first is mostly public-key decompression (a field square root); the
 * gap to the second is what the wrapper itself adds (lax DER, normalise,
 * the pthread_once check). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "src/bench/bench.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"

struct keys_bench {
    secp256k1_context *ctx; /* the baseline's own context */
    uint8_t msg[32];
    /* ECDSA */
    uint8_t der[72], pub[33];
    size_t der_len;
    secp256k1_ecdsa_signature sig;
    secp256k1_pubkey pk;
    /* Schnorr */
    uint8_t ssig[64], xonly[32];
    secp256k1_xonly_pubkey xpk;
    int failures; /* a verification that failed would make the figures meaningless */
};

static void setup(struct keys_bench *b)
{
    uint8_t sk[32];
    size_t len;
    memset(b, 0, sizeof(*b));
    sha256(sk, (const uint8_t *)"bench_keys secret", 17);
    sha256(b->msg, (const uint8_t *)"bench_keys message", 18);
    b->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!keys_ecdsa_sign(b->der, &b->der_len, b->msg, sk) || !keys_pubkey_create(b->pub, &len, sk, true) ||
        !keys_schnorr_sign(b->ssig, b->msg, sk, NULL) || !keys_xonly_create(b->xonly, sk))
        b->failures++;
    if (!secp256k1_ecdsa_signature_parse_der(b->ctx, &b->sig, b->der, b->der_len) ||
        !secp256k1_ec_pubkey_parse(b->ctx, &b->pk, b->pub, 33) ||
        !secp256k1_xonly_pubkey_parse(b->ctx, &b->xpk, b->xonly))
        b->failures++;
}

static void ecdsa_keys_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        b->failures += !keys_ecdsa_verify(b->der, b->der_len, b->msg, b->pub, 33);
}

static void ecdsa_raw_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        b->failures += !secp256k1_ecdsa_verify(b->ctx, &b->sig, b->msg, &b->pk);
}

/* The raw library, parsing key and signature every time as a verifier must
 * (this isolates what the wrapper itself costs). */
static void ecdsa_raw_parse_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++) {
        secp256k1_ecdsa_signature sig;
        secp256k1_pubkey pk;
        b->failures += !secp256k1_ec_pubkey_parse(b->ctx, &pk, b->pub, 33) ||
                       !secp256k1_ecdsa_signature_parse_der(b->ctx, &sig, b->der, b->der_len) ||
                       !secp256k1_ecdsa_verify(b->ctx, &sig, b->msg, &pk);
    }
}

static void schnorr_keys_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        b->failures += !keys_schnorr_verify(b->ssig, b->msg, b->xonly);
}

static void schnorr_raw_parse_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++) {
        secp256k1_xonly_pubkey pk;
        b->failures += !secp256k1_xonly_pubkey_parse(b->ctx, &pk, b->xonly) ||
                       !secp256k1_schnorrsig_verify(b->ctx, b->ssig, b->msg, 32, &pk);
    }
}

static void schnorr_raw_loop(void *data, uint64_t iters)
{
    struct keys_bench *b = data;
    for (uint64_t i = 0; i < iters; i++)
        b->failures += !secp256k1_schnorrsig_verify(b->ctx, b->ssig, b->msg, 32, &b->xpk);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* On a shared machine wall-clock runs taken one after the other drift apart
 * with the load; alternating short blocks of each loop and summing thread CPU
 * time gives ratios that hold still. Prints them against loop 0 (keys). */
static void interleaved(const char *what, void (*loops[3])(void *, uint64_t), struct keys_bench *b)
{
    double t[3] = { 0, 0, 0 };
    uint64_t block = bench_iters(200);
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 3; i++) {
            double t0 = cpu_now();
            loops[i](b, block);
            t[i] += cpu_now() - t0;
        }
    }
    if (t[0] <= 0)
        return;
    printf("  %-46s %6.2fx raw pre-parsed, %.2fx raw + parse (thread CPU, interleaved)\n", what, t[1] / t[0],
           t[2] / t[0]);
}

void bench_keys_run(void)
{
    bool ecdsa = bench_selected("ecdsa_verify"), schnorr = bench_selected("schnorr_verify");
    if (!ecdsa && !schnorr)
        return;
    struct keys_bench b;
    setup(&b);
    if (ecdsa) {
        double w = run_benchmark("ecdsa_verify (keys_ecdsa_verify, DER + 33-byte key)", ecdsa_keys_loop, NULL, NULL,
                                 &b, 5, bench_iters(4000));
        double r = run_benchmark("baseline: secp256k1_ecdsa_verify, pre-parsed", ecdsa_raw_loop, NULL, NULL, &b, 5,
                                 bench_iters(4000));
        double rp = run_benchmark("baseline: secp256k1 parse key + DER, verify", ecdsa_raw_parse_loop, NULL, NULL,
                                  &b, 5, bench_iters(4000));
        bench_ratio("ecdsa_verify keys vs raw pre-parsed", w, "raw secp256k1", r);
        bench_ratio("ecdsa_verify keys vs raw with parsing", w, "raw secp256k1 + parse", rp);
        void (*loops[3])(void *, uint64_t) = { ecdsa_keys_loop, ecdsa_raw_loop, ecdsa_raw_parse_loop };
        interleaved("ecdsa_verify keys", loops, &b);
    }
    if (schnorr) {
        double w = run_benchmark("schnorr_verify (keys_schnorr_verify, x-only key)", schnorr_keys_loop, NULL, NULL, &b,
                                 5, bench_iters(4000));
        double r = run_benchmark("baseline: secp256k1_schnorrsig_verify, pre-parsed", schnorr_raw_loop, NULL, NULL,
                                 &b, 5, bench_iters(4000));
        double rp = run_benchmark("baseline: secp256k1 parse x-only key, verify", schnorr_raw_parse_loop, NULL, NULL,
                                  &b, 5, bench_iters(4000));
        bench_ratio("schnorr_verify keys vs raw pre-parsed", w, "raw secp256k1", r);
        bench_ratio("schnorr_verify keys vs raw with parsing", w, "raw secp256k1 + parse", rp);
        void (*loops[3])(void *, uint64_t) = { schnorr_keys_loop, schnorr_raw_loop, schnorr_raw_parse_loop };
        interleaved("schnorr_verify keys", loops, &b);
    }
    if (b.failures)
        printf("bench_keys: %d verifications FAILED; figures are invalid\n", b.failures);
    secp256k1_context_destroy(b.ctx);
}
