/*
 * latency: a histogram of latencies in fixed memory, for the summary.
 *
 * Times go into log-linear buckets, 32 per power of two, over integer
 * nanoseconds from 0 to 2^40 ns (about 1100 s; longer ones fall in the top
 * bucket, and the exact extremes are kept aside). A bucket is reported by
 * its midpoint, so a percentile is within 1/64 (1.6%) of a sample's value
 * (above 32 ns). No sample is stored: about 16 KiB whatever the count.
 * summary embeds one and is its only user.
 */
#ifndef AFETCH_LATENCY_H
#define AFETCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define SUB_BITS 5
#define SUB	 (1u << SUB_BITS)
#define TOP_BITS 40
#define TOP	 (UINT64_C(1) << TOP_BITS)
#define NBUCKETS (SUB + (TOP_BITS - SUB_BITS) * SUB)

/* A zeroed struct is an empty histogram. */
struct latency {
	uint64_t count;
	double	 min; /* seconds, exact */
	double	 max;
	uint64_t hist[NBUCKETS];
};

/* A row of the coarse histogram: latencies in (previous le, le]. */
struct latency_row {
	uint64_t le; /* nanoseconds */
	uint64_t count;
};

/* Counts one time in seconds; a negative or NaN one is ignored. */
void latency_add(struct latency *l, double seconds);

/*
 * Returns the q-quantile (0 < q <= 1; nearest rank) in seconds, within
 * the histogram's error and never outside the exact extremes; q = 1 is
 * the exact maximum. Returns -1 when nothing was counted.
 */
double latency_percentile(const struct latency *l, double q);

/*
 * Fills at most max rows covering every time counted, from the finest
 * "nice" series of bounds that fits. Returns the number of rows (0 when
 * nothing was counted).
 */
size_t latency_rows(
    const struct latency *l, struct latency_row *rows, size_t max);

#endif
