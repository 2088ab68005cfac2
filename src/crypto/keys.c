/* Public-key operations over libsecp256k1 (see keys.h).
 *
 * One context serves the whole process. libsecp256k1 contexts are safe to
 * share between threads for every operation except randomisation, which is
 * done once, inside pthread_once, before anyone can see the context. */
#include "src/crypto/keys.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/* Fills buf from the kernel's CSPRNG; returns false if it cannot. */
static bool random_fill(uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

static void ctx_create(void)
{
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx)
        abort(); /* only on out-of-memory, like mem_alloc */
    /* Blinding protects signing against timing and power side channels; it
     * does not affect results, so a node without getrandom() still works. */
    uint8_t seed[32];
    if (random_fill(seed, sizeof(seed)) && !secp256k1_context_randomize(ctx, seed))
        abort();
    mem_wipe(seed, sizeof(seed));
}

void keys_init(void)
{
    pthread_once(&ctx_once, ctx_create);
}

static const secp256k1_context *get_ctx(void)
{
    keys_init();
    return ctx;
}

/* ---- ECDSA: lax DER ------------------------------------------------------
 *
 * Before BIP 66, signatures in blocks were whatever OpenSSL accepted, so
 * consensus must keep accepting the same encodings: negative integers (no
 * 0x00 pad), excess zero padding, long-form lengths with leading zeros, a
 * sequence length that lies, and trailing garbage. The approach is Bitcoin
 * Core's ecdsa_signature_parse_der_lax: locate R and S through their tags and
 * lengths, strip leading zeros, and if either is longer than 32 bytes or not
 * below the group order, still "succeed" with the all-zero signature, which
 * no verification accepts. Only a missing tag or a length past the end fails.
 */

/* Reads a DER length at *pos: short form, or long form whose value (after
 * leading zero bytes) must fit in three bytes. Returns false past the end. */
static bool der_read_len(const uint8_t *in, size_t len, size_t *pos, size_t *out)
{
    if (*pos == len)
        return false;
    size_t b = in[(*pos)++];
    if (!(b & 0x80)) {
        *out = b;
        return true;
    }
    b -= 0x80;
    if (b > len - *pos)
        return false;
    while (b > 0 && in[*pos] == 0) {
        (*pos)++;
        b--;
    }
    if (b >= 4) /* at least 2^24 bytes: cannot be inside any real input */
        return false;
    size_t v = 0;
    for (; b > 0; b--)
        v = (v << 8) | in[(*pos)++];
    *out = v;
    return true;
}

/* Copies a big-endian integer (leading zeros stripped) right-aligned into
 * 32 bytes; returns false if it is longer than 32 bytes. */
static bool der_copy_int(uint8_t out[32], const uint8_t *p, size_t n)
{
    while (n > 0 && *p == 0) {
        p++;
        n--;
    }
    if (n > 32)
        return false;
    memcpy(out + 32 - n, p, n);
    return true;
}

/* Parses sig laxly into 64 bytes r || s. Returns false only when the input
 * is not even laxly DER; r || s is all zeros if R or S does not fit. */
static bool der_parse_lax(uint8_t rs[64], const uint8_t *in, size_t len)
{
    size_t pos = 0, rlen, slen;
    memset(rs, 0, 64);
    if (len == 0 || in[pos++] != 0x30)
        return false;
    /* The sequence length is not checked against the contents. */
    if (pos == len)
        return false;
    size_t b = in[pos++];
    if (b & 0x80) {
        b -= 0x80;
        if (b > len - pos)
            return false;
        pos += b;
    }

    if (pos == len || in[pos++] != 0x02)
        return false;
    if (!der_read_len(in, len, &pos, &rlen) || rlen > len - pos)
        return false;
    size_t rpos = pos;
    pos += rlen;

    if (pos == len || in[pos++] != 0x02)
        return false;
    if (!der_read_len(in, len, &pos, &slen) || slen > len - pos)
        return false;
    size_t spos = pos;
    /* Anything after S is ignored. */

    if (!der_copy_int(rs, in + rpos, rlen) || !der_copy_int(rs + 32, in + spos, slen))
        memset(rs, 0, 64);
    return true;
}

/* Lax parse into a secp256k1 signature (the zero signature on overflow). */
static bool sig_parse_lax(const secp256k1_context *c, secp256k1_ecdsa_signature *sig, const uint8_t *in, size_t len)
{
    uint8_t rs[64];
    if (!der_parse_lax(rs, in, len))
        return false;
    if (!secp256k1_ecdsa_signature_parse_compact(c, sig, rs)) {
        /* R or S >= n: the never-valid zero signature, as Bitcoin does. */
        memset(rs, 0, 64);
        if (!secp256k1_ecdsa_signature_parse_compact(c, sig, rs))
            return false;
    }
    return true;
}

bool keys_ecdsa_sig_lax_compact(uint8_t out[64], const uint8_t *sig, size_t sig_len)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_ecdsa_signature s;
    if (!sig_parse_lax(c, &s, sig, sig_len)) {
        memset(out, 0, 64);
        return false;
    }
    return secp256k1_ecdsa_signature_serialize_compact(c, out, &s) == 1;
}

/* Only 33-byte (02/03) and 65-byte (04/06/07) encodings exist; checking the
 * length first keeps junk from ever reaching the parser. */
static bool pubkey_parse(const secp256k1_context *c, secp256k1_pubkey *pk, const uint8_t *p, size_t len)
{
    if (len == 33) {
        if (p[0] != 0x02 && p[0] != 0x03)
            return false;
    } else if (len == 65) {
        if (p[0] != 0x04 && p[0] != 0x06 && p[0] != 0x07)
            return false;
    } else {
        return false;
    }
    return secp256k1_ec_pubkey_parse(c, pk, p, len) == 1;
}

bool keys_pubkey_valid(const uint8_t *p, size_t len)
{
    secp256k1_pubkey pk;
    return pubkey_parse(get_ctx(), &pk, p, len);
}

bool keys_pubkey_decompress(uint8_t out[65], const uint8_t *p, size_t len)
{
    secp256k1_pubkey pk;
    uint8_t tmp[65];
    size_t outlen = sizeof(tmp);
    if (!pubkey_parse(get_ctx(), &pk, p, len) ||
        !secp256k1_ec_pubkey_serialize(get_ctx(), tmp, &outlen, &pk, SECP256K1_EC_UNCOMPRESSED) || outlen != 65)
        return false;
    memcpy(out, tmp, 65);
    return true;
}

bool keys_ecdsa_verify(const uint8_t *sig, size_t sig_len, const uint8_t msg[32], const uint8_t *pubkey,
                       size_t pubkey_len)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature s;
    if (!pubkey_parse(c, &pk, pubkey, pubkey_len))
        return false;
    if (!sig_parse_lax(c, &s, sig, sig_len))
        return false;
    /* libsecp256k1 only verifies low-S; consensus accepts both halves. */
    secp256k1_ecdsa_signature_normalize(c, &s, &s);
    return secp256k1_ecdsa_verify(c, &s, msg, &pk) == 1;
}

bool keys_ecdsa_sig_has_low_s(const uint8_t *sig, size_t sig_len)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_ecdsa_signature s;
    if (!sig_parse_lax(c, &s, sig, sig_len))
        return false;
    /* normalize returns 1 exactly when S was high. */
    return secp256k1_ecdsa_signature_normalize(c, NULL, &s) == 0;
}

/* ---- Schnorr and taproot --------------------------------------------------- */

bool keys_xonly_valid(const uint8_t xonly[32])
{
    secp256k1_xonly_pubkey pk;
    return secp256k1_xonly_pubkey_parse(get_ctx(), &pk, xonly) == 1;
}

bool keys_schnorr_verify(const uint8_t sig[64], const uint8_t msg[32], const uint8_t xonly[32])
{
    const secp256k1_context *c = get_ctx();
    secp256k1_xonly_pubkey pk;
    if (!secp256k1_xonly_pubkey_parse(c, &pk, xonly))
        return false;
    return secp256k1_schnorrsig_verify(c, sig, msg, 32, &pk) == 1;
}

/* BIP 341: t = hash_TapTweak(internal || merkle_root), the root omitted for
 * a key-path-only output. */
static void taptweak_hash(uint8_t out[32], const uint8_t internal[32], const uint8_t *merkle_root)
{
    struct sha256_ctx h;
    sha256_tagged_init(&h, "TapTweak");
    sha256_write(&h, internal, 32);
    if (merkle_root)
        sha256_write(&h, merkle_root, 32);
    sha256_finalize(&h, out);
}

bool keys_taproot_tweak_check(const uint8_t output[32], int output_parity, const uint8_t internal[32],
                              const uint8_t *merkle_root)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_xonly_pubkey in;
    uint8_t tweak[32];
    if (output_parity != 0 && output_parity != 1)
        return false;
    if (!secp256k1_xonly_pubkey_parse(c, &in, internal))
        return false;
    taptweak_hash(tweak, internal, merkle_root);
    return secp256k1_xonly_pubkey_tweak_add_check(c, output, output_parity, &in, tweak) == 1;
}

bool keys_taproot_output_create(uint8_t output[32], int *parity, const uint8_t internal[32],
                                const uint8_t *merkle_root)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_xonly_pubkey in, out;
    secp256k1_pubkey full;
    uint8_t tweak[32];
    int par = 0;
    memset(output, 0, 32);
    if (parity)
        *parity = 0;
    if (!secp256k1_xonly_pubkey_parse(c, &in, internal))
        return false;
    taptweak_hash(tweak, internal, merkle_root);
    if (!secp256k1_xonly_pubkey_tweak_add(c, &full, &in, tweak) ||
        !secp256k1_xonly_pubkey_from_pubkey(c, &out, &par, &full) ||
        !secp256k1_xonly_pubkey_serialize(c, output, &out))
        return false;
    if (parity)
        *parity = par;
    return true;
}

/* ---- Signing ----------------------------------------------------------------
 * Secrets live only in the caller's buffer and in secp256k1_keypair structs
 * here; every keypair is wiped before return, on success and failure alike. */

bool keys_pubkey_create(uint8_t *out, size_t *out_len, const uint8_t seckey[32], bool compressed)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_pubkey pk;
    size_t len = compressed ? 33 : 65;
    *out_len = 0;
    if (!secp256k1_ec_pubkey_create(c, &pk, seckey))
        return false;
    if (!secp256k1_ec_pubkey_serialize(c, out, &len, &pk,
                                       compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED))
        return false;
    *out_len = len;
    return true;
}

bool keys_ecdsa_sign(uint8_t out[72], size_t *out_len, const uint8_t msg[32], const uint8_t seckey[32])
{
    const secp256k1_context *c = get_ctx();
    secp256k1_ecdsa_signature s;
    size_t len = 72;
    *out_len = 0;
    /* NULL nonce function: RFC 6979; libsecp256k1 always produces low S. */
    if (!secp256k1_ecdsa_sign(c, &s, msg, seckey, NULL, NULL))
        return false;
    if (!secp256k1_ecdsa_signature_serialize_der(c, out, &len, &s))
        return false;
    *out_len = len;
    return true;
}

bool keys_xonly_create(uint8_t out[32], const uint8_t seckey[32])
{
    const secp256k1_context *c = get_ctx();
    secp256k1_keypair kp;
    secp256k1_xonly_pubkey pk;
    bool ok = secp256k1_keypair_create(c, &kp, seckey) && secp256k1_keypair_xonly_pub(c, &pk, NULL, &kp) &&
              secp256k1_xonly_pubkey_serialize(c, out, &pk);
    mem_wipe(&kp, sizeof(kp));
    if (!ok)
        memset(out, 0, 32);
    return ok;
}

/* Signs with kp and checks the result against its own key: a fault during
 * signing (bit flip, miscompiled library) must not leak a bad signature. */
static bool schnorr_sign_keypair(const secp256k1_context *c, uint8_t out[64], const uint8_t msg[32],
                                 const secp256k1_keypair *kp, const uint8_t *aux32)
{
    secp256k1_xonly_pubkey pk;
    if (!secp256k1_schnorrsig_sign32(c, out, msg, kp, aux32))
        return false;
    if (!secp256k1_keypair_xonly_pub(c, &pk, NULL, kp))
        return false;
    return secp256k1_schnorrsig_verify(c, out, msg, 32, &pk) == 1;
}

bool keys_schnorr_sign(uint8_t out[64], const uint8_t msg[32], const uint8_t seckey[32], const uint8_t *aux32)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_keypair kp;
    bool ok = secp256k1_keypair_create(c, &kp, seckey) && schnorr_sign_keypair(c, out, msg, &kp, aux32);
    mem_wipe(&kp, sizeof(kp));
    if (!ok)
        memset(out, 0, 64);
    return ok;
}

bool keys_schnorr_sign_tweaked(uint8_t out[64], const uint8_t msg[32], const uint8_t seckey[32],
                               const uint8_t *merkle_root, const uint8_t *aux32)
{
    const secp256k1_context *c = get_ctx();
    secp256k1_keypair kp;
    secp256k1_xonly_pubkey internal;
    uint8_t internal32[32], tweak[32];
    bool ok = secp256k1_keypair_create(c, &kp, seckey) && secp256k1_keypair_xonly_pub(c, &internal, NULL, &kp) &&
              secp256k1_xonly_pubkey_serialize(c, internal32, &internal);
    if (ok) {
        taptweak_hash(tweak, internal32, merkle_root);
        /* Negates the secret first if the internal key has odd Y (BIP 341). */
        ok = secp256k1_keypair_xonly_tweak_add(c, &kp, tweak) && schnorr_sign_keypair(c, out, msg, &kp, aux32);
    }
    mem_wipe(&kp, sizeof(kp));
    mem_wipe(tweak, sizeof(tweak));
    if (!ok)
        memset(out, 0, 64);
    return ok;
}

/* ---- BIP 32 child-key tweaks (wallet/bip32.c) ---- */

bool keys_seckey_tweak_add(uint8_t seckey[32], const uint8_t tweak[32])
{
    uint8_t tmp[32];
    memcpy(tmp, seckey, 32);
    bool ok = secp256k1_ec_seckey_verify(get_ctx(), tmp) && secp256k1_ec_seckey_tweak_add(get_ctx(), tmp, tweak);
    if (ok)
        memcpy(seckey, tmp, 32);
    mem_wipe(tmp, sizeof(tmp));
    return ok;
}

bool keys_pubkey_tweak_add(uint8_t out[33], const uint8_t pub[33], const uint8_t tweak[32])
{
    const secp256k1_context *c = get_ctx();
    secp256k1_pubkey pk;
    size_t len = 33;
    if (!secp256k1_ec_pubkey_parse(c, &pk, pub, 33) || !secp256k1_ec_pubkey_tweak_add(c, &pk, tweak) ||
        !secp256k1_ec_pubkey_serialize(c, out, &len, &pk, SECP256K1_EC_COMPRESSED)) {
        memset(out, 0, 33);
        return false;
    }
    return true;
}

bool keys_random(uint8_t *out, size_t len)
{
    return random_fill(out, len);
}
