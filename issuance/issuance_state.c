/* The per-asset issuance state: validation and genesis (issuance/issuance_state.h). */
#include "issuance/issuance_state.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "src/util/hex.h"

bool issuance_asset_params_ok(const struct chain_asset *a)
{
    return a->liquidation_ratio_pct >= 100 && a->liquidation_ratio_pct <= a->min_collateral_ratio_pct &&
           a->breaker_drop_pct >= 1 && a->breaker_drop_pct <= 100 && a->breaker_window >= 1 &&
           a->breaker_window <= ISSUANCE_WINDOW_MAX && a->min_vault_debt >= 1 &&
           a->min_vault_debt <= a->debt_ceiling && a->debt_ceiling <= TOKEN_AMOUNT_MAX && a->initial_price > 0;
}

int issuance_asset_index(const struct chain_asset *assets, size_t count, const uint8_t asset_id[32])
{
    /* A handful of assets (one at launch): a linear scan. */
    for (size_t i = 0; i < count; i++)
        if (memcmp(assets[i].asset_id, asset_id, 32) == 0)
            return (int)i;
    return -1;
}

int issuance_asset_find(const struct chain_asset *assets, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(assets[i].ticker, name))
            return (int)i;
    uint8_t id[32];
    if (hex_decode_reversed(id, 32, name))
        return issuance_asset_index(assets, count, id);
    return -1;
}

bool issuance_state_matches(const struct issuance_state *s, const struct chain_asset *assets, size_t count)
{
    if (count > ISSUANCE_MAX_ASSETS || s->count != count)
        return false;
    for (size_t i = 0; i < count; i++)
        if (memcmp(s->asset[i].asset_id, assets[i].asset_id, 32) != 0)
            return false;
    return true;
}

static bool genesis(struct val_state *st, struct issuance_state *s, const struct chain_asset *assets, size_t count,
                    const struct tx *cb)
{
    if (count > ISSUANCE_MAX_ASSETS)
        return val_error(st, "too many assets");
    s->count = (uint32_t)count;
    uint32_t issuers[ISSUANCE_MAX_ASSETS] = { 0 }, oracles[ISSUANCE_MAX_ASSETS] = { 0 };
    for (size_t i = 0; i < count; i++) {
        if (!issuance_asset_params_ok(&assets[i]))
            return val_error(st, "asset parameters out of range");
        memcpy(s->asset[i].asset_id, assets[i].asset_id, 32);
    }
    for (size_t o = 0; o < cb->vout_count; o++) {
        const struct bytes *spk = &cb->vout[o].script_pubkey;
        struct token_prefix p;
        size_t plen;
        enum token_parse_result r = token_prefix_parse(&p, &plen, spk->data, spk->len);
        if (r == TOKEN_PREFIX_NONE)
            continue;
        int a = r == TOKEN_PREFIX_OK ? issuance_asset_index(assets, count, p.asset_id) : -1;
        if (a < 0)
            return val_error(st, "genesis output with a bad prefix");
        struct issuance_asset_state *as = &s->asset[a];
        struct outpoint op = { cb->txid, (uint32_t)o };
        switch (p.kind) {
        case TOKEN_KIND_ISSUER:
            issuers[a]++;
            as->issuer = op;
            as->issuer_flags = p.flags;
            break;
        case TOKEN_KIND_ORACLE:
            oracles[a]++;
            as->oracle = op;
            as->price = p.price;
            as->window_base = p.price;
            break;
        case TOKEN_KIND_VAULT:
            if (p.amount != 0)
                return val_error(st, "genesis vault with debt");
            break;
        case TOKEN_KIND_TOKEN:
            return val_error(st, "genesis TOKEN output");
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (issuers[i] != 1)
            return val_error(st, "genesis needs exactly one ISSUER output per asset");
        if (oracles[i] != 1 || s->asset[i].price == 0)
            return val_error(st, "genesis needs exactly one ORACLE output per asset, price > 0");
    }
    return true;
}

bool issuance_state_init_genesis(struct val_state *st, struct issuance_state *s, const struct chain_asset *assets,
                                 size_t count, const struct tx *coinbase)
{
    memset(s, 0, sizeof(*s));
    if (genesis(st, s, assets, count, coinbase))
        return true;
    memset(s, 0, sizeof(*s));
    return false;
}
