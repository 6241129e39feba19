/*
 * shard: which of N machines handles a URL, by a stable hash of its host
 * (--shard K/N), and the parser of K/N. The partition must never change
 * between versions, so its hash is fixed (hash.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "shard.h"

/*
 * Reads a decimal number of at least one digit from *sp up to the first
 * non-digit. Returns 0 and advances *sp, or -1 when there is no digit or
 * the value passes SHARD_MAX (checked digit by digit, so no overflow).
 */
static int
parse_number(const char **sp, unsigned *out)
{
	const char   *s = *sp;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > SHARD_MAX)
			return -1;
	}
	*out = (unsigned)v;
	*sp = s;
	return 0;
}

enum run_err
shard_parse(const char *spec, unsigned *k, unsigned *n)
{
	const char *s = spec;
	unsigned    kv, nv;

	if (s == NULL || parse_number(&s, &kv) == -1 || *s++ != '/' ||
	    parse_number(&s, &nv) == -1 || *s != '\0')
		return RUN_ERR_SYNTAX;
	if (nv < 1 || kv >= nv)
		return RUN_ERR_SYNTAX;
	*k = kv;
	*n = nv;
	return RUN_OK;
}

uint64_t
shard_hash(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t	     h = HASH_FNV1A_BASIS;
	size_t		     i;
	unsigned char	     c;

	for (i = 0; i < len; i++) {
		c = p[i];
		/* ASCII only: the result must not depend on the locale. */
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = hash_fnv1a_step(h, c);
	}
	return h;
}

unsigned
shard_of(const char *key, size_t len, unsigned n)
{
	if (n == 0)
		return 0;
	return (unsigned)(shard_hash(key, len) % n);
}
