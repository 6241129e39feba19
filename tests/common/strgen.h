/*
 * strgen: the generator of test strings shared by the URL unit tests
 * (test_url, test_urlnorm_fast): a fixed-seed random sequence, picking
 * from tables, appending pieces, and mutating a few bytes anywhere.
 *
 * Header-only, as tests/common/url_reference.h: each test program gets
 * its own static copy. The seed is the caller's, so a failure repeats.
 */
#ifndef AFETCH_TESTS_STRGEN_H
#define AFETCH_TESTS_STRGEN_H

#include <stddef.h>
#include <string.h>

/* xorshift32: the same sequence on every run and every machine. */
static unsigned
next_rand(unsigned *state, unsigned n)
{
	unsigned x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return n == 0 ? 0 : x % n;
}

#define PICK(st, a) (a)[next_rand(st, sizeof(a) / sizeof((a)[0]))]

/*
 * Appends the NUL-terminated piece to the n bytes in buf (of size cap),
 * dropping what does not fit. Returns the new length.
 */
static size_t
append(char *buf, size_t cap, size_t n, const char *piece)
{
	size_t k = strlen(piece);

	if (k > cap - n)
		k = cap - n;
	memcpy(buf + n, piece, k);
	return n + k;
}

/*
 * One time in three, inserts, replaces or deletes a byte anywhere, one to
 * three times, drawing new bytes from the alen bytes of alphabet. Returns
 * the new length (at most cap).
 */
static size_t
mutate(char *buf, size_t cap, size_t n, unsigned *state, const char *alphabet,
    size_t alen)
{
	unsigned at;
	int	 k, muts;

	muts = next_rand(state, 3) == 0 ? 1 + (int)next_rand(state, 3) : 0;
	for (; muts > 0; muts--) {
		at = next_rand(state, (unsigned)n + 1);
		k = (int)next_rand(state, 3);
		if (k == 0 && n < cap) {
			memmove(buf + at + 1, buf + at, n - at);
			n++;
		}
		if (k == 2 && at < n) {
			memmove(buf + at, buf + at + 1, n - at - 1);
			n--;
		} else if (k < 2 && at < n) {
			buf[at] = alphabet[next_rand(state, (unsigned)alen)];
		}
	}
	return n;
}

#endif
