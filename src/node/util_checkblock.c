/* hashmint-util checkblock: every check a block can pass or fail on its own
 * (no previous block, no UTXO set) under one chain's parameters. */
#include <stdio.h>
#include <string.h>

#include "consensus/block.h"
#include "consensus/block_check.h"
#include "issuance/asset.h"
#include "src/node/util_common.h"
#include "src/util/alloc.h"

/* issuance/asset.c takes the chain's asset ids as a plain array. */
static bool check_assets(struct val_state *st, const struct block *b, const struct chain_params *p)
{
    uint8_t(*ids)[32] = mem_calloc(p->asset_count ? p->asset_count : 1, 32);
    for (size_t i = 0; i < p->asset_count; i++)
        memcpy(ids[i], p->assets[i].asset_id, 32);
    bool ok = true;
    for (size_t i = 0; i < b->tx_count && ok; i++)
        ok = asset_tx_check_outputs(st, &b->txs[i], (const uint8_t(*)[32])ids, p->asset_count);
    mem_free(ids);
    return ok;
}

int util_cmd_checkblock(int argc, char **argv)
{
    struct util_chain chain;
    struct block b;
    int rc = util_load_block(&chain, &b, argc, argv, "hashmint-util checkblock [--chain=NAME] <file|hex>");
    if (rc != UTIL_EXIT_OK)
        return rc;
    struct val_state st;
    val_state_init(&st);
    /* Core's CheckBlock with proof of work and Merkle root, then (hashmint
     * chains) the asset check of every output prefix (doc/issuance.md). */
    bool ok = block_check(&st, &b, chain.params, true, true);
    if (ok && chain.params->tokens_enabled)
        ok = check_assets(&st, &b, chain.params);
    block_clear(&b);
    if (ok) {
        puts("valid");
        return fflush(stdout) == 0 ? UTIL_EXIT_OK : UTIL_EXIT_FAIL;
    }
    puts(st.reject[0] ? st.reject : "invalid");
    if (st.debug[0])
        fprintf(stderr, "%s\n", st.debug);
    fflush(stdout);
    return UTIL_EXIT_FAIL;
}
