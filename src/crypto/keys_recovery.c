/* Compact recoverable signatures (see keys_recovery.h). keys.c keeps its
 * context private, so this file owns a second one, created the same way
 * (once, randomised for signing's side-channel blinding). */
#include "src/crypto/keys_recovery.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "src/util/alloc.h"

static secp256k1_context *rctx;
static pthread_once_t rctx_once = PTHREAD_ONCE_INIT;

static void rctx_create(void)
{
    rctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!rctx)
        abort(); /* out of memory only, like mem_alloc */
    uint8_t seed[32];
    /* Blinding does not change results; without entropy we still work. */
    if (getrandom(seed, sizeof(seed), 0) == (ssize_t)sizeof(seed) && !secp256k1_context_randomize(rctx, seed))
        abort();
    mem_wipe(seed, sizeof(seed));
}

static const secp256k1_context *get_rctx(void)
{
    pthread_once(&rctx_once, rctx_create);
    return rctx;
}

bool keys_ecdsa_sign_compact(uint8_t sig[KEYS_COMPACT_SIG_SIZE], const uint8_t msg[32], const uint8_t seckey[32],
                             bool compressed)
{
    const secp256k1_context *c = get_rctx();
    memset(sig, 0, KEYS_COMPACT_SIG_SIZE);
    if (!secp256k1_ec_seckey_verify(c, seckey))
        return false;
    secp256k1_ecdsa_recoverable_signature rs;
    if (!secp256k1_ecdsa_sign_recoverable(c, &rs, msg, seckey, NULL, NULL))
        return false;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(c, sig + 1, &recid, &rs);
    sig[0] = (uint8_t)(27 + recid + (compressed ? 4 : 0));
    return true;
}

bool keys_ecdsa_recover_compact(uint8_t pubkey[65], size_t *pubkey_len, const uint8_t sig[KEYS_COMPACT_SIG_SIZE],
                                const uint8_t msg[32])
{
    *pubkey_len = 0;
    if (sig[0] < 27 || sig[0] > 34)
        return false;
    int recid = (sig[0] - 27) & 3;
    bool compressed = ((sig[0] - 27) & 4) != 0;
    const secp256k1_context *c = get_rctx();
    secp256k1_ecdsa_recoverable_signature rs;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &rs, sig + 1, recid))
        return false;
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recover(c, &pk, &rs, msg))
        return false;
    size_t len = 65;
    secp256k1_ec_pubkey_serialize(c, pubkey, &len, &pk, compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
    *pubkey_len = len;
    return true;
}
