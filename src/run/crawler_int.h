/*
 * crawler_int: what crawler.c and crawlpage.c share, nothing else sees:
 * the crawler's state and each crawl task's (crawler.h is the public
 * face).
 */
#ifndef AFETCH_CRAWLER_INT_H
#define AFETCH_CRAWLER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crawler.h"
#include "fetch.h"
#include "origins.h"

struct frontier;
struct html;
struct scope;
struct task;
struct sidefetch;
struct sitemaps;

/* A link read back by --resume: its key is found when it is admitted. */
#define NO_KEY UINT32_MAX

struct crawler {
	struct loop	     *loop;
	struct crawler_config cfg;
	struct fetch_hooks    hooks;
	struct fetch_ctx     *pages;
	struct frontier	     *fr;
	struct sidefetch     *sf;	/* robots.txt and sitemap files */
	struct origins	     *origins;	/* NULL with --no-robots */
	struct sitemaps	     *sitemaps; /* NULL without --sitemaps */
	size_t		      tasks;	/* made so far, seeds included */
	int		      stopped;
	/*
	 * Sitemap page URLs reported, each a 4-byte seed key and the URL
	 * with its NUL, settled from smpos on (crawlsitemap.c).
	 */
	struct buf	      smfound;
	size_t		      smpos;
	struct origins_waiter smwait;
};

/*
 * One page as its body streams (crawlpage.c): whether it is parsed, and
 * the links found, resolved, normalised and in scope. It holds all its
 * parse needs, read-only once the task is made (the scope, read-only for
 * the whole run, and strings that do not move while the task lives), so
 * that it may run on the loop that fetches the page, a worker's with
 * --workers (it is then the task's fetch_hooks.carry), while the crawler
 * settles what it found on its own loop.
 */
struct crawlpage {
	const struct scope *scope;
	const char	   *key;   /* the seed key (the frontier's copy) */
	const char	   *url;   /* the task's URL, normalised */
	int		    parse; /* its depth lets links be followed */
	int		    no_robots;
	/* The page, while its body streams. */
	int	     decided; /* whether to parse was decided */
	int	     claimed; /* page was claimed as parsed once, then */
	char	    *page;    /* the final URL, normalised, when parsed */
	char	    *base;    /* the first <base href>, resolved */
	struct html *html;
	/* Once parsed to the end (crawlpage_end()). */
	int ended;
	int nofollow;
	/* Links found, each ending in a NUL. */
	struct buf found;
};

/*
 * Whether this task may parse the page at final (normalised): the first
 * to ask about a URL may. NULL: decided when the page is settled.
 */
typedef int (*crawlpage_claim_fn)(void *arg, const char *final);

/*
 * A chunk of the body of the task's attempt under way: decides at the
 * first chunk whether to parse (asking claim(arg, final) when not NULL),
 * then feeds the extractor. Runs on the loop that fetches the task.
 */
void crawlpage_feed(struct crawlpage *pg, struct task *task, const char *data,
    size_t len, crawlpage_claim_fn claim, void *arg);

/* A new attempt: forget the page parsed so far. */
void crawlpage_reset(struct crawlpage *pg);

/* The outcome is in: a page being parsed is finished (ended, nofollow). */
void crawlpage_end(struct crawlpage *pg);

/* Frees what the page holds (not pg itself). */
void crawlpage_clear(struct crawlpage *pg);

/* The crawler's hooks for its pages (the item's pg, parsed on its loop). */
void crawlpage_hook_body(
    struct task *task, const char *data, size_t len, void *arg);
void  crawlpage_hook_reset(struct task *task, void *arg);
void *crawlpage_hook_carry(struct task *task, void *arg);

/* A crawl task's own state. */
struct item {
	struct crawler	*cr;
	struct task	*task;
	char		*url; /* normalised (urlnorm), owned */
	size_t		 depth;
	uint32_t	 key;
	int		 link; /* added by the crawl, not read as a seed */
	struct crawlpage pg;
	/* pg.found is settled from pos on. */
	size_t		      pos;
	struct origins_waiter wait;
};

/*
 * Whether url may join the frontier as far as robots.txt goes: 1 yes, 0
 * no (it is then marked seen: not asked about again), -1 when its
 * origin's answer is awaited (w is then listed with origins_wait).
 */
int crawler_robots_gate(
    struct crawler *cr, const char *url, struct origins_waiter *w);

/* The sitemap reader's page callback (crawlsitemap.c): scoped, kept. */
void crawlsitemap_page(void *arg, const char *url, size_t len, uint32_t key);

/* The sitemap reader's progress callback: settles what was kept. */
void crawlsitemap_progress(void *arg);

/* The origin the sitemap URLs waited for has its answer: settle on. */
void crawlsitemap_ready(struct origins_waiter *w);

#endif
