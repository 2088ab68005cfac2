#ifndef HASHMINT_NODE_UTIL_COMMON_H
#define HASHMINT_NODE_UTIL_COMMON_H
/* What the hashmint-util commands share: exit codes, the --chain option,
 * reading a "file or hex" argument, printing JSON. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "consensus/address.h"
#include "consensus/block.h"
#include "consensus/params.h"
#include "src/rpc/json_tx.h"

#define UTIL_EXIT_OK 0
#define UTIL_EXIT_FAIL 1  /* the input is invalid or could not be read */
#define UTIL_EXIT_USAGE 2 /* bad command line */

/** A selected chain and the output style it implies. */
struct util_chain {
    const struct chain_params *params;
    struct address_params addr;
    struct rpc_tx_style style; /* tokens on hashmint chains; addresses with the chain's prefixes */
};

/** Selects the chain named name ("main", "test", "regtest", "bitcoin").
 *  Returns false (message on stderr) if there is no such chain. */
bool util_chain_select(struct util_chain *c, const char *name);

/**
 * Parses a command's arguments: "--chain=NAME" (if allow_chain) and exactly
 * one positional argument. Out: *chain_name (default "main"), *arg.
 * Returns false after printing a usage message for the command.
 */
bool util_args_one(const char **chain_name, const char **arg, int argc, char **argv, bool allow_chain,
                   const char *usage);

/**
 * Reads a "file or hex" argument: if arg names a readable file, its bytes
 * (or, when the file holds only hex digits and whitespace, what they
 * decode to); otherwise arg itself as hex. Out: *out (free with mem_free),
 * *len. Returns false with a message in err (room for errlen) otherwise.
 */
bool util_read_input(uint8_t **out, size_t *len, const char *arg, char *err, size_t errlen);

/**
 * The shared front half of the block commands: parses "[--chain=NAME]
 * <file|hex>", selects the chain and decodes the block.
 * Out: *chain, *b (block_clear when done). Returns UTIL_EXIT_OK, or the exit
 * code to return after a message on stderr (*b is then empty).
 */
int util_load_block(struct util_chain *chain, struct block *b, int argc, char **argv, const char *usage);

/** Prints v pretty (2-space indent, as bitcoin-cli) and a newline on stdout;
 *  drops the reference. Returns UTIL_EXIT_OK, or UTIL_EXIT_FAIL if the write failed. */
int util_print_json(json_t *v);

/* The commands: each returns the process exit code. argv[0] is the command. */
int util_cmd_decodetx(int argc, char **argv);
int util_cmd_decodeblock(int argc, char **argv);
int util_cmd_checkblock(int argc, char **argv);
int util_cmd_verifytx(int argc, char **argv);
int util_cmd_verifyreserveproof(int argc, char **argv);

/** Prints the program's usage to f. */
void util_usage(FILE *f);

#endif
