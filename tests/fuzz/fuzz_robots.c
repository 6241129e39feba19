/*
 * Fuzz target: robots.txt rules (src/crawl/robots.c).
 *
 * The input is a robots.txt, optionally followed by a NUL and paths to
 * ask about, one a line. It is parsed fed whole and in chunks of random
 * sizes (seeded by the input): both parsers must give the same answer for
 * every path asked (those after the NUL, the value of every line of the
 * file, and a few fixed ones), the same Crawl-delay and the same Sitemap
 * list. Whatever the rules, "/robots.txt" is allowed, a Crawl-delay is -1
 * or within [0, one day], and every sitemap is an absolute http(s) URL.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "robots.h"

static struct robots *
parse(const uint8_t *text, size_t n, size_t max)
{
	struct fuzz_chunks c;
	struct robots	  *r;
	size_t		   off = 0, take;

	fuzz_chunks_init(&c, text, n);
	FUZZ_CHECK((r = robots_new()) != NULL);
	while (off < n) {
		take = max == 0 ? n : fuzz_chunks_next(&c, max);
		if (take > n - off)
			take = n - off;
		FUZZ_CHECK(
		    robots_feed(r, (const char *)text + off, take) == CRAWL_OK);
		off += take;
	}
	FUZZ_CHECK(robots_finish(r) == CRAWL_OK);
	return r;
}

/* Asks both parsers about the len bytes at p (made a path). */
static void
ask(const struct robots *a, const struct robots *b, const uint8_t *p,
    size_t len)
{
	char path[512];

	if (len >= sizeof(path))
		len = sizeof(path) - 1;
	memcpy(path, p, len);
	path[len] = '\0';
	FUZZ_CHECK(robots_allowed(a, path) == robots_allowed(b, path));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "", "/", "/a", "/a/b?c=d",
		"/%7Efoo", "/~foo", "/x$", "/*" };
	const uint8_t		*nul = memchr(data, 0, size);
	size_t		   text = nul != NULL ? (size_t)(nul - data) : size;
	struct robots	  *whole, *chunked;
	const char *const *sa, *const *sb;
	size_t na, nb, i, start;
	double d;

	whole = parse(data, text, 0);
	chunked = parse(data, text, 32);
	FUZZ_CHECK(robots_allowed(whole, "/robots.txt") == 1);
	d = robots_crawl_delay(whole);
	FUZZ_CHECK(d == -1 || (d >= 0 && d <= 86400));
	FUZZ_CHECK(robots_crawl_delay(chunked) == d);
	sa = robots_sitemaps(whole, &na);
	sb = robots_sitemaps(chunked, &nb);
	FUZZ_CHECK(na == nb && na <= ROBOTS_MAX_SITEMAPS);
	for (i = 0; i < na; i++) {
		FUZZ_CHECK(strcmp(sa[i], sb[i]) == 0);
		FUZZ_CHECK(strncasecmp(sa[i], "http://", 7) == 0 ||
		    strncasecmp(sa[i], "https://", 8) == 0);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		ask(whole, chunked, (const uint8_t *)fixed[i],
		    strlen(fixed[i]));
	/* The value of each line of the file, and each line after the NUL. */
	for (start = 0, i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n' && data[i] != '\r' &&
		    data[i] != '\0')
			continue;
		if (i > start) {
			const uint8_t *colon =
			    memchr(data + start, ':', i - start);
			size_t from =
			    colon != NULL ? (size_t)(colon - data) + 1 : start;

			while (from < i && data[from] == ' ')
				from++;
			ask(whole, chunked, data + from, i - from);
		}
		start = i + 1;
	}
	robots_free(whole);
	robots_free(chunked);
	return 0;
}
