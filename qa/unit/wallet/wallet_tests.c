/* Unit tests of wallet/wallet.c's coin state: the spend index behind
 * wallet_is_spent and the conflicts a connected block marks (through the
 * block-connected listener of a fake node, as src/node/wallet_glue.c
 * forwards the chain's events). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/amount.h"
#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "wallet/wallet.h"
#include "wallet/wallet_internal.h"

struct fake {
    struct wallet_block_info tip;
    struct wallet_chain_listener l;
};

static void f_lock(void *ctx) { (void)ctx; }
static void f_unlock(void *ctx) { (void)ctx; }
static bool f_tip(void *ctx, struct wallet_block_info *out)
{
    *out = ((struct fake *)ctx)->tip;
    return true;
}
static bool f_block_at(void *ctx, struct wallet_block_info *out, int32_t h)
{
    struct fake *f = ctx;
    if (h != f->tip.height)
        return false;
    *out = f->tip;
    return true;
}
/* Only the tip is known (enough for a reload to find its last block there). */
static bool f_find(void *ctx, struct wallet_block_info *o, bool *a, int32_t *fh, const struct hash256 *h)
{
    struct fake *f = ctx;
    if (!hash256_eq(h, &f->tip.hash))
        return false;
    *o = f->tip;
    *a = true;
    *fh = f->tip.height;
    return true;
}
static bool f_read(void *ctx, struct block *o, const struct hash256 *h) { (void)ctx; (void)o; (void)h; return false; }
static bool f_submit(void *ctx, const struct tx *tx, bool t, int64_t m, char *err, size_t n)
{
    (void)ctx; (void)err; (void)n; (void)tx; (void)t; (void)m;
    return true;
}
static bool f_in_mempool(void *ctx, const struct hash256 *t) { (void)ctx; (void)t; return false; }
static int64_t f_min_fee(void *ctx) { (void)ctx; return 1000; }
static int f_subscribe(void *ctx, const struct wallet_chain_listener *l)
{
    ((struct fake *)ctx)->l = *l;
    return 1;
}
static void f_unsubscribe(void *ctx, int id) { (void)ctx; (void)id; }
static bool f_get_coin(void *ctx, struct txout *o, int32_t *h, bool *cb, const struct outpoint *op)
{
    (void)ctx; (void)o; (void)h; (void)cb; (void)op;
    return false;
}
static bool f_state(void *ctx, struct issuance_state *o, int32_t *h) { (void)ctx; (void)o; (void)h; return false; }

struct fixture {
    char dir[64];
    struct fake node;
    struct wallet_chain chain;
    struct wallet_context *ctx;
    struct wallet *w;
    uint8_t mine[ADDRESS_MAX_SCRIPT];
    size_t mine_len;
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    const struct chain_params *p = chain_params_get("regtest");
    snprintf(f->dir, sizeof(f->dir), "/tmp/hm_wallet_tests_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    memset(f->node.tip.hash.b, 0x01, 32);
    f->node.tip.height = 100;
    f->chain = (struct wallet_chain){ .ctx = &f->node, .params = p, .lock = f_lock, .unlock = f_unlock,
                                      .tip = f_tip, .block_at = f_block_at, .find_block = f_find, .read_block = f_read,
                                      .submit_tx = f_submit, .in_mempool = f_in_mempool, .min_fee_rate = f_min_fee,
                                      .subscribe = f_subscribe, .unsubscribe = f_unsubscribe,
                                      .get_coin = f_get_coin, .issuance_state = f_state };
    struct wallet_options o;
    wallet_options_init(&o, p);
    o.keypool = 5;
    f->ctx = wallet_context_new(&f->chain, p, f->dir, &o);
    struct wallet_error e = { 0, "" };
    struct wallet_create_flags fl = { 0 };
    ck_assert_msg(wallet_context_create(f->ctx, &e, "t", &fl), "%s", e.message);
    f->w = wallet_context_pick(f->ctx, &e, "t");
    ck_assert_ptr_nonnull(f->w);
    ck_assert_ptr_nonnull(f->node.l.block_connected);
    char addr[91];
    ck_assert(wallet_new_address(f->w, &e, addr, "bech32", false, NULL));
    ck_assert(address_to_script(f->mine, &f->mine_len, &p->address, addr));
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static void fixture_done(struct fixture *f)
{
    wallet_release(f->w);
    wallet_context_free(f->ctx);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A transaction spending prev (n inputs) with one output to the wallet. */
static void make_tx(struct fixture *f, struct tx *t, const struct outpoint *prev, size_t n, int64_t value)
{
    tx_init(t);
    for (size_t i = 0; i < n; i++)
        tx_add_input(t, &prev[i], NULL, 0, 0xfffffffdu);
    tx_add_output(t, value, f->mine, f->mine_len);
    tx_update_hashes(t);
}

/* Connects a block of txs at the next height (the wallet's listener, as the node calls it). */
static void connect(struct fixture *f, const struct tx *txs, size_t n, uint8_t tag)
{
    struct block b;
    block_init(&b);
    for (size_t i = 0; i < n; i++)
        block_add_tx(&b, &txs[i]);
    struct wallet_block_info info = f->node.tip;
    info.prev = f->node.tip.hash;
    memset(info.hash.b, tag, 32);
    info.height = f->node.tip.height + 1;
    info.time += 600;
    f->node.tip = info;
    f->node.l.block_connected(f->node.l.ctx, &b, &info);
    block_clear(&b);
}

/* An unconfirmed wallet transaction, as a send leaves it. */
static struct wtx *add_unconfirmed(struct fixture *f, const struct tx *t)
{
    struct wallet *w = f->w;
    struct wallet_error e = { 0, "" };
    pthread_mutex_lock(&w->mu);
    ck_assert(wallet_db_begin(w, &e));
    struct wtx *wt = wallet_add_tx_mem(w, t);
    ck_assert(wallet_db_put_tx(w, wt));
    ck_assert(wallet_db_commit(w, &e));
    pthread_mutex_unlock(&w->mu);
    return wt;
}

START_TEST(spent_follows_active_spenders)
{
    struct fixture f;
    fixture_init(&f);
    /* two receipts from outside, confirmed */
    struct outpoint ext[2];
    memset(ext, 0x33, sizeof(ext));
    ext[0].n = 0;
    ext[1].n = 1;
    struct tx r[2];
    make_tx(&f, &r[0], &ext[0], 1, COIN);
    make_tx(&f, &r[1], &ext[1], 1, 2 * COIN);
    connect(&f, r, 2, 0x10);
    struct outpoint c0 = { r[0].txid, 0 }, c1 = { r[1].txid, 0 }, c0_other = { r[0].txid, 1 };
    ck_assert(!wallet_is_spent(f.w, &c0));
    ck_assert(!wallet_is_spent(f.w, &c1));

    /* an unconfirmed spend of c0 */
    struct tx s1;
    make_tx(&f, &s1, &c0, 1, COIN - 1000);
    struct wtx *ws1 = add_unconfirmed(&f, &s1);
    ck_assert(wallet_is_spent(f.w, &c0));
    ck_assert(!wallet_is_spent(f.w, &c1));
    ck_assert(!wallet_is_spent(f.w, &c0_other)); /* same txid, other index */

    /* abandoned: the coin is free again; a second spender takes it */
    ws1->abandoned = true;
    ck_assert(!wallet_is_spent(f.w, &c0));
    struct outpoint both[2] = { c1, c0 };
    struct tx s2;
    make_tx(&f, &s2, both, 2, 3 * COIN - 1000);
    add_unconfirmed(&f, &s2);
    ck_assert(wallet_is_spent(f.w, &c0));
    ck_assert(wallet_is_spent(f.w, &c1));

    for (int i = 0; i < 2; i++)
        tx_clear(&r[i]);
    tx_clear(&s1);
    tx_clear(&s2);
    fixture_done(&f);
}
END_TEST

START_TEST(block_conflicts_spender_and_child)
{
    struct fixture f;
    fixture_init(&f);
    struct outpoint ext;
    memset(&ext, 0x44, sizeof(ext));
    struct tx r;
    make_tx(&f, &r, &ext, 1, COIN);
    connect(&f, &r, 1, 0x20);
    struct outpoint coin = { r.txid, 0 };

    /* unconfirmed a spends coin, b spends a's output; c (in a block) spends coin too */
    struct tx a, b, c;
    make_tx(&f, &a, &coin, 1, COIN - 1000);
    struct outpoint a0 = { a.txid, 0 };
    make_tx(&f, &b, &a0, 1, COIN - 2000);
    make_tx(&f, &c, &coin, 1, COIN - 5000);
    struct wtx *wa = add_unconfirmed(&f, &a);
    struct wtx *wb = add_unconfirmed(&f, &b);
    ck_assert(wallet_is_spent(f.w, &a0));
    connect(&f, &c, 1, 0x21);
    int32_t h = f.node.tip.height;
    ck_assert_int_eq(wa->conflict_height, h);
    ck_assert_int_eq(wb->conflict_height, h);
    ck_assert_int_lt(wallet_tx_depth(f.w, wa), 0);
    /* coin is spent by c (confirmed); a's output no longer counts as spent by b */
    ck_assert(wallet_is_spent(f.w, &coin));
    ck_assert(!wallet_is_spent(f.w, &a0));
    struct wtx *wc = wallet_find_tx(f.w, &c.txid);
    ck_assert_ptr_nonnull(wc);
    ck_assert_int_eq(wc->height, h);
    ck_assert_int_eq(wc->conflict_height, -1);

    tx_clear(&r);
    tx_clear(&a);
    tx_clear(&b);
    tx_clear(&c);
    fixture_done(&f);
}
END_TEST

START_TEST(spent_index_survives_reload)
{
    struct fixture f;
    fixture_init(&f);
    struct outpoint ext;
    memset(&ext, 0x55, sizeof(ext));
    struct tx r, s;
    make_tx(&f, &r, &ext, 1, COIN);
    connect(&f, &r, 1, 0x30);
    struct outpoint coin = { r.txid, 0 };
    make_tx(&f, &s, &coin, 1, COIN - 1000);
    connect(&f, &s, 1, 0x31);
    struct outpoint change = { s.txid, 0 };
    struct wallet_error e = { 0, "" };
    wallet_release(f.w);
    ck_assert(wallet_context_unload(f.ctx, &e, "t"));
    ck_assert_msg(wallet_context_load(f.ctx, &e, "t"), "%s", e.message);
    f.w = wallet_context_pick(f.ctx, &e, "t");
    ck_assert_ptr_nonnull(f.w);
    ck_assert(wallet_is_spent(f.w, &coin));
    ck_assert(!wallet_is_spent(f.w, &change));
    tx_clear(&r);
    tx_clear(&s);
    fixture_done(&f);
}
END_TEST

static Suite *wallet_suite(void)
{
    Suite *s = suite_create("wallet");
    TCase *tc = tcase_create("coins");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spent_follows_active_spenders);
    tcase_add_test(tc, block_conflicts_spender_and_child);
    tcase_add_test(tc, spent_index_survives_reload);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(wallet_suite)
