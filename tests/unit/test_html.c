/*
 * html: the conformance corpus (tests/html/corpus.txt) fed whole, in every
 * split into two chunks and byte by byte, which must all give the same
 * links; the bounds on long values; random markup fed whole and in random
 * chunks, which must agree too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "harness.h"
#include "html.h"

HARNESS_MAIN;

static const char *const kinds[] = { "a", "area", "link", "frame", "iframe",
	"base" };

static void
on_link(void *arg, enum html_link_kind kind, const char *value, size_t len,
    int nofollow)
{
	/* The value is NUL-terminated as the header promises. */
	CHECK(value[len] == '\0');
	corpus_out_link(arg, kinds[kind], value, len, nofollow);
}

/*
 * Feeds s in chunks: whole when step is 0, else first `split` bytes then
 * the rest in pieces of `step` bytes. Returns the results (free them).
 */
static char *
extract(const char *s, size_t len, size_t split, size_t step)
{
	struct corpus_out o = { 0 };
	struct html	 *h = html_new(on_link, &o);
	size_t		  i;

	corpus_out_put(&o, "", 0);
	if (step == 0)
		CHECK(html_feed(h, s, len) == CRAWL_OK);
	else {
		CHECK(html_feed(h, s, split) == CRAWL_OK);
		for (i = split; i < len; i += step)
			CHECK(html_feed(h, s + i,
				  len - i < step ? len - i : step) == 0);
	}
	html_finish(h);
	if (html_nofollow(h))
		corpus_out_put(&o, "meta-nofollow\n", 14);
	html_free(h);
	return o.s;
}

static struct corpus_case *cases;
static size_t		   ncases;

static void
test_corpus_whole(void)
{
	size_t i;

	for (i = 0; i < ncases; i++) {
		char *got = extract(cases[i].input, cases[i].len, 0, 0);

		harness_checks++;
		if (strcmp(got, cases[i].want) != 0) {
			harness_failures++;
			fprintf(stderr, "case \"%s\": got\n%s-- want\n%s--\n",
			    cases[i].name, got, cases[i].want);
		}
		free(got);
	}
}

/* Every split point into two chunks, and one byte at a time. */
static void
test_corpus_splits(void)
{
	size_t i, k;

	for (i = 0; i < ncases; i++) {
		for (k = 0; k <= cases[i].len; k++) {
			char *got = extract(
			    cases[i].input, cases[i].len, k, cases[i].len + 1);

			harness_checks++;
			if (strcmp(got, cases[i].want) != 0) {
				harness_failures++;
				fprintf(stderr, "case \"%s\" split at %zu\n",
				    cases[i].name, k);
			}
			free(got);
		}
		{
			char *got = extract(cases[i].input, cases[i].len, 0, 1);

			CHECK_STR(got, cases[i].want);
			free(got);
		}
	}
}

/* A value past HTML_VALUE_MAX is dropped; the page goes on. */
static void
test_long_value(void)
{
	size_t len = HTML_VALUE_MAX + 100, i;
	char  *page = malloc(len + 100);
	char  *got;

	memcpy(page, "<a href=\"", 9);
	for (i = 9; i < len; i++)
		page[i] = 'x';
	memcpy(page + len, "\"><a href=/after>", 17);
	got = extract(page, len + 17, 0, 0);
	CHECK_STR(got, "a /after\n");
	free(got);
	got = extract(page, len + 17, 100, 4096);
	CHECK_STR(got, "a /after\n");
	free(got);
	/* Just under the cap is kept. */
	memcpy(page + HTML_VALUE_MAX - 8, "\">", 2);
	got = extract(page, HTML_VALUE_MAX - 6, 0, 0);
	CHECK_INT(strlen(got), strlen("a \n") + HTML_VALUE_MAX - 8 - 9);
	free(got);
	free(page);
}

/* Feeding after html_finish is ignored; NULL frees quietly. */
static void
test_finish(void)
{
	struct corpus_out o = { 0 };
	struct html	 *h = html_new(on_link, &o);

	CHECK(html_feed(h, "<a href=/x", 10) == CRAWL_OK);
	html_finish(h);
	CHECK(html_feed(h, ">", 1) == CRAWL_OK);
	CHECK(o.s == NULL);
	html_free(h);
	html_free(NULL);
}

/* Random markup from a small alphabet: chunked must equal whole. */
static void
test_random_chunks(void)
{
	static const char *atoms[] = { "<", ">", "a", " href", "=", "\"", "'",
		"&", "amp", ";", "#", "x2F", "-", "!", "/", "script", "<!--",
		"-->", "<a href=", "</script>", "textarea", "\r", "\n", "\0",
		"rel=nofollow", "<base href=", "<link rel=next href=" };
	uint32_t	   seed = 12345;
	int		   round;

	for (round = 0; round < 2000; round++) {
		char   page[600];
		size_t len = 0, step;
		char  *whole, *parts;

		while (len < 500) {
			const char *a;
			size_t	    n;

			seed = seed * 1103515245 + 12345;
			a = atoms[(seed >> 16) %
			    (sizeof(atoms) / sizeof(*atoms))];
			n = a[0] == '\0' ? 1 : strlen(a);
			memcpy(page + len, a, n);
			len += n;
		}
		seed = seed * 1103515245 + 12345;
		step = 1 + (seed >> 16) % 13;
		whole = extract(page, len, 0, 0);
		parts = extract(page, len, step / 2, step);
		CHECK_STR(parts, whole);
		free(whole);
		free(parts);
	}
}

int
main(void)
{
	ncases = corpus_load(HTML_CORPUS, &cases);
	CHECK(ncases > 50);
	RUN(test_corpus_whole);
	RUN(test_corpus_splits);
	RUN(test_long_value);
	RUN(test_finish);
	RUN(test_random_chunks);
	corpus_free(cases, ncases);
	return harness_result();
}
