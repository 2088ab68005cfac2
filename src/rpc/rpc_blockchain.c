/* The "blockchain" RPC category (chain part): getblockchaininfo,
 * getblockcount, getbestblockhash, getblockhash, getblock, getblockheader,
 * getchaintips, getdifficulty, gettxout, gettxoutsetinfo, verifychain,
 * invalidateblock, reconsiderblock, preciousblock. The mempool methods are
 * in rpc_mempool.c; rpc_register_blockchain adds both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/arith256.h"
#include "consensus/params.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_block.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"

static json_t *hex32(uint32_t v)
{
    char buf[9];
    snprintf(buf, sizeof(buf), "%08x", v);
    return json_string(buf);
}

static json_t *work_hex(const struct arith256 *a)
{
    char hex[65];
    arith256_to_hex(hex, a);
    return json_string(hex);
}

static json_t *target_hex(uint32_t bits)
{
    struct arith256 t;
    bool neg, over;
    arith256_set_compact(&t, bits, &neg, &over);
    if (neg || over)
        arith256_set_u64(&t, 0);
    return work_hex(&t);
}

/* Core's blockheaderToJSON; the chain lock is held. */
json_t *rpc_block_header_json(struct chainstate *cs, const struct block_index *bi)
{
    const struct block_header *h = &bi->header;
    json_t *o = json_object();
    json_object_set_new(o, "hash", rpc_json_hash(&bi->hash));
    int32_t confirmations = chainstate_in_active_chain(cs, bi) ? chainstate_height(cs) - bi->height + 1 : -1;
    json_object_set_new(o, "confirmations", json_integer(confirmations));
    json_object_set_new(o, "height", json_integer(bi->height));
    json_object_set_new(o, "version", json_integer(h->version));
    json_object_set_new(o, "versionHex", hex32((uint32_t)h->version));
    json_object_set_new(o, "merkleroot", rpc_json_hash(&h->merkle_root));
    json_object_set_new(o, "time", json_integer(h->time));
    json_object_set_new(o, "mediantime", json_integer(block_index_median_time_past(bi)));
    json_object_set_new(o, "nonce", json_integer(h->nonce));
    json_object_set_new(o, "bits", hex32(h->bits));
    json_object_set_new(o, "target", target_hex(h->bits));
    json_object_set_new(o, "difficulty", rpc_json_double(rpc_difficulty(h->bits)));
    json_object_set_new(o, "chainwork", work_hex(&bi->chain_work));
    json_object_set_new(o, "nTx", json_integer(bi->tx_count));
    if (bi->prev)
        json_object_set_new(o, "previousblockhash", rpc_json_hash(&bi->prev->hash));
    struct block_index *next = chainstate_next(cs, bi);
    if (next)
        json_object_set_new(o, "nextblockhash", rpc_json_hash(&next->hash));
    return o;
}

json_t *rpc_block_json(struct rpc_context *ctx, const struct block_index *bi, bool tx_details)
{
    struct block b;
    if (!chainstate_read_block(ctx->chain, &b, bi))
        return NULL;
    struct rpc_tx_style style;
    rpc_tx_style_init(&style, ctx->params);
    json_t *full = rpc_block_to_json(&b, &style, tx_details);
    json_t *r = rpc_block_header_json(ctx->chain, bi);
    json_object_set_new(r, "nTx", json_integer((json_int_t)b.tx_count));
    static const char *const tail[] = {"strippedsize", "size", "weight", "tx"};
    for (size_t i = 0; i < 4; i++)
        json_object_set(r, tail[i], json_object_get(full, tail[i]));
    json_decref(full);
    block_clear(&b);
    return r;
}

/* Parses a block hash argument and looks it up; -5 "Block not found". */
static struct block_index *lookup_arg(struct rpc_context *ctx, struct rpc_error *err, const json_t *params, size_t i,
                                      const char *name)
{
    struct hash256 h;
    if (!rpc_parse_hash(err, &h, rpc_arg(params, i), name))
        return NULL;
    struct block_index *bi = chainstate_lookup(ctx->chain, &h);
    if (!bi)
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
    return bi;
}

#define NO_ARGS_CHECK(help)                                     \
    if (!rpc_args_check(err, params, NULL, 0, help))            \
        return NULL;                                            \
    if (!rpc_need_chain(ctx, err))                              \
        return NULL;

/* ---- simple getters ---- */

static const char getblockcount_help[] =
    "getblockcount\n"
    "\n"
    "Returns the height of the most-work fully-validated chain.\n"
    "The genesis block has height 0.\n"
    "\n"
    "Result:\n"
    "n    (numeric) The current block count\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblockcount", "") RPC_HELP_RPC("getblockcount", "");

static json_t *rpc_getblockcount(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    NO_ARGS_CHECK(getblockcount_help)
    return json_integer(chainstate_height(ctx->chain));
}

static const char getbestblockhash_help[] =
    "getbestblockhash\n"
    "\n"
    "Returns the hash of the best (tip) block in the most-work fully-validated chain.\n"
    "\n"
    "Result:\n"
    "\"hex\"    (string) the block hash, hex-encoded\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getbestblockhash", "") RPC_HELP_RPC("getbestblockhash", "");

static json_t *rpc_getbestblockhash(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    NO_ARGS_CHECK(getbestblockhash_help)
    chainstate_lock(ctx->chain);
    struct block_index *tip = chainstate_tip(ctx->chain);
    json_t *r = tip ? rpc_json_hash(&tip->hash) : json_null();
    chainstate_unlock(ctx->chain);
    return r;
}

static const char getdifficulty_help[] =
    "getdifficulty\n"
    "\n"
    "Returns the proof-of-work difficulty as a multiple of the minimum difficulty.\n"
    "\n"
    "Result:\n"
    "n    (numeric) the proof-of-work difficulty as a multiple of the minimum difficulty.\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getdifficulty", "") RPC_HELP_RPC("getdifficulty", "");

static json_t *rpc_getdifficulty(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    NO_ARGS_CHECK(getdifficulty_help)
    chainstate_lock(ctx->chain);
    struct block_index *tip = chainstate_tip(ctx->chain);
    json_t *r = rpc_json_double(tip ? rpc_difficulty(tip->header.bits) : 0.0);
    chainstate_unlock(ctx->chain);
    return r;
}

static const struct rpc_arg getblockhash_args[] = {{"height", RPC_ARG_NUM, false}};
static const char getblockhash_help[] =
    "getblockhash height\n"
    "\n"
    "Returns hash of block in best-block-chain at height provided.\n"
    "\n"
    "Arguments:\n"
    "1. height    (numeric, required) The height index\n"
    "\n"
    "Result:\n"
    "\"hex\"    (string) The block hash\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblockhash", "1000") RPC_HELP_RPC("getblockhash", "1000");

static json_t *rpc_getblockhash(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getblockhash_args, 1, getblockhash_help) || !rpc_need_chain(ctx, err))
        return NULL;
    int64_t height;
    if (!rpc_arg_int(err, &height, params, 0, 0, RPC_INT32))
        return NULL;
    if (!rpc_arg(params, 0))
        return rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type null is not of expected type number");
    chainstate_lock(ctx->chain);
    struct block_index *bi = height >= 0 && height <= INT32_MAX ? chainstate_at_height(ctx->chain, (int32_t)height) : NULL;
    json_t *r = bi ? rpc_json_hash(&bi->hash) : NULL;
    chainstate_unlock(ctx->chain);
    return r ? r : rpc_fail(err, RPC_INVALID_PARAMETER, "Block height out of range");
}

/* ---- getblockchaininfo ---- */

static const char getblockchaininfo_help[] =
    "getblockchaininfo\n"
    "\n"
    "Returns an object containing various state info regarding blockchain processing.\n"
    "\n"
    "Result:\n"
    "{                                         (json object)\n"
    "  \"chain\" : \"str\",                        (string) current network name (main, test, regtest, bitcoin)\n"
    "  \"blocks\" : n,                           (numeric) the height of the most-work fully-validated chain. The genesis block has height 0\n"
    "  \"headers\" : n,                          (numeric) the current number of headers we have validated\n"
    "  \"bestblockhash\" : \"str\",                (string) the hash of the currently best block\n"
    "  \"bits\" : \"hex\",                         (string) nBits: compact representation of the block difficulty target\n"
    "  \"target\" : \"hex\",                       (string) The difficulty target\n"
    "  \"difficulty\" : n,                       (numeric) the current difficulty\n"
    "  \"time\" : xxx,                           (numeric) The block time expressed in UNIX epoch time\n"
    "  \"mediantime\" : xxx,                     (numeric) The median block time expressed in UNIX epoch time\n"
    "  \"verificationprogress\" : n,             (numeric) estimate of verification progress [0..1]\n"
    "  \"initialblockdownload\" : true|false,    (boolean) (debug information) estimate of whether this node is in Initial Block Download mode\n"
    "  \"chainwork\" : \"hex\",                    (string) total amount of work in active chain, in hexadecimal\n"
    "  \"size_on_disk\" : n,                     (numeric) the estimated size of the block and undo files on disk\n"
    "  \"pruned\" : true|false,                  (boolean) if the blocks are subject to pruning\n"
    "  \"warnings\" : [                          (json array) any network and blockchain warnings\n"
    "    \"str\",                                (string) warning\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblockchaininfo", "") RPC_HELP_RPC("getblockchaininfo", "");

static json_t *rpc_getblockchaininfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    NO_ARGS_CHECK(getblockchaininfo_help)
    return rpc_blockchain_info_json(ctx->chain);
}

json_t *rpc_blockchain_info_json(struct chainstate *cs)
{
    chainstate_lock(cs);
    struct block_index *tip = chainstate_tip(cs);
    struct block_index *best = chainstate_best_header(cs);
    json_t *o = json_object();
    json_object_set_new(o, "chain", json_string(chainstate_params(cs)->name));
    json_object_set_new(o, "blocks", json_integer(chainstate_height(cs)));
    json_object_set_new(o, "headers", json_integer(best ? best->height : -1));
    if (tip) {
        json_object_set_new(o, "bestblockhash", rpc_json_hash(&tip->hash));
        json_object_set_new(o, "bits", hex32(tip->header.bits));
        json_object_set_new(o, "target", target_hex(tip->header.bits));
        json_object_set_new(o, "difficulty", rpc_json_double(rpc_difficulty(tip->header.bits)));
        json_object_set_new(o, "time", json_integer(tip->header.time));
        json_object_set_new(o, "mediantime", json_integer(block_index_median_time_past(tip)));
        json_object_set_new(o, "verificationprogress", rpc_json_double(chainstate_verification_progress(cs, tip)));
    }
    json_object_set_new(o, "initialblockdownload", json_boolean(chainstate_is_initial_download(cs)));
    if (tip)
        json_object_set_new(o, "chainwork", work_hex(&tip->chain_work));
    json_object_set_new(o, "size_on_disk", json_integer((json_int_t)chainstate_size_on_disk(cs)));
    json_object_set_new(o, "pruned", json_false());
    json_object_set_new(o, "warnings", json_array());
    chainstate_unlock(cs);
    return o;
}

/* ---- getblock / getblockheader ---- */

/* The fields getblock and getblockheader describe alike (Core's help text). */
#define BLOCK_HEADER_FIELDS_HELP \
    "{                                 (json object)\n" \
    "  \"hash\" : \"hex\",                 (string) the block hash (same as provided)\n" \
    "  \"confirmations\" : n,            (numeric) The number of confirmations, or -1 if the block is not on the main chain\n" \
    "  \"height\" : n,                   (numeric) The block height or index\n" \
    "  \"version\" : n,                  (numeric) The block version\n" \
    "  \"versionHex\" : \"hex\",           (string) The block version formatted in hexadecimal\n" \
    "  \"merkleroot\" : \"hex\",           (string) The merkle root\n" \
    "  \"time\" : xxx,                   (numeric) The block time expressed in UNIX epoch time\n" \
    "  \"mediantime\" : xxx,             (numeric) The median block time expressed in UNIX epoch time\n" \
    "  \"nonce\" : n,                    (numeric) The nonce\n" \
    "  \"bits\" : \"hex\",                 (string) nBits: compact representation of the block difficulty target\n" \
    "  \"target\" : \"hex\",               (string) The difficulty target\n" \
    "  \"difficulty\" : n,               (numeric) The difficulty\n"

static const struct rpc_arg getblock_args[] = {
    {"blockhash", RPC_ARG_STR, false},
    {"verbosity|verbose", RPC_ARG_ANY, true},
};
static const char getblock_help[] =
    "getblock \"blockhash\" ( verbosity )\n"
    "\n"
    "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n"
    "If verbosity is 1, returns an Object with information about block <hash>.\n"
    "If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, required) The block hash\n"
    "2. verbosity    (numeric, optional, default=1) 0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data\n"
    "\n"
    "Result (for verbosity = 0):\n"
    "\"hex\"    (string) A string that is serialized, hex-encoded data for block 'hash'\n"
    "\n"
    "Result (for verbosity = 1):\n"
    BLOCK_HEADER_FIELDS_HELP
    "  \"chainwork\" : \"hex\",            (string) Expected number of hashes required to produce the chain up to this block (in hex)\n"
    "  \"nTx\" : n,                      (numeric) The number of transactions in the block\n"
    "  \"previousblockhash\" : \"hex\",    (string, optional) The hash of the previous block (if available)\n"
    "  \"nextblockhash\" : \"hex\",        (string, optional) The hash of the next block (if available)\n"
    "  \"strippedsize\" : n,             (numeric) The block size excluding witness data\n"
    "  \"size\" : n,                     (numeric) The block size\n"
    "  \"weight\" : n,                   (numeric) The block weight as defined in BIP 141\n"
    "  \"tx\" : [                        (json array) The transaction ids\n"
    "    \"hex\",                        (string) The transaction id\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Result (for verbosity = 2):\n"
    "{             (json object)\n"
    "  ...,        Same output as verbosity = 1\n"
    "  \"tx\" : [    (json array) each transaction as decoderawtransaction shows it, with \"hex\"\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblock", "\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\"")
        RPC_HELP_RPC("getblock", "\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\"");

static json_t *rpc_getblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getblock_args, 2, getblock_help) || !rpc_need_chain(ctx, err))
        return NULL;
    int verbosity = 1;
    const json_t *v = rpc_arg(params, 1);
    if (v) {
        if (json_is_boolean(v))
            verbosity = json_is_true(v);
        else if (json_is_number(v)) {
            int64_t n;
            if (!rpc_json_int(err, &n, v, RPC_INT32))
                return NULL;
            verbosity = (int)n;
        } else
            return rpc_fail(err, RPC_MISC_ERROR, "JSON value of type %s is not of expected type number",
                            rpc_json_type_name(v));
    }
    chainstate_lock(ctx->chain);
    json_t *r = NULL;
    struct block_index *bi = lookup_arg(ctx, err, params, 0, "blockhash");
    if (!bi)
        goto out;
    if (!(bi->status & BLOCK_HAVE_DATA)) {
        rpc_fail(err, RPC_MISC_ERROR, "Block not available");
        goto out;
    }
    if (verbosity <= 0) {
        uint8_t *data;
        size_t len;
        if (!chainstate_read_block_raw(ctx->chain, &data, &len, bi)) {
            rpc_fail(err, RPC_MISC_ERROR, "Block not found on disk");
            goto out;
        }
        r = rpc_json_hex(data, len);
        mem_free(data);
        goto out;
    }
    r = rpc_block_json(ctx, bi, verbosity >= 2);
    if (!r)
        rpc_fail(err, RPC_MISC_ERROR, "Block not found on disk");
out:
    chainstate_unlock(ctx->chain);
    return r;
}

static const struct rpc_arg getblockheader_args[] = {
    {"blockhash", RPC_ARG_STR, false},
    {"verbose", RPC_ARG_BOOL, true},
};
static const char getblockheader_help[] =
    "getblockheader \"blockhash\" ( verbose )\n"
    "\n"
    "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n"
    "If verbose is true, returns an Object with information about blockheader <hash>.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, required) The block hash\n"
    "2. verbose      (boolean, optional, default=true) true for a json object, false for the hex-encoded data\n"
    "\n"
    "Result (for verbose = true):\n"
    BLOCK_HEADER_FIELDS_HELP
    "  \"chainwork\" : \"hex\",            (string) Expected number of hashes required to produce the current chain\n"
    "  \"nTx\" : n,                      (numeric) The number of transactions in the block\n"
    "  \"previousblockhash\" : \"hex\",    (string, optional) The hash of the previous block (if available)\n"
    "  \"nextblockhash\" : \"hex\"         (string, optional) The hash of the next block (if available)\n"
    "}\n"
    "\n"
    "Result (for verbose=false):\n"
    "\"hex\"    (string) A string that is serialized, hex-encoded data for block 'hash'\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblockheader", "\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\"")
        RPC_HELP_RPC("getblockheader", "\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\"");

static json_t *rpc_getblockheader(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getblockheader_args, 2, getblockheader_help) || !rpc_need_chain(ctx, err))
        return NULL;
    chainstate_lock(ctx->chain);
    json_t *r = NULL;
    struct block_index *bi = lookup_arg(ctx, err, params, 0, "hash");
    if (bi) {
        if (!rpc_arg_bool(params, 1, true)) {
            uint8_t raw[BLOCK_HEADER_SIZE];
            block_header_serialize_raw(raw, &bi->header);
            r = rpc_json_hex(raw, sizeof(raw));
        } else {
            r = rpc_block_header_json(ctx->chain, bi);
        }
    }
    chainstate_unlock(ctx->chain);
    return r;
}

/* ---- getchaintips ---- */

static const char getchaintips_help[] =
    "getchaintips\n"
    "\n"
    "Return information about all known tips in the block tree, including the main chain as well as orphaned branches.\n"
    "\n"
    "Result:\n"
    "[                        (json array)\n"
    "  {                      (json object)\n"
    "    \"height\" : n,        (numeric) height of the chain tip\n"
    "    \"hash\" : \"hex\",      (string) block hash of the tip\n"
    "    \"branchlen\" : n,     (numeric) zero for main chain, otherwise length of branch connecting the tip to the main chain\n"
    "    \"status\" : \"str\"     (string) status of the chain, \"active\" for the main chain\n"
    "                         Possible values for status:\n"
    "                         1.  \"invalid\"               This branch contains at least one invalid block\n"
    "                         2.  \"headers-only\"          Not all blocks for this branch are available, but the headers are valid\n"
    "                         3.  \"valid-headers\"         All blocks are available for this branch, but they were never fully validated\n"
    "                         4.  \"valid-fork\"            This branch is not part of the active chain, but is fully validated\n"
    "                         5.  \"active\"                This is the tip of the active main chain, which is certainly valid\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getchaintips", "") RPC_HELP_RPC("getchaintips", "");

static int tip_cmp(const void *a, const void *b)
{
    const struct block_index *x = *(struct block_index *const *)a, *y = *(struct block_index *const *)b;
    /* Core sorts by height, highest first */
    return x->height != y->height ? (x->height < y->height ? 1 : -1) : memcmp(x->hash.b, y->hash.b, 32);
}

static json_t *rpc_getchaintips(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    NO_ARGS_CHECK(getchaintips_help)
    struct chainstate *cs = ctx->chain;
    chainstate_lock(cs);
    struct block_index **tips;
    size_t n;
    chainstate_chain_tips(cs, &tips, &n);
    qsort(tips, n, sizeof(*tips), tip_cmp);
    struct block_index *active = chainstate_tip(cs);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct block_index *bi = tips[i];
        struct block_index *fork = chainstate_find_fork(cs, bi);
        const char *status;
        if (bi == active)
            status = "active";
        else if (bi->status & BLOCK_FAILED_MASK)
            status = "invalid";
        else if (bi->chain_tx == 0)
            status = "headers-only";
        else if (block_index_is_valid(bi, BLOCK_VALID_SCRIPTS))
            status = "valid-fork";
        else if (block_index_is_valid(bi, BLOCK_VALID_TREE))
            status = "valid-headers";
        else
            status = "unknown";
        json_t *o = json_object();
        json_object_set_new(o, "height", json_integer(bi->height));
        json_object_set_new(o, "hash", rpc_json_hash(&bi->hash));
        json_object_set_new(o, "branchlen", json_integer(fork ? bi->height - fork->height : bi->height + 1));
        json_object_set_new(o, "status", json_string(status));
        json_array_append_new(arr, o);
    }
    mem_free(tips);
    chainstate_unlock(cs);
    return arr;
}

/* ---- gettxout / gettxoutsetinfo ---- */

static const struct rpc_arg gettxout_args[] = {
    {"txid", RPC_ARG_STR, false},
    {"n", RPC_ARG_NUM, false},
    {"include_mempool", RPC_ARG_BOOL, true},
};
static const char gettxout_help[] =
    "gettxout \"txid\" n ( include_mempool )\n"
    "\n"
    "Returns details about an unspent transaction output.\n"
    "\n"
    "Arguments:\n"
    "1. txid               (string, required) The transaction id\n"
    "2. n                  (numeric, required) vout number\n"
    "3. include_mempool    (boolean, optional, default=true) Whether to include the mempool. Note that an unspent output that is spent in the mempool won't appear.\n"
    "\n"
    "Result (If the UTXO was not found):\n"
    "null    (json null)\n"
    "\n"
    "Result (Otherwise):\n"
    "{                             (json object)\n"
    "  \"bestblock\" : \"hex\",        (string) The hash of the block at the tip of the chain\n"
    "  \"confirmations\" : n,        (numeric) The number of confirmations\n"
    "  \"value\" : n,                (numeric) The transaction value in HMC\n"
    "  \"scriptPubKey\" : {          (json object)\n"
    "    \"asm\" : \"str\",            (string) Disassembly of the output script\n"
    "    \"hex\" : \"hex\",            (string) The raw output script bytes, hex-encoded\n"
    "    \"address\" : \"str\",        (string, optional) The hashmint address (only if a well-defined address exists)\n"
    "    \"type\" : \"str\"            (string) The type, eg pubkeyhash\n"
    "  },\n"
    "  \"coinbase\" : true|false     (boolean) Coinbase or not\n"
    "}\n"
    "\n"
    "Examples:\n"
    "\n"
    "Get unspent transactions\n" RPC_HELP_CLI("listunspent", "") "\n"
    "View the details\n" RPC_HELP_CLI("gettxout", "\"txid\" 1") "\n"
    "As a JSON-RPC call\n" RPC_HELP_RPC("gettxout", "\"txid\", 1");

static json_t *rpc_gettxout(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, gettxout_args, 3, gettxout_help) || !rpc_need_chain(ctx, err))
        return NULL;
    struct outpoint op;
    int64_t n;
    if (!rpc_parse_hash(err, &op.txid, rpc_arg(params, 0), "txid") || !rpc_arg_int(err, &n, params, 1, 0, RPC_INT32))
        return NULL;
    op.n = (uint32_t)(int32_t)n; /* Core: COutPoint{hash, (uint32_t)n} */
    bool include_mempool = rpc_arg_bool(params, 2, true);
    if (include_mempool && !rpc_need_mempool(ctx, err))
        return NULL;
    struct chainstate *cs = ctx->chain;
    chainstate_lock(cs);
    struct txout out = {0, {NULL, 0}};
    int64_t height = -1; /* -1: a mempool output */
    bool coinbase = false, found = false;
    if (n >= 0 && n <= UINT32_MAX) {
        struct coin c;
        coin_init(&c);
        if (chainstate_get_coin(cs, &c, &op)) {
            found = true;
            out = c.out;
            c.out.script_pubkey.data = NULL;
            c.out.script_pubkey.len = 0;
            height = c.height;
            coinbase = c.coinbase;
        } else if (include_mempool && mempool_get_output(ctx->mempool, &out, &op)) {
            found = true;
        }
        coin_clear(&c);
        if (found && include_mempool && mempool_is_spent(ctx->mempool, NULL, &op))
            found = false;
    }
    json_t *r = json_null();
    if (found) {
        r = json_object();
        struct block_index *tip = chainstate_tip(cs);
        json_object_set_new(r, "bestblock", rpc_json_hash(&tip->hash));
        json_object_set_new(r, "confirmations", json_integer(height < 0 ? 0 : tip->height - height + 1));
        json_object_set_new(r, "value", rpc_json_amount(out.value));
        struct rpc_tx_style style;
        rpc_tx_style_init(&style, ctx->params);
        json_t *token = NULL;
        json_object_set_new(
            r, "scriptPubKey",
            rpc_script_pubkey_to_json(&token, bytes_or_empty(out.script_pubkey.data), out.script_pubkey.len, &style));
        if (token)
            json_object_set_new(r, "token", token);
        json_object_set_new(r, "coinbase", json_boolean(coinbase));
    }
    txout_clear(&out);
    chainstate_unlock(cs);
    return r;
}

static const struct rpc_arg gettxoutsetinfo_args[] = {
    {"hash_type", RPC_ARG_STR, true},
    {"hash_or_height", RPC_ARG_ANY, true},
    {"use_index", RPC_ARG_BOOL, true},
};
static const char gettxoutsetinfo_help[] =
    "gettxoutsetinfo ( \"hash_type\" hash_or_height use_index )\n"
    "\n"
    "Returns statistics about the unspent transaction output set.\n"
    "Note this call may take some time.\n"
    "\n"
    "Arguments:\n"
    "1. hash_type         (string, optional, default=\"hash_serialized_3\") Which UTXO set hash should be calculated. Options: 'hash_serialized_3' (the legacy algorithm), 'none'.\n"
    "2. hash_or_height    (string or numeric, optional) The block hash or height of the target height (requires coinstatsindex, which hashmint does not have yet).\n"
    "3. use_index         (boolean, optional, default=true) Use coinstatsindex, if available.\n"
    "\n"
    "Result:\n"
    "{                                 (json object)\n"
    "  \"height\" : n,                   (numeric) The block height (index) of the returned statistics\n"
    "  \"bestblock\" : \"hex\",            (string) The hash of the block at which these statistics are calculated\n"
    "  \"txouts\" : n,                   (numeric) The number of unspent transaction outputs\n"
    "  \"bogosize\" : n,                 (numeric) Database-independent, meaningless metric indicating the UTXO set size\n"
    "  \"hash_serialized_3\" : \"hex\",    (string, optional) The serialized hash (only present if 'hash_serialized_3' hash_type is chosen)\n"
    "  \"total_amount\" : n,             (numeric) The total amount of coins in the UTXO set\n"
    "  \"transactions\" : n,             (numeric) The number of transactions with unspent outputs\n"
    "  \"disk_size\" : n                 (numeric) The estimated size of the chainstate on disk\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("gettxoutsetinfo", "") RPC_HELP_CLI("gettxoutsetinfo", "\"none\"")
        RPC_HELP_RPC("gettxoutsetinfo", "");

static json_t *rpc_gettxoutsetinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, gettxoutsetinfo_args, 3, gettxoutsetinfo_help) || !rpc_need_chain(ctx, err))
        return NULL;
    const char *type = rpc_arg_str(params, 0, "hash_serialized_3");
    bool with_hash = !strcmp(type, "hash_serialized_3");
    if (!with_hash && strcmp(type, "none") != 0) {
        if (!strcmp(type, "muhash"))
            return rpc_fail(err, RPC_INVALID_PARAMETER, "hash_type muhash is not supported by hashmint yet");
        return rpc_fail(err, RPC_INVALID_PARAMETER, "'%.100s' is not a valid hash_type", type);
    }
    if (rpc_arg(params, 1))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Querying specific block heights requires coinstatsindex");
    struct chainstate_utxo_stats st;
    if (!chainstate_utxo_stats(ctx->chain, &st))
        return rpc_fail(err, RPC_INTERNAL_ERROR, "Unable to read UTXO set");
    json_t *o = json_object();
    json_object_set_new(o, "height", json_integer(st.height));
    json_object_set_new(o, "bestblock", rpc_json_hash(&st.best_block));
    json_object_set_new(o, "txouts", json_integer((json_int_t)st.txouts));
    json_object_set_new(o, "bogosize", json_integer((json_int_t)st.bogosize));
    if (with_hash)
        json_object_set_new(o, "hash_serialized_3", rpc_json_hash(&st.hash_serialized));
    json_object_set_new(o, "total_amount", rpc_json_amount(st.total_amount));
    json_object_set_new(o, "transactions", json_integer((json_int_t)st.transactions));
    json_object_set_new(o, "disk_size", json_integer((json_int_t)st.disk_size));
    return o;
}

/* ---- verifychain / invalidate / reconsider / precious ---- */

static const struct rpc_arg verifychain_args[] = {
    {"checklevel", RPC_ARG_NUM, true},
    {"nblocks", RPC_ARG_NUM, true},
};
static const char verifychain_help[] =
    "verifychain ( checklevel nblocks )\n"
    "\n"
    "Verifies blockchain database.\n"
    "\n"
    "Arguments:\n"
    "1. checklevel    (numeric, optional, default=3, range=0-4) How thorough the block verification is:\n"
    "                 - level 0 reads the blocks from disk\n"
    "                 - level 1 verifies block validity\n"
    "                 - level 2 verifies undo data\n"
    "                 - level 3 checks disconnection of tip blocks\n"
    "                 - level 4 tries to reconnect the blocks\n"
    "                 - each level includes the checks of the previous levels\n"
    "2. nblocks       (numeric, optional, default=6, 0=all) The number of blocks to check.\n"
    "\n"
    "Result:\n"
    "true|false    (boolean) Verification finished successfully. If false, check debug.log for reason.\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("verifychain", "") RPC_HELP_RPC("verifychain", "");

static json_t *rpc_verifychain(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, verifychain_args, 2, verifychain_help) || !rpc_need_chain(ctx, err))
        return NULL;
    int64_t level, depth;
    if (!rpc_arg_int(err, &level, params, 0, 3, RPC_INT32) || !rpc_arg_int(err, &depth, params, 1, 6, RPC_INT32))
        return NULL;
    if (level < 0)
        level = 0;
    if (level > 4)
        level = 4;
    if (depth < 0)
        depth = 0;
    struct val_state st;
    val_state_init(&st);
    return json_boolean(chainstate_verify_chain(ctx->chain, &st, (int)level, (int)depth));
}

static const struct rpc_arg blockhash_arg[] = {{"blockhash", RPC_ARG_STR, false}};

static const char invalidateblock_help[] =
    "invalidateblock \"blockhash\"\n"
    "\n"
    "Permanently marks a block as invalid, as if it violated a consensus rule.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, required) the hash of the block to mark as invalid\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("invalidateblock", "\"blockhash\"") RPC_HELP_RPC("invalidateblock", "\"blockhash\"");
static const char reconsiderblock_help[] =
    "reconsiderblock \"blockhash\"\n"
    "\n"
    "Removes invalidity status of a block, its ancestors and its descendants, reconsider them for activation.\n"
    "This can be used to undo the effects of invalidateblock.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, required) the hash of the block to reconsider\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("reconsiderblock", "\"blockhash\"") RPC_HELP_RPC("reconsiderblock", "\"blockhash\"");
static const char preciousblock_help[] =
    "preciousblock \"blockhash\"\n"
    "\n"
    "Treats a block as if it were received before others with the same work.\n"
    "\n"
    "A later preciousblock call can override the effect of an earlier one.\n"
    "\n"
    "The effects of preciousblock are not retained across restarts.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, required) the hash of the block to mark as precious\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("preciousblock", "\"blockhash\"") RPC_HELP_RPC("preciousblock", "\"blockhash\"");

enum block_op { OP_INVALIDATE, OP_RECONSIDER, OP_PRECIOUS };

static json_t *block_op(struct rpc_context *ctx, json_t *params, struct rpc_error *err, const char *help,
                        enum block_op op)
{
    if (!rpc_args_check(err, params, blockhash_arg, 1, help) || !rpc_need_chain(ctx, err))
        return NULL;
    struct block_index *bi = lookup_arg(ctx, err, params, 0, "blockhash");
    if (!bi)
        return NULL;
    struct val_state st;
    val_state_init(&st);
    bool ok = op == OP_INVALIDATE   ? chainstate_invalidate_block(ctx->chain, &st, bi)
              : op == OP_RECONSIDER ? chainstate_reconsider_block(ctx->chain, &st, bi)
                                    : chainstate_precious_block(ctx->chain, &st, bi);
    if (!ok)
        return rpc_fail(err, RPC_DATABASE_ERROR, "%s", st.reject[0] ? st.reject : "Failed");
    return json_null();
}

static json_t *rpc_invalidateblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return block_op(ctx, params, err, invalidateblock_help, OP_INVALIDATE);
}

static json_t *rpc_reconsiderblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return block_op(ctx, params, err, reconsiderblock_help, OP_RECONSIDER);
}

static json_t *rpc_preciousblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return block_op(ctx, params, err, preciousblock_help, OP_PRECIOUS);
}

static const struct rpc_command blockchain_commands[] = {
    {"blockchain", "getbestblockhash", rpc_getbestblockhash, {NULL}, getbestblockhash_help},
    {"blockchain", "getblock", rpc_getblock, {"blockhash", "verbosity", NULL}, getblock_help},
    {"blockchain", "getblockchaininfo", rpc_getblockchaininfo, {NULL}, getblockchaininfo_help},
    {"blockchain", "getblockcount", rpc_getblockcount, {NULL}, getblockcount_help},
    {"blockchain", "getblockhash", rpc_getblockhash, {"height", NULL}, getblockhash_help},
    {"blockchain", "getblockheader", rpc_getblockheader, {"blockhash", "verbose", NULL}, getblockheader_help},
    {"blockchain", "getchaintips", rpc_getchaintips, {NULL}, getchaintips_help},
    {"blockchain", "getdifficulty", rpc_getdifficulty, {NULL}, getdifficulty_help},
    {"blockchain", "gettxout", rpc_gettxout, {"txid", "n", "include_mempool", NULL}, gettxout_help},
    {"blockchain", "gettxoutsetinfo", rpc_gettxoutsetinfo, {"hash_type", "hash_or_height", "use_index", NULL},
     gettxoutsetinfo_help},
    {"blockchain", "preciousblock", rpc_preciousblock, {"blockhash", NULL}, preciousblock_help},
    {"blockchain", "verifychain", rpc_verifychain, {"checklevel", "nblocks", NULL}, verifychain_help},
    {"blockchain", "invalidateblock", rpc_invalidateblock, {"blockhash", NULL}, invalidateblock_help},
    {"blockchain", "reconsiderblock", rpc_reconsiderblock, {"blockhash", NULL}, reconsiderblock_help},
};

void rpc_register_blockchain(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(blockchain_commands) / sizeof(blockchain_commands[0]); i++)
        rpc_table_add(t, &blockchain_commands[i]);
    for (size_t i = 0; i < rpc_mempool_command_count; i++)
        rpc_table_add(t, &rpc_mempool_commands[i]);
}
