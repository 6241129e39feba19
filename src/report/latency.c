/*
 * latency: the histogram behind --summary's percentiles and rows.
 *
 * The histogram: values in integer nanoseconds. Below SUB each value has
 * its own bucket; from there each power of two [2^e, 2^(e+1)) is cut into
 * SUB equal buckets, so a bucket is at most 1/SUB of its lower bound wide
 * and its midpoint within 1/(2 SUB) of any value in it.
 *
 * Row bounds come from "nice" series (1-2-5 per decade, or coarser) so the
 * printed histogram reads at a glance.
 */
#include <stdint.h>

#include "latency.h"

static uint64_t
to_ns(double seconds)
{
	double ns = seconds * 1e9 + 0.5;

	return ns >= 1.8e19 ? UINT64_MAX : (uint64_t)ns;
}

/* Room for the row bounds of one series, from 1 us up to about 1e18 ns. */
#define MAX_BOUNDS 64

static size_t
bucket_of(uint64_t v)
{
	unsigned e;

	if (v >= TOP)
		v = TOP - 1;
	if (v < SUB)
		return (size_t)v;
	for (e = SUB_BITS; (v >> (e + 1)) != 0; e++)
		;
	return SUB + (size_t)(e - SUB_BITS) * SUB +
	    (size_t)((v >> (e - SUB_BITS)) - SUB);
}

/* Returns the midpoint of bucket i, in nanoseconds. */
static uint64_t
bucket_mid(size_t i)
{
	size_t	 j;
	unsigned shift;

	if (i < SUB)
		return i;
	j = i - SUB;
	shift = (unsigned)(j / SUB);
	return ((uint64_t)(SUB + j % SUB) << shift) +
	    ((UINT64_C(1) << shift) >> 1);
}

/*
 * Returns the value bucket i stands for, in nanoseconds: its midpoint,
 * kept within the exact extremes seen. The top bucket also holds every
 * time past the histogram's range, and then stands for the maximum.
 */
static uint64_t
clamped_mid(const struct latency *l, size_t i)
{
	uint64_t v = bucket_mid(i), lo = to_ns(l->min), hi = to_ns(l->max);

	if (i == NBUCKETS - 1 && hi >= TOP)
		return hi;
	return v < lo ? lo : v > hi ? hi : v;
}

double
latency_percentile(const struct latency *l, double q)
{
	uint64_t rank, seen = 0;
	size_t	 i;

	if (l->count == 0 || !(q > 0))
		return -1;
	if (q >= 1)
		return l->max;
	/* Nearest rank: the least value with a share q of all at or below. */
	rank = (uint64_t)(q * (double)l->count);
	if ((double)rank < q * (double)l->count)
		rank++;
	if (rank < 1)
		rank = 1;
	for (i = 0; i < NBUCKETS; i++) {
		seen += l->hist[i];
		if (seen >= rank)
			return (double)clamped_mid(l, i) / 1e9;
	}
	return l->max;
}

/*
 * Fills bounds with a series of "nice" row bounds in nanoseconds, from
 * 1 us upwards: mantissas 1, 2, 5 in each decade for series 0, else only
 * 1, every series-th decade. Returns how many.
 */
static size_t
series_bounds(int series, uint64_t *bounds)
{
	static const unsigned m125[] = { 1, 2, 5 };
	uint64_t	      decade = 1000;
	size_t		      n = 0, j, nm = series == 0 ? 3 : 1;
	int		      k;

	for (;;) {
		for (j = 0; j < nm && n < MAX_BOUNDS; j++)
			bounds[n++] = decade * m125[j];
		for (k = 0; k < (series == 0 ? 1 : series); k++) {
			if (decade > UINT64_MAX / 100)
				return n;
			decade *= 10;
		}
	}
}

/*
 * Builds at most max rows covering the latencies: the finest
 * series whose bounds fit from the lowest bucket's value (so the first
 * row is never empty) to the exact maximum (so no row's bound is below a
 * time it counts). Returns the number of rows (0 without latencies).
 */
size_t
latency_rows(const struct latency *l, struct latency_row *rows, size_t max)
{
	uint64_t bounds[MAX_BOUNDS], lo, hi, v;
	size_t	 n, first, last, nrows = 0, i, r;
	int	 series;

	if (l->count == 0)
		return 0;
	for (i = 0; i + 1 < NBUCKETS && l->hist[i] == 0; i++)
		;
	lo = clamped_mid(l, i);
	hi = to_ns(l->max);
	for (series = 0;; series++) {
		n = series_bounds(series, bounds);
		for (first = 0; first + 1 < n && bounds[first] < lo; first++)
			;
		for (last = first; last + 1 < n && bounds[last] < hi; last++)
			;
		if (last - first + 1 <= max)
			break;
	}
	for (i = first; i <= last; i++) {
		rows[nrows].le = bounds[i];
		rows[nrows++].count = 0;
	}
	for (i = 0; i < NBUCKETS; i++) {
		if (l->hist[i] == 0)
			continue;
		v = clamped_mid(l, i);
		/* Anything past the last bound (absurd times) goes there. */
		for (r = 0; r + 1 < nrows && rows[r].le < v; r++)
			;
		rows[r].count += l->hist[i];
	}
	return nrows;
}

void
latency_add(struct latency *l, double seconds)
{
	/* NaN and the null time (< 0) fail this test. */
	if (!(seconds >= 0))
		return;
	if (l->count == 0 || seconds < l->min)
		l->min = seconds;
	if (l->count == 0 || seconds > l->max)
		l->max = seconds;
	l->count++;
	l->hist[bucket_of(to_ns(seconds))]++;
}
