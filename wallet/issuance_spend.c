/* The machinery every vault and issuer command shares (wallet/issuance_spend.h). */
#include "wallet/issuance_spend.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/sighash.h"
#include "issuance/issuance_check.h"
#include "issuance/oracle.h"
#include "issuance/vault_rules.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/psbt.h"
#include "wallet/psbt_sign.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"

void wallet_issuance_result_clear(struct wallet_issuance_result *r)
{
    mem_free(r->psbt);
    memset(r, 0, sizeof(*r));
}

void ispend_outpoint_text(char out[80], const struct outpoint *op)
{
    char hex[65];
    hex_encode_reversed(hex, op->txid.b, 32);
    snprintf(out, 80, "%s:%u", hex, (unsigned)op->n);
}

bool ispend_begin(struct ispend *s, struct wallet *w, struct wallet_error *e)
{
    memset(s, 0, sizeof(*s));
    s->w = w;
    s->params = w->params;
    s->vault_out = -1;
    tx_init(&s->tx);
    wbuf_init(&s->proto_spk);
    if (!w->chain)
        return wallet_fail(e, WALLET_E_WALLET, "Error: the wallet is not connected to a chain");
    if (w->no_private_keys)
        return wallet_fail(e, WALLET_E_WALLET, "Error: Private keys are disabled for this wallet");
    s->state = mem_calloc(1, sizeof(*s->state));
    w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    if (!w->chain->issuance_state(w->chain->ctx, s->state, &s->tip)) {
        ispend_end(s);
        return wallet_fail(e, WALLET_E_MISC, "This chain has no issuance layer");
    }
    return true;
}

void ispend_end(struct ispend *s)
{
    if (s->state) {
        pthread_mutex_unlock(&s->w->mu);
        s->w->chain->unlock(s->w->chain->ctx);
    }
    mem_free(s->state);
    s->state = NULL;
    tx_clear(&s->tx);
    txout_clear(&s->proto_in);
    wbuf_clear(&s->proto_spk);
}

bool ispend_load_proto(struct ispend *s, struct wallet_error *e, struct token_prefix *prefix, enum token_kind kind,
                       size_t asset)
{
    const struct chain_asset *a = &s->params->assets[asset];
    const struct issuance_asset_state *as = &s->state->asset[asset];
    s->proto_op = kind == TOKEN_KIND_ISSUER ? as->issuer : as->oracle;
    int32_t height;
    bool coinbase;
    if (!s->w->chain->get_coin(s->w->chain->ctx, &s->proto_in, &height, &coinbase, &s->proto_op))
        return wallet_fail(e, WALLET_E_MISC, "The %s's %s output is not in the UTXO set", a->ticker, token_kind_name(kind));
    size_t plen;
    if (token_prefix_parse(prefix, &plen, s->proto_in.script_pubkey.data, s->proto_in.script_pubkey.len) !=
            TOKEN_PREFIX_OK ||
        prefix->kind != kind)
        return wallet_fail(e, WALLET_E_MISC, "The %s's %s output does not carry its prefix", a->ticker,
                    token_kind_name(kind));
    s->has_proto = true;
    /* The chain's initial m-of-n script is known: put it in the PSBT, so any
     * node can finalize, and size the fee for its signatures. */
    const uint8_t *lock = s->proto_in.script_pubkey.data + plen;
    size_t lock_len = s->proto_in.script_pubkey.len - plen;
    const uint8_t *spk = kind == TOKEN_KIND_ISSUER ? a->issuer_script : a->oracle_script;
    size_t spk_len = kind == TOKEN_KIND_ISSUER ? a->issuer_script_len : a->oracle_script_len;
    if (spk && lock_len == spk_len && !memcmp(lock, spk, spk_len)) {
        s->proto_ws = kind == TOKEN_KIND_ISSUER ? a->issuer_witness_script : a->oracle_witness_script;
        s->proto_ws_len = kind == TOKEN_KIND_ISSUER ? a->issuer_witness_script_len : a->oracle_witness_script_len;
    }
    return true;
}

void ispend_set_proto_out(struct ispend *s, const struct token_prefix *prefix)
{
    size_t plen;
    struct token_prefix old;
    if (token_prefix_parse(&old, &plen, s->proto_in.script_pubkey.data, s->proto_in.script_pubkey.len) !=
        TOKEN_PREFIX_OK)
        plen = 0;
    s->proto_spk.len = 0;
    token_prefix_serialize(&s->proto_spk, prefix);
    wbuf_put(&s->proto_spk, s->proto_in.script_pubkey.data + plen, s->proto_in.script_pubkey.len - plen);
}

/* Weight of the protocol input: an m-of-n P2WSH spend (m from the witness
 * script when known, else up to 3 of 7, the main chain's issuer), plus its
 * recreated output. */
static int64_t proto_weight(const struct ispend *s)
{
    int64_t m = 3, ws = 7 * 34 + 3;
    if (s->proto_ws && s->proto_ws_len > 0 && s->proto_ws[0] >= 0x51 && s->proto_ws[0] <= 0x60) {
        m = s->proto_ws[0] - 0x50;
        ws = (int64_t)s->proto_ws_len;
    }
    int64_t witness = 1 + 1 + m * 73 + 3 + ws;
    return (32 + 4 + 1 + 4) * 4 + witness + (int64_t)(8 + 1 + s->proto_spk.len) * 4;
}

/* An amount of base units in whole units with its decimals, trailing zeros dropped. */
static void units_text(char out[48], uint64_t units, unsigned decimals)
{
    uint64_t scale = 1;
    for (unsigned i = 0; i < decimals && i < 19; i++)
        scale *= 10;
    uint64_t frac = units % scale;
    int n = snprintf(out, 48, "%llu", (unsigned long long)(units / scale));
    if (frac == 0 || n < 0)
        return;
    char f[24];
    snprintf(f, sizeof(f), "%0*llu", (int)(decimals > 19 ? 19 : decimals), (unsigned long long)(frac % scale));
    size_t len = strlen(f);
    while (len > 0 && f[len - 1] == '0')
        f[--len] = '\0';
    snprintf(out + n, (size_t)(48 - n), ".%s", f);
}

/* A refusal of the issuance rules as a sentence (the reason in brackets). */
static bool refuse(const struct ispend *s, struct wallet_error *e, const struct val_state *st)
{
    const char *r = st->reject;
    const struct tx *tx = &s->tx;
    /* the vault after the transaction, and its asset, for the numbers */
    uint64_t coll = 0, debt = 0;
    int asset = 0;
    if (s->vault_out >= 0) {
        const struct txout *o = &tx->vout[s->vault_out];
        struct token_prefix p;
        size_t plen;
        if (token_prefix_parse(&p, &plen, o->script_pubkey.data, o->script_pubkey.len) == TOKEN_PREFIX_OK) {
            coll = (uint64_t)o->value;
            debt = p.amount;
            int i = issuance_asset_index(s->params->assets, s->params->asset_count, p.asset_id);
            asset = i < 0 ? 0 : i;
        }
    }
    const struct chain_asset *a = &s->params->assets[asset];
    const struct issuance_asset_state *as = &s->state->asset[asset];
    if (!strcmp(r, ISSUANCE_REJECT_MINT_RATIO) || !strcmp(r, ISSUANCE_REJECT_WITHDRAW_RATIO)) {
        unsigned __int128 num = (unsigned __int128)coll * as->price * 100;
        unsigned __int128 den = (unsigned __int128)100000000 * (debt ? debt : 1);
        return wallet_fail(e, WALLET_E_WALLET,
                    "Collateral ratio after this transaction would be %llu%%, below the minimum %u%% (%s)",
                    (unsigned long long)(num / den), a->min_collateral_ratio_pct, r);
    }
    if (!strcmp(r, ISSUANCE_REJECT_MINT_PRICE_STALE) || !strcmp(r, ISSUANCE_REJECT_WITHDRAW_PRICE_STALE))
        return wallet_fail(e, WALLET_E_WALLET,
                    "The %s oracle price is stale: set at height %d, more than %u blocks before the next block "
                    "(%s)",
                    a->ticker, as->price_height, a->max_price_age, r);
    if (!strcmp(r, ISSUANCE_REJECT_MINT_PAUSED))
        return wallet_fail(e, WALLET_E_WALLET, "Minting %s is paused by the issuer (%s)", a->ticker, r);
    if (!strcmp(r, ISSUANCE_REJECT_MINT_BREAKER))
        return wallet_fail(e, WALLET_E_WALLET, "Minting %s is paused by the circuit breaker until height %d (%s)", a->ticker,
                    as->breaker_until, r);
    if (!strcmp(r, ISSUANCE_REJECT_VAULT_DUST)) {
        char amount[48];
        units_text(amount, a->min_vault_debt, a->decimals);
        return wallet_fail(e, WALLET_E_WALLET, "A vault's debt must be 0 or at least %s %s (%s)", amount, a->ticker, r);
    }
    if (!strcmp(r, ISSUANCE_REJECT_MINT_CEILING))
        return wallet_fail(e, WALLET_E_WALLET, "The mint would take the %s supply above its debt ceiling (%s)", a->ticker, r);
    if (!strcmp(r, ISSUANCE_REJECT_ORACLE_PRICE_ZERO))
        return wallet_fail(e, WALLET_E_WALLET, "The oracle price must be above 0 (%s)", r);
    return wallet_fail(e, WALLET_E_WALLET, "The issuance rules refuse this transaction (%s%s%s)", r, st->debug[0] ? ": " : "",
                st->debug);
}

/* The outputs tx spends, for the rules: the tip's UTXO set, else (unconfirmed
 * change of the wallet) the wallet's own transactions. */
static bool spent_coins(struct ispend *s, struct wallet_error *e, struct txout *outs, struct spent_coin *coins)
{
    for (size_t i = 0; i < s->tx.vin_count; i++) {
        const struct outpoint *op = &s->tx.vin[i].prevout;
        int32_t height;
        bool coinbase;
        if (s->w->chain->get_coin(s->w->chain->ctx, &outs[i], &height, &coinbase, op)) {
            coins[i] = (struct spent_coin){ &outs[i], height, coinbase };
            continue;
        }
        const struct wtx *t = wallet_find_tx(s->w, &op->txid);
        if (!t || op->n >= t->tx.vout_count)
            return wallet_fail(e, WALLET_E_MISC, "Input not found or already spent");
        const struct txout *o = &t->tx.vout[op->n];
        outs[i].value = o->value;
        bytes_set(&outs[i].script_pubkey, o->script_pubkey.data, o->script_pubkey.len);
        coins[i] = (struct spent_coin){ &outs[i], s->tip + 1, false };
    }
    return true;
}

/* Judges s->tx (unsigned) by the consensus entry point, as the mempool will. */
static bool judge(struct ispend *s, struct wallet_error *e)
{
    size_t n = s->tx.vin_count ? s->tx.vin_count : 1;
    struct txout *outs = mem_calloc(n, sizeof(*outs));
    struct spent_coin *coins = mem_calloc(n, sizeof(*coins));
    bool ok = spent_coins(s, e, outs, coins);
    struct tx t;
    tx_init(&t);
    if (ok) {
        tx_update_hashes(&s->tx);
        /* An unsigned vault input would read as a liquidation (rule 7: empty
         * scriptSig and witness); the owner's signature will be there, so
         * judge a copy with a placeholder witness (the rules do not run
         * scripts, and the txid does not cover the witness). */
        tx_copy(&t, &s->tx);
        for (size_t i = 0; i < t.vin_count; i++) {
            struct token_prefix p;
            size_t plen;
            static const uint8_t placeholder[1] = { 0 };
            if (token_prefix_parse(&p, &plen, outs[i].script_pubkey.data, outs[i].script_pubkey.len) ==
                    TOKEN_PREFIX_OK &&
                p.kind == TOKEN_KIND_VAULT)
                txin_witness_push(&t.vin[i], placeholder, sizeof(placeholder));
        }
        tx_update_hashes(&t);
        struct issuance_view view = { .assets = s->params->assets,
                                      .asset_count = s->params->asset_count,
                                      .state = s->state,
                                      .height = s->tip + 1 };
        struct val_state st;
        val_state_init(&st);
        struct issuance_effects fx;
        if (!issuance_tx_check(&st, &fx, &t, coins, &view))
            ok = refuse(s, e, &st);
    }
    tx_clear(&t);
    for (size_t i = 0; i < s->tx.vin_count; i++)
        txout_clear(&outs[i]);
    mem_free(outs);
    mem_free(coins);
    return ok;
}

/* Stores tx in the wallet and submits it (after a test-accept), as wallet_send does. */
static bool broadcast(struct ispend *s, struct wallet_error *e, const struct tx *tx)
{
    struct wallet *w = s->w;
    char rej[256];
    if (!w->chain->submit_tx(w->chain->ctx, tx, true, 0, rej, sizeof(rej)))
        return wallet_fail(e, WALLET_E_VERIFY_REJECTED, "%s", rej);
    if (!wallet_db_begin(w, e))
        return false;
    struct wtx *t = wallet_add_tx_mem(w, tx);
    if (!wallet_db_put_tx(w, t)) {
        wallet_db_rollback(w);
        return wallet_fail(e, WALLET_E_DATABASE, "Error: the wallet database could not be written");
    }
    if (!wallet_db_commit(w, e))
        return false;
    if (w->chain->submit_tx(w->chain->ctx, tx, false, 0, rej, sizeof(rej)))
        t->in_mempool = true;
    return true;
}

bool ispend_finish(struct ispend *s, struct wallet_error *e, struct wallet_issuance_result *r,
                   const struct wallet_send_options *o)
{
    memset(r, 0, sizeof(*r));
    if (!wallet_check_unlocked(s->w, e))
        return false;
    struct wallet_send_options fo = *o;
    fo.extra_weight = s->has_proto ? proto_weight(s) : 0;
    fo.change_pos = (int)s->tx.vout_count; /* change last: the vault keeps its place */
    s->tx.version = 2;
    s->tx.locktime = s->tip > 0 ? (uint32_t)s->tip : 0; /* Core's anti-fee-sniping */
    int change_pos;
    if (!wallet_fund(s->w, e, &s->tx, &r->fee, &change_pos, NULL, &fo))
        return false;
    if (s->has_proto) {
        tx_add_input(&s->tx, &s->proto_op, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
        tx_add_output(&s->tx, s->proto_in.value, s->proto_spk.data, s->proto_spk.len);
    }
    if (!judge(s, e))
        return false;
    struct psbt p;
    if (!psbt_from_tx(&p, &s->tx))
        return wallet_fail(e, WALLET_E_MISC, "Internal error: the transaction is not unsigned");
    if (s->has_proto) {
        size_t i = s->tx.vin_count - 1;
        struct wbuf b;
        wbuf_init(&b);
        txout_serialize(&b, &s->proto_in);
        uint8_t k = PSBT_IN_WITNESS_UTXO;
        psbt_map_set(&p.inputs[i], &k, 1, b.data, b.len);
        wbuf_clear(&b);
        if (s->proto_ws) {
            k = PSBT_IN_WITNESS_SCRIPT;
            psbt_map_set(&p.inputs[i], &k, 1, s->proto_ws, s->proto_ws_len);
        }
    }
    bool complete = false;
    bool ok = wallet_process_psbt(s->w, e, &p, true, SIGHASH_ALL, false, true, true, &complete);
    if (ok && complete) {
        struct tx final;
        tx_init(&final);
        ok = psbt_extract(&p, &final) ? broadcast(s, e, &final)
                                      : wallet_fail(e, WALLET_E_MISC, "Internal error: a complete PSBT did not extract");
        if (ok) {
            r->complete = true;
            r->txid = final.txid;
        }
        tx_clear(&final);
    } else if (ok) {
        r->psbt = psbt_to_base64(&p);
    }
    if (ok && s->vault_out >= 0) {
        r->has_vault = true;
        r->vault.txid = r->complete ? r->txid : s->tx.txid; /* segwit inputs: signing keeps the txid */
        r->vault.n = (uint32_t)s->vault_out;
    }
    psbt_clear(&p);
    return ok;
}
