/* Fuzz target: the reserve proof decoder and verifier
 * (issuance/reserve_proof.c, reserve_path.c, reserve_commitment.c).
 * Whatever decodes must encode back to exactly the same bytes (one
 * encoding per proof); verification must never crash, and a proof it
 * accepts must be self-consistent: the path's root is the one the
 * coinbase commits to, and the result repeats the proof's leaf. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "issuance/reserve_proof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reserve_proof p;
    if (!reserve_proof_decode(&p, data, size))
        return 0;
    struct wbuf w;
    wbuf_init(&w);
    reserve_proof_serialize(&w, &p);
    assert(w.len == size && memcmp(w.data, data, size) == 0);
    wbuf_clear(&w);

    /* The path alone, as a verifier computes it. */
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    struct reserve_state state;
    struct val_state st;
    val_state_init(&st);
    bool path_ok = reserve_path_root(&st, &state, &h, &p.leaf, p.leaf_count, p.siblings, p.depth);
    if (path_ok) {
        assert(state.sums.collateral <= RESERVE_COLLATERAL_MAX);
        assert(state.sums.debt <= RESERVE_DEBT_SUM_MAX);
        assert(state.count == p.leaf_count);
    }

    /* The whole proof, with and without a chain's proof-of-work limit. */
    struct reserve_proof_result res;
    for (int with_params = 0; with_params < 2; with_params++) {
        val_state_init(&st);
        bool ok = reserve_proof_verify(&st, &res, &p, with_params ? chain_params_get("regtest") : NULL);
        if (!ok) {
            assert(st.mode != VAL_VALID && st.reject[0]);
            continue;
        }
        assert(path_ok);
        assert(hash256_eq(&res.commitment.root, &state.root));
        assert(res.commitment.collateral == state.sums.collateral && res.commitment.debt == state.sums.debt);
        assert(res.leaf.collateral == p.leaf.collateral && res.leaf.debt == p.leaf.debt);
        assert(res.height >= 1);
        struct reserve_commitment c;
        val_state_init(&st);
        assert(reserve_commitment_find(&st, &c, NULL, &p.coinbase));
    }
    reserve_proof_clear(&p);
    return 0;
}
