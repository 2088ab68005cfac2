/* Fuzz target: the JSON rendering of transactions (src/rpc/json_tx.c,
 * script_type.c, json_write.c) over any bytes that parse as a transaction,
 * with and without the token interpretation. The output must be valid JSON
 * that jansson reads back. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "consensus/tx.h"
#include "src/rpc/json_tx.h"
#include "src/rpc/json_write.h"
#include "wallet/script_type.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fake_address(const void *ctx, const uint8_t *script, size_t len)
{
    (void)ctx;
    return len == 22 && script[0] == 0 ? mem_strdup("addr") : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Any bytes are also a script to classify. */
    (void)script_type_name(script_type_solve(data, size));

    struct tx tx;
    if (!tx_decode(&tx, data, size, true) && !tx_decode(&tx, data, size, false))
        return 0;
    for (int tokens = 0; tokens < 2; tokens++) {
        struct rpc_tx_style style = { tokens != 0, fake_address, NULL };
        json_t *j = rpc_tx_to_json(&tx, &style, true);
        for (unsigned indent = 0; indent <= 2; indent += 2) {
            char *s = rpc_json_write(j, indent);
            json_error_t err;
            json_t *back = json_loads(s, 0, &err);
            assert(back != NULL);
            json_decref(back);
            mem_free(s);
        }
        json_decref(j);
    }
    tx_clear(&tx);
    return 0;
}
