/*
 * crawlrun: crawl mode's part of a run. It makes the scope and the
 * crawler, turns seeds read by feed.c into crawl tasks, admits the links
 * waiting as tasks through the same path as input lines (scheduler, then
 * collector), reads --resume's crawl facts, and tells app when the crawl
 * still has work. app.c and feed.c call in only where crawl mode differs.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <string.h>

#include "appstate.h"
#include "as_completed.h"
#include "crawler.h"
#include "fetch.h"
#include "gather.h"
#include "msgs.h"
#include "resume.h"
#include "sched.h"
#include "scope.h"
#include "task.h"
#include "writer.h"

static void
on_more(void *arg)
{
	feed_pump_soon(arg);
}

int
crawlrun_setup(struct app *app, struct fetch_options *fo)
{
	const struct config  *cfg = app->cfg;
	struct crawler_config cc;
	const char	     *why = "out of memory";
	char		      err[256];
	size_t		      i;

	if (!cfg->crawl)
		return 0;
	if ((app->scope = scope_new(cfg->scope, &why)) == NULL) {
		msgs_warnx("crawl scope: %s", why);
		errno = 0;
		return -1;
	}
	for (i = 0; i < cfg->nincludes; i++)
		if (scope_include(app->scope, cfg->includes[i], err,
			sizeof(err)) != CRAWL_OK)
			goto bad_regex;
	for (i = 0; i < cfg->nexcludes; i++)
		if (scope_exclude(app->scope, cfg->excludes[i], err,
			sizeof(err)) != CRAWL_OK)
			goto bad_regex;
	memset(&cc, 0, sizeof(cc));
	cc.depth = (size_t)cfg->depth;
	cc.max_urls = cfg->max_urls;
	cc.no_robots = cfg->no_robots;
	cc.sitemaps = cfg->sitemaps;
	cc.scope = app->scope;
	cc.on_more = on_more;
	cc.arg = app;
	if ((app->crawler = crawler_new(app->loop, &cc)) == NULL)
		return -1;
	fo->hooks = crawler_hooks(app->crawler);
	return 0;
bad_regex:
	msgs_warnx("%s", err);
	errno = 0;
	return -1;
}

const struct fetch_hooks *
crawlrun_worker_hooks(const struct app *app)
{
	return app->crawler != NULL ? crawler_worker_hooks() : NULL;
}

int
crawlrun_attach(struct app *app, const struct fetch_options *fo)
{
	if (app->crawler == NULL)
		return 0;
	return crawler_attach(app->crawler, app->fetch, app->sched, fo) ==
		RUN_OK
	    ? 0
	    : -1;
}

double
crawlrun_host_interval(const char *host, void *arg)
{
	struct app *app = arg;

	return app->crawler != NULL ? crawler_host_delay(app->crawler, host)
				    : 0;
}

/* One crawl fact of --resume's file into the crawler. */
static int
resume_fact(
    void *arg, const char *url, int listed, size_t depth, long long parent)
{
	struct app *app = arg;

	if (!listed || resume_done(app->resume, url, strlen(url)) == 1)
		return crawler_resume_done(app->crawler, url);
	return crawler_resume_link(app->crawler, url, depth, parent) == -1 ? -1
									   : 0;
}

int
crawlrun_resume(struct app *app)
{
	long long max;

	if (app->crawler == NULL)
		return 0;
	max = resume_max_index(app->resume);
	if (max >= 0)
		app->lines = (size_t)max + 1;
	if (resume_crawl_each(app->resume, resume_fact, app) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
crawlrun_seed(struct app *app, struct task *task)
{
	if (app->crawler != NULL && crawler_seed(app->crawler, task) == -1)
		msgs_warnx("URL %zu: out of memory: crawled as a plain fetch",
		    fetch_record(task)->index);
}

/* Whether one more task may be admitted now (as feed.c's may_admit()). */
static int
link_room(struct app *app)
{
	if (app->stopping || writer_backlogged(app->writer) ||
	    app->parked.count > 0 || sched_ready(app->sched) >= 1)
		return 0;
	return app_outstanding(app) < app->cfg->window;
}

void
crawlrun_pump(struct app *app)
{
	struct task *task;
	enum rt_err  rc;

	if (app->crawler == NULL)
		return;
	while (crawler_pending(app->crawler) > 0 && link_room(app)) {
		if ((task = crawler_next(app->crawler, app->lines)) == NULL)
			continue;
		app->lines++;
		if (sched_submit(app->sched, task) == -1) {
			task_free(task);
			msgs_warnx("out of memory: a link is not fetched");
			app->out->internal = 1;
			continue;
		}
		if (app->gather != NULL)
			rc = gather_add(app->gather, task);
		else
			rc = as_completed_add(app->completed, task);
		if (rc != RT_OK) {
			/* The scheduler lets go in its done-callback. */
			task_cancel(task, "out of memory");
			msgs_warnx("out of memory: a link is not fetched");
			app->out->internal = 1;
			continue;
		}
		app->read++;
		app_show_progress(app);
	}
}

int
crawlrun_busy(const struct app *app)
{
	return app->crawler != NULL && !app->stopping &&
	    crawler_busy(app->crawler);
}

int
crawlrun_full(const struct app *app)
{
	return app->crawler != NULL && crawler_full(app->crawler);
}

int
crawlrun_unstarted_link(const struct app *app, struct task *task)
{
	return app->crawler != NULL && crawler_unstarted_link(task);
}

void
crawlrun_stop(struct app *app)
{
	if (app->crawler == NULL)
		return;
	/* Links still waiting are dropped: the crawl did not finish. */
	if (crawler_busy(app->crawler))
		app->out->not_done = 1;
	crawler_stop(app->crawler);
}
