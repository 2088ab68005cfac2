/* miner_submit_block: submitblock's processing, shared with the miners. */
#include "src/miner/submit.h"

#include "consensus/merkle.h"
#include "src/chain/chainstate.h"

enum miner_submit_result miner_submit_block(struct chainstate *cs, struct val_state *st, struct block *b)
{
    if (merkle_witness_commitment_find(b) >= 0 && b->txs[0].vin[0].witness.count == 0) {
        static const uint8_t zero[32];
        txin_witness_push(&b->txs[0].vin[0], zero, 32);
        tx_update_hashes(&b->txs[0]);
    }
    struct hash256 hash;
    block_hash(&hash, b);
    chainstate_lock(cs);
    val_state_init(st);
    bool new_block = false;
    bool accepted = chainstate_process_new_block(cs, st, &new_block, b, true);
    enum miner_submit_result r;
    if (accepted && !new_block && val_is_valid(st)) {
        r = MINER_SUBMIT_DUPLICATE;
    } else if (!val_is_valid(st)) {
        r = st->mode == VAL_ERROR ? MINER_SUBMIT_ERROR : MINER_SUBMIT_REJECTED;
    } else {
        struct block_index *bi = chainstate_lookup(cs, &hash);
        r = bi && chainstate_in_active_chain(cs, bi) ? MINER_SUBMIT_ACCEPTED : MINER_SUBMIT_INCONCLUSIVE;
    }
    chainstate_unlock(cs);
    return r;
}
