#ifndef HASHMINT_RPC_RPC_INTERNAL_H
#define HASHMINT_RPC_RPC_INTERNAL_H
/* Shared between the method files of one category that is split over
 * several .c files (the category's rpc_register_* function adds them all). */
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "src/rpc/rpc.h"

/** sendrawtransaction, testmempoolaccept, getrawtransaction (rpc_rawtx_chain.c). */
extern const struct rpc_command rpc_rawtx_chain_commands[];
extern const size_t rpc_rawtx_chain_command_count;

/** The mempool methods of the blockchain category (rpc_mempool.c). */
extern const struct rpc_command rpc_mempool_commands[];
extern const size_t rpc_mempool_command_count;

/**
 * Describes a script as Core's InferDescriptor does without keys: pk(),
 * multi(), raw() for scripts without an address, addr() otherwise, with
 * its checksum. Returns a heap string (mem_free).
 */
struct chain_params;

struct mempool;
struct hash256;
/** getmempoolentry's object for txid, or NULL if absent (chain lock held by the caller). */
json_t *rpc_mempool_entry_json(struct mempool *mp, const struct hash256 *txid);
/** getmempoolinfo's object (also /rest/mempool/info.json). Returns a new reference. */
json_t *rpc_mempool_info_json(struct mempool *mp);

struct chainstate;
struct block_index;
/** getblockchaininfo's object (also /rest/chaininfo.json). Takes the chain lock. */
json_t *rpc_blockchain_info_json(struct chainstate *cs);
/** Core's blockheaderToJSON for bi (chain lock held by the caller). */
json_t *rpc_block_header_json(struct chainstate *cs, const struct block_index *bi);
/** getblock verbosity 1 (tx_details false) or 2; NULL if the block cannot be read. Chain lock held. */
json_t *rpc_block_json(struct rpc_context *ctx, const struct block_index *bi, bool tx_details);

struct tx;
struct rpc_error;
/** createrawtransaction's transaction from its inputs, outputs, locktime and
 *  replaceable arguments (also createpsbt's). tx: initialised, empty. */
bool rpc_construct_tx(struct rpc_error *err, struct tx *tx, const struct chain_params *p, const json_t *inputs,
                      const json_t *outputs, const json_t *locktime_v, bool rbf);

struct rpc_table;
/** The PSBT methods that need no wallet (src/rpc/rpc_psbt.c; called by rpc_register_rawtx). */
void rpc_register_psbt(struct rpc_table *t);

/** The native miner's and mining RPCs of rpc_miner.c, registered with the mining category. */
extern const struct rpc_command rpc_miner_commands[];
extern const size_t rpc_miner_command_count;
/** Core's GetNetworkHashPS(lookup, height) (chain lock held by the caller). */
double rpc_network_hashps(struct chainstate *cs, int64_t lookup, int32_t height);
/** Adds the native miner's getmininginfo fields to o. */
void rpc_native_miner_info(struct rpc_context *ctx, json_t *o);
/** getblocktemplate's checks on main and test: peers connected, not in
 *  initial block download. Returns false with *err set (Core's codes). */
bool rpc_getblocktemplate_ready(struct rpc_context *ctx, struct rpc_error *err);
/** BIP 22 long polling: waits until the template would change from the one
 *  `lpid` names. Returns false with *err set (bad id, shutting down). */
bool rpc_longpoll_wait(struct rpc_context *ctx, struct rpc_error *err, const json_t *lpid);

/** rpc_need_chain, then RPC_MISC_ERROR "This chain has no issuance layer" and false if its issuance
 *  layer is off (rpc_issuance.c: it reads the chainstate, which rpc_args.c must not need). */
bool rpc_need_issuance(const struct rpc_context *ctx, struct rpc_error *err);

#endif
