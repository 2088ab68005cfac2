#ifndef HASHMINT_RPC_ISSUANCE_JSON_H
#define HASHMINT_RPC_ISSUANCE_JSON_H
/* The issuance answers shared by the RPCs (rpc_issuance.c, rpc_reserve.c)
 * and the REST endpoints the reserve explorer reads (rest_issuance.c,
 * doc/explorer.md): one builder per answer, so both always say the same. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "src/rpc/rpc.h"
#include "src/util/wbuf.h"

struct block_index;

/**
 * getissuanceinfo's object (doc/issuance.md, "RPCs"). Takes the chain lock.
 * Returns a new object, or NULL with *err set (no issuance layer, state not
 * loaded, UTXO read error).
 */
json_t *rpc_issuance_info_json(struct rpc_context *ctx, struct rpc_error *err);

struct wallet;

/** Which vaults rpc_vault_list_json returns. */
struct rpc_vault_query {
    int asset;                /* index into the chain's assets, -1: all */
    uint64_t count, skip;     /* at most count entries after skipping skip */
    int64_t minratio, maxratio;
    bool has_min, has_max;    /* listvaults' minratio / maxratio filters */
    bool descending;          /* highest ratio first: the exact reverse of listvaults' order */
    struct wallet *wallet;    /* NULL: every vault; else only that wallet's (listvaults on a wallet endpoint) */
};

/**
 * listvaults' array of getvault objects, ordered by ratio (debt-free
 * vaults last; descending reverses it). Takes the chain lock. Out: *total
 * (may be NULL): how many vaults pass the filters before count/skip;
 * *height (may be NULL): the tip described. Returns a new array, or NULL
 * with *err set.
 */
json_t *rpc_vault_list_json(struct rpc_context *ctx, struct rpc_error *err, uint64_t *total, int32_t *height,
                            const struct rpc_vault_query *q);

/**
 * getreserveproof's bytes: the proof of vault op in the tree block bi (of
 * the active chain) commits to, appended to *out. Precondition: the chain
 * lock is held. Returns false with *err: RPC_INVALID_ADDRESS_OR_KEY when op
 * is not a leaf of that tree, RPC_DATABASE_ERROR / RPC_MISC_ERROR when the
 * tree or the block cannot be read.
 */
bool rpc_reserve_proof_build(struct rpc_context *ctx, struct rpc_error *err, struct wbuf *out,
                             const struct outpoint *op, const struct block_index *bi);

#endif
