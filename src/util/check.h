#ifndef HASHMINT_UTIL_CHECK_H
#define HASHMINT_UTIL_CHECK_H
/* Internal invariant checks (libsecp256k1's VERIFY_CHECK, Core's Assume).
 *
 * HM_ASSERT(cond) states something that holds unless hashmint's own code is
 * wrong: a coins cache entry's flags, the block index's heights, the
 * mempool's parent/child links. Never use it for data from a peer, a file or
 * an RPC caller: that is checked and answered with an error.
 *
 * Debug builds (--enable-debug and --enable-fuzz define HM_DEBUG): a false
 * condition prints where it failed and aborts, so a broken invariant stops
 * the tests and the fuzzers at once instead of corrupting state silently.
 * Release builds: compiled out; the condition is not evaluated (so it must
 * have no side effects) but still type-checked. */

#ifdef HM_DEBUG
/** Prints "Internal invariant failed: <cond> (<file>:<line>, <func>)" to stderr and aborts. */
void check_assert_failed(const char *cond, const char *file, int line, const char *func) __attribute__((noreturn));
#define HM_ASSERT(cond) ((cond) ? (void)0 : check_assert_failed(#cond, __FILE__, __LINE__, __func__))
#else
#define HM_ASSERT(cond) ((void)sizeof(!(cond)))
#endif

#endif
