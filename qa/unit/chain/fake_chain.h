#ifndef HASHMINT_QA_UNIT_CHAIN_FAKE_CHAIN_H
#define HASHMINT_QA_UNIT_CHAIN_FAKE_CHAIN_H
/* A fake chain behind struct mempool_chain for the mempool and miner unit
 * tests: a UTXO list, a tip height and MTP, a settable clock, and recorded
 * mempool notifications. Spends use P2WSH(OP_TRUE) so no keys are needed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/chain/mempool.h"

#define FAKE_MAX_COINS 512
#define FAKE_MAX_EVENTS 2048

struct fake_coin {
    struct outpoint op;
    struct txout out;
    int32_t height;
    bool coinbase;
};

struct fake_event {
    bool added;
    struct hash256 txid;
    enum mempool_removal_reason reason;
    uint64_t seq;
};

struct fake_chain {
    const struct chain_params *params;
    struct fake_coin coins[FAKE_MAX_COINS];
    size_t coin_count;
    int32_t height;
    int64_t mtp;
    int64_t now;
    struct fake_event events[FAKE_MAX_EVENTS];
    size_t event_count;
};

/** P2WSH of the witness script OP_TRUE (34 bytes). */
extern uint8_t FAKE_SPK[34];

/** Sets up fc on regtest at height 200 and fills *o for a mempool over it. */
void fake_chain_init(struct fake_chain *fc, struct mempool_options *o);
void fake_chain_clear(struct fake_chain *fc);
/** Adds a coin paying FAKE_SPK: txid all `id` bytes, output n. Returns its outpoint. */
struct outpoint fake_chain_add_coin(struct fake_chain *fc, uint8_t id, uint32_t n, int64_t value, int32_t height,
                                    bool coinbase);
/** Adds every output of tx as coins at height (a confirmed transaction). */
void fake_chain_add_tx(struct fake_chain *fc, const struct tx *tx, int32_t height);
/** Removes the coin at op (spent by a block). */
void fake_chain_spend(struct fake_chain *fc, const struct outpoint *op);

/**
 * Builds a version-2 transaction spending ins (each with the OP_TRUE
 * witness, sequence 0xfffffffd) to outputs of the given values paying
 * FAKE_SPK. Out: *tx (tx_clear it), hashes computed.
 */
void fake_tx(struct tx *tx, const struct outpoint *ins, size_t nin, const int64_t *values, size_t nout);
/** One input, one output of `value`. */
void fake_tx1(struct tx *tx, const struct outpoint *in, int64_t value);

#endif
