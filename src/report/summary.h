/*
 * summary: what a run did, in numbers (--summary, --summary-json).
 *
 * Records are counted by state, by status (100..999; other values are not
 * counted), by error code, and their bytes summed. The total time of each
 * done record that has one goes into a latency histogram of fixed size:
 * log-linear buckets, 32 per power of two, over integer nanoseconds from
 * 0 to 2^40 ns (about 1100 s; longer times fall in the top bucket, and the
 * exact maximum is kept aside). A bucket is reported by its midpoint, so a
 * percentile is within 1/64 (1.6%) of a sample's value (above 32 ns). No
 * sample is ever stored: memory is about 16 KiB whatever the run's size.
 */
#ifndef AFETCH_SUMMARY_H
#define AFETCH_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "reporterr.h"

struct record;
struct summary;

/* At most this many histogram rows are printed and written. */
#define SUMMARY_ROWS 12

/* Returns an empty summary, or NULL when out of memory. */
struct summary *summary_new(void);

/* Frees it. NULL is ignored. */
void summary_free(struct summary *s);

/* Counts one record (read only; the caller keeps it). O(1), no allocation. */
void summary_add(struct summary *s, const struct record *rec);

/*
 * Crawl mode: the robots.txt and sitemap files fetched (or tried), which
 * have no record. Once set, they are printed and written too.
 */
void summary_set_crawl(struct summary *s, size_t robots_txt, size_t sitemaps);

/* Sets the run's wall-clock duration, for the rates. Default 0: no rates. */
void summary_set_elapsed(struct summary *s, double seconds);

/*
 * Returns the q-quantile (0 < q <= 1; nearest rank) of the latencies in
 * seconds, within the histogram's error and never outside the exact
 * minimum and maximum; q = 1 is the exact maximum. Returns -1 when no done
 * record had a total time.
 */
double summary_percentile(const struct summary *s, double q);

/*
 * Prints the summary as text for people: counts by state, status and
 * error code, bytes, in crawl mode robots.txt and sitemaps fetched,
 * throughput, latency p50/p90/p99/max, and a histogram
 * of at most SUMMARY_ROWS rows whose bars of '#' are at most 40 wide.
 * Returns REPORT_OK, or REPORT_ERR_WRITE if writing to f failed.
 */
enum report_err summary_print(const struct summary *s, FILE *f);

/*
 * Writes the summary to path as one JSON object and a newline:
 *
 *	{"records": N, "states": {"done": N, "error": N, "cancelled": N},
 *	 "statuses": {"200": N, ...}, "errors": {"timeout": N, ...},
 *	 "bytes": N, "elapsed": SECS, "records_per_second": X,
 *	 "bytes_per_second": X,
 *	 "latency": {"p50": SECS, "p90": SECS, "p99": SECS, "max": SECS},
 *	 "histogram": [{"le": SECS, "count": N}, ...]}
 *
 * plus, once summary_set_crawl was called, "robots_txt": N and
 * "sitemaps": N.
 *
 * "statuses" and "errors" list only what occurred, in ascending order of
 * status and in the contract's order of codes. The rates are null when no
 * elapsed time was set; "latency" is null and "histogram" empty when no
 * done record had a total time. Each histogram row counts the latencies
 * above the previous row's "le" (not cumulative) up to its own; the rows'
 * bounds run 1-2-5 per decade (or coarser, to stay within SUMMARY_ROWS)
 * from the minimum to the maximum. Times are rounded to microseconds.
 *
 * The object is written to "path.tmp" and renamed over path, so path
 * never holds half a summary; a path that names a device or a pipe
 * (/dev/stderr) is written directly instead. Returns REPORT_OK, or
 * REPORT_ERR_NOMEM or REPORT_ERR_WRITE with errno set; the temporary file
 * is then removed.
 */
enum report_err summary_write_json(const struct summary *s, const char *path);

#endif
