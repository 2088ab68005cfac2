#ifndef HASHMINT_WALLET_DESCRIPTOR_H
#define HASHMINT_WALLET_DESCRIPTOR_H
/* Output script descriptors (BIP 380-386), the subset the node's RPCs need:
 * the checksum, and turning a non-ranged descriptor into its one
 * scriptPubKey for generatetodescriptor.
 *
 * Supported: addr(ADDR), raw(HEX), pk(KEY), pkh(KEY), wpkh(KEY),
 * multi(k,KEY,...), sortedmulti(k,KEY,...), sh(...) around pk, pkh, wpkh,
 * multi, sortedmulti or wsh(...), wsh(...) around pk, pkh, multi,
 * sortedmulti, and tr(KEY) (key path only). KEY is a hex public key
 * (compressed, or uncompressed outside segwit) or a WIF private key of the
 * chain, optionally preceded by an origin "[fingerprint/path]". Extended
 * keys (xpub/xprv) and ranges are not supported.
 *
 * Checksum (BIP 380): 8 characters from the bech32 alphabet over the
 * descriptor's characters, each mapped to its position in a 95-character
 * input set; a descriptor may end with "#" and its checksum. */
#include <stdbool.h>
#include <stddef.h>

#include "src/util/wbuf.h"

struct chain_params;

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
__attribute__((warn_unused_result)) bool descriptor_check_checksum(size_t *body_len, char *error, size_t error_cap,
                                                                   const char *desc, bool require_checksum);

/**
 * Parses desc (with or without checksum) for the chain of params and
 * appends its scriptPubKey to spk. Returns false with a message in error
 * (spk unchanged) if the descriptor is malformed or unsupported.
 */
__attribute__((warn_unused_result)) bool descriptor_to_script(struct wbuf *spk, char *error, size_t error_cap,
                                                              const char *desc, const struct chain_params *params);

#endif
