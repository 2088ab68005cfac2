#ifndef HASHMINT_WALLET_KEY_IO_H
#define HASHMINT_WALLET_KEY_IO_H
/* Key and script helpers of the RPC methods: WIF private keys, standard
 * locking scripts, multisig redeem scripts, Base64 and Bitcoin's signed
 * messages.
 *
 * Signed messages: the signature is a compact recoverable signature
 * (src/crypto/keys_recovery.h) over
 *   SHA256d(CompactSize(len(magic)) || magic || CompactSize(len(msg)) || msg)
 * in Base64, exactly Bitcoin Core's scheme. The magic is
 * "Hashmint Signed Message:\n" on hashmint chains, so a signature made for
 * hashmint can never be replayed as a Bitcoin one, and Bitcoin's
 * "Bitcoin Signed Message:\n" on the `bitcoin` profile, where hashmint then
 * verifies signatures made by Bitcoin wallets. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

struct chain_params;

#define RPC_MESSAGE_MAGIC_HASHMINT "Hashmint Signed Message:\n"
#define RPC_MESSAGE_MAGIC_BITCOIN "Bitcoin Signed Message:\n"

/**
 * Decodes a WIF private key: Base58Check of prefix || 32-byte secret
 * [|| 0x01 if its public key is compressed]. Out: seckey, *compressed.
 * Returns false (seckey zeroed) if the string, prefix, length or secret
 * (zero or not below the group order) is wrong.
 */
__attribute__((warn_unused_result)) bool rpc_wif_decode(uint8_t seckey[32], bool *compressed, const char *s,
                                                        uint8_t prefix);
/** Encodes a WIF key into out (room for 60 chars). */
void rpc_wif_encode(char out[60], const uint8_t seckey[32], bool compressed, uint8_t prefix);

/** Appends P2PKH (76 a9 14 <hash> 88 ac) of a 20-byte key hash. */
void rpc_script_p2pkh(struct wbuf *w, const uint8_t hash[20]);
/** Appends P2WPKH (00 14 <hash>). */
void rpc_script_p2wpkh(struct wbuf *w, const uint8_t hash[20]);
/** Appends P2WSH (00 20 <sha256 of script>) of a witness script. */
void rpc_script_p2wsh_of(struct wbuf *w, const uint8_t *script, size_t len);
/** Appends P2SH of HASH160(script). */
void rpc_script_p2sh_of(struct wbuf *w, const uint8_t *script, size_t len);
/**
 * Appends OP_k <key 1> ... <key n> OP_n OP_CHECKMULTISIG. keys: n pointers
 * to serialized public keys of the given lengths; 1 <= k <= n <= 20 is the
 * caller's check. sorted: order the keys lexicographically (sortedmulti).
 */
void rpc_script_multisig(struct wbuf *w, int k, const uint8_t *const *keys, const size_t *key_lens, size_t n,
                         bool sorted);

/** Returns the signed-message magic of the chain (see above). */
const char *rpc_message_magic(const struct chain_params *params);
/**
 * Signs msg with a WIF-decoded key. Returns the Base64 signature (heap,
 * mem_free), or NULL for a bad key.
 */
char *rpc_message_sign(const char *magic, const char *msg, size_t msg_len, const uint8_t seckey[32], bool compressed);

enum rpc_message_verify_result {
    RPC_MESSAGE_OK = 0,
    RPC_MESSAGE_ERR_INVALID_ADDRESS,   /* not an address of this chain */
    RPC_MESSAGE_ERR_ADDRESS_NO_KEY,    /* not a P2PKH address */
    RPC_MESSAGE_ERR_MALFORMED_SIGNATURE, /* not Base64 */
    RPC_MESSAGE_ERR_PUBKEY_NOT_RECOVERED,
    RPC_MESSAGE_ERR_NOT_SIGNED,        /* recovered a different key */
};

/** Verifies a Base64 message signature against a P2PKH address (Core's MessageVerify). */
enum rpc_message_verify_result rpc_message_verify(const struct chain_params *params, const char *address,
                                                  const char *signature, const char *msg, size_t msg_len);

#endif
