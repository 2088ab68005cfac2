/* Fuzz target: the "txid:vout" text of getvault and getreserveproof
 * (src/rpc/issuance_view.c). Whatever parses is 64 hex digits, ':' and a
 * decimal vout, and prints back to text that parses to the same outpoint;
 * a refused text leaves the output untouched. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "src/rpc/issuance_view.h"
#include "src/util/hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128];
    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct outpoint op, again;
    memset(&op, 0x5a, sizeof(op));
    if (!rpc_parse_outpoint_text(&op, text)) {
        for (size_t i = 0; i < sizeof(op); i++)
            assert(((const uint8_t *)&op)[i] == 0x5a);
        return 0;
    }
    size_t len = strlen(text);
    assert(len >= 66 && text[64] == ':');
    char hex[65], out[80];
    hex_encode_reversed(hex, op.txid.b, 32);
    snprintf(out, sizeof(out), "%s:%u", hex, (unsigned)op.n);
    assert(rpc_parse_outpoint_text(&again, out));
    assert(memcmp(&again.txid, &op.txid, sizeof(op.txid)) == 0 && again.n == op.n);
    return 0;
}
