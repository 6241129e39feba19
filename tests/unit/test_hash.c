/*
 * hash: FNV-1a 64 against the published test vectors, and the one-byte
 * step against the whole-buffer function. --shard depends on these exact
 * values, so a change here would move hosts between shards.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "hash.h"

HARNESS_MAIN;

static void
test_vectors(void)
{
	CHECK(hash_fnv1a("", 0) == UINT64_C(0xcbf29ce484222325));
	CHECK(hash_fnv1a("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	CHECK(hash_fnv1a("foobar", 6) == UINT64_C(0x85944171f73967e8));
}

static void
test_step(void)
{
	const char *s = "example.com";
	uint64_t    h = HASH_FNV1A_BASIS;
	size_t	    i;

	for (i = 0; i < strlen(s); i++)
		h = hash_fnv1a_step(h, (unsigned char)s[i]);
	CHECK(h == hash_fnv1a(s, strlen(s)));
	/* NUL bytes count like any other. */
	CHECK(hash_fnv1a("a\0b", 3) != hash_fnv1a("ab", 2));
}

int
main(void)
{
	RUN(test_vectors);
	RUN(test_step);
	return harness_result();
}
