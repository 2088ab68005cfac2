#ifndef HASHMINT_MINER_SUBMIT_H
#define HASHMINT_MINER_SUBMIT_H
/* The one path by which a solved block enters the node: submitblock, the
 * native miner (and a Stratum server) all call miner_submit_block, so a
 * mined block is validated, stored, connected and announced to peers (the
 * P2P layer relays on the chain's tip events) the same way. */
#include "consensus/block.h"
#include "consensus/validation.h"

struct chainstate;

/** What a submission gave, as BIP 22 names it. */
enum miner_submit_result {
    MINER_SUBMIT_ACCEPTED,     /* stored and now on the active chain */
    MINER_SUBMIT_DUPLICATE,    /* already known */
    MINER_SUBMIT_INCONCLUSIVE, /* stored, valid so far, but not on the active chain */
    MINER_SUBMIT_REJECTED,     /* invalid: st->reject has the reason */
    MINER_SUBMIT_ERROR,        /* a system error while processing: st->reject has it */
};

/**
 * Submits b as Core's submitblock does: supplies the witness reserved value
 * when the coinbase commits to witnesses but carries none (Core's
 * UpdateUncommittedBlockStructures; b is changed then), and processes the
 * block with force (Core's ProcessNewBlock). Takes the chain lock. Out: *st.
 * Precondition: b has a coinbase first.
 */
enum miner_submit_result miner_submit_block(struct chainstate *cs, struct val_state *st, struct block *b);

#endif
