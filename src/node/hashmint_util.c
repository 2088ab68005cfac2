/* hashmint-util: offline tools over hashmint's consensus code (no node, no
 * network, no data directory). See doc/hashmint-util.md. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "src/crypto/keys.h"
#include "src/node/util_common.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis;
};

static const struct command COMMANDS[] = {
    { "decodetx", util_cmd_decodetx,
      "decodetx [--chain=NAME] <hex>          transaction as decoderawtransaction JSON" },
    { "decodeblock", util_cmd_decodeblock,
      "decodeblock [--chain=NAME] <file|hex>  block as getblock (verbosity 2) JSON" },
    { "checkblock", util_cmd_checkblock,
      "checkblock [--chain=NAME] <file|hex>   context-free block checks: prints valid or the reject reason" },
    { "verifytx", util_cmd_verifytx,
      "verifytx                               verify inputs from JSON lines on stdin (see the manual)" },
    { "verifyreserveproof", util_cmd_verifyreserveproof,
      "verifyreserveproof [--chain=NAME] [--headers=FILE] <proof hex|file>\n"
      "                                         check a reserve proof offline (and its block in a headers file)" },
};

void util_usage(FILE *f)
{
    fprintf(f, "Usage: hashmint-util <command> [options] <arguments>\n"
               "       hashmint-util --help | -h | --version\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        fprintf(f, "  %s\n", COMMANDS[i].synopsis);
    fprintf(f, "\n--chain=NAME selects main (default), test, regtest or bitcoin.\n"
               "Exit codes: 0 success/valid, 1 invalid or undecodable input, 2 usage error.\n"
               "Manual: doc/hashmint-util.md\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        util_usage(stderr);
        return UTIL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        util_usage(stdout);
        return UTIL_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("hashmint-util %s\n", PACKAGE_VERSION);
        return UTIL_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
        if (strcmp(cmd, COMMANDS[i].name) == 0) {
            for (int k = 2; k < argc; k++) {
                if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
                    printf("usage: hashmint-util %s\n", COMMANDS[i].synopsis);
                    return UTIL_EXIT_OK;
                }
            }
            keys_init();
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "error: unknown command '%s'\n\n", cmd);
    util_usage(stderr);
    return UTIL_EXIT_USAGE;
}
