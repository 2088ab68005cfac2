#include "qa/unit/vector_util.h"

#include <check.h>
#include <math.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <string.h>

#include "consensus/amount.h"
#include "src/crypto/sha256.h"

json_t *unit_json_load(const char *path)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    ck_assert_msg(root != NULL, "cannot load %s: %s (line %d)", path, jerr.text, jerr.line);
    return root;
}

bool unit_json_btc(const json_t *v, int64_t *out)
{
    *out = 0;
    if (!json_is_number(v))
        return false;
    double btc = json_number_value(v);
    if (!(btc >= 0) || btc > (double)(MAX_MONEY / COIN))
        return false;
    /* Below 2^53 base units a double of a decimal with at most 8 places is
     * within far less than half a unit of the exact value: rounding is exact. */
    double units = btc * (double)COIN;
    double rounded = nearbyint(units);
    if (fabs(units - rounded) > 1e-3)
        return false;
    *out = (int64_t)rounded;
    return true;
}

bool unit_verify_input(const struct tx *tx, const struct tx_precomputed *pre, size_t i, const uint8_t *spk,
                       size_t spk_len, int64_t amount, uint32_t flags, enum script_error *err)
{
    struct tx_sig_checker tc;
    struct sig_checker checker;
    tx_sig_checker_init(&tc, &checker, tx, i, amount, pre, flags);
    const struct txin *in = &tx->vin[i];
    return script_verify(in->script_sig.data, in->script_sig.len, spk, spk_len, &in->witness, flags, &checker, err);
}

/* BIP 341's provably unspendable internal key: H = lift_x(SHA256(G)). */
static const uint8_t NUMS_H[32] = {
    0x50, 0x92, 0x9b, 0x74, 0xc1, 0xa0, 0x49, 0x54, 0xb7, 0x8b, 0x4b, 0x60, 0x35, 0xe9, 0x7a, 0x5e,
    0x07, 0x8a, 0x5a, 0x0f, 0x28, 0xec, 0x96, 0xd5, 0x47, 0xbf, 0xee, 0x9a, 0xce, 0x80, 0x3a, 0xc0,
};

bool unit_taproot_output_key(uint8_t out[32], int *parity, const uint8_t internal[32], const uint8_t *merkle_root)
{
    uint8_t tweak[32];
    struct sha256_ctx h;
    sha256_tagged_init(&h, "TapTweak");
    sha256_write(&h, internal, 32);
    if (merkle_root)
        sha256_write(&h, merkle_root, 32);
    sha256_finalize(&h, tweak);

    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_xonly_pubkey p, q_x;
    secp256k1_pubkey q;
    *parity = 0;
    return secp256k1_xonly_pubkey_parse(ctx, &p, internal) && secp256k1_xonly_pubkey_tweak_add(ctx, &q, &p, tweak) &&
           secp256k1_xonly_pubkey_from_pubkey(ctx, &q_x, parity, &q) && secp256k1_xonly_pubkey_serialize(ctx, out, &q_x);
}

bool unit_taproot_one_leaf(uint8_t spk[34], uint8_t control[33], const uint8_t *script, size_t len)
{
    uint8_t leaf[32];
    sighash_tapleaf_hash(leaf, TAPROOT_LEAF_TAPSCRIPT, script, len);
    /* One leaf at depth 0: the Merkle root is the leaf hash itself. */
    int parity;
    if (!unit_taproot_output_key(spk + 2, &parity, NUMS_H, leaf))
        return false;
    spk[0] = 0x51;
    spk[1] = 0x20;
    control[0] = (uint8_t)(TAPROOT_LEAF_TAPSCRIPT | (parity ? 1 : 0));
    memcpy(control + 1, NUMS_H, 32);
    return true;
}
