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

/* A link read back by --resume: its key is found when it is admitted. */
#define NO_KEY UINT32_MAX

struct crawler {
	struct loop	     *loop;
	struct crawler_config cfg;
	struct fetch_hooks    hooks;
	struct fetch_ctx     *pages;
	struct frontier	     *fr;
	struct origins	     *origins; /* NULL with --no-robots */
	size_t		      tasks;   /* made so far, seeds included */
	int		      stopped;
};

/* A crawl task's own state. */
struct item {
	struct crawler *cr;
	struct task    *task;
	char	       *url; /* normalised (urlnorm), owned */
	size_t		depth;
	uint32_t	key;
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

/* The body hook: decides at the first chunk whether to parse, then feeds. */
void crawlpage_body(struct task *task, const char *data, size_t len, void *arg);

/* The reset hook: a new attempt forgets the page parsed so far. */
void crawlpage_reset(struct task *task, void *arg);

#endif
