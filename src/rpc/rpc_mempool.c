/* The mempool methods of the "blockchain" category: getmempoolinfo,
 * getrawmempool, getmempoolentry, getmempoolancestors,
 * getmempooldescendants (registered by rpc_register_blockchain). */
#include <string.h>

#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"

static void lock(struct rpc_context *ctx)
{
    if (ctx->chain)
        chainstate_lock(ctx->chain);
}

static void unlock(struct rpc_context *ctx)
{
    if (ctx->chain)
        chainstate_unlock(ctx->chain);
}

static json_t *txid_array(const struct hash256 *ids, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, rpc_json_hash(&ids[i]));
    return a;
}

/* Core's entryToJSON. */
static json_t *entry_json(struct mempool *mp, const struct mempool_entry_info *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "vsize", json_integer(e->vsize));
    json_object_set_new(o, "weight", json_integer(e->weight));
    json_object_set_new(o, "time", json_integer(e->time));
    json_object_set_new(o, "height", json_integer(e->height));
    json_object_set_new(o, "descendantcount", json_integer((json_int_t)e->descendant_count));
    json_object_set_new(o, "descendantsize", json_integer(e->descendant_size));
    json_object_set_new(o, "ancestorcount", json_integer((json_int_t)e->ancestor_count));
    json_object_set_new(o, "ancestorsize", json_integer(e->ancestor_size));
    json_object_set_new(o, "wtxid", rpc_json_hash(&e->wtxid));
    json_t *fees = json_object();
    json_object_set_new(fees, "base", rpc_json_amount(e->fee));
    json_object_set_new(fees, "modified", rpc_json_amount(e->modified_fee));
    json_object_set_new(fees, "ancestor", rpc_json_amount(e->ancestor_fees));
    json_object_set_new(fees, "descendant", rpc_json_amount(e->descendant_fees));
    json_object_set_new(o, "fees", fees);
    struct hash256 *ids;
    size_t n;
    if (mempool_related(mp, &ids, &n, &e->txid, MEMPOOL_PARENTS)) {
        json_object_set_new(o, "depends", txid_array(ids, n));
        mem_free(ids);
    } else {
        json_object_set_new(o, "depends", json_array());
    }
    if (mempool_related(mp, &ids, &n, &e->txid, MEMPOOL_CHILDREN)) {
        json_object_set_new(o, "spentby", txid_array(ids, n));
        mem_free(ids);
    } else {
        json_object_set_new(o, "spentby", json_array());
    }
    json_object_set_new(o, "bip125-replaceable", json_boolean(e->bip125_replaceable));
    json_object_set_new(o, "unbroadcast", json_false());
    return o;
}

#define ENTRY_HELP \
    "{                                       (json object)\n" \
    "    \"vsize\" : n,                        (numeric) virtual transaction size as defined in BIP 141.\n" \
    "    \"weight\" : n,                       (numeric) transaction weight as defined in BIP 141.\n" \
    "    \"time\" : xxx,                       (numeric) local time transaction entered pool in seconds since 1 Jan 1970 GMT\n" \
    "    \"height\" : n,                       (numeric) block height when transaction entered pool\n" \
    "    \"descendantcount\" : n,              (numeric) number of in-mempool descendant transactions (including this one)\n" \
    "    \"descendantsize\" : n,               (numeric) virtual transaction size of in-mempool descendants (including this one)\n" \
    "    \"ancestorcount\" : n,                (numeric) number of in-mempool ancestor transactions (including this one)\n" \
    "    \"ancestorsize\" : n,                 (numeric) virtual transaction size of in-mempool ancestors (including this one)\n" \
    "    \"wtxid\" : \"hex\",                    (string) hash of serialized transaction, including witness data\n" \
    "    \"fees\" : {                          (json object)\n" \
    "      \"base\" : n,                       (numeric) transaction fee, denominated in HMC\n" \
    "      \"modified\" : n,                   (numeric) transaction fee with fee deltas used for mining priority, denominated in HMC\n" \
    "      \"ancestor\" : n,                   (numeric) transaction fees of in-mempool ancestors (including this one) with fee deltas used for mining priority, denominated in HMC\n" \
    "      \"descendant\" : n                  (numeric) transaction fees of in-mempool descendants (including this one) with fee deltas used for mining priority, denominated in HMC\n" \
    "    },\n" \
    "    \"depends\" : [                       (json array) unconfirmed transactions used as inputs for this transaction\n" \
    "      \"hex\",                            (string) parent transaction id\n" \
    "      ...\n" \
    "    ],\n" \
    "    \"spentby\" : [                       (json array) unconfirmed transactions spending outputs from this transaction\n" \
    "      \"hex\",                            (string) child transaction id\n" \
    "      ...\n" \
    "    ],\n" \
    "    \"bip125-replaceable\" : true|false,  (boolean) Whether this transaction signals BIP125 replaceability or has an unconfirmed ancestor signaling BIP125 replaceability. (DEPRECATED)\n" \
    "    \"unbroadcast\" : true|false          (boolean) Whether this transaction is currently unbroadcast (initial broadcast not yet acknowledged by any peers)\n" \
    "  }\n"

json_t *rpc_mempool_entry_json(struct mempool *mp, const struct hash256 *txid)
{
    struct mempool_entry_info e;
    return mempool_entry_get(mp, &e, txid) ? entry_json(mp, &e) : NULL;
}

/* ---- getmempoolinfo ---- */

static const char getmempoolinfo_help[] =
    "getmempoolinfo\n"
    "\n"
    "Returns details on the active state of the TX memory pool.\n"
    "\n"
    "Result:\n"
    "{                               (json object)\n"
    "  \"loaded\" : true|false,        (boolean) True if the initial load attempt of the persisted mempool finished\n"
    "  \"size\" : n,                   (numeric) Current tx count\n"
    "  \"bytes\" : n,                  (numeric) Sum of all virtual transaction sizes as defined in BIP 141. Differs from actual serialized size because witness data is discounted\n"
    "  \"usage\" : n,                  (numeric) Total memory usage for the mempool\n"
    "  \"total_fee\" : n,              (numeric) Total fees for the mempool in HMC, ignoring modified fees through prioritisetransaction\n"
    "  \"maxmempool\" : n,             (numeric) Maximum memory usage for the mempool\n"
    "  \"mempoolminfee\" : n,          (numeric) Minimum fee rate in HMC/kvB for tx to be accepted. Is the maximum of minrelaytxfee and minimum mempool fee\n"
    "  \"minrelaytxfee\" : n,          (numeric) Current minimum relay fee for transactions\n"
    "  \"incrementalrelayfee\" : n,    (numeric) minimum fee rate increment for mempool limiting or replacement in HMC/kvB\n"
    "  \"unbroadcastcount\" : n,       (numeric) Current number of transactions that haven't passed initial broadcast yet\n"
    "  \"fullrbf\" : true|false        (boolean) True if the mempool accepts RBF without replaceability signaling inspection (DEPRECATED)\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getmempoolinfo", "") RPC_HELP_RPC("getmempoolinfo", "");

json_t *rpc_mempool_info_json(struct mempool *mp)
{
    struct mempool_stats s;
    mempool_get_stats(mp, &s);
    json_t *o = json_object();
    json_object_set_new(o, "loaded", json_boolean(s.loaded));
    json_object_set_new(o, "size", json_integer((json_int_t)s.size));
    json_object_set_new(o, "bytes", json_integer((json_int_t)s.bytes));
    json_object_set_new(o, "usage", json_integer((json_int_t)s.usage));
    json_object_set_new(o, "total_fee", rpc_json_amount(s.total_fee));
    json_object_set_new(o, "maxmempool", json_integer((json_int_t)s.max_size_bytes));
    json_object_set_new(o, "mempoolminfee", rpc_json_amount(s.min_fee));
    json_object_set_new(o, "minrelaytxfee", rpc_json_amount(s.min_relay_feerate));
    json_object_set_new(o, "incrementalrelayfee", rpc_json_amount(s.incremental_relay_feerate));
    json_object_set_new(o, "unbroadcastcount", json_integer((json_int_t)s.unbroadcast_count));
    json_object_set_new(o, "fullrbf", json_boolean(s.full_rbf));
    return o;
}

static json_t *rpc_getmempoolinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getmempoolinfo_help) || !rpc_need_mempool(ctx, err))
        return NULL;
    return rpc_mempool_info_json(ctx->mempool);
}

/* ---- getrawmempool ---- */

static const struct rpc_arg getrawmempool_args[] = {
    {"verbose", RPC_ARG_BOOL, true},
    {"mempool_sequence", RPC_ARG_BOOL, true},
};
#define GETRAWMEMPOOL_HELP_HEAD                                                                                    \
    "getrawmempool ( verbose mempool_sequence )\n"                                                                 \
    "\n"                                                                                                           \
    "Returns all transaction ids in memory pool as a json array of string transaction ids.\n"                     \
    "\n"                                                                                                           \
    "Hint: use getmempoolentry to fetch a specific transaction from the mempool.\n"                               \
    "\n"                                                                                                           \
    "Arguments:\n"                                                                                                 \
    "1. verbose             (boolean, optional, default=false) True for a json object, false for array of transaction ids\n" \
    "2. mempool_sequence    (boolean, optional, default=false) If verbose=false, returns a json object with transaction list and mempool sequence number attached.\n" \
    "\n"                                                                                                           \
    "Result (for verbose = false):\n"                                                                              \
    "[           (json array)\n"                                                                                   \
    "  \"hex\",    (string) The transaction id\n"                                                                 \
    "  ...\n"                                                                                                      \
    "]\n"                                                                                                          \
    "\n"                                                                                                           \
    "Result (for verbose = true):\n"                                                                               \
    "{                                         (json object)\n"                                                    \
    "  \"transactionid\" : "
static const char getrawmempool_help[] =
    GETRAWMEMPOOL_HELP_HEAD
    "  {...}                                 (json object) the entry, as getmempoolentry\n"
    "  ...\n"
    "}\n"
    "\n"
    "Result (for verbose = false and mempool_sequence = true):\n"
    "{                            (json object)\n"
    "  \"txids\" : [                (json array)\n"
    "    \"hex\",                   (string) The transaction id\n"
    "    ...\n"
    "  ],\n"
    "  \"mempool_sequence\" : n     (numeric) The mempool sequence value.\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getrawmempool", "true") RPC_HELP_RPC("getrawmempool", "true");

struct verbose_acc {
    struct mempool *mp;
    json_t *out;
};

static void add_entry(void *arg, const struct mempool_entry_info *info, const struct tx *tx)
{
    (void)tx;
    struct verbose_acc *a = arg;
    char hex[65];
    hash256_to_hex(hex, &info->txid);
    json_object_set_new(a->out, hex, entry_json(a->mp, info));
}

static json_t *rpc_getrawmempool(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getrawmempool_args, 2, getrawmempool_help) || !rpc_need_mempool(ctx, err))
        return NULL;
    bool verbose = rpc_arg_bool(params, 0, false), with_seq = rpc_arg_bool(params, 1, false);
    if (verbose && with_seq)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Verbose results cannot contain mempool sequence values.");
    json_t *r;
    lock(ctx);
    if (verbose) {
        struct verbose_acc a = {ctx->mempool, json_object()};
        mempool_each(ctx->mempool, add_entry, &a);
        r = a.out;
    } else {
        struct hash256 *ids;
        size_t n;
        uint64_t seq;
        mempool_txids(ctx->mempool, &ids, &n, &seq);
        json_t *arr = txid_array(ids, n);
        mem_free(ids);
        if (with_seq) {
            r = json_object();
            json_object_set_new(r, "txids", arr);
            json_object_set_new(r, "mempool_sequence", json_integer((json_int_t)seq));
        } else {
            r = arr;
        }
    }
    unlock(ctx);
    return r;
}

/* ---- getmempoolentry / ancestors / descendants ---- */

static const struct rpc_arg txid_arg[] = {{"txid", RPC_ARG_STR, false}};
static const struct rpc_arg txid_verbose_args[] = {
    {"txid", RPC_ARG_STR, false},
    {"verbose", RPC_ARG_BOOL, true},
};

static const char getmempoolentry_help[] =
    "getmempoolentry \"txid\"\n"
    "\n"
    "Returns mempool data for given transaction\n"
    "\n"
    "Arguments:\n"
    "1. txid    (string, required) The transaction id (must be in mempool)\n"
    "\n"
    "Result:\n"
    ENTRY_HELP
    "\n"
    "Examples:\n" RPC_HELP_CLI("getmempoolentry", "\"mytxid\"") RPC_HELP_RPC("getmempoolentry", "\"mytxid\"");

static json_t *rpc_getmempoolentry(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, txid_arg, 1, getmempoolentry_help) || !rpc_need_mempool(ctx, err))
        return NULL;
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "parameter 1"))
        return NULL;
    lock(ctx);
    struct mempool_entry_info e;
    json_t *r = mempool_entry_get(ctx->mempool, &e, &txid) ? entry_json(ctx->mempool, &e) : NULL;
    unlock(ctx);
    return r ? r : rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool");
}

static const char getmempoolancestors_help[] =
    "getmempoolancestors \"txid\" ( verbose )\n"
    "\n"
    "If txid is in the mempool, returns all in-mempool ancestors.\n"
    "\n"
    "Arguments:\n"
    "1. txid       (string, required) The transaction id (must be in mempool)\n"
    "2. verbose    (boolean, optional, default=false) True for a json object, false for array of transaction ids\n"
    "\n"
    "Result (for verbose = false):\n"
    "[           (json array)\n"
    "  \"hex\",    (string) The transaction id of an in-mempool ancestor transaction\n"
    "  ...\n"
    "]\n"
    "\n"
    "Result (for verbose = true):\n"
    "{                           (json object)\n"
    "  \"transactionid\" : {...},  (json object) the entry, as getmempoolentry\n"
    "  ...\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getmempoolancestors", "\"mytxid\"") RPC_HELP_RPC("getmempoolancestors", "\"mytxid\"");

static const char getmempooldescendants_help[] =
    "getmempooldescendants \"txid\" ( verbose )\n"
    "\n"
    "If txid is in the mempool, returns all in-mempool descendants.\n"
    "\n"
    "Arguments:\n"
    "1. txid       (string, required) The transaction id (must be in mempool)\n"
    "2. verbose    (boolean, optional, default=false) True for a json object, false for array of transaction ids\n"
    "\n"
    "Result (for verbose = false):\n"
    "[           (json array)\n"
    "  \"hex\",    (string) The transaction id of an in-mempool descendant transaction\n"
    "  ...\n"
    "]\n"
    "\n"
    "Result (for verbose = true):\n"
    "{                           (json object)\n"
    "  \"transactionid\" : {...},  (json object) the entry, as getmempoolentry\n"
    "  ...\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getmempooldescendants", "\"mytxid\"") RPC_HELP_RPC("getmempooldescendants", "\"mytxid\"");

static json_t *related(struct rpc_context *ctx, json_t *params, struct rpc_error *err, const char *help,
                       enum mempool_relation rel)
{
    if (!rpc_args_check(err, params, txid_verbose_args, 2, help) || !rpc_need_mempool(ctx, err))
        return NULL;
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "parameter 1"))
        return NULL;
    bool verbose = rpc_arg_bool(params, 1, false);
    lock(ctx);
    struct hash256 *ids;
    size_t n;
    json_t *r = NULL;
    if (!mempool_related(ctx->mempool, &ids, &n, &txid, rel)) {
        unlock(ctx);
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool");
    }
    if (!verbose) {
        r = txid_array(ids, n);
    } else {
        r = json_object();
        for (size_t i = 0; i < n; i++) {
            struct mempool_entry_info e;
            if (!mempool_entry_get(ctx->mempool, &e, &ids[i]))
                continue;
            char hex[65];
            hash256_to_hex(hex, &ids[i]);
            json_object_set_new(r, hex, entry_json(ctx->mempool, &e));
        }
    }
    mem_free(ids);
    unlock(ctx);
    return r;
}

static json_t *rpc_getmempoolancestors(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return related(ctx, params, err, getmempoolancestors_help, MEMPOOL_ANCESTORS);
}

static json_t *rpc_getmempooldescendants(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return related(ctx, params, err, getmempooldescendants_help, MEMPOOL_DESCENDANTS);
}

const struct rpc_command rpc_mempool_commands[] = {
    {"blockchain", "getmempoolancestors", rpc_getmempoolancestors, {"txid", "verbose", NULL}, getmempoolancestors_help},
    {"blockchain", "getmempooldescendants", rpc_getmempooldescendants, {"txid", "verbose", NULL},
     getmempooldescendants_help},
    {"blockchain", "getmempoolentry", rpc_getmempoolentry, {"txid", NULL}, getmempoolentry_help},
    {"blockchain", "getmempoolinfo", rpc_getmempoolinfo, {NULL}, getmempoolinfo_help},
    {"blockchain", "getrawmempool", rpc_getrawmempool, {"verbose", "mempool_sequence", NULL}, getrawmempool_help},
};
const size_t rpc_mempool_command_count = sizeof(rpc_mempool_commands) / sizeof(rpc_mempool_commands[0]);
