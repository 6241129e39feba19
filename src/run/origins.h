/*
 * origins: robots.txt for each origin (scheme, host, port) a crawl meets.
 *
 * Each origin's robots.txt is fetched once, the first time a URL there is
 * checked, before any other request to it: its host is blocked in the
 * scheduler until the answer is in (see sched_block_host), so queued seeds
 * wait while other hosts go on. The fetch is a side fetch (run/sidefetch:
 * the run's timeouts and headers, at most CRAWL_ROBOTS_REDIRECTS
 * redirects, no record), reads at most CRAWL_ROBOTS_MAX bytes of rules
 * (crawl/robots). Its
 * outcome, as the contract's section 13 says: a 2xx gives the rules, other
 * 4xx allow everything, and a 429, a 5xx, too many redirects or no
 * response allow nothing for the rest of the run. Crawl-delay becomes the
 * host's least interval between starts (the largest of its origins).
 *
 * URLs are given absolute and normalised ("scheme://authority/path?q"),
 * as urlnorm or http/url write them; the origin is what precedes the
 * path, and the path and query are what robots.txt rules match.
 */
#ifndef AFETCH_ORIGINS_H
#define AFETCH_ORIGINS_H

#include <stddef.h>

#include "record.h"
#include "runerr.h"

struct loop;
struct origins;
struct sched;
struct sidefetch;

enum origins_verdict {
	ORIGINS_UNKNOWN,     /* being fetched: wait (origins_wait) */
	ORIGINS_ALLOWED,     /* the rules allow the URL */
	ORIGINS_DENIED,	     /* the rules forbid it, or nothing is allowed */
	ORIGINS_UNREACHABLE, /* no response at all: *err says why */
};

/* Someone waiting for an origin's answer; embedded in the caller's data. */
struct origins_waiter {
	struct origins_waiter *prev, *next;
	void		     **list; /* the origin's list while waiting */
	void (*ready)(struct origins_waiter *w);
};

/*
 * Returns the robots.txt state of a run on loop, fetching through sf
 * (which must outlive it) and blocking hosts in sched. NULL when out of
 * memory.
 */
struct origins *origins_new(
    struct loop *loop, struct sidefetch *sf, struct sched *sched);

/* Cancels fetches under way and frees everything. NULL is ignored. */
void origins_free(struct origins *o);

/*
 * What robots.txt says of url. When its origin's answer is not in yet,
 * starts fetching it (the first time) and returns ORIGINS_UNKNOWN. For
 * ORIGINS_UNREACHABLE, *err and *msg (when not NULL) say why (dns,
 * connect, tls, timeout and libcurl's text); msg lives as long as o. Out
 * of memory counts as ORIGINS_DENIED.
 */
enum origins_verdict origins_check(struct origins *o, const char *url,
    enum record_error *err, const char **msg);

/*
 * Calls w->ready(w) once url's origin has its answer (on a later turn of
 * the loop). The origin must be ORIGINS_UNKNOWN. Returns RUN_OK, or
 * RUN_ERR_STATE when it is not.
 */
enum run_err origins_wait(
    struct origins *o, const char *url, struct origins_waiter *w);

/* Stops waiting; a waiter that is not waiting is left alone. */
void origins_unwait(struct origins_waiter *w);

/* The least seconds between starts to host (its Crawl-delay), or 0. */
double origins_host_delay(const struct origins *o, const char *host);

/* Cancels every fetch under way (the run is stopping). */
void origins_stop(struct origins *o);

/*
 * The Sitemap lines of url's origin's robots.txt (robots_sitemaps), once
 * its answer is in; *n is their number (0, and NULL returned, while it
 * is not known or when there are none). They live as long as o.
 */
const char *const *origins_sitemaps(
    struct origins *o, const char *url, size_t *n);

/* Number of robots.txt fetched (or tried), for the summary. */
size_t origins_fetched(const struct origins *o);

#endif
