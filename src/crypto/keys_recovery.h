#ifndef HASHMINT_CRYPTO_KEYS_RECOVERY_H
#define HASHMINT_CRYPTO_KEYS_RECOVERY_H
/* Compact recoverable ECDSA signatures (libsecp256k1's recovery module), as
 * Bitcoin's signed messages use them: 65 bytes, a header byte
 * 27 + recovery id (0..3) + 4 if the signer's key is compressed, then R and
 * S (32 bytes each, big-endian). Verification is recovering the public key
 * and comparing it with the expected one. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYS_COMPACT_SIG_SIZE 65

/**
 * Signs a 32-byte hash with seckey (RFC 6979 nonce, low S) as a compact
 * recoverable signature. compressed: the header says the key's public form
 * is the 33-byte one. Out: sig. Returns false (sig zeroed) for a bad key.
 */
__attribute__((warn_unused_result)) bool keys_ecdsa_sign_compact(uint8_t sig[KEYS_COMPACT_SIG_SIZE],
                                                                 const uint8_t msg[32], const uint8_t seckey[32],
                                                                 bool compressed);

/**
 * Recovers the public key that made a compact signature over msg.
 * Out: pubkey (room for 65 bytes), written compressed (33 bytes) or not
 * (65) as the header says; *pubkey_len. Returns false (*pubkey_len = 0) if
 * the header is outside 27..34 or no key can be recovered.
 */
__attribute__((warn_unused_result)) bool keys_ecdsa_recover_compact(uint8_t pubkey[65], size_t *pubkey_len,
                                                                    const uint8_t sig[KEYS_COMPACT_SIG_SIZE],
                                                                    const uint8_t msg[32]);

#endif
