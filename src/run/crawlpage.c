/*
 * crawlpage: one page of a crawl as its body streams: whether it is
 * parsed (decided at its first chunk), and the links the extractor
 * reports, resolved, normalised and kept when in scope and followed. The
 * crawler settles them once the page is done.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_int.h"
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
 * URL is in scope, and that URL was not parsed already (by another task
 * redirected there, or by an earlier attempt of this one).
 */
static void
decide(struct crawler *cr, struct item *it)
{
	long	    status;
	const char *ct, *eff;
	char	   *final;

	it->decided = 1;
	if (it->depth >= cr->cfg.depth)
		return;
	fetch_peek(it->task, &status, &ct, &eff);
	if (status < 200 || status > 299 || !is_html(ct) || eff == NULL)
		return;
	if ((final = urlnorm(eff, NULL)) == NULL)
		return;
	/* Scope is never applied to a seed's own URL, only to where the
	 * redirects led. */
	if ((strcmp(final, it->url) != 0 &&
		!scope_in(cr->cfg.scope, frontier_key_name(cr->fr, it->key),
		    final)) ||
	    (frontier_parse_once(cr->fr, final) != 1 &&
		(it->page == NULL || strcmp(it->page, final) != 0))) {
		free(final);
		return;
	}
	free(it->page);
	it->page = final;
	it->html = html_new(on_link, it);
}

static void
on_link(void *arg, enum html_link_kind kind, const char *value, size_t len,
    int nofollow)
{
	struct item    *it = arg;
	struct crawler *cr = it->cr;
	char	       *url;

	if (kind == HTML_LINK_BASE) {
		if (it->base == NULL)
			it->base = urlnorm_resolve(it->page, value, len, NULL);
		return;
	}
	if (nofollow && !cr->cfg.no_robots)
		return;
	url = urlnorm_resolve(
	    it->base != NULL ? it->base : it->page, value, len, NULL);
	if (url == NULL)
		return;
	/* Past the bound, further links are dropped (crawler.h). */
	if (scope_in(cr->cfg.scope, frontier_key_name(cr->fr, it->key), url))
		(void)buf_append(&it->found, url, strlen(url) + 1);
	free(url);
}

void
crawlpage_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct item *it = fetch_data(task);

	(void)arg;
	if (it == NULL)
		return;
	if (!it->decided)
		decide(it->cr, it);
	if (it->html != NULL && html_feed(it->html, data, len) != CRAWL_OK) {
		html_free(it->html);
		it->html = NULL;
	}
}

void
crawlpage_reset(struct task *task, void *arg)
{
	struct item *it = fetch_data(task);

	(void)arg;
	if (it == NULL)
		return;
	html_free(it->html);
	it->html = NULL;
	free(it->base);
	it->base = NULL;
	buf_clear(&it->found);
	it->decided = 0;
}
