#ifndef HASHMINT_CONSENSUS_TOKEN_PREFIX_H
#define HASHMINT_CONSENSUS_TOKEN_PREFIX_H
/* The output extension prefix (doc/issuance.md, "Token data on outputs"):
 *
 *   scriptPubKey = 0xEF | kind (1) | asset_id (32) | payload | locking_script
 *
 * This file is only the byte format; what each kind may do is issuance/'s
 * business. It lives in consensus/ because the interpreter and every
 * signature hash must recognise it (doc/layout.md). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

#define TOKEN_PREFIX_MARKER 0xEF
/** Largest amount a TOKEN output carries, and largest vault debt: 2^53. */
#define TOKEN_AMOUNT_MAX (UINT64_C(1) << 53)
/** Longest prefix: marker, kind, asset id, 9-byte CompactSize. */
#define TOKEN_PREFIX_MAX_LEN (1 + 1 + 32 + 9)

enum token_kind {
    TOKEN_KIND_TOKEN = 0x01,  /* payload: amount, CompactSize, 1 .. 2^53 */
    TOKEN_KIND_VAULT = 0x02,  /* payload: debt, CompactSize, 0 .. 2^53 */
    TOKEN_KIND_ISSUER = 0x03, /* payload: flags, 1 byte (bit 0: minting paused) */
    TOKEN_KIND_ORACLE = 0x04, /* payload: price, 8 bytes LE, token base units per HMC */
};

#define TOKEN_ISSUER_FLAG_PAUSED 0x01

struct token_prefix {
    enum token_kind kind;
    uint8_t asset_id[32];
    uint64_t amount; /* TOKEN: amount; VAULT: debt */
    uint8_t flags;   /* ISSUER */
    uint64_t price;  /* ORACLE */
};

enum token_parse_result {
    TOKEN_PREFIX_NONE = 0, /* first byte is not 0xEF: an ordinary output */
    TOKEN_PREFIX_OK,
    TOKEN_PREFIX_INVALID,  /* starts with 0xEF but does not parse */
};

/**
 * Splits a scriptPubKey into prefix and locking script.
 * Out: *prefix (zeroed unless OK), *prefix_len (bytes of prefix; 0 unless OK).
 * A prefix is invalid if truncated, of unknown kind, with a non-canonical
 * CompactSize, a TOKEN amount outside 1..2^53 or a VAULT debt above 2^53.
 * The locking script is spk + *prefix_len (it may be empty).
 */
enum token_parse_result token_prefix_parse(struct token_prefix *prefix, size_t *prefix_len, const uint8_t *spk,
                                           size_t spk_len);
/** Appends the serialised prefix (the locking script follows separately). */
void token_prefix_serialize(struct wbuf *w, const struct token_prefix *prefix);
/** Returns "token", "vault", "issuer" or "oracle" (or "unknown"). */
const char *token_kind_name(enum token_kind kind);

#endif
