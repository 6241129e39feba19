/*
 * sidefetch: crawl mode's own fetches, robots.txt and sitemap files.
 *
 * One fetch context made from the run's options (its timeouts, headers,
 * proxy and trust) as a plain GET that follows up to
 * CRAWL_ROBOTS_REDIRECTS redirects, keeps no body, saves nothing and never
 * retries. Its tasks get no record, take no scheduler slot and start when
 * their owner starts them. Every task of the context brings its own hooks:
 * its fetch data starts with a struct sidefetch_user, and the context's
 * hooks hand each call to that user's.
 */
#ifndef AFETCH_SIDEFETCH_H
#define AFETCH_SIDEFETCH_H

#include <stddef.h>

#include "crawl.h"

/*
 * Body bytes a robots.txt fetch takes before it stops: the rules read
 * are the first CRAWL_ROBOTS_MAX, the rest only lets the last chunk in.
 */
#define SIDEFETCH_ROBOTS_CAP (CRAWL_ROBOTS_MAX + 256 * 1024)

struct fetch_hooks;
struct fetch_options;
struct loop;
struct sidefetch;
struct task;

/* The start of a side task's data: the hooks its fetch calls. */
struct sidefetch_user {
	const struct fetch_hooks *hooks;
};

/* Returns the fetcher, or NULL when out of memory or libcurl fails. */
struct sidefetch *sidefetch_new(
    struct loop *loop, const struct fetch_options *opts);

/* Frees it; every task made with it must be freed first. NULL ignored. */
void sidefetch_free(struct sidefetch *sf);

/*
 * Returns a pending task fetching url (absolute, NUL-terminated) that
 * reads at most cap body bytes (past them it ends as too_large) and calls
 * user's hooks (user lives as long as the task; it is not freed with
 * it), or NULL when out of memory. The caller starts and frees it.
 */
struct task *sidefetch_task(struct sidefetch *sf, const char *url,
    long long cap, struct sidefetch_user *user);

#endif
