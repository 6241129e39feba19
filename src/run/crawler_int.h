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

/* A crawl task's own state. */
struct item {
	struct crawler *cr;
	struct task    *task;
	char	       *url; /* normalised (urlnorm), owned */
	size_t		depth;
	uint32_t	key;
	int		link; /* added by the crawl, not read as a seed */
	/* The page, while its body streams. */
	int	     decided; /* whether to parse was decided */
	char	    *page;    /* the final URL, normalised, when parsed */
	char	    *base;    /* the first <base href>, resolved */
	struct html *html;
	/* Links found, each ending in a NUL; settled from pos on. */
	struct buf	      found;
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

/* The body hook: decides at the first chunk whether to parse, then feeds. */
void crawlpage_body(struct task *task, const char *data, size_t len, void *arg);

/* The reset hook: a new attempt forgets the page parsed so far. */
void crawlpage_reset(struct task *task, void *arg);

#endif
