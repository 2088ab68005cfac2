#ifndef HASHMINT_RPC_RPC_H
#define HASHMINT_RPC_RPC_H
/* The JSON-RPC method table. Each category file (rpc_blockchain.c,
 * rpc_rawtx.c, ...) exports one registration function that adds its
 * commands; the HTTP server (rpc_server.c) parses requests, looks the method
 * up here and calls the handler on a worker thread. Errors use Bitcoin
 * Core's codes and messages. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Bitcoin Core's error codes (src/rpc/protocol.h). */
enum rpc_error_code {
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    RPC_PARSE_ERROR = -32700,
    RPC_MISC_ERROR = -1,
    RPC_TYPE_ERROR = -3,
    RPC_INVALID_ADDRESS_OR_KEY = -5,
    RPC_OUT_OF_MEMORY = -7,
    RPC_INVALID_PARAMETER = -8,
    RPC_DATABASE_ERROR = -20,
    RPC_DESERIALIZATION_ERROR = -22,
    RPC_VERIFY_ERROR = -25,
    RPC_VERIFY_REJECTED = -26,
    RPC_VERIFY_ALREADY_IN_CHAIN = -27,
    RPC_IN_WARMUP = -28,
    RPC_METHOD_DEPRECATED = -32,
    RPC_CLIENT_NOT_CONNECTED = -9,
    RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10,
    RPC_CLIENT_NODE_ALREADY_ADDED = -23,
    RPC_CLIENT_NODE_NOT_ADDED = -24,
    RPC_CLIENT_NODE_NOT_CONNECTED = -29,
    RPC_CLIENT_INVALID_IP_OR_SUBNET = -30,
    RPC_CLIENT_P2P_DISABLED = -31,
    RPC_WALLET_ERROR = -4,
    RPC_WALLET_NOT_FOUND = -18,
    RPC_WALLET_INVALID_LABEL_NAME = -11,
};

/** An error a handler reports: code and message (Core's text where Core has one). */
struct rpc_error {
    int code;
    char message[256];
};

/** Sets err and returns NULL, so a handler can `return rpc_fail(err, RPC_INVALID_PARAMETER, "...");`.
 *  A message longer than message[] (a help text) is kept whole for the
 *  reply: see rpc_error_text(). */
json_t *rpc_fail(struct rpc_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Returns err's full message: the untruncated text of the last rpc_fail()
 *  on err from this thread if it was longer than message[], else
 *  err->message. Borrowed until the next rpc_fail() on this thread. */
const char *rpc_error_text(const struct rpc_error *err);

/** Frees this thread's stashed long message; a thread that called
 *  rpc_fail() calls it before exiting (the server's workers do). */
void rpc_error_thread_clear(void);

struct chainstate;
struct mempool;
struct chain_params;
struct rpc_table;
struct rpc_server;

/**
 * What a handler may reach. The node (src/node) fills it once at start-up;
 * handlers run on worker threads, so whatever they touch locks itself.
 * Pointers may be NULL while a subsystem is not running (then answer
 * RPC_IN_WARMUP or RPC_MISC_ERROR as Core does).
 */
struct miner_options;
struct native_miner;
struct miner_watch;
struct fee_estimator;

struct rpc_context {
    const struct chain_params *params;
    struct chainstate *chain;
    struct mempool *mempool;
    int64_t start_time; /* unix seconds, for uptime */
    /* Callbacks into the node (src/rpc never includes src/node). */
    void *node;
    void (*request_shutdown)(void *node);
    /** Returns the ZMQ notifiers as getzmqnotifications' array (new reference). */
    json_t *(*zmq_notifications)(void *node);
    /* Set by rpc_server_start() (or the caller of rpc_jsonrpc_process()):
     * the table being served (help, getrpcinfo), the server itself. */
    struct rpc_table *table;
    struct rpc_server *server;
    /** The debug.log path for getrpcinfo's "logpath" (NULL: ""); borrowed. */
    const char *log_path;
    /** The P2P layer for the network RPCs: a struct rpc_net * (src/rpc/rpc_net.h); NULL while P2P is off. */
    void *net;
    /** Block assembly options (-blockmaxweight, -blockmintxfee); NULL: the defaults. */
    const struct miner_options *miner;
    /** The loaded wallets: a struct wallet_context * (wallet/wallet.h); NULL with -disablewallet. */
    void *wallets;
    /** The native miner (setgenerate, getmininginfo); NULL until the chain is loaded. */
    struct native_miner *native_miner;
    /** The fee estimator (estimatesmartfee, estimaterawfee); NULL until the mempool is loaded. */
    struct fee_estimator *fee_estimator;
    /** Template change notification (getblocktemplate long polling); NULL until the chain is loaded. */
    struct miner_watch *miner_watch;
    /** getstratuminfo's object (new reference), or NULL when -stratum is off. */
    json_t *(*stratum_info)(void *node);
    /** getkeeperinfo's object (new reference), or NULL when -keeper is off (src/node/keeper_rpc.c). */
    json_t *(*keeper_info)(void *node);
    /** setmocktime (regtest): sets the node's mock time (0: the system clock); NULL: unsupported. */
    void (*set_mock_time)(void *node, int64_t t);
};

/**
 * A method handler. params is the request's "params": always a JSON array
 * here (the server converts named parameters to positions using the
 * command's arg_names). Returns the result (a new reference; json_null() for
 * null) or NULL with *err set.
 */
typedef json_t *(*rpc_handler)(struct rpc_context *ctx, json_t *params, struct rpc_error *err);

#define RPC_MAX_ARGS 12

struct rpc_command {
    const char *category; /* "blockchain", "control", "mining", "rawtransactions", "util", "zmq", ... */
    const char *name;
    rpc_handler handler;
    const char *arg_names[RPC_MAX_ARGS]; /* positional order, for named parameters; NULL-terminated */
    const char *help;                    /* full help text as `help <name>` prints it */
};

struct rpc_table;

/** Creates an empty table. */
struct rpc_table *rpc_table_new(void);
/** Frees the table (NULL is a no-op). */
void rpc_table_free(struct rpc_table *t);
/** Adds a command (the struct is borrowed: use static storage). */
void rpc_table_add(struct rpc_table *t, const struct rpc_command *cmd);
/** Looks up a method by name; NULL if unknown. */
const struct rpc_command *rpc_table_find(const struct rpc_table *t, const char *name);
/** Calls fn for every command in category-then-name order. */
void rpc_table_each(const struct rpc_table *t, void (*fn)(const struct rpc_command *cmd, void *arg), void *arg);

/**
 * Runs one call as Core's CRPCTable::execute does: RPC_IN_WARMUP while
 * warming up, RPC_METHOD_NOT_FOUND "Method not found" for an unknown method,
 * named parameters (a JSON object) mapped to positions by arg_names (Core's
 * messages: "Unknown named parameter x", "Parameter x specified multiple
 * times", the "args" key for leading positional ones). The call is listed
 * in rpc_table_active_commands() while it runs. params: array, object or
 * NULL (no parameters); borrowed. Returns the result (new reference) or
 * NULL with *err set (rpc_error_text() for the full message). Thread-safe.
 */
json_t *rpc_table_execute(struct rpc_table *t, struct rpc_context *ctx, const char *method, json_t *params,
                          struct rpc_error *err);

/** Returns getrpcinfo's "active_commands": [{"method", "duration" (us)}]
 *  for calls now running (new reference). Thread-safe. */
json_t *rpc_table_active_commands(struct rpc_table *t);

/** Sets the warm-up status (status NULL: warm-up finished). While set, every
 *  call fails with RPC_IN_WARMUP and status as the message. Thread-safe. */
void rpc_table_set_warmup(struct rpc_table *t, const char *status);
/** Returns true while warming up, with the status into status[0..cap). */
bool rpc_table_in_warmup(struct rpc_table *t, char *status, size_t cap);

/* Registration functions, one per category file. */
void rpc_register_control(struct rpc_table *t);
void rpc_register_util(struct rpc_table *t);
void rpc_register_rawtx(struct rpc_table *t);
void rpc_register_blockchain(struct rpc_table *t);
void rpc_register_mining(struct rpc_table *t);
void rpc_register_net(struct rpc_table *t);
/** Hidden test RPC getissuancestate (src/rpc/rpc_issuance_debug.c). */
void rpc_register_issuance_debug(struct rpc_table *t);
/** The issuance RPCs (src/rpc/rpc_issuance.c). */
void rpc_register_issuance(struct rpc_table *t);
/** estimatesmartfee, estimaterawfee (src/rpc/rpc_fees.c). */
void rpc_register_fees(struct rpc_table *t);
/** getreserves, getreserveproof (src/rpc/rpc_reserve.c). */
void rpc_register_reserve(struct rpc_table *t);

#endif
