/*
 * shard: decides which of N machines handles a URL (--shard K/N).
 *
 * The hash is part of afetch's contract: N machines given the same list
 * must agree on the split whatever afetch version or platform each runs,
 * and every URL of one host must land on the same machine so per-host
 * limits still hold. It is therefore fixed forever as FNV-1a, 64 bits
 * (offset basis 14695981039346656037, prime 1099511628211), over the key's
 * bytes with ASCII 'A'..'Z' folded to 'a'..'z' (no locale), taken mod N.
 */
#ifndef AFETCH_SHARD_H
#define AFETCH_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "runerr.h"

/* The largest N that --shard accepts. */
#define SHARD_MAX 1000000u

/*
 * Parses spec, "K/N" in decimal digits only (no signs, no spaces, nothing
 * after N; leading zeros are allowed), with 1 <= N <= SHARD_MAX and
 * 0 <= K < N. Returns RUN_OK and sets *k and *n, or RUN_ERR_SYNTAX (they
 * are then left unchanged).
 */
enum run_err shard_parse(const char *spec, unsigned *k, unsigned *n);

/* Returns the FNV-1a 64-bit hash of the len bytes at key, ASCII-folded. */
uint64_t shard_hash(const char *key, size_t len);

/*
 * Returns the shard, 0 .. n-1, of the len bytes at key (a host name, or a
 * whole line for lines without one): shard_hash(key, len) % n. An n of 0
 * returns 0. Cost: one pass over the bytes, no allocation.
 */
unsigned shard_of(const char *key, size_t len, unsigned n);

#endif
