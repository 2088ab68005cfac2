/* Chain test helpers: see chain_test_util.h. */
#include "qa/unit/chain/chain_test_util.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "consensus/merkle.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "issuance/reserve_commitment.h"
#include "qa/unit/store/tmpdir.h"
#include "src/chain/issuance_query.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

const uint8_t TC_GENESIS_SPK[22] = { 0x00, 0x14, 0x48, 0xda, 0xff, 0x6f, 0xf9, 0xb2, 0x11, 0x7a, 0x72,
                                     0xfb, 0x17, 0x56, 0x3b, 0xd7, 0x9b, 0x95, 0x2c, 0x90, 0xac, 0x16 };

static const char *GENESIS_KEY_HEX = "622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba";

int64_t tc_time(void) { return 1795219200 + 30 * 86400; }

void tc_setup(struct test_chain *t, const char *chain)
{
    memset(t, 0, sizeof(*t));
    keys_init();
    tmpdir_make(t->dir);
    t->p = chain_params_get(chain);
    ck_assert_ptr_nonnull(t->p);
    chainstate_options_init(&t->opt);
    t->opt.params = t->p;
    t->opt.datadir = t->dir;
    t->opt.dbcache_bytes = 16u << 20;
    t->opt.par = 2;
    t->opt.adjusted_time = tc_time;
    char err[512];
    ck_assert_msg(tc_reopen(t, err, sizeof(err)) == 0, "open: %s", err);
}

void tc_init_at(struct test_chain *t, const char *dir)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "%s", dir);
    t->p = chain_params_get("regtest");
    chainstate_options_init(&t->opt);
    t->opt.params = t->p;
    t->opt.datadir = t->dir;
    t->opt.adjusted_time = tc_time;
}

void tc_close(struct test_chain *t)
{
    chainstate_close(t->cs);
    t->cs = NULL;
}

int tc_reopen(struct test_chain *t, char *err, size_t errlen)
{
    if (t->cs)
        tc_close(t);
    err[0] = 0;
    return chainstate_open(&t->cs, &t->opt, err, errlen);
}

void tc_teardown(struct test_chain *t)
{
    tc_close(t);
    tmpdir_remove(t->dir);
}

void tc_add_empty_reserve_commitment(struct tx *coinbase)
{
    struct reserve_state empty;
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_root_compute(&st, &empty, NULL, 0));
    struct reserve_commitment c;
    reserve_commitment_from_state(&c, &empty);
    reserve_commitment_add(coinbase, &c);
}

void tc_fix_reserve_commitment(struct test_chain *t, struct block *b)
{
    if (!chainstate_issuance_enabled(t->cs))
        return;
    struct tx *cb = &b->txs[0];
    for (size_t i = 0; i < cb->vout_count;) {
        const struct bytes *spk = &cb->vout[i].script_pubkey;
        if (reserve_commitment_is_tagged(spk->data, spk->len)) {
            txout_clear(&cb->vout[i]);
            memmove(&cb->vout[i], &cb->vout[i + 1], (cb->vout_count - i - 1) * sizeof(*cb->vout));
            cb->vout_count--;
        } else {
            i++;
        }
    }
    const struct tx **txs = mem_alloc((b->tx_count ? b->tx_count : 1) * sizeof(*txs));
    for (size_t i = 1; i < b->tx_count; i++)
        txs[i - 1] = &b->txs[i];
    struct reserve_commitment c;
    if (chainstate_reserve_commitment(t->cs, &c, txs, b->tx_count - 1))
        reserve_commitment_add(cb, &c);
    tx_update_hashes(cb);
    mem_free(txs);
    tc_solve(b, t->p);
}

void tc_solve(struct block *b, const struct chain_params *p)
{
    merkle_block_root(&b->header.merkle_root, NULL, b);
    for (;;) {
        struct hash256 h;
        block_header_hash(&h, &b->header);
        if (pow_check(&h, b->header.bits, p))
            return;
        b->header.nonce++;
    }
}

void tc_make_block(struct block *out, const struct chain_params *p, const struct block_index *prev,
                   const struct tx *txs, size_t ntx, int64_t fees, int64_t cb_extra, uint32_t extra_nonce)
{
    block_init(out);
    int32_t height = prev->height + 1;
    struct tx cb;
    tx_init(&cb);
    struct wbuf sig;
    wbuf_init(&sig);
    script_push_int(&sig, height);
    uint8_t en[4] = { (uint8_t)extra_nonce, (uint8_t)(extra_nonce >> 8), (uint8_t)(extra_nonce >> 16),
                      (uint8_t)(extra_nonce >> 24) };
    script_push_data(&sig, en, sizeof(en));
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    tx_add_input(&cb, &null_op, sig.data, sig.len, SEQUENCE_FINAL);
    wbuf_clear(&sig);
    tx_add_output(&cb, chain_params_block_subsidy(p, height) + fees + cb_extra, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tx_update_hashes(&cb);
    if (p->is_hashmint && p->asset_count > 0)
        tc_add_empty_reserve_commitment(&cb);
    block_add_tx(out, &cb);
    tx_clear(&cb);
    for (size_t i = 0; i < ntx; i++)
        block_add_tx(out, &txs[i]);
    merkle_witness_commitment_add(out);
    out->header.version = 0x20000000;
    out->header.prev_hash = prev->hash;
    out->header.time = prev->header.time + 1;
    out->header.bits = block_index_next_bits(prev, p);
    out->header.nonce = 0;
    tc_solve(out, p);
}

struct block_index *tc_mine(struct test_chain *t, const struct tx *txs, size_t ntx, int64_t fees)
{
    /* Deterministic: the same parent and transactions give the same block. */
    struct block b;
    struct block_index *prev = chainstate_tip(t->cs);
    tc_make_block(&b, t->p, prev, txs, ntx, fees, 0, (uint32_t)prev->height + 1);
    tc_fix_reserve_commitment(t, &b);
    struct val_state st;
    bool nb;
    bool ok = chainstate_process_new_block(t->cs, &st, &nb, &b, true);
    ck_assert_msg(ok && val_is_valid(&st), "mine: %s %s", st.reject, st.debug);
    struct hash256 h;
    block_hash(&h, &b);
    block_clear(&b);
    struct block_index *bi = chainstate_tip(t->cs);
    ck_assert(hash256_eq(&bi->hash, &h));
    return bi;
}

void tc_mine_n(struct test_chain *t, int n)
{
    for (int i = 0; i < n; i++)
        tc_mine(t, NULL, 0, 0);
}

void tc_spend(struct tx *out, const struct outpoint *op, int64_t in_value, int64_t out_value, const uint8_t *spk,
              size_t spk_len)
{
    uint8_t sk[32];
    size_t n;
    uint8_t *k = hex_decode_alloc(GENESIS_KEY_HEX, &n);
    memcpy(sk, k, 32);
    mem_free(k);
    uint8_t pub[33];
    size_t publen = sizeof(pub);
    ck_assert(keys_pubkey_create(pub, &publen, sk, true));
    uint8_t pkh[20];
    ripemd160_hash160(pkh, pub, publen);
    uint8_t code[25] = { 0x76, 0xa9, 0x14 };
    memcpy(code + 3, pkh, 20);
    code[23] = 0x88;
    code[24] = 0xac;

    tx_init(out);
    tx_add_input(out, op, NULL, 0, 0xfffffffdu);
    tx_add_output(out, out_value, spk, spk_len);
    struct txout spent;
    spent.value = in_value;
    spent.script_pubkey.data = (uint8_t *)TC_GENESIS_SPK;
    spent.script_pubkey.len = sizeof(TC_GENESIS_SPK);
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, out, &spent, 1);
    uint8_t h[32];
    sighash_witness_v0(h, out, 0, code, sizeof(code), in_value, 1, &pre);
    uint8_t sig[73];
    size_t siglen = 0;
    ck_assert(keys_ecdsa_sign(sig, &siglen, h, sk));
    sig[siglen++] = 0x01;
    txin_witness_push(&out->vin[0], sig, siglen);
    txin_witness_push(&out->vin[0], pub, publen);
    tx_update_hashes(out);
    mem_wipe(sk, sizeof(sk));
}
