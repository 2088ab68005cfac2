#ifndef HASHMINT_WALLET_CRYPTER_H
#define HASHMINT_WALLET_CRYPTER_H
/* Wallet encryption (doc/wallet.md, "Encryption"), all from libsodium:
 *
 *  - a random 32-byte master key encrypts every secret of the wallet with
 *    XChaCha20-Poly1305 (random 24-byte nonce per secret, the owner's id as
 *    associated data, so a ciphertext cannot be moved to another record);
 *  - the master key itself is sealed under a key derived from the
 *    passphrase with Argon2id (random 16-byte salt, the cost parameters
 *    stored beside it, so they can be raised later without breaking files).
 *
 * A wrong passphrase fails the Poly1305 check: nothing is ever decrypted
 * with a wrong key. Every key and plaintext buffer is wiped with
 * sodium_memzero on every path. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTER_KEY_LEN 32
#define CRYPTER_SALT_LEN 16
#define CRYPTER_NONCE_LEN 24
#define CRYPTER_TAG_LEN 16

/** The stored form of the passphrase-sealed master key. */
struct crypter_master {
    uint8_t salt[CRYPTER_SALT_LEN];
    uint64_t opslimit;
    uint64_t memlimit;
    uint8_t nonce[CRYPTER_NONCE_LEN];
    uint8_t sealed[CRYPTER_KEY_LEN + CRYPTER_TAG_LEN];
};
#define CRYPTER_MASTER_SERIALIZED (CRYPTER_SALT_LEN + 16 + CRYPTER_NONCE_LEN + CRYPTER_KEY_LEN + CRYPTER_TAG_LEN)

/** Initialises libsodium once (thread-safe). Returns false if it cannot start. */
bool crypter_init(void);

/**
 * Makes a new random master key and seals it under pass[0..len) with the
 * given Argon2id costs (0: libsodium's "interactive" limits). Out: key,
 * *out. Returns false if the KDF fails (out of memory).
 */
__attribute__((warn_unused_result)) bool crypter_master_new(uint8_t key[CRYPTER_KEY_LEN], struct crypter_master *out,
                                                            const char *pass, size_t len, uint64_t opslimit,
                                                            uint64_t memlimit);
/** Re-seals key under a new passphrase (new salt and nonce). */
__attribute__((warn_unused_result)) bool crypter_master_reseal(struct crypter_master *m,
                                                               const uint8_t key[CRYPTER_KEY_LEN], const char *pass,
                                                               size_t len);
/** Opens the master key with pass. Returns false (key wiped) for a wrong passphrase. */
__attribute__((warn_unused_result)) bool crypter_master_open(uint8_t key[CRYPTER_KEY_LEN],
                                                             const struct crypter_master *m, const char *pass,
                                                             size_t len);
/** Serialises / parses the stored form. Parse returns false for a wrong length or absurd costs. */
void crypter_master_serialize(uint8_t out[CRYPTER_MASTER_SERIALIZED], const struct crypter_master *m);
__attribute__((warn_unused_result)) bool crypter_master_parse(struct crypter_master *m, const uint8_t *p, size_t len);

/**
 * Encrypts plain[0..len) under key with associated data ad. Returns
 * nonce || ciphertext || tag (heap, mem_free), its length in *out_len.
 */
uint8_t *crypter_seal(size_t *out_len, const uint8_t key[CRYPTER_KEY_LEN], const uint8_t *plain, size_t len,
                      const uint8_t *ad, size_t ad_len);
/**
 * Decrypts what crypter_seal made. Returns the plaintext with a NUL after
 * it (heap; the caller wipes and frees it: crypter_free_secret), its length
 * in *out_len; NULL if the key, the associated data or the bytes are wrong.
 */
uint8_t *crypter_open(size_t *out_len, const uint8_t key[CRYPTER_KEY_LEN], const uint8_t *box, size_t len,
                      const uint8_t *ad, size_t ad_len);
/** Wipes p[0..len) and frees it (NULL is a no-op). */
void crypter_free_secret(void *p, size_t len);
/** Wipes p[0..len) (sodium_memzero). */
void crypter_wipe(void *p, size_t len);

#endif
