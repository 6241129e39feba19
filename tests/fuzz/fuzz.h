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

#endif
