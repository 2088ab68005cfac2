/* scriptPubKey <-> address (see address.h). The templates are matched on
 * the raw bytes so this file needs nothing from the script module. */
#include "consensus/address.h"

#include <string.h>

#include "src/crypto/base58.h"
#include "src/crypto/bech32.h"

/* Opcodes of the templates. */
#define OP_0 0x00
#define OP_1 0x51
#define OP_16 0x60
#define OP_DUP 0x76
#define OP_HASH160 0xa9
#define OP_EQUAL 0x87
#define OP_EQUALVERIFY 0x88
#define OP_CHECKSIG 0xac

static bool is_p2pkh(const uint8_t *s, size_t len)
{
    return len == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
           s[24] == OP_CHECKSIG;
}

static bool is_p2sh(const uint8_t *s, size_t len)
{
    return len == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL;
}

/* BIP 141: a version opcode then one direct push of 2..40 bytes, nothing
 * else. Out: the version (0..16) and the program. */
static bool is_witness(const uint8_t *s, size_t len, int *version, const uint8_t **program, size_t *program_len)
{
    if (len < 4 || len > 42)
        return false;
    if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16))
        return false;
    if ((size_t)s[1] + 2 != len)
        return false;
    *version = s[0] == OP_0 ? 0 : s[0] - OP_1 + 1;
    *program = s + 2;
    *program_len = len - 2;
    return true;
}

static bool base58_address(char out[ADDRESS_MAX_STRING], uint8_t version, const uint8_t hash[20])
{
    uint8_t payload[21];
    payload[0] = version;
    memcpy(payload + 1, hash, 20);
    return base58check_encode(out, ADDRESS_MAX_STRING, payload, sizeof(payload));
}

bool address_from_script(char out[ADDRESS_MAX_STRING], const struct address_params *params, const uint8_t *script,
                         size_t len)
{
    int version;
    const uint8_t *program;
    size_t program_len;
    out[0] = 0;
    if (is_p2pkh(script, len))
        return base58_address(out, params->p2pkh, script + 3);
    if (is_p2sh(script, len))
        return base58_address(out, params->p2sh, script + 2);
    /* bech32_segwit_encode refuses v0 programs that are not 20 or 32 bytes. */
    if (is_witness(script, len, &version, &program, &program_len))
        return bech32_segwit_encode(out, params->hrp, version, program, program_len);
    return false;
}

bool address_to_script(uint8_t out[ADDRESS_MAX_SCRIPT], size_t *out_len, const struct address_params *params,
                       const char *addr)
{
    uint8_t payload[21], program[BECH32_SEGWIT_MAX_PROGRAM];
    size_t n;
    int version;
    *out_len = 0;
    /* Base58Check first, then segwit, as Bitcoin Core does. A string valid
     * as both would need two independent checksums to match. */
    if (base58check_decode(payload, sizeof(payload), &n, addr) && n == 21) {
        if (payload[0] == params->p2pkh) {
            out[0] = OP_DUP;
            out[1] = OP_HASH160;
            out[2] = 20;
            memcpy(out + 3, payload + 1, 20);
            out[23] = OP_EQUALVERIFY;
            out[24] = OP_CHECKSIG;
            *out_len = 25;
            return true;
        }
        if (payload[0] == params->p2sh) {
            out[0] = OP_HASH160;
            out[1] = 20;
            memcpy(out + 2, payload + 1, 20);
            out[22] = OP_EQUAL;
            *out_len = 23;
            return true;
        }
        return false;
    }
    if (!bech32_segwit_decode(&version, program, &n, params->hrp, addr))
        return false;
    out[0] = version == 0 ? OP_0 : (uint8_t)(OP_1 + version - 1);
    out[1] = (uint8_t)n;
    memcpy(out + 2, program, n);
    *out_len = n + 2;
    return true;
}
