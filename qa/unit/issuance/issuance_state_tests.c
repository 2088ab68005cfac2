/* Asset parameters and the genesis state (issuance/issuance_state.c). */
#include "issuance/issuance_state.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"

START_TEST(profiles_have_usable_parameters)
{
    static const char *const names[] = { "main", "test", "regtest" };
    for (size_t i = 0; i < 3; i++) {
        const struct chain_params *p = chain_params_get(names[i]);
        ck_assert_uint_ge(p->asset_count, 1);
        ck_assert_uint_le(p->asset_count, ISSUANCE_MAX_ASSETS);
        for (size_t a = 0; a < p->asset_count; a++)
            ck_assert(issuance_asset_params_ok(&p->assets[a]));
    }
}
END_TEST

START_TEST(bad_parameters)
{
    const struct chain_asset *husd = &chain_params_get("regtest")->assets[0];
    struct chain_asset a;
#define BAD(field, value)                                                                                              \
    do {                                                                                                               \
        a = *husd;                                                                                                     \
        a.field = value;                                                                                               \
        ck_assert_msg(!issuance_asset_params_ok(&a), #field " = " #value);                                           \
    } while (0)
    BAD(liquidation_ratio_pct, 99);
    BAD(liquidation_ratio_pct, 151);
    BAD(breaker_drop_pct, 0);
    BAD(breaker_drop_pct, 101);
    BAD(breaker_window, 0);
    BAD(breaker_window, ISSUANCE_WINDOW_MAX + 1);
    BAD(min_vault_debt, 0);
    BAD(min_vault_debt, husd->debt_ceiling + 1);
    BAD(debt_ceiling, TOKEN_AMOUNT_MAX + 1);
    BAD(initial_price, 0);
#undef BAD
    a = *husd;
    a.liquidation_ratio_pct = a.min_collateral_ratio_pct;
    a.debt_ceiling = TOKEN_AMOUNT_MAX;
    a.breaker_window = ISSUANCE_WINDOW_MAX;
    ck_assert(issuance_asset_params_ok(&a));
}
END_TEST

START_TEST(genesis_of_every_profile)
{
    static const char *const names[] = { "main", "test", "regtest" };
    for (size_t i = 0; i < 3; i++) {
        const struct chain_params *p = chain_params_get(names[i]);
        struct block b;
        chain_params_genesis_build(&b, p);
        const struct tx *cb = &b.txs[0];
        struct issuance_state s;
        struct val_state st;
        val_state_init(&st);
        ck_assert_msg(issuance_state_init_genesis(&st, &s, p->assets, p->asset_count, cb), "%s", st.reject);
        ck_assert(issuance_state_matches(&s, p->assets, p->asset_count));
        for (size_t a = 0; a < p->asset_count; a++) {
            const struct issuance_asset_state *as = &s.asset[a];
            ck_assert_uint_eq(as->supply, 0);
            ck_assert_uint_eq(as->price, p->assets[a].initial_price);
            ck_assert_uint_eq(as->window_base, as->price);
            ck_assert_int_eq(as->price_height, 0);
            ck_assert_int_eq(as->breaker_until, 0);
            ck_assert_uint_eq(as->window_count, 0);
            ck_assert(hash256_eq(&as->issuer.txid, &cb->txid));
            ck_assert(hash256_eq(&as->oracle.txid, &cb->txid));
            struct token_prefix tp;
            size_t len;
            const struct bytes *spk = &cb->vout[as->issuer.n].script_pubkey;
            ck_assert_int_eq(token_prefix_parse(&tp, &len, spk->data, spk->len), TOKEN_PREFIX_OK);
            ck_assert_int_eq(tp.kind, TOKEN_KIND_ISSUER);
            ck_assert_uint_eq(as->issuer_flags, tp.flags);
            spk = &cb->vout[as->oracle.n].script_pubkey;
            ck_assert_int_eq(token_prefix_parse(&tp, &len, spk->data, spk->len), TOKEN_PREFIX_OK);
            ck_assert_int_eq(tp.kind, TOKEN_KIND_ORACLE);
        }
        block_clear(&b);
    }
}
END_TEST

/* Runs genesis init over a coinbase with the given outputs for the fixture's two assets. */
static void expect_genesis_error(struct tu_tx *g)
{
    struct tu_chain c;
    tu_chain_init(&c);
    tx_update_hashes(&g->tx);
    struct issuance_state s;
    struct val_state st;
    val_state_init(&st);
    ck_assert(!issuance_state_init_genesis(&st, &s, c.assets, 2, &g->tx));
    ck_assert_int_eq(st.mode, VAL_ERROR);
    struct issuance_state zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&s, &zero, sizeof(s)) == 0);
    tu_tx_clear(g);
}

START_TEST(genesis_errors)
{
    struct tu_chain c;
    tu_chain_init(&c);
    struct tu_tx g;
    /* asset 1 without ORACLE */
    tu_tx_init_coinbase(&g);
    tu_out(&g, 0, tu_issuer(&c, 0, 0));
    tu_out(&g, 0, tu_oracle(&c, 0, 5));
    tu_out(&g, 0, tu_issuer(&c, 1, 0));
    expect_genesis_error(&g);
    /* two ISSUERs for asset 0 */
    tu_tx_init_coinbase(&g);
    for (int a = 0; a < 2; a++) {
        tu_out(&g, 0, tu_issuer(&c, a, 0));
        tu_out(&g, 0, tu_oracle(&c, a, 5));
    }
    tu_out(&g, 0, tu_issuer(&c, 0, 0));
    expect_genesis_error(&g);
    /* price 0 */
    tu_tx_init_coinbase(&g);
    for (int a = 0; a < 2; a++) {
        tu_out(&g, 0, tu_issuer(&c, a, 0));
        tu_out(&g, 0, tu_oracle(&c, a, (uint64_t)a));
    }
    expect_genesis_error(&g);
    /* a TOKEN output, a vault with debt, an unknown asset */
    for (int k = 0; k < 3; k++) {
        tu_tx_init_coinbase(&g);
        for (int a = 0; a < 2; a++) {
            tu_out(&g, 0, tu_issuer(&c, a, 0));
            tu_out(&g, 0, tu_oracle(&c, a, 5));
        }
        struct tu_spk extra = k == 0 ? tu_token(&c, 0, 1) : tu_vault(&c, 0, k == 1 ? 1 : 0);
        if (k == 2)
            extra.b[3] ^= 0xff;
        tu_out(&g, 0, extra);
        expect_genesis_error(&g);
    }
    /* ... but a vault without debt is fine */
    tu_tx_init_coinbase(&g);
    for (int a = 0; a < 2; a++) {
        tu_out(&g, 0, tu_issuer(&c, a, 0));
        tu_out(&g, 0, tu_oracle(&c, a, 5));
    }
    tu_out(&g, COIN, tu_vault(&c, 1, 0));
    tx_update_hashes(&g.tx);
    struct issuance_state s;
    struct val_state st;
    val_state_init(&st);
    ck_assert(issuance_state_init_genesis(&st, &s, c.assets, 2, &g.tx));
    tu_tx_clear(&g);
    /* bad parameters */
    c.assets[1].breaker_window = 0;
    tu_tx_init_coinbase(&g);
    for (int a = 0; a < 2; a++) {
        tu_out(&g, 0, tu_issuer(&c, a, 0));
        tu_out(&g, 0, tu_oracle(&c, a, 5));
    }
    tx_update_hashes(&g.tx);
    ck_assert(!issuance_state_init_genesis(&st, &s, c.assets, 2, &g.tx));
    ck_assert(!issuance_state_init_genesis(&st, &s, c.assets, ISSUANCE_MAX_ASSETS + 1, &g.tx));
    tu_tx_clear(&g);
}
END_TEST

START_TEST(matches_and_index)
{
    struct tu_chain c;
    tu_chain_init(&c);
    ck_assert(issuance_state_matches(&c.state, c.assets, 2));
    ck_assert(!issuance_state_matches(&c.state, c.assets, 1));
    ck_assert_int_eq(issuance_asset_index(c.assets, 2, c.assets[1].asset_id), 1);
    ck_assert_int_eq(issuance_asset_index(c.assets, 1, c.assets[1].asset_id), -1);
    c.state.asset[1].asset_id[0] ^= 1;
    ck_assert(!issuance_state_matches(&c.state, c.assets, 2));
    /* The transaction check refuses a state of other assets as an internal error. */
    struct tu_tx t;
    tu_tx_init(&t);
    tu_in(&t, 1, tu_plain());
    tu_out(&t, 1, tu_plain());
    struct val_state st;
    struct issuance_effects fx;
    ck_assert(!tu_check(&st, &fx, &c, &t, TU_HEIGHT));
    ck_assert_int_eq(st.mode, VAL_ERROR);
    tu_tx_clear(&t);
}
END_TEST

/* An asset by name, as the RPCs take it (moved from the wallet's token tests
 * with wallet_token_asset, whose lookup this is). */
START_TEST(find_by_ticker_or_id)
{
    const struct chain_params *p = chain_params_get("regtest");
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, p->assets[0].ticker), 0);
    char id[65];
    for (int i = 0; i < 32; i++)
        snprintf(id + 2 * i, 3, "%02x", p->assets[0].asset_id[31 - i]);
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, id), 0);
    for (int i = 0; i < 64; i++)
        id[i] = (char)toupper((unsigned char)id[i]);
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, id), 0);
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, "EUR"), -1);
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, ""), -1);
    id[0] = id[0] == '0' ? '1' : '0';
    ck_assert_int_eq(issuance_asset_find(p->assets, p->asset_count, id), -1);
    ck_assert_int_eq(issuance_asset_find(p->assets, 0, p->assets[0].ticker), -1);
}
END_TEST

static Suite *issuance_state_suite(void)
{
    Suite *s = suite_create("issuance_state");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, profiles_have_usable_parameters);
    tcase_add_test(tc, bad_parameters);
    tcase_add_test(tc, genesis_of_every_profile);
    tcase_add_test(tc, genesis_errors);
    tcase_add_test(tc, matches_and_index);
    tcase_add_test(tc, find_by_ticker_or_id);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(issuance_state_suite)
