#ifndef HASHMINT_NODE_ORACLE_SOURCE_H
#define HASHMINT_NODE_ORACLE_SOURCE_H
/* hashmint-oracle's price sources: a file (or pipe) of "timestamp price"
 * lines, and HTTP JSON endpoints (doc/oracle.md). Prices in the sources
 * are decimal HUSD per HMC with at most 8 decimals ("100.25"); they are
 * returned as token base units per HMC (10025000000). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The most a file source's tail or an HTTP reply is read. */
#define ORACLE_SOURCE_MAX_BYTES 65536

/** Parses a decimal price ("100", "100.25"; > 0, at most 8 decimals, at
 * most 1e10 whole units) to base units. Returns false on anything else. */
bool oracle_parse_price(uint64_t *out, const char *s, size_t len);

/**
 * The latest valid line of text[0..len): "timestamp price" (unix seconds,
 * decimal price, separated by blanks; '#' starts a comment). Garbage lines
 * are counted in *garbage and skipped. A line older than max_age seconds
 * before now is stale (max_age 0: no limit). Returns false, with the
 * reason in why, when no valid fresh line is found.
 */
bool oracle_parse_file_text(uint64_t *price, size_t *garbage, const char *text, size_t len, int64_t now,
                            int64_t max_age, char *why, size_t whylen);

/** Reads the last ORACLE_SOURCE_MAX_BYTES of path and parses them. */
bool oracle_read_file_source(uint64_t *price, const char *path, int64_t now, int64_t max_age, char *why,
                             size_t whylen);

/** GETs url ("http://host:port/path#field"; field may be dotted: "data.usd")
 * and reads the field as a number or a decimal string. */
bool oracle_read_http_source(uint64_t *price, const char *url, int timeout_s, char *why, size_t whylen);

#endif
