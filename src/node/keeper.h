#ifndef HASHMINT_NODE_KEEPER_H
#define HASHMINT_NODE_KEEPER_H
/* The keeper (-keeper, doc/keeper.md): liquidates vaults below the
 * liquidation ratio with a wallet's tokens, most undercollateralised first,
 * and fee-bumps its liquidations by RBF while they wait in the mempool.
 *
 * Threading: the chain's event callbacks (chain lock held) only update the
 * ratio index under the keeper's mutex and wake the keeper's own thread;
 * that thread does the work (wallet calls, which take the chain lock and the
 * wallet's lock themselves) without holding the keeper's mutex, so no lock
 * order is ever reversed. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chainstate;
struct events;
struct mempool;
struct wallet_context;
struct keeper;

/** -keeper's options. */
struct keeper_options {
    const char *wallet; /* -keeperwallet: the wallet's name ("" : the only loaded wallet) */
    int64_t max_fee;    /* -keepermaxfee: the highest fee rate, base units per kvB */
};

/**
 * Starts the keeper: fills the ratio index with one scan of the vaults (the
 * only scan; after it, block effects keep it), subscribes to the events and
 * starts its thread. wallets may be NULL (-disablewallet: the keeper watches
 * and logs but cannot act). Returns NULL with err on failure.
 */
struct keeper *keeper_start(struct chainstate *cs, struct mempool *mp, struct events *ev,
                            struct wallet_context *wallets, const struct keeper_options *o, char *err,
                            size_t errlen);

/** Stops the thread, unsubscribes and frees (NULL is a no-op). Call before the wallets go. */
void keeper_stop(struct keeper *k);

/** getkeeperinfo's object (a new reference). */
json_t *keeper_info_json(struct keeper *k);

#endif
