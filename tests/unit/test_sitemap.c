/*
 * Unit tests for sitemap: <loc> values out of urlsets and sitemap
 * indexes, plain and gzip, fed whole, in every two-chunk split and byte
 * by byte, and the protocol's bounds.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "crawl.h"
#include "harness.h"
#include "sitemap.h"

HARNESS_MAIN;

/* What the callback saw: "P url\n" for a page, "S url\n" for a sitemap. */
struct seen {
	char  *text;
	size_t len, cap;
};

static void
on_url(void *arg, const char *url, size_t len, int nested)
{
	struct seen *s = arg;

	if (strlen(url) != len)
		len = (size_t)-1; /* NUL inside or missing: shows as a gap */
	if (s->len + len + 4 > s->cap) {
		s->cap = (s->len + len + 4) * 2;
		s->text = realloc(s->text, s->cap);
	}
	s->len += (size_t)snprintf(s->text + s->len, s->cap - s->len,
	    "%c %.*s\n", nested ? 'S' : 'P', (int)len, url);
}

/*
 * Feeds the n bytes at p in chunks of the sizes in cuts (0-terminated;
 * the rest in one chunk) and returns what was reported, or "ERROR: why".
 * The caller frees it.
 */
static char *
run(const void *p, size_t n, const size_t *cuts, int *rc)
{
	struct sitemap *sm;
	struct seen	s = { NULL, 0, 0 };
	size_t		off = 0, take;
	const char     *why;
	char	       *out;

	sm = sitemap_new(on_url, &s);
	*rc = CRAWL_OK;
	/* The first failure is kept: every later call returns it too. */
	for (; cuts != NULL && *cuts != 0 && off < n; cuts++) {
		take = *cuts < n - off ? *cuts : n - off;
		if (*rc == CRAWL_OK)
			*rc = sitemap_feed(sm, (const char *)p + off, take);
		off += take;
	}
	if (*rc == CRAWL_OK)
		*rc = sitemap_feed(sm, (const char *)p + off, n - off);
	if (*rc == CRAWL_OK)
		*rc = sitemap_finish(sm);
	else
		CHECK_INT(sitemap_finish(sm), *rc);
	why = sitemap_error(sm);
	if (why != NULL) {
		out = malloc(strlen(why) + 8);
		snprintf(out, strlen(why) + 8, "ERROR: %s", why);
	} else {
		out = s.text != NULL ? s.text : calloc(1, 1);
		s.text = NULL;
	}
	free(s.text);
	sitemap_free(sm);
	return out;
}

/* Whole, in every two-chunk split and byte by byte: all must give want. */
static void
check_splits(const void *p, size_t n, const char *want)
{
	size_t cut[2] = { 0, 0 }, i, ones[4097];
	char  *got;
	int    rc, bad = 0;

	got = run(p, n, NULL, &rc);
	CHECK_STR(got, want);
	free(got);
	for (i = 1; i < n && !bad; i++) {
		cut[0] = i;
		got = run(p, n, cut, &rc);
		if (strcmp(got, want) != 0) {
			fprintf(stderr, "split at %zu: %s\n", i, got);
			bad = 1;
		}
		free(got);
	}
	CHECK(!bad);
	if (n < 4096) {
		for (i = 0; i < n; i++)
			ones[i] = 1;
		ones[n] = 0;
		got = run(p, n, ones, &rc);
		CHECK_STR(got, want);
		free(got);
	}
}

static const char urlset[] =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE urlset [ <!ENTITY x \"y\"> ]>\n"
    "<!-- <url><loc>http://never/comment</loc></url> -- - -->\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    "<url><loc>http://a.test/1</loc><lastmod>2024</lastmod></url>\n"
    "<url>\n  <loc>\n\t http://a.test/q?a=1&amp;b=2&lt;&gt;&quot;&apos; "
    "\r\n</loc>\n</url>\n"
    "<url><loc>http://a.test/&#x41;&#66;&#x20AC;&#128512;&bogus;&amp</loc>"
    "</url>\n"
    "<url><loc><![CDATA[http://a.test/c?x=1&y]]]><![CDATA[]2]]></loc></url>\n"
    "<url><loc/><loc></loc><loc>   </loc></url>\n"
    "<loc>http://never/outside-url</loc>\n"
    "<url><br/><LOC a='>' b=\"'\">http://a.test/CASE</LOC>"
    "<image:image><image:loc>http://never/img.png</image:loc></image:image>"
    "</url>\n"
    "<url><image:image><image:loc>http://never/img</image:loc></image:image>"
    "<xhtml:link href='x'/><sm:loc>http://a.test/prefixed</sm:loc></url>\n"
    "<url><?pi <loc>http://never/pi</loc> ?><loc>http://a.test/after-pi"
    "</loc></url>\n"
    "</urlset>\n";

static const char urlset_want[] =
    "P http://a.test/1\n"
    "P http://a.test/q?a=1&b=2<>\"'\n"
    "P http://a.test/AB\xe2\x82\xac\xf0\x9f\x98\x80&bogus;&amp\n"
    "P http://a.test/c?x=1&y]]2\n"
    "P http://a.test/CASE\n"
    "P http://a.test/prefixed\n"
    "P http://a.test/after-pi\n";

static void
test_urlset(void)
{
	check_splits(urlset, sizeof(urlset) - 1, urlset_want);
}

static void
test_index(void)
{
	static const char x[] =
	    "<?xml version='1.0'?><sm:sitemapindex xmlns:sm='x'>"
	    "<sm:sitemap><sm:loc>http://a.test/s1.xml</sm:loc></sm:sitemap>"
	    "<sitemap><loc>http://a.test/s2.xml.gz</loc>"
	    "<lastmod>2004-10-01</lastmod></sitemap></sm:sitemapindex>";

	check_splits(x, sizeof(x) - 1,
	    "S http://a.test/s1.xml\nS http://a.test/s2.xml.gz\n");
}

/* Malformed XML: the parser reads on. */
static void
test_malformed(void)
{
	static const char x[] =
	    "< <url><loc>http://a.test/1</loc></url> <<< >>> </ x>"
	    "<url><loc>http://a.test/2<b>bold</b></loc></url>"
	    "<url><loc>http://a.test/3 & 4</loc></url>"
	    "<!bogus> <url><loc>http://a.test/5</loc></url>"
	    "<url><loc>http://a.test/unclosed";

	check_splits(x, sizeof(x) - 1,
	    "P http://a.test/1\nP http://a.test/2bold\n"
	    "P http://a.test/3 & 4\nP http://a.test/5\n");
}

/* Compresses n bytes into gzip members, one per chunk of size each. */
static unsigned char *
gz(const void *p, size_t n, size_t each, size_t *outlen)
{
	z_stream       zs;
	size_t	       cap = n + 1024 * (n / each + 2), off = 0, take;
	unsigned char *out = malloc(cap);

	*outlen = 0;
	do {
		take = n - off < each ? n - off : each;
		memset(&zs, 0, sizeof(zs));
		deflateInit2(
		    &zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = (Bytef *)p + off;
		zs.avail_in = (uInt)take;
		zs.next_out = out + *outlen;
		zs.avail_out = (uInt)(cap - *outlen);
		deflate(&zs, Z_FINISH);
		*outlen = cap - zs.avail_out;
		deflateEnd(&zs);
		off += take;
	} while (off < n);
	return out;
}

static void
test_gzip(void)
{
	unsigned char *z;
	size_t	       zlen;
	char	      *got;
	int	       rc;

	z = gz(urlset, sizeof(urlset) - 1, 1 << 20, &zlen);
	CHECK(z[0] == 0x1f && z[1] == 0x8b);
	check_splits(z, zlen, urlset_want);
	free(z);

	/* Several members, as gzip(1) makes of concatenated files. */
	z = gz(urlset, sizeof(urlset) - 1, 100, &zlen);
	check_splits(z, zlen, urlset_want);

	/* Junk after whole members is ignored. */
	z = realloc(z, zlen + 5);
	memcpy(z + zlen, "junk!", 5);
	got = run(z, zlen + 5, NULL, &rc);
	CHECK_STR(got, urlset_want);
	CHECK_INT(rc, 0);
	free(got);

	/* Cut short: an error at the end, after what could be read. */
	got = run(z, zlen / 2, NULL, &rc);
	CHECK_STR(got, "ERROR: truncated gzip data");
	CHECK_INT(rc, CRAWL_ERR_MALFORMED);
	free(got);

	/* Corrupt from the start. */
	z[10] ^= 0xff;
	z[11] ^= 0xff;
	z[12] ^= 0x55;
	got = run(z, zlen, NULL, &rc);
	CHECK_STR(got, "ERROR: corrupt gzip data");
	CHECK_INT(rc, CRAWL_ERR_MALFORMED);
	free(got);
	free(z);
}

/* 1f alone is no gzip; a one-byte file; an empty one. */
static void
test_tiny(void)
{
	char *got;
	int   rc;

	got = run("\x1f<url><loc>x</loc></url>", 24, NULL, &rc);
	CHECK_STR(got, "P x\n");
	free(got);
	got = run("<", 1, NULL, &rc);
	CHECK_STR(got, "");
	CHECK_INT(rc, 0);
	free(got);
	got = run("", 0, NULL, &rc);
	CHECK_STR(got, "");
	free(got);
}

static void
test_bounds(void)
{
	static const char one[] = "<url><loc>http://a.test/</loc></url>\n";
	size_t		  n = CRAWL_SITEMAP_MAX_URLS + 2, i, len;
	char		 *x, *got, *longloc;
	unsigned char	 *z;
	int		  rc;

	/* 50,000 URLs, then no more. */
	x = malloc(n * (sizeof(one) - 1) + 1);
	for (i = 0; i < n; i++)
		memcpy(x + i * (sizeof(one) - 1), one, sizeof(one) - 1);
	{
		struct sitemap *sm;
		struct seen	s = { NULL, 0, 0 };

		sm = sitemap_new(on_url, &s);
		CHECK_INT(sitemap_feed(sm, x, n * (sizeof(one) - 1)), 0);
		CHECK_INT(sitemap_finish(sm), 0);
		CHECK_INT(sitemap_count(sm), CRAWL_SITEMAP_MAX_URLS);
		CHECK_INT(sitemap_truncated(sm), 1);
		sitemap_free(sm);
		free(s.text);
	}
	free(x);

	/* A <loc> of SITEMAP_LOC_MAX bytes is kept, one more is dropped. */
	len = SITEMAP_LOC_MAX + 64;
	longloc = malloc(len + 64);
	for (i = 0; i < 2; i++) {
		size_t k = SITEMAP_LOC_MAX + i;

		memcpy(longloc, "<url><loc>", 10);
		memset(longloc + 10, 'a', k);
		memcpy(longloc + 10 + k, "</loc></url>", 12);
		got = run(longloc, 22 + k, NULL, &rc);
		CHECK_INT(strlen(got), i == 0 ? SITEMAP_LOC_MAX + 3 : 0);
		free(got);
	}
	free(longloc);

	/* A gzip bomb: 60 MiB of spaces, then a URL; only 50 MiB is read. */
	len = (size_t)60 << 20;
	x = malloc(len + sizeof(one));
	memset(x, ' ', len);
	memcpy(x + len, one, sizeof(one) - 1);
	z = gz(x, len + sizeof(one) - 1, len + sizeof(one), &n);
	free(x);
	{
		struct sitemap *sm;
		struct seen	s = { NULL, 0, 0 };

		sm = sitemap_new(on_url, &s);
		CHECK_INT(sitemap_feed(sm, z, n), 0);
		CHECK_INT(sitemap_finish(sm), 0);
		CHECK_INT(sitemap_count(sm), 0);
		CHECK_INT(sitemap_truncated(sm), 1);
		sitemap_free(sm);
		free(s.text);
	}
	free(z);
}

int
main(void)
{
	RUN(test_urlset);
	RUN(test_index);
	RUN(test_malformed);
	RUN(test_gzip);
	RUN(test_tiny);
	RUN(test_bounds);
	return harness_result();
}
