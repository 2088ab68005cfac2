/* Fuzz target: lax DER signature parsing and ECDSA verification.
 *
 * The input is a signature, optionally preceded by a public key: if the first
 * byte is 0x02/0x03 (then 33 key bytes) or 0x04/0x06/0x07 (then 65), those
 * bytes are the key; otherwise the key is G (secret 1). The message is fixed.
 * Properties checked on every input:
 *  - nothing crashes or reads out of bounds;
 *  - a signature that does not parse laxly neither verifies nor counts as low-S;
 *  - the strict DER re-encoding of the parsed R || S gives the same verdict
 *    (lax parsing changes only the encoding, never the meaning). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "src/crypto/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict DER INTEGER of a 32-byte big-endian value. */
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

static size_t der_sig(uint8_t out[72], const uint8_t rs[64])
{
    size_t len = 2 + der_int(out + 2, rs);
    len += der_int(out + len, rs + 32);
    out[0] = 0x30;
    out[1] = (uint8_t)(len - 2);
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The message of the signature in the seed corpus: SHA-256("Satoshi Nakamoto"). */
    static const uint8_t msg[32] = { 0xa0, 0xdc, 0x65, 0xff, 0xca, 0x79, 0x98, 0x73, 0xcb, 0xea, 0x0a,
                                     0xc2, 0x74, 0x01, 0x5b, 0x95, 0x26, 0x50, 0x5d, 0xaa, 0xae, 0xd3,
                                     0x85, 0x15, 0x54, 0x25, 0xf7, 0x33, 0x77, 0x04, 0x88, 0x3e };
    static const uint8_t g[33] = { 0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0,
                                   0x62, 0x95, 0xce, 0x87, 0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d,
                                   0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98 };
    const uint8_t *pub = g;
    size_t pub_len = sizeof(g);
    if (size > 0) {
        size_t want = 0;
        if (data[0] == 0x02 || data[0] == 0x03)
            want = 33;
        else if (data[0] == 0x04 || data[0] == 0x06 || data[0] == 0x07)
            want = 65;
        if (want) {
            if (size < want)
                return 0;
            pub = data;
            pub_len = want;
            data += want;
            size -= want;
            (void)keys_pubkey_valid(pub, pub_len);
        }
    }

    uint8_t rs[64];
    bool parsed = keys_ecdsa_sig_lax_compact(rs, data, size);
    bool ok = keys_ecdsa_verify(data, size, msg, pub, pub_len);
    bool low = keys_ecdsa_sig_has_low_s(data, size);
    if (!parsed) {
        assert(!ok && !low);
        return 0;
    }
    uint8_t strict[72];
    size_t n = der_sig(strict, rs);
    assert(keys_ecdsa_verify(strict, n, msg, pub, pub_len) == ok);
    assert(keys_ecdsa_sig_has_low_s(strict, n) == low);
    return 0;
}
