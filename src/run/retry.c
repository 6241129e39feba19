/*
 * retry: the retry policy as pure functions: which outcomes are
 * transient, how long to back off (exponential with jitter, capped), and
 * what a Retry-After header asks for. attempt.c decides with it; it keeps
 * no state.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "retry.h"

/* Retry-After delta-seconds past this are clamped: about 31 years. */
#define RETRY_AFTER_MAX 1e9

int
retry_is_transient(
    enum record_state state, enum record_error error, long status)
{
	switch (state) {
	case RECORD_DONE:
		return status == 429 || status == 500 || status == 502 ||
		    status == 503 || status == 504;
	case RECORD_ERROR:
		return error == ERROR_DNS || error == ERROR_CONNECT ||
		    error == ERROR_TIMEOUT || error == ERROR_RESET;
	case RECORD_CANCELLED:
		break;
	}
	return 0;
}

int
retry_slows_host(long status)
{
	return status == 429 || status == 503;
}

uint64_t
retry_seed(uint64_t seed)
{
	uint64_t state = seed;

	/* One round mixes a poor seed (a small pid, a clock) well. */
	return retry_rand(&state);
}

/* splitmix64 (Steele, Lea, Flood): tiny, fast, any state is valid. */
uint64_t
retry_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
retry_backoff(double delay, double max_delay, int k, uint64_t *rng)
{
	double b = delay, u;
	int    i;

	if (b < 0)
		b = 0;
	if (max_delay < 0)
		max_delay = 0;
	/* Doubling stops at the cap, so no k overflows. */
	for (i = 1; i < k && b < max_delay; i++)
		b *= 2;
	if (b > max_delay)
		b = max_delay;
	/* 53 random bits make a double in [0, 1]. */
	u = (double)(retry_rand(rng) >> 11) / (double)((1ULL << 53) - 1);
	return b / 2 + u * (b / 2);
}

double
retry_after_parse(const char *value, double now_wall)
{
	const char *p = value, *end;
	double	    secs = 0;
	time_t	    date;
	char	    copy[128];
	size_t	    len;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p &&
	    (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
		end[-1] == '\n'))
		end--;
	if (end == p)
		return -1;
	len = (size_t)(end - p);
	if (isdigit((unsigned char)*p)) {
		for (; p < end; p++) {
			if (!isdigit((unsigned char)*p))
				return -1;
			if (secs < RETRY_AFTER_MAX)
				secs = secs * 10 + (*p - '0');
		}
		return secs < RETRY_AFTER_MAX ? secs : RETRY_AFTER_MAX;
	}
	/*
	 * Every HTTP date form starts with a day name. curl_getdate() reads
	 * far more than dates ("+5" is a time zone to it), hence the letter.
	 */
	if (!isalpha((unsigned char)*p) || len >= sizeof(copy))
		return -1;
	memcpy(copy, p, len);
	copy[len] = '\0';
	if ((date = curl_getdate(copy, NULL)) == -1)
		return -1;
	if ((double)date <= now_wall)
		return 0;
	return (double)date - now_wall;
}

double
retry_wait(double backoff, double retry_after, double max_delay)
{
	double wait = backoff;

	if (retry_after > wait)
		wait = retry_after;
	if (wait > max_delay)
		wait = max_delay;
	return wait < 0 ? 0 : wait;
}
