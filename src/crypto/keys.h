#ifndef HASHMINT_CRYPTO_KEYS_H
#define HASHMINT_CRYPTO_KEYS_H
/* Public-key operations over libsecp256k1, as Bitcoin's script needs them:
 * lax DER parsing, low-S normalisation, ECDSA and BIP 340 Schnorr
 * verification, x-only keys and the BIP 341 taproot tweak check.
 * Verification needs no secrets; signing (tests, wallet) wipes every secret. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Process-wide verification context, created once (thread-safe after). */
void keys_init(void);

/** Returns true if p is a public key secp256k1 can parse (33 or 65 bytes, hybrid keys too). */
bool keys_pubkey_valid(const uint8_t *p, size_t len);
/** Writes the 65-byte uncompressed form of a valid public key (33 or 65
 *  bytes). Returns false, out untouched, if the key does not parse. */
bool keys_pubkey_decompress(uint8_t out[65], const uint8_t *p, size_t len);
/**
 * Verifies an ECDSA signature (DER, parsed laxly as Bitcoin does, without the
 * sighash byte) over a 32-byte message with a serialized public key. A high-S
 * signature is normalised before verification (Bitcoin's consensus accepts it;
 * LOW_S is a separate script rule). Returns true only if valid.
 */
bool keys_ecdsa_verify(const uint8_t *sig, size_t sig_len, const uint8_t msg[32], const uint8_t *pubkey, size_t pubkey_len);
/** Returns true if the DER signature parses laxly and its S is low (<= n/2). */
bool keys_ecdsa_sig_has_low_s(const uint8_t *sig, size_t sig_len);
/** Verifies a 64-byte BIP 340 signature over a 32-byte message with an x-only key. */
bool keys_schnorr_verify(const uint8_t sig[64], const uint8_t msg[32], const uint8_t xonly[32]);
/** Returns true if the 32 bytes are a valid x-only public key. */
bool keys_xonly_valid(const uint8_t xonly[32]);
/**
 * BIP 341: checks that `output` (x-only, 32 bytes) equals internal + t*G where
 * t = tagged_hash("TapTweak", internal || merkle_root), with the given parity.
 * merkle_root may be NULL (key-path-only output). Returns true if so.
 */
bool keys_taproot_tweak_check(const uint8_t output[32], int output_parity, const uint8_t internal[32], const uint8_t *merkle_root);
/**
 * BIP 341: computes the taproot output key internal + t*G (t as above).
 * Out: output (x-only), *parity (0 even, 1 odd Y; parity may be NULL).
 * Returns false (output zeroed) if internal is not a valid x-only key.
 */
bool keys_taproot_output_create(uint8_t output[32], int *parity, const uint8_t internal[32], const uint8_t *merkle_root);
/**
 * Parses a DER signature exactly as keys_ecdsa_verify does and writes its
 * R || S (32 bytes each, big-endian) into out. An R or S longer than 32 bytes
 * or not below the group order yields all zeros (a signature nothing
 * verifies) with true. Returns false (out zeroed) only if sig is not laxly DER.
 */
bool keys_ecdsa_sig_lax_compact(uint8_t out[64], const uint8_t *sig, size_t sig_len);

/* Signing, for tests, tools and (later) the wallet. */
/**
 * Derives the public key of a 32-byte secret: 33 bytes compressed, else 65.
 * Out: out (room for 33 or 65 bytes), *out_len the bytes written (0 on
 * failure). Returns false if seckey is zero or not below the group order.
 */
bool keys_pubkey_create(uint8_t *out, size_t *out_len, const uint8_t seckey[32], bool compressed);
/** Signs msg with low-S ECDSA (RFC 6979); writes DER into out (72 bytes max),
 *  its length into *out_len. Returns false (and *out_len = 0) for a bad key. */
bool keys_ecdsa_sign(uint8_t out[72], size_t *out_len, const uint8_t msg[32], const uint8_t seckey[32]);
/** Derives the x-only public key of a secret. Returns false (out zeroed) for a bad key. */
bool keys_xonly_create(uint8_t out[32], const uint8_t seckey[32]);
/** BIP 340 signs msg with seckey (aux randomness may be NULL). The signature is
 *  verified before returning. Returns false (out zeroed) for a bad key. */
bool keys_schnorr_sign(uint8_t out[64], const uint8_t msg[32], const uint8_t seckey[32], const uint8_t *aux32);
/** Signs msg with the key tweaked for a taproot output (BIP 341 key path). */
bool keys_schnorr_sign_tweaked(uint8_t out[64], const uint8_t msg[32], const uint8_t seckey[32], const uint8_t *merkle_root, const uint8_t *aux32);

/* BIP 32 child derivation (wallet/bip32.c). */
/** seckey += tweak (mod n). Returns false (seckey unchanged) if seckey is
 *  invalid, tweak is not below n, or the result is zero. */
bool keys_seckey_tweak_add(uint8_t seckey[32], const uint8_t tweak[32]);
/** out = pub + tweak*G, compressed. Returns false (out zeroed) if pub does not
 *  parse, tweak is not below n, or the result is infinity. */
bool keys_pubkey_tweak_add(uint8_t out[33], const uint8_t pub[33], const uint8_t tweak[32]);
/** Fills out[0..len) from the kernel's CSPRNG (getrandom). Returns false if it cannot. */
bool keys_random(uint8_t *out, size_t len);

#endif
