#ifndef HASHMINT_WALLET_SCRIPT_TYPE_H
#define HASHMINT_WALLET_SCRIPT_TYPE_H
/* Standard-template classification of a locking script, as Bitcoin Core's
 * Solver() does it, for the "type" field of decoded outputs. This is
 * presentation, not consensus: the interpreter recognises templates itself. */
#include <stddef.h>
#include <stdint.h>

enum script_type {
    SCRIPT_TYPE_NONSTANDARD = 0,
    SCRIPT_TYPE_PUBKEY,
    SCRIPT_TYPE_PUBKEYHASH,
    SCRIPT_TYPE_SCRIPTHASH,
    SCRIPT_TYPE_MULTISIG,
    SCRIPT_TYPE_NULL_DATA,
    SCRIPT_TYPE_WITNESS_V0_KEYHASH,
    SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH,
    SCRIPT_TYPE_WITNESS_V1_TAPROOT,
    SCRIPT_TYPE_WITNESS_UNKNOWN,
};

/** Returns the template of the len-byte script s (Core's Solver order). */
enum script_type script_type_solve(const uint8_t *s, size_t len);

/** Returns Core's name of a type ("pubkeyhash", "witness_v0_keyhash", ...). */
const char *script_type_name(enum script_type type);

#endif
