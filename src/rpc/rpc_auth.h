#ifndef HASHMINT_RPC_RPC_AUTH_H
#define HASHMINT_RPC_RPC_AUTH_H
/* RPC credentials, as Bitcoin Core's httprpc.cpp and rpc/request.cpp keep
 * them: the cookie (user "__cookie__", 32 random bytes as 64 hex digits),
 * -rpcuser/-rpcpassword and -rpcauth entries "user:salt$hmac" where hmac is
 * hex(HMAC-SHA256(key = salt, message = password)). Every comparison of
 * secret material is constant-time. Also base64 for HTTP Basic. */
#include <stdbool.h>
#include <stddef.h>

#define RPC_COOKIE_USER "__cookie__"

struct rpc_auth;

/** Creates an empty credential set (nobody can log in). */
struct rpc_auth *rpc_auth_new(void);
/** Frees it, wiping the secrets (NULL is a no-op). */
void rpc_auth_free(struct rpc_auth *a);

/** Accepts user:password (plain -rpcuser/-rpcpassword or the cookie). */
void rpc_auth_add_password(struct rpc_auth *a, const char *user, const char *password);

/**
 * Accepts an -rpcauth entry "user:salt$hmac". Returns false (and adds
 * nothing) if it is malformed: no ':' or '$', or hmac not 64 hex digits.
 */
__attribute__((warn_unused_result)) bool rpc_auth_add_rpcauth(struct rpc_auth *a, const char *entry);

/**
 * Checks the value of an Authorization header ("Basic <base64>"). Out: the
 * user name into user[0..usercap) (may be NULL) when authorised. Returns
 * true if the credentials match any entry. Takes the same time whether the
 * user or the password is wrong, up to the number of entries.
 */
__attribute__((warn_unused_result)) bool rpc_auth_check_header(const struct rpc_auth *a, char *user, size_t usercap,
                                                               const char *header);

/** Checks a "user:password" string. Returns true if authorised. */
__attribute__((warn_unused_result)) bool rpc_auth_check(const struct rpc_auth *a, const char *userpass);

/** Returns true if a and b have the same length and bytes, in time
 *  depending only on the lengths. */
bool rpc_auth_equal(const char *a, size_t alen, const char *b, size_t blen);

/**
 * Writes a new cookie to path: "__cookie__:" + 64 hex digits from the OS
 * random source, via a temporary file renamed into place, mode 0600. Out:
 * the password (64 hex digits + NUL) into password[0..65). Returns false
 * (with errno set) if the file cannot be written or no randomness is had.
 */
__attribute__((warn_unused_result)) bool rpc_auth_cookie_write(char password[65], const char *path);

/**
 * Reads a cookie file (the client side). Out: "user:password" as a heap
 * string (mem_free) in *userpass. Returns false if the file is missing,
 * empty or has no ':'.
 */
__attribute__((warn_unused_result)) bool rpc_auth_cookie_read(char **userpass, const char *path);

/** Removes the cookie file (a missing file is fine). */
void rpc_auth_cookie_remove(const char *path);


#endif
