#ifndef HASHMINT_MINER_KERNEL_H
#define HASHMINT_MINER_KERNEL_H
/* Which nonce scanning kernel the native miner runs (-minerkernel). */
#include <stdbool.h>

#include "src/crypto/sha256_scan.h"

/**
 * Resolves a requested kernel: a named one if this CPU runs it; AUTO times
 * every available kernel for a few milliseconds of thread CPU time each and
 * takes the fastest (the fixed order of sha256_scan_kernel_best() only
 * breaks ties). Out: *chosen (never AUTO). Returns the scan function, or
 * NULL (*chosen untouched) if k is not available here.
 */
sha256_scan_fn miner_kernel_choose(enum sha256_scan_kernel *chosen, enum sha256_scan_kernel k);

#endif
