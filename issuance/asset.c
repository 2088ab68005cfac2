#include "issuance/asset.h"

#include <string.h>

#include "consensus/token_prefix.h"

bool asset_id_known(const uint8_t (*ids)[32], size_t count, const uint8_t id[32])
{
    /* A chain defines a handful of assets (one at launch): a linear scan is
     * the fastest lookup there is. */
    for (size_t i = 0; i < count; i++)
        if (memcmp(ids[i], id, 32) == 0)
            return true;
    return false;
}

bool asset_tx_check_outputs(struct val_state *st, const struct tx *tx, const uint8_t (*ids)[32], size_t count)
{
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct bytes *spk = &tx->vout[i].script_pubkey;
        struct token_prefix prefix;
        size_t prefix_len;
        switch (token_prefix_parse(&prefix, &prefix_len, spk->data, spk->len)) {
        case TOKEN_PREFIX_NONE:
            continue;
        case TOKEN_PREFIX_INVALID:
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ASSET_REJECT_PREFIX, "output %zu", i);
        case TOKEN_PREFIX_OK:
            if (!asset_id_known(ids, count, prefix.asset_id))
                return val_invalid_debug(st, VAL_TX_CONSENSUS, ASSET_REJECT_UNKNOWN, "output %zu", i);
            continue;
        }
    }
    return true;
}
