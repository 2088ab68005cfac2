#ifndef HASHMINT_WALLET_BIP32_H
#define HASHMINT_WALLET_BIP32_H
/* BIP 32 hierarchical deterministic keys: master key from a seed, private
 * and public child derivation, the 78-byte serialisation in Base58Check
 * (xprv/xpub, tprv/tpub: the version bytes come from the chain parameters),
 * key fingerprints, and the "m/44h/1h/0h" path notation of key origins.
 *
 * A struct bip32_key holds a secret when is_private; bip32_key_wipe() it
 * on every path. The curve arithmetic is src/crypto/keys.c's. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIP32_HARDENED 0x80000000u
/** Longest derivation path a descriptor or origin may hold (Core has no
 *  smaller limit than 255 levels, the depth byte). */
#define BIP32_MAX_PATH 255

struct bip32_key {
    uint8_t depth;
    uint8_t parent_fp[4];
    uint32_t child;
    uint8_t chaincode[32];
    bool is_private;
    uint8_t sec[32]; /* when is_private */
    uint8_t pub[33]; /* always: the compressed public key */
};

/** Master key from a seed of 16..64 bytes (HMAC-SHA512 keyed "Bitcoin seed").
 *  Returns false (out wiped) for a bad length or an invalid master secret. */
__attribute__((warn_unused_result)) bool bip32_from_seed(struct bip32_key *out, const uint8_t *seed, size_t len);
/** Child i of parent (hardened if i >= BIP32_HARDENED, which needs a private
 *  parent). out may equal parent. Returns false (out wiped) if impossible. */
__attribute__((warn_unused_result)) bool bip32_derive(struct bip32_key *out, const struct bip32_key *parent,
                                                      uint32_t i);
/** Derives along path[0..n). Returns false (out wiped) if a step fails. */
__attribute__((warn_unused_result)) bool bip32_derive_path(struct bip32_key *out, const struct bip32_key *k,
                                                           const uint32_t *path, size_t n);
/** Out: the public (neutered) version of k. out may equal k. */
void bip32_neuter(struct bip32_key *out, const struct bip32_key *k);
/** Out: the first 4 bytes of HASH160 of k's public key. */
void bip32_fingerprint(uint8_t fp[4], const struct bip32_key *k);
/** Encodes k (private form if is_private) with the version bytes. Out:
 *  out, room for 112 characters. */
void bip32_encode(char out[112], const struct bip32_key *k, uint32_t pub_version, uint32_t priv_version);
/** Decodes an extended key with either version. Returns false (out wiped)
 *  for a bad checksum, length, version or key, or a depth-0 key with a
 *  parent fingerprint or child number (BIP 32 test vector 5). */
__attribute__((warn_unused_result)) bool bip32_decode(struct bip32_key *out, const char *s, uint32_t pub_version,
                                                      uint32_t priv_version);
/** Wipes k. */
void bip32_key_wipe(struct bip32_key *k);

/** Writes "/44h/1h/0" style steps of path[0..n) (apostrophe if apos, else
 *  'h') into out (cap bytes, truncated). Returns out. */
char *bip32_path_format(char *out, size_t cap, const uint32_t *path, size_t n, bool apos);
/** Parses one step "123", "123h", "123'" (0 <= n < 2^31). Returns false otherwise. */
__attribute__((warn_unused_result)) bool bip32_parse_step(uint32_t *out, const char *s, size_t len);

#endif
