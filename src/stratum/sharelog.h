#ifndef HASHMINT_STRATUM_SHARELOG_H
#define HASHMINT_STRATUM_SHARELOG_H
/* The Stratum share log (-stratumsharelog, default
 * <datadir>/<chain>/stratum_shares.log): one JSON object per line, appended.
 *
 *   {"type":"share","seq":N,"time":T,"worker":"ADDR.rig","script":"hex",
 *    "vault":P,"difficulty":D,"job":"hex","height":H,"hash":"hex","block":B}
 *   {"type":"block","hash":"hex","height":H,"job":"hex",
 *    "network_difficulty":D,"window_first":N,"window_last":M,
 *    "outputs":[{"script":"hex","value":V},...]}
 *
 * Sequence numbers go on across restarts, and on start-up the pplns window
 * is reloaded from the log's tail, so a restart neither forgets shares nor
 * reuses a number: a block's payout is checked by taking the share lines
 * with window_first <= seq <= window_last and redoing the split
 * (src/stratum/payout.h). */
#include <stdbool.h>
#include <stdio.h>

#include "src/stratum/payout.h"
#include "src/util/hash256.h"

struct stratum_job;
struct stratum_variant;

/** How much of the log's end start-up reads back (the window must fit). */
#define STRATUM_SHARELOG_TAIL (8u << 20)

/**
 * Opens (creating) the log at path for appending and reloads its tail into
 * *pplns: the shares, in order, and the next sequence number. Returns NULL
 * with err on failure.
 */
FILE *stratum_sharelog_open(const char *path, struct stratum_pplns *pplns, char *err, size_t errlen);

/** Appends a share line. */
void stratum_sharelog_share(FILE *f, uint64_t seq, const char *worker, const struct stratum_payee *payee, double diff,
                            const struct stratum_job *j, const struct hash256 *hash, bool block);
/** Appends a block line: the window and outputs the variant paid. */
void stratum_sharelog_block(FILE *f, const struct stratum_job *j, const struct stratum_variant *v,
                            const struct hash256 *hash);

#endif
