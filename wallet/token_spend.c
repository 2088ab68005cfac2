/* Spending the wallet's tokens (wallet/wallet_token.h): sendtoken,
 * vaultrepay, liquidatevault. Each builds the whole transaction, signs it,
 * checks it with the issuance rules consensus runs and with the mempool in
 * test mode, and only then stores it and submits it (as wallet_send does:
 * store first, so a crash in between resubmits it at the next load). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "consensus/tx_verify.h"
#include "issuance/issuance_check.h"
#include "issuance/ratio.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"
#include "wallet/token_coins.h"
#include "wallet/tx_sign.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"
#include "wallet/wallet_token.h"

/* The chain lock first, then the wallet's (wallet/chain_iface.h). */
static void lock_both(struct wallet *w)
{
    if (w->chain)
        w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
}

static void unlock_both(struct wallet *w)
{
    pthread_mutex_unlock(&w->mu);
    if (w->chain)
        w->chain->unlock(w->chain->ctx);
}

static bool can_sign(struct wallet *w, struct wallet_error *e)
{
    if (!wallet_check_unlocked(w, e))
        return false;
    if (w->no_private_keys)
        return wallet_fail(e, WALLET_E_WALLET, "Error: Private keys are disabled for this wallet");
    return true;
}

/* A prefixed scriptPubKey: prefix(kind, asset, amount) | lock. */
static void prefixed_script(struct wbuf *out, enum token_kind kind, const uint8_t asset_id[32], uint64_t amount,
                            const uint8_t *lock, size_t lock_len)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, asset_id, 32);
    p.amount = amount;
    token_prefix_serialize(out, &p);
    wbuf_put(out, lock, lock_len);
}

/* ---- the coins a transaction spends --------------------------------- */

/* What every input of a transaction spends: from the wallet's own
 * transactions (unconfirmed ones at the next block's height, as the
 * mempool sees them), else from the chain's UTXO set (a vault of someone
 * else). */
struct spent_set {
    size_t n;
    struct txout *outs;      /* shallow copies of wallet outputs, or owned chain coins */
    bool *owned;             /* outs[i]'s script is ours to free */
    bool *have;
    struct spent_coin *coins;
};

static void spent_clear(struct spent_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->owned[i])
            txout_clear(&s->outs[i]);
    mem_free(s->outs);
    mem_free(s->owned);
    mem_free(s->have);
    mem_free(s->coins);
    memset(s, 0, sizeof(*s));
}

/* Returns false with e (-25) if an input's coin is unknown. */
static bool spent_fill(struct wallet *w, struct wallet_error *e, struct spent_set *s, const struct tx *tx)
{
    size_t n = tx->vin_count ? tx->vin_count : 1;
    s->n = tx->vin_count;
    s->outs = mem_calloc(n, sizeof(*s->outs));
    s->owned = mem_calloc(n, sizeof(bool));
    s->have = mem_calloc(n, sizeof(bool));
    s->coins = mem_calloc(n, sizeof(*s->coins));
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct outpoint *op = &tx->vin[i].prevout;
        const struct wtx *t = wallet_find_tx(w, &op->txid);
        if (t && op->n < t->tx.vout_count) {
            s->outs[i] = t->tx.vout[op->n];
            s->coins[i].height = t->height >= 0 ? t->height : w->best_height + 1;
            s->coins[i].is_coinbase = tx_is_coinbase(&t->tx);
            s->have[i] = true;
        } else if (w->chain) {
            int32_t h;
            bool cb;
            if (w->chain->get_coin(w->chain->ctx, &s->outs[i], &h, &cb, op)) {
                s->owned[i] = true;
                s->coins[i].height = h;
                s->coins[i].is_coinbase = cb;
                s->have[i] = true;
            }
        }
        if (!s->have[i])
            return wallet_fail(e, WALLET_E_VERIFY, "Input not found or already spent");
        s->coins[i].out = &s->outs[i];
    }
    return true;
}

/* ---- signing ---------------------------------------------------------- */

/* Signs every input of tx but skip (SIZE_MAX: none), with the keys of the
 * wallet's descriptors that own the coins (through their prefixes). All
 * spent outputs are known, so taproot inputs sign too. */
static bool sign_inputs(struct wallet *w, struct wallet_error *e, struct tx *tx, const struct spent_set *s, size_t skip)
{
    struct tx_signer sg;
    tx_signer_init(&sg, w->params->tokens_enabled);
    bool ok = true;
    for (size_t i = 0; i < tx->vin_count && ok; i++) {
        if (i == skip)
            continue;
        const struct txout *o = &s->outs[i];
        const struct spkent *se = wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len);
        if (!se || !w->descs[se->desc].priv) {
            ok = wallet_fail(e, WALLET_E_WALLET, "Error: Transaction signing failed (input %zu is not the wallet's)", i);
            break;
        }
        struct wbuf tmp;
        wbuf_init(&tmp);
        char err[256];
        ok = descriptor_expand(w->descs[se->desc].priv, &tmp, &sg, NULL, se->index, err, sizeof(err)) ||
             wallet_fail(e, WALLET_E_WALLET, "Error: Transaction signing failed: %s", err);
        wbuf_clear(&tmp);
    }
    for (size_t i = 0; i < tx->vin_count && ok; i++) {
        if (i == skip)
            continue;
        /* signing again after an output changed: the old signatures are
         * void, and tx_sign_input keeps what it finds */
        struct txin *in = &tx->vin[i];
        bytes_clear(&in->script_sig);
        for (size_t k = 0; k < in->witness.count; k++)
            bytes_clear(&in->witness.items[k]);
        mem_free(in->witness.items);
        in->witness.items = NULL;
        in->witness.count = 0;
        const char *why = tx_sign_input(&sg, tx, i, s->outs, s->have, true, SIGHASH_ALL);
        if (why)
            ok = wallet_fail(e, WALLET_E_WALLET, "Error: Transaction signing failed: %s", why);
    }
    tx_signer_clear(&sg);
    tx_update_hashes(tx);
    return ok;
}

/* ---- checks and broadcast --------------------------------------------- */

/* The issuance rules exactly as the mempool applies them (the tip's
 * state, the next block's height), then the whole mempool acceptance in
 * test mode. Refusals are -26 with the rule's reason. */
static bool check_rules(struct wallet *w, struct wallet_error *e, const struct tx *tx, const struct spent_set *s)
{
    if (!w->chain)
        return true;
    struct issuance_state *state = mem_calloc(1, sizeof(*state));
    int32_t tip;
    bool ok = w->chain->issuance_state(w->chain->ctx, state, &tip);
    if (!ok) {
        ok = wallet_fail(e, WALLET_E_MISC, "This chain has no issuance layer");
    } else {
        struct issuance_view view = { .assets = w->params->assets,
                                      .asset_count = w->params->asset_count,
                                      .state = state,
                                      .height = tip + 1 };
        struct val_state st;
        val_state_init(&st);
        struct issuance_effects fx;
        if (!issuance_tx_check(&st, &fx, tx, s->coins, &view))
            ok = wallet_fail(e, WALLET_E_VERIFY_REJECTED, "Transaction rejected by the issuance rules: %s%s%s", st.reject,
                      st.debug[0] ? ": " : "", st.debug);
    }
    mem_free(state);
    return ok;
}

bool wallet_token_check_rules(struct wallet *w, struct wallet_error *e, const struct tx *tx)
{
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    bool ok = spent_fill(w, e, &s, tx) && check_rules(w, e, tx, &s);
    spent_clear(&s);
    return ok;
}

static bool check_tx(struct wallet *w, struct wallet_error *e, const struct tx *tx, const struct spent_set *s)
{
    if (!check_rules(w, e, tx, s))
        return false;
    char rej[256];
    if (w->chain && !w->chain->submit_tx(w->chain->ctx, tx, true, 0, rej, sizeof(rej)))
        return wallet_fail(e, WALLET_E_VERIFY_REJECTED, "%s", rej);
    return true;
}

/* Stores tx in the wallet (one SQL transaction), then submits it. */
static bool store_and_submit(struct wallet *w, struct wallet_error *e, const struct tx *tx)
{
    if (!wallet_db_begin(w, e))
        return false;
    struct wtx *t = wallet_add_tx_mem(w, tx);
    if (!wallet_db_put_tx(w, t)) {
        wallet_db_rollback(w);
        return wallet_fail(e, WALLET_E_DATABASE, "Error: wallet write failed");
    }
    if (!wallet_db_commit(w, e))
        return false;
    char rej[256];
    if (w->chain && w->chain->submit_tx(w->chain->ctx, tx, false, 0, rej, sizeof(rej)))
        t->in_mempool = true;
    return true;
}

/* ---- token inputs and change ------------------------------------------ */

/* A P2WPKH script of zeros standing in for the token change address until
 * the fee is settled: same length, so the fee does not change when the
 * real (freshly derived) change script replaces it, and no address is
 * used up by a send that fails on the way. */
static const uint8_t PLACEHOLDER[22] = { 0x00, 0x14 };

/* Adds inputs of the wallet's asset tokens worth at least amount, and a
 * token change output (placeholder lock) when they are worth more. */
static bool add_tokens(struct wallet *w, struct wallet_error *e, struct tx *tx, uint32_t asset, uint64_t amount,
                       const struct wallet_send_options *o)
{
    struct wallet_token_coin *c;
    size_t n = wallet_token_coins(w, &c, 0, INT32_MAX);
    uint64_t *amounts = mem_calloc(n ? n : 1, sizeof(uint64_t));
    size_t *pos = mem_calloc(n ? n : 1, sizeof(size_t));
    size_t m = 0;
    unsigned __int128 have = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].asset != asset || !c[i].safe || !c[i].spendable || c[i].locked)
            continue;
        /* skip coins already among the inputs */
        bool dup = false;
        for (size_t k = 0; k < tx->vin_count; k++)
            dup |= tx->vin[k].prevout.n == c[i].op.n && hash256_eq(&tx->vin[k].prevout.txid, &c[i].op.txid);
        if (dup)
            continue;
        amounts[m] = c[i].amount;
        pos[m++] = i;
        have += c[i].amount;
    }
    size_t *idx = mem_calloc(m ? m : 1, sizeof(size_t));
    size_t count = 0;
    const struct chain_asset *a = &w->params->assets[asset];
    bool ok = token_select(idx, &count, amounts, m, amount);
    if (!ok) {
        wallet_fail(e, WALLET_E_INSUFFICIENT_FUNDS, "Insufficient token funds: %llu %s base units available, %llu needed",
             (unsigned long long)have, a->ticker, (unsigned long long)amount);
    } else {
        uint64_t sum = 0;
        for (size_t k = 0; k < count; k++) {
            const struct wallet_token_coin *t = &c[pos[idx[k]]];
            tx_add_input(tx, &t->op, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
            sum += t->amount;
        }
        if (sum > amount) {
            struct wbuf spk;
            wbuf_init(&spk);
            prefixed_script(&spk, TOKEN_KIND_TOKEN, a->asset_id, sum - amount, PLACEHOLDER, sizeof(PLACEHOLDER));
            tx_add_output(tx, 0, spk.data, spk.len);
            wbuf_clear(&spk);
        }
    }
    mem_free(idx);
    mem_free(pos);
    mem_free(amounts);
    mem_free(c);
    return ok;
}

/* Gives the token change output (if any) a fresh change address of the wallet. */
static bool settle_change(struct wallet *w, struct wallet_error *e, struct tx *tx)
{
    for (size_t i = 0; i < tx->vout_count; i++) {
        struct bytes *spk = &tx->vout[i].script_pubkey;
        struct token_prefix tp;
        size_t plen;
        if (token_prefix_parse(&tp, &plen, spk->data, spk->len) != TOKEN_PREFIX_OK || spk->len - plen != 22 ||
            memcmp(spk->data + plen, PLACEHOLDER, 22) != 0)
            continue;
        char addr[ADDRESS_MAX_STRING];
        uint8_t lock[ADDRESS_MAX_SCRIPT];
        size_t lock_len;
        if (!wallet_new_address(w, e, addr, "bech32", true, NULL))
            return false;
        if (!address_to_script(lock, &lock_len, &w->params->address, addr) || lock_len != 22)
            return wallet_fail(e, WALLET_E_WALLET, "Error: cannot make a change script");
        memcpy(spk->data + plen, lock, 22);
    }
    tx_update_hashes(tx);
    return true;
}

/* The HMC side: inputs from the wallet's HMC coins for the fee (and any
 * HMC the outputs carry), HMC change appended. Out: *fee. */
static bool fund_fee_at(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee, int *change_pos,
                        const struct wallet_send_options *o)
{
    struct wallet_send_options fo = *o;
    fo.lock_unspents = false;
    fo.add_inputs = true;
    /* HMC change last: the outputs keep their places (a vault stays output 0) */
    fo.change_pos = (int)tx->vout_count;
    return wallet_fund(w, e, tx, fee, change_pos, NULL, &fo);
}

static bool fund_fee(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee,
                     const struct wallet_send_options *o)
{
    int change_pos;
    return fund_fee_at(w, e, tx, fee, &change_pos, o);
}

/* Signs and checks tx (token change still on the placeholder), so a
 * refusal uses up no change address; then gives the change its address,
 * signs and checks again, stores and submits. Out: *s, the spent coins. */
static bool finish(struct wallet *w, struct wallet_error *e, struct tx *tx, struct spent_set *s)
{
    return spent_fill(w, e, s, tx) && sign_inputs(w, e, tx, s, SIZE_MAX) && check_tx(w, e, tx, s) &&
           settle_change(w, e, tx) && sign_inputs(w, e, tx, s, SIZE_MAX) && check_tx(w, e, tx, s) &&
           store_and_submit(w, e, tx);
}

/* ---- sendtoken, send / walletcreatefundedpsbt with an asset ------------ */

/* sendtoken's transaction for n recipients of asset (wallet lock held):
 * the token outputs in order, the token coins, token change (placeholder
 * lock), then the HMC fee inputs and HMC change last. Out: *tx, *fee. */
static bool build_token_send(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee, int *change_pos,
                             const struct wallet_token_recipient *r, size_t n, uint32_t asset,
                             const struct wallet_send_options *o)
{
    if (n == 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, no outputs");
    if (asset >= w->params->asset_count)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Unknown asset");
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].amount == 0 || r[i].amount > TOKEN_AMOUNT_MAX || total + r[i].amount > TOKEN_AMOUNT_MAX)
            return wallet_fail(e, WALLET_E_TYPE, "Amount out of range");
        if (wallet_spk_prefixed(w, r[i].script, r[i].script_len))
            return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid address: its script starts with a token prefix");
        total += r[i].amount;
        struct wbuf spk;
        wbuf_init(&spk);
        prefixed_script(&spk, TOKEN_KIND_TOKEN, w->params->assets[asset].asset_id, r[i].amount, r[i].script,
                        r[i].script_len);
        tx_add_output(tx, 0, spk.data, spk.len);
        wbuf_clear(&spk);
    }
    tx->locktime = w->best_height > 0 ? (uint32_t)w->best_height : 0; /* anti-fee-sniping, as wallet_send */
    return add_tokens(w, e, tx, asset, total, o) && fund_fee_at(w, e, tx, fee, change_pos, o);
}

bool wallet_send_tokens(struct wallet *w, struct wallet_error *e, struct hash256 *txid, int64_t *fee,
                        const struct wallet_token_recipient *r, size_t n, uint32_t asset,
                        const struct wallet_send_options *o)
{
    lock_both(w);
    struct tx tx;
    tx_init(&tx);
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    int64_t f = 0;
    int change_pos;
    bool ok = can_sign(w, e) && build_token_send(w, e, &tx, &f, &change_pos, r, n, asset, o) && finish(w, e, &tx, &s);
    if (ok) {
        *txid = tx.txid;
        if (fee)
            *fee = f;
    }
    spent_clear(&s);
    tx_clear(&tx);
    unlock_both(w);
    return ok;
}

bool wallet_send_token(struct wallet *w, struct wallet_error *e, struct hash256 *txid, const uint8_t *script,
                       size_t script_len, uint64_t amount, uint32_t asset, const struct wallet_send_options *o)
{
    struct wallet_token_recipient r = { script, script_len, amount };
    return wallet_send_tokens(w, e, txid, NULL, &r, 1, asset, o);
}

bool wallet_fund_tokens(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee, int *change_pos,
                        const struct wallet_token_recipient *r, size_t n, uint32_t asset,
                        const struct wallet_send_options *o)
{
    lock_both(w);
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    tx_init(tx);
    /* the issuance rules on the unsigned transaction (they read amounts and
     * prefixes, not signatures), before a change address is used up; the
     * mempool runs them again, with the signatures, at sendrawtransaction */
    bool ok = build_token_send(w, e, tx, fee, change_pos, r, n, asset, o) && spent_fill(w, e, &s, tx) &&
              check_rules(w, e, tx, &s) && settle_change(w, e, tx);
    if (!ok)
        tx_clear(tx);
    spent_clear(&s);
    unlock_both(w);
    return ok;
}

/* ---- vaults ----------------------------------------------------------- */

/* The unspent vault at op (the chain's UTXO set at the tip). Out: *out
 * (txout_clear it), *tp, *lock (into out's script), *height, *coinbase. */
static bool find_vault(struct wallet *w, struct wallet_error *e, struct txout *out, struct token_prefix *tp,
                       size_t *lock_off, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    if (!w->chain)
        return wallet_fail(e, WALLET_E_MISC, "No chain");
    if (!w->chain->get_coin(w->chain->ctx, out, height, coinbase, op))
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "No unspent vault at this outpoint");
    size_t plen;
    if (token_prefix_parse(tp, &plen, out->script_pubkey.data, out->script_pubkey.len) != TOKEN_PREFIX_OK ||
        tp->kind != TOKEN_KIND_VAULT ||
        issuance_asset_index(w->params->assets, w->params->asset_count, tp->asset_id) < 0) {
        txout_clear(out);
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "No unspent vault at this outpoint");
    }
    *lock_off = plen;
    return true;
}

static bool vault_mature(struct wallet *w, struct wallet_error *e, int32_t height, bool coinbase)
{
    if (coinbase && !chain_params_coin_mature(w->params, true, height, w->best_height + 1))
        return wallet_fail(e, WALLET_E_WALLET,
                    "Vault is immature: opened by a coinbase at height %d, spendable from height %d", height,
                    height + (int32_t)w->params->coinbase_maturity);
    return true;
}

bool wallet_vault_repay(struct wallet *w, struct wallet_error *e, struct hash256 *txid, uint64_t *debt_left,
                        const struct outpoint *vault, uint64_t amount, const struct wallet_send_options *o)
{
    if (amount == 0 || amount > TOKEN_AMOUNT_MAX)
        return wallet_fail(e, WALLET_E_TYPE, "Amount out of range");
    lock_both(w);
    struct tx tx;
    tx_init(&tx);
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    struct txout vo;
    memset(&vo, 0, sizeof(vo));
    struct token_prefix tp;
    size_t lock_off = 0;
    int32_t vh = 0;
    bool vcb = false, have_vault = false;
    int64_t fee;
    bool ok = can_sign(w, e) && (have_vault = find_vault(w, e, &vo, &tp, &lock_off, &vh, &vcb, vault));
    const uint8_t *lock = have_vault ? vo.script_pubkey.data + lock_off : NULL;
    size_t lock_len = have_vault ? vo.script_pubkey.len - lock_off : 0;
    int asset = have_vault ? issuance_asset_index(w->params->assets, w->params->asset_count, tp.asset_id) : -1;
    if (ok) {
        const struct spkent *owner = wallet_find_spk(w, lock, lock_len);
        if (!owner || !w->descs[owner->desc].secret)
            ok = wallet_fail(e, WALLET_E_WALLET, "Vault is not owned by this wallet");
    }
    ok = ok && vault_mature(w, e, vh, vcb);
    if (ok) {
        const struct chain_asset *a = &w->params->assets[asset];
        if (tp.amount == 0)
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Vault has no debt to repay");
        else if (amount > tp.amount)
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Amount %llu exceeds the vault's debt of %llu",
                      (unsigned long long)amount, (unsigned long long)tp.amount);
        else if (tp.amount - amount != 0 && tp.amount - amount < a->min_vault_debt)
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER,
                      "Repaying %llu would leave %llu of debt, below the minimum vault debt of %llu "
                      "(bad-issuance-vault-dust): repay all of it or leave at least the minimum",
                      (unsigned long long)amount, (unsigned long long)(tp.amount - amount),
                      (unsigned long long)a->min_vault_debt);
    }
    if (ok) {
        /* input 0 the vault, output 0 the vault with the smaller debt:
         * same owner, same collateral (the fee comes from HMC coins) */
        tx_add_input(&tx, vault, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
        struct wbuf spk;
        wbuf_init(&spk);
        prefixed_script(&spk, TOKEN_KIND_VAULT, tp.asset_id, tp.amount - amount, lock, lock_len);
        tx_add_output(&tx, vo.value, spk.data, spk.len);
        wbuf_clear(&spk);
        tx.locktime = w->best_height > 0 ? (uint32_t)w->best_height : 0;
        ok = add_tokens(w, e, &tx, (uint32_t)asset, amount, o);
    }
    /* fund() looks preset inputs up among the wallet's transactions */
    if (ok && !wallet_find_tx(w, &vault->txid))
        ok = wallet_fail(e, WALLET_E_WALLET, "The vault's transaction is not in the wallet; run rescanblockchain");
    ok = ok && fund_fee(w, e, &tx, &fee, o) && finish(w, e, &tx, &s);
    if (ok) {
        *txid = tx.txid;
        *debt_left = tp.amount - amount;
    }
    if (have_vault)
        txout_clear(&vo);
    spent_clear(&s);
    tx_clear(&tx);
    unlock_both(w);
    return ok;
}

/* Core's dust limit of a P2PKH output (the largest of the standard
 * templates): the least a liquidation pays a vault's owner. */
#define LIQ_OWNER_MIN 546

/* The weight of an input's witness/scriptSig is only known once signed:
 * sign, measure, and take the fee from the liquidator's output. ECDSA
 * signatures vary by a byte, so each signed input gets one vbyte of slack. */
static bool liquidation_fee(struct wallet *w, struct wallet_error *e, struct tx *tx, size_t payout,
                            const struct spent_set *s, int64_t rate, int64_t *fee)
{
    if (!sign_inputs(w, e, tx, s, 0))
        return false;
    int64_t vsize = (int64_t)tx_vsize(tx) + (int64_t)tx->vin_count;
    *fee = (rate * vsize + 999) / 1000;
    if (tx->vout[payout].value - *fee < 546)
        return wallet_fail(e, WALLET_E_WALLET,
                    "The seized collateral (%lld base units) does not cover the fee (%lld base units) and a "
                    "spendable output",
                    (long long)tx->vout[payout].value, (long long)*fee);
    tx->vout[payout].value -= *fee;
    return sign_inputs(w, e, tx, s, 0);
}

bool wallet_liquidate_vault(struct wallet *w, struct wallet_error *e, struct hash256 *txid, uint64_t *seized,
                            int64_t *fee, const struct outpoint *vault, const struct wallet_send_options *o)
{
    lock_both(w);
    struct tx tx;
    tx_init(&tx);
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    struct txout vo;
    memset(&vo, 0, sizeof(vo));
    struct token_prefix tp;
    size_t lock_off = 0;
    int32_t vh = 0, tip = -1;
    bool vcb = false, have_vault = false;
    struct issuance_state *state = mem_calloc(1, sizeof(*state));
    bool ok = can_sign(w, e) && (have_vault = find_vault(w, e, &vo, &tp, &lock_off, &vh, &vcb, vault));
    int asset = have_vault ? issuance_asset_index(w->params->assets, w->params->asset_count, tp.asset_id) : -1;
    if (ok && tp.amount == 0)
        ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Vault has no debt: there is nothing to liquidate");
    if (ok && !w->chain->issuance_state(w->chain->ctx, state, &tip))
        ok = wallet_fail(e, WALLET_E_MISC, "This chain has no issuance layer");
    ok = ok && vault_mature(w, e, vh, vcb);
    int64_t rate = 0, topup = 0;
    uint64_t take = 0;
    if (ok) {
        const struct chain_asset *a = &w->params->assets[asset];
        const struct issuance_asset_state *as = &state->asset[asset];
        uint64_t collateral = (uint64_t)vo.value;
        if (!issuance_price_fresh(as->price, as->price_height, tip + 1, a->max_price_age))
            ok = wallet_fail(e, WALLET_E_WALLET,
                      "The oracle price is stale (set at height %d, at most %u blocks old for the next block %d): "
                      "liquidation needs a fresh price (bad-issuance-liquidate-price-stale)",
                      as->price_height, a->max_price_age, tip + 1);
        else if (issuance_ratio_at_least(collateral, as->price, tp.amount, a->liquidation_ratio_pct))
            ok = wallet_fail(e, WALLET_E_WALLET,
                      "Vault is not below the liquidation ratio of %u%% at the price %llu "
                      "(bad-issuance-liquidate-healthy)",
                      a->liquidation_ratio_pct, (unsigned long long)as->price);
        if (ok) {
            take = issuance_seized(collateral, tp.amount, as->price, a->liquidation_bonus_pct);
            /* input 0: the vault, with an empty scriptSig and witness (the
             * liquidation path); output 0: the owner's locking script,
             * collateral - seized (left out when nothing is left); then
             * the liquidator's payout */
            tx_add_input(&tx, vault, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
            if (collateral > take) {
                /* rule 7 wants at least collateral - seized for the owner;
                 * relay policy wants no dust: pay the owner up to the dust
                 * limit out of the liquidator's share */
                uint64_t owed = collateral - take;
                uint64_t pay = owed < LIQ_OWNER_MIN ? LIQ_OWNER_MIN : owed;
                topup = (int64_t)(pay - owed);
                tx_add_output(&tx, (int64_t)pay, vo.script_pubkey.data + lock_off, vo.script_pubkey.len - lock_off);
            }
            tx.locktime = w->best_height > 0 ? (uint32_t)w->best_height : 0;
            rate = wallet_fee_rate(w, e, o);
            ok = rate > 0 && add_tokens(w, e, &tx, (uint32_t)asset, tp.amount, o);
        }
    }
    size_t payout = tx.vout_count;
    if (ok) {
        char addr[ADDRESS_MAX_STRING];
        uint8_t lock[ADDRESS_MAX_SCRIPT];
        size_t lock_len;
        /* placeholder first: no address is used up if a check fails */
        int64_t value = (int64_t)take - topup;
        for (size_t i = 1; i < tx.vin_count; i++) {
            const struct wtx *t = wallet_find_tx(w, &tx.vin[i].prevout.txid);
            value += t->tx.vout[tx.vin[i].prevout.n].value; /* HMC the token inputs carried */
        }
        /* the payout goes right after the owner's output (the token change
         * output, if any, was appended by add_tokens before it) */
        tx_add_output(&tx, value, PLACEHOLDER, sizeof(PLACEHOLDER));
        payout = tx.vout_count - 1;
        ok = spent_fill(w, e, &s, &tx) && liquidation_fee(w, e, &tx, payout, &s, rate, fee);
        ok = ok && check_tx(w, e, &tx, &s);
        if (ok && wallet_new_address(w, e, addr, "bech32", false, NULL) &&
            address_to_script(lock, &lock_len, &w->params->address, addr) && lock_len == 22) {
            memcpy(tx.vout[payout].script_pubkey.data, lock, 22);
            tx_update_hashes(&tx);
            ok = settle_change(w, e, &tx) && sign_inputs(w, e, &tx, &s, 0) && check_tx(w, e, &tx, &s);
        } else if (ok) {
            ok = e->code ? false : wallet_fail(e, WALLET_E_WALLET, "Error: cannot make a payout script");
        }
    }
    ok = ok && store_and_submit(w, e, &tx);
    if (ok) {
        *txid = tx.txid;
        *seized = take;
    }
    mem_free(state);
    if (have_vault)
        txout_clear(&vo);
    spent_clear(&s);
    tx_clear(&tx);
    unlock_both(w);
    return ok;
}

/* The BIP 125 incremental relay fee (base units per kvB), as bumpfee's. */
#define LIQ_INCREMENTAL_FEE 1000

bool wallet_liquidation_bump(struct wallet *w, struct wallet_error *e, struct hash256 *new_txid, int64_t *new_rate,
                             const struct hash256 *txid, int64_t max_rate)
{
    lock_both(w);
    struct spent_set s;
    memset(&s, 0, sizeof(s));
    struct tx nt;
    tx_init(&nt);
    const struct wtx *t = wallet_find_tx(w, txid);
    bool ok = can_sign(w, e);
    if (ok && !t)
        ok = wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid or non-wallet transaction id");
    if (ok && (wallet_tx_depth(w, t) != 0 || t->abandoned))
        ok = wallet_fail(e, WALLET_E_WALLET, "Transaction has been mined, or is conflicted with a mined transaction");
    /* ours: input 0 on the liquidation path (empty scriptSig and witness),
     * BIP 125 signalled, the payout (our key) last */
    if (ok && (t->tx.vin_count < 2 || t->tx.vout_count < 1 || t->tx.vin[0].script_sig.len != 0 ||
               t->tx.vin[0].witness.count != 0 || t->tx.vin[0].sequence >= 0xfffffffeu))
        ok = wallet_fail(e, WALLET_E_WALLET, "Transaction is not a replaceable liquidation");
    size_t payout = ok ? t->tx.vout_count - 1 : 0;
    if (ok && !wallet_find_spk(w, t->tx.vout[payout].script_pubkey.data, t->tx.vout[payout].script_pubkey.len))
        ok = wallet_fail(e, WALLET_E_WALLET, "Transaction is not a liquidation paying this wallet");
    ok = ok && spent_fill(w, e, &s, &t->tx);
    int64_t in_total = 0, out_total = 0;
    for (size_t i = 0; ok && i < s.n; i++)
        in_total += s.outs[i].value;
    if (ok && !tx_value_out(&t->tx, &out_total))
        ok = wallet_fail(e, WALLET_E_WALLET, "Transaction has invalid output values");
    if (ok) {
        int64_t old_fee = in_total - out_total;
        int64_t vsize = (int64_t)tx_vsize(&t->tx) + (int64_t)t->tx.vin_count; /* as liquidation_fee's slack */
        int64_t old_rate = old_fee * 1000 / vsize;
        /* a quarter more, at least the incremental fee more, at most max_rate */
        int64_t rate = old_rate + old_rate / 4;
        if (rate < old_rate + LIQ_INCREMENTAL_FEE)
            rate = old_rate + LIQ_INCREMENTAL_FEE;
        if (max_rate > 0 && rate > max_rate)
            rate = max_rate;
        int64_t fee = (rate * vsize + 999) / 1000;
        int64_t min_fee = old_fee + (LIQ_INCREMENTAL_FEE * vsize + 999) / 1000;
        if (fee < min_fee)
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER,
                      "The fee rate is at the maximum (%lld base units/kvB): no replacement pays the incremental fee",
                      (long long)max_rate);
        if (ok && t->tx.vout[payout].value - (fee - old_fee) < 546)
            ok = wallet_fail(e, WALLET_E_WALLET, "The payout is too small to bump the fee");
        if (ok) {
            tx_copy(&nt, &t->tx);
            nt.vout[payout].value -= fee - old_fee;
            tx_update_hashes(&nt);
            ok = sign_inputs(w, e, &nt, &s, 0) && check_tx(w, e, &nt, &s) && store_and_submit(w, e, &nt);
            if (ok) {
                *new_txid = nt.txid;
                *new_rate = rate;
            }
        }
    }
    spent_clear(&s);
    tx_clear(&nt);
    unlock_both(w);
    return ok;
}
