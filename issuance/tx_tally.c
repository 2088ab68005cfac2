/* Classification of a transaction's issuance outputs (issuance/tx_tally.h). */
#include "issuance/tx_tally.h"

#include "consensus/script.h"

#include <string.h>

#include "consensus/amount.h"
#include "consensus/token_prefix.h"
#include "issuance/asset.h"
#include "issuance/liquidation.h"

static void vault_fill(struct issuance_vault *v, const struct token_prefix *p, uint32_t asset, const struct txout *out,
                       size_t prefix_len)
{
    v->asset = asset;
    v->collateral = out->value;
    v->debt = p->amount;
    v->owner_script = out->script_pubkey.data + prefix_len;
    v->owner_script_len = out->script_pubkey.len - prefix_len;
}

static void tally_out(struct issuance_tally *t, const struct tx *tx, uint32_t i, const struct token_prefix *p,
                      uint32_t a, size_t prefix_len)
{
    struct issuance_asset_tally *at = &t->asset[a];
    const struct txout *out = &tx->vout[i];
    switch (p->kind) {
    case TOKEN_KIND_TOKEN:
        at->tokens_out += p->amount;
        break;
    case TOKEN_KIND_VAULT:
        if (t->vault_out_count++ == 0) {
            vault_fill(&t->vault_out, p, a, out, prefix_len);
            t->vault_out.outpoint.txid = tx->txid;
            t->vault_out.outpoint.n = i;
            t->vault_out.index = i;
        }
        if (p->amount > 0 && t->vault_out_debt_index == ISSUANCE_NONE)
            t->vault_out_debt_index = i;
        break;
    case TOKEN_KIND_ISSUER:
        if (at->issuer_out++ == 0) {
            at->issuer_out_index = i;
            at->issuer_out_flags = p->flags;
        }
        break;
    case TOKEN_KIND_ORACLE:
        if (at->oracle_out++ == 0) {
            at->oracle_out_index = i;
            at->oracle_out_price = p->price;
        }
        break;
    }
}

static void tally_in(struct issuance_tally *t, const struct tx *tx, uint32_t i, const struct txout *spent,
                     const struct token_prefix *p, uint32_t a, size_t prefix_len)
{
    struct issuance_asset_tally *at = &t->asset[a];
    switch (p->kind) {
    case TOKEN_KIND_TOKEN:
        at->tokens_in += p->amount;
        break;
    case TOKEN_KIND_VAULT:
        if (t->vault_in_count++ == 0) {
            vault_fill(&t->vault_in, p, a, spent, prefix_len);
            t->vault_in.outpoint = tx->vin[i].prevout;
            t->vault_in.index = i;
            t->liquidation = issuance_input_is_liquidation(tx, i, spent);
        }
        break;
    case TOKEN_KIND_ISSUER:
        if (at->issuer_in++ == 0)
            at->issuer_in_flags = p->flags;
        break;
    case TOKEN_KIND_ORACLE:
        at->oracle_in++;
        break;
    }
}

bool issuance_tally_build(struct val_state *st, struct issuance_tally *t, const struct tx *tx,
                          const struct spent_coin *coins, const struct chain_asset *assets, size_t count)
{
    memset(t, 0, sizeof(*t));
    t->coinbase = tx_is_coinbase(tx);
    t->vault_out_debt_index = ISSUANCE_NONE;
    t->asset_count = (uint32_t)count;
    for (size_t a = 0; a < count; a++) {
        t->asset[a].issuer_out_index = ISSUANCE_NONE;
        t->asset[a].oracle_out_index = ISSUANCE_NONE;
    }
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct bytes *spk = &tx->vout[i].script_pubkey;
        struct token_prefix p;
        size_t plen;
        enum token_parse_result r = token_prefix_parse(&p, &plen, spk->data, spk->len);
        if (r == TOKEN_PREFIX_NONE)
            continue;
        if (r == TOKEN_PREFIX_INVALID)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ASSET_REJECT_PREFIX, "output %zu", i);
        int a = issuance_asset_index(assets, count, p.asset_id);
        if (a < 0)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ASSET_REJECT_UNKNOWN, "output %zu", i);
        if (p.kind == TOKEN_KIND_VAULT && !money_range(tx->vout[i].value))
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_VALUE, "output %zu", i);
        if (spk->len > MAX_SCRIPT_SIZE)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_SCRIPT_SIZE, "output %zu: %zu bytes", i,
                                     spk->len);
        t->any = true;
        tally_out(t, tx, (uint32_t)i, &p, (uint32_t)a, plen);
    }
    if (t->coinbase)
        return true;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct txout *spent = coins[i].out;
        struct token_prefix p;
        size_t plen;
        enum token_parse_result r =
            token_prefix_parse(&p, &plen, spent->script_pubkey.data, spent->script_pubkey.len);
        if (r == TOKEN_PREFIX_NONE)
            continue;
        int a = r == TOKEN_PREFIX_OK ? issuance_asset_index(assets, count, p.asset_id) : -1;
        if (a < 0)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_SPENT_PREFIX, "input %zu", i);
        if (p.kind == TOKEN_KIND_VAULT && !money_range(spent->value))
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_VALUE, "input %zu", i);
        t->any = true;
        tally_in(t, tx, (uint32_t)i, spent, &p, (uint32_t)a, plen);
    }
    return true;
}
