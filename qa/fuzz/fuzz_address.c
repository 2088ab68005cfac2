/* Fuzz target: address decoding and encoding (Base58Check, bech32/bech32m).
 *
 * The input, NUL-terminated, is decoded as an address for Bitcoin mainnet and
 * hashmint regtest prefixes; whatever decodes must re-encode to the same
 * string (lowercased for bech32). The same bytes are also taken as a
 * scriptPubKey: whatever has an address must decode back to that script.
 * Raw bech32 and Base58 decoding of the string is exercised too. */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "consensus/address.h"
#include "src/crypto/base58.h"
#include "src/crypto/bech32.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct address_params PARAMS[] = {
    { 0, 5, "bc" },
    { 111, 196, "hmrt" },
};

static void check_string(const struct address_params *params, const char *s)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    char again[ADDRESS_MAX_STRING];
    if (!address_to_script(spk, &len, params, s))
        return;
    assert(len <= ADDRESS_MAX_SCRIPT);
    bool ok = address_from_script(again, params, spk, len);
    assert(ok);
    size_t n = strlen(s);
    assert(strlen(again) == n);
    bool base58 = (len == 25 && spk[0] == 0x76) || (len == 23 && spk[0] == 0xa9);
    for (size_t i = 0; i < n; i++)
        assert(again[i] == (base58 ? s[i] : (char)tolower((unsigned char)s[i])));
}

static void check_script(const struct address_params *params, const uint8_t *spk, size_t len)
{
    char addr[ADDRESS_MAX_STRING];
    uint8_t back[ADDRESS_MAX_SCRIPT];
    size_t back_len;
    if (!address_from_script(addr, params, spk, len))
        return;
    bool ok = address_to_script(back, &back_len, params, addr);
    assert(ok && back_len == len && memcmp(back, spk, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char *s = mem_alloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;

    for (size_t i = 0; i < sizeof(PARAMS) / sizeof(PARAMS[0]); i++) {
        check_string(&PARAMS[i], s);
        check_script(&PARAMS[i], data, size);
    }

    char hrp[BECH32_MAX_HRP + 1], enc[BECH32_MAX_LEN + 1];
    uint8_t d[BECH32_MAX_DATA];
    size_t n;
    enum bech32_encoding e = bech32_decode(hrp, d, &n, s);
    if (e != BECH32_INVALID) {
        bool ok = bech32_encode(enc, hrp, d, n, e);
        assert(ok && strlen(enc) == strlen(s));
    }

    uint8_t raw[BASE58_MAX_BYTES];
    char b58[BASE58_MAX_STRING];
    if (base58_decode(raw, sizeof(raw), &n, s)) {
        bool ok = base58_encode(b58, sizeof(b58), raw, n);
        assert(ok && strcmp(b58, s) == 0);
    }
    mem_free(s);
    return 0;
}
