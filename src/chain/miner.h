#ifndef HASHMINT_CHAIN_MINER_H
#define HASHMINT_CHAIN_MINER_H
/* Block assembly (Bitcoin Core's BlockAssembler) and a simple nonce-grinding
 * miner for regtest.
 *
 * Transactions are chosen by ancestor fee rate (Core's addPackageTxs): the
 * package of a transaction and its not-yet-included ancestors is scored by
 * modified fees / virtual size; the best package that fits the weight and
 * sigop budgets goes in whole (in ancestor order); descendants of included
 * transactions are re-scored without them. The block starts with
 * MINER_COINBASE_RESERVED_WEIGHT / _SIGOPS reserved for the coinbase.
 *
 * The coinbase: one input (null prevout, sequence final) whose scriptSig is
 * the BIP 34 height push followed by an extra-nonce push; one output paying
 * subsidy + fees to the caller's scriptPubKey; the BIP 141 witness
 * commitment (consensus/merkle.h) when segwit is active at that height.
 * hashmint's reserve commitment (the HMRS output, from height 1) is appended
 * by the chain's hook (mempool_chain.reserve_commitment, or
 * miner_options.reserve_commitment) before the witness commitment.
 *
 * Locking: miner_create_block takes the chain lock (through the mempool's
 * struct mempool_chain) for the whole assembly. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/validation.h"
#include "src/chain/mempool.h"
#include "src/util/wbuf.h"

/** Core's DEFAULT_BLOCK_MAX_WEIGHT (-blockmaxweight): the limit less 4000. */
#define MINER_DEFAULT_BLOCK_MAX_WEIGHT (4000000 - 4000)
/** Weight and sigop cost reserved for the coinbase. */
#define MINER_COINBASE_RESERVED_WEIGHT 4000
#define MINER_COINBASE_RESERVED_SIGOPS 400
/** Block sigop cost limit. */
#define MINER_MAX_BLOCK_SIGOPS_COST 80000
/** Core's VERSIONBITS_TOP_BITS: the version of assembled blocks. */
#define MINER_BLOCK_VERSION 0x20000000
/** Core's default maxtries for generatetoaddress. */
#define MINER_DEFAULT_MAX_TRIES 1000000

/** Assembly options; miner_options_init fills the defaults. */
struct miner_options {
    uint64_t max_block_weight; /* -blockmaxweight, capped at the chain's max_block_weight */
    int64_t min_feerate;       /* -blockmintxfee, sat/kvB (default 1): packages below are skipped */
    int32_t version;           /* header version (default MINER_BLOCK_VERSION) */
    int64_t time;              /* header time; 0 = max(now, tip MTP + 1) */
    bool use_mempool;          /* take transactions from the mempool (default true) */
    /**
     * The hashmint reserve commitment (doc/issuance.md, "The commitment
     * output"): appends the HMRS output for a block made of this coinbase
     * (vault outputs included) and txs[0..count) on the tip, before the
     * witness commitment is appended. NULL: the mempool chain's
     * reserve_commitment (struct mempool_chain) is used, which
     * mempool_chain_from_chainstate sets on hashmint chains; set this only
     * to override it (tests).
     */
    void (*reserve_commitment)(void *ctx, struct tx *coinbase, int32_t height, const struct tx *const *txs,
                               size_t count);
    void *reserve_ctx;
    /**
     * -vaultaddress/-vaultshare and generatetovault: when vault_script_len is
     * not 0, vault_share_pct (1..100) percent of the coinbase value, rounded
     * down, goes to one VAULT output with this scriptPubKey (prefix with
     * debt 0, then the owner's locking script; see miner_vault_script). The
     * rest pays spk; an output that would be worth 0 is left out.
     */
    const uint8_t *vault_script;
    size_t vault_script_len;
    uint32_t vault_share_pct;
    /**
     * A Stratum pool's payouts (src/stratum): when set, the coinbase's
     * outputs are added by this callback instead of spk and the vault share
     * above. It is given the coinbase (its input set, no outputs yet) and
     * its value, and must add outputs worth at most value in total. The
     * reserve and witness commitments are appended after it.
     */
    void (*payouts)(void *ctx, struct tx *coinbase, int64_t value);
    void *payouts_ctx;
};

/** Fills *o with the defaults. */
void miner_options_init(struct miner_options *o);

/** A block ready for proof of work, with what getblocktemplate reports. */
struct block_template {
    struct block block;     /* coinbase first; header complete but nonce 0; Merkle root set */
    int64_t *fees;          /* owned, one per transaction; fees[0] = -(total fees) as Core */
    int64_t *sigops_cost;   /* owned, one per transaction (coinbase included) */
    int32_t height;         /* the block's height */
    int64_t coinbase_value; /* subsidy + fees */
    int64_t total_fees;
    uint64_t weight;        /* the block's weight */
    int64_t sigops;         /* total sigop cost */
    int64_t mtp;            /* previous block's median time past (getblocktemplate mintime = mtp + 1) */
    uint32_t script_flags;  /* consensus flags the block is checked with */
    uint64_t extra_nonce;   /* the value in the coinbase scriptSig */
};

/** Frees what t owns and zeroes it. */
void block_template_clear(struct block_template *t);

/**
 * Assembles a block on the current tip from the mempool (Core's
 * CreateNewBlock). spk: the coinbase output's script (copied). o may be NULL
 * (defaults). Out: *out (initialised here; block_template_clear it).
 * Runs mempool chain.test_block when set. Returns false with st set if
 * the assembled block fails that check (out then cleared).
 */
bool miner_create_block(struct mempool *mp, struct val_state *st, struct block_template *out, const uint8_t *spk,
                        size_t spk_len, const struct miner_options *o);

/**
 * Assembles a block with exactly the given transactions in that order
 * (generateblock): no mempool selection. As Core's generateblock, the
 * coinbase claims the subsidy only (fees[] are 0: the fees are left
 * unclaimed). Returns false with st set from test_block (when set) if the
 * block would be invalid on the tip (out then cleared).
 */
bool miner_create_block_with_txs(struct mempool *mp, struct val_state *st, struct block_template *out,
                                 const uint8_t *spk, size_t spk_len, const struct tx *txs, size_t count,
                                 const struct miner_options *o);

/**
 * Rebuilds t's coinbase with other payouts, keeping its scriptSig, value
 * and transactions: the outputs from o (o->payouts, or spk with o's vault
 * share), then the reserve commitment for the same tip and the witness
 * commitment when t had one; updates the Merkle root, weight and coinbase
 * sigops. Cheaper than a new assembly: a Stratum server's per-worker
 * coinbases (solo payouts) share one template. Precondition: t was
 * assembled on the current tip (takes the chain lock, through mp).
 */
void miner_template_repay(struct block_template *t, struct mempool *mp, const uint8_t *spk, size_t spk_len,
                          const struct miner_options *o);

/**
 * Builds a coinbase transaction (version 2; locktime 0): scriptSig = BIP 34
 * push of height then a push of extra_nonce (CScript() << height <<
 * CScriptNum(extra_nonce)); one output of value to spk. Out: *out
 * (initialised here; tx_clear it), hashes computed.
 */
void miner_coinbase_build(struct tx *out, int32_t height, uint64_t extra_nonce, int64_t value, const uint8_t *spk,
                          size_t spk_len);

/**
 * Builds the scriptPubKey of a coinbase vault: a VAULT prefix for asset_id
 * with debt 0, followed by the owner's locking script lock. Out: *out
 * (appended to).
 */
void miner_vault_script(struct wbuf *out, const uint8_t asset_id[32], const uint8_t *lock, size_t lock_len);

/**
 * Splits a coinbase value between the miner's output and its vault:
 * Out: *vault_value = value * share_pct / 100 (rounded down; share_pct is
 * capped at 100), *payout_value = the rest.
 */
void miner_vault_split(int64_t *payout_value, int64_t *vault_value, int64_t value, uint32_t share_pct);

/**
 * Replaces the coinbase scriptSig with height + extra_nonce (Core's
 * IncrementExtraNonce after bumping), keeping its witness and outputs, and
 * recomputes the header's Merkle root. The witness commitment is unaffected
 * (the coinbase's wtxid counts as zero).
 */
void miner_set_extra_nonce(struct block *b, int32_t height, uint64_t extra_nonce);

/**
 * Grinds the header nonce until pow_check passes (regtest needs ~2 tries).
 * When the nonce wraps, bumps the extra nonce (*extra_nonce, in/out) and the
 * Merkle root. tries_left (in/out, may be NULL for no limit): hashes still
 * allowed, decremented per hash (Core's maxtries, shared across blocks).
 * Returns true with b's header solved; false when tries ran out.
 */
bool miner_grind(struct block *b, uint64_t *extra_nonce, int32_t height, const struct chain_params *p,
                 uint64_t *tries_left);

/**
 * generatetoaddress / generatetodescriptor (src/chain/miner_generate.c):
 * mines `count` blocks on the chainstate's tip paying spk, each assembled
 * from the mempool, ground with miner_grind and submitted with
 * chainstate_process_new_block. Out: hashes (count entries, may be NULL),
 * *mined (blocks actually mined). stop (may be NULL): polled between blocks.
 * Returns true if all were mined; false with st set if a block was not
 * accepted ("ProcessNewBlock, block not accepted" in st->debug) or max_tries
 * ran out (st valid, *mined < count). o: assembly options (-blockmaxweight,
 * -blockmintxfee); NULL for the defaults.
 */
bool miner_generate(struct chainstate *cs, struct mempool *mp, struct val_state *st, struct hash256 *hashes,
                    size_t *mined, const uint8_t *spk, size_t spk_len, size_t count, uint64_t max_tries,
                    const struct miner_options *o, const atomic_bool *stop);

#endif
