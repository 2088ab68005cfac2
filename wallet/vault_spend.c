/* The wallet's own vaults: vaultdeposit, vaultwithdraw and mint
 * (wallet/wallet_issuance.h; the rules are doc/issuance.md's 2-6). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "src/util/alloc.h"
#include "wallet/issuance_spend.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"
#include "wallet/wallet_issuance.h"

/* The wallet's output op if it is a vault the wallet's keys lock (whether spent or not). */
static const struct txout *vault_output(struct wallet *w, const struct outpoint *op)
{
    const struct wtx *t = wallet_find_tx(w, &op->txid);
    if (!t || op->n >= t->tx.vout_count)
        return NULL;
    int depth = wallet_tx_depth(w, t);
    if (depth < 0 || (depth == 0 && t->abandoned))
        return NULL;
    const struct txout *o = &t->tx.vout[op->n];
    struct token_prefix p;
    size_t plen;
    if (token_prefix_parse(&p, &plen, o->script_pubkey.data, o->script_pubkey.len) != TOKEN_PREFIX_OK ||
        p.kind != TOKEN_KIND_VAULT)
        return NULL;
    return wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len) ? o : NULL;
}

bool wallet_has_vault(struct wallet *w, const struct outpoint *op)
{
    pthread_mutex_lock(&w->mu);
    bool ok = vault_output(w, op) && !wallet_is_spent(w, op);
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* The vault a command spends (s->tx's input 0). */
struct vault_in {
    int64_t collateral;
    struct token_prefix prefix;
    const uint8_t *lock; /* its locking script (borrowed from the wallet's record) */
    size_t lock_len;
    size_t asset;
};

/* Checks op is an unspent vault at the tip, the wallet's (stored, key held,
 * not spent by a wallet transaction) and mature, and adds it as s->tx's
 * input. Errors as vaultrepay's (wallet/wallet_token.h). Out: *v. */
static bool load_vault(struct ispend *s, struct wallet_error *e, struct vault_in *v, const struct outpoint *op,
                       const struct wallet_send_options *o)
{
    char text[80];
    ispend_outpoint_text(text, op);
    struct txout u = { 0, { NULL, 0 } };
    int32_t height;
    bool coinbase;
    size_t plen;
    bool found = s->w->chain->get_coin(s->w->chain->ctx, &u, &height, &coinbase, op) &&
                 token_prefix_parse(&v->prefix, &plen, u.script_pubkey.data, u.script_pubkey.len) == TOKEN_PREFIX_OK &&
                 v->prefix.kind == TOKEN_KIND_VAULT;
    const struct spkent *se = found ? wallet_find_owner(s->w, NULL, NULL, u.script_pubkey.data, u.script_pubkey.len)
                                    : NULL;
    txout_clear(&u);
    if (!found)
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "No unspent vault at this outpoint");
    if (!se || !s->w->descs[se->desc].secret)
        return wallet_fail(e, WALLET_E_WALLET, "Vault is not owned by this wallet");
    const struct txout *mine = vault_output(s->w, op);
    if (!mine)
        return wallet_fail(e, WALLET_E_WALLET, "Vault %s is not among the wallet's transactions (rescanblockchain)", text);
    if (wallet_is_spent(s->w, op))
        return wallet_fail(e, WALLET_E_WALLET, "Vault %s is already spent by an unconfirmed wallet transaction", text);
    if (!chain_params_coin_mature(s->params, coinbase, height, s->tip + 1))
        return wallet_fail(e, WALLET_E_WALLET,
                    "Vault is immature: opened by a coinbase at height %d, spendable after %d blocks", height,
                    s->params->coinbase_maturity);
    int a = issuance_asset_index(s->params->assets, s->params->asset_count, v->prefix.asset_id);
    if (a < 0 || token_prefix_parse(&v->prefix, &plen, mine->script_pubkey.data, mine->script_pubkey.len) !=
                     TOKEN_PREFIX_OK)
        return wallet_fail(e, WALLET_E_MISC, "Internal error: vault prefix");
    v->asset = (size_t)a;
    v->collateral = mine->value;
    v->lock = mine->script_pubkey.data + plen;
    v->lock_len = mine->script_pubkey.len - plen;
    tx_add_input(&s->tx, op, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
    return true;
}

/* Appends the vault output (collateral, debt) with v's asset and locking script. */
static void add_vault_out(struct ispend *s, const struct vault_in *v, int64_t collateral, uint64_t debt)
{
    struct token_prefix p = v->prefix;
    p.amount = debt;
    struct wbuf b;
    wbuf_init(&b);
    token_prefix_serialize(&b, &p);
    wbuf_put(&b, v->lock, v->lock_len);
    s->vault_out = (int)s->tx.vout_count;
    tx_add_output(&s->tx, collateral, b.data, b.len);
    wbuf_clear(&b);
}

bool wallet_vault_deposit(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r,
                          const struct outpoint *vault, int64_t amount, const struct wallet_send_options *o)
{
    memset(r, 0, sizeof(*r));
    if (amount <= 0 || amount > MAX_MONEY)
        return wallet_fail(e, WALLET_E_TYPE, "Invalid amount for deposit");
    struct ispend s;
    if (!ispend_begin(&s, w, e))
        return false;
    struct vault_in v;
    bool ok = load_vault(&s, e, &v, vault, o);
    if (ok && amount > MAX_MONEY - v.collateral)
        ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Amount out of range");
    if (ok) {
        add_vault_out(&s, &v, v.collateral + amount, v.prefix.amount);
        ok = ispend_finish(&s, e, r, o);
    }
    ispend_end(&s);
    return ok;
}

bool wallet_vault_withdraw(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r,
                           const struct outpoint *vault, int64_t amount, const uint8_t *dest, size_t dest_len,
                           const struct wallet_send_options *o)
{
    memset(r, 0, sizeof(*r));
    if (amount <= 0 || amount > MAX_MONEY)
        return wallet_fail(e, WALLET_E_TYPE, "Invalid amount for withdrawal");
    struct ispend s;
    if (!ispend_begin(&s, w, e))
        return false;
    struct vault_in v;
    uint8_t own[ADDRESS_MAX_SCRIPT];
    size_t own_len = 0;
    bool ok = load_vault(&s, e, &v, vault, o);
    if (ok && amount > v.collateral)
        ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Amount exceeds the vault's collateral");
    if (ok && !dest) {
        char addr[91];
        ok = wallet_new_address(w, e, addr, NULL, false, NULL) &&
             address_to_script(own, &own_len, &w->params->address, addr);
        dest = own;
        dest_len = own_len;
    }
    if (ok) {
        /* all the collateral of a vault without debt: close it (rule 6);
         * with debt, the rules refuse the empty vault by its ratio */
        if (amount < v.collateral || v.prefix.amount > 0)
            add_vault_out(&s, &v, v.collateral - amount, v.prefix.amount);
        tx_add_output(&s.tx, amount, dest, dest_len);
        ok = ispend_finish(&s, e, r, o);
    }
    ispend_end(&s);
    return ok;
}

bool wallet_vault_mint(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r,
                       const struct outpoint *vault, uint64_t amount, const uint8_t *dest, size_t dest_len,
                       const struct wallet_send_options *o)
{
    memset(r, 0, sizeof(*r));
    if (amount == 0 || amount > TOKEN_AMOUNT_MAX)
        return wallet_fail(e, WALLET_E_TYPE, "Invalid amount for mint");
    struct ispend s;
    if (!ispend_begin(&s, w, e))
        return false;
    struct vault_in v;
    struct token_prefix ip;
    bool ok = load_vault(&s, e, &v, vault, o);
    if (ok && amount > TOKEN_AMOUNT_MAX - v.prefix.amount)
        ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Amount out of range: the debt would exceed 2^53 base units");
    ok = ok && ispend_load_proto(&s, e, &ip, TOKEN_KIND_ISSUER, v.asset);
    if (ok) {
        ispend_set_proto_out(&s, &ip); /* the ISSUER as it is: same script, value and flags */
        add_vault_out(&s, &v, v.collateral, v.prefix.amount + amount);
        struct token_prefix tp;
        memset(&tp, 0, sizeof(tp));
        tp.kind = TOKEN_KIND_TOKEN;
        memcpy(tp.asset_id, v.prefix.asset_id, 32);
        tp.amount = amount;
        struct wbuf b;
        wbuf_init(&b);
        token_prefix_serialize(&b, &tp);
        if (dest)
            wbuf_put(&b, dest, dest_len);
        else
            wbuf_put(&b, v.lock, v.lock_len);
        tx_add_output(&s.tx, 0, b.data, b.len);
        wbuf_clear(&b);
        ok = ispend_finish(&s, e, r, o);
    }
    ispend_end(&s);
    return ok;
}
