/*
 * sidefetch: one fetch context for robots.txt and sitemap files (see
 * sidefetch.h), so that both share its connections and DNS cache and
 * neither takes a page's place in the scheduler. A fetch context has one
 * set of hooks; here they only pass each call on to the task's user.
 */
#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "fetch.h"
#include "loop.h"
#include "sidefetch.h"

/* Idle easy handles kept for side fetches. */
#define SIDEFETCH_POOL 8

struct sidefetch {
	struct fetch_ctx  *ctx;
	struct fetch_hooks hooks;
};

static const struct fetch_hooks *
user_hooks(struct task *task)
{
	const struct sidefetch_user *u = fetch_data(task);

	return u != NULL ? u->hooks : NULL;
}

static int
pass_gate(struct task *task, void *arg)
{
	const struct fetch_hooks *h = user_hooks(task);

	(void)arg;
	return h != NULL && h->gate != NULL ? h->gate(task, h->arg) : 0;
}

static void
pass_reset(struct task *task, void *arg)
{
	const struct fetch_hooks *h = user_hooks(task);

	(void)arg;
	if (h != NULL && h->reset != NULL)
		h->reset(task, h->arg);
}

static void
pass_body(struct task *task, const char *data, size_t len, void *arg)
{
	const struct fetch_hooks *h = user_hooks(task);

	(void)arg;
	if (h != NULL && h->body != NULL)
		h->body(task, data, len, h->arg);
}

static int
pass_done(struct task *task, void *arg)
{
	const struct fetch_hooks *h = user_hooks(task);

	(void)arg;
	return h != NULL && h->done != NULL ? h->done(task, h->arg) : 0;
}

struct sidefetch *
sidefetch_new(struct loop *loop, const struct fetch_options *opts)
{
	struct sidefetch    *sf;
	struct fetch_options fo = *opts;

	if ((sf = calloc(1, sizeof(*sf))) == NULL)
		return NULL;
	sf->hooks.gate = pass_gate;
	sf->hooks.reset = pass_reset;
	sf->hooks.body = pass_body;
	sf->hooks.done = pass_done;
	/* A plain GET that follows a few redirects, whatever the run's. */
	fo.request.method = NULL;
	fo.request.data = NULL;
	fo.request.data_len = 0;
	fo.request.follow_redirects = 1;
	fo.request.max_redirects = CRAWL_ROBOTS_REDIRECTS;
	fo.max_size = -1; /* each task sets its own */
	fo.pool_size = SIDEFETCH_POOL;
	fo.want_headers = fo.want_body = 0;
	fo.output_dir = NULL;
	fo.retries = 0;
	fo.on_host_backoff = NULL;
	fo.hooks = &sf->hooks;
	/* On the crawler's loop even with --workers: their hooks read the
	 * files there (a few per origin, against a page per URL). */
	fo.delegate = NULL;
	if ((sf->ctx = fetch_ctx_new(loop, &fo)) == NULL) {
		free(sf);
		return NULL;
	}
	return sf;
}

void
sidefetch_free(struct sidefetch *sf)
{
	if (sf == NULL)
		return;
	fetch_ctx_free(sf->ctx);
	free(sf);
}

struct task *
sidefetch_task(struct sidefetch *sf, const char *url, long long cap,
    struct sidefetch_user *user)
{
	struct task *task;

	task = fetch_task_new(sf->ctx, 0, url, strlen(url), 0, loop_now());
	if (task == NULL)
		return NULL;
	fetch_set_data(task, user, NULL);
	fetch_set_body_cap(task, cap);
	return task;
}
