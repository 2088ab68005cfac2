/* generatetoaddress / generatetodescriptor: assemble, grind and submit
 * blocks on the chainstate (Core's generateBlocks). Kept apart from miner.c
 * so block assembly and its unit tests need no chainstate. */
#include <stdio.h>
#include <string.h>

#include "src/chain/chainstate.h"
#include "src/chain/miner.h"

bool miner_generate(struct chainstate *cs, struct mempool *mp, struct val_state *st, struct hash256 *hashes,
                    size_t *mined, const uint8_t *spk, size_t spk_len, size_t count, uint64_t max_tries,
                    const struct miner_options *o, const atomic_bool *stop)
{
    const struct chain_params *p = chainstate_params(cs);
    uint64_t tries = max_tries;
    *mined = 0;
    val_state_init(st);
    while (*mined < count && !(stop && atomic_load(stop)) && !chainstate_failed(cs)) {
        struct block_template t;
        if (!miner_create_block(mp, st, &t, spk, spk_len, o))
            return false;
        uint64_t extra = 1; /* Core's IncrementExtraNonce starts the count at 1 */
        miner_set_extra_nonce(&t.block, t.height, extra);
        if (!miner_grind(&t.block, &extra, t.height, p, max_tries ? &tries : NULL)) {
            block_template_clear(&t);
            return false; /* out of tries: st stays valid */
        }
        bool new_block = false;
        chainstate_lock(cs);
        chainstate_set_own_block(cs, true);
        bool ok = chainstate_process_new_block(cs, st, &new_block, &t.block, true);
        chainstate_set_own_block(cs, false);
        chainstate_unlock(cs);
        if (!ok || !val_is_valid(st)) {
            if (val_is_valid(st))
                val_error(st, "ProcessNewBlock, block not accepted");
            else
                snprintf(st->debug, sizeof(st->debug), "ProcessNewBlock, block not accepted");
            block_template_clear(&t);
            return false;
        }
        if (hashes)
            block_hash(&hashes[*mined], &t.block);
        (*mined)++;
        block_template_clear(&t);
    }
    return *mined == count;
}
