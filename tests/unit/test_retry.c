/* Unit tests for retry: what is transient, backoff bounds, Retry-After. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <time.h>

#include <curl/curl.h>

#include "harness.h"
#include "record.h"
#include "retry.h"

HARNESS_MAIN;

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void
test_transient_errors(void)
{
	static const struct {
		enum record_error error;
		int		  transient;
	} table[] = {
		{ ERROR_DNS, 1 },
		{ ERROR_CONNECT, 1 },
		{ ERROR_TIMEOUT, 1 },
		{ ERROR_RESET, 1 },
		{ ERROR_INVALID_URL, 0 },
		{ ERROR_UNSUPPORTED_SCHEME, 0 },
		{ ERROR_TLS, 0 },
		{ ERROR_PROTOCOL, 0 },
		{ ERROR_TOO_MANY_REDIRECTS, 0 },
		{ ERROR_TOO_LARGE, 0 },
		{ ERROR_WRITE, 0 },
		{ ERROR_CANCELLED, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		CHECK_INT(retry_is_transient(RECORD_ERROR, table[i].error, 0),
		    table[i].transient);
		/* An error is an error whatever status came before it. */
		CHECK_INT(retry_is_transient(RECORD_ERROR, table[i].error, 200),
		    table[i].transient);
	}
	/* Cancelled never retries, whatever else it says. */
	CHECK_INT(
	    retry_is_transient(RECORD_CANCELLED, ERROR_CANCELLED, 503), 0);
	CHECK_INT(retry_is_transient(RECORD_CANCELLED, ERROR_TIMEOUT, 0), 0);
}

static void
test_transient_statuses(void)
{
	long s;
	int  want;

	for (s = 100; s < 600; s++) {
		want = s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
		CHECK_INT(retry_is_transient(RECORD_DONE, ERROR_NONE, s), want);
	}
	CHECK_INT(retry_slows_host(429), 1);
	CHECK_INT(retry_slows_host(503), 1);
	CHECK_INT(retry_slows_host(500), 0);
	CHECK_INT(retry_slows_host(502), 0);
	CHECK_INT(retry_slows_host(200), 0);
}

/* Many draws of retry k stay in [b/2, b], spread over the whole range. */
static void
check_bounds(double delay, double max, int k, double b)
{
	uint64_t rng = retry_seed(42);
	double	 w, lo = INFINITY, hi = -INFINITY, sum = 0;
	int	 i, n = 20000, bad = 0;

	for (i = 0; i < n; i++) {
		w = retry_backoff(delay, max, k, &rng);
		if (w < b / 2 - 1e-12 || w > b + 1e-12)
			bad++;
		if (w < lo)
			lo = w;
		if (w > hi)
			hi = w;
		sum += w;
	}
	CHECK_INT(bad, 0);
	if (b > 0) {
		/* Jitter really jitters: both ends are nearly reached. */
		CHECK(lo < b / 2 + b * 0.01);
		CHECK(hi > b - b * 0.01);
		/* Uniform: the mean is about 3b/4. */
		CHECK(fabs(sum / n - 0.75 * b) < 0.01 * b);
	} else
		CHECK(hi == 0 && lo == 0);
}

static void
test_backoff_bounds(void)
{
	/* Doubling from the delay: b = 0.5, 1, 2, 4 ... */
	check_bounds(0.5, 30, 1, 0.5);
	check_bounds(0.5, 30, 2, 1);
	check_bounds(0.5, 30, 3, 2);
	check_bounds(0.5, 30, 6, 16);
	/* Capped: 0.5 * 2^6 = 32 > 30. */
	check_bounds(0.5, 30, 7, 30);
	check_bounds(0.5, 30, 1000, 30);
	/* A delay above the cap starts at the cap. */
	check_bounds(10, 3, 1, 3);
	/* Zero delay, zero cap: no wait at all. */
	check_bounds(0, 30, 5, 0);
	check_bounds(1, 0, 5, 0);
	/* k below 1 counts as 1. */
	check_bounds(0.25, 30, 0, 0.25);
	check_bounds(0.25, 30, -7, 0.25);
	/* Huge k with a huge cap does not overflow. */
	check_bounds(1, 1e9, 1000, 1e9);
}

static void
test_rng(void)
{
	uint64_t a = retry_seed(1), b = retry_seed(1), c = retry_seed(2);
	uint64_t z = retry_seed(0);
	int	 i, same = 1;

	/* One seed, one sequence; two seeds, two. */
	for (i = 0; i < 100; i++)
		if (retry_rand(&a) != retry_rand(&b))
			same = 0;
	CHECK(same);
	CHECK(retry_rand(&a) != retry_rand(&c));
	/* Seed 0 is usable: not stuck at 0. */
	CHECK(retry_rand(&z) != 0 || retry_rand(&z) != 0);
}

static void
test_retry_after_seconds(void)
{
	CHECK(NEAR(retry_after_parse("0", 0), 0));
	CHECK(NEAR(retry_after_parse("1", 0), 1));
	CHECK(NEAR(retry_after_parse("120", 0), 120));
	CHECK(NEAR(retry_after_parse("  7 \r\n", 0), 7));
	CHECK(NEAR(retry_after_parse("\t007", 0), 7));
	/* Huge values clamp rather than overflow. */
	CHECK(NEAR(retry_after_parse("99999999999999999999999999", 0), 1e9));
	CHECK(NEAR(retry_after_parse("1000000000", 0), 1e9));
}

static void
test_retry_after_garbage(void)
{
	static const char *const bad[] = {
		"",
		"   ",
		"-1",
		"-5",
		"+5",
		"1.5",
		"1e3",
		"0x10",
		"5s",
		"5 6",
		"soon",
		"tomorrow",
		"Mon, 99 Foo 2020 99:99:99 GMT",
		"\xff\xfe",
		"NaN",
		"inf",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double got = retry_after_parse(bad[i], 1e9);

		CHECK(got == -1);
		if (got != -1)
			fprintf(stderr, "  \"%s\" gave %g\n", bad[i], got);
	}
}

static void
test_retry_after_date(void)
{
	/* 1994-11-06 08:49:37 UTC, RFC 9110's example, in its three forms. */
	const double t = 784111777;

	CHECK(NEAR(
	    retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t - 10), 10));
	CHECK(NEAR(
	    retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", t - 10), 10));
	CHECK(NEAR(retry_after_parse("Sun Nov  6 08:49:37 1994", t - 10), 10));
	/* Fractions of the current second count. */
	CHECK(NEAR(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t - 2.25),
	    2.25));
	/* A date past asks for no wait, not a negative one. */
	CHECK(NEAR(
	    retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t + 3600), 0));
	CHECK(NEAR(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t), 0));
}

static void
test_wait(void)
{
	/* The longer of backoff and Retry-After ... */
	CHECK(NEAR(retry_wait(0.3, 1, 30), 1));
	CHECK(NEAR(retry_wait(2, 1, 30), 2));
	/* ... no Retry-After: the backoff ... */
	CHECK(NEAR(retry_wait(0.3, -1, 30), 0.3));
	/* ... and never past the cap. */
	CHECK(NEAR(retry_wait(0.3, 100, 0.2), 0.2));
	CHECK(NEAR(retry_wait(0.3, 1e9, 30), 30));
	CHECK(NEAR(retry_wait(0, 0, 0), 0));
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_transient_errors);
	RUN(test_transient_statuses);
	RUN(test_backoff_bounds);
	RUN(test_rng);
	RUN(test_retry_after_seconds);
	RUN(test_retry_after_garbage);
	RUN(test_retry_after_date);
	RUN(test_wait);
	curl_global_cleanup();
	return harness_result();
}
