#include "wallet/script_type.h"

#include <stdbool.h>

#include "consensus/script.h"

/* CPubKey::ValidSize: the first byte decides the length (33 or 65). */
static bool pubkey_valid_size(const uint8_t *p, size_t len)
{
    if (len == 0)
        return false;
    switch (p[0]) {
    case 0x02:
    case 0x03:
        return len == 33;
    case 0x04:
    case 0x06:
    case 0x07:
        return len == 65;
    }
    return false;
}

static bool is_pay_to_pubkey(const uint8_t *s, size_t len)
{
    if (len == 65 + 2 && s[0] == 65 && s[len - 1] == OP_CHECKSIG)
        return pubkey_valid_size(s + 1, 65);
    if (len == 33 + 2 && s[0] == 33 && s[len - 1] == OP_CHECKSIG)
        return pubkey_valid_size(s + 1, 33);
    return false;
}

static bool is_pay_to_pubkey_hash(const uint8_t *s, size_t len)
{
    return len == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
           s[24] == OP_CHECKSIG;
}

/* Core's GetScriptNumber for multisig counts: OP_1..OP_16, or a minimal
 * push of a minimal number; within [min, max]. */
static bool multisig_number(int64_t *out, enum opcode op, const uint8_t *data, size_t data_len, int64_t min,
                            int64_t max)
{
    int64_t n;
    if (op >= OP_1 && op <= OP_16) {
        n = (int64_t)op - (OP_1 - 1);
    } else if (op <= OP_PUSHDATA4) {
        /* Minimal push: a direct push for <= 75 bytes (and never for what an
         * OP_n or OP_0 could express), PUSHDATA1/2 only when needed. */
        if (data_len == 0 || (data_len == 1 && (data[0] <= 16 || data[0] == 0x81)))
            return false;
        if (data_len <= 75 ? op != data_len
                           : (data_len <= 255 ? op != OP_PUSHDATA1 : (data_len <= 65535 ? op != OP_PUSHDATA2 : false)))
            return false;
        if (!script_num_decode(&n, data, data_len, true, 4))
            return false;
    } else {
        return false;
    }
    if (n < min || n > max)
        return false;
    *out = n;
    return true;
}

static bool is_multisig(const uint8_t *s, size_t len)
{
    if (len < 1 || s[len - 1] != OP_CHECKMULTISIG)
        return false;
    const uint8_t *pc = s, *end = s + len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    int64_t required, keys;
    if (!script_get_op(&pc, end, &op, &data, &data_len))
        return false;
    if (!multisig_number(&required, op, data, data_len, 1, MAX_PUBKEYS_PER_MULTISIG))
        return false;
    int64_t count = 0;
    bool got;
    while ((got = script_get_op(&pc, end, &op, &data, &data_len)) && pubkey_valid_size(data, data_len))
        count++;
    if (!got || !multisig_number(&keys, op, data, data_len, required, MAX_PUBKEYS_PER_MULTISIG))
        return false;
    if (count != keys)
        return false;
    return pc + 1 == end; /* only OP_CHECKMULTISIG follows */
}

/* IsPushOnly on the script after its first byte. */
static bool rest_is_push_only(const uint8_t *s, size_t len)
{
    const uint8_t *pc = s, *end = s + len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    while (pc < end) {
        if (!script_get_op(&pc, end, &op, &data, &data_len))
            return false;
        if (op > OP_16)
            return false;
    }
    return true;
}

enum script_type script_type_solve(const uint8_t *s, size_t len)
{
    if (script_is_p2sh(s, len))
        return SCRIPT_TYPE_SCRIPTHASH;
    int version;
    const uint8_t *program;
    size_t program_len;
    if (script_is_witness_program(s, len, &version, &program, &program_len)) {
        if (version == 0 && program_len == WITNESS_V0_KEYHASH_SIZE)
            return SCRIPT_TYPE_WITNESS_V0_KEYHASH;
        if (version == 0 && program_len == WITNESS_V0_SCRIPTHASH_SIZE)
            return SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH;
        if (version == 1 && program_len == WITNESS_V1_TAPROOT_SIZE)
            return SCRIPT_TYPE_WITNESS_V1_TAPROOT;
        if (version != 0)
            return SCRIPT_TYPE_WITNESS_UNKNOWN;
        return SCRIPT_TYPE_NONSTANDARD;
    }
    if (len >= 1 && s[0] == OP_RETURN && rest_is_push_only(s + 1, len - 1))
        return SCRIPT_TYPE_NULL_DATA;
    if (is_pay_to_pubkey(s, len))
        return SCRIPT_TYPE_PUBKEY;
    if (is_pay_to_pubkey_hash(s, len))
        return SCRIPT_TYPE_PUBKEYHASH;
    if (is_multisig(s, len))
        return SCRIPT_TYPE_MULTISIG;
    return SCRIPT_TYPE_NONSTANDARD;
}

const char *script_type_name(enum script_type type)
{
    switch (type) {
    case SCRIPT_TYPE_NONSTANDARD:
        return "nonstandard";
    case SCRIPT_TYPE_PUBKEY:
        return "pubkey";
    case SCRIPT_TYPE_PUBKEYHASH:
        return "pubkeyhash";
    case SCRIPT_TYPE_SCRIPTHASH:
        return "scripthash";
    case SCRIPT_TYPE_MULTISIG:
        return "multisig";
    case SCRIPT_TYPE_NULL_DATA:
        return "nulldata";
    case SCRIPT_TYPE_WITNESS_V0_KEYHASH:
        return "witness_v0_keyhash";
    case SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH:
        return "witness_v0_scripthash";
    case SCRIPT_TYPE_WITNESS_V1_TAPROOT:
        return "witness_v1_taproot";
    case SCRIPT_TYPE_WITNESS_UNKNOWN:
        return "witness_unknown";
    }
    return "nonstandard";
}
