/*
 * sitemap: a streaming reader of sitemap XML for --sitemaps (the contract
 * in sitemap.h). The crawl's fetch of a sitemap feeds it the body as it
 * arrives and turns each <loc> into a seed or a sitemap to read next.
 *
 * This half takes the bytes: it tells gzip by its magic bytes (servers
 * label it inconsistently: application/gzip, application/x-gzip,
 * application/octet-stream, or a Content-Encoding libcurl undid), inflates
 * it member after member, enforces the byte bound and hands the XML to
 * sitemap_tok.c, which is not an XML parser but a state machine that
 * finds the <loc> values.
 */
#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "sitemap_int.h"

struct sitemap *
sitemap_new(sitemap_url_fn on_url, void *arg)
{
	struct sitemap *sm;

	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return NULL;
	sm->on_url = on_url;
	sm->arg = arg;
	sm->st = S_TEXT;
	return sm;
}

/* XML bytes, within the byte bound. */
static void
parse(struct sitemap *sm, const unsigned char *p, size_t n)
{
	size_t i;
	int    capped = 0;

	if (sm->stopped)
		return;
	if (n > CRAWL_SITEMAP_MAX_BYTES - sm->bytes) {
		n = CRAWL_SITEMAP_MAX_BYTES - sm->bytes;
		capped = 1;
	}
	sm->bytes += n;
	for (i = 0; i < n && !sm->stopped; i++)
		sitemap_step(sm, (char)p[i]);
	if (capped) {
		sm->truncated = 1;
		sm->stopped = 1;
	}
}

/* Keeps the first failure; the parser reports nothing more after it. */
static enum crawl_err
fail(struct sitemap *sm, enum crawl_err err, const char *why)
{
	if (sm->error == NULL) {
		sm->error = why;
		sm->failed = err;
	}
	return sm->failed;
}

/* gzip bytes: inflated and parsed, member after member. */
static enum crawl_err
inflate_some(struct sitemap *sm, const unsigned char *p, size_t n)
{
	int rc;

	sm->zs.next_in = (Bytef *)p;
	sm->zs.avail_in = (uInt)n;
	while (!sm->stopped && (sm->zs.avail_in > 0 || !sm->zend)) {
		if (sm->zend) {
			/* Another member follows. */
			if (inflateReset(&sm->zs) != Z_OK)
				return fail(
				    sm, CRAWL_ERR_NOMEM, "out of memory");
			sm->zend = 0;
		}
		sm->zs.next_out = sm->out;
		sm->zs.avail_out = sizeof(sm->out);
		rc = inflate(&sm->zs, Z_NO_FLUSH);
		parse(sm, sm->out, sizeof(sm->out) - sm->zs.avail_out);
		if (rc == Z_STREAM_END) {
			sm->zend = 1;
			sm->zmembers++;
		} else if (rc == Z_MEM_ERROR)
			return fail(sm, CRAWL_ERR_NOMEM, "out of memory");
		else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
			/* Junk after a whole member is ignored, as gzip(1)
			 * warns and goes on. */
			if (sm->zmembers > 0 && sm->zs.total_out == 0) {
				sm->zend = 1;
				sm->stopped = 1;
				return CRAWL_OK;
			}
			return fail(
			    sm, CRAWL_ERR_MALFORMED, "corrupt gzip data");
		} else if (rc == Z_BUF_ERROR ||
		    (sm->zs.avail_out > 0 && sm->zs.avail_in == 0))
			break; /* needs more input */
	}
	return CRAWL_OK;
}

static enum crawl_err
consume(struct sitemap *sm, const unsigned char *p, size_t n)
{
	if (sm->kind == 1)
		return inflate_some(sm, p, n);
	parse(sm, p, n);
	return CRAWL_OK;
}

/* Sets the input kind, gzip or plain XML, and readies inflate. */
static enum crawl_err
decide(struct sitemap *sm, int gzip)
{
	sm->kind = gzip ? 1 : 2;
	if (gzip) {
		if (inflateInit2(&sm->zs, 15 + 16) != Z_OK)
			return fail(sm, CRAWL_ERR_NOMEM, "out of memory");
		sm->zinit = 1;
	}
	return CRAWL_OK;
}

enum crawl_err
sitemap_feed(struct sitemap *sm, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;

	if (sm->error != NULL)
		return sm->failed;
	if (sm->finished || len == 0)
		return CRAWL_OK;
	if (sm->kind == 0) {
		if (!sm->have_first) {
			sm->first = p[0];
			sm->have_first = 1;
			p++;
			len--;
			if (len == 0)
				return CRAWL_OK;
		}
		if (decide(sm, sm->first == 0x1f && p[0] == 0x8b) != CRAWL_OK ||
		    consume(sm, &sm->first, 1) != CRAWL_OK)
			return sm->failed;
	}
	return consume(sm, p, len);
}

enum crawl_err
sitemap_finish(struct sitemap *sm)
{
	if (sm->error != NULL)
		return sm->failed;
	if (sm->finished)
		return CRAWL_OK;
	sm->finished = 1;
	if (sm->kind == 0 && sm->have_first) {
		sm->kind = 2;
		parse(sm, &sm->first, 1);
	}
	sm->inloc = 0;
	if (sm->kind == 1 && !sm->zend && !sm->stopped)
		return fail(sm, CRAWL_ERR_MALFORMED, "truncated gzip data");
	return CRAWL_OK;
}

size_t
sitemap_count(const struct sitemap *sm)
{
	return sm->count;
}

int
sitemap_truncated(const struct sitemap *sm)
{
	return sm->truncated;
}

const char *
sitemap_error(const struct sitemap *sm)
{
	return sm->error;
}

void
sitemap_free(struct sitemap *sm)
{
	if (sm == NULL)
		return;
	if (sm->zinit)
		inflateEnd(&sm->zs);
	free(sm);
}
