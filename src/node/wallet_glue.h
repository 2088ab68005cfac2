#ifndef HASHMINT_NODE_WALLET_GLUE_H
#define HASHMINT_NODE_WALLET_GLUE_H
/* hashmintd's wiring of the wallet: fills struct wallet_chain
 * (wallet/chain_iface.h) over the chainstate, the mempool and the events
 * list and the fee estimator, reads -walletdir -wallet -keypool -fallbackfee
 * -paytxfee -maxtxfee -walletrbf -txconfirmtarget -walletnotify, and loads the -wallet wallets. -disablewallet: nothing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct args;
struct chainstate;
struct mempool;
struct events;
struct fee_estimator;
struct wallet_glue;
struct wallet_context;

/** Starts the wallet context after the chain and mempool are loaded. Out: *out. Returns false with err. */
__attribute__((warn_unused_result)) bool wallet_glue_start(struct wallet_glue **out, const struct args *a,
                                                          const char *datadir, const char *chaindir,
                                                          struct chainstate *cs, struct mempool *mp,
                                                          struct fee_estimator *fees, struct events *ev, char *err,
                                                          size_t errlen);
/**
 * -walletnotify's command for one transaction (Core's): %s the txid, %b the
 * block hash or "unconfirmed" (block_hex NULL), %h the height or -1, %w the
 * wallet name shell-quoted ('...', a ' as '"'"'). Out: out[0..cap). Returns
 * false (out empty) if the result does not fit.
 */
__attribute__((warn_unused_result)) bool wallet_glue_notify_format(char *out, size_t cap, const char *cmd,
                                                                   const char *txid_hex, const char *wallet_name,
                                                                   const char *block_hex, int32_t height);
/** The context for the RPCs (NULL-safe). */
struct wallet_context *wallet_glue_context(struct wallet_glue *g);
/** Unloads every wallet (NULL is a no-op). Call before the mempool and the chain go. */
void wallet_glue_stop(struct wallet_glue *g);

#endif
