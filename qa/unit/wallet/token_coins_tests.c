/* Unit tests of wallet/token_coins.c (token coin tracking and selection),
 * with the pieces of the wallet they work with: a real wallet file
 * without a chain (wallet_context_new with chain NULL), whose transactions
 * are put in place the way the chain's events would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"
#include "wallet/token_coins.h"
#include "wallet/wallet.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"
#include "wallet/wallet_token.h"

#define COIN INT64_C(100000000)

/* ---- token_select ------------------------------------------------------ */

START_TEST(select_prefers_exact_then_smallest_single)
{
    size_t idx[8], n;
    uint64_t a[] = { 50, 30, 70, 200, 30 };
    ck_assert(token_select(idx, &n, a, 5, 30));
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(idx[0], 1); /* the first exact match: no change */
    ck_assert(token_select(idx, &n, a, 5, 60));
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(idx[0], 2); /* 70: the smallest single coin above 60 */
    ck_assert(token_select(idx, &n, a, 5, 199));
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(idx[0], 3);
}
END_TEST

START_TEST(select_largest_first_when_no_single_coin_covers)
{
    size_t idx[8], n;
    uint64_t a[] = { 10, 40, 25, 40, 5 };
    ck_assert(token_select(idx, &n, a, 5, 90)); /* 40 + 40 + 25 */
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(idx[0], 1);
    ck_assert_uint_eq(idx[1], 2);
    ck_assert_uint_eq(idx[2], 3);
    ck_assert(token_select(idx, &n, a, 5, 120)); /* everything */
    ck_assert_uint_eq(n, 5);
}
END_TEST

START_TEST(select_refuses_what_cannot_be_covered)
{
    size_t idx[8], n = 99;
    uint64_t a[] = { 10, 20 };
    ck_assert(!token_select(idx, &n, a, 2, 31));
    ck_assert_uint_eq(n, 0);
    ck_assert(!token_select(idx, &n, a, 0, 1));
    ck_assert(!token_select(idx, &n, a, 2, 0));
    uint64_t big[] = { TOKEN_AMOUNT_MAX, TOKEN_AMOUNT_MAX, TOKEN_AMOUNT_MAX };
    ck_assert(token_select(idx, &n, big, 3, TOKEN_AMOUNT_MAX)); /* no overflow near 2^53 */
    ck_assert_uint_eq(n, 1);
}
END_TEST

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Properties over random wallets: the selection covers the target, lists
 * distinct ascending positions, uses one coin whenever one coin can, and
 * otherwise no fewer coins than any selection could. */
START_TEST(select_properties_random)
{
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(next_rand(&rng) % 12);
        uint64_t a[12], total = 0, max = 0;
        for (size_t i = 0; i < n; i++) {
            a[i] = 1 + next_rand(&rng) % 1000;
            total += a[i];
            max = a[i] > max ? a[i] : max;
        }
        uint64_t target = 1 + next_rand(&rng) % 3000;
        size_t idx[12], k;
        bool ok = token_select(idx, &k, a, n, target);
        ck_assert_int_eq(ok, total >= target);
        if (!ok)
            continue;
        uint64_t sum = 0;
        for (size_t i = 0; i < k; i++) {
            ck_assert(idx[i] < n);
            if (i)
                ck_assert(idx[i] > idx[i - 1]);
            sum += a[idx[i]];
        }
        ck_assert(sum >= target);
        if (max >= target) {
            ck_assert_uint_eq(k, 1);
        } else {
            /* the k largest are the fewest coins that reach the target */
            uint64_t sorted[12];
            memcpy(sorted, a, n * sizeof(uint64_t));
            for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                    if (sorted[j] > sorted[i]) {
                        uint64_t t = sorted[i];
                        sorted[i] = sorted[j];
                        sorted[j] = t;
                    }
            uint64_t best = 0;
            for (size_t i = 0; i + 1 < k; i++)
                best += sorted[i];
            ck_assert(best < target); /* k - 1 coins never suffice */
        }
    }
}
END_TEST

/* ---- tracking in a wallet ------------------------------------------------ */

struct fixture {
    char dir[64];
    struct wallet_context *ctx;
    struct wallet *w;
    const struct chain_params *p;
    uint8_t mine[ADDRESS_MAX_SCRIPT]; /* a receive script of the wallet */
    size_t mine_len;
};

static void fixture_open(struct fixture *f, bool create)
{
    struct wallet_options o;
    wallet_options_init(&o, f->p);
    o.keypool = 5;
    f->ctx = wallet_context_new(NULL, f->p, f->dir, &o);
    struct wallet_error e = { 0, "" };
    struct wallet_create_flags fl = { 0 };
    if (create)
        ck_assert_msg(wallet_context_create(f->ctx, &e, "t", &fl), "%s", e.message);
    else
        ck_assert_msg(wallet_context_load(f->ctx, &e, "t"), "%s", e.message);
    f->w = wallet_context_pick(f->ctx, &e, "t");
    ck_assert_ptr_nonnull(f->w);
}

static void fixture_close(struct fixture *f)
{
    wallet_release(f->w);
    wallet_context_free(f->ctx);
}

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->p = chain_params_get("regtest");
    ck_assert_ptr_nonnull(f->p);
    ck_assert(f->p->tokens_enabled && f->p->asset_count > 0);
    snprintf(f->dir, sizeof(f->dir), "/tmp/hm_token_coins_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    fixture_open(f, true);
    char addr[91];
    struct wallet_error e = { 0, "" };
    ck_assert(wallet_new_address(f->w, &e, addr, "bech32", false, "tokens"));
    ck_assert(address_to_script(f->mine, &f->mine_len, &f->p->address, addr));
}

static void fixture_done(struct fixture *f)
{
    fixture_close(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void add_prefixed(struct tx *tx, int64_t value, enum token_kind kind, const uint8_t id[32], uint64_t amount,
                         const uint8_t *lock, size_t lock_len)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, id, 32);
    p.amount = amount;
    struct wbuf b;
    wbuf_init(&b);
    token_prefix_serialize(&b, &p);
    wbuf_put(&b, lock, lock_len);
    tx_add_output(tx, value, b.data, b.len);
    wbuf_clear(&b);
}

/* A confirmed transaction paying the wallet: 1 HMC plainly, 500 token base
 * units carrying 50 HMC, a vault of 30 HMC, and 7 tokens to someone else. */
static struct hash256 receive(struct fixture *f)
{
    struct wallet *w = f->w;
    struct tx tx;
    tx_init(&tx);
    struct outpoint prev;
    memset(&prev, 0x11, sizeof(prev));
    tx_add_input(&tx, &prev, NULL, 0, 0xffffffff);
    const uint8_t *id = f->p->assets[0].asset_id;
    static const uint8_t other[22] = { 0x00, 0x14, 0xaa, 0xbb };
    tx_add_output(&tx, 1 * COIN, f->mine, f->mine_len);
    add_prefixed(&tx, 50 * COIN, TOKEN_KIND_TOKEN, id, 500, f->mine, f->mine_len);
    add_prefixed(&tx, 30 * COIN, TOKEN_KIND_VAULT, id, 0, f->mine, f->mine_len);
    add_prefixed(&tx, 0, TOKEN_KIND_TOKEN, id, 7, other, sizeof(other));
    tx_update_hashes(&tx);
    pthread_mutex_lock(&w->mu);
    struct wallet_error e = { 0, "" };
    ck_assert(wallet_db_begin(w, &e));
    struct wtx *t = wallet_add_tx_mem(w, &tx);
    t->height = 10;
    w->best_height = 12;
    ck_assert(wallet_db_put_tx(w, t));
    ck_assert(wallet_db_commit(w, &e));
    pthread_mutex_unlock(&w->mu);
    struct hash256 txid = tx.txid;
    tx_clear(&tx);
    return txid;
}

START_TEST(owner_looks_through_the_prefix)
{
    struct fixture f;
    fixture_init(&f);
    const uint8_t *id = f.p->assets[0].asset_id;
    struct tx tx;
    tx_init(&tx);
    add_prefixed(&tx, 0, TOKEN_KIND_TOKEN, id, 9, f.mine, f.mine_len);
    struct token_prefix tp;
    bool prefixed;
    const struct txout *o = &tx.vout[0];
    pthread_mutex_lock(&f.w->mu);
    ck_assert_ptr_null(wallet_find_spk(f.w, o->script_pubkey.data, o->script_pubkey.len));
    ck_assert_ptr_nonnull(wallet_find_owner(f.w, &tp, &prefixed, o->script_pubkey.data, o->script_pubkey.len));
    ck_assert(prefixed && tp.kind == TOKEN_KIND_TOKEN && tp.amount == 9);
    ck_assert(wallet_spk_prefixed(f.w, o->script_pubkey.data, o->script_pubkey.len));
    ck_assert_ptr_nonnull(wallet_find_owner(f.w, NULL, &prefixed, f.mine, f.mine_len));
    ck_assert(!prefixed);
    /* a malformed prefix owns nothing */
    uint8_t bad[40] = { TOKEN_PREFIX_MARKER, 0x09 };
    ck_assert_ptr_null(wallet_find_owner(f.w, NULL, NULL, bad, sizeof(bad)));
    pthread_mutex_unlock(&f.w->mu);
    tx_clear(&tx);
    fixture_done(&f);
}
END_TEST

START_TEST(tokens_tracked_never_hmc)
{
    struct fixture f;
    fixture_init(&f);
    struct hash256 txid = receive(&f);
    struct wallet *w = f.w;

    pthread_mutex_lock(&w->mu);
    struct wallet_token_coin *c;
    size_t n = wallet_token_coins(w, &c, 1, INT32_MAX);
    ck_assert_uint_eq(n, 1); /* not the vault, not the other wallet's tokens */
    ck_assert(hash256_eq(&c[0].op.txid, &txid));
    ck_assert_uint_eq(c[0].op.n, 1);
    ck_assert_uint_eq(c[0].amount, 500);
    ck_assert_uint_eq(c[0].asset, 0);
    ck_assert_int_eq(c[0].depth, 3);
    ck_assert(c[0].safe && c[0].spendable && !c[0].locked);
    mem_free(c);
    n = wallet_token_coins(w, &c, 4, INT32_MAX);
    ck_assert_uint_eq(n, 0);
    mem_free(c);
    pthread_mutex_unlock(&w->mu);

    json_t *bal = wallet_token_balance_json(w, 0, 0);
    ck_assert_int_eq(json_integer_value(bal), 500);
    json_decref(bal);
    bal = wallet_token_balance_json(w, -1, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(bal, f.p->assets[0].ticker)), 500);
    json_decref(bal);

    /* HMC: only the plain coin, never the 50 HMC a token output carries nor the vault's 30 */
    int64_t trusted;
    json_t *b = wallet_balances_json(w, &trusted);
    json_decref(b);
    ck_assert_int_eq(trusted, 1 * COIN);
    struct wallet_error e = { 0, "" };
    json_t *u = wallet_list_unspent(w, &e, 0, 9999999, NULL, true);
    ck_assert_uint_eq(json_array_size(u), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(u, 0), "vout")), 0);
    json_decref(u);

    /* coin selection for an HMC payment: 10 HMC cannot be paid, though 81 HMC sit in the wallet's outputs */
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    static const uint8_t payee[22] = { 0x00, 0x14, 0x01 };
    struct tx tx;
    tx_init(&tx);
    tx_add_output(&tx, 10 * COIN, payee, sizeof(payee));
    int64_t fee;
    int cp;
    ck_assert(!wallet_fund(w, &e, &tx, &fee, &cp, NULL, &o));
    ck_assert_int_eq(e.code, WALLET_E_INSUFFICIENT_FUNDS);
    tx_clear(&tx);
    tx_init(&tx);
    tx_add_output(&tx, COIN / 2, payee, sizeof(payee));
    ck_assert_msg(wallet_fund(w, &e, &tx, &fee, &cp, NULL, &o), "%s", e.message);
    ck_assert_uint_eq(tx.vin_count, 1);
    ck_assert(hash256_eq(&tx.vin[0].prevout.txid, &txid));
    ck_assert_uint_eq(tx.vin[0].prevout.n, 0);
    tx_clear(&tx);
    fixture_done(&f);
}
END_TEST

START_TEST(send_token_change_and_restart)
{
    struct fixture f;
    fixture_init(&f);
    struct hash256 txid = receive(&f);
    struct wallet *w = f.w;
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    static const uint8_t payee[22] = { 0x00, 0x14, 0x02 };
    struct wallet_error e = { 0, "" };
    struct hash256 sent;

    size_t before = w->ntxs;
    ck_assert(!wallet_send_token(w, &e, &sent, payee, sizeof(payee), 501, 0, &o));
    ck_assert_int_eq(e.code, WALLET_E_INSUFFICIENT_FUNDS);
    ck_assert(!wallet_send_token(w, &e, &sent, payee, sizeof(payee), 0, 0, &o));
    ck_assert_int_eq(e.code, WALLET_E_TYPE);
    ck_assert_uint_eq(w->ntxs, before); /* refused: nothing written */

    ck_assert_msg(wallet_send_token(w, &e, &sent, payee, sizeof(payee), 200, 0, &o), "%s", e.message);
    pthread_mutex_lock(&w->mu);
    const struct wtx *t = wallet_find_tx(w, &sent);
    ck_assert_ptr_nonnull(t);
    /* inputs: the token coin (and its 50 HMC pay the fee: no HMC coin needed) */
    ck_assert_uint_eq(t->tx.vin_count, 1);
    ck_assert(hash256_eq(&t->tx.vin[0].prevout.txid, &txid) && t->tx.vin[0].prevout.n == 1);
    /* outputs: 200 to the payee, 300 back to a change address of the wallet, HMC change */
    struct token_prefix tp;
    size_t plen;
    ck_assert_int_eq(token_prefix_parse(&tp, &plen, t->tx.vout[0].script_pubkey.data, t->tx.vout[0].script_pubkey.len),
                     TOKEN_PREFIX_OK);
    ck_assert(tp.amount == 200 && !memcmp(t->tx.vout[0].script_pubkey.data + plen, payee, sizeof(payee)));
    bool prefixed;
    const struct spkent *s =
        wallet_find_owner(w, &tp, &prefixed, t->tx.vout[1].script_pubkey.data, t->tx.vout[1].script_pubkey.len);
    ck_assert(s && prefixed && tp.amount == 300 && w->descs[s->desc].internal);
    ck_assert_uint_eq(t->tx.vout_count, 3);
    ck_assert(!wallet_spk_prefixed(w, t->tx.vout[2].script_pubkey.data, t->tx.vout[2].script_pubkey.len));
    ck_assert(t->tx.vout[2].value > 49 * COIN && t->tx.vout[2].value < 50 * COIN);
    struct wallet_token_coin *c;
    size_t n = wallet_token_coins(w, &c, 0, INT32_MAX);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(c[0].amount, 300);
    ck_assert(hash256_eq(&c[0].op.txid, &sent));
    mem_free(c);
    pthread_mutex_unlock(&w->mu);

    /* the wallet file keeps it all */
    fixture_close(&f);
    fixture_open(&f, false);
    w = f.w;
    pthread_mutex_lock(&w->mu);
    n = wallet_token_coins(w, &c, 0, INT32_MAX);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(c[0].amount, 300);
    mem_free(c);
    pthread_mutex_unlock(&w->mu);
    fixture_done(&f);
}
END_TEST

START_TEST(locked_wallet_refuses)
{
    struct fixture f;
    fixture_init(&f);
    receive(&f);
    struct wallet *w = f.w;
    struct wallet_error e = { 0, "" };
    ck_assert_msg(wallet_encrypt(w, &e, "pass", 4), "%s", e.message);
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    static const uint8_t payee[22] = { 0x00, 0x14, 0x03 };
    struct hash256 sent;
    size_t before = w->ntxs;
    ck_assert(!wallet_send_token(w, &e, &sent, payee, sizeof(payee), 1, 0, &o));
    ck_assert_int_eq(e.code, WALLET_E_UNLOCK_NEEDED);
    ck_assert_uint_eq(w->ntxs, before);
    ck_assert(wallet_unlock(w, &e, "pass", 4, 600));
    ck_assert_msg(wallet_send_token(w, &e, &sent, payee, sizeof(payee), 1, 0, &o), "%s", e.message);
    ck_assert_uint_eq(w->ntxs, before + 1);
    fixture_done(&f);
}
END_TEST

static Suite *token_coins_suite(void)
{
    Suite *s = suite_create("token_coins");
    TCase *tc = tcase_create("select");
    tcase_add_test(tc, select_prefers_exact_then_smallest_single);
    tcase_add_test(tc, select_largest_first_when_no_single_coin_covers);
    tcase_add_test(tc, select_refuses_what_cannot_be_covered);
    tcase_add_test(tc, select_properties_random);
    suite_add_tcase(s, tc);
    tc = tcase_create("wallet");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, owner_looks_through_the_prefix);
    tcase_add_test(tc, tokens_tracked_never_hmc);
    tcase_add_test(tc, send_token_change_and_restart);
    tcase_add_test(tc, locked_wallet_refuses);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(token_coins_suite)
