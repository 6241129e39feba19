/*
 * retry: the retry policy, as pure functions: which outcomes are worth
 * another attempt, how long to wait before it, and what a Retry-After
 * header asks for.
 *
 * Nothing here keeps state: the random generator's state belongs to the
 * caller (one per run, in the fetch context), so tests can replay it.
 */
#ifndef AFETCH_RETRY_H
#define AFETCH_RETRY_H

#include <stdint.h>

#include "record.h"

/*
 * Returns 1 when an attempt that ended so is transient and worth retrying:
 * state error with code dns, connect, timeout or reset, or state done with
 * status 429, 500, 502, 503 or 504. Returns 0 for anything else (other
 * errors, other statuses, cancelled).
 */
int retry_is_transient(
    enum record_state state, enum record_error error, long status);

/* Returns 1 for the statuses whose Retry-After slows the whole host. */
int retry_slows_host(long status);

/* Seeds a generator state; any seed, 0 included, gives a usable state. */
uint64_t retry_seed(uint64_t seed);

/* Returns the next 64 random bits (splitmix64) and advances *state. */
uint64_t retry_rand(uint64_t *state);

/*
 * Returns the wait before retry number k (k >= 1: the first retry follows
 * attempt 1), in seconds: with b = min(max_delay, delay * 2^(k-1)), a
 * uniformly random value in [b/2, b] ("equal jitter"). So it never passes
 * max_delay and is never below half the nominal backoff. delay and
 * max_delay are >= 0; a k below 1 counts as 1.
 */
double retry_backoff(double delay, double max_delay, int k, uint64_t *rng);

/*
 * Returns the wait a Retry-After header value asks for, in seconds, or -1
 * when value is not one. value is delta-seconds (digits only, with
 * optional surrounding white space; huge values are clamped to 1e9) or an
 * HTTP date (IMF-fixdate, RFC 850 or asctime, as curl_getdate() reads
 * them), taken relative to now_wall, the wall-clock time in seconds since
 * the epoch. A date in the past asks for 0. Signs, fractions and anything
 * else are not valid.
 */
double retry_after_parse(const char *value, double now_wall);

/*
 * Combines the two: the wait before a retry is the backoff, or the
 * Retry-After wait when that is longer (retry_after < 0: none), and never
 * more than max_delay.
 */
double retry_wait(double backoff, double retry_after, double max_delay);

#endif
