/* Fuzz target: the issuance rules and state against a model UTXO set
 * (issuance/issuance_check.c, issuance/state_apply.c).
 *
 * The input drives a little chain: two assets with fuzzed parameters, a
 * genesis state, then a sequence of steps: build a transaction (a coinbase
 * opening vaults, a mint, a repayment or close, a token transfer, an oracle
 * or issuer update, a liquidation, or an arbitrary mix, each perturbed by
 * the input), start a new block, or disconnect the last block. Every
 * transaction goes through issuance_tx_check at the current height and
 * state; an accepted one is applied to the state (which must succeed) and
 * to the model UTXO set. After every accepted step and every disconnect:
 *  - per asset, sum of TOKEN amounts in the UTXO set == sum of vault debts
 *    == the state's supply (the supply invariant, spec "Reserve commitment");
 *  - exactly one ISSUER and one ORACLE per asset, and the state's outpoints,
 *    flags, price and price height are theirs (rule 10);
 *  - a disconnect restores the state byte for byte and the state and undo
 *    encodings round-trip. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "issuance/issuance_check.h"
#include "issuance/liquidation.h"
#include "issuance/ratio.h"
#include "issuance/state_apply.h"
#include "issuance/state_serialize.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NASSETS 2
#define MAX_COINS 96
#define MAX_BLOCKS 8
#define MAX_SPK 64

/* ---- input reader: reads past the end as zeros ---- */

struct fz {
    const uint8_t *p;
    size_t n;
};

static uint8_t u8(struct fz *f)
{
    if (f->n == 0)
        return 0;
    f->n--;
    return *f->p++;
}

static uint64_t u64(struct fz *f, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | u8(f);
    return v;
}

static uint64_t below(struct fz *f, uint64_t n)
{
    return n ? u64(f, n > UINT32_MAX ? 8 : 4) % n : 0;
}

/* ---- the model ---- */

struct mcoin {
    struct outpoint op;
    int64_t value;
    uint8_t spk[MAX_SPK];
    size_t len;
    int32_t height;
    bool coinbase;
};

struct model {
    struct mcoin coin[MAX_COINS];
    size_t count;
};

struct frame {
    int32_t prev_height; /* the chain's height before this block */
    struct model utxo;
    struct issuance_state state;
    struct issuance_undo undo;
};

struct world {
    struct chain_asset assets[NASSETS];
    struct issuance_state state;
    struct model utxo;
    struct frame *blocks; /* blocks[i]: the model and state before block i, and its undo */
    size_t nblocks;
    int32_t height;
    uint32_t cb_counter;
};

static const uint8_t LOCKS[3][4] = { { 0x51 }, { 0x52, 0x53 }, { 0x00, 0x01, 0x07 } };
static const size_t LOCK_LEN[3] = { 1, 2, 3 };

static size_t make_spk(uint8_t *out, enum token_kind kind, const uint8_t id[32], uint64_t amount, uint8_t flags,
                       uint64_t price, int lock)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, id, 32);
    p.amount = amount;
    p.flags = flags;
    p.price = price;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    wbuf_put(&w, LOCKS[lock], LOCK_LEN[lock]);
    assert(w.len <= MAX_SPK);
    memcpy(out, w.data, w.len);
    size_t n = w.len;
    wbuf_clear(&w);
    return n;
}

static bool parse(const struct mcoin *c, struct token_prefix *p, int *asset, const struct world *w)
{
    size_t plen;
    if (token_prefix_parse(p, &plen, c->spk, c->len) != TOKEN_PREFIX_OK)
        return false;
    *asset = issuance_asset_index(w->assets, NASSETS, p->asset_id);
    assert(*asset >= 0); /* nothing else can enter the UTXO set */
    return true;
}

/* The supply invariant and rule 10, over the whole model. */
static void check_invariants(const struct world *w)
{
    unsigned __int128 tokens[NASSETS] = { 0 }, debts[NASSETS] = { 0 };
    int issuers[NASSETS] = { 0 }, oracles[NASSETS] = { 0 };
    for (size_t i = 0; i < w->utxo.count; i++) {
        const struct mcoin *c = &w->utxo.coin[i];
        struct token_prefix p;
        int a;
        if (!parse(c, &p, &a, w))
            continue;
        const struct issuance_asset_state *as = &w->state.asset[a];
        switch (p.kind) {
        case TOKEN_KIND_TOKEN:
            tokens[a] += p.amount;
            break;
        case TOKEN_KIND_VAULT:
            debts[a] += p.amount;
            assert(p.amount == 0 || p.amount >= w->assets[a].min_vault_debt);
            break;
        case TOKEN_KIND_ISSUER:
            issuers[a]++;
            assert(hash256_eq(&c->op.txid, &as->issuer.txid) && c->op.n == as->issuer.n);
            assert(p.flags == as->issuer_flags);
            break;
        case TOKEN_KIND_ORACLE:
            oracles[a]++;
            assert(hash256_eq(&c->op.txid, &as->oracle.txid) && c->op.n == as->oracle.n);
            assert(p.price == as->price && p.price > 0);
            assert(c->height == as->price_height);
            break;
        }
    }
    for (int a = 0; a < NASSETS; a++) {
        assert(tokens[a] == debts[a]);
        assert(debts[a] == w->state.asset[a].supply);
        assert(w->state.asset[a].supply <= w->assets[a].debt_ceiling);
        assert(issuers[a] == 1 && oracles[a] == 1);
    }
    /* The state's encoding round-trips. */
    struct wbuf b;
    wbuf_init(&b);
    issuance_state_serialize(&b, &w->state);
    struct issuance_state s2;
    assert(issuance_state_decode(&s2, b.data, b.len));
    struct wbuf b2;
    wbuf_init(&b2);
    issuance_state_serialize(&b2, &s2);
    assert(b.len == b2.len && memcmp(b.data, b2.data, b.len) == 0);
    wbuf_clear(&b);
    wbuf_clear(&b2);
}

/* ---- building a transaction ---- */

struct build {
    struct tx tx;
    size_t used[MAX_COINS]; /* model indices spent, in input order */
};

static bool in_use(const struct build *b, size_t idx)
{
    for (size_t i = 0; i < b->tx.vin_count; i++)
        if (b->used[i] == idx)
            return true;
    return false;
}

static void spend(struct build *b, const struct world *w, size_t idx, bool bare)
{
    if (idx >= w->utxo.count || in_use(b, idx) || b->tx.vin_count >= MAX_COINS)
        return;
    static const uint8_t push[1] = { 0x51 };
    b->used[b->tx.vin_count] = idx;
    tx_add_input(&b->tx, &w->utxo.coin[idx].op, bare ? NULL : push, bare ? 0 : 1, SEQUENCE_FINAL);
}

static void out(struct build *b, int64_t value, enum token_kind kind, const struct world *w, int asset,
                uint64_t amount, uint8_t flags, uint64_t price, int lock)
{
    uint8_t spk[MAX_SPK];
    size_t n = make_spk(spk, kind, w->assets[asset].asset_id, amount, flags, price, lock);
    tx_add_output(&b->tx, value, spk, n);
}

/* Finds a coin of a kind (and asset, unless -1), starting at a fuzzed index;
 * with with_debt, only vaults that owe something. */
static long find_coin(const struct world *w, struct fz *f, enum token_kind kind, int asset, bool with_debt)
{
    size_t n = w->utxo.count;
    if (n == 0)
        return -1;
    size_t start = (size_t)below(f, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        struct token_prefix p;
        int a;
        if (parse(&w->utxo.coin[i], &p, &a, w) && p.kind == kind && (asset < 0 || a == asset) &&
            (!with_debt || p.amount > 0))
            return (long)i;
    }
    return -1;
}

static long find(const struct world *w, struct fz *f, enum token_kind kind, int asset)
{
    return find_coin(w, f, kind, asset, false);
}

static int64_t perturb(struct fz *f, int64_t v)
{
    switch (u8(f) % 8) {
    case 0:
        return v + 1;
    case 1:
        return v - 1;
    case 2:
        return v + (int64_t)below(f, 1000);
    case 3:
        return v - (int64_t)below(f, 1000);
    default:
        return v;
    }
}

static uint64_t perturb_u(struct fz *f, uint64_t v)
{
    int64_t r = perturb(f, (int64_t)(v & 0x3fffffffffffffffu));
    return r < 0 ? 0 : (uint64_t)r;
}

static void op_coinbase(struct build *b, struct world *w, struct fz *f)
{
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    uint8_t sig[6] = { 0x04 };
    uint32_t c = ++w->cb_counter;
    memcpy(sig + 1, &c, 4);
    sig[5] = 0x51;
    tx_add_input(&b->tx, &null_op, sig, sizeof(sig), SEQUENCE_FINAL);
    int n = 1 + u8(f) % 3;
    for (int i = 0; i < n; i++) {
        int a = u8(f) % NASSETS;
        uint64_t debt = u8(f) % 16 == 0 ? 1 + below(f, 100) : 0; /* rarely invalid */
        out(b, (int64_t)(1 + below(f, 1000)) * COIN, TOKEN_KIND_VAULT, w, a, debt, 0, 0, u8(f) % 3);
    }
    if (u8(f) % 16 == 0)
        out(b, 0, TOKEN_KIND_TOKEN, w, 0, 1, 0, 0, 0);
}

static void op_mint(struct build *b, struct world *w, struct fz *f)
{
    long v = find(w, f, TOKEN_KIND_VAULT, -1);
    if (v < 0)
        return;
    struct token_prefix p;
    int a;
    (void)parse(&w->utxo.coin[v], &p, &a, w);
    long iss = find(w, f, TOKEN_KIND_ISSUER, u8(f) % 8 == 0 ? -1 : a);
    if (iss >= 0 && u8(f) % 8 != 0)
        spend(b, w, (size_t)iss, false);
    spend(b, w, (size_t)v, false);
    if (iss >= 0) {
        struct token_prefix ip;
        int ia;
        (void)parse(&w->utxo.coin[iss], &ip, &ia, w);
        out(b, 0, TOKEN_KIND_ISSUER, w, ia, 0, ip.flags, 0, 0);
    }
    /* Aim at a ratio near the minimum: debt ~ collateral * price / 1e8 * 100 / min_ratio. */
    int64_t coll = perturb(f, w->utxo.coin[v].value);
    const struct chain_asset *A = &w->assets[a];
    unsigned __int128 room = (unsigned __int128)(uint64_t)w->utxo.coin[v].value * w->state.asset[a].price * 100 /
                             ISSUANCE_PRICE_SCALE / A->min_collateral_ratio_pct;
    uint64_t max_debt = room > TOKEN_AMOUNT_MAX ? TOKEN_AMOUNT_MAX : (uint64_t)room;
    uint64_t headroom = A->debt_ceiling - w->state.asset[a].supply + p.amount; /* debt the ceiling allows */
    if (max_debt > headroom && u8(f) % 4 != 0)
        max_debt = headroom;
    uint64_t debt = p.amount + below(f, max_debt > p.amount ? max_debt - p.amount + 2 : 2);
    if (u8(f) % 4 == 0)
        debt = max_debt;
    if (debt > TOKEN_AMOUNT_MAX)
        debt = TOKEN_AMOUNT_MAX;
    out(b, coll, TOKEN_KIND_VAULT, w, a, debt, 0, 0, u8(f) % 3);
    uint64_t minted = debt > p.amount ? perturb_u(f, debt - p.amount) : 0;
    if (minted >= 1 && minted <= TOKEN_AMOUNT_MAX)
        out(b, 0, TOKEN_KIND_TOKEN, w, a, minted, 0, 0, u8(f) % 3);
}

/* Spends tokens of asset a until at least `need`; returns the sum spent. */
static uint64_t gather(struct build *b, struct world *w, struct fz *f, int a, uint64_t need)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < w->utxo.count && sum < need; i++) {
        struct token_prefix p;
        int pa;
        if (!parse(&w->utxo.coin[i], &p, &pa, w) || p.kind != TOKEN_KIND_TOKEN || pa != a)
            continue;
        if (u8(f) % 8 == 0)
            continue;
        size_t before = b->tx.vin_count;
        spend(b, w, i, false);
        if (b->tx.vin_count > before)
            sum += p.amount;
    }
    return sum;
}

static void op_repay(struct build *b, struct world *w, struct fz *f)
{
    long v = find_coin(w, f, TOKEN_KIND_VAULT, -1, u8(f) % 4 != 0);
    if (v < 0)
        return;
    struct token_prefix p;
    int a;
    (void)parse(&w->utxo.coin[v], &p, &a, w);
    spend(b, w, (size_t)v, false);
    bool close = u8(f) % 2;
    uint64_t debt_out = close ? 0 : p.amount - below(f, p.amount + 1);
    uint64_t repay = p.amount - debt_out;
    uint64_t have = gather(b, w, f, a, repay);
    if (!close)
        out(b, perturb(f, w->utxo.coin[v].value), TOKEN_KIND_VAULT, w, a, debt_out, 0, 0, u8(f) % 3);
    else
        tx_add_output(&b->tx, w->utxo.coin[v].value, LOCKS[0], LOCK_LEN[0]);
    if (have > repay) {
        uint64_t change = perturb_u(f, have - repay);
        if (change >= 1 && change <= TOKEN_AMOUNT_MAX)
            out(b, 0, TOKEN_KIND_TOKEN, w, a, change, 0, 0, u8(f) % 3);
    }
}

static void op_transfer(struct build *b, struct world *w, struct fz *f)
{
    int a = u8(f) % NASSETS;
    uint64_t have = gather(b, w, f, a, 1 + below(f, UINT32_MAX));
    if (have == 0)
        return;
    int n = 1 + u8(f) % 3;
    uint64_t left = perturb_u(f, have);
    for (int i = 0; i < n && left > 0; i++) {
        uint64_t part = i == n - 1 ? left : 1 + below(f, left);
        if (part > TOKEN_AMOUNT_MAX)
            part = TOKEN_AMOUNT_MAX;
        out(b, 0, TOKEN_KIND_TOKEN, w, (u8(f) % 16 == 0) ? 1 - a : a, part, 0, 0, u8(f) % 3);
        left -= part;
    }
}

static void op_oracle(struct build *b, struct world *w, struct fz *f)
{
    int a = u8(f) % NASSETS;
    long o = find(w, f, TOKEN_KIND_ORACLE, a);
    if (o >= 0 && u8(f) % 16 != 0)
        spend(b, w, (size_t)o, false);
    uint64_t price = w->state.asset[a].price;
    switch (u8(f) % 5) {
    case 0:
        price = price / 5 * 4; /* a breaker-sized drop */
        break;
    case 4:
        price = price / (2 + u8(f) % 8) + 1; /* a crash: vaults become liquidatable */
        break;
    case 1:
        price = 1 + below(f, UINT32_MAX) * (1 + below(f, 1000));
        break;
    case 2:
        price = u8(f) % 8 == 0 ? 0 : price / 2;
        break;
    default:
        price = perturb_u(f, price);
    }
    out(b, 0, TOKEN_KIND_ORACLE, w, a, 0, 0, price, 0);
}

static void op_issuer(struct build *b, struct world *w, struct fz *f)
{
    int a = u8(f) % NASSETS;
    long i = find(w, f, TOKEN_KIND_ISSUER, a);
    if (i >= 0)
        spend(b, w, (size_t)i, false);
    int n = u8(f) % 8 == 0 ? 2 : 1;
    for (int k = 0; k < n; k++)
        out(b, 0, TOKEN_KIND_ISSUER, w, a, 0, u8(f), 0, 0);
}

static void op_liquidate(struct build *b, struct world *w, struct fz *f)
{
    long v = find_coin(w, f, TOKEN_KIND_VAULT, -1, u8(f) % 8 != 0);
    if (v < 0)
        return;
    const struct mcoin *vc = &w->utxo.coin[v];
    struct token_prefix p;
    int a;
    (void)parse(vc, &p, &a, w);
    spend(b, w, (size_t)v, u8(f) % 8 != 0);
    uint64_t have = gather(b, w, f, a, p.amount);
    const struct issuance_asset_state *as = &w->state.asset[a];
    uint64_t seized = issuance_seized((uint64_t)vc->value, p.amount, as->price, w->assets[a].liquidation_bonus_pct);
    size_t plen;
    struct token_prefix q;
    (void)token_prefix_parse(&q, &plen, vc->spk, vc->len);
    struct txout *o = tx_add_output(&b->tx, 0, vc->spk + plen, vc->len - plen);
    o->value = perturb(f, vc->value - (int64_t)seized);
    tx_add_output(&b->tx, (int64_t)seized, LOCKS[2], LOCK_LEN[2]);
    if (have > p.amount) {
        uint64_t change = perturb_u(f, have - p.amount);
        if (change >= 1 && change <= TOKEN_AMOUNT_MAX)
            out(b, 0, TOKEN_KIND_TOKEN, w, a, change, 0, 0, 1);
    }
}

static void op_random(struct build *b, struct world *w, struct fz *f)
{
    int nin = u8(f) % 4, nout = 1 + u8(f) % 4;
    for (int i = 0; i < nin; i++)
        spend(b, w, (size_t)below(f, w->utxo.count), u8(f) % 2);
    for (int i = 0; i < nout; i++) {
        enum token_kind k = (enum token_kind)(1 + u8(f) % 4);
        int a = u8(f) % NASSETS;
        out(b, (int64_t)below(f, 100) * COIN, k, w, a, below(f, 1u << 20), u8(f), 1 + below(f, UINT32_MAX), u8(f) % 3);
    }
}

/* Checks b at the current height; applies it on acceptance. */
static void run(struct world *w, struct build *b)
{
    if (b->tx.vout_count == 0 || b->tx.vin_count == 0)
        return;
    tx_update_hashes(&b->tx);
    bool coinbase = tx_is_coinbase(&b->tx);
    struct txout spent[MAX_COINS];
    struct spent_coin coins[MAX_COINS];
    for (size_t i = 0; !coinbase && i < b->tx.vin_count; i++) {
        struct mcoin *c = &w->utxo.coin[b->used[i]];
        spent[i].value = c->value;
        spent[i].script_pubkey.data = c->spk; /* borrowed */
        spent[i].script_pubkey.len = c->len;
        coins[i].out = &spent[i];
        coins[i].height = c->height;
        coins[i].is_coinbase = c->coinbase;
    }
    struct issuance_view view = { w->assets, NASSETS, &w->state, w->height };
    struct val_state st;
    val_state_init(&st);
    struct issuance_effects fx;
    if (!issuance_tx_check(&st, &fx, &b->tx, coinbase ? NULL : coins, &view)) {
        assert(st.mode == VAL_INVALID && st.result == VAL_TX_CONSENSUS && st.reject[0]);
        return;
    }
    if (fx.actions & ISSUANCE_ACT_LIQUIDATE)
        assert(issuance_input_is_liquidation(&b->tx, fx.vault_in.index, &spent[fx.vault_in.index]));
    if (w->utxo.count + b->tx.vout_count > MAX_COINS + (coinbase ? 0 : b->tx.vin_count))
        return; /* the model is full: treat as not mined */
    struct frame *fr = &w->blocks[w->nblocks - 1];
    assert(issuance_state_apply_tx(&w->state, &fr->undo, &fx, w->assets, NASSETS, w->height));

    /* Update the model: remove spent coins (highest index first), add outputs. */
    size_t idx[MAX_COINS];
    size_t n = coinbase ? 0 : b->tx.vin_count;
    memcpy(idx, b->used, n * sizeof(idx[0]));
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (idx[j] > idx[i]) {
                size_t t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
    for (size_t i = 0; i < n; i++)
        w->utxo.coin[idx[i]] = w->utxo.coin[--w->utxo.count];
    for (size_t o = 0; o < b->tx.vout_count; o++) {
        const struct txout *to = &b->tx.vout[o];
        assert(to->script_pubkey.len <= MAX_SPK && w->utxo.count < MAX_COINS);
        struct mcoin *c = &w->utxo.coin[w->utxo.count++];
        c->op.txid = b->tx.txid;
        c->op.n = (uint32_t)o;
        c->value = to->value;
        memcpy(c->spk, to->script_pubkey.data, to->script_pubkey.len);
        c->len = to->script_pubkey.len;
        c->height = w->height;
        c->coinbase = coinbase;
    }
    check_invariants(w);
}

/* Starts a block `gap` blocks after the next one (gap > 0: empty blocks in between). */
static void new_block(struct world *w, int32_t gap)
{
    if (w->nblocks == MAX_BLOCKS) {
        /* Forget the oldest block (it can no longer be disconnected). */
        memmove(w->blocks, w->blocks + 1, (MAX_BLOCKS - 1) * sizeof(w->blocks[0]));
        w->nblocks--;
    }
    struct frame *fr = &w->blocks[w->nblocks++];
    fr->prev_height = w->height;
    fr->utxo = w->utxo;
    fr->state = w->state;
    issuance_undo_init(&fr->undo);
    w->height += 1 + gap;
}

static void disconnect(struct world *w)
{
    if (w->nblocks <= 1)
        return;
    struct frame *fr = &w->blocks[--w->nblocks];
    /* The undo record round-trips through its encoding first. */
    struct wbuf b;
    wbuf_init(&b);
    issuance_undo_serialize(&b, &fr->undo);
    struct issuance_undo u;
    assert(issuance_undo_decode(&u, b.data, b.len));
    wbuf_clear(&b);
    assert(issuance_state_disconnect(&w->state, &u));
    struct wbuf x, y;
    wbuf_init(&x);
    wbuf_init(&y);
    issuance_state_serialize(&x, &w->state);
    issuance_state_serialize(&y, &fr->state);
    assert(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
    wbuf_clear(&x);
    wbuf_clear(&y);
    w->utxo = fr->utxo;
    w->height = fr->prev_height;
    check_invariants(w);
}

static void setup(struct world *w, struct fz *f)
{
    const struct chain_params *p = chain_params_get("regtest");
    for (int a = 0; a < NASSETS; a++) {
        struct chain_asset *A = &w->assets[a];
        *A = p->assets[0];
        memset(A->asset_id, 0x10 + a, 32);
        A->min_collateral_ratio_pct = 100 + u8(f) % 200;
        A->liquidation_ratio_pct = 100 + u8(f) % (A->min_collateral_ratio_pct - 99);
        A->liquidation_bonus_pct = u8(f) % 50;
        A->max_price_age = u8(f) % 40;
        A->breaker_drop_pct = 1 + u8(f) % 100;
        A->breaker_window = 1 + u8(f) % ISSUANCE_WINDOW_MAX;
        A->breaker_pause = u8(f) % 100;
        A->min_vault_debt = 1 + below(f, 1000000);
        A->debt_ceiling = A->min_vault_debt + below(f, UINT32_MAX) * (1 + u8(f));
        if (A->debt_ceiling > TOKEN_AMOUNT_MAX)
            A->debt_ceiling = TOKEN_AMOUNT_MAX;
        A->initial_price = 1 + u64(f, 5);
        assert(issuance_asset_params_ok(A));
    }
    /* Genesis: ISSUER and ORACLE of each asset, into the model. */
    struct build b;
    tx_init(&b.tx);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    static const uint8_t sig[2] = { 0x01, 0x00 };
    tx_add_input(&b.tx, &null_op, sig, sizeof(sig), SEQUENCE_FINAL);
    for (int a = 0; a < NASSETS; a++) {
        out(&b, 0, TOKEN_KIND_ISSUER, w, a, 0, 0, 0, 0);
        out(&b, 0, TOKEN_KIND_ORACLE, w, a, 0, 0, w->assets[a].initial_price, 0);
    }
    tx_update_hashes(&b.tx);
    struct val_state st;
    val_state_init(&st);
    assert(issuance_state_init_genesis(&st, &w->state, w->assets, NASSETS, &b.tx));
    for (size_t o = 0; o < b.tx.vout_count; o++) {
        struct mcoin *c = &w->utxo.coin[w->utxo.count++];
        c->op.txid = b.tx.txid;
        c->op.n = (uint32_t)o;
        c->value = 0;
        memcpy(c->spk, b.tx.vout[o].script_pubkey.data, b.tx.vout[o].script_pubkey.len);
        c->len = b.tx.vout[o].script_pubkey.len;
        c->height = 0;
        c->coinbase = true;
    }
    tx_clear(&b.tx);
    w->height = 0;
    new_block(w, 0); /* block 1 */
    check_invariants(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    struct world *w = mem_calloc(1, sizeof(*w));
    w->blocks = mem_calloc(MAX_BLOCKS, sizeof(w->blocks[0]));
    setup(w, &f);
    for (int step = 0; step < 200 && f.n > 0; step++) {
        uint8_t op = u8(&f) % 12;
        if (op == 9) {
            new_block(w, 0);
            continue;
        }
        if (op == 10) {
            new_block(w, (int32_t)(u8(&f) % 40)); /* after empty blocks: prices age */
            continue;
        }
        if (op == 11) {
            disconnect(w);
            continue;
        }
        struct build b;
        tx_init(&b.tx);
        switch (op) {
        case 0:
            op_coinbase(&b, w, &f);
            break;
        case 1:
        case 2:
            op_mint(&b, w, &f);
            break;
        case 3:
            op_repay(&b, w, &f);
            break;
        case 4:
            op_transfer(&b, w, &f);
            break;
        case 5:
            op_oracle(&b, w, &f);
            break;
        case 6:
            op_issuer(&b, w, &f);
            break;
        case 7:
            op_liquidate(&b, w, &f);
            break;
        default:
            op_random(&b, w, &f);
            break;
        }
        run(w, &b);
        tx_clear(&b.tx);
    }
    mem_free(w->blocks);
    mem_free(w);
    return 0;
}
