/*
 * crawler: seeds and links as tasks, pages parsed as they stream, their
 * links settled against the seen set, the scope and robots.txt (see
 * crawler.h). It owns the frontier and the origins; each crawl task
 * carries a struct item (fetch_set_data) that lives as long as the task;
 * crawlpage.c parses the pages. cli/crawlrun.c makes the crawler and
 * feeds its links to the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crawler.h"
#include "crawler_int.h"
#include "fetch.h"
#include "frontier.h"
#include "future.h"
#include "loop.h"
#include "msgs.h"
#include "origins.h"
#include "record.h"
#include "scope.h"
#include "sidefetch.h"
#include "sitemaps.h"
#include "task.h"
#include "urlnorm.h"

static void on_origin_ready(struct origins_waiter *w);

static void
item_free(void *arg)
{
	struct item *it = arg;

	origins_unwait(&it->wait);
	crawlpage_clear(&it->pg);
	free(it->url);
	free(it);
}

static struct item *
item_new(struct crawler *cr, struct task *task, char *url, size_t depth,
    uint32_t key)
{
	struct item   *it;
	struct record *rec = fetch_record_edit(task);

	rec->extras |= RECORD_CRAWL;
	rec->depth = (long)depth;
	if ((it = calloc(1, sizeof(*it))) == NULL) {
		free(url);
		return NULL;
	}
	it->cr = cr;
	it->task = task;
	it->url = url;
	it->depth = depth;
	it->key = key;
	it->wait.ready = on_origin_ready;
	/* The key's bytes never move in the frontier (frontier.h). */
	it->pg.scope = cr->cfg.scope;
	it->pg.key = frontier_key_name(cr->fr, key);
	it->pg.url = url;
	it->pg.parse = depth < cr->cfg.depth;
	it->pg.no_robots = cr->cfg.no_robots;
	buf_init(&it->pg.found, CRAWLER_PAGE_LINKS_MAX);
	fetch_set_data(task, it, item_free);
	return it;
}

int
crawler_full(const struct crawler *cr)
{
	return cr->cfg.max_urls > 0 &&
	    cr->tasks + frontier_pending(cr->fr) >= cr->cfg.max_urls;
}

size_t
crawler_pending(const struct crawler *cr)
{
	return cr->stopped ? 0 : frontier_pending(cr->fr);
}

/*
 * The gate before a task's first request: robots.txt must allow its URL
 * (its host was blocked until the answer came, so it is known).
 */
static int
gate(struct task *task, void *arg)
{
	struct crawler	 *cr = arg;
	struct item	 *it = fetch_data(task);
	enum record_error err = ERROR_ROBOTS;
	const char	 *msg = "robots.txt disallows the URL";

	if (it == NULL || cr->origins == NULL)
		return 0;
	switch (origins_check(cr->origins, it->url, &err, &msg)) {
	case ORIGINS_ALLOWED:
	case ORIGINS_UNKNOWN: /* the host could not be blocked: go on */
		return 0;
	case ORIGINS_DENIED:
	case ORIGINS_UNREACHABLE:
		break;
	}
	record_set_error(fetch_record_edit(task), RECORD_ERROR, err, msg);
	return -1;
}

/*
 * Asks for the robots.txt of every origin among the page's links at once,
 * so that a page linking to many new origins waits for them together.
 */
static void
prefetch_origins(struct crawler *cr, struct item *it)
{
	const char *p = it->pg.found.data, *end = p + it->pg.found.len;

	for (; p < end; p += strlen(p) + 1)
		if (!frontier_seen(cr->fr, p))
			(void)origins_check(cr->origins, p, NULL, NULL);
}

int
crawler_robots_gate(
    struct crawler *cr, const char *url, struct origins_waiter *w)
{
	if (cr->origins == NULL)
		return 1;
	switch (origins_check(cr->origins, url, NULL, NULL)) {
	case ORIGINS_ALLOWED:
		return 1;
	case ORIGINS_UNKNOWN:
		if (origins_wait(cr->origins, url, w) == RUN_OK)
			return -1;
		break;
	case ORIGINS_DENIED:
	case ORIGINS_UNREACHABLE:
		break;
	}
	(void)frontier_see(cr->fr, url);
	return 0;
}

/*
 * Settles the page's links from it->pos on, in document order. Returns 1
 * when it waits for an origin's robots.txt (it->wait is then listed),
 * else 0: every link is settled.
 */
static int
settle(struct crawler *cr, struct item *it)
{
	struct record *rec = fetch_record_edit(it->task);
	const char    *url, *stored;
	int	       rc;

	while (
	    it->pos < it->pg.found.len && !cr->stopped && !crawler_full(cr)) {
		url = it->pg.found.data + it->pos;
		if (frontier_seen(cr->fr, url)) {
			it->pos += strlen(url) + 1;
			continue;
		}
		switch (crawler_robots_gate(cr, url, &it->wait)) {
		case -1:
			return 1;
		case 0:
			/* Neither listed nor recorded. */
			it->pos += strlen(url) + 1;
			continue;
		}
		rc = frontier_push(cr->fr, url, it->depth + 1,
		    (long long)rec->index, it->key, &stored);
		if (rc == 1 && record_add_link(rec, stored) != HTTP_OK)
			rc = -1;
		if (rc == -1)
			msgs_warnx("record %zu: out of memory for its links",
			    rec->index);
		it->pos += strlen(url) + 1;
	}
	buf_free(&it->pg.found);
	it->pos = 0;
	return 0;
}

/* An origin a page waited for has its answer: settle on. */
static void
on_origin_ready(struct origins_waiter *w)
{
	struct item *it =
	    (struct item *)(void *)((char *)w - offsetof(struct item, wait));
	struct crawler *cr = it->cr;

	if (future_finished(task_future(it->task)))
		return;
	if (settle(cr, it) == 1)
		return;
	fetch_finish(it->task);
	if (cr->cfg.on_more != NULL)
		cr->cfg.on_more(cr->cfg.arg);
}

/*
 * The task's outcome is in: a page parsed to the end with a 2xx gets its
 * links (none with a meta robots nofollow); any other outcome drops them.
 * Returns 1 while the links wait for robots.txt: the record waits too.
 */
static int
on_done(struct task *task, void *arg)
{
	struct crawler *cr = arg;
	struct item    *it = fetch_data(task);
	struct record  *rec = fetch_record_edit(task);
	char	       *final;

	if (it == NULL)
		return 0;
	/* The final URL counts as seen: no task of its own later. */
	if (rec->final_url != NULL &&
	    (final = urlnorm(rec->final_url, NULL)) != NULL) {
		(void)frontier_see(cr->fr, final);
		free(final);
	}
	/* Ended already where it was fetched, with --workers. */
	crawlpage_end(&it->pg);
	if (!it->pg.ended)
		return 0;
	/*
	 * A page parsed on a worker is claimed now: of the tasks that led
	 * to one URL, the first to come back parsed has its links.
	 */
	if (rec->state != RECORD_DONE || rec->status < 200 ||
	    rec->status > 299 ||
	    (!it->pg.claimed &&
		frontier_parse_once(cr->fr, it->pg.page) != 1)) {
		buf_free(&it->pg.found);
		return 0;
	}
	rec->parsed = 1;
	if (it->pg.nofollow)
		buf_free(&it->pg.found);
	if (cr->origins != NULL)
		prefetch_origins(cr, it);
	it->pos = 0;
	if (settle(cr, it) == 1)
		return 1;
	if (cr->cfg.on_more != NULL)
		cr->cfg.on_more(cr->cfg.arg);
	return 0;
}

struct crawler *
crawler_new(struct loop *loop, const struct crawler_config *cfg)
{
	struct crawler *cr;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return NULL;
	cr->loop = loop;
	cr->cfg = *cfg;
	cr->hooks.gate = gate;
	cr->hooks.reset = crawlpage_hook_reset;
	cr->hooks.body = crawlpage_hook_body;
	cr->hooks.done = on_done;
	cr->hooks.carry = crawlpage_hook_carry;
	cr->hooks.arg = cr;
	cr->smwait.ready = crawlsitemap_ready;
	buf_init(&cr->smfound, CRAWLER_PAGE_LINKS_MAX);
	if ((cr->fr = frontier_new()) == NULL) {
		free(cr);
		return NULL;
	}
	return cr;
}

const struct fetch_hooks *
crawler_hooks(struct crawler *cr)
{
	return &cr->hooks;
}

enum run_err
crawler_attach(struct crawler *cr, struct fetch_ctx *pages, struct sched *sched,
    const struct fetch_options *opts)
{
	struct sitemaps_config sc;

	cr->pages = pages;
	if (cr->cfg.no_robots && !cr->cfg.sitemaps)
		return RUN_OK;
	if ((cr->sf = sidefetch_new(cr->loop, opts)) == NULL)
		return RUN_ERR_SETUP;
	if (!cr->cfg.no_robots &&
	    (cr->origins = origins_new(cr->loop, cr->sf, sched)) == NULL)
		return RUN_ERR_SETUP;
	if (!cr->cfg.sitemaps)
		return RUN_OK;
	memset(&sc, 0, sizeof(sc));
	sc.sf = cr->sf;
	sc.origins = cr->origins;
	sc.page = crawlsitemap_page;
	sc.progress = crawlsitemap_progress;
	sc.arg = cr;
	cr->sitemaps = sitemaps_new(&sc);
	return cr->sitemaps != NULL ? RUN_OK : RUN_ERR_SETUP;
}

void
crawler_free(struct crawler *cr)
{
	if (cr == NULL)
		return;
	origins_unwait(&cr->smwait);
	sitemaps_free(cr->sitemaps);
	origins_free(cr->origins);
	sidefetch_free(cr->sf);
	buf_free(&cr->smfound);
	frontier_free(cr->fr);
	free(cr);
}

enum run_err
crawler_seed(struct crawler *cr, struct task *task)
{
	const char *why;
	char	   *url, *key;
	uint32_t    id;

	cr->tasks++;
	fetch_record_edit(task)->extras |= RECORD_CRAWL;
	if (!fetch_is_requestable(task))
		return RUN_OK;
	url = urlnorm(fetch_url(task), &why);
	if (url == NULL && (url = strdup(fetch_url(task))) == NULL)
		return RUN_ERR_NOMEM;
	if ((key = scope_seed_key(cr->cfg.scope, url, &why)) == NULL &&
	    (key = strdup("")) == NULL) {
		free(url);
		return RUN_ERR_NOMEM;
	}
	if (frontier_key(cr->fr, key, &id) == -1 ||
	    frontier_see(cr->fr, url) == -1) {
		free(key);
		free(url);
		return RUN_ERR_NOMEM;
	}
	free(key);
	if (cr->origins != NULL)
		(void)origins_check(cr->origins, url, NULL, NULL);
	if (cr->sitemaps != NULL && sitemaps_seed(cr->sitemaps, url, id) == -1)
		msgs_warnx("%s: out of memory: its sitemaps are not read", url);
	return item_new(cr, task, url, 0, id) != NULL ? RUN_OK : RUN_ERR_NOMEM;
}

/* A resumed link's key: the first seed's it is in scope of, else its own. */
static int
find_key(struct crawler *cr, const char *url, uint32_t *id)
{
	const char *why;
	char	   *key;
	uint32_t    k;
	int	    rc;

	for (k = 0; k < frontier_nkeys(cr->fr); k++)
		if (scope_in(
			cr->cfg.scope, frontier_key_name(cr->fr, k), url)) {
			*id = k;
			return 0;
		}
	if ((key = scope_seed_key(cr->cfg.scope, url, &why)) == NULL)
		return -1;
	rc = frontier_key(cr->fr, key, id);
	free(key);
	return rc;
}

struct task *
crawler_next(struct crawler *cr, size_t index)
{
	struct frontier_link l;
	struct task	    *task;
	struct record	    *rec;
	char		    *url;

	if (cr->stopped || !frontier_pop(cr->fr, &l))
		return NULL;
	if ((l.key == NO_KEY && find_key(cr, l.url, &l.key) == -1) ||
	    (url = strdup(l.url)) == NULL ||
	    (task = fetch_task_new(cr->pages, index, l.url, strlen(l.url), 0,
		 loop_now())) == NULL) {
		msgs_warnx("%s: out of memory: not fetched", l.url);
		return NULL;
	}
	if (item_new(cr, task, url, l.depth, l.key) == NULL) {
		task_free(task);
		msgs_warnx("%s: out of memory: not fetched", l.url);
		return NULL;
	}
	((struct item *)fetch_data(task))->link = 1;
	rec = fetch_record_edit(task);
	rec->parent = l.parent;
	cr->tasks++;
	return task;
}

int
crawler_unstarted_link(struct task *task)
{
	const struct item   *it = fetch_data(task);
	const struct record *rec = fetch_record(task);

	return it != NULL && it->link && rec->state == RECORD_CANCELLED &&
	    rec->attempts == 0;
}

int
crawler_resume_link(
    struct crawler *cr, const char *url, size_t depth, long long parent)
{
	return frontier_push(cr->fr, url, depth, parent, NO_KEY, NULL);
}

enum run_err
crawler_resume_done(struct crawler *cr, const char *url)
{
	return frontier_see(cr->fr, url) == -1 ? RUN_ERR_NOMEM : RUN_OK;
}

void
crawler_stop(struct crawler *cr)
{
	cr->stopped = 1;
	frontier_drop_queue(cr->fr);
	if (cr->sitemaps != NULL)
		sitemaps_stop(cr->sitemaps);
	if (cr->origins != NULL)
		origins_stop(cr->origins);
	origins_unwait(&cr->smwait);
	buf_free(&cr->smfound);
	cr->smpos = 0;
}

int
crawler_busy(const struct crawler *cr)
{
	return !cr->stopped &&
	    (frontier_pending(cr->fr) > 0 || cr->smwait.list != NULL ||
		(cr->sitemaps != NULL && sitemaps_busy(cr->sitemaps)));
}

double
crawler_host_delay(const struct crawler *cr, const char *host)
{
	return cr->origins != NULL ? origins_host_delay(cr->origins, host) : 0;
}

size_t
crawler_robots_fetched(const struct crawler *cr)
{
	return (cr->origins != NULL ? origins_fetched(cr->origins) : 0) +
	    (cr->sitemaps != NULL ? sitemaps_robots_fetched(cr->sitemaps) : 0);
}

size_t
crawler_sitemaps_fetched(const struct crawler *cr)
{
	return cr->sitemaps != NULL ? sitemaps_files_fetched(cr->sitemaps) : 0;
}
