/* Tests of src/chain/chainstate_issuance.c and src/chain/issuance_query.c:
 * the issuance state in a regtest chainstate. A coinbase vault, an oracle
 * update signed 2-of-3, a mint signed 3-of-5, a price fall and a liquidation
 * by the liquidation path are connected as blocks; the state after every
 * block is recorded and must come back byte for byte after disconnecting
 * (invalidateblock), reconnecting, restarting and replaying an interrupted
 * flush (also across a reorganisation). Invalid issuance transactions are
 * rejected in a block with their reason and leave the state alone. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"
#include "issuance/reserve_commitment.h"
#include "issuance/reserve_tree.h"
#include "issuance/state_serialize.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/chain/events.h"
#include "src/chain/issuance_query.h"
#include "wallet/tx_sign.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

/* doc/chain-params.md, "Keys: regtest". */
static const char *GENESIS_KEY = "622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba";
static const char *ISSUER_KEYS[3] = {
    "b0375cbc3ea46c6377c137f5a6d04884ab52ab85ff0715b9c94dcdebb1399f35",
    "fa84a6057292b5c49cabd67de2e57841f86b10c63db66bab7bbd8e4757afdb3f",
    "8f1efa74acad702932644dedae3e10741584181dfde58e23425d06e5287ec3a4",
};
static const char *ORACLE_KEYS[2] = {
    "2985d598321cff79c0c0ad2014977381d092e53642ed072c8a99d49132ccd71c",
    "546cd024109a638f83572f3c95424b1e5f4a98c3ab0290f805c855727e9c830a",
};
static const char *ISSUER_WS =
    "5321030232ff81e4445918e23691afaaff7fd3617b50c07ada560fa4d12e56f7df2cc82103a9e0281ecf5d969af093f0a6dcb4779ef165"
    "5965c219c8b39ee3d659e0e7b5242103e502c55671ee3d5ff3cb06b97fa2ae0797e552dd45db5585a7bda6f4813b6d782102124bf4d8a0"
    "22e0ee8ba3bd25cd5e081c84aab4bc40da172cfb295fd32b6ea8e721039bdb45e7059da65c8ade8bd1c6b0a6817ab5b9d330280412ab4d"
    "468199f8b2c355ae";
static const char *ORACLE_WS =
    "522103693a4c32099c21f32b6c2a55134933098be7dbf67557c284fe5b8670db244f9221026766caf58c6b8195c749ef1404dec8900b7f"
    "9c8100b33e98f4dbf420d09ceaf32102c88eed639620f2fd05d095afa575f25aea1ea1738d14fd6515dd33f8388ec2db53ae";

#define HMC 100000000LL
#define HUSD 100000000ULL
#define VAULT_VALUE (5 * HMC)
#define DEBT (200 * HUSD)
#define FEE 10000

/* ---- building transactions ---- */

static void add_key(struct tx_signer *s, const char *hex)
{
    size_t n;
    uint8_t *k = hex_decode_alloc(hex, &n);
    ck_assert(k && n == 32);
    ck_assert(tx_signer_add_key(s, k, true));
    mem_wipe(k, n);
    mem_free(k);
}

static void add_script(struct tx_signer *s, const char *hex)
{
    size_t n;
    uint8_t *p = hex_decode_alloc(hex, &n);
    ck_assert(p);
    tx_signer_add_script(s, p, n);
    mem_free(p);
}

/* Signs every input of tx except those in skip (liquidation inputs) with the
 * genesis key, three issuer keys and two oracle keys. */
static void sign(struct tx *tx, const struct txout *spent, size_t skip)
{
    struct tx_signer s;
    tx_signer_init(&s, true);
    add_key(&s, GENESIS_KEY);
    for (int i = 0; i < 3; i++)
        add_key(&s, ISSUER_KEYS[i]);
    for (int i = 0; i < 2; i++)
        add_key(&s, ORACLE_KEYS[i]);
    add_script(&s, ISSUER_WS);
    add_script(&s, ORACLE_WS);
    bool have[8] = { true, true, true, true, true, true, true, true };
    ck_assert(tx->vin_count <= 8);
    for (size_t i = 0; i < tx->vin_count; i++) {
        if (i == skip)
            continue;
        const char *e = tx_sign_input(&s, tx, i, spent, have, true, SIGHASH_ALL);
        ck_assert_msg(e == NULL, "sign input %zu: %s", i, e);
    }
    tx_signer_clear(&s);
    tx_update_hashes(tx);
}

/* Out: *w = a prefix of kind for the chain's first asset, then lock. */
static void prefixed(struct wbuf *w, const struct chain_params *p, enum token_kind kind, uint64_t payload,
                     const uint8_t *lock, size_t lock_len)
{
    struct token_prefix pfx;
    memset(&pfx, 0, sizeof(pfx));
    pfx.kind = kind;
    memcpy(pfx.asset_id, p->assets[0].asset_id, 32);
    if (kind == TOKEN_KIND_ISSUER)
        pfx.flags = (uint8_t)payload;
    else if (kind == TOKEN_KIND_ORACLE)
        pfx.price = payload;
    else
        pfx.amount = payload;
    w->len = 0;
    token_prefix_serialize(w, &pfx);
    wbuf_put(w, lock, lock_len);
}

static void p2wsh_of(uint8_t out[34], const char *ws_hex)
{
    size_t n;
    uint8_t *ws = hex_decode_alloc(ws_hex, &n);
    out[0] = 0x00;
    out[1] = 0x20;
    sha256(out + 2, ws, n);
    mem_free(ws);
}

static void add_out(struct tx *tx, int64_t value, const struct chain_params *p, enum token_kind kind, uint64_t payload,
                    const uint8_t *lock, size_t lock_len)
{
    struct wbuf w;
    wbuf_init(&w);
    prefixed(&w, p, kind, payload, lock, lock_len);
    tx_add_output(tx, value, w.data, w.len);
    wbuf_clear(&w);
}

static void txout_of(struct txout *o, const struct tx *tx, uint32_t n)
{
    o->value = tx->vout[n].value;
    o->script_pubkey = tx->vout[n].script_pubkey; /* borrowed */
}

/* The chain under test: the outputs the next transactions spend. */
struct life {
    struct test_chain t;
    struct outpoint vault;   /* the vault (coinbase at height 1, then the mint's output 0) */
    struct tx vault_tx;      /* the transaction that created it (owned) */
    uint32_t vault_n;
    struct outpoint oracle, issuer;
    struct tx oracle_tx, issuer_tx; /* owned; empty while the genesis outputs are current */
    struct outpoint tokens;
    struct tx tokens_tx;
    bool crash; /* reopen_crashing arms the simulated crash */
};

/* The genesis ORACLE/ISSUER outputs as spent coins. */
static void genesis_out(struct txout *o, const struct chain_params *p, uint32_t n, struct block *g)
{
    chain_params_genesis_build(g, p);
    txout_of(o, &g->txs[0], n);
}

/* Mines a block with txs; vault_value > 0 adds a coinbase vault locked to
 * the genesis key. Returns the reject reason (empty when accepted). */
static const char *try_block(struct test_chain *t, const struct tx *txs, size_t n, int64_t vault_value,
                             uint64_t vault_debt, struct tx *cb_out)
{
    static char reason[256];
    struct block b;
    struct block_index *prev = chainstate_tip(t->cs);
    tc_make_block(&b, t->p, prev, txs, n, 0, 0, (uint32_t)prev->height + 1);
    if (vault_value > 0) {
        struct tx *cb = &b.txs[0];
        cb->vout[0].value -= vault_value;
        add_out(cb, vault_value, t->p, TOKEN_KIND_VAULT, vault_debt, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
        tx_update_hashes(cb);
    }
    tc_fix_reserve_commitment(t, &b);
    if (cb_out)
        tx_copy(cb_out, &b.txs[0]);
    struct val_state st;
    bool nb;
    bool ok = chainstate_process_new_block(t->cs, &st, &nb, &b, true);
    snprintf(reason, sizeof(reason), "%s", ok && val_is_valid(&st) ? "" : st.reject);
    block_clear(&b);
    return reason;
}

static void mine(struct test_chain *t, const struct tx *txs, size_t n)
{
    const char *r = try_block(t, txs, n, 0, 0, NULL);
    ck_assert_msg(r[0] == 0, "block rejected: %s", r);
}

/* The tip's issuance state, serialised (compared byte for byte). */
static void state_bytes(struct test_chain *t, struct wbuf *w)
{
    struct issuance_state s;
    ck_assert(chainstate_issuance_state(t->cs, &s, NULL, NULL));
    w->len = 0;
    issuance_state_serialize(w, &s);
}

static void assert_state(struct test_chain *t, const struct wbuf *expect)
{
    struct wbuf w;
    wbuf_init(&w);
    state_bytes(t, &w);
    ck_assert_uint_eq(w.len, expect->len);
    ck_assert_msg(memcmp(w.data, expect->data, w.len) == 0, "issuance state differs");
    wbuf_clear(&w);
}

static struct issuance_asset_state asset0(struct test_chain *t)
{
    struct issuance_state s;
    ck_assert(chainstate_issuance_state(t->cs, &s, NULL, NULL));
    return s.asset[0];
}

/* ---- the reserve tree ---- */

struct tree_rec {
    struct reserve_state committed, all;
};

static bool same_tree(const struct reserve_state *a, const struct reserve_state *b)
{
    return hash256_eq(&a->root, &b->root) && a->count == b->count && a->sums.collateral == b->sums.collateral &&
           a->sums.debt == b->sums.debt;
}

struct leaves {
    struct reserve_leaf *v;
    size_t n;
};

static bool collect_leaf(void *ctx, const struct chainstate_vault *v)
{
    struct leaves *l = ctx;
    l->v = mem_realloc(l->v, (l->n + 1) * sizeof(*l->v));
    struct reserve_leaf *leaf = &l->v[l->n++];
    memset(leaf, 0, sizeof(*leaf));
    leaf->outpoint = v->outpoint;
    memcpy(leaf->asset_id, v->asset_id, 32);
    leaf->collateral = (uint64_t)v->collateral;
    leaf->debt = v->debt;
    sha256(leaf->owner_hash, v->owner_script.data, v->owner_script.len);
    return true;
}

/* The tip's trees, checked against a naive rebuild over the UTXO set's vaults. */
static struct tree_rec tree_at_tip(struct test_chain *t)
{
    struct tree_rec r;
    ck_assert(chainstate_reserve_state(t->cs, &r.committed, &r.all, NULL, NULL));
    struct leaves l = { NULL, 0 };
    ck_assert(chainstate_for_each_vault(t->cs, collect_leaf, &l));
    struct reserve_state naive;
    struct val_state st;
    ck_assert(reserve_root_compute(&st, &naive, l.v, l.n));
    mem_free(l.v);
    ck_assert_msg(same_tree(&naive, &r.all), "the tree equals a rebuild over the UTXO set's vaults");
    /* The tip's own HMRS output is the committed tree. */
    struct block b;
    ck_assert(chainstate_read_block(t->cs, &b, chainstate_tip(t->cs)));
    struct reserve_commitment c, want;
    ck_assert(reserve_commitment_find(&st, &c, NULL, &b.txs[0]));
    reserve_commitment_from_state(&want, &r.committed);
    ck_assert(hash256_eq(&c.root, &want.root) && c.collateral == want.collateral && c.debt == want.debt);
    block_clear(&b);
    return r;
}

static void assert_tree(struct test_chain *t, const struct tree_rec *want)
{
    struct tree_rec r = tree_at_tip(t);
    ck_assert_msg(same_tree(&r.committed, &want->committed) && same_tree(&r.all, &want->all), "reserve tree differs");
}

/* An oracle update to price, spending the current ORACLE output. Out: *out. */
static void oracle_update(struct life *l, struct tx *out, uint64_t price)
{
    const struct chain_params *p = l->t.p;
    struct txout spent;
    struct block g;
    block_init(&g);
    if (l->oracle_tx.vout_count)
        txout_of(&spent, &l->oracle_tx, l->oracle.n);
    else
        genesis_out(&spent, p, l->oracle.n, &g);
    uint8_t lock[34];
    p2wsh_of(lock, ORACLE_WS);
    tx_init(out);
    tx_add_input(out, &l->oracle, NULL, 0, 0xfffffffdu);
    add_out(out, spent.value, p, TOKEN_KIND_ORACLE, price, lock, sizeof(lock));
    tx_update_hashes(out);
    sign(out, &spent, SIZE_MAX);
    block_clear(&g);
}

static void oracle_commit(struct life *l, const struct tx *tx)
{
    tx_clear(&l->oracle_tx);
    tx_copy(&l->oracle_tx, tx);
    l->oracle.txid = tx->txid;
    l->oracle.n = 0;
}

/* A mint of debt against the vault (owner's key + issuer 3-of-5). Out: *out. */
static void mint(struct life *l, struct tx *out, uint64_t debt, uint8_t issuer_flags_out)
{
    const struct chain_params *p = l->t.p;
    struct txout spent[2];
    struct block g;
    block_init(&g);
    txout_of(&spent[0], &l->vault_tx, l->vault_n);
    if (l->issuer_tx.vout_count)
        txout_of(&spent[1], &l->issuer_tx, l->issuer.n);
    else
        genesis_out(&spent[1], p, l->issuer.n, &g);
    uint8_t lock[34];
    p2wsh_of(lock, ISSUER_WS);
    tx_init(out);
    tx_add_input(out, &l->vault, NULL, 0, 0xfffffffdu);
    tx_add_input(out, &l->issuer, NULL, 0, 0xfffffffdu);
    add_out(out, spent[0].value - FEE, p, TOKEN_KIND_VAULT, debt, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    add_out(out, spent[1].value, p, TOKEN_KIND_ISSUER, issuer_flags_out, lock, sizeof(lock));
    add_out(out, 0, p, TOKEN_KIND_TOKEN, debt, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tx_update_hashes(out);
    sign(out, spent, SIZE_MAX);
    block_clear(&g);
}

static void mint_commit(struct life *l, const struct tx *tx)
{
    tx_clear(&l->vault_tx);
    tx_copy(&l->vault_tx, tx);
    l->vault.txid = tx->txid;
    l->vault.n = l->vault_n = 0;
    tx_clear(&l->issuer_tx);
    tx_copy(&l->issuer_tx, tx);
    l->issuer.txid = tx->txid;
    l->issuer.n = 1;
    tx_clear(&l->tokens_tx);
    tx_copy(&l->tokens_tx, tx);
    l->tokens.txid = tx->txid;
    l->tokens.n = 2;
}

/* A liquidation of the vault through the liquidation path (empty scriptSig
 * and witness), burning the minted tokens; owner_value to output 0. */
static void liquidate(struct life *l, struct tx *out, int64_t owner_value)
{
    struct txout spent[2];
    txout_of(&spent[0], &l->vault_tx, l->vault_n);
    txout_of(&spent[1], &l->tokens_tx, l->tokens.n);
    tx_init(out);
    tx_add_input(out, &l->vault, NULL, 0, 0xfffffffdu);
    tx_add_input(out, &l->tokens, NULL, 0, 0xfffffffdu);
    tx_add_output(out, owner_value, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tx_add_output(out, spent[0].value + spent[1].value - owner_value - FEE, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tx_update_hashes(out);
    sign(out, spent, 0);
}

static void life_init(struct life *l)
{
    memset(l, 0, sizeof(*l));
    tc_setup(&l->t, "regtest");
    tx_init(&l->vault_tx);
    tx_init(&l->oracle_tx);
    tx_init(&l->issuer_tx);
    tx_init(&l->tokens_tx);
    struct issuance_asset_state a = asset0(&l->t);
    l->oracle = a.oracle;
    l->issuer = a.issuer;
}

static void life_clear(struct life *l)
{
    tx_clear(&l->vault_tx);
    tx_clear(&l->oracle_tx);
    tx_clear(&l->issuer_tx);
    tx_clear(&l->tokens_tx);
    tc_teardown(&l->t);
}

/* Height 1: a coinbase vault; then 100 blocks to mature it. */
static void life_open_vault(struct life *l)
{
    const char *r = try_block(&l->t, NULL, 0, VAULT_VALUE, 0, &l->vault_tx);
    ck_assert_msg(r[0] == 0, "%s", r);
    l->vault_n = UINT32_MAX;
    for (uint32_t o = 0; o < l->vault_tx.vout_count; o++) {
        const struct bytes *spk = &l->vault_tx.vout[o].script_pubkey;
        if (spk->len > 2 && spk->data[0] == TOKEN_PREFIX_MARKER && spk->data[1] == TOKEN_KIND_VAULT)
            l->vault_n = o;
    }
    ck_assert_uint_ne(l->vault_n, UINT32_MAX);
    l->vault.txid = l->vault_tx.txid;
    l->vault.n = l->vault_n;
    tc_mine_n(&l->t, 100);
}

/* Price of 45 HUSD/HMC: 5 HMC (less the mint's fee) against 200 HUSD is
 * 112.5 %, below 120 %. seized = ceil(200e8 * 110 * 1e8 / (100 * 45e8)) =
 * 488,888,889; the owner is owed the rest of the collateral. */
#define LOW_PRICE (45 * HUSD)
#define OWNER_SHARE (VAULT_VALUE - FEE - 488888889LL)

/* ---- events ---- */

struct fx_counts {
    int connected[16], disconnected[16];
};

static void on_issuance(void *ctx, const struct tx *tx, const struct issuance_effects *fx,
                        const struct block_index *idx, bool connected)
{
    (void)tx;
    (void)idx;
    struct fx_counts *c = ctx;
    for (int b = 0; b < 16; b++)
        if (fx->actions & (1u << b))
            (connected ? c->connected : c->disconnected)[b]++;
}

static bool same_outpoint(const struct outpoint *a, const struct outpoint *b)
{
    return a->n == b->n && hash256_eq(&a->txid, &b->txid);
}

static int bit(enum issuance_action a)
{
    return __builtin_ctz((unsigned)a);
}

START_TEST(test_life_and_reorg)
{
    struct life l;
    life_init(&l);
    struct test_chain *t = &l.t;
    struct fx_counts counts;
    memset(&counts, 0, sizeof(counts));
    struct events *ev = events_new();
    struct events_subscriber sub;
    memset(&sub, 0, sizeof(sub));
    sub.ctx = &counts;
    sub.issuance_tx = on_issuance;
    events_subscribe(ev, &sub);
    tc_close(t);
    t->opt.events = ev;
    char err[256];
    ck_assert_msg(tc_reopen(t, err, sizeof(err)) == 0, "%s", err);

    ck_assert(chainstate_issuance_enabled(t->cs));
    struct issuance_asset_state a = asset0(t);
    ck_assert_uint_eq(a.supply, 0);
    ck_assert_uint_eq(a.price, t->p->assets[0].initial_price);
    life_open_vault(&l);
    ck_assert_int_eq(counts.connected[bit(ISSUANCE_ACT_VAULT_OPEN)], 1);

    struct chainstate_vault v;
    ck_assert_int_eq(chainstate_get_vault(t->cs, &v, &l.vault), 1);
    ck_assert_int_eq(v.collateral, VAULT_VALUE);
    ck_assert_uint_eq(v.debt, 0);
    ck_assert_int_eq(v.height, 1);
    ck_assert(v.coinbase);
    ck_assert_uint_eq(v.owner_script.len, sizeof(TC_GENESIS_SPK));
    chainstate_vault_clear(&v);

    struct wbuf rec[5]; /* states after heights 101 .. 105 */
    struct tree_rec trec[5];
    for (int i = 0; i < 5; i++)
        wbuf_init(&rec[i]);
    state_bytes(t, &rec[0]);
    trec[0] = tree_at_tip(t);
    ck_assert_uint_eq(trec[0].all.count, 1);
    ck_assert_uint_eq(trec[0].all.sums.collateral, VAULT_VALUE);

    /* Block 1 could not commit to the vault its own coinbase opened; block 2 does. */
    {
        char qerr[128];
        bool found = true;
        struct reserve_state s1, s2;
        struct reserve_path path;
        ck_assert(chainstate_reserve_query(t->cs, chainstate_at_height(t->cs, 1), &s1, &l.vault, &found, &path, qerr,
                                           sizeof(qerr)));
        ck_assert(!found);
        ck_assert_uint_eq(s1.count, 0);
        ck_assert(chainstate_reserve_query(t->cs, chainstate_at_height(t->cs, 2), &s2, &l.vault, &found, &path, qerr,
                                           sizeof(qerr)));
        ck_assert(found);
        ck_assert_uint_eq(s2.count, 1);
        struct reserve_hasher h;
        reserve_hasher_init(&h);
        struct reserve_state from_path;
        struct val_state st;
        ck_assert(reserve_path_root(&st, &from_path, &h, &path.leaf, path.leaf_count, path.siblings, path.depth));
        ck_assert(same_tree(&from_path, &s2));
    }

    /* 102: the oracle (2 of 3) confirms 100 HUSD/HMC, so the price is fresh. */
    struct tx up, mt, drop, liq;
    oracle_update(&l, &up, 100 * HUSD);
    mine(t, &up, 1);
    oracle_commit(&l, &up);
    a = asset0(t);
    ck_assert_int_eq(a.price_height, 102);
    ck_assert(same_outpoint(&a.oracle, &l.oracle));
    state_bytes(t, &rec[1]);
    trec[1] = tree_at_tip(t);

    /* 103: mint 200 HUSD (250 %), signed by the owner and 3 of 5 issuers. */
    mint(&l, &mt, DEBT, 0);
    struct val_state st;
    struct issuance_effects fx;
    /* The mempool's view of it first: judged at height 103 on the tip's state. */
    {
        struct txout spent[2];
        struct block g;
        genesis_out(&spent[1], t->p, l.issuer.n, &g);
        txout_of(&spent[0], &l.vault_tx, l.vault_n);
        struct spent_coin sc[2] = { { &spent[0], 1, true }, { &spent[1], 0, true } };
        ck_assert_msg(chainstate_check_tx_issuance(t->cs, &st, &fx, &mt, sc), "%s", st.reject);
        ck_assert(fx.actions & ISSUANCE_ACT_MINT);
        ck_assert_uint_eq(fx.asset[0].minted, DEBT);
        block_clear(&g);
    }
    mine(t, &mt, 1);
    mint_commit(&l, &mt);
    a = asset0(t);
    ck_assert_uint_eq(a.supply, DEBT);
    ck_assert(same_outpoint(&a.issuer, &l.issuer));
    state_bytes(t, &rec[2]);
    trec[2] = tree_at_tip(t);
    ck_assert_uint_eq(trec[2].committed.sums.debt, DEBT);
    ck_assert_uint_eq(trec[2].committed.sums.collateral, VAULT_VALUE - FEE);

    /* 104: the price falls to 45: the breaker trips (a drop of 55 %). */
    oracle_update(&l, &drop, LOW_PRICE);
    mine(t, &drop, 1);
    oracle_commit(&l, &drop);
    a = asset0(t);
    ck_assert_uint_eq(a.price, LOW_PRICE);
    ck_assert_int_eq(a.breaker_until, 104 + (int32_t)t->p->assets[0].breaker_pause);
    state_bytes(t, &rec[3]);
    trec[3] = tree_at_tip(t);

    /* 105: a liquidation without any signature of the owner. One base unit
     * short for the owner is refused first. */
    liquidate(&l, &liq, OWNER_SHARE - 1);
    ck_assert_str_eq(try_block(t, &liq, 1, 0, 0, NULL), "bad-issuance-liquidate-owner-value");
    tx_clear(&liq);
    assert_state(t, &rec[3]);
    liquidate(&l, &liq, OWNER_SHARE);
    mine(t, &liq, 1);
    a = asset0(t);
    ck_assert_uint_eq(a.supply, 0);
    state_bytes(t, &rec[4]);
    trec[4] = tree_at_tip(t);
    ck_assert_uint_eq(trec[4].all.count, 0);
    ck_assert_int_eq(chainstate_get_vault(t->cs, &v, &l.vault), 0);
    ck_assert_int_eq(counts.connected[bit(ISSUANCE_ACT_MINT)], 1);
    ck_assert_int_eq(counts.connected[bit(ISSUANCE_ACT_LIQUIDATE)], 1);
    ck_assert_int_eq(counts.connected[bit(ISSUANCE_ACT_ORACLE_UPDATE)], 2);

    /* Disconnect back to 102 (invalidateblock 103): every state comes back. */
    struct block_index *b103 = chainstate_at_height(t->cs, 103);
    ck_assert(chainstate_invalidate_block(t->cs, &st, b103));
    ck_assert_int_eq(chainstate_height(t->cs), 102);
    assert_state(t, &rec[1]);
    assert_tree(t, &trec[1]);
    ck_assert_int_eq(counts.disconnected[bit(ISSUANCE_ACT_MINT)], 1);
    ck_assert_int_eq(counts.disconnected[bit(ISSUANCE_ACT_LIQUIDATE)], 1);
    ck_assert_int_eq(counts.disconnected[bit(ISSUANCE_ACT_ORACLE_UPDATE)], 1);
    ck_assert(chainstate_reconsider_block(t->cs, &st, b103));
    ck_assert_int_eq(chainstate_height(t->cs), 105);
    assert_state(t, &rec[4]);
    assert_tree(t, &trec[4]);

    /* One block at a time. */
    for (int h = 104; h >= 101; h--) {
        ck_assert(chainstate_invalidate_block(t->cs, &st, chainstate_at_height(t->cs, h + 1)));
        assert_state(t, &rec[h - 101]);
        assert_tree(t, &trec[h - 101]);
    }
    ck_assert(chainstate_reconsider_block(t->cs, &st, chainstate_lookup(t->cs, &b103->hash)));
    ck_assert(chainstate_reconsider_block(t->cs, &st, b103->prev));
    ck_assert_int_eq(chainstate_height(t->cs), 105);
    assert_state(t, &rec[4]);

    /* Restart: the state was stored with the coins. */
    ck_assert_msg(tc_reopen(t, err, sizeof(err)) == 0, "%s", err);
    assert_state(t, &rec[4]);
    assert_tree(t, &trec[4]);
    ck_assert(chainstate_verify_chain(t->cs, &st, 4, 0));

    /* -reindex-chainstate rebuilds it from the blocks. */
    tc_close(t);
    t->opt.reindex_chainstate = true;
    ck_assert_msg(tc_reopen(t, err, sizeof(err)) == 0, "%s", err);
    ck_assert(chainstate_activate_best_chain(t->cs, &st));
    t->opt.reindex_chainstate = false;
    ck_assert_int_eq(chainstate_height(t->cs), 105);
    assert_state(t, &rec[4]);
    assert_tree(t, &trec[4]);
    /* The tree 3 blocks back, rolled back in a temporary overlay, is what block 102 committed to. */
    {
        char qerr[128];
        struct reserve_state s102;
        ck_assert(chainstate_reserve_query(t->cs, chainstate_at_height(t->cs, 102), &s102, NULL, NULL, NULL, qerr,
                                           sizeof(qerr)));
        ck_assert(same_tree(&s102, &trec[1].committed));
    }

    tx_clear(&up);
    tx_clear(&mt);
    tx_clear(&drop);
    tx_clear(&liq);
    for (int i = 0; i < 5; i++)
        wbuf_clear(&rec[i]);
    tc_close(t);
    events_free(ev);
    life_clear(&l);
}
END_TEST

/* A block on the tip whose HMRS output is changed by tamper (0 none, 1
 * debt + 1, 2 collateral - 1, 3 a root bit, 4 removed, 5 twice, 6 one byte
 * short). Returns the reject reason and the debug text. */
static const char *try_commitment(struct test_chain *t, int tamper, char *debug, size_t debug_len)
{
    static char reason[256];
    struct block b;
    struct block_index *prev = chainstate_tip(t->cs);
    tc_make_block(&b, t->p, prev, NULL, 0, 0, 0, (uint32_t)prev->height + 1000);
    tc_fix_reserve_commitment(t, &b);
    struct tx *cb = &b.txs[0];
    size_t k = 0;
    while (k < cb->vout_count && !reserve_commitment_is_tagged(cb->vout[k].script_pubkey.data,
                                                                cb->vout[k].script_pubkey.len))
        k++;
    ck_assert_uint_lt(k, cb->vout_count);
    uint8_t *spk = cb->vout[k].script_pubkey.data;
    if (tamper == 1)
        spk[46]++; /* LE64 debt: + 1 unit */
    else if (tamper == 2)
        spk[38]--; /* LE64 collateral: - 1 unit (never 0 here: the vault holds 5 HMC) */
    else if (tamper == 3)
        spk[10] ^= 0x01;
    else if (tamper == 4)
        cb->vout[k].script_pubkey.len = 0;
    else if (tamper == 5)
        tx_add_output(cb, 0, spk, cb->vout[k].script_pubkey.len);
    else if (tamper == 6)
        cb->vout[k].script_pubkey.len--;
    tx_update_hashes(cb);
    tc_solve(&b, t->p);
    struct val_state st;
    bool nb;
    bool ok = chainstate_process_new_block(t->cs, &st, &nb, &b, true);
    snprintf(reason, sizeof(reason), "%s", ok && val_is_valid(&st) ? "" : st.reject);
    snprintf(debug, debug_len, "%s", st.debug);
    block_clear(&b);
    return reason;
}

/* Blocks with invalid issuance transactions are rejected with their reason and change nothing. */
START_TEST(test_invalid_blocks)
{
    struct life l;
    life_init(&l);
    struct test_chain *t = &l.t;

    /* A coinbase vault with debt. */
    ck_assert_str_eq(try_block(t, NULL, 0, VAULT_VALUE, 1, NULL), "bad-issuance-coinbase-vault-debt");
    life_open_vault(&l);
    struct wbuf before;
    wbuf_init(&before);
    state_bytes(t, &before);

    /* The HMRS commitment: every total off by one unit, a wrong root, none,
     * two, a malformed one: bad-reserve-commitment; the exact one connects. */
    struct tree_rec tr = tree_at_tip(t);
    static const char *const why[] = { "", "debt mismatch", "collateral mismatch", "root mismatch", "missing",
                                       "multiple", "malformed" };
    for (int k = 1; k <= 6; k++) {
        char debug[160];
        ck_assert_str_eq(try_commitment(t, k, debug, sizeof(debug)), "bad-reserve-commitment");
        ck_assert_msg(strstr(debug, why[k]) != NULL, "tamper %d: %s", k, debug);
        assert_tree(t, &tr);
    }
    {
        char debug[160];
        ck_assert_str_eq(try_commitment(t, 0, debug, sizeof(debug)), "");
    }

    /* The genesis price (height 0) is stale at height 102. */
    struct tx tx;
    mint(&l, &tx, DEBT, 0);
    ck_assert_str_eq(try_block(t, &tx, 1, 0, 0, NULL), "bad-issuance-mint-price-stale");
    tx_clear(&tx);
    struct tx up;
    oracle_update(&l, &up, 100 * HUSD);
    mine(t, &up, 1);
    oracle_commit(&l, &up);
    state_bytes(t, &before);

    /* 5 HMC at 100 HUSD back at most 333.33 HUSD at 150 %. */
    mint(&l, &tx, 334 * HUSD, 0);
    ck_assert_str_eq(try_block(t, &tx, 1, 0, 0, NULL), "bad-issuance-mint-ratio");
    tx_clear(&tx);
    /* An oracle update to price 0. */
    oracle_update(&l, &tx, 0);
    ck_assert_str_eq(try_block(t, &tx, 1, 0, 0, NULL), "bad-issuance-oracle-price-zero");
    tx_clear(&tx);
    /* A liquidation of a healthy vault (no debt): the owner is paid in full. */
    tx_init(&tx);
    tx_add_input(&tx, &l.vault, NULL, 0, 0xfffffffdu);
    tx_add_output(&tx, VAULT_VALUE - FEE, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tx_update_hashes(&tx);
    ck_assert_str_eq(try_block(t, &tx, 1, 0, 0, NULL), "bad-issuance-liquidate-healthy");
    tx_clear(&tx);
    /* A paused issuer: the mint that pauses still mints (the spent flags
     * decide), the next one is refused. */
    mint(&l, &tx, DEBT, TOKEN_ISSUER_FLAG_PAUSED);
    mine(t, &tx, 1);
    mint_commit(&l, &tx);
    tx_clear(&tx);
    state_bytes(t, &before);
    mint(&l, &tx, DEBT + 10 * HUSD, 0);
    ck_assert_str_eq(try_block(t, &tx, 1, 0, 0, NULL), "bad-issuance-mint-paused");
    tx_clear(&tx);
    assert_state(t, &before);
    /* The node goes on: an ordinary block still connects. */
    mine(t, NULL, 0);
    tx_clear(&up);
    wbuf_clear(&before);
    life_clear(&l);
}
END_TEST

/* Reopens the chain (after a flush) so that the next flush dies after its
 * first partial batch (one coin per batch) when l->crash. */
static void reopen_crashing(struct life *l)
{
    if (!l->crash)
        return;
    tc_close(&l->t);
    l->t.opt.db_crash_ratio = 1;
    l->t.opt.db_batch_size = 1;
    char err[256];
    if (tc_reopen(&l->t, err, sizeof(err)) != 0)
        _exit(4);
}

/* Vault, maturity, oracle update: flushed; then mint, price fall and
 * liquidation die in the flush. */
static void forward_child(struct life *l)
{
    life_open_vault(l);
    struct tx up, mt, drop, liq;
    oracle_update(l, &up, 100 * HUSD);
    mine(&l->t, &up, 1);
    oracle_commit(l, &up);
    reopen_crashing(l);
    mint(l, &mt, DEBT, 0);
    mine(&l->t, &mt, 1);
    mint_commit(l, &mt);
    oracle_update(l, &drop, LOW_PRICE);
    mine(&l->t, &drop, 1);
    oracle_commit(l, &drop);
    liquidate(l, &liq, OWNER_SHARE);
    mine(&l->t, &liq, 1);
    tx_clear(&up);
    tx_clear(&mt);
    tx_clear(&drop);
    tx_clear(&liq);
}

/* Up to the mint: flushed; then a reorganisation from 102 to a branch
 * with a different oracle update dies in the flush (the mint's state is
 * rolled back by the replay). */
static void reorg_child(struct life *l)
{
    life_open_vault(l);
    struct tx up, mt, up2;
    oracle_update(l, &up, 100 * HUSD);
    mine(&l->t, &up, 1);
    oracle_commit(l, &up);
    mint(l, &mt, DEBT, 0);
    mine(&l->t, &mt, 1);
    reopen_crashing(l);
    struct val_state st;
    if (!chainstate_invalidate_block(l->t.cs, &st, chainstate_tip(l->t.cs)))
        _exit(5);
    oracle_update(l, &up2, 90 * HUSD);
    mine(&l->t, &up2, 1);
    mine(&l->t, NULL, 0);
    tx_clear(&up);
    tx_clear(&mt);
    tx_clear(&up2);
}

START_TEST(test_replay)
{
    void (*children[2])(struct life *) = { forward_child, reorg_child };
    for (int k = 0; k < 2; k++) {
        char dir[64];
        tmpdir_make(dir);
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0) {
            struct life l;
            memset(&l, 0, sizeof(l));
            keys_init();
            l.crash = true;
            struct test_chain *t = &l.t;
            snprintf(t->dir, sizeof(t->dir), "%s", dir);
            t->p = chain_params_get("regtest");
            chainstate_options_init(&t->opt);
            t->opt.params = t->p;
            t->opt.datadir = t->dir;
            t->opt.dbcache_bytes = 16u << 20;
            t->opt.adjusted_time = tc_time;
            char err[256];
            if (tc_reopen(t, err, sizeof(err)) != 0)
                _exit(3);
            tx_init(&l.vault_tx);
            tx_init(&l.oracle_tx);
            tx_init(&l.issuer_tx);
            tx_init(&l.tokens_tx);
            struct issuance_asset_state a = asset0(t);
            l.oracle = a.oracle;
            l.issuer = a.issuer;
            children[k](&l);
            _exit(chainstate_flush(t->cs, CHAINSTATE_FLUSH_ALWAYS) ? 6 : 7);
        }
        int status;
        waitpid(pid, &status, 0);
        /* The simulated crash exits 0 from inside the flush. */
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d exit %d", k, WEXITSTATUS(status));

        /* The same blocks without a crash (they are deterministic). */
        struct life ref;
        life_init(&ref);
        children[k](&ref);
        struct wbuf want;
        wbuf_init(&want);
        state_bytes(&ref.t, &want);
        int32_t want_height = chainstate_height(ref.t.cs);
        struct tree_rec want_tree = tree_at_tip(&ref.t);
        ck_assert_uint_eq(asset0(&ref.t).supply, 0); /* liquidated (0) or the mint rolled back (1) */

        /* Open the half-written chainstate: replay (and verify every block at level 4). */
        struct test_chain t;
        tc_init_at(&t, dir);
        t.opt.check_level = 4;
        t.opt.check_blocks = 0;
        char err[512];
        ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
        ck_assert_int_eq(chainstate_height(t.cs), want_height);
        assert_state(&t, &want);
        assert_tree(&t, &want_tree);
        tc_teardown(&t);
        wbuf_clear(&want);
        life_clear(&ref);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("chainstate_issuance");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_life_and_reorg);
    tcase_add_test(tc, test_invalid_blocks);
    tcase_add_test(tc, test_replay);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(suite)
