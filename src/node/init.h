#ifndef HASHMINT_NODE_INIT_H
#define HASHMINT_NODE_INIT_H
/* hashmintd's start-up and shutdown (Bitcoin Core's init.cpp), and the small
 * pieces of it that are worth testing on their own.
 *
 * Start-up order: options and config file, data directory and its lock,
 * -daemon, pid file, debug.log, the event loop with its signal handlers, the
 * RPC server (answering -28 "Loading block index..." while warming up), then
 * on a loader thread: chainstate open (replay of an interrupted flush,
 * verification), best-chain activation, mempool.dat, ZMQ and -blocknotify,
 * end of warm-up ("init message: Done loading"), then -reindex and
 * -loadblock imports. Shutdown (SIGTERM, SIGINT, the `stop` RPC or a fatal
 * storage error) runs in reverse: RPC server, loader thread, ZMQ, mempool
 * (saved to mempool.dat), chainstate flush and close, pid file, lock. */
#include <stdbool.h>
#include <stddef.h>

/** Runs hashmintd with the given command line. Returns the process exit code. */
int node_main(int argc, char **argv);

/**
 * Takes an exclusive advisory lock on <dir>/.lock (created if missing), held
 * for as long as the returned descriptor stays open. Returns the descriptor,
 * -1 if another process holds the lock, -2 if the file cannot be opened.
 */
int node_lock_datadir(const char *dir);

/**
 * Creates dir and any missing parents (mode 0700 for new ones). Returns
 * true if it exists as a directory afterwards.
 */
bool node_mkdir_p(const char *dir);

/**
 * Expands a -blocknotify command: every "%s" becomes hash_hex. Out: out
 * (NUL-terminated, truncated to out_len). Returns false if it did not fit.
 */
bool node_blocknotify_format(char *out, size_t out_len, const char *cmd, const char *hash_hex);

#endif
