#ifndef HASHMINT_WALLET_DESCRIPTOR_H
#define HASHMINT_WALLET_DESCRIPTOR_H
/* Output script descriptors (BIP 380-386) for the node's RPCs and the
 * wallet: the checksum, parsing into a tree, expansion at an index into a
 * scriptPubKey (with the keys and scripts a signer needs), and printing in
 * public (normalised) or private form.
 *
 * Supported: addr(ADDR), raw(HEX), pk(KEY), pkh(KEY), wpkh(KEY),
 * multi(k,KEY,...), sortedmulti(k,KEY,...), sh(...) around pk, pkh, wpkh,
 * multi, sortedmulti or wsh(...), wsh(...) around pk, pkh, multi,
 * sortedmulti, and tr(KEY) or tr(KEY,TREE) where TREE is a leaf or
 * {TREE,TREE} (BIP 386, at most 128 levels) and a leaf is pk(KEY),
 * multi_a(k,KEY,...) or sortedmulti_a(k,KEY,...) (BIP 387, at most 999
 * keys), and combo(KEY) (pk, pkh, and for a compressed key wpkh and
 * sh(wpkh) of KEY: descriptor_script_count scripts per index). KEY is a hex public key
 * (compressed, or uncompressed outside segwit; x-only inside tr()), a WIF
 * private key of the chain, or an extended key (xpub/xprv, tpub/tprv)
 * followed by /NUM steps (hardened with h or an apostrophe) and optionally a final star step
 * (wildcard or hardened wildcard: a ranged descriptor), each optionally preceded by an origin
 * "[fingerprint/path]".
 *
 * Checksum (BIP 380): 8 characters from the bech32 alphabet over the
 * descriptor's characters, each mapped to its position in a 95-character
 * input set; a descriptor may end with "#" and its checksum. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

struct chain_params;
struct tx_signer;
struct descriptor;

/**
 * Computes the checksum of s[0..len). Out: out, 8 characters and a NUL.
 * Returns false (out = "") if s has a character outside the input set.
 */
__attribute__((warn_unused_result)) bool descriptor_checksum(char out[9], const char *s, size_t len);

/** Returns "s#<checksum>" (heap, mem_free), or NULL if s has a bad character. */
char *descriptor_add_checksum(const char *s);

/**
 * Validates an optional "#checksum" suffix as Core's CheckChecksum does.
 * Out: *body_len, the length of the descriptor without the suffix.
 * Returns false with a message in error (room for error_cap) such as
 * "Missing checksum", "Multiple '#' symbols", "Expected 8 character
 * checksum, not N characters" or "Provided checksum 'X' does not match
 * computed checksum 'Y'".
 */
__attribute__((warn_unused_result)) bool descriptor_check_checksum(size_t *body_len, const char *desc,
                                                                   bool require_checksum, char *error,
                                                                   size_t error_cap);

/**
 * Parses desc for the chain of params (checksum required if
 * require_checksum). Out: *out (descriptor_free it). Returns false with
 * Core's message in error (*out NULL) if the descriptor is malformed.
 */
__attribute__((warn_unused_result)) bool descriptor_parse(struct descriptor **out, const char *desc,
                                                          const struct chain_params *params, bool require_checksum,
                                                          char *error, size_t error_cap);
/** Frees d and wipes its secrets (NULL is a no-op). */
void descriptor_free(struct descriptor *d);

/** Returns true if d has a wildcard key (a final star step). */
bool descriptor_is_range(const struct descriptor *d);
/** Returns true unless d is addr() or raw() (Core's IsSolvable). */
bool descriptor_is_solvable(const struct descriptor *d);
/** Returns true if d has at least one private key (Core's HasPrivateKeys:
 *  every key for the wallet's use; see descriptor_all_private). */
bool descriptor_has_private(const struct descriptor *d);
/** Returns true if every key of d is private. */
bool descriptor_all_private(const struct descriptor *d);
/** Returns the output type name of d ("legacy", "p2sh-segwit", "bech32",
 *  "bech32m") or NULL for others (multi, raw, addr, wsh). */
const char *descriptor_output_type(const struct descriptor *d);

/**
 * Prints d with its checksum: public form (private keys as their public
 * keys, xprv steps up to the last hardened one folded into the origin as
 * Core's normalised form), or private form (priv; NULL if d has no private
 * key). Returns a heap string (mem_free, wiping a private one first with
 * mem_wipe(strlen)).
 */
char *descriptor_to_string(const struct descriptor *d, const struct chain_params *params, bool priv);

/** What expanding a single-key descriptor tells about its key (getaddressinfo). */
struct descriptor_key_info {
    bool have;           /* d has exactly one key */
    uint8_t pubkey[65];  /* the derived public key (33 or 65; 32 x-only inside tr()) */
    size_t pubkey_len;
    bool have_origin;    /* fingerprint and path below are known */
    uint8_t fp[4];       /* master fingerprint */
    uint32_t path[40];   /* full path from the master */
    size_t path_len;
};

/**
 * Expands d at index (ignored unless ranged). Appends the scriptPubKey to
 * spk. signer (may be NULL): receives every private key the expansion
 * has and its redeem/witness scripts. info (may be NULL): the key of a
 * single-key descriptor. Returns false with error if a key cannot be
 * derived (hardened step from a public key, index >= 2^31).
 */
__attribute__((warn_unused_result)) bool descriptor_expand(const struct descriptor *d, struct wbuf *spk,
                                                           struct tx_signer *signer, struct descriptor_key_info *info,
                                                           uint32_t index, char *error, size_t error_cap);

/** How many scriptPubKeys d has at each index: 1, but combo(): 4 for a
 *  compressed key (P2PK, P2PKH, P2WPKH, P2SH-P2WPKH), 2 for an uncompressed one. */
size_t descriptor_script_count(const struct descriptor *d);
/** descriptor_expand for d's script nth (< descriptor_script_count(d));
 *  descriptor_expand is nth 0. */
__attribute__((warn_unused_result)) bool descriptor_expand_nth(const struct descriptor *d, struct wbuf *spk,
                                                               struct tx_signer *signer,
                                                               struct descriptor_key_info *info, uint32_t index,
                                                               size_t nth, char *error, size_t error_cap);

/**
 * Parses desc (with or without checksum) for the chain of params and
 * appends its scriptPubKey to spk. Returns false with a message in error
 * (spk unchanged) if the descriptor is malformed or ranged.
 */
__attribute__((warn_unused_result)) bool descriptor_to_script(struct wbuf *spk, const char *desc,
                                                              const struct chain_params *params, char *error,
                                                              size_t error_cap);

#endif
