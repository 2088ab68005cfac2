#ifndef HASHMINT_NODE_ARGS_H
#define HASHMINT_NODE_ARGS_H
/* hashmintd's options, parsed the way Bitcoin Core parses bitcoind's:
 *
 *  - command line: -name=value, -name (means 1), -noname (means 0),
 *    --name as -name; an option may repeat (multi-valued ones keep every
 *    value, single-valued ones take the last); an unknown name is an error;
 *  - config file (hashmint.conf): "name=value" lines, '#' comments, sections
 *    [main] [test] [regtest] [bitcoin] whose lines apply only on that chain,
 *    "chain.name=value" as a one-line section, includeconf=<file> (only from
 *    the main file), unknown names logged and ignored (as Core does);
 *  - precedence: command line, then the chain's section, then the top of the
 *    file. Single-valued settings take the command line's last value, else
 *    the config's first. Multi-valued ones merge all sources in that order,
 *    a negation (-noname) clearing what came before it. Network-only options
 *    (-port -rpcport -bind -rpcbind -addnode -connect) in the top section
 *    apply to main only, as in Core.
 *
 * Every option and its default is listed in one table (args.c) that also
 * prints -help. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Defaults shared by the help text and the code that applies them. */
#define ARGS_DEFAULT_DBCACHE_MB 450
#define ARGS_MIN_DBCACHE_MB 4
#define ARGS_MAX_DBCACHE_MB 16384
#define ARGS_DEFAULT_DB_BATCH_SIZE 16777216 /* 16 MiB */
#define ARGS_DEFAULT_MAX_MEMPOOL_MB 300
#define ARGS_DEFAULT_MEMPOOL_EXPIRY_HOURS 336
#define ARGS_DEFAULT_MIN_RELAY_TX_FEE 1000 /* base units per kvB */
#define ARGS_DEFAULT_RPC_THREADS 4
#define ARGS_DEFAULT_RPC_WORKQUEUE 16
#define ARGS_DEFAULT_RPC_SERVERTIMEOUT 30
#define ARGS_DEFAULT_ZMQ_SNDHWM 1000
#define ARGS_DEFAULT_MAX_CONNECTIONS 125
#define ARGS_MAX_SCRIPT_CHECK_THREADS 15
/* The longest config-file line accepted (1 MiB); longer is a parse error. */
#define ARGS_MAX_CONFIG_LINE 1048576
#define ARGS_CONFIG_FILENAME "hashmint.conf"
#define ARGS_PID_FILENAME "hashmintd.pid"

struct args;

/** Returns an empty option set of hashmintd's options (args_free it). */
struct args *args_new(void);
/**
 * Returns an empty option set of hashmint-cli's options (Core's
 * SetupCliArgs: -conf -datadir -chain -regtest -testnet -named -rpc* -stdin
 * -stdinrpcpass -getinfo -color ...), parsed and looked up by the same code
 * (args_free it). Node options in a shared hashmint.conf are ignored with a
 * warning, as in Core.
 */
struct args *args_new_cli(void);
/** Frees the set (NULL is a no-op). */
void args_free(struct args *a);

/**
 * Parses argv[1..argc-1]. Returns false with a message in err (Core's text,
 * e.g. "Invalid parameter -foo") for an unknown option, a value given to an
 * option that takes none, a positional argument, -conf/-includeconf misuse.
 */
__attribute__((warn_unused_result)) bool args_parse_argv(struct args *a, int argc, char *const *argv, char *err,
                                                        size_t err_len);

/**
 * Reads a config file. required: a missing file is an error (an explicit
 * -conf); otherwise a missing file is fine. includeconf= lines are read
 * relative to datadir (may be NULL: relative to the file's directory).
 * Unknown option names are collected for args_each_warning. Returns false
 * with err set on a syntax error ("parse error on line N: ...") or an
 * unreadable/missing-but-required file.
 */
__attribute__((warn_unused_result)) bool args_read_config(struct args *a, const char *path, const char *datadir,
                                                         bool required, char *err, size_t err_len);

/**
 * Reads config-file text from f like args_read_config, except that
 * includeconf= lines are ignored with a warning (as in an included file).
 * Returns false with err set on a syntax error.
 */
__attribute__((warn_unused_result)) bool args_read_config_stream(struct args *a, FILE *f, char *err, size_t err_len);

/**
 * Selects the chain from -chain, -regtest, -testnet (command line first,
 * then the config's top section). Out: *name is "main", "test", "regtest"
 * or "bitcoin" (static). Returns false with err set on a conflict ("Invalid
 * combination of -regtest, -testnet and -chain. Can use at most one.") or
 * an unknown chain. Call before the getters below: they read that
 * chain's section.
 */
__attribute__((warn_unused_result)) bool args_select_chain(struct args *a, const char **name, char *err,
                                                          size_t err_len);

/** Returns true if the option was given anywhere (negated included). */
bool args_is_set(const struct args *a, const char *name);
/** Returns true if the option's effective value is a negation (-noname). */
bool args_is_negated(const struct args *a, const char *name);
/** Returns the effective value ("0" when negated), or def if unset. Borrowed. */
const char *args_get(const struct args *a, const char *name, const char *def);
/** Returns the value as a boolean: "" and non-zero numbers are true (Core's InterpretBool). */
bool args_get_bool(const struct args *a, const char *name, bool def);
/**
 * Out: *out = the value as an integer, def if unset. Returns false if the
 * value is not a whole decimal number (callers report "Invalid value").
 */
__attribute__((warn_unused_result)) bool args_get_int(const struct args *a, int64_t *out, const char *name,
                                                     int64_t def);
/**
 * Returns every value of a multi-valued option in precedence order (see the
 * top of this file); the array and strings are borrowed until the next call
 * on a. Out: *count.
 */
const char *const *args_get_all(const struct args *a, size_t *count, const char *name);
/** Forces a value as if given on the command line (the node's soft-sets, e.g. -listen=0 for -connect). */
void args_force(struct args *a, const char *name, const char *value);

/** Calls fn for every warning collected while parsing (unknown config keys, sections). */
void args_each_warning(const struct args *a, void (*fn)(const char *msg, void *arg), void *arg);

/** Prints the -help text (every option with its default, Core's groups) to f. */
void args_print_help(FILE *f);

/** Returns true if name (without '-') is a known option. */
bool args_is_known(const char *name);

/**
 * Parses a coin amount like Core's ParseMoney ("0.00001", "1", "21000000").
 * Out: *out in base units. Returns false for anything else (negative, more
 * than 8 decimals, over MAX_MONEY).
 */
__attribute__((warn_unused_result)) bool args_parse_money(int64_t *out, const char *s);

#endif
