#ifndef HASHMINT_CONSENSUS_ADDRESS_H
#define HASHMINT_CONSENSUS_ADDRESS_H
/* Addresses: the text form of the standard scriptPubKey templates.
 *
 *   P2PKH   76 a9 14 <20-byte hash> 88 ac   Base58Check(p2pkh || hash)
 *   P2SH    a9 14 <20-byte hash> 87         Base58Check(p2sh || hash)
 *   witness <OP_n> <2..40-byte program>     segwit address with hrp:
 *           (v0 only 20 bytes = P2WPKH or 32 = P2WSH; v1 32 bytes = P2TR;
 *           Bech32 for v0, Bech32m for v1..v16, BIP 173/350)
 *
 * Every other script (P2PK, bare multisig, OP_RETURN, ...) has no address.
 * The prefixes come from the caller's chain parameters. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The address prefixes of one chain. */
struct address_params {
    uint8_t p2pkh;   /* Base58Check version byte of P2PKH addresses */
    uint8_t p2sh;    /* Base58Check version byte of P2SH addresses */
    const char *hrp; /* lowercase bech32 human-readable part, e.g. "bc" */
};

/* Room for the longest address and its NUL (a 90-character bech32 string). */
#define ADDRESS_MAX_STRING 91
/* Longest scriptPubKey an address decodes to (a 40-byte witness program). */
#define ADDRESS_MAX_SCRIPT 42

/**
 * Writes the address of scriptPubKey script[0..len) into out (room for
 * ADDRESS_MAX_STRING). Returns false (out = "") if the script is not one of
 * the templates above or params->hrp is not a valid bech32 hrp.
 */
__attribute__((warn_unused_result)) bool address_from_script(char out[ADDRESS_MAX_STRING],
                                                            const struct address_params *params,
                                                            const uint8_t *script, size_t len);
/**
 * Decodes addr for the chain of params. Out: the scriptPubKey in out (room
 * for ADDRESS_MAX_SCRIPT) and its length in *out_len. Returns false
 * (*out_len = 0) if addr is neither a Base58Check address with one of the
 * chain's version bytes and a 20-byte hash nor a valid segwit address with
 * the chain's hrp.
 */
__attribute__((warn_unused_result)) bool address_to_script(uint8_t out[ADDRESS_MAX_SCRIPT], size_t *out_len,
                                                          const struct address_params *params, const char *addr);

#endif
