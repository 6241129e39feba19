/*
 * crawlsitemap: the crawler's side of --sitemaps. The page URLs that
 * run/sitemaps reports are normalised and kept when in scope of their
 * seed (with --include and --exclude) as they stream; once a file is
 * over they are settled in order as a page's links are, against the seen
 * set, --max-urls and robots.txt (waiting for an origin's answer when
 * need be), and join the frontier as depth-0 tasks without a parent.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crawler_int.h"
#include "frontier.h"
#include "msgs.h"
#include "scope.h"
#include "urlnorm.h"

void
crawlsitemap_page(void *arg, const char *url, size_t len, uint32_t key)
{
	struct crawler *cr = arg;
	char	       *norm;

	(void)len;
	if (cr->stopped || (norm = urlnorm(url, NULL)) == NULL)
		return;
	/* Past the bound, further URLs are dropped (as a page's links). */
	if (scope_in(cr->cfg.scope, frontier_key_name(cr->fr, key), norm) &&
	    buf_append(&cr->smfound, &key, sizeof(key)) == 0 &&
	    buf_append(&cr->smfound, norm, strlen(norm) + 1) == -1)
		cr->smfound.len -= sizeof(key);
	free(norm);
}

/* Settles the URLs kept from smpos on; stops while an origin is awaited. */
static void
settle(struct crawler *cr)
{
	const char *url;
	uint32_t    key;
	size_t	    n;
	int	    rc;

	while (
	    cr->smpos < cr->smfound.len && !cr->stopped && !crawler_full(cr)) {
		memcpy(&key, cr->smfound.data + cr->smpos, sizeof(key));
		url = cr->smfound.data + cr->smpos + sizeof(key);
		n = sizeof(key) + strlen(url) + 1;
		if (!frontier_seen(cr->fr, url)) {
			rc = crawler_robots_gate(cr, url, &cr->smwait);
			if (rc == -1)
				return;
			if (rc == 1 &&
			    frontier_push(cr->fr, url, 0, -1, key, NULL) == -1)
				msgs_warnx(
				    "%s: out of memory: not fetched", url);
		}
		cr->smpos += n;
	}
	buf_free(&cr->smfound);
	cr->smpos = 0;
	if (cr->cfg.on_more != NULL)
		cr->cfg.on_more(cr->cfg.arg);
}

void
crawlsitemap_progress(void *arg)
{
	struct crawler *cr = arg;

	if (cr->smwait.list == NULL)
		settle(cr);
}

void
crawlsitemap_ready(struct origins_waiter *w)
{
	struct crawler *cr = (struct crawler *)(void *)((char *)w -
	    offsetof(struct crawler, smwait));

	settle(cr);
}
