/* Fuzzes hashmintd's config-file parser and the lookups that follow it:
 * any bytes must parse or fail cleanly, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/node/args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct args *a = args_new();
    char err[512];
    bool ok = args_read_config_stream(a, f, err, sizeof(err));
    fclose(f);
    if (ok) {
        const char *chain;
        if (args_select_chain(a, &chain, err, sizeof(err))) {
            size_t n;
            (void)args_get(a, "rpcuser", NULL);
            (void)args_get_bool(a, "server", true);
            int64_t v;
            (void)args_get_int(a, &v, "dbcache", 450);
            (void)args_get_all(a, &n, "rpcallowip");
            (void)args_get_all(a, &n, "zmqpubhashtx");
            (void)args_is_negated(a, "listen");
        }
    }
    args_free(a);
    return 0;
}
