/*
 * A tiny unit-test harness: one executable per module, each test a
 * function, failures counted rather than aborting so one run reports all.
 *
 *	static void test_push(void) { CHECK(x == 1); CHECK_STR(s, "a"); }
 *	int main(void) { RUN(test_push); return harness_result(); }
 */
#ifndef AFETCH_HARNESS_H
#define AFETCH_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int harness_failures;
extern int harness_checks;

#define CHECK(cond)                                                            \
	do {                                                                   \
		harness_checks++;                                              \
		if (!(cond)) {                                                 \
			harness_failures++;                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
		}                                                              \
	} while (0)

#define CHECK_INT(got, want)                                                   \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		harness_checks++;                                              \
		if (g_ != w_) {                                                \
			harness_failures++;                                    \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",      \
			    __FILE__, __LINE__, #got, g_, w_);                 \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		harness_checks++;                                              \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                       \
			harness_failures++;                                    \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",  \
			    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
		}                                                              \
	} while (0)

#define RUN(fn)                                                                \
	do {                                                                   \
		int before_ = harness_failures;                                \
		fn();                                                          \
		fprintf(stderr, "%s %s\n",                                     \
		    harness_failures == before_ ? "ok  " : "FAIL", #fn);       \
	} while (0)

/* Defines the counters; use once per test executable, in main's file. */
#define HARNESS_MAIN                                                           \
	int harness_failures;                                                  \
	int harness_checks

static inline int
harness_result(void)
{
	fprintf(
	    stderr, "%d checks, %d failed\n", harness_checks, harness_failures);
	/* A test file that checked nothing is itself a failure. */
	return harness_failures == 0 && harness_checks > 0 ? 0 : 1;
}

#endif
