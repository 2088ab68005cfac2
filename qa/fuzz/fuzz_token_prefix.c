/* Fuzz target: the output extension prefix parser (consensus/token_prefix.c)
 * and the asset check built on it (issuance/asset.c). Whatever parses must
 * serialise back to exactly the bytes it was read from. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/asset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct token_prefix p;
    size_t len;
    enum token_parse_result res = token_prefix_parse(&p, &len, data, size);
    switch (res) {
    case TOKEN_PREFIX_NONE:
        assert(size == 0 || data[0] != TOKEN_PREFIX_MARKER);
        assert(len == 0);
        return 0;
    case TOKEN_PREFIX_INVALID:
        assert(size > 0 && data[0] == TOKEN_PREFIX_MARKER);
        assert(len == 0);
        break;
    case TOKEN_PREFIX_OK: {
        assert(len >= 1 + 1 + 32 + 1 && len <= TOKEN_PREFIX_MAX_LEN && len <= size);
        assert(p.kind >= TOKEN_KIND_TOKEN && p.kind <= TOKEN_KIND_ORACLE);
        if (p.kind == TOKEN_KIND_TOKEN)
            assert(p.amount >= 1 && p.amount <= TOKEN_AMOUNT_MAX);
        if (p.kind == TOKEN_KIND_VAULT)
            assert(p.amount <= TOKEN_AMOUNT_MAX);
        struct wbuf w;
        wbuf_init(&w);
        token_prefix_serialize(&w, &p);
        assert(w.len == len && memcmp(w.data, data, len) == 0);
        wbuf_clear(&w);
        break;
    }
    }

    /* The same bytes as the only output of a transaction: the asset check
     * agrees with the parser (the chain knows the asset the input names). */
    struct tx tx;
    tx_init(&tx);
    struct outpoint op = { { { 1 } }, 0 };
    tx_add_input(&tx, &op, NULL, 0, SEQUENCE_FINAL);
    tx_add_output(&tx, 0, data, size);
    uint8_t ids[1][32];
    memset(ids, 0, sizeof(ids));
    if (res == TOKEN_PREFIX_OK)
        memcpy(ids[0], p.asset_id, 32);
    struct val_state st;
    val_state_init(&st);
    bool ok = asset_tx_check_outputs(&st, &tx, (const uint8_t(*)[32])ids, 1);
    assert(ok == (res == TOKEN_PREFIX_OK));
    if (!ok)
        assert(strcmp(st.reject, ASSET_REJECT_PREFIX) == 0);
    tx_clear(&tx);
    return 0;
}
