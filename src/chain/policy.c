/* Relay policy: Bitcoin Core's policy/policy.cpp and the Solver of
 * script/solver.cpp, judged after the extension prefix on hashmint chains.
 * The solver is a small copy of wallet/script_type.c's logic on purpose:
 * src/chain may not include src/rpc, and policy needs the multisig key
 * counts the presentation code does not return. */
#include "src/chain/policy.h"

#include <string.h>

#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "issuance/liquidation.h"

#define ANNEX_TAG 0x50
#define TAPROOT_LEAF_MASK 0xfe

void policy_options_init(struct policy_options *o, const struct chain_params *p)
{
    memset(o, 0, sizeof(*o));
    o->dust_relay_feerate = POLICY_DUST_RELAY_FEERATE;
    o->datacarrier = true;
    o->max_datacarrier_bytes = POLICY_DEFAULT_MAX_DATACARRIER_BYTES;
    o->permit_bare_multisig = true;
    o->tokens = p != NULL && p->tokens_enabled;
}

/* CPubKey::ValidSize: the length a public key's first byte announces. */
static bool pubkey_valid_size(const uint8_t *p, size_t len)
{
    if (len == 0)
        return false;
    if (p[0] == 0x02 || p[0] == 0x03)
        return len == 33;
    if (p[0] == 0x04 || p[0] == 0x06 || p[0] == 0x07)
        return len == 65;
    return false;
}

/* Core's CheckMinimalPush: the push uses the smallest opcode for its data. */
static bool minimal_push(const uint8_t *data, size_t len, enum opcode op)
{
    if (len == 0)
        return op == OP_0;
    if (len == 1 && data[0] >= 1 && data[0] <= 16)
        return false;
    if (len == 1 && data[0] == 0x81)
        return false;
    if (len <= 75)
        return (size_t)op == len;
    if (len <= 255)
        return op == OP_PUSHDATA1;
    if (len <= 65535)
        return op == OP_PUSHDATA2;
    return true;
}

/* Core's GetScriptNumber for multisig counts: OP_1..OP_16 or a minimal
 * number push, within [lo, hi]. Returns -1 otherwise. */
static int script_number(enum opcode op, const uint8_t *data, size_t len, int lo, int hi)
{
    int64_t v;
    if (op >= OP_1 && op <= OP_16) {
        v = (int64_t)op - (OP_1 - 1);
    } else if (op <= OP_PUSHDATA4) {
        if (!minimal_push(data, len, op))
            return -1;
        if (!script_num_decode(&v, bytes_or_empty(data), len, true, 4))
            return -1;
    } else {
        return -1;
    }
    if (v < lo || v > hi)
        return -1;
    return (int)v;
}

static bool match_multisig(const uint8_t *s, size_t len, int *m_out, int *n_out)
{
    if (len < 1 || s[len - 1] != OP_CHECKMULTISIG)
        return false;
    const uint8_t *pc = s, *end = s + len;
    enum opcode op;
    const uint8_t *data;
    size_t dlen;
    if (!script_get_op(&pc, end, &op, &data, &dlen))
        return false;
    int m = script_number(op, data, dlen, 1, MAX_PUBKEYS_PER_MULTISIG);
    if (m < 0)
        return false;
    int keys = 0;
    bool got;
    while ((got = script_get_op(&pc, end, &op, &data, &dlen)) && pubkey_valid_size(data, dlen))
        keys++;
    if (!got)
        return false;
    int n = script_number(op, data, dlen, m, MAX_PUBKEYS_PER_MULTISIG);
    if (n < 0 || keys != n)
        return false;
    if (pc + 1 != end)
        return false;
    *m_out = m;
    *n_out = n;
    return true;
}

static bool is_pay_to_anchor(const uint8_t *s, size_t len)
{
    return len == 4 && s[0] == OP_1 && s[1] == 0x02 && s[2] == 0x4e && s[3] == 0x73;
}

enum policy_txout_type policy_solve(const uint8_t *spk, size_t len, int *m, int *n)
{
    int mm = 0, nn = 0;
    if (m)
        *m = 0;
    if (n)
        *n = 0;
    spk = bytes_or_empty(spk);
    if (script_is_p2sh(spk, len))
        return POLICY_TXOUT_SCRIPTHASH;
    int version;
    const uint8_t *prog;
    size_t prog_len;
    if (script_is_witness_program(spk, len, &version, &prog, &prog_len)) {
        if (version == 0 && prog_len == WITNESS_V0_KEYHASH_SIZE)
            return POLICY_TXOUT_WITNESS_V0_KEYHASH;
        if (version == 0 && prog_len == WITNESS_V0_SCRIPTHASH_SIZE)
            return POLICY_TXOUT_WITNESS_V0_SCRIPTHASH;
        if (version == 1 && prog_len == WITNESS_V1_TAPROOT_SIZE)
            return POLICY_TXOUT_WITNESS_V1_TAPROOT;
        if (is_pay_to_anchor(spk, len))
            return POLICY_TXOUT_ANCHOR;
        if (version != 0)
            return POLICY_TXOUT_WITNESS_UNKNOWN;
        return POLICY_TXOUT_NONSTANDARD;
    }
    if (len >= 1 && spk[0] == OP_RETURN && script_is_push_only(spk + 1, len - 1))
        return POLICY_TXOUT_NULL_DATA;
    if ((len == 35 && spk[0] == 33 && spk[34] == OP_CHECKSIG && pubkey_valid_size(spk + 1, 33)) ||
        (len == 67 && spk[0] == 65 && spk[66] == OP_CHECKSIG && pubkey_valid_size(spk + 1, 65)))
        return POLICY_TXOUT_PUBKEY;
    if (len == 25 && spk[0] == OP_DUP && spk[1] == OP_HASH160 && spk[2] == 20 && spk[23] == OP_EQUALVERIFY &&
        spk[24] == OP_CHECKSIG)
        return POLICY_TXOUT_PUBKEYHASH;
    if (match_multisig(spk, len, &mm, &nn)) {
        if (m)
            *m = mm;
        if (n)
            *n = nn;
        return POLICY_TXOUT_MULTISIG;
    }
    return POLICY_TXOUT_NONSTANDARD;
}

const char *policy_txout_type_name(enum policy_txout_type t)
{
    switch (t) {
    case POLICY_TXOUT_NONSTANDARD: return "nonstandard";
    case POLICY_TXOUT_ANCHOR: return "anchor";
    case POLICY_TXOUT_PUBKEY: return "pubkey";
    case POLICY_TXOUT_PUBKEYHASH: return "pubkeyhash";
    case POLICY_TXOUT_SCRIPTHASH: return "scripthash";
    case POLICY_TXOUT_MULTISIG: return "multisig";
    case POLICY_TXOUT_NULL_DATA: return "nulldata";
    case POLICY_TXOUT_WITNESS_V0_SCRIPTHASH: return "witness_v0_scripthash";
    case POLICY_TXOUT_WITNESS_V0_KEYHASH: return "witness_v0_keyhash";
    case POLICY_TXOUT_WITNESS_V1_TAPROOT: return "witness_v1_taproot";
    case POLICY_TXOUT_WITNESS_UNKNOWN: return "witness_unknown";
    }
    return "nonstandard";
}

const uint8_t *policy_locking_script(const uint8_t *spk, size_t spk_len, const struct policy_options *o, size_t *len,
                                     bool *prefixed)
{
    spk = bytes_or_empty(spk);
    *len = spk_len;
    if (prefixed)
        *prefixed = false;
    if (!o->tokens)
        return spk;
    struct token_prefix prefix;
    size_t prefix_len;
    switch (token_prefix_parse(&prefix, &prefix_len, spk, spk_len)) {
    case TOKEN_PREFIX_NONE:
        return spk;
    case TOKEN_PREFIX_OK:
        if (prefixed)
            *prefixed = true;
        *len = spk_len - prefix_len;
        return spk + prefix_len;
    case TOKEN_PREFIX_INVALID:
        break;
    }
    *len = 0;
    return NULL;
}

bool policy_script_is_standard(const uint8_t *spk, size_t len, const struct policy_options *o,
                               enum policy_txout_type *type)
{
    int m, n;
    enum policy_txout_type t = policy_solve(spk, len, &m, &n);
    if (type)
        *type = t;
    switch (t) {
    case POLICY_TXOUT_NONSTANDARD:
        return false;
    case POLICY_TXOUT_MULTISIG:
        /* Bare multisig: up to x-of-3. */
        return n >= 1 && n <= POLICY_MAX_BARE_MULTISIG_KEYS && m >= 1 && m <= n;
    case POLICY_TXOUT_NULL_DATA:
        return o->datacarrier && len <= o->max_datacarrier_bytes;
    default:
        return true;
    }
}

int64_t policy_fee_for_size(int64_t feerate, int64_t vbytes)
{
    if (vbytes <= 0 || feerate == 0)
        return 0;
    if (feerate > 0) {
        int64_t fee = (feerate * vbytes + 999) / 1000;
        return fee > 0 ? fee : 1;
    }
    int64_t fee = -((-feerate * vbytes + 999) / 1000);
    return fee < 0 ? fee : -1;
}

int64_t policy_dust_threshold(const struct txout *out, const struct policy_options *o)
{
    const uint8_t *spk = bytes_or_empty(out->script_pubkey.data);
    size_t spk_len = out->script_pubkey.len;
    if (script_is_unspendable(spk, spk_len))
        return 0;
    bool prefixed = false;
    size_t lock_len;
    const uint8_t *lock = policy_locking_script(spk, spk_len, o, &lock_len, &prefixed);
    if (prefixed)
        return 0; /* token data is the value: see policy.h */
    if (lock == NULL) {
        lock = spk;
        lock_len = spk_len;
    }
    int64_t size = 8 + (int64_t)compact_size_len(spk_len) + (int64_t)spk_len;
    int version;
    const uint8_t *prog;
    size_t prog_len;
    if (script_is_witness_program(lock, lock_len, &version, &prog, &prog_len))
        size += 32 + 4 + 1 + (107 / WITNESS_SCALE_FACTOR) + 4;
    else
        size += 32 + 4 + 1 + 107 + 4;
    return policy_fee_for_size(o->dust_relay_feerate, size);
}

bool policy_is_dust(const struct txout *out, const struct policy_options *o)
{
    return out->value < policy_dust_threshold(out, o);
}

bool policy_check_standard_tx(struct val_state *st, const struct tx *tx, const struct policy_options *o)
{
    uint32_t version = (uint32_t)tx->version; /* Core 28+ reads the version unsigned */
    if (version < POLICY_TX_MIN_STANDARD_VERSION || version > POLICY_TX_MAX_STANDARD_VERSION)
        return val_invalid(st, VAL_TX_NOT_STANDARD, "version");
    if (tx_weight(tx) > POLICY_MAX_STANDARD_TX_WEIGHT)
        return val_invalid(st, VAL_TX_NOT_STANDARD, "tx-size");
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct bytes *ss = &tx->vin[i].script_sig;
        /* 1650 bytes: room for a 15-of-15 CHECKMULTISIG P2SH redeem script with compressed keys. */
        if (ss->len > POLICY_MAX_STANDARD_SCRIPTSIG_SIZE)
            return val_invalid(st, VAL_TX_NOT_STANDARD, "scriptsig-size");
        if (!script_is_push_only(bytes_or_empty(ss->data), ss->len))
            return val_invalid(st, VAL_TX_NOT_STANDARD, "scriptsig-not-pushonly");
    }
    unsigned data_out = 0;
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct txout *out = &tx->vout[i];
        size_t lock_len;
        const uint8_t *lock = policy_locking_script(out->script_pubkey.data, out->script_pubkey.len, o, &lock_len, NULL);
        enum policy_txout_type type;
        if (lock == NULL || !policy_script_is_standard(lock, lock_len, o, &type))
            return val_invalid(st, VAL_TX_NOT_STANDARD, "scriptpubkey");
        if (type == POLICY_TXOUT_NULL_DATA)
            data_out++;
        else if (type == POLICY_TXOUT_MULTISIG && !o->permit_bare_multisig)
            return val_invalid(st, VAL_TX_NOT_STANDARD, "bare-multisig");
        else if (policy_is_dust(out, o))
            return val_invalid(st, VAL_TX_NOT_STANDARD, "dust");
    }
    /* Only one OP_RETURN output is permitted. */
    if (data_out > 1)
        return val_invalid(st, VAL_TX_NOT_STANDARD, "multi-op-return");
    return true;
}

/* The last element a push-only scriptSig leaves on the stack (what
 * EvalScript with no flags would leave on top). Returns false if the script
 * is empty, not push-only or truncated. */
static bool last_push(const struct bytes *script_sig, const uint8_t **data, size_t *len, uint8_t *small)
{
    const uint8_t *pc = bytes_or_empty(script_sig->data), *end = pc + script_sig->len;
    bool any = false;
    while (pc < end) {
        enum opcode op;
        const uint8_t *d;
        size_t dl;
        if (!script_get_op(&pc, end, &op, &d, &dl))
            return false;
        if (op > OP_16)
            return false;
        if (op == OP_1NEGATE || (op >= OP_1 && op <= OP_16)) {
            *small = op == OP_1NEGATE ? 0x81 : (uint8_t)(op - (OP_1 - 1));
            *data = small;
            *len = 1;
        } else if (op == OP_RESERVED) {
            return false; /* executing OP_RESERVED fails */
        } else {
            *data = bytes_or_empty(d);
            *len = dl;
        }
        any = true;
    }
    return any;
}

bool policy_inputs_are_standard(const struct tx *tx, const struct spent_coin *coins, const struct policy_options *o)
{
    if (tx_is_coinbase(tx))
        return true;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct txout *prev = coins[i].out;
        /* A liquidation (doc/issuance.md) spends a vault with an empty
         * scriptSig and witness whatever the owner's script: standard, the
         * issuance rules judge it. */
        if (o->tokens && issuance_input_is_liquidation(tx, i, prev))
            continue;
        size_t len;
        const uint8_t *lock = policy_locking_script(prev->script_pubkey.data, prev->script_pubkey.len, o, &len, NULL);
        if (lock == NULL)
            return false;
        enum policy_txout_type t = policy_solve(lock, len, NULL, NULL);
        if (t == POLICY_TXOUT_NONSTANDARD || t == POLICY_TXOUT_WITNESS_UNKNOWN)
            return false;
        if (t == POLICY_TXOUT_SCRIPTHASH) {
            const uint8_t *redeem;
            size_t redeem_len;
            uint8_t small;
            if (!last_push(&tx->vin[i].script_sig, &redeem, &redeem_len, &small))
                return false;
            if (script_sigop_count(redeem, redeem_len, true) > POLICY_MAX_P2SH_SIGOPS)
                return false;
        }
    }
    return true;
}

bool policy_witness_is_standard(const struct tx *tx, const struct spent_coin *coins, const struct policy_options *o)
{
    if (tx_is_coinbase(tx))
        return true;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct witness *w = &tx->vin[i].witness;
        if (w->count == 0)
            continue;
        const struct txout *prev = coins[i].out;
        size_t len;
        const uint8_t *script = policy_locking_script(prev->script_pubkey.data, prev->script_pubkey.len, o, &len, NULL);
        if (script == NULL)
            return false;
        /* Witness stuffing on a pay-to-anchor spend. */
        if (is_pay_to_anchor(script, len))
            return false;
        bool p2sh = false;
        uint8_t small;
        if (script_is_p2sh(script, len)) {
            if (!last_push(&tx->vin[i].script_sig, &script, &len, &small))
                return false;
            p2sh = true;
        }
        int version;
        const uint8_t *prog;
        size_t prog_len;
        /* A non-witness program must not carry a witness. */
        if (!script_is_witness_program(script, len, &version, &prog, &prog_len))
            return false;
        if (version == 0 && prog_len == WITNESS_V0_SCRIPTHASH_SIZE) {
            if (w->items[w->count - 1].len > POLICY_MAX_STANDARD_P2WSH_SCRIPT_SIZE)
                return false;
            size_t items = w->count - 1;
            if (items > POLICY_MAX_STANDARD_P2WSH_STACK_ITEMS)
                return false;
            for (size_t j = 0; j < items; j++)
                if (w->items[j].len > POLICY_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE)
                    return false;
        }
        if (version == 1 && prog_len == WITNESS_V1_TAPROOT_SIZE && !p2sh) {
            size_t n = w->count;
            const struct bytes *last = &w->items[n - 1];
            /* Annexes stay non-standard until they have semantics. */
            if (n >= 2 && last->len > 0 && last->data[0] == ANNEX_TAG)
                return false;
            if (n >= 2) {
                const struct bytes *control = &w->items[n - 1];
                if (control->len == 0)
                    return false;
                if ((control->data[0] & TAPROOT_LEAF_MASK) == 0xc0) {
                    for (size_t j = 0; j + 2 < n; j++)
                        if (w->items[j].len > POLICY_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE)
                            return false;
                }
            } else if (n == 0) {
                return false;
            }
        }
    }
    return true;
}

int64_t policy_virtual_size(int64_t weight, int64_t sigop_cost, int64_t bytes_per_sigop)
{
    int64_t w = weight;
    if (sigop_cost * bytes_per_sigop > w)
        w = sigop_cost * bytes_per_sigop;
    return (w + WITNESS_SCALE_FACTOR - 1) / WITNESS_SCALE_FACTOR;
}

uint32_t policy_standard_script_flags(const struct chain_params *p)
{
    uint32_t f = POLICY_STANDARD_SCRIPT_VERIFY_FLAGS;
    if (p != NULL && p->tokens_enabled)
        f |= SCRIPT_VERIFY_TOKENS;
    return f;
}

uint32_t policy_mandatory_script_flags(const struct chain_params *p)
{
    uint32_t f = POLICY_MANDATORY_SCRIPT_VERIFY_FLAGS;
    if (p != NULL && p->tokens_enabled)
        f |= SCRIPT_VERIFY_TOKENS;
    return f;
}

bool policy_signals_rbf(const struct tx *tx)
{
    for (size_t i = 0; i < tx->vin_count; i++)
        if (tx->vin[i].sequence <= 0xfffffffdu)
            return true;
    return false;
}
