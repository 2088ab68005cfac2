/* wallet/wallet_spend.c: walletprocesspsbt signs an input the wallet never
 * stored (the regtest ISSUER output, behind its extension prefix) from the
 * PSBT's witness UTXO with the keys of an imported wsh(multi(3, ...)), as
 * the issuer's mint round needs (doc/wallet.md, "Vaults and issuer"). Three
 * wallets: one with issuer key 1, one with keys 2 and 3, one with none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"
#include "wallet/descriptor.h"
#include "wallet/key_io.h"
#include "wallet/psbt.h"
#include "wallet/psbt_sign.h"
#include "wallet/wallet.h"

/* The wsh(multi(3, k1..k5)) descriptor with the private keys of `priv` (bit i: key i + 1), checksummed. */
static char *issuer_desc(const struct chain_params *p, unsigned priv)
{
    const struct chain_asset *a = &p->assets[0];
    const uint8_t *ws = a->issuer_witness_script; /* OP_3 (0x21 <33 bytes>) x 5 OP_5 OP_CHECKMULTISIG */
    char body[1024];
    size_t n = (size_t)snprintf(body, sizeof(body), "wsh(multi(3");
    for (int i = 0; i < 5; i++) {
        char key[80];
        if (priv & (1u << i)) {
            char label[64];
            uint8_t sec[32];
            snprintf(label, sizeof(label), "hashmint regtest issuer key %d", i + 1);
            sha256(sec, (const uint8_t *)label, strlen(label));
            rpc_wif_encode(key, sec, true, p->wif_prefix);
        } else {
            hex_encode(key, ws + 1 + i * 34 + 1, 33);
        }
        n += (size_t)snprintf(body + n, sizeof(body) - n, ",%s", key);
    }
    snprintf(body + n, sizeof(body) - n, "))");
    return descriptor_add_checksum(body);
}

static struct wallet *make_wallet(struct wallet_context *c, const char *name, const struct chain_params *p,
                                  unsigned priv)
{
    struct wallet_error e = { 0, "" };
    struct wallet_create_flags f = { 0 };
    ck_assert_msg(wallet_context_create(c, &e, name, &f), "%s", e.message);
    struct wallet *w = wallet_context_pick(c, &e, name);
    ck_assert_ptr_nonnull(w);
    if (priv) {
        char *d = issuer_desc(p, priv);
        ck_assert_ptr_nonnull(d);
        json_t *req = json_pack("{s:s,s:s}", "desc", d, "timestamp", "now");
        json_t *res = wallet_import_descriptor(w, req);
        ck_assert_msg(json_is_true(json_object_get(res, "success")), "import %s", d);
        json_decref(res);
        json_decref(req);
        mem_free(d);
    }
    return w;
}

/* Number of partial signatures on input 0. */
static size_t partial_sigs(const struct psbt *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->inputs[0].count; i++)
        n += p->inputs[0].pairs[i].key.len == 34 && p->inputs[0].pairs[i].key.data[0] == PSBT_IN_PARTIAL_SIG;
    return n;
}

START_TEST(test_issuer_round)
{
    const struct chain_params *p = chain_params_get("regtest");
    ck_assert_ptr_nonnull(p);
    ck_assert(p->tokens_enabled && p->asset_count > 0);
    char dir[] = "/tmp/hm_wallet_spend_tests_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct wallet_options o;
    wallet_options_init(&o, p);
    o.keypool = 2;
    struct wallet_context *c = wallet_context_new(NULL, p, dir, &o);
    struct wallet *one = make_wallet(c, "one", p, 1u << 0);
    struct wallet *two = make_wallet(c, "two", p, (1u << 1) | (1u << 2));
    struct wallet *none = make_wallet(c, "none", p, 0);

    /* an unsigned spend of an ISSUER output none of the wallets ever stored */
    struct tx tx;
    tx_init(&tx);
    struct outpoint op;
    memset(&op, 0x5a, sizeof(op.txid));
    op.n = 1;
    tx_add_input(&tx, &op, NULL, 0, 0xfffffffd);
    static const uint8_t pay[22] = { 0x00, 0x14 };
    tx_add_output(&tx, 9000, pay, sizeof(pay));
    tx_update_hashes(&tx);
    struct psbt ps;
    ck_assert(psbt_from_tx(&ps, &tx));
    struct token_prefix tp;
    memset(&tp, 0, sizeof(tp));
    tp.kind = TOKEN_KIND_ISSUER;
    memcpy(tp.asset_id, p->assets[0].asset_id, 32);
    struct wbuf spk, utxo;
    wbuf_init(&spk);
    wbuf_init(&utxo);
    token_prefix_serialize(&spk, &tp);
    wbuf_put(&spk, p->assets[0].issuer_script, p->assets[0].issuer_script_len);
    struct txout out = { 10000, { NULL, 0 } };
    bytes_set(&out.script_pubkey, spk.data, spk.len);
    txout_serialize(&utxo, &out);
    uint8_t k = PSBT_IN_WITNESS_UTXO;
    psbt_map_set(&ps.inputs[0], &k, 1, utxo.data, utxo.len);

    struct wallet_error e = { 0, "" };
    bool complete = true;
    struct psbt a, b;
    psbt_copy(&a, &ps);
    psbt_copy(&b, &ps);
    /* no key: nothing added */
    ck_assert(wallet_process_psbt(none, &e, &ps, true, SIGHASH_ALL, false, true, true, &complete));
    ck_assert(!complete);
    ck_assert_uint_eq(partial_sigs(&ps), 0);
    /* one key: one signature and the witness script, not complete */
    ck_assert(wallet_process_psbt(one, &e, &a, true, SIGHASH_ALL, false, true, true, &complete));
    ck_assert(!complete);
    ck_assert_uint_eq(partial_sigs(&a), 1);
    const struct bytes *ws = psbt_map_get_type(&a.inputs[0], PSBT_IN_WITNESS_SCRIPT);
    ck_assert_ptr_nonnull(ws);
    ck_assert_uint_eq(ws->len, p->assets[0].issuer_witness_script_len);
    /* two more keys, signed separately, then combined: three of five finalize */
    ck_assert(wallet_process_psbt(two, &e, &b, true, SIGHASH_ALL, false, true, false, &complete));
    ck_assert_uint_eq(partial_sigs(&b), 2);
    ck_assert(psbt_merge(&a, &b));
    ck_assert_uint_eq(partial_sigs(&a), 3);
    psbt_finalize(&a, true, &complete);
    ck_assert(complete);
    struct tx final;
    tx_init(&final);
    ck_assert(psbt_extract(&a, &final));
    ck_assert_uint_eq(final.vin[0].witness.count, 5); /* empty, three signatures, the witness script */

    tx_clear(&final);
    psbt_clear(&a);
    psbt_clear(&b);
    psbt_clear(&ps);
    txout_clear(&out);
    wbuf_clear(&spk);
    wbuf_clear(&utxo);
    tx_clear(&tx);
    wallet_release(one);
    wallet_release(two);
    wallet_release(none);
    wallet_context_free(c);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *wallet_spend_suite(void)
{
    Suite *s = suite_create("wallet_spend");
    TCase *tc = tcase_create("psbt");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_issuer_round);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(wallet_spend_suite)
