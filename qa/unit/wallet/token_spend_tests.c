/* Unit tests of wallet/token_spend.c: vaultrepay and liquidatevault over a
 * fake node (struct wallet_chain with a small UTXO table, a settable
 * issuance state and a mempool that records what it is given), so every
 * refusal and the exact shape of each transaction are checked without
 * running hashmintd. Spends that pass are also run through the real
 * issuance rules inside wallet/token_spend.c (issuance_tx_check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "issuance/ratio.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"
#include "wallet/token_coins.h"
#include "wallet/wallet.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"
#include "wallet/wallet_token.h"

#define COIN INT64_C(100000000)
#define HUSD UINT64_C(100000000)

/* ---- the fake node -------------------------------------------------------- */

struct fake {
    struct outpoint vault_op;
    struct txout vault;          /* the one UTXO it knows besides the wallet's */
    int32_t vault_height;
    int32_t tip;
    struct issuance_state state;
    int submitted;               /* transactions accepted for real */
    int tested;                  /* test_only calls */
    struct tx last;              /* the last submitted transaction */
};

static void f_lock(void *ctx) { (void)ctx; }
static void f_unlock(void *ctx) { (void)ctx; }
static bool f_tip(void *ctx, struct wallet_block_info *out) { (void)ctx; (void)out; return false; }
static bool f_block_at(void *ctx, struct wallet_block_info *o, int32_t h) { (void)ctx; (void)o; (void)h; return false; }
static bool f_find(void *ctx, struct wallet_block_info *o, bool *a, int32_t *fh, const struct hash256 *h)
{
    (void)ctx; (void)o; (void)a; (void)fh; (void)h;
    return false;
}
static bool f_read(void *ctx, struct block *o, const struct hash256 *h) { (void)ctx; (void)o; (void)h; return false; }
static bool f_in_mempool(void *ctx, const struct hash256 *t) { (void)ctx; (void)t; return false; }
static int64_t f_min_fee(void *ctx) { (void)ctx; return 1000; }
static int f_subscribe(void *ctx, const struct wallet_chain_listener *l) { (void)ctx; (void)l; return 1; }
static void f_unsubscribe(void *ctx, int id) { (void)ctx; (void)id; }

static bool f_submit(void *ctx, const struct tx *tx, bool test_only, int64_t max_fee, char *err, size_t errlen)
{
    struct fake *f = ctx;
    (void)err; (void)errlen; (void)max_fee;
    if (test_only) {
        f->tested++;
        return true;
    }
    f->submitted++;
    tx_clear(&f->last);
    tx_copy(&f->last, tx);
    return true;
}

static bool f_get_coin(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    struct fake *f = ctx;
    if (op->n != f->vault_op.n || !hash256_eq(&op->txid, &f->vault_op.txid))
        return false;
    out->value = f->vault.value;
    memset(&out->script_pubkey, 0, sizeof(out->script_pubkey));
    bytes_set(&out->script_pubkey, f->vault.script_pubkey.data, f->vault.script_pubkey.len);
    *height = f->vault_height;
    *coinbase = false;
    return true;
}

static bool f_state(void *ctx, struct issuance_state *out, int32_t *tip)
{
    struct fake *f = ctx;
    *out = f->state;
    *tip = f->tip;
    return true;
}

/* ---- a wallet on the fake node -------------------------------------------- */

struct fixture {
    char dir[64];
    struct fake node;
    struct wallet_chain chain;
    struct wallet_context *ctx;
    struct wallet *w;
    const struct chain_params *p;
    uint8_t mine[ADDRESS_MAX_SCRIPT];
    size_t mine_len;
};

static void prefixed(struct wbuf *b, enum token_kind kind, const uint8_t id[32], uint64_t amount, const uint8_t *lock,
                     size_t lock_len)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, id, 32);
    p.amount = amount;
    token_prefix_serialize(b, &p);
    wbuf_put(b, lock, lock_len);
}

/* A confirmed wallet transaction (height 10) with the given outputs. */
static struct hash256 wallet_receive(struct fixture *f, struct tx *tx)
{
    struct outpoint prev;
    memset(&prev, 0x22, sizeof(prev));
    prev.n = (uint32_t)rand();
    tx_add_input(tx, &prev, NULL, 0, 0xffffffff);
    tx_update_hashes(tx);
    struct wallet *w = f->w;
    pthread_mutex_lock(&w->mu);
    struct wallet_error e = { 0, "" };
    ck_assert(wallet_db_begin(w, &e));
    struct wtx *t = wallet_add_tx_mem(w, tx);
    t->height = 10;
    ck_assert(wallet_db_put_tx(w, t));
    ck_assert(wallet_db_commit(w, &e));
    pthread_mutex_unlock(&w->mu);
    struct hash256 id = tx->txid;
    tx_clear(tx);
    return id;
}

/* Sets up a wallet with 2 HMC, tokens tokens (one coin), and the fake
 * node's vault: collateral, debt, owned by the wallet (own) or not. The
 * price: 100 HUSD per HMC, set at height 195, tip 200. */
static void fixture_init(struct fixture *f, uint64_t tokens, int64_t collateral, uint64_t debt, bool own)
{
    memset(f, 0, sizeof(*f));
    tx_init(&f->node.last);
    f->p = chain_params_get("regtest");
    snprintf(f->dir, sizeof(f->dir), "/tmp/hm_token_spend_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    f->chain = (struct wallet_chain){ .ctx = &f->node, .params = f->p, .lock = f_lock, .unlock = f_unlock,
                                      .tip = f_tip, .block_at = f_block_at, .find_block = f_find, .read_block = f_read,
                                      .submit_tx = f_submit, .in_mempool = f_in_mempool, .min_fee_rate = f_min_fee,
                                      .subscribe = f_subscribe, .unsubscribe = f_unsubscribe,
                                      .get_coin = f_get_coin, .issuance_state = f_state };
    struct wallet_options o;
    wallet_options_init(&o, f->p);
    o.keypool = 5;
    f->ctx = wallet_context_new(&f->chain, f->p, f->dir, &o);
    struct wallet_error e = { 0, "" };
    struct wallet_create_flags fl = { 0 };
    ck_assert_msg(wallet_context_create(f->ctx, &e, "t", &fl), "%s", e.message);
    f->w = wallet_context_pick(f->ctx, &e, "t");
    char addr[91];
    ck_assert(wallet_new_address(f->w, &e, addr, "bech32", false, NULL));
    ck_assert(address_to_script(f->mine, &f->mine_len, &f->p->address, addr));
    f->w->best_height = 200;
    f->node.tip = 200;

    const uint8_t *id = f->p->assets[0].asset_id;
    struct tx tx;
    tx_init(&tx);
    struct wbuf b;
    tx_add_output(&tx, 2 * COIN, f->mine, f->mine_len);
    if (tokens) {
        wbuf_init(&b);
        prefixed(&b, TOKEN_KIND_TOKEN, id, tokens, f->mine, f->mine_len);
        tx_add_output(&tx, 0, b.data, b.len);
        wbuf_clear(&b);
    }
    static const uint8_t other[22] = { 0x00, 0x14, 0x77, 0x66 };
    wbuf_init(&b);
    prefixed(&b, TOKEN_KIND_VAULT, id, debt, own ? f->mine : other, own ? f->mine_len : sizeof(other));
    tx_add_output(&tx, collateral, b.data, b.len);
    f->node.vault_op.txid = wallet_receive(f, &tx);
    f->node.vault_op.n = tokens ? 2 : 1;
    f->node.vault.value = collateral;
    bytes_set(&f->node.vault.script_pubkey, b.data, b.len);
    wbuf_clear(&b);
    f->node.vault_height = 10;

    f->node.state.count = (uint32_t)f->p->asset_count;
    for (size_t a = 0; a < f->p->asset_count; a++)
        memcpy(f->node.state.asset[a].asset_id, f->p->assets[a].asset_id, 32);
    f->node.state.asset[0].price = 100 * HUSD;
    f->node.state.asset[0].price_height = 195;
    f->node.state.asset[0].supply = debt + tokens;
}

static void fixture_done(struct fixture *f)
{
    wallet_release(f->w);
    wallet_context_free(f->ctx);
    txout_clear(&f->node.vault);
    tx_clear(&f->node.last);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    ck_assert_int_eq(system(cmd), 0);
}

static struct wallet_send_options opts(struct fixture *f)
{
    struct wallet_send_options o;
    wallet_send_options_init(&o, f->w);
    return o;
}

/* ---- vaultrepay ------------------------------------------------------------ */

START_TEST(repay_refusals_write_nothing)
{
    struct fixture f;
    fixture_init(&f, 100 * HUSD, 10 * COIN, 300 * HUSD, true);
    struct wallet_send_options o = opts(&f);
    struct wallet_error e = { 0, "" };
    struct hash256 txid;
    uint64_t left;
    size_t before = f.w->ntxs;
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, 301 * HUSD, &o));
    ck_assert_int_eq(e.code, WALLET_E_INVALID_PARAMETER);
    ck_assert_ptr_nonnull(strstr(e.message, "exceeds the vault's debt"));
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, 295 * HUSD, &o));
    ck_assert_ptr_nonnull(strstr(e.message, "bad-issuance-vault-dust"));
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, 101 * HUSD, &o));
    ck_assert_int_eq(e.code, WALLET_E_INSUFFICIENT_FUNDS);
    struct outpoint nowhere = f.node.vault_op;
    nowhere.n = 0; /* the wallet's plain HMC coin: not a vault */
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &nowhere, HUSD, &o));
    ck_assert_int_eq(e.code, WALLET_E_INVALID_ADDRESS);
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, 0, &o));
    ck_assert_int_eq(e.code, WALLET_E_TYPE);
    ck_assert_uint_eq(f.w->ntxs, before);
    ck_assert_int_eq(f.node.submitted + f.node.tested, 0);
    fixture_done(&f);

    fixture_init(&f, 100 * HUSD, 10 * COIN, 300 * HUSD, false);
    o = opts(&f);
    ck_assert(!wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, HUSD, &o));
    ck_assert_int_eq(e.code, WALLET_E_WALLET);
    ck_assert_ptr_nonnull(strstr(e.message, "not owned by this wallet"));
    fixture_done(&f);
}
END_TEST

START_TEST(repay_burns_and_keeps_the_vault)
{
    struct fixture f;
    fixture_init(&f, 150 * HUSD, 10 * COIN, 300 * HUSD, true);
    struct wallet_send_options o = opts(&f);
    struct wallet_error e = { 0, "" };
    struct hash256 txid;
    uint64_t left;
    ck_assert_msg(wallet_vault_repay(f.w, &e, &txid, &left, &f.node.vault_op, 100 * HUSD, &o), "%s", e.message);
    ck_assert_uint_eq(left, 200 * HUSD);
    ck_assert_int_eq(f.node.submitted, 1);
    const struct tx *t = &f.node.last;
    ck_assert(hash256_eq(&t->txid, &txid));
    /* input 0 the vault, signed by the wallet (not the liquidation path) */
    ck_assert(hash256_eq(&t->vin[0].prevout.txid, &f.node.vault_op.txid) && t->vin[0].prevout.n == f.node.vault_op.n);
    ck_assert(t->vin[0].witness.count > 0);
    /* output 0 the vault: same owner and collateral, debt 200 */
    struct token_prefix tp;
    size_t plen;
    ck_assert_int_eq(token_prefix_parse(&tp, &plen, t->vout[0].script_pubkey.data, t->vout[0].script_pubkey.len),
                     TOKEN_PREFIX_OK);
    ck_assert(tp.kind == TOKEN_KIND_VAULT && tp.amount == 200 * HUSD);
    ck_assert_int_eq(t->vout[0].value, 10 * COIN);
    ck_assert(t->vout[0].script_pubkey.len - plen == f.mine_len &&
              !memcmp(t->vout[0].script_pubkey.data + plen, f.mine, f.mine_len));
    /* output 1: the 50 HUSD of token change, to the wallet */
    pthread_mutex_lock(&f.w->mu);
    bool pre;
    ck_assert_ptr_nonnull(wallet_find_owner(f.w, &tp, &pre, t->vout[1].script_pubkey.data, t->vout[1].script_pubkey.len));
    ck_assert(pre && tp.kind == TOKEN_KIND_TOKEN && tp.amount == 50 * HUSD);
    pthread_mutex_unlock(&f.w->mu);
    fixture_done(&f);
}
END_TEST

/* ---- liquidatevault ------------------------------------------------------- */

START_TEST(liquidation_refusals)
{
    struct fixture f;
    struct wallet_error e = { 0, "" };
    struct hash256 txid;
    uint64_t seized;
    int64_t fee;
    /* 10 HMC for 600 HUSD: 166 % at 100 HUSD per HMC, healthy */
    fixture_init(&f, 700 * HUSD, 10 * COIN, 600 * HUSD, false);
    struct wallet_send_options o = opts(&f);
    ck_assert(!wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o));
    ck_assert_int_eq(e.code, WALLET_E_WALLET);
    ck_assert_ptr_nonnull(strstr(e.message, "bad-issuance-liquidate-healthy"));
    /* at 70 it is 116 %, but a price 31 blocks old is stale for the next block */
    f.node.state.asset[0].price = 70 * HUSD;
    f.node.state.asset[0].price_height = 200 - 30;
    ck_assert(!wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o));
    ck_assert_ptr_nonnull(strstr(e.message, "bad-issuance-liquidate-price-stale"));
    ck_assert_int_eq(f.node.submitted + f.node.tested, 0);
    fixture_done(&f);

    fixture_init(&f, 500 * HUSD, 10 * COIN, 600 * HUSD, false);
    o = opts(&f);
    f.node.state.asset[0].price = 70 * HUSD;
    ck_assert(!wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o));
    ck_assert_int_eq(e.code, WALLET_E_INSUFFICIENT_FUNDS);
    fixture_done(&f);

    fixture_init(&f, 500 * HUSD, 10 * COIN, 0, false);
    o = opts(&f);
    ck_assert(!wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o));
    ck_assert_int_eq(e.code, WALLET_E_INVALID_PARAMETER);
    ck_assert_int_eq(f.node.submitted + f.node.tested, 0);
    fixture_done(&f);
}
END_TEST

START_TEST(liquidation_shape)
{
    struct fixture f;
    struct wallet_error e = { 0, "" };
    struct hash256 txid;
    uint64_t seized;
    int64_t fee;
    fixture_init(&f, 700 * HUSD, 10 * COIN, 600 * HUSD, false);
    struct wallet_send_options o = opts(&f);
    f.node.state.asset[0].price = 70 * HUSD;
    ck_assert_msg(wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o), "%s", e.message);
    uint64_t want = issuance_seized(10 * COIN, 600 * HUSD, 70 * HUSD, f.p->assets[0].liquidation_bonus_pct);
    ck_assert_uint_eq(seized, want);
    ck_assert_int_eq(f.node.submitted, 1);
    const struct tx *t = &f.node.last;
    /* the vault on the liquidation path: nothing in scriptSig or witness */
    ck_assert(hash256_eq(&t->vin[0].prevout.txid, &f.node.vault_op.txid));
    ck_assert_uint_eq(t->vin[0].script_sig.len, 0);
    ck_assert_uint_eq(t->vin[0].witness.count, 0);
    /* output 0 the owner's locking script, collateral - seized */
    size_t plen;
    struct token_prefix tp;
    ck_assert_int_eq(token_prefix_parse(&tp, &plen, f.node.vault.script_pubkey.data, f.node.vault.script_pubkey.len),
                     TOKEN_PREFIX_OK);
    ck_assert_uint_eq(t->vout[0].script_pubkey.len, f.node.vault.script_pubkey.len - plen);
    ck_assert(!memcmp(t->vout[0].script_pubkey.data, f.node.vault.script_pubkey.data + plen, t->vout[0].script_pubkey.len));
    ck_assert_int_eq(t->vout[0].value, 10 * COIN - (int64_t)want);
    /* 100 HUSD of token change and the payout, both the wallet's */
    pthread_mutex_lock(&f.w->mu);
    bool pre;
    ck_assert_ptr_nonnull(wallet_find_owner(f.w, &tp, &pre, t->vout[1].script_pubkey.data, t->vout[1].script_pubkey.len));
    ck_assert(pre && tp.kind == TOKEN_KIND_TOKEN && tp.amount == 100 * HUSD);
    ck_assert_ptr_nonnull(wallet_find_spk(f.w, t->vout[2].script_pubkey.data, t->vout[2].script_pubkey.len));
    pthread_mutex_unlock(&f.w->mu);
    ck_assert_int_eq(t->vout[2].value, (int64_t)want - fee);
    ck_assert(fee > 0 && fee < 10000);
    ck_assert_uint_eq(t->vout_count, 3);
    fixture_done(&f);
}
END_TEST

START_TEST(liquidation_pays_the_owner_no_dust)
{
    struct fixture f;
    struct wallet_error e = { 0, "" };
    struct hash256 txid;
    uint64_t seized;
    int64_t fee;
    /* collateral just above what the liquidation seizes: the owner is owed 100 base units */
    uint64_t debt = 600 * HUSD;
    uint64_t take = issuance_seized(UINT64_MAX / 4, debt, 70 * HUSD, 10);
    fixture_init(&f, 600 * HUSD, (int64_t)take + 100, debt, false);
    struct wallet_send_options o = opts(&f);
    f.node.state.asset[0].price = 70 * HUSD;
    ck_assert_msg(wallet_liquidate_vault(f.w, &e, &txid, &seized, &fee, &f.node.vault_op, &o), "%s", e.message);
    ck_assert_uint_eq(seized, take);
    ck_assert_int_eq(f.node.last.vout[0].value, 546);
    fixture_done(&f);
}
END_TEST

static Suite *token_spend_suite(void)
{
    Suite *s = suite_create("token_spend");
    TCase *tc = tcase_create("vaults");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, repay_refusals_write_nothing);
    tcase_add_test(tc, repay_burns_and_keeps_the_vault);
    tcase_add_test(tc, liquidation_refusals);
    tcase_add_test(tc, liquidation_shape);
    tcase_add_test(tc, liquidation_pays_the_owner_no_dust);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(token_spend_suite)
