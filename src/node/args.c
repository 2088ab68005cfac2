#include "src/node/args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/params.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* ---- the option table ------------------------------------------------------ */

enum group {
    GROUP_OPTIONS,
    GROUP_CONNECTION,
    GROUP_ZMQ,
    GROUP_DEBUG,
    GROUP_CHAIN,
    GROUP_RELAY,
    GROUP_BLOCK,
    GROUP_RPC,
    GROUP_COUNT,
};

static const char *const group_titles[GROUP_COUNT] = {
    "Options:", "Connection options:", "ZeroMQ notification options:", "Debugging/Testing options:",
    "Chain selection options:", "Node relay options:", "Block creation options:", "RPC server options:",
};

enum {
    OPT_MULTI = 1,        /* keeps every value */
    OPT_NETWORK_ONLY = 2, /* in the config's top section, applies to main only */
    OPT_HIDDEN = 4,       /* accepted, not listed by -help */
    OPT_CMDLINE_ONLY = 8, /* -conf: not allowed in a config file */
    OPT_CONFIG_ONLY = 16, /* includeconf: not allowed on the command line */
    OPT_PORTS = 32,       /* help text gets the per-chain defaults appended */
};

struct opt {
    const char *name; /* without '-' */
    const char *arg;  /* help's "=<x>" part, "" for none */
    enum group group;
    unsigned flags;
    const char *help; /* "%P" / "%R" expand to the per-chain P2P / RPC ports */
};

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct opt opts[] = {
    { "?", "", GROUP_OPTIONS, 0, "Print this help message and exit" },
    { "h", "", GROUP_OPTIONS, OPT_HIDDEN, "" },
    { "help", "", GROUP_OPTIONS, OPT_HIDDEN, "" },
    { "blocknotify", "=<cmd>", GROUP_OPTIONS, 0,
      "Execute command when the best block changes (%s in cmd is replaced by block hash)" },
    { "conf", "=<file>", GROUP_OPTIONS, OPT_CMDLINE_ONLY,
      "Specify path to read-only configuration file. Relative paths will be prefixed by datadir location "
      "(default: " ARGS_CONFIG_FILENAME ")" },
    { "daemon", "", GROUP_OPTIONS, 0, "Run in the background as a daemon and accept commands (default: 0)" },
    { "datadir", "=<dir>", GROUP_OPTIONS, 0, "Specify data directory (default: ~/.hashmint)" },
    { "dbcache", "=<n>", GROUP_OPTIONS, 0,
      "Maximum database cache size <n> MiB (minimum " STR(ARGS_MIN_DBCACHE_MB) ", default: " STR(
          ARGS_DEFAULT_DBCACHE_MB) "). Make sure you have enough RAM." },
    { "includeconf", "=<file>", GROUP_OPTIONS, OPT_MULTI | OPT_CONFIG_ONLY,
      "Specify additional configuration file, relative to the -datadir path (only useable from configuration "
      "file, not command line)" },
    { "loadblock", "=<file>", GROUP_OPTIONS, OPT_MULTI,
      "Imports blocks from external file on startup (blk file format: magic, length, block)" },
    { "maxmempool", "=<n>", GROUP_OPTIONS, 0,
      "Keep the transaction memory pool below <n> megabytes (default: " STR(ARGS_DEFAULT_MAX_MEMPOOL_MB) ")" },
    { "mempoolexpiry", "=<n>", GROUP_OPTIONS, 0,
      "Do not keep transactions in the mempool longer than <n> hours (default: " STR(
          ARGS_DEFAULT_MEMPOOL_EXPIRY_HOURS) ")" },
    { "par", "=<n>", GROUP_OPTIONS, 0,
      "Set the number of script verification threads (0 = auto, up to " STR(
          ARGS_MAX_SCRIPT_CHECK_THREADS) ", <0 = leave that many cores free, default: 0)" },
    { "persistmempool", "", GROUP_OPTIONS, 0, "Whether to save the mempool on shutdown and load on restart (default: 1)" },
    { "pid", "=<file>", GROUP_OPTIONS, 0,
      "Specify pid file. Relative paths will be prefixed by a net-specific datadir location. (default: " ARGS_PID_FILENAME
      ")" },
    { "reindex", "", GROUP_OPTIONS, 0,
      "Rebuild chain state and block index from the blk*.dat files on disk (default: 0)" },
    { "reindex-chainstate", "", GROUP_OPTIONS, 0,
      "Rebuild chain state from the currently indexed blocks (default: 0)" },
    { "txindex", "", GROUP_OPTIONS, 0,
      "Maintain a full transaction index, used by the getrawtransaction rpc call (default: 0)" },
    { "version", "", GROUP_OPTIONS, 0, "Print version and exit" },

    { "addnode", "=<ip>", GROUP_CONNECTION, OPT_MULTI | OPT_NETWORK_ONLY,
      "Add a node to connect to and attempt to keep the connection open. Accepted now; takes effect with P2P "
      "networking" },
    { "bind", "=<addr>[:<port>]", GROUP_CONNECTION, OPT_MULTI | OPT_NETWORK_ONLY,
      "Bind to given address and always listen on it (default: 0.0.0.0). Accepted now; takes effect with P2P "
      "networking" },
    { "connect", "=<ip>", GROUP_CONNECTION, OPT_MULTI | OPT_NETWORK_ONLY,
      "Connect only to the specified node; -noconnect disables automatic connections. Accepted now; takes effect "
      "with P2P networking. -chain=bitcoin never makes outbound connections" },
    { "dnsseed", "", GROUP_CONNECTION, 0,
      "Query for peer addresses via DNS lookup, if low on addresses (default: 1 unless -connect used or "
      "-maxconnections=0)" },
    { "listen", "", GROUP_CONNECTION, 0,
      "Accept connections from outside (default: 1 if no -proxy, -connect or -maxconnections=0)" },
    { "maxconnections", "=<n>", GROUP_CONNECTION, 0,
      "Maintain at most <n> automatic connections to peers (default: " STR(ARGS_DEFAULT_MAX_CONNECTIONS) ")" },
    { "onlynet", "=<net>", GROUP_CONNECTION, OPT_MULTI,
      "Make automatic outbound connections only to network <net> (ipv4, ipv6)" },
    { "port", "=<port>", GROUP_CONNECTION, OPT_NETWORK_ONLY | OPT_PORTS,
      "Listen for connections on <port> (default: %P)" },
    { "seednode", "=<ip>", GROUP_CONNECTION, OPT_MULTI,
      "Connect to a node to retrieve peer addresses, and disconnect" },
    { "whitebind", "=<[permissions@]addr>", GROUP_CONNECTION, OPT_MULTI,
      "Bind to the given address and add permission flags to the peers connecting to it" },
    { "whitelist", "=<[permissions@]IP address or network>", GROUP_CONNECTION, OPT_MULTI,
      "Add permission flags to the peers connecting from the given IP address or network" },

    { "zmqpubhashblock", "=<address>", GROUP_ZMQ, OPT_MULTI, "Enable publish hash block in <address>" },
    { "zmqpubhashblockhwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish hash block outbound message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },
    { "zmqpubhashtx", "=<address>", GROUP_ZMQ, OPT_MULTI, "Enable publish hash transaction in <address>" },
    { "zmqpubhashtxhwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish hash transaction outbound message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },
    { "zmqpubrawblock", "=<address>", GROUP_ZMQ, OPT_MULTI, "Enable publish raw block in <address>" },
    { "zmqpubrawblockhwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish raw block outbound message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },
    { "zmqpubrawtx", "=<address>", GROUP_ZMQ, OPT_MULTI, "Enable publish raw transaction in <address>" },
    { "zmqpubrawtxhwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish raw transaction outbound message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },
    { "zmqpubsequence", "=<address>", GROUP_ZMQ, OPT_MULTI,
      "Enable publish hash block and tx sequence in <address>" },
    { "zmqpubsequencehwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish hash sequence message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },
    { "zmqpubissuance", "=<address>", GROUP_ZMQ, OPT_MULTI,
      "Enable publish issuance events (mint, repay, deposit, withdraw, liquidation, oracle and issuer updates, vault open and close) in <address>" },
    { "zmqpubissuancehwm", "=<n>", GROUP_ZMQ, 0,
      "Set publish issuance message high water mark (default: " STR(ARGS_DEFAULT_ZMQ_SNDHWM) ")" },

    { "dbbatchsize", "=<n>", GROUP_DEBUG, 0,
      "Maximum database write batch size in bytes (default: " STR(ARGS_DEFAULT_DB_BATCH_SIZE) ")" },
    { "debug", "=<category>", GROUP_DEBUG, OPT_MULTI,
      "Output debug and trace logging (default: -nodebug, supplying <category> is optional). If <category> is not "
      "supplied or if <category> is 1 or all, output all debug logging. <category> can be: %C." },
    { "minerextrabits", "=<n>", GROUP_DEBUG, OPT_HIDDEN,
      "Regtest only: the native miner also requires n more leading zero bits of each block hash, 0 to 64 "
      "(default: 0), so tests can watch it work between blocks" },
    { "debugexclude", "=<category>", GROUP_DEBUG, OPT_MULTI,
      "Exclude debug and trace logging for a category. Can be used in conjunction with -debug=1 to output debug "
      "and trace logging for all categories except the specified category." },
    { "logratelimit", "=<n>", GROUP_DEBUG, 0,
      "Bytes of info, warning and error lines each source location may write to the debug log per hour; "
      "beyond that its lines are suppressed until the hour ends, so that peers cannot fill the disk "
      "(default: 1048576, 0: no limit)" },
    { "minimumchainwork", "=<hex>", GROUP_DEBUG, 0,
      "Minimum work assumed to exist on a valid chain in hex; header chains from peers with less work than this "
      "or than the active tip's work minus 144 blocks' work are not stored (default: 0 for main, test and regtest; "
      "-chain=bitcoin: 000000000000000000000000000000000000000088e186b70e0862c193ec44d6)" },
    { "printtoconsole", "", GROUP_DEBUG, 0,
      "Send trace/debug info to console (default: 1 when no -daemon. To disable logging to file, set "
      "-nodebuglogfile)" },
    { "debuglogfile", "=<file>", GROUP_DEBUG, 0,
      "Specify location of debug log file (default: debug.log). Relative paths will be prefixed by a net-specific "
      "datadir location. Pass -nodebuglogfile to disable writing the log to a file." },

    { "chain", "=<chain>", GROUP_CHAIN, 0,
      "Use the chain <chain> (default: main). Allowed values: main, test, regtest, bitcoin (Bitcoin mainnet's "
      "rules and history; never connects out)" },
    { "regtest", "", GROUP_CHAIN, 0,
      "Enter regression test mode, which uses a special chain in which blocks can be solved instantly. "
      "Equivalent to -chain=regtest." },
    { "testnet", "", GROUP_CHAIN, 0, "Use the test chain. Equivalent to -chain=test." },

    { "disablewallet", "", GROUP_OPTIONS, 0, "Do not load the wallet and disable wallet RPC calls" },
    { "wallet", "=<path>", GROUP_OPTIONS, OPT_MULTI, "Specify wallet name to load at startup (repeatable; a directory in -walletdir)" },
    { "walletdir", "=<dir>", GROUP_OPTIONS, 0, "Specify directory to hold wallets (default: <datadir>/wallets)" },
    { "keypool", "=<n>", GROUP_OPTIONS, 0, "Set key pool size to <n> (default: 1000)" },
    { "fallbackfee", "=<amt>", GROUP_OPTIONS, 0, "A fee rate (in HMC/kvB) used when fee estimation has no data (0 disables; default: 0.0002 on test chains, 0 on main)" },
    { "paytxfee", "=<amt>", GROUP_OPTIONS, 0, "Fee rate (in HMC/kvB) to add to transactions you send (default: 0)" },
    { "maxtxfee", "=<amt>", GROUP_OPTIONS, 0, "Maximum total fees (in HMC) to use in a single wallet transaction (default: 0.10)" },
    { "walletrbf", "", GROUP_OPTIONS, 0, "Send transactions with full-RBF opt-in enabled (default: 1)" },
    { "keeper", "", GROUP_OPTIONS, 0,
      "Liquidate vaults below the liquidation ratio with a wallet's tokens (default: 0; see doc/keeper.md)" },
    { "keeperwallet", "=<name>", GROUP_OPTIONS, 0,
      "The wallet the keeper liquidates with (default: the only loaded wallet)" },
    { "keepermaxfee", "=<amt>", GROUP_OPTIONS, 0,
      "The highest fee rate (HMC/kvB) the keeper bumps its liquidations to (default: 0.001)" },
    { "acceptstalefeeestimates", "", GROUP_DEBUG, OPT_HIDDEN, "Read fee estimates even if they are stale (regtest only; default: 0)" },
    { "txconfirmtarget", "=<n>", GROUP_OPTIONS, 0, "If paytxfee is not set, include enough fee so transactions begin confirmation on average within n blocks (default: 6)" },
    { "walletnotify", "=<cmd>", GROUP_OPTIONS, 0, "Execute command when a wallet transaction changes. %s in cmd is replaced by TxID, %w is replaced by wallet name, %b is replaced by the hash of the block including the transaction (set to 'unconfirmed' if the transaction is not included) and %h is replaced by the block height (-1 if not included)" },
    { "blocksonly", "", GROUP_RELAY, 0,
      "Whether to reject transactions from network peers; blocks are then fetched whole, never as compact "
      "blocks (default: 0)" },
    { "minrelaytxfee", "=<amt>", GROUP_RELAY, 0,
      "Fees (in HMC/kvB) smaller than this are considered zero fee for relaying, mining and transaction creation "
      "(default: 0.00001)" },

    { "blockmaxweight", "=<n>", GROUP_BLOCK, 0,
      "Set maximum BIP141 block weight (default: 3996000)" },
    { "blockmintxfee", "=<amt>", GROUP_BLOCK, 0,
      "Set lowest fee rate (in HMC/kvB) for transactions to be included in block creation. (default: 0.00001)" },
    { "vaultaddress", "=<address>", GROUP_BLOCK, 0,
      "Lock part of every coinbase this node builds (generate*) in a vault owned by <address> (see -vaultshare)" },
    { "vaultshare", "=<percent>", GROUP_BLOCK, 0,
      "Percent of the coinbase value locked in the -vaultaddress vault, 1 to 100 (default: 100)" },
    { "gen", "", GROUP_BLOCK, 0,
      "Mine with the native SHA-256d miner from start-up, paying -miningaddress (default: 0; see setgenerate)" },
    { "genproclimit", "=<n>", GROUP_BLOCK, 0,
      "Threads of the native miner for -gen and setgenerate; -1 for all cores (default: -1)" },
    { "miningaddress", "=<address>", GROUP_BLOCK, 0,
      "The address the native miner's coinbases pay (-gen, setgenerate); -vaultaddress/-vaultshare apply too" },
    { "minerkernel", "=<kernel>", GROUP_BLOCK, 0,
      "The native miner's SHA-256d kernel: auto, shani, avx512, avx2 or portable (default: auto, the fastest "
      "this CPU runs, measured at start)" },

    { "stratum", "", GROUP_BLOCK, 0,
      "Run the Stratum v1 server for ASICs and CPU miners (default: 0; see doc/mining.md)" },
    { "stratumallowip", "=<ip>", GROUP_BLOCK, OPT_MULTI,
      "Allow Stratum connections from this IP, network/CIDR or network/netmask (loopback always; repeatable)" },
    { "stratumbind", "=<addr>", GROUP_BLOCK, OPT_MULTI,
      "Listen for Stratum connections on <addr> (default: 127.0.0.1 and ::1; repeatable)" },
    { "stratumcoinbasemax", "=<n>", GROUP_BLOCK, 0,
      "Bytes of payout outputs a Stratum coinbase may carry; larger pplns payouts pay the largest shares (default: 750)" },
    { "stratumdifficulty", "=<n>", GROUP_BLOCK, 0, "Starting share difficulty of a Stratum connection (default: 1)" },
    { "stratumidletimeout", "=<n>", GROUP_BLOCK, 0,
      "Seconds a Stratum client may stay silent before it is disconnected (default: 600)" },
    { "stratumjobinterval", "=<n>", GROUP_BLOCK, 0,
      "Milliseconds between Stratum job updates for fees or pplns shares; a new tip is sent at once (default: 5000)" },
    { "stratummaxconnections", "=<n>", GROUP_BLOCK, 0, "Maximum Stratum connections (default: 1000)" },
    { "stratummaxdifficulty", "=<n>", GROUP_BLOCK, 0, "Highest share difficulty (default: 1e15)" },
    { "stratummaxline", "=<n>", GROUP_BLOCK, 0,
      "Longest Stratum message line in bytes; a longer one disconnects the client (default: 16384)" },
    { "stratummindifficulty", "=<n>", GROUP_BLOCK, 0, "Lowest share difficulty (default: 1e-12)" },
    { "stratumminpayout", "=<n>", GROUP_BLOCK, 0,
      "Smallest pplns coinbase output in base units; smaller payees wait for later blocks (default: 10000)" },
    { "stratummsgrate", "=<n>", GROUP_BLOCK, 0,
      "Messages per second a Stratum client may send (twice that in a burst) before it is disconnected (default: 50)" },
    { "stratumpayout", "=<mode>", GROUP_BLOCK, 0,
      "Stratum payouts: solo (a block pays the worker that found it) or pplns (the last N shares) (default: solo)" },
    { "stratumport", "=<port>", GROUP_BLOCK, 0, "Listen for Stratum connections on <port> (default: 3333)" },
    { "stratumpplnsn", "=<n>", GROUP_BLOCK, 0,
      "pplns window: the last shares worth N times the network difficulty (default: 2)" },
    { "stratumsharerate", "=<n>", GROUP_BLOCK, 0,
      "Shares per minute vardiff aims at per connection; 0 keeps the difficulty fixed (default: 20)" },
    { "stratumsharelog", "=<file>", GROUP_BLOCK, 0,
      "The Stratum share log (relative to the network data directory; default: stratum_shares.log)" },

    { "rest", "", GROUP_RPC, 0, "Accept public REST requests (default: 0)" },
    { "rpcallowip", "=<ip>", GROUP_RPC, OPT_MULTI,
      "Allow JSON-RPC connections from specified source. Valid values for <ip> are a single IP (e.g. 1.2.3.4), a "
      "network/netmask (e.g. 1.2.3.4/255.255.255.0), or a network/CIDR (e.g. 1.2.3.4/24). This option can be "
      "specified multiple times" },
    { "rpcauth", "=<userpw>", GROUP_RPC, OPT_MULTI,
      "Username and HMAC-SHA-256 hashed password for JSON-RPC connections. The field <userpw> comes in the "
      "format: <USERNAME>:<SALT>$<HASH>. This option can be specified multiple times" },
    { "rpcbind", "=<addr>[:port]", GROUP_RPC, OPT_MULTI | OPT_NETWORK_ONLY,
      "Bind to given address to listen for JSON-RPC connections. Do not expose the RPC server to untrusted "
      "networks such as the public internet! This option is ignored unless -rpcallowip is also passed. Port is "
      "optional and overrides -rpcport. (default: 127.0.0.1 and ::1)" },
    { "rpccookiefile", "=<loc>", GROUP_RPC, 0,
      "Location of the auth cookie. Relative paths will be prefixed by a net-specific datadir location. (default: "
      "data dir)" },
    { "rpcpassword", "=<pw>", GROUP_RPC, 0, "Password for JSON-RPC connections" },
    { "rpcport", "=<port>", GROUP_RPC, OPT_NETWORK_ONLY | OPT_PORTS,
      "Listen for JSON-RPC connections on <port> (default: %R)" },
    { "rpcservertimeout", "=<n>", GROUP_RPC, 0,
      "Timeout during HTTP requests (default: " STR(ARGS_DEFAULT_RPC_SERVERTIMEOUT) ")" },
    { "rpcthreads", "=<n>", GROUP_RPC, 0,
      "Set the number of threads to service RPC calls (default: " STR(ARGS_DEFAULT_RPC_THREADS) ")" },
    { "rpcuser", "=<user>", GROUP_RPC, 0, "Username for JSON-RPC connections" },
    { "rpcworkqueue", "=<n>", GROUP_RPC, 0,
      "Set the depth of the work queue to service RPC calls (default: " STR(ARGS_DEFAULT_RPC_WORKQUEUE) ")" },
    { "server", "", GROUP_RPC, 0, "Accept command line and JSON-RPC commands (default: 1)" },
};

/* hashmint-cli's options (Core's SetupCliArgs); its -help is its own usage text. */
static const struct opt cli_opts[] = {
    { "?", "", GROUP_OPTIONS, 0, "" },
    { "h", "", GROUP_OPTIONS, OPT_HIDDEN, "" },
    { "help", "", GROUP_OPTIONS, OPT_HIDDEN, "" },
    { "version", "", GROUP_OPTIONS, 0, "" },
    { "conf", "=<file>", GROUP_OPTIONS, OPT_CMDLINE_ONLY, "" },
    { "includeconf", "=<file>", GROUP_OPTIONS, OPT_MULTI | OPT_CONFIG_ONLY, "" },
    { "datadir", "=<dir>", GROUP_OPTIONS, 0, "" },
    { "chain", "=<chain>", GROUP_CHAIN, 0, "" },
    { "regtest", "", GROUP_CHAIN, 0, "" },
    { "testnet", "", GROUP_CHAIN, 0, "" },
    { "named", "", GROUP_OPTIONS, 0, "" },
    { "rpcclienttimeout", "=<n>", GROUP_OPTIONS, 0, "" },
    { "rpcconnect", "=<ip>", GROUP_OPTIONS, 0, "" },
    { "rpccookiefile", "=<loc>", GROUP_OPTIONS, 0, "" },
    { "rpcpassword", "=<pw>", GROUP_OPTIONS, 0, "" },
    { "rpcport", "=<port>", GROUP_OPTIONS, OPT_NETWORK_ONLY, "" },
    { "rpcuser", "=<user>", GROUP_OPTIONS, 0, "" },
    { "rpcwait", "", GROUP_OPTIONS, 0, "" },
    { "rpcwaittimeout", "=<n>", GROUP_OPTIONS, 0, "" },
    { "rpcwallet", "=<walletname>", GROUP_OPTIONS, 0, "" },
    { "stdin", "", GROUP_OPTIONS, 0, "" },
    { "stdinrpcpass", "", GROUP_OPTIONS, 0, "" },
    { "getinfo", "", GROUP_OPTIONS, 0, "" },
    { "color", "=<when>", GROUP_OPTIONS, 0, "" },
};

static const struct opt *find_in(const struct opt *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

bool args_is_known(const char *name)
{
    return find_in(opts, sizeof(opts) / sizeof(opts[0]), name) != NULL;
}

/* ---- storage ---------------------------------------------------------------- */

struct setting {
    char *section; /* "" for the command line and the config's top section */
    char *name;
    char *value; /* NULL: negated */
    bool cmdline;
};

struct args {
    const struct opt *opts; /* the program's option table */
    size_t nopts;
    struct setting *v;
    size_t n, cap;
    const char *chain; /* after args_select_chain */
    char **warnings;
    size_t warning_count;
    const char **multi; /* args_get_all's result buffer */
    size_t multi_cap;
};

struct args *args_new(void)
{
    struct args *a = mem_calloc(1, sizeof(*a));
    a->opts = opts;
    a->nopts = sizeof(opts) / sizeof(opts[0]);
    a->chain = "main";
    return a;
}

struct args *args_new_cli(void)
{
    struct args *a = args_new();
    a->opts = cli_opts;
    a->nopts = sizeof(cli_opts) / sizeof(cli_opts[0]);
    return a;
}

static const struct opt *find_opt(const struct args *a, const char *name)
{
    return find_in(a->opts, a->nopts, name);
}

void args_free(struct args *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        mem_free(a->v[i].section);
        mem_free(a->v[i].name);
        mem_free(a->v[i].value);
    }
    mem_free(a->v);
    for (size_t i = 0; i < a->warning_count; i++)
        mem_free(a->warnings[i]);
    mem_free(a->warnings);
    mem_free(a->multi);
    mem_free(a);
}

static void add_setting(struct args *a, bool cmdline, const char *section, const char *name, const char *value)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 32;
        a->v = mem_realloc(a->v, a->cap * sizeof(*a->v));
    }
    struct setting *s = &a->v[a->n++];
    s->cmdline = cmdline;
    s->section = mem_strdup(section);
    s->name = mem_strdup(name);
    s->value = value ? mem_strdup(value) : NULL;
}

static void add_warning(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(struct args *a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    a->warnings = mem_realloc(a->warnings, (a->warning_count + 1) * sizeof(*a->warnings));
    a->warnings[a->warning_count++] = mem_strdup(buf);
}

void args_each_warning(const struct args *a, void (*fn)(const char *msg, void *arg), void *arg)
{
    for (size_t i = 0; i < a->warning_count; i++)
        fn(a->warnings[i], arg);
}

static void set_err(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* Core's InterpretBool: empty is true, otherwise the number's truth. */
static bool interpret_bool(const char *v)
{
    if (!*v)
        return true;
    return strtoll(v, NULL, 10) != 0;
}

/*
 * Splits "[section.]name" and handles "no" negation. key is modified.
 * Out: *section (NULL if none), *name, *value (NULL when negated). Returns
 * false if the name is unknown (after stripping "no").
 */
static bool interpret_key(const struct args *a, char *key, const char *value_in, char **section, char **name,
                          const char **value, bool *known)
{
    char *dot = strrchr(key, '.');
    *section = NULL;
    if (dot) {
        *dot = '\0';
        *section = key;
        key = dot + 1;
    }
    *value = value_in ? value_in : "";
    if (!find_opt(a, key) && !strncmp(key, "no", 2) && find_opt(a, key + 2)) {
        key += 2;
        /* -nofoo is negation; -nofoo=0 means foo=1 (Core warns and accepts it). */
        *value = interpret_bool(*value) ? NULL : "1";
    }
    *name = key;
    *known = find_opt(a, key) != NULL;
    return *known;
}

bool args_parse_argv(struct args *a, int argc, char *const *argv, char *err, size_t err_len)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            set_err(err, err_len, "Command line contains unexpected token '%s', see hashmintd -h for a list of options.",
                    arg);
            return false;
        }
        /* --foo is -foo. */
        const char *body = arg + 1;
        if (*body == '-')
            body++;
        char *key = mem_strdup(body);
        char *eq = strchr(key, '=');
        const char *value = NULL;
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        char *section, *name;
        const char *val;
        bool known;
        if (!*key || !interpret_key(a, key, value, &section, &name, &val, &known)) {
            set_err(err, err_len, "Invalid parameter %s", arg);
            mem_free(key);
            return false;
        }
        const struct opt *o = find_opt(a, name);
        if (o->flags & OPT_CONFIG_ONLY) {
            set_err(err, err_len, "-%s cannot be used from commandline; -%s=%s", name, name, value ? value : "");
            mem_free(key);
            return false;
        }
        /* Core accepts section-prefixed options on the command line and ignores them. */
        if (!section)
            add_setting(a, true, "", name, val);
        mem_free(key);
    }
    return true;
}

/* ---- config files ----------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static bool known_section(const char *s)
{
    return !strcmp(s, "main") || !strcmp(s, "test") || !strcmp(s, "regtest") || !strcmp(s, "bitcoin");
}

static void join_path(char *out, size_t out_len, const char *dir, const char *file)
{
    if (file[0] == '/' || !dir || !*dir)
        snprintf(out, out_len, "%s", file);
    else
        snprintf(out, out_len, "%s/%s", dir, file);
}

enum line_result { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NUL };

/*
 * Reads one whole line of f (without its '\n') into *buf, growing it as
 * needed up to ARGS_MAX_CONFIG_LINE bytes. A fixed buffer would split a long
 * line and parse its tail as a line of its own (a long comment could then
 * set an option). Returns LINE_EOF at the end of the file, LINE_TOO_LONG or
 * LINE_NUL (a NUL byte, which C strings would cut the line at) on a bad line.
 */
static enum line_result read_line(FILE *f, char **buf, size_t *cap)
{
    size_t len = 0;
    bool nul = false;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (len == ARGS_MAX_CONFIG_LINE)
            return LINE_TOO_LONG;
        if (len + 1 >= *cap) {
            *cap = *cap ? 2 * *cap : 256;
            *buf = mem_realloc(*buf, *cap);
        }
        nul |= c == '\0';
        (*buf)[len++] = (char)c;
    }
    if (c == EOF && len == 0)
        return LINE_EOF;
    if (!*buf) {
        *cap = 1;
        *buf = mem_alloc(*cap);
    }
    (*buf)[len] = '\0';
    return nul ? LINE_NUL : LINE_OK;
}

static bool read_stream(struct args *a, FILE *f, const char *path, bool included, char ***includes,
                        size_t *include_count, char *err, size_t err_len)
{
    char *buf = NULL;
    size_t cap = 0;
    char *section = mem_strdup("");
    bool ok = false;
    for (int linenr = 1;; linenr++) {
        enum line_result r = read_line(f, &buf, &cap);
        if (r == LINE_EOF)
            break;
        if (r == LINE_TOO_LONG) {
            set_err(err, err_len, "parse error on line %d: line longer than %d bytes", linenr, ARGS_MAX_CONFIG_LINE);
            goto out;
        }
        if (r == LINE_NUL) {
            set_err(err, err_len, "parse error on line %d: line contains a NUL byte", linenr);
            goto out;
        }
        char *line = buf;
        bool used_hash = false;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
            used_hash = true;
        }
        char *s = trim(line);
        if (!*s)
            continue;
        size_t len = strlen(s);
        if (s[0] == '[' && s[len - 1] == ']') {
            s[len - 1] = '\0';
            mem_free(section);
            section = mem_strdup(s + 1);
            if (!known_section(section))
                add_warning(a, "Section [%s] is not recognized.", section);
        } else if (s[0] == '-') {
            set_err(err, err_len,
                    "parse error on line %d: %s, options in configuration file must be specified without leading -",
                    linenr, s);
            goto out;
        } else if (strchr(s, '=')) {
            char *eq = strchr(s, '=');
            *eq = '\0';
            char *key = trim(s);
            const char *value = trim(eq + 1);
            if (used_hash && strstr(key, "rpcpassword")) {
                set_err(err, err_len, "parse error on line %d, using # in rpcpassword can be ambiguous and should be avoided",
                        linenr);
                goto out;
            }
            char *ksec, *name;
            const char *val;
            bool known;
            interpret_key(a, key, value, &ksec, &name, &val, &known);
            const char *sec = ksec ? ksec : section;
            if (ksec && !known_section(ksec))
                add_warning(a, "Section [%s] is not recognized.", ksec);
            if (!known) {
                add_warning(a, "Ignoring unknown configuration value %s", name);
            } else if (!strcmp(name, "conf")) {
                set_err(err, err_len, "conf cannot be set in the configuration file; use includeconf= instead");
                goto out;
            } else if (!strcmp(name, "includeconf")) {
                if (included) {
                    add_warning(a, "-includeconf cannot be used from included files; ignoring -includeconf=%s", val);
                } else if (val && (!*sec || known_section(sec))) {
                    /* Collected; the caller reads them after this file and
                     * tags a chain section's includes with that section (the
                     * chain is not selected yet). */
                    *includes = mem_realloc(*includes, (*include_count + 2) * sizeof(**includes));
                    (*includes)[(*include_count)++] = mem_strdup(sec);
                    (*includes)[(*include_count)++] = mem_strdup(val);
                }
            } else {
                add_setting(a, false, sec, name, val);
            }
        } else {
            if (len >= 2 && !strncmp(s, "no", 2))
                set_err(err, err_len,
                        "parse error on line %d: %s, if you intended to specify a negated option, use %s=1 instead",
                        linenr, s, s);
            else
                set_err(err, err_len, "parse error on line %d: %s", linenr, s);
            goto out;
        }
    }
    if (ferror(f)) {
        set_err(err, err_len, "read error: %s", strerror(errno));
        goto out;
    }
    ok = true;
out:
    (void)path;
    mem_free(section);
    mem_free(buf);
    return ok;
}

bool args_read_config(struct args *a, const char *path, const char *datadir, bool required, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT)
            return true;
        set_err(err, err_len, "Error reading configuration file: specified config file \"%s\" could not be opened.",
                path);
        return false;
    }
    char **includes = NULL;
    size_t include_count = 0;
    char inner[512];
    bool ok = read_stream(a, f, path, false, &includes, &include_count, inner, sizeof(inner));
    fclose(f);
    if (!ok)
        set_err(err, err_len, "Error reading configuration file: %s", inner);

    /* includeconf from the top section and any chain section; a chain
     * section's includes are applied under that section. */
    for (size_t i = 0; ok && i + 1 < include_count; i += 2) {
        const char *sec = includes[i];
        char full[4096];
        join_path(full, sizeof(full), datadir, includes[i + 1]);
        FILE *g = fopen(full, "r");
        if (!g) {
            set_err(err, err_len, "Error reading configuration file: Failed to include configuration file %s",
                    includes[i + 1]);
            ok = false;
            break;
        }
        size_t before = a->n;
        ok = read_stream(a, g, full, true, NULL, NULL, inner, sizeof(inner));
        fclose(g);
        if (!ok) {
            set_err(err, err_len, "Error reading configuration file: %s", inner);
            break;
        }
        /* Settings of an include listed inside [chain] belong to that chain. */
        if (*sec)
            for (size_t j = before; j < a->n; j++)
                if (!*a->v[j].section) {
                    mem_free(a->v[j].section);
                    a->v[j].section = mem_strdup(sec);
                }
    }
    for (size_t i = 0; i < include_count; i++)
        mem_free(includes[i]);
    mem_free(includes);
    return ok;
}

bool args_read_config_stream(struct args *a, FILE *f, char *err, size_t err_len)
{
    char inner[512];
    if (!read_stream(a, f, "", true, NULL, NULL, inner, sizeof(inner))) {
        set_err(err, err_len, "Error reading configuration file: %s", inner);
        return false;
    }
    return true;
}

/* ---- lookups ---------------------------------------------------------------- */

/* Is s (a config setting) visible on the selected chain? */
static bool config_applies(const struct args *a, const struct setting *s, bool want_chain_section)
{
    if (s->cmdline)
        return false;
    if (want_chain_section)
        return !strcmp(s->section, a->chain);
    if (*s->section)
        return false;
    const struct opt *o = find_opt(a, s->name);
    if (o && (o->flags & OPT_NETWORK_ONLY) && strcmp(a->chain, "main") != 0)
        return false;
    return true;
}

/* The effective setting of a single-valued option, or NULL. */
static const struct setting *effective(const struct args *a, const char *name)
{
    const struct setting *last = NULL;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].cmdline && !strcmp(a->v[i].name, name))
            last = &a->v[i];
    if (last)
        return last;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < a->n; i++)
            if (!strcmp(a->v[i].name, name) && config_applies(a, &a->v[i], pass == 0))
                return &a->v[i];
    return NULL;
}

bool args_is_set(const struct args *a, const char *name)
{
    return effective(a, name) != NULL;
}

bool args_is_negated(const struct args *a, const char *name)
{
    const struct setting *s = effective(a, name);
    return s && !s->value;
}

const char *args_get(const struct args *a, const char *name, const char *def)
{
    const struct setting *s = effective(a, name);
    if (!s)
        return def;
    return s->value ? s->value : "0";
}

bool args_get_bool(const struct args *a, const char *name, bool def)
{
    const struct setting *s = effective(a, name);
    if (!s)
        return def;
    return s->value ? interpret_bool(s->value) : false;
}

bool args_get_int(const struct args *a, int64_t *out, const char *name, int64_t def)
{
    const char *v = args_get(a, name, NULL);
    *out = def;
    if (!v)
        return true;
    if (!*v) { /* "-par" alone: Core reads it as 1 */
        *out = 1;
        return true;
    }
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end)
        return false;
    *out = n;
    return true;
}

static void multi_push(struct args *a, size_t *count, const char *v)
{
    if (*count == a->multi_cap) {
        a->multi_cap = a->multi_cap ? 2 * a->multi_cap : 8;
        a->multi = mem_realloc(a->multi, a->multi_cap * sizeof(*a->multi));
    }
    a->multi[(*count)++] = v;
}

const char *const *args_get_all(const struct args *a_const, size_t *count, const char *name)
{
    struct args *a = (struct args *)a_const; /* only the result buffer changes */
    *count = 0;
    bool cmd_negated_last = false;
    for (size_t i = 0; i < a->n; i++) {
        const struct setting *s = &a->v[i];
        if (!s->cmdline || strcmp(s->name, name))
            continue;
        if (!s->value) {
            *count = 0;
            cmd_negated_last = true;
        } else {
            multi_push(a, count, s->value);
            cmd_negated_last = false;
        }
    }
    /* Core: a final negation on the command line hides the config's values. */
    if (!cmd_negated_last)
        for (int pass = 0; pass < 2; pass++) {
            size_t start = *count;
            for (size_t i = 0; i < a->n; i++) {
                const struct setting *s = &a->v[i];
                if (strcmp(s->name, name) || !config_applies(a, s, pass == 0))
                    continue;
                if (!s->value)
                    *count = start;
                else
                    multi_push(a, count, s->value);
            }
        }
    return a->multi;
}

void args_force(struct args *a, const char *name, const char *value)
{
    add_setting(a, true, "", name, value);
}

bool args_select_chain(struct args *a, const char **name, char *err, size_t err_len)
{
    a->chain = ""; /* only the command line and the top section count here */
    bool regtest = args_get_bool(a, "regtest", false);
    bool testnet = args_get_bool(a, "testnet", false);
    const char *chain = args_get(a, "chain", NULL);
    if ((int)regtest + (int)testnet + (int)(chain != NULL) > 1) {
        set_err(err, err_len, "Invalid combination of -regtest, -testnet and -chain. Can use at most one.");
        a->chain = "main";
        return false;
    }
    const char *sel = regtest ? "regtest" : testnet ? "test" : chain ? chain : "main";
    static const char *const names[] = { "main", "test", "regtest", "bitcoin" };
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(sel, names[i])) {
            a->chain = names[i];
            *name = names[i];
            return true;
        }
    set_err(err, err_len, "Unknown chain %s.", sel);
    a->chain = "main";
    return false;
}

/* ---- money ------------------------------------------------------------------ */

bool args_parse_money(int64_t *out, const char *s)
{
    *out = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    int64_t whole = 0, frac = 0;
    int digits = 0, frac_digits = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > MAX_MONEY / COIN)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++frac_digits > 8)
                return false;
            frac = frac * 10 + (*p - '0');
        }
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p || (digits == 0 && frac_digits == 0))
        return false;
    for (int i = frac_digits; i < 8; i++)
        frac *= 10;
    if (whole > MAX_MONEY / COIN)
        return false;
    int64_t v = whole * COIN + frac;
    if (v > MAX_MONEY)
        return false;
    *out = v;
    return true;
}

/* ---- -help ------------------------------------------------------------------ */

/* Prints text wrapped at 79 columns with a 7-space indent (Core's layout). */
static void print_wrapped(FILE *f, const char *text)
{
    const int indent = 7, width = 79;
    const char *p = text;
    while (*p) {
        int room = width - indent;
        int n = (int)strlen(p);
        int take = n;
        if (n > room) {
            take = room;
            while (take > 0 && p[take] != ' ')
                take--;
            if (take == 0)
                take = room;
        }
        fprintf(f, "%*s%.*s\n", indent, "", take, p);
        p += take;
        while (*p == ' ')
            p++;
    }
}

static void expand_help(char *out, size_t out_len, const char *help)
{
    const struct chain_params *m = chain_params_get("main"), *t = chain_params_get("test"),
                              *r = chain_params_get("regtest"), *b = chain_params_get("bitcoin");
    size_t o = 0;
    for (const char *p = help; *p && o + 1 < out_len; p++) {
        char tmp[256] = "";
        if (p[0] == '%' && (p[1] == 'P' || p[1] == 'R')) {
            bool rpc = p[1] == 'R';
            snprintf(tmp, sizeof(tmp), "%u, testnet: %u, regtest: %u, bitcoin: %u",
                     rpc ? m->rpc_port : m->default_port, rpc ? t->rpc_port : t->default_port,
                     rpc ? r->rpc_port : r->default_port, rpc ? b->rpc_port : b->default_port);
            p++;
        } else if (p[0] == '%' && p[1] == 'C') {
            snprintf(tmp, sizeof(tmp), "%s", log_category_names());
            p++;
        } else {
            tmp[0] = *p;
            tmp[1] = '\0';
        }
        size_t l = strlen(tmp);
        if (o + l >= out_len)
            break;
        memcpy(out + o, tmp, l);
        o += l;
    }
    out[o] = '\0';
}

void args_print_help(FILE *f)
{
    for (int g = 0; g < GROUP_COUNT; g++) {
        fprintf(f, "%s\n\n", group_titles[g]);
        for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
            const struct opt *o = &opts[i];
            if ((int)o->group != g || (o->flags & OPT_HIDDEN))
                continue;
            char help[2048];
            expand_help(help, sizeof(help), o->help);
            fprintf(f, "  -%s%s\n", o->name, o->arg);
            print_wrapped(f, help);
            fprintf(f, "\n");
        }
    }
}
