#ifndef HASHMINT_QA_UNIT_CHAIN_TEST_UTIL_H
#define HASHMINT_QA_UNIT_CHAIN_TEST_UTIL_H
/* Helpers for the chain unit tests: a chainstate in a temporary data
 * directory, regtest block mining (BIP 34 height, witness commitment, a
 * nonce search at 0x207fffff) and P2WPKH spends signed with the regtest
 * genesis key (doc/chain-params.md). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "src/chain/chainstate.h"

struct test_chain {
    char dir[64];
    const struct chain_params *p;
    struct chainstate_options opt;
    struct chainstate *cs;
    struct events *events;
};

/** The regtest genesis output 0 script (P2WPKH of the genesis key). */
extern const uint8_t TC_GENESIS_SPK[22];

/** Creates a temporary directory and opens a chainstate of profile `chain` there (asserts success). */
void tc_setup(struct test_chain *t, const char *chain);
/** Fills *t for a regtest chainstate in the existing directory dir (default options, tc_time),
 *  without opening it: set further options, then tc_reopen. */
void tc_init_at(struct test_chain *t, const char *dir);
/** Closes the chainstate (keeping the directory). */
void tc_close(struct test_chain *t);
/** Reopens the chainstate in the same directory; returns chainstate_open's result (err filled). */
int tc_reopen(struct test_chain *t, char *err, size_t errlen);
/** Closes everything and removes the directory. */
void tc_teardown(struct test_chain *t);
/** Adjusted time the tests use (genesis time + 30 days): blocks are never "too new". */
int64_t tc_time(void);

/** Appends to coinbase the HMRS commitment of the empty reserve tree (no vault anywhere). */
void tc_add_empty_reserve_commitment(struct tx *coinbase);

/**
 * Builds a block on prev: coinbase (BIP 34 height, extra nonce, paying
 * subsidy + fees + cb_extra to TC_GENESIS_SPK; on hashmint chains the HMRS
 * commitment of the EMPTY reserve tree: a chain with vaults must replace
 * it, see chainstate_reserve_commitment), then txs, witness commitment,
 * Merkle root, nBits from the tree, and a nonce meeting the target.
 * Out: *out (block_clear it).
 */
void tc_make_block(struct block *out, const struct chain_params *p, const struct block_index *prev,
                   const struct tx *txs, size_t ntx, int64_t fees, int64_t cb_extra, uint32_t extra_nonce);
/**
 * On hashmint chains: replaces the coinbase's HMRS commitment by the one
 * the chainstate computes for b on its tip (chainstate_reserve_commitment;
 * left out if b's inputs cannot be found), then re-solves b.
 * Precondition: b's parent is t's tip.
 */
void tc_fix_reserve_commitment(struct test_chain *t, struct block *b);
/** Re-solves the proof of work after the caller edited the block (recomputes the Merkle root). */
void tc_solve(struct block *b, const struct chain_params *p);
/** Mines a block with txs on the tip and processes it. Returns the new block's index (asserts acceptance). */
struct block_index *tc_mine(struct test_chain *t, const struct tx *txs, size_t ntx, int64_t fees);
/** Mines n empty blocks on the tip. */
void tc_mine_n(struct test_chain *t, int n);

/**
 * Builds a transaction spending op (worth in_value, locked to TC_GENESIS_SPK)
 * to one output (out_value, spk), signed with the genesis key (P2WPKH).
 * Out: *out (tx_clear it).
 */
void tc_spend(struct tx *out, const struct outpoint *op, int64_t in_value, int64_t out_value, const uint8_t *spk,
              size_t spk_len);

#endif
