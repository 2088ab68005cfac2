/* Fuzz target: relay policy (src/chain/policy.c).
 *
 * The input is decoded as a transaction; every standardness check runs on it
 * with tokens on and off, using the transaction's own outputs as the coins
 * its inputs spend. Invariants: the solver agrees with itself on each output,
 * a dust threshold is never negative, an unspendable output has none, and
 * the virtual size never drops below the plain weight / 4. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/script.h"
#include "src/chain/policy.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tx tx;
    if (!tx_decode(&tx, data, size, true))
        return 0;
    const struct chain_params *profiles[2] = { chain_params_get("regtest"), chain_params_get("bitcoin") };
    for (int k = 0; k < 2; k++) {
        struct policy_options o;
        policy_options_init(&o, profiles[k]);
        struct val_state st;
        val_state_init(&st);
        if (!policy_check_standard_tx(&st, &tx, &o))
            assert(st.result == VAL_TX_NOT_STANDARD && st.reject[0] != '\0');
        for (size_t i = 0; i < tx.vout_count; i++) {
            const struct txout *out = &tx.vout[i];
            int m, n;
            enum policy_txout_type t1 = policy_solve(out->script_pubkey.data, out->script_pubkey.len, &m, &n);
            enum policy_txout_type t2 = policy_solve(out->script_pubkey.data, out->script_pubkey.len, NULL, NULL);
            assert(t1 == t2);
            assert(t1 != POLICY_TXOUT_MULTISIG || (m >= 1 && m <= n));
            int64_t dust = policy_dust_threshold(out, &o);
            assert(dust >= 0);
            if (script_is_unspendable(out->script_pubkey.data, out->script_pubkey.len))
                assert(dust == 0);
            (void)policy_txout_type_name(t1);
        }
        if (tx.vout_count > 0 && tx.vin_count > 0) {
            struct spent_coin *coins = mem_calloc(tx.vin_count, sizeof(*coins));
            for (size_t i = 0; i < tx.vin_count; i++) {
                coins[i].out = &tx.vout[i % tx.vout_count];
                coins[i].height = 1;
            }
            (void)policy_inputs_are_standard(&tx, coins, &o);
            (void)policy_witness_is_standard(&tx, coins, &o);
            mem_free(coins);
        }
    }
    int64_t w = (int64_t)tx_weight(&tx);
    assert(policy_virtual_size(w, 0, 20) * 4 >= w);
    (void)policy_signals_rbf(&tx);
    tx_clear(&tx);
    return 0;
}
