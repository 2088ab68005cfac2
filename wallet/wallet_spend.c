/* Spending: coin selection over the wallet's coins, change, signing,
 * storing and submitting (sendtoaddress, sendmany, fundrawtransaction,
 * signrawtransactionwithwallet); encryption; backup. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "consensus/params.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "src/util/alloc.h"
#include "consensus/script.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "wallet/coinselect.h"
#include "wallet/psbt_sign.h"
#include "wallet/tx_sign.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"

void wallet_send_options_init(struct wallet_send_options *o, const struct wallet *w)
{
    memset(o, 0, sizeof(*o));
    o->change_pos = -1;
    o->replaceable = wallet_context_options(w->ctx)->walletrbf;
    o->add_inputs = true;
}

/* Virtual size (x4: weight) of spending a script of ours, with a maximal signature. */
static int64_t input_weight(const uint8_t *s, size_t len)
{
    if (len == 22 && s[0] == 0 && s[1] == 20)
        return 41 * 4 + 108; /* P2WPKH */
    if (len == 34 && s[0] == 0x51 && s[1] == 32)
        return 41 * 4 + 66; /* P2TR key path */
    if (len == 23 && s[0] == 0xa9)
        return 64 * 4 + 108; /* P2SH-P2WPKH */
    if (len == 34 && s[0] == 0 && s[1] == 32)
        return 41 * 4 + 256; /* P2WSH: up to a 2-of-3 multisig */
    return 148 * 4;          /* P2PKH */
}

static int64_t fee_for(int64_t rate, int64_t weight)
{
    int64_t vsize = (weight + 3) / 4;
    return (rate * vsize + 999) / 1000;
}

static int64_t output_weight(size_t spk_len)
{
    return (int64_t)(8 + 1 + spk_len) * 4;
}

/* Change script of the default change type (P2WPKH). */
static bool change_script(struct wallet *w, struct wallet_error *e, uint8_t *out, size_t *len)
{
    char addr[91];
    if (!wallet_new_address(w, e, addr, "bech32", true, NULL))
        return false;
    extern bool address_to_script(uint8_t out[42], size_t *out_len, const struct address_params *params,
                                  const char *addr);
    return address_to_script(out, len, &w->params->address, addr);
}

struct avail {
    struct outpoint op;
    const struct txout *out;
};

static size_t available_coins(struct wallet *w, struct avail **out)
{
    size_t n = 0, cap = 16;
    *out = mem_calloc(cap, sizeof(**out));
    for (size_t i = 0; i < w->ntxs; i++) {
        const struct wtx *t = w->txs[i];
        int depth = wallet_tx_depth(w, t);
        if (depth < 0 || (depth == 0 && (t->abandoned || !wallet_tx_trusted(w, t))))
            continue;
        if (tx_is_coinbase(&t->tx) && !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1))
            continue;
        for (size_t k = 0; k < t->tx.vout_count; k++) {
            const struct txout *o = &t->tx.vout[k];
            /* never a token, vault or other prefixed output: spending one
             * here would burn its tokens or break its vault */
            if (wallet_spk_prefixed(w, o->script_pubkey.data, o->script_pubkey.len))
                continue;
            const struct spkent *s = wallet_find_spk(w, o->script_pubkey.data, o->script_pubkey.len);
            if (!s || !w->descs[s->desc].secret)
                continue;
            struct outpoint op = { t->tx.txid, (uint32_t)k };
            if (wallet_is_spent(w, &op) || wallet_is_locked_coin(w, &op))
                continue;
            if (n == cap)
                *out = mem_realloc(*out, (cap *= 2) * sizeof(**out));
            (*out)[n].op = op;
            (*out)[n].out = o;
            n++;
        }
    }
    return n;
}

/* Core's GetMinimumFeeRate: an explicit rate; else -paytxfee unless a
 * target was named; else the node's estimate for the target, falling back
 * to -fallbackfee, and never below the mempool's minimum; then never below
 * the relay minimum. Returns 0 with e when nothing can be chosen. */
int64_t wallet_fee_rate(struct wallet *w, struct wallet_error *e, const struct wallet_send_options *so)
{
    const struct wallet_options *o = wallet_context_options(w->ctx);
    const char *why_unused;
    const char **why = so->fee_reason ? so->fee_reason : &why_unused;
    int64_t requested = so->fee_rate;
    int64_t floor = o->min_relay_fee;
    int64_t mempool_min = w->chain ? w->chain->min_fee_rate(w->chain->ctx) : 0;
    if (mempool_min > floor)
        floor = mempool_min;
    if (requested) {
        if (requested < floor)
            return wallet_fail(e, WALLET_E_INSUFFICIENT_FUNDS,
                        "Fee rate (%.3f sat/vB) is lower than the minimum fee rate setting (%.3f sat/vB)",
                        (double)requested / 1000, (double)floor / 1000),
                   0;
        *why = "PayTxFee set"; /* Core reports an explicit fee_rate as PAYTXFEE too */
        return requested;
    }
    int64_t rate;
    if (!so->conf_target && o->pay_tx_fee) {
        rate = o->pay_tx_fee;
        *why = "PayTxFee set";
    } else {
        int target = so->conf_target ? so->conf_target : o->tx_confirm_target;
        bool conservative = so->fee_mode == WALLET_FEE_MODE_CONSERVATIVE ||
                            (so->fee_mode == WALLET_FEE_MODE_UNSET && !so->replaceable);
        rate = w->chain && w->chain->estimate_fee
                   ? w->chain->estimate_fee(w->chain->ctx, NULL, why, target, conservative)
                   : 0;
        if (!rate) {
            rate = o->fallback_fee;
            *why = "Fallback fee";
            if (!rate)
                return wallet_fail(e, WALLET_E_WALLET,
                            "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee."),
                       0;
        }
        if (rate < mempool_min) {
            rate = mempool_min;
            *why = "Mempool Min Fee";
        }
    }
    if (rate < o->min_relay_fee) {
        rate = o->min_relay_fee;
        *why = "Minimum Required Fee";
    }
    return rate;
}

/* Adds inputs (and change) to tx so its outputs and fee are covered. */
static bool fund(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee_out, int *change_pos,
                 const bool *subtract, const struct wallet_send_options *o)
{
    int64_t rate = wallet_fee_rate(w, e, o);
    if (!rate)
        return false;
    int64_t out_total = 0;
    bool any_sub = false;
    for (size_t i = 0; i < tx->vout_count; i++) {
        out_total += tx->vout[i].value;
        any_sub |= subtract && subtract[i];
    }
    /* preset inputs must be ours */
    int64_t preset_value = 0, preset_weight = 0;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &tx->vin[i].prevout.txid);
        if (!p || tx->vin[i].prevout.n >= p->tx.vout_count)
            return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Unable to find UTXO for external input");
        const struct txout *po = &p->tx.vout[tx->vin[i].prevout.n];
        /* a preset token or vault input (wallet/token_spend.c) is the
         * wallet's when its locking script is; its nValue counts as HMC */
        const struct spkent *ps = wallet_find_owner(w, NULL, NULL, po->script_pubkey.data, po->script_pubkey.len);
        if (!ps)
            return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Not solvable pre-selected input %s", "(not the wallet's)");
        preset_value += po->value;
        preset_weight += input_weight(ps->script, ps->len);
    }
    int64_t fixed_weight = (4 + 4 + 1 + 1) * 4 + 2 + preset_weight + o->extra_weight;
    for (size_t i = 0; i < tx->vout_count; i++)
        fixed_weight += output_weight(tx->vout[i].script_pubkey.len);
    int64_t change_fee = fee_for(rate, output_weight(22));
    int64_t discard = 3000; /* Core's DEFAULT_DISCARD_FEE, sat/kvB */
    struct coinsel_target t = {
        .target = any_sub ? out_total - preset_value : out_total - preset_value + fee_for(rate, fixed_weight),
        .change_fee = change_fee,
        .cost_of_change = change_fee + fee_for(discard > rate ? discard : rate, 68 * 4),
        .min_change = 294,
    };
    struct avail *av;
    size_t nav = o->add_inputs ? available_coins(w, &av) : (av = mem_calloc(1, sizeof(*av)), 0);
    /* drop coins already among the preset inputs */
    size_t k = 0;
    for (size_t i = 0; i < nav; i++) {
        bool dup = false;
        for (size_t j = 0; j < tx->vin_count; j++)
            dup |= tx->vin[j].prevout.n == av[i].op.n && hash256_eq(&tx->vin[j].prevout.txid, &av[i].op.txid);
        if (!dup)
            av[k++] = av[i];
    }
    nav = k;
    struct coinsel_coin *coins = mem_calloc(nav ? nav : 1, sizeof(*coins));
    for (size_t i = 0; i < nav; i++) {
        int64_t wgt = input_weight(av[i].out->script_pubkey.data, av[i].out->script_pubkey.len);
        coins[i].value = av[i].out->value;
        coins[i].fee = any_sub ? 0 : fee_for(rate, wgt);
        coins[i].long_term_fee = any_sub ? 0 : fee_for(10000, wgt);
    }
    struct coinsel_result r;
    memset(&r, 0, sizeof(r));
    bool ok;
    if (t.target <= 0 && tx->vin_count > 0) {
        ok = true; /* the preset inputs cover it */
    } else {
        ok = coinsel_select(&r, coins, nav, &t, &w->rng);
    }
    if (!ok) {
        mem_free(coins);
        mem_free(av);
        return wallet_fail(e, WALLET_E_INSUFFICIENT_FUNDS, "Insufficient funds");
    }
    int64_t in_value = preset_value;
    int64_t weight = fixed_weight;
    for (size_t i = 0; i < r.count; i++) {
        const struct avail *a = &av[r.idx[i]];
        tx_add_input(tx, &a->op, NULL, 0, o->replaceable ? 0xfffffffd : 0xfffffffe);
        in_value += a->out->value;
        weight += input_weight(a->out->script_pubkey.data, a->out->script_pubkey.len);
    }
    int64_t fee_nochange = fee_for(rate, weight);
    int64_t fee = fee_nochange;
    int64_t change = in_value - out_total - fee_for(rate, weight + output_weight(22));
    if (any_sub)
        change = in_value - out_total;
    *change_pos = -1;
    ok = true;
    if (change >= t.min_change) {
        uint8_t cs[42];
        size_t cl;
        ok = change_script(w, e, cs, &cl);
        if (ok) {
            fee = fee_for(rate, weight + output_weight(cl));
            int pos = o->change_pos >= 0 ? o->change_pos : (int)(w->rng % (tx->vout_count + 1));
            if (pos > (int)tx->vout_count) {
                ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Change index out of bounds");
            } else {
                tx_add_output(tx, 0, cs, cl);
                for (size_t i = tx->vout_count - 1; i > (size_t)pos; i--) {
                    struct txout tmp = tx->vout[i];
                    tx->vout[i] = tx->vout[i - 1];
                    tx->vout[i - 1] = tmp;
                }
                tx->vout[pos].value = any_sub ? in_value - out_total : in_value - out_total - fee;
                *change_pos = pos;
            }
        }
    } else if (any_sub) {
        fee = fee_nochange + change; /* the dust goes to fees */
    } else {
        fee = in_value - out_total;
    }
    if (ok && any_sub) {
        /* subtract the fee from the chosen outputs, equally, the remainder from the first */
        size_t nsub = 0;
        for (size_t i = 0; i < tx->vout_count; i++)
            nsub += (int)i != *change_pos && subtract[i - ((*change_pos >= 0 && (int)i > *change_pos) ? 1 : 0)];
        int64_t each = fee / (int64_t)nsub, first = fee - each * (int64_t)nsub;
        bool done_first = false;
        for (size_t i = 0, orig = 0; i < tx->vout_count; i++) {
            if ((int)i == *change_pos)
                continue;
            if (subtract[orig]) {
                tx->vout[i].value -= each + (done_first ? 0 : first);
                done_first = true;
                if (tx->vout[i].value <= 294)
                    ok = wallet_fail(e, WALLET_E_WALLET, "The transaction amount is too small to pay the fee");
            }
            orig++;
        }
    }
    if (ok && fee > wallet_context_options(w->ctx)->max_tx_fee)
        ok = wallet_fail(e, WALLET_E_WALLET, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
    *fee_out = fee;
    coinsel_result_clear(&r);
    mem_free(coins);
    mem_free(av);
    return ok;
}

/* Signs every input of tx the wallet can. Out: *complete; errors (may be NULL). */
static bool sign_tx(struct wallet *w, struct wallet_error *e, struct tx *tx, bool *complete, json_t *errors,
                    int hash_type)
{
    if (!wallet_check_unlocked(w, e))
        return false;
    struct tx_signer s;
    tx_signer_init(&s, w->params->tokens_enabled);
    struct txout *spent = mem_calloc(tx->vin_count ? tx->vin_count : 1, sizeof(*spent));
    bool *have = mem_calloc(tx->vin_count ? tx->vin_count : 1, sizeof(bool));
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &tx->vin[i].prevout.txid);
        if (!p || tx->vin[i].prevout.n >= p->tx.vout_count)
            continue;
        const struct txout *o = &p->tx.vout[tx->vin[i].prevout.n];
        spent[i] = *o; /* shallow: borrowed for the call */
        have[i] = true;
        const struct spkent *se = wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len);
        if (se && w->descs[se->desc].priv) {
            struct wbuf tmp;
            wbuf_init(&tmp);
            char err[256];
            if (!descriptor_expand(w->descs[se->desc].priv, &tmp, &s, NULL, se->index, err, sizeof(err)))
                (void)0;
            wbuf_clear(&tmp);
        }
    }
    *complete = true;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const char *why = have[i] ? tx_sign_input(&s, tx, i, spent, have, true, hash_type)
                                  : "Input not found or already spent";
        if (why) {
            *complete = false;
            if (errors) {
                json_t *o = json_object();
                char hex[65];
                hash256_to_hex(hex, &tx->vin[i].prevout.txid);
                json_object_set_new(o, "txid", json_string(hex));
                json_object_set_new(o, "vout", json_integer(tx->vin[i].prevout.n));
                json_object_set_new(o, "witness", json_array());
                json_object_set_new(o, "scriptSig", json_string(""));
                json_object_set_new(o, "sequence", json_integer(tx->vin[i].sequence));
                json_object_set_new(o, "error", json_string(why));
                json_array_append_new(errors, o);
            }
        }
    }
    mem_free(spent);
    mem_free(have);
    tx_signer_clear(&s);
    tx_update_hashes(tx);
    return true;
}

bool wallet_sign(struct wallet *w, struct wallet_error *e, struct tx *tx, bool *complete, json_t **errors,
                 int hash_type)
{
    pthread_mutex_lock(&w->mu);
    *errors = json_array();
    bool ok = sign_tx(w, e, tx, complete, *errors, hash_type);
    pthread_mutex_unlock(&w->mu);
    return ok;
}

bool wallet_fund(struct wallet *w, struct wallet_error *e, struct tx *tx, int64_t *fee, int *change_pos,
                 const bool *subtract, const struct wallet_send_options *o)
{
    if (w->chain)
        w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    size_t vin0 = tx->vin_count;
    bool ok = fund(w, e, tx, fee, change_pos, subtract, o);
    if (ok && o->lock_unspents) {
        for (size_t i = vin0; i < tx->vin_count; i++) {
            w->locked = mem_realloc(w->locked, (w->nlocked + 1) * sizeof(*w->locked));
            w->locked[w->nlocked++] = tx->vin[i].prevout;
        }
    }
    pthread_mutex_unlock(&w->mu);
    if (w->chain)
        w->chain->unlock(w->chain->ctx);
    return ok;
}

bool wallet_send(struct wallet *w, struct wallet_error *e, struct hash256 *txid, int64_t *fee,
                 const struct wallet_recipient *r, size_t n, const struct wallet_send_options *o)
{
    if (n == 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Transaction must have at least one recipient");
    if (w->chain)
        w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    struct tx tx;
    tx_init(&tx);
    bool *sub = mem_calloc(n, sizeof(bool));
    bool ok = wallet_check_unlocked(w, e);
    if (ok && w->no_private_keys)
        ok = wallet_fail(e, WALLET_E_WALLET, "Error: Private keys are disabled for this wallet");
    for (size_t i = 0; ok && i < n; i++) {
        tx_add_output(&tx, r[i].amount, r[i].script, r[i].script_len);
        sub[i] = r[i].subtract_fee;
    }
    /* Core's anti-fee-sniping locktime */
    tx.locktime = w->best_height > 0 ? (uint32_t)w->best_height : 0;
    int change_pos;
    /* The change address is derived inside the same database state: on
     * failure below, the wallet's files are rolled back by not committing. */
    ok = ok && fund(w, e, &tx, fee, &change_pos, sub, o);
    bool complete = false;
    ok = ok && sign_tx(w, e, &tx, &complete, NULL, SIGHASH_ALL);
    if (ok && !complete)
        ok = wallet_fail(e, WALLET_E_WALLET, "Error: Transaction signing failed");
    char rej[256];
    if (ok && w->chain && !w->chain->submit_tx(w->chain->ctx, &tx, true, 0, rej, sizeof(rej)))
        ok = wallet_fail(e, WALLET_E_VERIFY_REJECTED, "%s", rej);
    if (ok) {
        /* store first, then submit: a crash in between leaves the transaction
         * in the wallet, and it is submitted again at the next load */
        ok = wallet_db_begin(w, e);
        if (ok) {
            struct wtx *t = wallet_add_tx_mem(w, &tx);
            ok = wallet_db_put_tx(w, t) ? wallet_db_commit(w, e) : (wallet_db_rollback(w), false);
            if (ok)
                wallet_notify_tx(w, t);
            if (ok && w->chain && w->chain->submit_tx(w->chain->ctx, &tx, false, 0, rej, sizeof(rej)))
                t->in_mempool = true;
            *txid = tx.txid;
        }
    }
    tx_clear(&tx);
    mem_free(sub);
    pthread_mutex_unlock(&w->mu);
    if (w->chain)
        w->chain->unlock(w->chain->ctx);
    return ok;
}

/* ---- encryption -------------------------------------------------------- */

bool wallet_encrypt(struct wallet *w, struct wallet_error *e, const char *pass, size_t len)
{
    if (len == 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "passphrase cannot be empty");
    pthread_mutex_lock(&w->mu);
    bool ok = false;
    if (w->encrypted) {
        wallet_fail(e, WALLET_E_WRONG_ENC_STATE, "Error: running with an encrypted wallet, but encryptwallet was called.");
        goto done;
    }
    if (w->no_private_keys) {
        wallet_fail(e, WALLET_E_WALLET, "Error: wallet does not contain private keys, nothing to encrypt.");
        goto done;
    }
    const struct wallet_options *o = wallet_context_options(w->ctx);
    struct crypter_master m;
    uint8_t key[CRYPTER_KEY_LEN];
    if (!crypter_master_new(key, &m, pass, len, o->kdf_ops, o->kdf_mem)) {
        wallet_fail(e, WALLET_E_ENCRYPTION_FAILED, "Error: Failed to encrypt the wallet.");
        goto done;
    }
    if (!wallet_db_begin(w, e)) {
        crypter_wipe(key, sizeof(key));
        goto done;
    }
    uint8_t **sealed = mem_calloc(w->ndescs + 1, sizeof(*sealed));
    size_t *slen = mem_calloc(w->ndescs + 1, sizeof(*slen));
    ok = true;
    for (size_t i = 0; i < w->ndescs && ok; i++) {
        struct wdesc *d = &w->descs[i];
        if (!d->secret)
            continue;
        uint8_t ad[32];
        wallet_secret_ad(ad, d);
        sealed[i] = crypter_seal(&slen[i], key, d->secret, d->secret_len, ad, sizeof(ad));
        uint8_t *old = d->secret;
        size_t old_len = d->secret_len;
        d->secret = sealed[i];
        d->secret_len = slen[i];
        ok = wallet_db_put_desc_pub(w, d);
        d->secret = old;
        d->secret_len = old_len;
    }
    uint8_t ser[CRYPTER_MASTER_SERIALIZED];
    crypter_master_serialize(ser, &m);
    ok = ok && wallet_db_put_meta(w, "mkey", ser, sizeof(ser));
    /* Core also rewrites the whole file so no plaintext key stays in free pages */
    ok = ok && wallet_db_commit(w, e);
    if (!ok)
        wallet_db_rollback(w);
    if (ok) {
        sqlite3_exec(w->db, "VACUUM", NULL, NULL, NULL);
        for (size_t i = 0; i < w->ndescs; i++) {
            struct wdesc *d = &w->descs[i];
            if (!d->secret)
                continue;
            crypter_free_secret(d->secret, d->secret_len);
            d->secret = sealed[i];
            d->secret_len = slen[i];
            sealed[i] = NULL;
            descriptor_free(d->priv);
            d->priv = NULL;
        }
        w->master = m;
        w->encrypted = true;
        w->unlocked = false;
    }
    for (size_t i = 0; i < w->ndescs; i++)
        crypter_free_secret(sealed[i], slen[i]);
    mem_free(sealed);
    mem_free(slen);
    crypter_wipe(key, sizeof(key));
    if (!ok && !e->code)
        wallet_fail(e, WALLET_E_ENCRYPTION_FAILED, "Error: Failed to encrypt the wallet.");
done:
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* Opens every sealed secret with key; on failure nothing changes. */
static bool open_secrets(struct wallet *w, const uint8_t key[CRYPTER_KEY_LEN])
{
    bool ok = true;
    for (size_t i = 0; i < w->ndescs && ok; i++) {
        struct wdesc *d = &w->descs[i];
        if (!d->secret || d->priv)
            continue;
        uint8_t ad[32];
        wallet_secret_ad(ad, d);
        size_t plen;
        uint8_t *plain = crypter_open(&plen, key, d->secret, d->secret_len, ad, sizeof(ad));
        ok = plain && wallet_parse_secret(w, d, plain, plen);
        crypter_free_secret(plain, plen + 1);
    }
    if (!ok)
        for (size_t i = 0; i < w->ndescs; i++) {
            descriptor_free(w->descs[i].priv);
            w->descs[i].priv = NULL;
        }
    return ok;
}

bool wallet_unlock(struct wallet *w, struct wallet_error *e, const char *pass, size_t len, int64_t timeout)
{
    if (timeout < 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Timeout cannot be negative.");
    if (timeout > 100000000)
        timeout = 100000000;
    if (len == 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "passphrase cannot be empty");
    pthread_mutex_lock(&w->mu);
    bool ok = false;
    uint8_t key[CRYPTER_KEY_LEN];
    if (!w->encrypted) {
        wallet_fail(e, WALLET_E_WRONG_ENC_STATE, "Error: running with an unencrypted wallet, but walletpassphrase was called.");
    } else if (!crypter_master_open(key, &w->master, pass, len) || !open_secrets(w, key)) {
        wallet_fail(e, WALLET_E_PASSPHRASE_INCORRECT, "Error: The wallet passphrase entered was incorrect.");
    } else {
        memcpy(w->mkey, key, sizeof(key));
        w->unlocked = true;
        w->relock_at = wallet_now() + timeout;
        if (timeout == 0)
            w->relock_at = wallet_now(); /* Core: 0 relocks at once */
        ok = true;
    }
    crypter_wipe(key, sizeof(key));
    pthread_mutex_unlock(&w->mu);
    return ok;
}

bool wallet_lock(struct wallet *w, struct wallet_error *e)
{
    pthread_mutex_lock(&w->mu);
    bool ok = w->encrypted;
    if (!ok)
        wallet_fail(e, WALLET_E_WRONG_ENC_STATE, "Error: running with an unencrypted wallet, but walletlock was called.");
    else {
        w->relock_at = 1;
        w->unlocked = true; /* force the wipe path */
        wallet_maybe_relock(w);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

bool wallet_change_passphrase(struct wallet *w, struct wallet_error *e, const char *old_pass, size_t old_len,
                              const char *new_pass, size_t new_len)
{
    if (old_len == 0 || new_len == 0)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "passphrase cannot be empty");
    pthread_mutex_lock(&w->mu);
    bool ok = false;
    uint8_t key[CRYPTER_KEY_LEN];
    if (!w->encrypted) {
        wallet_fail(e, WALLET_E_WRONG_ENC_STATE,
             "Error: running with an unencrypted wallet, but walletpassphrasechange was called.");
    } else if (!crypter_master_open(key, &w->master, old_pass, old_len)) {
        wallet_fail(e, WALLET_E_PASSPHRASE_INCORRECT, "Error: The wallet passphrase entered was incorrect.");
    } else {
        struct crypter_master m = w->master;
        uint8_t ser[CRYPTER_MASTER_SERIALIZED];
        ok = crypter_master_reseal(&m, key, new_pass, new_len) && wallet_db_begin(w, e);
        if (ok) {
            crypter_master_serialize(ser, &m);
            ok = wallet_db_put_meta(w, "mkey", ser, sizeof(ser)) ? wallet_db_commit(w, e)
                                                                 : (wallet_db_rollback(w), false);
        }
        if (ok)
            w->master = m;
        else if (!e->code)
            wallet_fail(e, WALLET_E_ENCRYPTION_FAILED, "Error: Failed to change the wallet passphrase.");
    }
    crypter_wipe(key, sizeof(key));
    pthread_mutex_unlock(&w->mu);
    return ok;
}

bool wallet_backup(struct wallet *w, struct wallet_error *e, const char *dest)
{
    pthread_mutex_lock(&w->mu);
    bool ok = false;
    if (!strcmp(dest, w->path)) {
        wallet_fail(e, WALLET_E_WALLET, "Error: Wallet backup failed! (destination is the wallet itself)");
        goto done;
    }
    sqlite3 *out = NULL;
    if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(out, "main", w->db, "main");
        if (b) {
            ok = sqlite3_backup_step(b, -1) == SQLITE_DONE;
            sqlite3_backup_finish(b);
        }
        ok = ok && sqlite3_errcode(out) == SQLITE_OK;
    }
    if (out)
        sqlite3_close_v2(out);
    if (!ok)
        wallet_fail(e, WALLET_E_WALLET, "Error: Wallet backup failed!");
done:
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* ---- PSBT ----------------------------------------------------------------- */

bool wallet_process_psbt(struct wallet *w, struct wallet_error *e, struct psbt *p, bool sign, int hash_type,
                         bool hash_type_given, bool bip32derivs, bool finalize, bool *complete)
{
    pthread_mutex_lock(&w->mu);
    bool ok = true;
    struct tx_signer s;
    tx_signer_init(&s, w->params->tokens_enabled);
    bool want_keys = sign && !w->no_private_keys;
    wallet_maybe_relock(w);
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        const struct wtx *t = wallet_find_tx(w, &p->tx.vin[i].prevout.txid);
        /* An output the wallet never stored (an ISSUER or ORACLE output
         * locked to an imported multisig) is signed from the PSBT's own
         * witness UTXO, as Core signs any solvable input. */
        struct txout psbt_utxo = { 0, { NULL, 0 } };
        const struct txout *o = NULL;
        if (t && p->tx.vin[i].prevout.n < t->tx.vout_count)
            o = &t->tx.vout[p->tx.vin[i].prevout.n];
        else if (psbt_map_get_type(&p->inputs[i], PSBT_IN_WITNESS_UTXO) && psbt_input_utxo(p, i, &psbt_utxo))
            o = &psbt_utxo;
        if (!o)
            continue;
        /* the locking script (after an extension prefix) decides the owner and the script type */
        const struct spkent *se = wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len);
        if (!se) {
            txout_clear(&psbt_utxo);
            continue;
        }
        /* updater: the UTXO (witness UTXO for segwit spends, the whole
         * transaction for legacy ones, as Core) */
        int version;
        const uint8_t *prog;
        size_t prog_len;
        const uint8_t *spk = bytes_or_empty(se->script);
        size_t spk_len = se->len;
        bool segwit = script_is_witness_program(spk, spk_len, &version, &prog, &prog_len) ||
                      script_is_p2sh(spk, spk_len);
        if (segwit && !psbt_map_get_type(&p->inputs[i], PSBT_IN_WITNESS_UTXO)) {
            struct wbuf b;
            wbuf_init(&b);
            txout_serialize(&b, o);
            uint8_t k = PSBT_IN_WITNESS_UTXO;
            psbt_map_set(&p->inputs[i], &k, 1, b.data, b.len);
            wbuf_clear(&b);
        }
        if (!segwit && t && !psbt_map_get_type(&p->inputs[i], PSBT_IN_NON_WITNESS_UTXO)) {
            struct wbuf b;
            wbuf_init(&b);
            tx_serialize(&b, &t->tx, true);
            uint8_t k = PSBT_IN_NON_WITNESS_UTXO;
            psbt_map_set(&p->inputs[i], &k, 1, b.data, b.len);
            wbuf_clear(&b);
        }
        /* the scripts (and, to sign, the keys) of the descriptor that owns it */
        const struct descriptor *d = (want_keys && w->descs[se->desc].priv) ? w->descs[se->desc].priv
                                                                             : w->descs[se->desc].pub;
        if (want_keys && w->descs[se->desc].priv == NULL && !wallet_check_unlocked(w, e)) {
            txout_clear(&psbt_utxo);
            ok = false;
            break;
        }
        struct wbuf tmp;
        wbuf_init(&tmp);
        char err[256];
        size_t s0 = s.script_count;
        if (d && descriptor_expand(d, &tmp, &s, NULL, se->index, err, sizeof(err))) {
            /* the witness/redeem scripts go into the PSBT too, for the other signers */
            for (size_t k = s0; k < s.script_count; k++) {
                const struct bytes *sc = &s.scripts[k];
                uint8_t h32[32], h20[20];
                sha256(h32, sc->data, sc->len);
                ripemd160_hash160(h20, sc->data, sc->len);
                uint8_t type = 0xff;
                if (spk_len == 34 && spk[0] == 0 && spk[1] == 32 && !memcmp(spk + 2, h32, 32))
                    type = PSBT_IN_WITNESS_SCRIPT;
                else if (spk_len == 23 && script_is_p2sh(spk, 23) && !memcmp(spk + 2, h20, 20))
                    type = PSBT_IN_REDEEM_SCRIPT;
                if (type != 0xff && !psbt_map_get_type(&p->inputs[i], type))
                    psbt_map_set(&p->inputs[i], &type, 1, sc->data, sc->len);
            }
            /* P2SH-P2WSH: the witness script under the redeem script */
            const struct bytes *rs = psbt_map_get_type(&p->inputs[i], PSBT_IN_REDEEM_SCRIPT);
            if (rs && rs->len == 34 && rs->data[0] == 0 && rs->data[1] == 32)
                for (size_t k = s0; k < s.script_count; k++) {
                    uint8_t h32[32];
                    sha256(h32, s.scripts[k].data, s.scripts[k].len);
                    if (!memcmp(rs->data + 2, h32, 32) && !psbt_map_get_type(&p->inputs[i], PSBT_IN_WITNESS_SCRIPT)) {
                        uint8_t type = PSBT_IN_WITNESS_SCRIPT;
                        psbt_map_set(&p->inputs[i], &type, 1, s.scripts[k].data, s.scripts[k].len);
                    }
                }
        }
        wbuf_clear(&tmp);
        txout_clear(&psbt_utxo);
    }
    /* outputs paying the wallet (change): their scripts and key origins */
    for (size_t i = 0; ok && i < p->tx.vout_count; i++) {
        const struct txout *o = &p->tx.vout[i];
        const struct spkent *se = wallet_find_spk(w, o->script_pubkey.data, o->script_pubkey.len);
        struct wbuf tmp;
        char err[256];
        wbuf_init(&tmp);
        if (se && !descriptor_expand(w->descs[se->desc].pub, &tmp, &s, NULL, se->index, err, sizeof(err)))
            tmp.len = 0; /* a public descriptor that cannot expand adds nothing */
        wbuf_clear(&tmp);
    }
    if (ok) {
        psbt_update_scripts(p, &s);
        if (bip32derivs)
            psbt_update_origins(p, &s);
    }
    if (ok) {
        char err[256];
        if (!psbt_sign(p, &s, hash_type, finalize, complete, hash_type_given, err, sizeof(err)))
            ok = wallet_fail(e, WALLET_E_DESERIALIZATION, "%s", err);
    }
    tx_signer_clear(&s);
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* ---- bumpfee / psbtbumpfee (BIP 125) ------------------------------------- */

/* Core's incremental relay fee: 1 sat/vB. */
#define WALLET_INCREMENTAL_FEE 1000

static bool bump_fee(struct wallet *w, struct wallet_error *e, const struct hash256 *txid, int64_t fee_rate,
                     struct psbt *out_psbt, struct hash256 *new_txid, int64_t *old_fee, int64_t *new_fee)
{
    const struct wtx *t = wallet_find_tx(w, txid);
    if (!t)
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid or non-wallet transaction id");
    for (size_t k = 0; k < w->ntxs; k++)
        for (size_t i = 0; i < w->txs[k]->tx.vin_count; i++)
            if (!memcmp(&w->txs[k]->tx.vin[i].prevout.txid, txid, 32) && !w->txs[k]->abandoned &&
                wallet_tx_depth(w, w->txs[k]) >= 0)
                return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Transaction has descendants in the wallet");
    if (wallet_tx_depth(w, t) != 0 || t->abandoned)
        return wallet_fail(e, WALLET_E_WALLET, "Transaction has been mined, or is conflicted with a mined transaction");
    bool rbf = false;
    for (size_t i = 0; i < t->tx.vin_count; i++)
        rbf = rbf || t->tx.vin[i].sequence < 0xfffffffeu;
    if (!rbf)
        return wallet_fail(e, WALLET_E_WALLET, "Transaction is not BIP 125 replaceable");
    int64_t in_total = 0, out_total = 0;
    bool tokens = false; /* a token spend (sendtoken, send with an asset): the issuance rules run before broadcast */
    for (size_t i = 0; i < t->tx.vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &t->tx.vin[i].prevout.txid);
        const struct txout *o = p && t->tx.vin[i].prevout.n < p->tx.vout_count ? &p->tx.vout[t->tx.vin[i].prevout.n] : NULL;
        struct token_prefix tp;
        bool prefixed = false;
        if (!o || !wallet_find_owner(w, &tp, &prefixed, o->script_pubkey.data, o->script_pubkey.len))
            return wallet_fail(e, WALLET_E_WALLET, "Transaction contains inputs that don't belong to this wallet");
        /* token coins of the wallet may be re-spent as they were; a vault,
         * issuer or oracle input carries state a fee bump must not touch */
        if (prefixed && tp.kind != TOKEN_KIND_TOKEN)
            return wallet_fail(e, WALLET_E_WALLET, "Transaction spends a vault, issuer or oracle output: use the command that made it");
        tokens |= prefixed;
        in_total += o->value;
    }
    if (!tx_value_out(&t->tx, &out_total))
        return wallet_fail(e, WALLET_E_WALLET, "Transaction has invalid output values");
    *old_fee = in_total - out_total;
    int64_t vsize = (int64_t)tx_vsize(&t->tx);
    const struct wallet_options *opt = wallet_context_options(w->ctx);
    int64_t old_rate = *old_fee * 1000 / vsize;
    int64_t rate = fee_rate > 0 ? fee_rate : old_rate + WALLET_INCREMENTAL_FEE;
    if (rate < opt->min_relay_fee)
        rate = opt->min_relay_fee;
    /* the replacement is signed afresh and a DER signature may come out a
     * byte longer: one vbyte of slack per input, or the mempool's
     * incremental-fee check can miss by a satoshi (as liquidation bumps) */
    int64_t new_vsize = vsize + (int64_t)t->tx.vin_count;
    int64_t fee = (rate * new_vsize + 999) / 1000;
    int64_t min_fee = *old_fee + (WALLET_INCREMENTAL_FEE * new_vsize + 999) / 1000;
    if (fee < min_fee)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER,
                    "Insufficient total fee %lld.%08lld, must be at least %lld.%08lld (oldFee %lld.%08lld + incrementalFee %lld.%08lld)",
                    (long long)(fee / 100000000), (long long)(fee % 100000000), (long long)(min_fee / 100000000),
                    (long long)(min_fee % 100000000), (long long)(*old_fee / 100000000),
                    (long long)(*old_fee % 100000000), (long long)((min_fee - *old_fee) / 100000000),
                    (long long)((min_fee - *old_fee) % 100000000));
    if (fee > opt->max_tx_fee)
        return wallet_fail(e, WALLET_E_WALLET, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
    /* the fee comes out of the change output */
    int change = -1;
    for (size_t i = 0; i < t->tx.vout_count; i++) {
        const struct spkent *se = wallet_find_spk(w, t->tx.vout[i].script_pubkey.data, t->tx.vout[i].script_pubkey.len);
        if (se && w->descs[se->desc].internal) {
            change = (int)i;
            break;
        }
    }
    if (change < 0)
        return wallet_fail(e, WALLET_E_WALLET, "Unable to create transaction. Transaction does not have a change output");
    int64_t delta = fee - *old_fee;
    if (t->tx.vout[change].value - delta <= 546)
        return wallet_fail(e, WALLET_E_WALLET, "Change output is too small to bump the fee");
    struct tx nt;
    tx_copy(&nt, &t->tx);
    for (size_t i = 0; i < nt.vin_count; i++) {
        struct txin *in = &nt.vin[i];
        bytes_clear(&in->script_sig);
        for (size_t k = 0; k < in->witness.count; k++)
            bytes_clear(&in->witness.items[k]);
        mem_free(in->witness.items);
        in->witness.items = NULL;
        in->witness.count = 0;
    }
    nt.vout[change].value -= delta;
    tx_update_hashes(&nt);
    *new_fee = fee;
    bool ok = true;
    if (out_psbt) {
        bool complete;
        ok = psbt_from_tx(out_psbt, &nt) && wallet_process_psbt(w, e, out_psbt, false, SIGHASH_DEFAULT, false, true, false,
                                                                 &complete);
        tx_clear(&nt);
        return ok;
    }
    bool complete = false;
    ok = sign_tx(w, e, &nt, &complete, NULL, SIGHASH_ALL);
    if (ok && !complete)
        ok = wallet_fail(e, WALLET_E_WALLET, "Can't sign transaction.");
    if (ok && tokens)
        ok = wallet_token_check_rules(w, e, &nt);
    char rej[256];
    if (ok && w->chain && !w->chain->submit_tx(w->chain->ctx, &nt, true, 0, rej, sizeof(rej)))
        ok = wallet_fail(e, WALLET_E_VERIFY_REJECTED, "%s", rej);
    if (ok && (ok = wallet_db_begin(w, e))) {
        struct wtx *nw = wallet_add_tx_mem(w, &nt);
        ok = wallet_db_put_tx(w, nw) ? wallet_db_commit(w, e) : (wallet_db_rollback(w), false);
        if (ok)
            wallet_notify_tx(w, nw);
        if (ok && w->chain && w->chain->submit_tx(w->chain->ctx, &nt, false, 0, rej, sizeof(rej)))
            nw->in_mempool = true;
        *new_txid = nt.txid;
    }
    tx_clear(&nt);
    return ok;
}

bool wallet_bump_fee(struct wallet *w, struct wallet_error *e, const struct hash256 *txid, int64_t fee_rate,
                     struct psbt *out_psbt, struct hash256 *new_txid, int64_t *old_fee, int64_t *new_fee)
{
    if (w->chain)
        w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    bool ok = true;
    if (!out_psbt) {
        ok = wallet_check_unlocked(w, e);
        if (ok && w->no_private_keys)
            ok = wallet_fail(e, WALLET_E_WALLET, "bumpfee is not available with wallets that have private keys disabled. Use psbtbumpfee instead.");
    }
    ok = ok && bump_fee(w, e, txid, fee_rate, out_psbt, new_txid, old_fee, new_fee);
    pthread_mutex_unlock(&w->mu);
    if (w->chain)
        w->chain->unlock(w->chain->ctx);
    return ok;
}
