/*
 * crawler: crawl mode's work (the contract's section 13), between the
 * fetch tasks and the run that admits them.
 *
 * Seeds are tasks the run made from its input; crawler_seed() gives them
 * depth 0 and the scope key links descending from them keep. Every fetch
 * of the run's context has the crawler's hooks (crawler_hooks()): the
 * gate refuses a URL that robots.txt disallows (error `robots`, or the
 * error that kept robots.txt from being read); an HTML page with a 2xx
 * status is parsed as its body streams (crawl/html), its links resolved
 * against the final URL or the first <base href>, normalised, kept when
 * in scope and not nofollow; once the page is done they are settled in
 * document order: each URL not seen before, and allowed by its origin's
 * robots.txt (which is waited for when not yet known, the page's record
 * with it), joins the frontier and the page's `links`. The run takes
 * waiting links as tasks with crawler_next(), as it reads input lines.
 *
 * Memory: per link waiting, the frontier's few bytes; per page being
 * parsed, the extractor's fixed buffers and its candidate links (at most
 * CRAWLER_PAGE_LINKS_MAX bytes; further links are dropped).
 */
#ifndef AFETCH_CRAWLER_H
#define AFETCH_CRAWLER_H

#include <stddef.h>

#include "runerr.h"

struct fetch_ctx;
struct fetch_hooks;
struct fetch_options;
struct loop;
struct scope;
struct sched;
struct task;

/* Bytes of candidate links one page may hold before it is settled. */
#define CRAWLER_PAGE_LINKS_MAX (8 * 1024 * 1024)

struct crawler_config {
	size_t	      depth;	/* pages at this depth are not parsed */
	size_t	      max_urls; /* most tasks, seeds included; 0: none */
	int	      no_robots;
	int	      sitemaps; /* --sitemaps: their URLs are seeds too */
	struct scope *scope;	/* the caller's; outlives the crawler */
	/* Links are waiting, or the crawl may have ended: admit or check. */
	void (*on_more)(void *arg);
	void *arg;
};

/* Returns a crawler, or NULL when out of memory. cfg is copied. */
struct crawler *crawler_new(
    struct loop *loop, const struct crawler_config *cfg);

/* The hooks the run's fetch context must be given (fetch_options.hooks). */
const struct fetch_hooks *crawler_hooks(struct crawler *cr);

/*
 * With --workers, the hooks of the workers' fetch contexts: a page is
 * parsed on the worker that fetches it, as the task's carry (see
 * fetch_hooks), and its links are settled on the crawler's loop when its
 * record comes back. They touch nothing but the task and its carry, so
 * one set serves every worker.
 */
const struct fetch_hooks *crawler_worker_hooks(void);

/*
 * Gives the crawler the run's fetch context (link tasks are made there)
 * and scheduler, and unless no_robots (and without sitemaps) makes the
 * fetcher of robots.txt and sitemap files from opts. Returns RUN_OK, or
 * RUN_ERR_SETUP when out of memory or libcurl fails.
 */
enum run_err crawler_attach(struct crawler *cr, struct fetch_ctx *pages,
    struct sched *sched, const struct fetch_options *opts);

/*
 * Every task must be freed first, then this, then the fetch context.
 * NULL is ignored.
 */
void crawler_free(struct crawler *cr);

/*
 * A seed read from input became task (not yet submitted): it gets depth
 * 0, no parent and its scope key, its URL is seen, and its origin's
 * robots.txt is asked for (its host waits for it in the scheduler).
 * Returns RUN_OK, or RUN_ERR_NOMEM (the task is then a plain fetch).
 */
enum run_err crawler_seed(struct crawler *cr, struct task *task);

/*
 * Returns the next link waiting as a pending task numbered index, or NULL
 * when none waits (or memory ran out: the link is then lost, said on
 * stderr).
 */
struct task *crawler_next(struct crawler *cr, size_t index);

/* Number of links waiting to become tasks (0 once stopped). */
size_t crawler_pending(const struct crawler *cr);

/*
 * Whether the crawl may still make tasks: links wait, or sitemaps are
 * being read or their URLs settled (0 once stopped).
 */
int crawler_busy(const struct crawler *cr);

/*
 * Whether the finished task is a link the crawl added (not a seed read)
 * that was cancelled before its first request: the run was stopped, and
 * such a link gets no record (it stays in its parent's `links`, for
 * --resume). Any other task, crawl or not, returns 0.
 */
int crawler_unstarted_link(struct task *task);

/* Whether --max-urls is reached: no more tasks, seeds included. */
int crawler_full(const struct crawler *cr);

/*
 * Adds a link read back from --resume's file: url was listed by the
 * record numbered parent at depth - 1. Returns 1 when queued, 0 when seen
 * already, RUN_ERR_NOMEM when out of memory.
 */
int crawler_resume_link(
    struct crawler *cr, const char *url, size_t depth, long long parent);

/*
 * Marks url seen (a done record in --resume's file). Returns RUN_OK, or
 * RUN_ERR_NOMEM.
 */
enum run_err crawler_resume_done(struct crawler *cr, const char *url);

/* The run stops: links waiting are dropped, robots.txt fetches cancelled. */
void crawler_stop(struct crawler *cr);

/* The host's least seconds between starts (Crawl-delay), or 0. */
double crawler_host_delay(const struct crawler *cr, const char *host);

/*
 * Number of robots.txt fetched (or tried), for the summary; those
 * fetched only for their Sitemap lines (--no-robots) included.
 */
size_t crawler_robots_fetched(const struct crawler *cr);

/* Number of sitemap files fetched (or tried), for the summary. */
size_t crawler_sitemaps_fetched(const struct crawler *cr);

#endif
