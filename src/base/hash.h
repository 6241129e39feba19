/*
 * hash: FNV-1a, 64 bits, the one hash of afetch's tables and shards.
 *
 * Simple and fast on the short keys afetch hashes (host names, URL
 * lines). The keys come from the user's own input, so a keyed hash
 * against collision flooding is not worth its cost. --shard's partition
 * depends on this exact function: it must never change.
 */
#ifndef AFETCH_HASH_H
#define AFETCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_BASIS UINT64_C(14695981039346656037)
#define HASH_FNV1A_PRIME UINT64_C(1099511628211)

/* Folds one more byte into h (start from HASH_FNV1A_BASIS). */
static inline uint64_t
hash_fnv1a_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * HASH_FNV1A_PRIME;
}

/* Returns the hash of len bytes at p. */
uint64_t hash_fnv1a(const void *p, size_t len);

#endif
