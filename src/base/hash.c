/*
 * hash: FNV-1a over bytes, for the host map, the resume table and
 * --shard. The step is inline in the header so loops that fold bytes as
 * they go (lower-casing, or up to a NUL) need no second pass.
 */
#include "hash.h"

uint64_t
hash_fnv1a(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t	     h = HASH_FNV1A_BASIS;
	size_t		     i;

	for (i = 0; i < len; i++)
		h = hash_fnv1a_step(h, s[i]);
	return h;
}
