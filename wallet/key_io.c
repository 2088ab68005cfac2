#include "wallet/key_io.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "src/crypto/base58.h"
#include "src/crypto/keys.h"
#include "src/crypto/keys_recovery.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/base64.h"

bool rpc_wif_decode(uint8_t seckey[32], bool *compressed, const char *s, uint8_t prefix)
{
    uint8_t buf[40];
    size_t len = 0;
    memset(seckey, 0, 32);
    *compressed = false;
    if (!base58check_decode(buf, sizeof(buf), &len, s))
        return false;
    bool ok = buf[0] == prefix && (len == 33 || (len == 34 && buf[33] == 0x01));
    if (ok) {
        uint8_t pub[65];
        size_t pub_len;
        /* Rejects zero and out-of-range secrets. */
        ok = keys_pubkey_create(pub, &pub_len, buf + 1, true);
    }
    if (ok) {
        memcpy(seckey, buf + 1, 32);
        *compressed = len == 34;
    }
    mem_wipe(buf, sizeof(buf));
    return ok;
}

void rpc_wif_encode(char out[60], const uint8_t seckey[32], bool compressed, uint8_t prefix)
{
    uint8_t buf[34];
    buf[0] = prefix;
    memcpy(buf + 1, seckey, 32);
    buf[33] = 0x01;
    if (!base58check_encode(out, 60, buf, compressed ? 34 : 33))
        out[0] = '\0';
    mem_wipe(buf, sizeof(buf));
}

void rpc_script_p2pkh(struct wbuf *w, const uint8_t hash[20])
{
    wbuf_u8(w, OP_DUP);
    wbuf_u8(w, OP_HASH160);
    wbuf_u8(w, 20);
    wbuf_put(w, hash, 20);
    wbuf_u8(w, OP_EQUALVERIFY);
    wbuf_u8(w, OP_CHECKSIG);
}

/* Appends P2SH (a9 14 <hash> 87) of a 20-byte script hash. */
static void rpc_script_p2sh(struct wbuf *w, const uint8_t hash[20])
{
    wbuf_u8(w, OP_HASH160);
    wbuf_u8(w, 20);
    wbuf_put(w, hash, 20);
    wbuf_u8(w, OP_EQUAL);
}

void rpc_script_p2wpkh(struct wbuf *w, const uint8_t hash[20])
{
    wbuf_u8(w, OP_0);
    wbuf_u8(w, 20);
    wbuf_put(w, hash, 20);
}

void rpc_script_p2wsh_of(struct wbuf *w, const uint8_t *script, size_t len)
{
    uint8_t h[32];
    sha256(h, script, len);
    wbuf_u8(w, OP_0);
    wbuf_u8(w, 32);
    wbuf_put(w, h, 32);
}

void rpc_script_p2sh_of(struct wbuf *w, const uint8_t *script, size_t len)
{
    uint8_t h[20];
    ripemd160_hash160(h, script, len);
    rpc_script_p2sh(w, h);
}

struct key_ref {
    const uint8_t *p;
    size_t len;
};

static int key_ref_cmp(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

void rpc_script_multisig(struct wbuf *w, int k, const uint8_t *const *keys, const size_t *key_lens, size_t n,
                         bool sorted)
{
    struct key_ref *refs = mem_calloc(n ? n : 1, sizeof(*refs));
    for (size_t i = 0; i < n; i++) {
        refs[i].p = keys[i];
        refs[i].len = key_lens[i];
    }
    if (sorted)
        qsort(refs, n, sizeof(*refs), key_ref_cmp);
    script_push_int(w, k);
    for (size_t i = 0; i < n; i++)
        script_push_data(w, refs[i].p, refs[i].len);
    script_push_int(w, (int64_t)n);
    wbuf_u8(w, OP_CHECKMULTISIG);
    mem_free(refs);
}

const char *rpc_message_magic(const struct chain_params *params)
{
    return params && !params->is_hashmint ? RPC_MESSAGE_MAGIC_BITCOIN : RPC_MESSAGE_MAGIC_HASHMINT;
}

/* Out: hash = SHA256d(CompactSize(len(magic)) magic CompactSize(len) msg). */
static void rpc_message_hash(uint8_t hash[32], const char *magic, const char *msg, size_t msg_len)
{
    struct wbuf w;
    wbuf_init(&w);
    wbuf_var_bytes(&w, (const uint8_t *)magic, strlen(magic));
    wbuf_var_bytes(&w, (const uint8_t *)msg, msg_len);
    sha256d(hash, w.data, w.len);
    wbuf_clear(&w);
}

char *rpc_message_sign(const char *magic, const char *msg, size_t msg_len, const uint8_t seckey[32], bool compressed)
{
    uint8_t hash[32], sig[KEYS_COMPACT_SIG_SIZE];
    rpc_message_hash(hash, magic, msg, msg_len);
    if (!keys_ecdsa_sign_compact(sig, hash, seckey, compressed))
        return NULL;
    return base64_encode(sig, sizeof(sig));
}

enum rpc_message_verify_result rpc_message_verify(const struct chain_params *params, const char *address,
                                                  const char *signature, const char *msg, size_t msg_len)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t spk_len;
    if (!address_to_script(spk, &spk_len, &params->address, address))
        return RPC_MESSAGE_ERR_INVALID_ADDRESS;
    if (!(spk_len == 25 && spk[0] == OP_DUP && spk[1] == OP_HASH160))
        return RPC_MESSAGE_ERR_ADDRESS_NO_KEY;
    uint8_t sig[80];
    size_t sig_len;
    if (!base64_decode(sig, sizeof(sig), &sig_len, signature))
        return RPC_MESSAGE_ERR_MALFORMED_SIGNATURE;
    if (sig_len != KEYS_COMPACT_SIG_SIZE)
        return RPC_MESSAGE_ERR_PUBKEY_NOT_RECOVERED;
    uint8_t hash[32], pub[65], h160[20];
    size_t pub_len;
    rpc_message_hash(hash, rpc_message_magic(params), msg, msg_len);
    if (!keys_ecdsa_recover_compact(pub, &pub_len, sig, hash))
        return RPC_MESSAGE_ERR_PUBKEY_NOT_RECOVERED;
    ripemd160_hash160(h160, pub, pub_len);
    return memcmp(h160, spk + 3, 20) == 0 ? RPC_MESSAGE_OK : RPC_MESSAGE_ERR_NOT_SIGNED;
}
