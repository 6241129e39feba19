/*
 * sitemaps: the origins whose Sitemap lines are wanted, and the sitemap
 * files read from them (see sitemaps.h). An origin entry waits for
 * run/origins' answer, or with --no-robots fetches robots.txt itself;
 * its lines join a queue of files, each URL once; files are fetched from
 * the queue a few at a time and parsed as they stream, a sitemap index's
 * entries joining the queue as they are read.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "fetch.h"
#include "future.h"
#include "hostmap.h"
#include "origins.h"
#include "robots.h"
#include "sidefetch.h"
#include "sitemap.h"
#include "sitemaps.h"
#include "task.h"
#include "urlnorm.h"

/* An origin a seed is on. */
struct smorigin {
	struct sidefetch_user user; /* first: its robots.txt fetch's data */
	struct sitemaps	     *s;
	struct smorigin	     *next_all;
	struct origins_waiter wait;  /* for run/origins' answer */
	struct task	     *fetch; /* robots.txt, --no-robots only */
	struct robots	     *robots;
	uint32_t	      key;
};

/* A sitemap file, queued or under way. */
struct smfile {
	struct sidefetch_user user; /* first: its fetch's data */
	struct sitemaps	     *s;
	struct smfile	     *next;
	struct task	     *fetch;
	struct sitemap	     *parser; /* NULL: the body is not read */
	uint32_t	      key;
	char		      url[];
};

struct sitemaps {
	struct sitemaps_config cfg;
	struct fetch_hooks     robots_hooks, file_hooks;
	struct hostmap	      *origins; /* origin -> struct smorigin */
	struct hostmap	      *met;	/* sitemap URLs queued once */
	struct smorigin	      *all;
	struct smfile	      *head, *tail; /* the queue */
	struct smfile	      *running;
	size_t		       nrunning;
	size_t		       awaited; /* origins without their lines yet */
	size_t		       files, robots;
	int		       stopped;
};

/* The length of url's origin ("scheme://authority"), or 0 if none. */
static size_t
origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

/*
 * Queues the sitemap file url for key, unless it was met before, the
 * bound is reached or it is no http(s) URL. Starts nothing (it may be
 * called inside libcurl's callback); start_files() does.
 */
static void
enqueue(struct sitemaps *s, const char *url, uint32_t key)
{
	struct smfile *f;
	char	      *norm;
	size_t	       n;

	if (s->stopped || hostmap_count(s->met) >= SITEMAPS_MAX_FILES ||
	    (norm = urlnorm(url, NULL)) == NULL)
		return;
	if (hostmap_find(s->met, norm) != NULL ||
	    hostmap_add(s->met, norm) == NULL) {
		free(norm);
		return;
	}
	n = strlen(norm);
	if ((f = calloc(1, sizeof(*f) + n + 1)) != NULL) {
		f->s = s;
		f->key = key;
		f->user.hooks = &s->file_hooks;
		memcpy(f->url, norm, n + 1);
		if (s->tail != NULL)
			s->tail->next = f;
		else
			s->head = f;
		s->tail = f;
	}
	free(norm);
}

static void
on_loc(void *arg, const char *url, size_t len, int nested)
{
	struct smfile *f = arg;

	if (nested)
		enqueue(f->s, url, f->key);
	else if (f->s->cfg.page != NULL)
		f->s->cfg.page(f->s->cfg.arg, url, len, f->key);
}

static void
file_reset(struct task *task, void *arg)
{
	struct smfile *f = fetch_data(task);

	(void)arg;
	sitemap_free(f->parser);
	f->parser = NULL;
}

static void
file_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct smfile *f = fetch_data(task);
	long	       status;
	const char    *ct, *eff;

	(void)arg;
	if (f->parser == NULL) {
		fetch_peek(task, &status, &ct, &eff);
		if (status < 200 || status > 299 ||
		    (f->parser = sitemap_new(on_loc, f)) == NULL)
			return;
	}
	(void)sitemap_feed(f->parser, data, len);
}

static int
file_done(struct task *task, void *arg)
{
	struct smfile *f = fetch_data(task);

	(void)arg;
	if (f->parser != NULL)
		(void)sitemap_finish(f->parser);
	return 0;
}

static void start_files(struct sitemaps *s);

/* On a later turn once a file's fetch ended: next files, and tell. */
static void
on_file_fetched(struct future *fu, void *arg)
{
	struct smfile	*f = arg;
	struct sitemaps *s = f->s;
	struct smfile  **pp;

	(void)fu;
	for (pp = &s->running; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	s->nrunning--;
	task_free(f->fetch);
	sitemap_free(f->parser);
	free(f);
	start_files(s);
	if (s->cfg.progress != NULL)
		s->cfg.progress(s->cfg.arg);
}

/* Starts queued files while fewer than SITEMAPS_PARALLEL run. */
static void
start_files(struct sitemaps *s)
{
	struct smfile *f;

	while (
	    !s->stopped && s->head != NULL && s->nrunning < SITEMAPS_PARALLEL) {
		f = s->head;
		if ((s->head = f->next) == NULL)
			s->tail = NULL;
		f->next = NULL;
		f->fetch = sidefetch_task(
		    s->cfg.sf, f->url, CRAWL_SITEMAP_MAX_BYTES, &f->user);
		if (f->fetch == NULL ||
		    future_add_done_callback(
			task_future(f->fetch), on_file_fetched, f) != RT_OK) {
			task_free(f->fetch);
			free(f);
			continue;
		}
		f->next = s->running;
		s->running = f;
		s->nrunning++;
		s->files++;
		(void)task_start(f->fetch); /* one that fails is done */
	}
}

/* An origin's Sitemap lines are known: its files join the queue. */
static void
lines_known(struct smorigin *so, const char *const *lines, size_t n)
{
	struct sitemaps *s = so->s;
	size_t		 i;

	for (i = 0; i < n; i++)
		enqueue(s, lines[i], so->key);
	s->awaited--;
	start_files(s);
	if (s->cfg.progress != NULL)
		s->cfg.progress(s->cfg.arg);
}

/* run/origins has the answer for the origin this entry waits for. */
static void
on_origin_ready(struct origins_waiter *w)
{
	struct smorigin	  *so = (struct smorigin *)(void *)((char *)w -
	      offsetof(struct smorigin, wait));
	const char *const *lines;
	size_t		   n;

	lines = origins_sitemaps(so->s->cfg.origins, hostmap_key(so), &n);
	lines_known(so, lines, n);
}

static void
robots_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct smorigin *so = fetch_data(task);
	long		 status;
	const char	*ct, *eff;

	(void)arg;
	if (so->robots == NULL) {
		fetch_peek(task, &status, &ct, &eff);
		so->robots = robots_for_status(status);
	}
	if (so->robots != NULL)
		(void)robots_feed(so->robots, data, len);
}

static void
robots_reset(struct task *task, void *arg)
{
	struct smorigin *so = fetch_data(task);

	(void)arg;
	robots_free(so->robots);
	so->robots = NULL;
}

/* --no-robots: the origin's own robots.txt fetch ended. */
static void
on_robots_fetched(struct future *fu, void *arg)
{
	struct smorigin	  *so = arg;
	const char *const *lines = NULL;
	size_t		   n = 0;

	(void)fu;
	task_free(so->fetch);
	so->fetch = NULL;
	if (so->robots != NULL) {
		(void)robots_finish(so->robots);
		lines = robots_sitemaps(so->robots, &n);
	}
	lines_known(so, lines, n);
	robots_free(so->robots);
	so->robots = NULL;
}

/* --no-robots: fetches the origin's robots.txt for its lines only. */
static int
fetch_robots(struct sitemaps *s, struct smorigin *so)
{
	const char *origin = hostmap_key(so);
	char	   *url;

	if ((url = malloc(strlen(origin) + sizeof("/robots.txt"))) == NULL)
		return -1;
	strcpy(url, origin);
	strcat(url, "/robots.txt");
	so->user.hooks = &s->robots_hooks;
	so->fetch =
	    sidefetch_task(s->cfg.sf, url, SIDEFETCH_ROBOTS_CAP, &so->user);
	free(url);
	if (so->fetch == NULL ||
	    future_add_done_callback(
		task_future(so->fetch), on_robots_fetched, so) != RT_OK) {
		task_free(so->fetch);
		so->fetch = NULL;
		return -1;
	}
	s->robots++;
	(void)task_start(so->fetch); /* one that fails is done */
	return 0;
}

enum run_err
sitemaps_seed(struct sitemaps *s, const char *url, uint32_t key)
{
	struct smorigin	  *so;
	const char *const *lines;
	size_t		   n = origin_len(url);
	char		  *origin;

	if (s->stopped || n == 0)
		return RUN_OK;
	if ((origin = strndup(url, n)) == NULL)
		return RUN_ERR_NOMEM;
	if (hostmap_find(s->origins, origin) != NULL) {
		free(origin);
		return RUN_OK;
	}
	so = hostmap_add(s->origins, origin);
	free(origin);
	if (so == NULL)
		return RUN_ERR_NOMEM;
	so->s = s;
	so->key = key;
	so->wait.ready = on_origin_ready;
	so->next_all = s->all;
	s->all = so;
	s->awaited++;
	if (s->cfg.origins == NULL)
		return fetch_robots(s, so) == -1 ? (s->awaited--, RUN_ERR_NOMEM)
						 : RUN_OK;
	if (origins_check(s->cfg.origins, url, NULL, NULL) == ORIGINS_UNKNOWN &&
	    origins_wait(s->cfg.origins, url, &so->wait) == RUN_OK)
		return RUN_OK;
	lines = origins_sitemaps(s->cfg.origins, url, &n);
	lines_known(so, lines, n);
	return RUN_OK;
}

struct sitemaps *
sitemaps_new(const struct sitemaps_config *cfg)
{
	struct sitemaps *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *cfg;
	s->robots_hooks.reset = robots_reset;
	s->robots_hooks.body = robots_body;
	s->file_hooks.reset = file_reset;
	s->file_hooks.body = file_body;
	s->file_hooks.done = file_done;
	if ((s->origins = hostmap_new(sizeof(struct smorigin))) == NULL ||
	    (s->met = hostmap_new(1)) == NULL) {
		sitemaps_free(s);
		return NULL;
	}
	return s;
}

int
sitemaps_busy(const struct sitemaps *s)
{
	return !s->stopped &&
	    (s->awaited > 0 || s->nrunning > 0 || s->head != NULL);
}

void
sitemaps_stop(struct sitemaps *s)
{
	struct smorigin *so;
	struct smfile	*f;

	s->stopped = 1;
	while ((f = s->head) != NULL) {
		s->head = f->next;
		free(f);
	}
	s->tail = NULL;
	for (so = s->all; so != NULL; so = so->next_all) {
		origins_unwait(&so->wait);
		if (so->fetch != NULL)
			task_cancel(so->fetch, "signal");
	}
	for (f = s->running; f != NULL; f = f->next)
		task_cancel(f->fetch, "signal");
}

void
sitemaps_free(struct sitemaps *s)
{
	struct smorigin *so;
	struct smfile	*f;

	if (s == NULL)
		return;
	sitemaps_stop(s);
	while ((f = s->running) != NULL) {
		s->running = f->next;
		task_free(f->fetch);
		sitemap_free(f->parser);
		free(f);
	}
	for (so = s->all; so != NULL; so = so->next_all) {
		task_free(so->fetch);
		robots_free(so->robots);
	}
	hostmap_free(s->origins);
	hostmap_free(s->met);
	free(s);
}

size_t
sitemaps_files_fetched(const struct sitemaps *s)
{
	return s->files;
}

size_t
sitemaps_robots_fetched(const struct sitemaps *s)
{
	return s->robots;
}
