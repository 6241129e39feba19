/*
 * crawlpage: one page of a crawl as its body streams: whether it is
 * parsed (decided at its first chunk), and the links the extractor
 * reports, resolved, normalised and kept when in scope and followed. The
 * crawler settles them once the page is done. The parse touches nothing
 * but its struct crawlpage, so that it runs on the loop that fetches the
 * page: the crawler's hooks run it there on one loop, and with --workers
 * the page is the task's carry and the workers' hooks run it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_int.h"
#include "crawler.h"
#include "fetch.h"
#include "frontier.h"
#include "html.h"
#include "scope.h"
#include "urlnorm.h"

/* Whether a Content-Type names HTML: text/html or application/xhtml+xml. */
static int
is_html(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, "; \t");
	return (n == 9 && strncasecmp(ct, "text/html", 9) == 0) ||
	    (n == 21 && strncasecmp(ct, "application/xhtml+xml", 21) == 0);
}

static void on_link(void *arg, enum html_link_kind kind, const char *value,
    size_t len, int nofollow);

/*
 * At the first chunk of an attempt's body: a page is parsed when its
 * links may be followed (depth), it is HTML with a 2xx status, its final
 * URL is in scope, and (when claim is given) that URL was not parsed
 * already, by another task redirected there; an earlier attempt of this
 * one does not count.
 */
static void
decide(struct crawlpage *pg, struct task *task, crawlpage_claim_fn claim,
    void *arg)
{
	long	    status;
	const char *ct, *eff;
	char	   *final;

	pg->decided = 1;
	if (!pg->parse)
		return;
	fetch_peek(task, &status, &ct, &eff);
	if (status < 200 || status > 299 || !is_html(ct) || eff == NULL)
		return;
	if ((final = urlnorm(eff, NULL)) == NULL)
		return;
	/* Scope is never applied to a seed's own URL, only to where the
	 * redirects led. */
	if ((strcmp(final, pg->url) != 0 &&
		!scope_in(pg->scope, pg->key, final)) ||
	    (claim != NULL && claim(arg, final) != 1 &&
		(pg->page == NULL || strcmp(pg->page, final) != 0))) {
		free(final);
		return;
	}
	pg->claimed = claim != NULL;
	free(pg->page);
	pg->page = final;
	pg->html = html_new(on_link, pg);
}

static void
on_link(void *arg, enum html_link_kind kind, const char *value, size_t len,
    int nofollow)
{
	struct crawlpage *pg = arg;
	char		 *url;

	if (kind == HTML_LINK_BASE) {
		if (pg->base == NULL)
			pg->base = urlnorm_resolve(pg->page, value, len, NULL);
		return;
	}
	if (nofollow && !pg->no_robots)
		return;
	url = urlnorm_resolve(
	    pg->base != NULL ? pg->base : pg->page, value, len, NULL);
	if (url == NULL)
		return;
	/* Past the bound, further links are dropped (crawler.h). */
	if (scope_in(pg->scope, pg->key, url))
		(void)buf_append(&pg->found, url, strlen(url) + 1);
	free(url);
}

void
crawlpage_feed(struct crawlpage *pg, struct task *task, const char *data,
    size_t len, crawlpage_claim_fn claim, void *arg)
{
	if (!pg->decided)
		decide(pg, task, claim, arg);
	if (pg->html != NULL && html_feed(pg->html, data, len) != CRAWL_OK) {
		html_free(pg->html);
		pg->html = NULL;
	}
}

void
crawlpage_reset(struct crawlpage *pg)
{
	html_free(pg->html);
	pg->html = NULL;
	free(pg->base);
	pg->base = NULL;
	buf_clear(&pg->found);
	pg->decided = 0;
}

void
crawlpage_end(struct crawlpage *pg)
{
	if (pg->html == NULL)
		return;
	html_finish(pg->html);
	pg->nofollow = html_nofollow(pg->html) && !pg->no_robots;
	html_free(pg->html);
	pg->html = NULL;
	pg->ended = 1;
}

void
crawlpage_clear(struct crawlpage *pg)
{
	html_free(pg->html);
	pg->html = NULL;
	buf_free(&pg->found);
	free(pg->page);
	pg->page = NULL;
	free(pg->base);
	pg->base = NULL;
}

/* The page is parsed on this loop: it claims its final URL at once. */
static int
claim(void *arg, const char *final)
{
	struct crawler *cr = arg;

	return frontier_parse_once(cr->fr, final);
}

void
crawlpage_hook_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct item *it = fetch_data(task);

	if (it != NULL)
		crawlpage_feed(&it->pg, task, data, len, claim, arg);
}

void
crawlpage_hook_reset(struct task *task, void *arg)
{
	struct item *it = fetch_data(task);

	(void)arg;
	if (it != NULL)
		crawlpage_reset(&it->pg);
}

/* With --workers, the page goes with the task to the worker's hooks. */
void *
crawlpage_hook_carry(struct task *task, void *arg)
{
	struct item *it = fetch_data(task);

	(void)arg;
	return it != NULL ? &it->pg : NULL;
}

/* The worker's hooks: their fetch data is the carried struct crawlpage. */
static void
worker_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct crawlpage *pg = fetch_data(task);

	(void)arg;
	if (pg != NULL)
		crawlpage_feed(pg, task, data, len, NULL, NULL);
}

static void
worker_reset(struct task *task, void *arg)
{
	struct crawlpage *pg = fetch_data(task);

	(void)arg;
	if (pg != NULL)
		crawlpage_reset(pg);
}

static int
worker_done(struct task *task, void *arg)
{
	struct crawlpage *pg = fetch_data(task);

	(void)arg;
	if (pg != NULL)
		crawlpage_end(pg);
	return 0;
}

static const struct fetch_hooks worker_hooks = {
	.reset = worker_reset,
	.body = worker_body,
	.done = worker_done,
};

const struct fetch_hooks *
crawler_worker_hooks(void)
{
	return &worker_hooks;
}
