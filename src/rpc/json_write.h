#ifndef HASHMINT_RPC_JSON_WRITE_H
#define HASHMINT_RPC_JSON_WRITE_H
/* Serialises a jansson tree the way Bitcoin Core's UniValue::write does, so
 * that hashmint's RPC answers and hashmint-util print byte-for-byte what a
 * Bitcoin tool expects:
 *
 *  - objects keep insertion order; pretty printing indents by `indent`
 *    spaces per level exactly as UniValue (empty arrays print "[\n<ind>]");
 *  - amounts are JSON numbers with exactly 8 decimals ("0.10000000"): a real
 *    made by rpc_json_amount() is printed that way;
 *  - any other real prints like UniValue's double (%.16g).
 *
 * jansson has no decimal number type, so an amount is a json_real holding
 * value/1e8 (the nearest double; every amount up to MAX_MONEY comes back
 * exactly when printed with 8 decimals). The writer tells amounts from other
 * reals by value: a real that "%.8f" renders back to the identical double and
 * whose magnitude is at most 21e6 prints with 8 decimals. Build every other
 * floating-point value with rpc_json_double(), which stores integral values
 * as integers, so only a non-integral value with at most 8 decimals (0.5)
 * prints differently from Core ("0.50000000" for "0.5"): the same number.
 * json_dumps() also works on these trees but prints amounts with jansson's
 * 17-digit precision. */
#include <jansson.h>
#include <stdint.h>

/** Returns a new json_real for an amount in base units (caller owns the reference). */
json_t *rpc_json_amount(int64_t value);

/** Returns a new JSON number for a non-amount double (difficulty, progress):
 *  an integer if d is integral and below 2^53 in magnitude, else a real. */
json_t *rpc_json_double(double d);

/**
 * Serialises v. indent: 0 for the compact one-line form, else spaces per
 * level (Core's command-line tools use 2). Returns a NUL-terminated heap
 * string (free with mem_free), without a trailing newline.
 */
char *rpc_json_write(const json_t *v, unsigned indent);

#endif
