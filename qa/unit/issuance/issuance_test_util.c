#include "qa/unit/issuance/issuance_test_util.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/state_serialize.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

const uint8_t TU_OWNER[22] = { 0x00, 0x14, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                               0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
static const uint8_t ANY_LOCK[2] = { 0x51, 0x87 }; /* OP_1 OP_EQUAL */

static uint32_t next_outpoint = 1;

void tu_chain_init(struct tu_chain *c)
{
    memset(c, 0, sizeof(*c));
    const struct chain_params *p = chain_params_get("regtest");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_ge(p->asset_count, 1);
    c->assets[0] = p->assets[0];
    c->assets[1] = p->assets[0];
    c->assets[1].ticker = "HTWO";
    memset(c->assets[1].asset_id, 0xa5, 32);

    /* A genesis coinbase with each asset's ISSUER and ORACLE. */
    struct tu_tx g;
    tu_tx_init_coinbase(&g);
    for (int a = 0; a < 2; a++) {
        tu_out(&g, 0, tu_issuer(c, a, 0));
        tu_out(&g, 0, tu_oracle(c, a, c->assets[a].initial_price));
    }
    tx_update_hashes(&g.tx);
    struct val_state st;
    val_state_init(&st);
    ck_assert_msg(issuance_state_init_genesis(&st, &c->state, c->assets, 2, &g.tx), "%s", st.reject);
    tu_tx_clear(&g);
    for (int a = 0; a < 2; a++) {
        struct issuance_asset_state *as = &c->state.asset[a];
        as->price = TU_PRICE;
        as->price_height = TU_HEIGHT;
        as->window_base = TU_PRICE;
        as->supply = TU_SUPPLY;
    }
}

static struct tu_spk with_prefix(const struct tu_chain *c, int asset, enum token_kind kind, uint64_t amount,
                                 uint8_t flags, uint64_t price, const uint8_t *lock, size_t len)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, c->assets[asset].asset_id, 32);
    p.amount = amount;
    p.flags = flags;
    p.price = price;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    wbuf_put(&w, lock, len);
    struct tu_spk s;
    ck_assert_uint_le(w.len, sizeof(s.b));
    memcpy(s.b, w.data, w.len);
    s.len = w.len;
    wbuf_clear(&w);
    return s;
}

struct tu_spk tu_plain(void)
{
    struct tu_spk s;
    memcpy(s.b, TU_OWNER, sizeof(TU_OWNER));
    s.len = sizeof(TU_OWNER);
    return s;
}

struct tu_spk tu_token(const struct tu_chain *c, int asset, uint64_t amount)
{
    return with_prefix(c, asset, TOKEN_KIND_TOKEN, amount, 0, 0, ANY_LOCK, sizeof(ANY_LOCK));
}

struct tu_spk tu_vault(const struct tu_chain *c, int asset, uint64_t debt)
{
    return with_prefix(c, asset, TOKEN_KIND_VAULT, debt, 0, 0, TU_OWNER, sizeof(TU_OWNER));
}

struct tu_spk tu_vault_lock(const struct tu_chain *c, int asset, uint64_t debt, const uint8_t *lock, size_t len)
{
    return with_prefix(c, asset, TOKEN_KIND_VAULT, debt, 0, 0, lock, len);
}

struct tu_spk tu_issuer(const struct tu_chain *c, int asset, uint8_t flags)
{
    return with_prefix(c, asset, TOKEN_KIND_ISSUER, 0, flags, 0, ANY_LOCK, sizeof(ANY_LOCK));
}

struct tu_spk tu_oracle(const struct tu_chain *c, int asset, uint64_t price)
{
    return with_prefix(c, asset, TOKEN_KIND_ORACLE, 0, 0, price, ANY_LOCK, sizeof(ANY_LOCK));
}

void tu_tx_init(struct tu_tx *t)
{
    memset(t, 0, sizeof(*t));
    tx_init(&t->tx);
}

void tu_tx_init_coinbase(struct tu_tx *t)
{
    tu_tx_init(t);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    static const uint8_t sig[2] = { 0x01, 0x01 };
    tx_add_input(&t->tx, &null_op, sig, sizeof(sig), SEQUENCE_FINAL);
}

void tu_tx_clear(struct tu_tx *t)
{
    for (size_t i = 0; i < t->tx.vin_count && i < TU_MAX_IN; i++)
        txout_clear(&t->spent[i]);
    tx_clear(&t->tx);
}

static struct txin *add_in(struct tu_tx *t, int64_t value, struct tu_spk spk, bool bare)
{
    size_t i = t->tx.vin_count;
    ck_assert_uint_lt(i, TU_MAX_IN);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    uint32_t id = next_outpoint++;
    memcpy(op.txid.b, &id, sizeof(id));
    op.txid.b[31] = 0x77;
    static const uint8_t push[1] = { 0x51 };
    struct txin *in = tx_add_input(&t->tx, &op, bare ? NULL : push, bare ? 0 : 1, SEQUENCE_FINAL);
    t->spent[i].value = value;
    bytes_set(&t->spent[i].script_pubkey, spk.b, spk.len);
    t->coins[i].out = &t->spent[i];
    t->coins[i].height = 1;
    t->coins[i].is_coinbase = false;
    return in;
}

struct txin *tu_in(struct tu_tx *t, int64_t value, struct tu_spk spk)
{
    return add_in(t, value, spk, false);
}

struct txin *tu_in_bare(struct tu_tx *t, int64_t value, struct tu_spk spk)
{
    return add_in(t, value, spk, true);
}

struct txout *tu_out(struct tu_tx *t, int64_t value, struct tu_spk spk)
{
    return tx_add_output(&t->tx, value, spk.b, spk.len);
}

bool tu_check(struct val_state *st, struct issuance_effects *fx, const struct tu_chain *c, struct tu_tx *t,
              int32_t height)
{
    tx_update_hashes(&t->tx);
    val_state_init(st);
    struct issuance_view v = { c->assets, 2, &c->state, height };
    return issuance_tx_check(st, fx, &t->tx, tx_is_coinbase(&t->tx) ? NULL : t->coins, &v);
}

void tu_expect(const struct tu_chain *c, struct tu_tx *t, int32_t height, const char *reject)
{
    struct val_state st;
    struct issuance_effects fx;
    bool ok = tu_check(&st, &fx, c, t, height);
    if (!reject) {
        ck_assert_msg(ok, "unexpected reject %s (%s)", st.reject, st.debug);
        ck_assert(val_is_valid(&st));
        return;
    }
    ck_assert_msg(!ok, "accepted, expected %s", reject);
    ck_assert_str_eq(st.reject, reject);
    ck_assert_int_eq(st.mode, VAL_INVALID);
    ck_assert_int_eq(st.result, VAL_TX_CONSENSUS);
    /* Effects are zeroed on failure. */
    struct issuance_effects zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&fx, &zero, sizeof(fx)) == 0);
}

void tu_state_bytes(uint8_t **p, size_t *len, const struct issuance_state *s)
{
    struct wbuf w;
    wbuf_init(&w);
    issuance_state_serialize(&w, s);
    *p = wbuf_detach(&w, len);
}

void tu_state_eq(const struct issuance_state *a, const struct issuance_state *b)
{
    uint8_t *pa, *pb;
    size_t la, lb;
    tu_state_bytes(&pa, &la, a);
    tu_state_bytes(&pb, &lb, b);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(pa, pb, la) == 0);
    mem_free(pa);
    mem_free(pb);
}
