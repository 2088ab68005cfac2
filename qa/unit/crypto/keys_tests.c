#include "src/crypto/keys.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/util/hex.h"

/* The group order n of secp256k1, big-endian. */
static const uint8_t ORDER[32] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                   0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41 };

static void unhex(uint8_t *out, size_t n, const char *s)
{
    size_t len;
    ck_assert_msg(hex_decode(out, n, &len, s), "bad hex %s", s);
    ck_assert_uint_eq(len, n);
}

static void key_from_int(uint8_t sk[32], uint8_t v)
{
    memset(sk, 0, 32);
    sk[31] = v;
}

/* out = n - x (x < n). */
static void order_minus(uint8_t out[32], const uint8_t x[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = ORDER[i] - x[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* Appends a strict DER INTEGER for the 32-byte big-endian value v. */
static size_t der_int(uint8_t *out, const uint8_t v[32])
{
    size_t i = 0;
    while (i < 31 && v[i] == 0)
        i++;
    size_t n = 32 - i, pad = (v[i] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    memcpy(out + 2 + pad, v + i, n);
    return 2 + pad + n;
}

/* Strict DER of r || s. */
static size_t der_sig(uint8_t out[72], const uint8_t rs[64])
{
    uint8_t body[70];
    size_t len = der_int(body, rs);
    len += der_int(body + len, rs + 32);
    out[0] = 0x30;
    out[1] = (uint8_t)len;
    memcpy(out + 2, body, len);
    return len + 2;
}

static void satoshi_msg(uint8_t msg[32])
{
    sha256(msg, (const uint8_t *)"Satoshi Nakamoto", 16);
}

/* A signature, its key and message, and its R and S, for the DER tests. */
struct fixture {
    uint8_t sk[32], msg[32], pub[33], rs[64];
};

static void make_fixture(struct fixture *f)
{
    uint8_t der[72];
    size_t len, plen;
    key_from_int(f->sk, 1);
    satoshi_msg(f->msg);
    ck_assert(keys_ecdsa_sign(der, &len, f->msg, f->sk));
    ck_assert(keys_pubkey_create(f->pub, &plen, f->sk, true));
    ck_assert_uint_eq(plen, 33);
    ck_assert(keys_ecdsa_sig_lax_compact(f->rs, der, len));
}

START_TEST(ecdsa_rfc6979_known_answers)
{
    /* RFC 6979 deterministic signatures for secp256k1 with SHA-256, low-S
     * (the widely used vectors from bitcointalk topic 285142). */
    static const struct {
        const char *sk, *der;
    } v[] = {
        { "0000000000000000000000000000000000000000000000000000000000000001",
          "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d802202442ce9d2b916064108014783e923e"
          "c36b49743e2ffa1c4496f01a512aafd9e5" },
        { "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
          "3045022100fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d002206b39cd0eb1bc8603e159ef5c20a5c8"
          "ad685a45b06ce9bebed3f153d10d93bed5" },
    };
    uint8_t msg[32];
    satoshi_msg(msg);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t sk[32], sig[72], pub[65];
        size_t len, plen;
        unhex(sk, 32, v[i].sk);
        ck_assert(keys_ecdsa_sign(sig, &len, msg, sk));
        char hex[145];
        hex_encode(hex, sig, len);
        ck_assert_str_eq(hex, v[i].der);
        ck_assert(keys_ecdsa_sig_has_low_s(sig, len));
        ck_assert(keys_pubkey_create(pub, &plen, sk, true));
        ck_assert(keys_ecdsa_verify(sig, len, msg, pub, plen));
        ck_assert(keys_pubkey_create(pub, &plen, sk, false));
        ck_assert_uint_eq(plen, 65);
        ck_assert(keys_ecdsa_verify(sig, len, msg, pub, plen));
    }
}
END_TEST

START_TEST(ecdsa_round_trips)
{
    for (uint8_t k = 1; k < 40; k++) {
        uint8_t sk[32], msg[32], other[32], sig[72], pub[33], pub2[33];
        size_t len, plen, plen2;
        key_from_int(sk, k);
        sk[0] = (uint8_t)(k * 7); /* spread the keys over the range */
        sha256(msg, &k, 1);
        memcpy(other, msg, 32);
        other[5] ^= 1;
        ck_assert(keys_ecdsa_sign(sig, &len, msg, sk));
        ck_assert_uint_le(len, 72);
        ck_assert(keys_pubkey_create(pub, &plen, sk, true));
        ck_assert(keys_pubkey_valid(pub, plen));
        ck_assert(keys_ecdsa_verify(sig, len, msg, pub, plen));
        ck_assert(keys_ecdsa_sig_has_low_s(sig, len));
        ck_assert(!keys_ecdsa_verify(sig, len, other, pub, plen));
        sk[31] ^= 0x80;
        ck_assert(keys_pubkey_create(pub2, &plen2, sk, true));
        ck_assert(!keys_ecdsa_verify(sig, len, msg, pub2, plen2));
        /* A flipped bit anywhere in R or S breaks it. */
        sig[len - 3] ^= 0x10;
        ck_assert(!keys_ecdsa_verify(sig, len, msg, pub, plen));
    }
}
END_TEST

START_TEST(ecdsa_bad_keys_fail_cleanly)
{
    uint8_t zero[32] = { 0 }, msg[32] = { 1 }, out[72], pub[65], x[32], s[64];
    size_t len = 99;
    ck_assert(!keys_ecdsa_sign(out, &len, msg, zero));
    ck_assert_uint_eq(len, 0);
    ck_assert(!keys_ecdsa_sign(out, &len, msg, ORDER));
    ck_assert(!keys_pubkey_create(pub, &len, ORDER, true));
    ck_assert_uint_eq(len, 0);
    memset(x, 0xaa, 32);
    ck_assert(!keys_xonly_create(x, zero));
    for (int i = 0; i < 32; i++)
        ck_assert_uint_eq(x[i], 0);
    memset(s, 0xaa, 64);
    ck_assert(!keys_schnorr_sign(s, msg, ORDER, NULL));
    for (int i = 0; i < 64; i++)
        ck_assert_uint_eq(s[i], 0);
    ck_assert(!keys_schnorr_sign_tweaked(s, msg, zero, NULL, NULL));
}
END_TEST

START_TEST(high_s_verifies_but_is_not_low)
{
    struct fixture f;
    make_fixture(&f);
    uint8_t high[64], der[72];
    memcpy(high, f.rs, 32);
    order_minus(high + 32, f.rs + 32);
    size_t len = der_sig(der, high);
    ck_assert(keys_ecdsa_verify(der, len, f.msg, f.pub, 33));
    ck_assert(!keys_ecdsa_sig_has_low_s(der, len));
    /* The low form of the same signature. */
    len = der_sig(der, f.rs);
    ck_assert(keys_ecdsa_sig_has_low_s(der, len));
    ck_assert(keys_ecdsa_verify(der, len, f.msg, f.pub, 33));
}
END_TEST

static size_t put(uint8_t *out, size_t p, const uint8_t *src, size_t n)
{
    if (n) /* memcpy with a NULL source is undefined even for n == 0 */
        memcpy(out + p, src, n);
    return p + n;
}

/* Builds 30 <seq> 02 <rhdr> R 02 <shdr> S <tail> from explicit pieces. */
static size_t build(uint8_t *out, const uint8_t *seqhdr, size_t seqn, const uint8_t *rhdr, size_t rhn,
                    const uint8_t *r, size_t rn, const uint8_t *shdr, size_t shn, const uint8_t *s, size_t sn,
                    const uint8_t *tail, size_t tn)
{
    size_t p = 0;
    out[p++] = 0x30;
    p = put(out, p, seqhdr, seqn);
    out[p++] = 0x02;
    p = put(out, p, rhdr, rhn);
    p = put(out, p, r, rn);
    out[p++] = 0x02;
    p = put(out, p, shdr, shn);
    p = put(out, p, s, sn);
    return put(out, p, tail, tn);
}

START_TEST(lax_der_accepts_historic_encodings)
{
    struct fixture f;
    make_fixture(&f);
    uint8_t buf[200], rs[64];
    const uint8_t *r = f.rs, *s = f.rs + 32; /* r has its high bit set: 0x93... */
    ck_assert_uint_ge(r[0], 0x80);
    uint8_t r_pad[34] = { 0, 0 }, s_pad[35] = { 0, 0, 0 };
    memcpy(r_pad + 2, r, 32);
    memcpy(s_pad + 3, s, 32);
    size_t len;
    struct {
        const char *what;
        uint8_t seq[4];
        size_t seqn;
        uint8_t rh[6];
        size_t rhn;
        const uint8_t *r;
        size_t rn;
        uint8_t sh[6];
        size_t shn;
        const uint8_t *s;
        size_t sn;
        size_t tail;
    } cases[] = {
        { "negative R (no 0x00 pad)", { 0x44 }, 1, { 32 }, 1, r, 32, { 32 }, 1, s, 32, 0 },
        { "excess zero padding", { 0x49 }, 1, { 34 }, 1, r_pad, 34, { 35 }, 1, s_pad, 35, 0 },
        { "long-form R and S lengths", { 0x46 }, 1, { 0x81, 32 }, 2, r, 32, { 0x81, 32 }, 2, s, 32, 0 },
        { "long-form with zero bytes", { 0x4a }, 1, { 0x84, 0, 0, 0, 32 }, 5, r, 32, { 0x82, 0, 32 }, 3, s, 32, 0 },
        { "long-form sequence length", { 0x82, 0, 0x44 }, 3, { 32 }, 1, r, 32, { 32 }, 1, s, 32, 0 },
        { "sequence length that lies", { 0x05 }, 1, { 32 }, 1, r, 32, { 32 }, 1, s, 32, 0 },
        { "sequence length 0x80 (indefinite)", { 0x80 }, 1, { 32 }, 1, r, 32, { 32 }, 1, s, 32, 0 },
        { "trailing garbage", { 0x44 }, 1, { 32 }, 1, r, 32, { 32 }, 1, s, 32, 7 },
    };
    const uint8_t garbage[7] = { 0x01, 0xff, 0x30, 0x02, 0x00, 0x99, 0x41 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        len = build(buf, cases[i].seq, cases[i].seqn, cases[i].rh, cases[i].rhn, cases[i].r, cases[i].rn, cases[i].sh,
                    cases[i].shn, cases[i].s, cases[i].sn, garbage, cases[i].tail);
        ck_assert_msg(keys_ecdsa_sig_lax_compact(rs, buf, len), "%s: parse", cases[i].what);
        ck_assert_msg(memcmp(rs, f.rs, 64) == 0, "%s: values", cases[i].what);
        ck_assert_msg(keys_ecdsa_verify(buf, len, f.msg, f.pub, 33), "%s: verify", cases[i].what);
        ck_assert_msg(keys_ecdsa_sig_has_low_s(buf, len), "%s: low S", cases[i].what);
    }
}
END_TEST

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

START_TEST(lax_der_overflow_gives_invalid_signature)
{
    struct fixture f;
    make_fixture(&f);
    uint8_t buf[200], rs[64];
    size_t len;
    const uint8_t *s = f.rs + 32;
    const uint8_t one = 0x01;
    uint8_t big[33];
    memset(big, 0x11, sizeof(big));

    /* Zero-length R: parses (R = 0), never verifies; S alone decides low-S. */
    len = build(buf, (const uint8_t[]){ 0x24 }, 1, (const uint8_t[]){ 0 }, 1, NULL, 0, (const uint8_t[]){ 32 }, 1, s,
                32, NULL, 0);
    ck_assert(keys_ecdsa_sig_lax_compact(rs, buf, len));
    ck_assert(all_zero(rs, 32));
    ck_assert(memcmp(rs + 32, s, 32) == 0);
    ck_assert(!keys_ecdsa_verify(buf, len, f.msg, f.pub, 33));
    ck_assert(keys_ecdsa_sig_has_low_s(buf, len));

    /* Zero-length R and S. */
    const uint8_t minimal[] = { 0x30, 0x04, 0x02, 0x00, 0x02, 0x00 };
    ck_assert(keys_ecdsa_sig_lax_compact(rs, minimal, sizeof(minimal)));
    ck_assert(all_zero(rs, 64));
    ck_assert(!keys_ecdsa_verify(minimal, sizeof(minimal), f.msg, f.pub, 33));
    ck_assert(keys_ecdsa_sig_has_low_s(minimal, sizeof(minimal)));

    /* R of 33 significant bytes: zero signature. */
    len = build(buf, (const uint8_t[]){ 0x25 }, 1, (const uint8_t[]){ 33 }, 1, big, 33, (const uint8_t[]){ 1 }, 1,
                &one, 1, NULL, 0);
    ck_assert(keys_ecdsa_sig_lax_compact(rs, buf, len));
    ck_assert(all_zero(rs, 64));
    ck_assert(!keys_ecdsa_verify(buf, len, f.msg, f.pub, 33));

    /* S equal to the group order: zero signature. */
    len = build(buf, (const uint8_t[]){ 0x44 }, 1, (const uint8_t[]){ 32 }, 1, f.rs, 32, (const uint8_t[]){ 32 }, 1,
                ORDER, 32, NULL, 0);
    ck_assert(keys_ecdsa_sig_lax_compact(rs, buf, len));
    ck_assert(all_zero(rs, 64));
    ck_assert(!keys_ecdsa_verify(buf, len, f.msg, f.pub, 33));
}
END_TEST

START_TEST(lax_der_rejects_garbage)
{
    struct fixture f;
    make_fixture(&f);
    uint8_t good[72], rs[64];
    size_t glen = der_sig(good, f.rs);
    static const struct {
        const char *what, *hex;
    } bad[] = {
        { "empty", "" },
        { "sequence tag only", "30" },
        { "wrong sequence tag", "3106020101020101" },
        { "missing R tag", "30060301010201" "01" },
        { "R length past the end", "3006020501020101" },
        { "missing S tag", "3006020101030101" },
        { "S length past the end", "3006020101020201" },
        { "S length byte missing", "300502010102" },
        { "long-form sequence length past the end", "3084000000" },
        { "long-form R length of 4 significant bytes", "300c028401000000" "0102010100000000" },
        { "long-form R length bytes past the end", "30040283" "0000" },
        { "R length 0x80 then nothing", "30030280" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t buf[64];
        size_t len;
        ck_assert_msg(hex_decode(buf, sizeof(buf), &len, bad[i].hex), "hex %s", bad[i].what);
        ck_assert_msg(!keys_ecdsa_sig_lax_compact(rs, buf, len), "%s parsed", bad[i].what);
        ck_assert(all_zero(rs, 64));
        ck_assert_msg(!keys_ecdsa_verify(buf, len, f.msg, f.pub, 33), "%s verified", bad[i].what);
        ck_assert_msg(!keys_ecdsa_sig_has_low_s(buf, len), "%s low S", bad[i].what);
    }
    /* Every truncation of a good signature short of S's end fails to parse. */
    for (size_t n = 0; n < glen; n++)
        ck_assert_msg(!keys_ecdsa_verify(good, n, f.msg, f.pub, 33), "truncated to %zu", n);
    ck_assert(keys_ecdsa_verify(good, glen, f.msg, f.pub, 33));
    ck_assert(!keys_ecdsa_verify(NULL, 0, f.msg, f.pub, 33));
}
END_TEST

START_TEST(pubkey_encodings)
{
    uint8_t sk[32], pub[65], hyb[65], msg[32], sig[72];
    size_t plen, slen;
    for (uint8_t k = 1; k < 6; k++) {
        key_from_int(sk, k);
        satoshi_msg(msg);
        ck_assert(keys_ecdsa_sign(sig, &slen, msg, sk));
        ck_assert(keys_pubkey_create(pub, &plen, sk, false));
        ck_assert_uint_eq(pub[0], 0x04);
        ck_assert(keys_pubkey_valid(pub, 65));
        /* Hybrid: 06 for even Y, 07 for odd; the wrong one is invalid. */
        memcpy(hyb, pub, 65);
        hyb[0] = (uint8_t)(0x06 | (pub[64] & 1));
        ck_assert(keys_pubkey_valid(hyb, 65));
        ck_assert(keys_ecdsa_verify(sig, slen, msg, hyb, 65));
        hyb[0] ^= 1;
        ck_assert(!keys_pubkey_valid(hyb, 65));
        ck_assert(!keys_ecdsa_verify(sig, slen, msg, hyb, 65));
        /* Uncompressed tag with a compressed length, and the reverse. */
        ck_assert(!keys_pubkey_valid(pub, 33));
        ck_assert(keys_pubkey_create(pub, &plen, sk, true));
        ck_assert(!keys_pubkey_valid(pub, 65));
        ck_assert(keys_pubkey_valid(pub, 33));
        for (size_t n = 0; n < 66; n++)
            if (n != 33 && n != 65)
                ck_assert(!keys_pubkey_valid(pub, n));
        /* Other tags. */
        for (int tag = 0; tag < 256; tag++) {
            uint8_t t[33];
            memcpy(t, pub, 33);
            t[0] = (uint8_t)tag;
            ck_assert(keys_pubkey_valid(t, 33) == (tag == 2 || tag == 3));
        }
    }
    /* x = 5 is not on the curve (5^3 + 7 = 132 is not a square mod p). */
    uint8_t off[33] = { 0x02 };
    off[32] = 5;
    ck_assert(!keys_pubkey_valid(off, 33));
    ck_assert(!keys_pubkey_valid(NULL, 0));
}
END_TEST

/* ---- BIP 340 ---- */

/* Splits a CSV line into at most n fields in place. */
static size_t csv_split(char *line, char **f, size_t n)
{
    size_t k = 0;
    f[k++] = line;
    for (char *p = line; *p && k < n; p++) {
        if (*p == ',') {
            *p = 0;
            f[k++] = p + 1;
        }
    }
    return k;
}

START_TEST(bip340_vectors)
{
    FILE *fp = fopen(UNIT_DATA("bip340_vectors.csv"), "r");
    ck_assert_ptr_nonnull(fp);
    char line[1024];
    int seen = 0, signed_count = 0;
    bool header = true;
    while (fgets(line, sizeof(line), fp)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (header) {
            header = false;
            continue;
        }
        char *f[8];
        ck_assert_uint_eq(csv_split(line, f, 8), 8);
        uint8_t pub[32], msg[32], sig[64];
        unhex(pub, 32, f[2]);
        unhex(msg, 32, f[4]);
        unhex(sig, 64, f[5]);
        bool expect = strcmp(f[6], "TRUE") == 0;
        ck_assert_msg(keys_schnorr_verify(sig, msg, pub) == expect, "vector %s: %s", f[0], f[7]);
        if (*f[1]) {
            uint8_t sk[32], aux[32], x[32], out[64];
            unhex(sk, 32, f[1]);
            unhex(aux, 32, f[3]);
            ck_assert(keys_xonly_create(x, sk));
            ck_assert_msg(memcmp(x, pub, 32) == 0, "vector %s pubkey", f[0]);
            ck_assert(keys_schnorr_sign(out, msg, sk, aux));
            ck_assert_msg(memcmp(out, sig, 64) == 0, "vector %s signature", f[0]);
            signed_count++;
        }
        /* Key validity: vectors 5 and 14 have keys that are not on the curve. */
        bool key_ok = strcmp(f[0], "5") != 0 && strcmp(f[0], "14") != 0;
        ck_assert_msg(keys_xonly_valid(pub) == key_ok, "vector %s key validity", f[0]);
        seen++;
    }
    fclose(fp);
    ck_assert_int_eq(seen, 15);
    ck_assert_int_eq(signed_count, 4);
}
END_TEST

START_TEST(schnorr_round_trips)
{
    for (uint8_t k = 1; k < 30; k++) {
        uint8_t sk[32], x[32], msg[32], sig[64], sig2[64], aux[32];
        key_from_int(sk, k);
        sk[3] = k;
        sha256(msg, &k, 1);
        memset(aux, k, 32);
        ck_assert(keys_xonly_create(x, sk));
        ck_assert(keys_xonly_valid(x));
        ck_assert(keys_schnorr_sign(sig, msg, sk, NULL));
        ck_assert(keys_schnorr_verify(sig, msg, x));
        ck_assert(keys_schnorr_sign(sig2, msg, sk, aux));
        ck_assert(keys_schnorr_verify(sig2, msg, x));
        ck_assert(memcmp(sig, sig2, 64) != 0); /* aux changes the nonce */
        sig[63] ^= 1;
        ck_assert(!keys_schnorr_verify(sig, msg, x));
        sig[63] ^= 1;
        msg[0] ^= 1;
        ck_assert(!keys_schnorr_verify(sig, msg, x));
    }
}
END_TEST

/* ---- BIP 341 tweak ---- */

START_TEST(taproot_tweak_bip341_vectors)
{
    /* bip-0341/wallet-test-vectors.json, scriptPubKey cases 0 and 1. */
    static const struct {
        const char *internal, *root, *output;
    } v[] = {
        { "d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d", NULL,
          "53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343" },
        { "187791b6f712a8ea41c8ecdd0ee77fab3e85263b37e1ec18a3651926b3a6cf27",
          "5b75adecf53548f3ec6ad7d78383bf84cc57b55a3127c72b9a2481752dd88b21",
          "147c9c57132f6e7ecddba9800bb0c4449251c92a1e60371ee77557b6620f3ea3" },
    };
    for (size_t i = 0; i < 2; i++) {
        uint8_t internal[32], root[32], output[32], got[32];
        int parity = -1;
        unhex(internal, 32, v[i].internal);
        unhex(output, 32, v[i].output);
        const uint8_t *rootp = NULL;
        if (v[i].root) {
            unhex(root, 32, v[i].root);
            rootp = root;
        }
        ck_assert(keys_taproot_output_create(got, &parity, internal, rootp));
        ck_assert(memcmp(got, output, 32) == 0);
        ck_assert(parity == 0 || parity == 1);
        /* Positive: the right parity; negative: the other one. */
        ck_assert(keys_taproot_tweak_check(output, parity, internal, rootp));
        ck_assert(!keys_taproot_tweak_check(output, !parity, internal, rootp));
        ck_assert(!keys_taproot_tweak_check(output, 2, internal, rootp));
        ck_assert(!keys_taproot_tweak_check(output, -1, internal, rootp));
        /* Root present vs absent, a changed root, output or internal key. */
        uint8_t zero_root[32] = { 0 };
        ck_assert(!keys_taproot_tweak_check(output, parity, internal, rootp ? NULL : zero_root));
        output[31] ^= 1;
        ck_assert(!keys_taproot_tweak_check(output, parity, internal, rootp));
        output[31] ^= 1;
        internal[31] ^= 1;
        ck_assert(!keys_taproot_tweak_check(output, parity, internal, rootp));
    }
    /* An internal key that is not on the curve. */
    uint8_t bad[32], out[32] = { 1 };
    memset(bad, 0xff, 32);
    int parity = 7;
    ck_assert(!keys_taproot_tweak_check(out, 0, bad, NULL));
    ck_assert(!keys_taproot_output_create(out, &parity, bad, NULL));
    ck_assert(all_zero(out, 32));
    ck_assert_int_eq(parity, 0);
}
END_TEST

START_TEST(taproot_key_path_signing)
{
    for (uint8_t k = 1; k < 12; k++) {
        uint8_t sk[32], internal[32], output[32], root[32], msg[32], sig[64];
        int parity;
        key_from_int(sk, k);
        sk[9] = (uint8_t)(k * 31);
        sha256(msg, &k, 1);
        memset(root, k, 32);
        const uint8_t *rootp = (k & 1) ? root : NULL;
        ck_assert(keys_xonly_create(internal, sk));
        ck_assert(keys_taproot_output_create(output, &parity, internal, rootp));
        ck_assert(keys_taproot_tweak_check(output, parity, internal, rootp));
        ck_assert(keys_schnorr_sign_tweaked(sig, msg, sk, rootp, NULL));
        ck_assert(keys_schnorr_verify(sig, msg, output));
        ck_assert(!keys_schnorr_verify(sig, msg, internal));
        /* Signing for the other root does not verify against this output. */
        ck_assert(keys_schnorr_sign_tweaked(sig, msg, sk, rootp ? NULL : root, msg));
        ck_assert(!keys_schnorr_verify(sig, msg, output));
    }
}
END_TEST

/* ---- concurrency of the implicit initialisation ---- */

static void *verify_thread(void *arg)
{
    const uint8_t *x = arg;
    bool ok = true;
    for (int i = 0; i < 50; i++)
        ok &= keys_xonly_valid(x);
    return ok ? arg : NULL;
}

START_TEST(concurrent_first_use)
{
    /* Check forks each test, so the context is not yet created here. */
    uint8_t x[32];
    unhex(x, 32, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, verify_thread, x), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        ck_assert_int_eq(pthread_join(t[i], &r), 0);
        ck_assert_ptr_eq(r, x);
    }
    keys_init(); /* idempotent */
    ck_assert(keys_xonly_valid(x));
}
END_TEST

START_TEST(decompress_matches_uncompressed_creation)
{
    uint8_t sec[32] = { 0 };
    sec[31] = 7;
    uint8_t comp[65], full[65], out[65];
    size_t clen, flen;
    ck_assert(keys_pubkey_create(comp, &clen, sec, true));
    ck_assert(keys_pubkey_create(full, &flen, sec, false));
    ck_assert_uint_eq(clen, 33);
    ck_assert_uint_eq(flen, 65);
    ck_assert(keys_pubkey_decompress(out, comp, clen));
    ck_assert_mem_eq(out, full, 65);
    ck_assert(keys_pubkey_decompress(out, full, flen));
    ck_assert_mem_eq(out, full, 65);
    comp[0] = 0x05; /* not a key prefix */
    ck_assert(!keys_pubkey_decompress(out, comp, clen));
}
END_TEST

static Suite *keys_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("ecdsa");
    tcase_add_test(tc, decompress_matches_uncompressed_creation);
    tcase_add_test(tc, ecdsa_rfc6979_known_answers);
    tcase_add_test(tc, ecdsa_round_trips);
    tcase_add_test(tc, ecdsa_bad_keys_fail_cleanly);
    tcase_add_test(tc, high_s_verifies_but_is_not_low);
    tcase_add_test(tc, lax_der_accepts_historic_encodings);
    tcase_add_test(tc, lax_der_overflow_gives_invalid_signature);
    tcase_add_test(tc, lax_der_rejects_garbage);
    tcase_add_test(tc, pubkey_encodings);
    suite_add_tcase(s, tc);
    tc = tcase_create("schnorr");
    tcase_add_test(tc, bip340_vectors);
    tcase_add_test(tc, schnorr_round_trips);
    tcase_add_test(tc, taproot_tweak_bip341_vectors);
    tcase_add_test(tc, taproot_key_path_signing);
    tcase_add_test(tc, concurrent_first_use);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(keys_suite)
