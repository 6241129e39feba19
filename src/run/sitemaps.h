/*
 * sitemaps: --sitemaps's reading of the seeds' origins' sitemaps.
 *
 * For each origin a seed is on (once per origin), the Sitemap lines of
 * its robots.txt are read: from run/origins when robots.txt rules apply
 * (waiting for its answer when it is not in yet), else from a robots.txt
 * fetched here for that alone (--no-robots). Each sitemap file named
 * there, or in a sitemap index read on the way, is fetched once (by its
 * normalised URL) through the side fetcher (run/sidefetch: no record),
 * gzip or not, at most SITEMAPS_PARALLEL at a time, and parsed as it
 * streams (crawl/sitemap). Only 2xx bodies are read. Each page URL a file
 * lists is handed to the user with the seed key of the seed whose origin
 * led there (the first such seed); what becomes of it (scope, robots.txt,
 * the seen set) is the user's business.
 */
#ifndef AFETCH_SITEMAPS_H
#define AFETCH_SITEMAPS_H

#include <stddef.h>
#include <stdint.h>

#include "runerr.h"

struct origins;
struct sidefetch;
struct sitemaps;

/* Sitemap files fetched at the same time. */
#define SITEMAPS_PARALLEL 4

/* Sitemap files read in one run at most (indexes included). */
#define SITEMAPS_MAX_FILES 1000

struct sitemaps_config {
	struct sidefetch *sf;	   /* must outlive the sitemaps */
	struct origins	 *origins; /* robots.txt's rules, or NULL */
	/*
	 * A page URL (len bytes, NUL-terminated, as the file wrote it) for
	 * the seed key key. Called inside libcurl's body callback: it must
	 * not start or stop transfers.
	 */
	void (*page)(void *arg, const char *url, size_t len, uint32_t key);
	/* A file or a robots.txt is over (loop context): settle the pages
	 * reported so far; sitemaps_busy may have changed. */
	void (*progress)(void *arg);
	void *arg;
};

/* Returns the reader, or NULL when out of memory. cfg is copied. */
struct sitemaps *sitemaps_new(const struct sitemaps_config *cfg);

/* Cancels what is under way and frees everything. NULL is ignored. */
void sitemaps_free(struct sitemaps *s);

/*
 * A seed (absolute, normalised) with its seed key: its origin's sitemaps
 * are read, unless they were for an earlier seed. Returns RUN_OK, or
 * RUN_ERR_NOMEM (they are then not read).
 */
enum run_err sitemaps_seed(struct sitemaps *s, const char *url, uint32_t key);

/* Whether a robots.txt or a sitemap file is awaited, under way or queued. */
int sitemaps_busy(const struct sitemaps *s);

/* The run stops: fetches under way are cancelled, the queue dropped. */
void sitemaps_stop(struct sitemaps *s);

/* Sitemap files fetched (or tried), for the summary. */
size_t sitemaps_files_fetched(const struct sitemaps *s);

/* robots.txt fetched here for their Sitemap lines only (--no-robots). */
size_t sitemaps_robots_fetched(const struct sitemaps *s);

#endif
