/* The native miner's RPCs and the mining methods around it: setgenerate,
 * getgenerate, submitheader, getnetworkhashps, prioritisetransaction,
 * getprioritisedtransactions; the getmininginfo fields of the native miner,
 * getblocktemplate's long polling and its network checks (rpc_mining.c
 * calls those). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/arith256.h"
#include "consensus/params.h"
#include "net/connman.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/miner/native.h"
#include "src/miner/watch.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/rpc/rpc_net.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* ---- network hash rate ---- */

static double work_to_double(const struct arith256 *a)
{
    double d = 0;
    for (int i = 7; i >= 0; i--)
        d = d * 4294967296.0 + a->w[i];
    return d;
}

double rpc_network_hashps(struct chainstate *cs, int64_t lookup, int32_t height)
{
    const struct block_index *pb = chainstate_tip(cs);
    if (height >= 0 && pb && height < pb->height)
        pb = chainstate_at_height(cs, height);
    if (!pb || pb->height == 0)
        return 0;
    /* -1 (or 0): since the last difficulty change. */
    if (lookup <= 0)
        lookup = pb->height % chainstate_params(cs)->retarget_interval + 1;
    if (lookup > pb->height)
        lookup = pb->height;
    const struct block_index *p0 = pb;
    int64_t min_time = p0->header.time, max_time = min_time;
    for (int64_t i = 0; i < lookup && p0->prev; i++) {
        p0 = p0->prev;
        int64_t t = p0->header.time;
        min_time = t < min_time ? t : min_time;
        max_time = t > max_time ? t : max_time;
    }
    if (min_time == max_time)
        return 0;
    struct arith256 diff;
    arith256_sub(&diff, &pb->chain_work, &p0->chain_work);
    return work_to_double(&diff) / (double)(max_time - min_time);
}

static const struct rpc_arg getnetworkhashps_args[] = {
    {"nblocks", RPC_ARG_NUM, true},
    {"height", RPC_ARG_NUM, true},
};
static const char getnetworkhashps_help[] =
    "getnetworkhashps ( nblocks height )\n"
    "\n"
    "Returns the estimated network hashes per second based on the last n blocks.\n"
    "Pass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\n"
    "Pass in [height] to estimate the network speed at the time when a certain block was found.\n"
    "\n"
    "Arguments:\n"
    "1. nblocks    (numeric, optional, default=120) The number of previous blocks to calculate estimate from, or -1 for blocks since last difficulty change.\n"
    "2. height     (numeric, optional, default=-1) To estimate at the time of the given height.\n"
    "\n"
    "Result:\n"
    "n    (numeric) Hashes per second estimated\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getnetworkhashps", "") RPC_HELP_RPC("getnetworkhashps", "");

static json_t *rpc_getnetworkhashps(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getnetworkhashps_args, 2, getnetworkhashps_help) || !rpc_need_chain(ctx, err))
        return NULL;
    int64_t nblocks, height;
    if (!rpc_arg_int(err, &nblocks, params, 0, 120, INT32_MIN, INT32_MAX) ||
        !rpc_arg_int(err, &height, params, 1, -1, INT32_MIN, INT32_MAX))
        return NULL;
    chainstate_lock(ctx->chain);
    int32_t tip = chainstate_height(ctx->chain);
    json_t *r = NULL;
    if (nblocks < -1 || nblocks == 0)
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid nblocks. Must be a positive number or -1.");
    else if (height < -1 || height > tip)
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid height. Must be -1 or between 0 and the current height.");
    else
        r = rpc_json_double(rpc_network_hashps(ctx->chain, nblocks, (int32_t)height));
    chainstate_unlock(ctx->chain);
    return r;
}

/* ---- setgenerate / getgenerate ---- */

static const struct rpc_arg setgenerate_args[] = {
    {"generate", RPC_ARG_BOOL, false},
    {"genproclimit", RPC_ARG_NUM, true},
};
static const char setgenerate_help[] =
    "setgenerate generate ( genproclimit )\n"
    "\n"
    "Set 'generate' true or false to turn the native SHA-256d miner on or off.\n"
    "Blocks pay -miningaddress (and the -vaultaddress share, if set); mining threads each scan their own\n"
    "slice of the nonce space. See getmininginfo for the hash rate.\n"
    "\n"
    "Arguments:\n"
    "1. generate        (boolean, required) Set to true to turn on generation, false to turn off.\n"
    "2. genproclimit    (numeric, optional, default=-genproclimit) Set the processor limit for when generation is on.\n"
    "                   Can be -1 for all cores; 0 turns generation off.\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n"
    "\n"
    "Set the generation on with a limit of one processor\n" RPC_HELP_CLI("setgenerate", "true 1")
    "\n"
    "Check the setting\n" RPC_HELP_CLI("getgenerate", "")
    "\n"
    "Turn off generation\n" RPC_HELP_CLI("setgenerate", "false")
    "\n"
    "Using json rpc\n" RPC_HELP_RPC("setgenerate", "true, 1");

static bool need_native_miner(struct rpc_context *ctx, struct rpc_error *err)
{
    if (!rpc_need_chain(ctx, err))
        return false;
    if (!ctx->native_miner) {
        rpc_fail(err, RPC_IN_WARMUP, "The miner is not running yet");
        return false;
    }
    return true;
}

static json_t *rpc_setgenerate(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, setgenerate_args, 2, setgenerate_help) || !need_native_miner(ctx, err))
        return NULL;
    bool generate = rpc_arg_bool(params, 0, false);
    int64_t limit;
    if (!rpc_arg_int(err, &limit, params, 1, native_miner_default_threads(ctx->native_miner), INT32_MIN, INT32_MAX))
        return NULL;
    if (limit < -1 || limit > MINER_MAX_THREADS)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid genproclimit: must be -1 (all cores) or 0 to %d",
                        MINER_MAX_THREADS);
    if (limit == -1)
        limit = native_miner_cpu_count();
    if (!generate || limit == 0) {
        native_miner_stop(ctx->native_miner);
        return json_null();
    }
    switch (native_miner_start(ctx->native_miner, (int)limit, true)) {
    case NATIVE_MINER_STARTED:
        return json_null();
    case NATIVE_MINER_NO_ADDRESS:
        return rpc_fail(err, RPC_MISC_ERROR,
                        "No mining address: start hashmintd with -miningaddress=<address> to use the native miner");
    case NATIVE_MINER_IN_IBD:
        return rpc_fail(err, RPC_CLIENT_IN_INITIAL_DOWNLOAD, "Hashmint is in initial sync and waiting for blocks...");
    case NATIVE_MINER_NO_THREADS:
        break;
    }
    return rpc_fail(err, RPC_MISC_ERROR, "Cannot start the mining threads");
}

static const char getgenerate_help[] =
    "getgenerate\n"
    "\n"
    "Return if the server is set to generate coins or not. The default is false.\n"
    "It is set with the command line argument -gen (or hashmint.conf setting gen)\n"
    "It can also be set with the setgenerate call.\n"
    "\n"
    "Result:\n"
    "true|false    (boolean) If the server is set to generate coins or not\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getgenerate", "") RPC_HELP_RPC("getgenerate", "");

static json_t *rpc_getgenerate(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getgenerate_help) || !need_native_miner(ctx, err))
        return NULL;
    return json_boolean(native_miner_running(ctx->native_miner));
}

void rpc_native_miner_info(struct rpc_context *ctx, json_t *o)
{
    struct native_miner_stats s;
    memset(&s, 0, sizeof(s));
    if (ctx->native_miner)
        native_miner_stats_get(ctx->native_miner, &s);
    json_object_set_new(o, "generate", json_boolean(s.running));
    json_object_set_new(o, "genproclimit", json_integer(s.running ? s.threads
                                                       : ctx->native_miner ? native_miner_default_threads(ctx->native_miner)
                                                                           : 0));
    json_object_set_new(o, "hashespersec", json_integer((json_int_t)(s.hashes_per_sec + 0.5)));
    json_t *miner = json_object();
    json_object_set_new(miner, "kernel", json_string(s.kernel ? s.kernel : ""));
    json_object_set_new(miner, "hashes", json_integer((json_int_t)s.hashes));
    json_object_set_new(miner, "blocksfound", json_integer((json_int_t)s.blocks_found));
    json_object_set_new(miner, "blocksrejected", json_integer((json_int_t)s.blocks_rejected));
    json_object_set_new(miner, "jobs", json_integer((json_int_t)s.jobs));
    json_object_set_new(miner, "staleabandoned", json_integer((json_int_t)s.stale_abandoned));
    json_object_set_new(miner, "jobheight", json_integer(s.job_height));
    json_object_set_new(miner, "lastabandonms", rpc_json_double(s.last_abandon_ms));
    if (s.waiting)
        json_object_set_new(miner, "waiting", json_string(s.waiting));
    json_t *threads = json_array();
    for (int i = 0; i < s.threads; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "thread", json_integer(i));
        json_object_set_new(t, "hashespersec", json_integer((json_int_t)(s.per_thread[i].hashes_per_sec + 0.5)));
        json_object_set_new(t, "hashes", json_integer((json_int_t)s.per_thread[i].hashes));
        json_array_append_new(threads, t);
    }
    json_object_set_new(miner, "threads", threads);
    json_object_set_new(o, "miner", miner);
    native_miner_stats_clear(&s);
}

/* ---- getblocktemplate: network checks and long polling ---- */

bool rpc_getblocktemplate_ready(struct rpc_context *ctx, struct rpc_error *err)
{
    /* Core skips these on test chains; hashmint keeps them on main and
     * test, whose blocks only count once the network has them. */
    if (!strcmp(ctx->params->name, "regtest"))
        return true;
    struct rpc_net *n = ctx->net;
    if (!n || connman_count(n->cm, CONNMAN_COUNT_ALL) == 0) {
        rpc_fail(err, RPC_CLIENT_NOT_CONNECTED, "Hashmint is not connected!");
        return false;
    }
    if (chainstate_is_initial_download(ctx->chain)) {
        rpc_fail(err, RPC_CLIENT_IN_INITIAL_DOWNLOAD, "Hashmint is in initial sync and waiting for blocks...");
        return false;
    }
    return true;
}

bool rpc_longpoll_wait(struct rpc_context *ctx, struct rpc_error *err, const json_t *lpid)
{
    /* Our longpollid: the tip's hash (64 hex digits) then the mempool sequence in decimal. */
    const char *s = json_is_string(lpid) ? json_string_value(lpid) : NULL;
    struct hash256 tip;
    char *end = NULL;
    unsigned long long seq = 0;
    if (s && strlen(s) > 64) {
        char hash_hex[65];
        memcpy(hash_hex, s, 64);
        hash_hex[64] = '\0';
        if (hex_decode_reversed(tip.b, 32, hash_hex) && s[64] >= '0' && s[64] <= '9')
            seq = strtoull(s + 64, &end, 10);
    }
    if (!end || *end) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid longpollid");
        return false;
    }
    if (!ctx->miner_watch) {
        rpc_fail(err, RPC_IN_WARMUP, "Long polling is not available yet");
        return false;
    }
    if (miner_watch_wait(ctx->miner_watch, &tip, (uint64_t)seq, (int64_t)MINER_FEE_REFRESH_SECONDS * 1000, 0) ==
        MINER_WATCH_SHUTDOWN) {
        rpc_fail(err, RPC_CLIENT_NOT_CONNECTED, "Shutting down");
        return false;
    }
    return true;
}

/* ---- submitheader ---- */

static const struct rpc_arg submitheader_args[] = {{"hexdata", RPC_ARG_STR, false}};
static const char submitheader_help[] =
    "submitheader \"hexdata\"\n"
    "\n"
    "Decode the given hexdata as a header and submit it as a candidate chain tip if valid.\n"
    "Throws when the header is invalid.\n"
    "\n"
    "Arguments:\n"
    "1. hexdata    (string, required) the hex-encoded block header data\n"
    "\n"
    "Result:\n"
    "null    (json null) None\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("submitheader", "\"aabbcc\"") RPC_HELP_RPC("submitheader", "\"aabbcc\"");

static json_t *rpc_submitheader(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, submitheader_args, 1, submitheader_help) || !rpc_need_chain(ctx, err))
        return NULL;
    uint8_t raw[BLOCK_HEADER_SIZE + 1];
    size_t len = 0;
    struct block_header h;
    bool ok = hex_decode(raw, sizeof(raw), &len, rpc_arg_str(params, 0, "")) && len == BLOCK_HEADER_SIZE;
    if (ok) {
        struct rbuf r = rbuf_make(raw, len);
        ok = block_header_parse(&h, &r);
    }
    if (!ok)
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Block header decode failed");
    chainstate_lock(ctx->chain);
    json_t *res = NULL;
    if (!chainstate_lookup(ctx->chain, &h.prev_hash)) {
        char hex[65];
        hash256_to_hex(hex, &h.prev_hash);
        rpc_fail(err, RPC_VERIFY_ERROR, "Must submit previous header (%s) first", hex);
    } else {
        struct val_state st;
        val_state_init(&st);
        if (chainstate_process_headers(ctx->chain, &st, NULL, &h, 1) && val_is_valid(&st))
            res = json_null();
        else
            rpc_fail(err, RPC_VERIFY_ERROR, "%s", st.reject[0] ? st.reject : "invalid header");
    }
    chainstate_unlock(ctx->chain);
    return res;
}

/* ---- prioritisetransaction / getprioritisedtransactions ---- */

static const struct rpc_arg prioritisetransaction_args[] = {
    {"txid", RPC_ARG_STR, false},
    {"dummy", RPC_ARG_NUM, true},
    {"fee_delta", RPC_ARG_NUM, false},
};
static const char prioritisetransaction_help[] =
    "prioritisetransaction \"txid\" ( dummy ) fee_delta\n"
    "\n"
    "Accepts the transaction into mined blocks at a higher (or lower) priority\n"
    "\n"
    "Arguments:\n"
    "1. txid         (string, required) The transaction id.\n"
    "2. dummy        (numeric, optional) API-Compatibility for previous API. Must be zero or null.\n"
    "                DEPRECATED. For forward compatibility use named arguments and omit this parameter.\n"
    "3. fee_delta    (numeric, required) The fee value (in satoshis) to add (or subtract, if negative).\n"
    "                Note, that this value is not a fee rate. It is a value to modify absolute fee of the TX.\n"
    "                The fee is not actually paid, only the algorithm for selecting transactions into a block\n"
    "                considers the transaction as it would have paid a higher (or lower) fee.\n"
    "\n"
    "Result:\n"
    "true|false    (boolean) Returns true\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("prioritisetransaction", "\"txid\" 0.0 10000")
        RPC_HELP_RPC("prioritisetransaction", "\"txid\", 0.0, 10000");

static json_t *rpc_prioritisetransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, prioritisetransaction_args, 3, prioritisetransaction_help) ||
        !rpc_need_mempool(ctx, err))
        return NULL;
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "txid"))
        return NULL;
    const json_t *dummy = rpc_arg(params, 1);
    if (dummy && json_number_value(dummy) != 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER,
                        "Priority is no longer supported, dummy argument to prioritisetransaction must be 0.");
    if (!rpc_arg(params, 2))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", prioritisetransaction_help);
    int64_t delta;
    if (!rpc_arg_int(err, &delta, params, 2, 0, INT64_MIN, INT64_MAX))
        return NULL;
    mempool_prioritise(ctx->mempool, &txid, delta);
    return json_true();
}

static const char getprioritisedtransactions_help[] =
    "getprioritisedtransactions\n"
    "\n"
    "Returns a map of all user-created (see prioritisetransaction) fee deltas by txid, and whether the tx is present in mempool.\n"
    "\n"
    "Result:\n"
    "{                                 (json object) prioritisation keyed by txid\n"
    "  \"<transactionid>\" : {           (json object)\n"
    "    \"fee_delta\" : n,              (numeric) transaction fee delta in satoshis\n"
    "    \"in_mempool\" : true|false,    (boolean) whether this transaction is currently in mempool\n"
    "    \"modified_fee\" : n            (numeric, optional) modified fee in satoshis. Only returned if in_mempool=true\n"
    "  },\n"
    "  ...\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getprioritisedtransactions", "") RPC_HELP_RPC("getprioritisedtransactions", "");

static json_t *rpc_getprioritisedtransactions(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getprioritisedtransactions_help) || !rpc_need_mempool(ctx, err))
        return NULL;
    struct mempool_delta *d;
    size_t n;
    mempool_deltas(ctx->mempool, &d, &n);
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "fee_delta", json_integer(d[i].delta));
        struct mempool_entry_info info;
        bool in = mempool_entry_get(ctx->mempool, &info, &d[i].txid);
        json_object_set_new(e, "in_mempool", json_boolean(in));
        if (in)
            json_object_set_new(e, "modified_fee", json_integer(info.modified_fee));
        char hex[65];
        hash256_to_hex(hex, &d[i].txid);
        json_object_set_new(o, hex, e);
    }
    mem_free(d);
    return o;
}

/* ---- getstratuminfo ---- */

static const char getstratuminfo_help[] =
    "getstratuminfo\n"
    "\n"
    "Returns the state of the Stratum v1 server (-stratum=1): its port and payout mode, the connected workers\n"
    "with their difficulty, hash rate estimate and shares, shares accepted and rejected by reason, blocks found\n"
    "and, in pplns mode, the payout split a block found now would pay (see doc/mining.md).\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"port\" : n,                 (numeric) the port listened on\n"
    "  \"payout\" : \"str\",          (string) solo or pplns\n"
    "  \"connections\" : n,          (numeric) open connections\n"
    "  \"workers\" : [ {...} ],      (json array) authorized workers: worker, address, vault, difficulty,\n"
    "                               hashrate, accepted, rejected, blocks\n"
    "  \"shares\" : {\"accepted\" : n, \"rejected\" : {reason : n, ...}},\n"
    "  \"blocks_found\" : n,         (numeric) blocks accepted on the active chain\n"
    "  \"blocks_rejected\" : n,\n"
    "  \"disconnects\" : n,          (numeric) clients disconnected for misbehaving\n"
    "  \"recent_blocks\" : [ \"hash\", ... ],\n"
    "  \"height\" : n,               (numeric) height of the current job\n"
    "  \"last_clean_notify_ms\" : x, (numeric) from the last tip event to its clean_jobs notify sent to every\n"
    "                               worker (-1: none yet)\n"
    "  \"payout_split\" : [ {\"script\" : \"hex\", \"value\" : n}, ... ],  (pplns) outputs for the current window\n"
    "  \"window\" : {\"first_share\", \"last_share\", \"payees\", \"paid\"}   (pplns)\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getstratuminfo", "") RPC_HELP_RPC("getstratuminfo", "");

static json_t *rpc_getstratuminfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getstratuminfo_help))
        return NULL;
    json_t *info = ctx->stratum_info ? ctx->stratum_info(ctx->node) : NULL;
    if (!info)
        return rpc_fail(err, RPC_MISC_ERROR, "The Stratum server is not running (start hashmintd with -stratum=1)");
    return info;
}

const struct rpc_command rpc_miner_commands[] = {
    {"mining", "getstratuminfo", rpc_getstratuminfo, {NULL}, getstratuminfo_help},
    {"generating", "getgenerate", rpc_getgenerate, {NULL}, getgenerate_help},
    {"generating", "setgenerate", rpc_setgenerate, {"generate", "genproclimit", NULL}, setgenerate_help},
    {"mining", "getnetworkhashps", rpc_getnetworkhashps, {"nblocks", "height", NULL}, getnetworkhashps_help},
    {"mining", "getprioritisedtransactions", rpc_getprioritisedtransactions, {NULL}, getprioritisedtransactions_help},
    {"mining", "prioritisetransaction", rpc_prioritisetransaction, {"txid", "dummy", "fee_delta", NULL},
     prioritisetransaction_help},
    {"mining", "submitheader", rpc_submitheader, {"hexdata", NULL}, submitheader_help},
};
const size_t rpc_miner_command_count = sizeof(rpc_miner_commands) / sizeof(rpc_miner_commands[0]);
