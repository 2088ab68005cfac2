#ifndef HASHMINT_STRATUM_VARDIFF_H
#define HASHMINT_STRATUM_VARDIFF_H
/* Variable difficulty: each connection's share difficulty is retargeted so
 * that it sends about the configured number of shares per minute
 * (-stratumsharerate). After at least STRATUM_VARDIFF_MIN_SECONDS and either
 * STRATUM_VARDIFF_SHARES shares or STRATUM_VARDIFF_MAX_SECONDS, the new
 * difficulty is the old times the observed rate over the wanted rate, moved
 * by at most a factor of 4 each way, within [min, max]; a change under 10%
 * is not worth a message and is skipped. */
#include <stdbool.h>
#include <stdint.h>

#define STRATUM_VARDIFF_SHARES 16
#define STRATUM_VARDIFF_MIN_SECONDS 10.0
#define STRATUM_VARDIFF_MAX_SECONDS 120.0

/**
 * Returns true with *next set when a retarget is due: shares accepted
 * during `seconds`, aiming at `per_minute` shares a minute.
 */
bool stratum_vardiff_next(double *next, double diff, uint32_t shares, double seconds, double per_minute, double min,
                          double max) __attribute__((warn_unused_result));

#endif
