/*
 * fuzz: what every fuzz target shares.
 *
 * A target is one LLVMFuzzerTestOneInput(). The same file builds two
 * ways: with clang and libFuzzer (-DAFETCH_FUZZ=ON, scripts/fuzz) to
 * search for inputs, and with the normal compiler against replay.c, which
 * feeds it every file of its corpus, so that the corpus runs as a
 * regression test in every build (the sanitizer build included).
 *
 * A target checks the module's contract, not only that nothing crashes:
 * a broken promise is reported by FUZZ_CHECK, which aborts, and libFuzzer
 * and replay.c both take an abort as a finding.
 */
#ifndef AFETCH_FUZZ_H
#define AFETCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: contract broken: %s\n",        \
			    __FILE__, __LINE__, #cond);                        \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Chunk sizes for the streaming parsers' targets, which must give the
 * same answers however the input is split: a small xorshift generator
 * seeded by the input itself, so a finding replays exactly. The next
 * chunk is 1 to max bytes.
 */
struct fuzz_chunks {
	uint32_t state;
};

static inline void
fuzz_chunks_init(struct fuzz_chunks *c, const uint8_t *data, size_t size)
{
	size_t i;

	c->state = 2166136261u;
	for (i = 0; i < size; i++)
		c->state = (c->state ^ data[i]) * 16777619u;
	if (c->state == 0)
		c->state = 1;
}

static inline size_t
fuzz_chunks_next(struct fuzz_chunks *c, size_t max)
{
	c->state ^= c->state << 13;
	c->state ^= c->state >> 17;
	c->state ^= c->state << 5;
	return 1 + c->state % max;
}

#endif
