/* Unit tests for shard: "K/N" parsing, hash stability, distribution. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "shard.h"

HARNESS_MAIN;

static void
test_parse_good(void)
{
	static const struct {
		const char *spec;
		unsigned    k, n;
	} cases[] = {
		{ "0/1", 0, 1 },
		{ "0/2", 0, 2 },
		{ "1/2", 1, 2 },
		{ "3/4", 3, 4 },
		{ "07/10", 7, 10 },
		{ "999999/1000000", 999999, 1000000 },
		{ "0/1000000", 0, 1000000 },
	};
	size_t	 i;
	unsigned k, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = n = 12345;
		CHECK_INT(shard_parse(cases[i].spec, &k, &n), RUN_OK);
		CHECK_INT(k, cases[i].k);
		CHECK_INT(n, cases[i].n);
	}
}

static void
test_parse_bad(void)
{
	static const char *const bad[] = {
		"",
		"/",
		"0",
		"0/",
		"/1",
		"1/1",
		"2/1",
		"0/0",
		"5/5",
		" 0/1",
		"0/1 ",
		"0 /1",
		"0/ 1",
		"+0/1",
		"0/+1",
		"-1/2",
		"0/-2",
		"0/1x",
		"0/1/2",
		"a/b",
		"0x1/2",
		"1.0/2",
		"0/1000001",
		"1000000/1000000",
		"0/99999999999999999999999",
		"0/1\n",
		"0//1",
		"0\\1",
	};
	size_t	 i;
	unsigned k = 7, n = 9;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (shard_parse(bad[i], &k, &n) != RUN_ERR_SYNTAX)
			fprintf(stderr, "accepted \"%s\"\n", bad[i]);
		CHECK_INT(shard_parse(bad[i], &k, &n), RUN_ERR_SYNTAX);
	}
	CHECK_INT(shard_parse(NULL, &k, &n), RUN_ERR_SYNTAX);
	/* Left alone on failure. */
	CHECK_INT(k, 7);
	CHECK_INT(n, 9);
}

/*
 * The split is a contract between machines and versions: these values
 * were computed once (FNV-1a 64, ASCII-folded) and must never change.
 */
static void
test_stability(void)
{
	static const struct {
		const char	  *key;
		unsigned long long hash;
		unsigned	   mod5, mod7, mod1m;
	} cases[] = {
		{ "", 0xcbf29ce484222325ULL, 2, 2, 656037 },
		{ "a", 0xaf63dc4c8601ec8cULL, 1, 5, 641996 },
		{ "example.com", 0x576846634e2714c6ULL, 0, 1, 529350 },
		{ "EXAMPLE.com", 0x576846634e2714c6ULL, 0, 1, 529350 },
		{ "www.example.org", 0x123dddb8f063a358ULL, 4, 4, 835544 },
		{ "127.0.0.1", 0xaabafe7104d914beULL, 4, 0, 26174 },
		{ "localhost", 0xdb3f053403ad937aULL, 4, 4, 134714 },
		{ "xn--bcher-kva.example", 0x7b26509724e3d0d4ULL, 0, 0,
		    334740 },
		{ "[::1]", 0xd93d38d09d6ea210ULL, 2, 2, 338512 },
	};
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].key);
		CHECK(shard_hash(cases[i].key, len) == cases[i].hash);
		CHECK_INT(shard_of(cases[i].key, len, 5), cases[i].mod5);
		CHECK_INT(shard_of(cases[i].key, len, 7), cases[i].mod7);
		CHECK_INT(shard_of(cases[i].key, len, 1000000), cases[i].mod1m);
		CHECK_INT(shard_of(cases[i].key, len, 1), 0);
		CHECK_INT(shard_of(cases[i].key, len, 0), 0);
	}
}

static void
test_bytes(void)
{
	/* Bytes past a NUL count, and non-ASCII bytes are not folded. */
	CHECK(shard_hash("a\0b", 3) != shard_hash("a", 1));
	CHECK(shard_hash("\xc3\x89", 2) != shard_hash("\xc3\xa9", 2));
	CHECK(shard_hash("HOST.Example", 12) == shard_hash("host.example", 12));
	CHECK(shard_hash("@", 1) != shard_hash("`", 1));
	CHECK(shard_hash("[", 1) != shard_hash("{", 1));
}

static void
test_distribution(void)
{
	enum { HOSTS = 10000, N = 5 };
	unsigned counts[N] = { 0 };
	char	 host[64];
	int	 i, len;
	unsigned s;
	double	 mean = (double)HOSTS / N;

	for (i = 0; i < HOSTS; i++) {
		len = snprintf(host, sizeof(host), "host%d.example.com", i);
		CHECK(len > 0 && (size_t)len < sizeof(host));
		counts[shard_of(host, (size_t)len, N)]++;
	}
	for (s = 0; s < N; s++) {
		CHECK(counts[s] > mean * 0.8);
		CHECK(counts[s] < mean * 1.2);
	}
}

int
main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_bad);
	RUN(test_stability);
	RUN(test_bytes);
	RUN(test_distribution);
	return harness_result();
}
