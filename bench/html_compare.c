/*
 * html_compare: the measurement behind docs/crawl-html.md. It runs two
 * streaming link extractors, afetch's own (src/crawl/html) and libxml2's
 * HTML push parser (htmlParseChunk with a SAX startElement), on the
 * conformance corpus and on a large generated page.
 *
 *	bench/html_compare.sh            # builds it and prints the table
 *	html_compare corpus FILE         # conformance, both candidates
 *	html_compare speed ours|libxml2 MIB
 *
 * Both candidates get the same link rules (contract section 13), applied
 * to the start tags each one reports, so the scores differ only by how
 * each finds start tags and decodes attribute values.
 */
#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "corpus.h"
#include "html.h"

static const char *const kinds[] = { "a", "area", "link", "frame", "iframe",
	"base" };

struct sink {
	struct corpus_out out;
	size_t		  links;
	int		  base, nofollow;
	int		  keep; /* record each link (the corpus), or count */
};

static void
on_link(void *arg, enum html_link_kind kind, const char *value, size_t len,
    int nofollow)
{
	struct sink *s = arg;

	s->links++;
	if (s->keep)
		corpus_out_link(&s->out, kinds[kind], value, len, nofollow);
}

/* Returns 1 when the token list v (space, or comma when commas) has tok. */
static int
has_token(const char *v, const char *tok, int commas)
{
	const char *sep = commas ? " \t\n\f\r," : " \t\n\f\r";
	size_t	    n = strlen(tok);

	while (*v) {
		size_t k;

		v += strspn(v, sep);
		k = strcspn(v, sep);
		if (k == n && strncasecmp(v, tok, n) == 0)
			return 1;
		v += k;
	}
	return 0;
}

static void
report(struct sink *s, int kind, const char *v, int nofollow)
{
	size_t len;

	while (*v && strchr(" \t\n\f\r", *v))
		v++;
	len = strlen(v);
	while (len > 0 && strchr(" \t\n\f\r", v[len - 1]))
		len--;
	on_link(s, kind, v, len, nofollow);
}

/* The contract's link rules over libxml2's start tags. */
static void
sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct sink *s = ctx;
	const char  *href = NULL, *src = NULL, *rel = NULL, *mname = NULL,
		   *content = NULL, **slot;
	int nf;

	for (; atts != NULL && atts[0] != NULL; atts += 2) {
		const char *a = (const char *)atts[0];

		slot = strcasecmp(a, "href") == 0   ? &href
		    : strcasecmp(a, "src") == 0	    ? &src
		    : strcasecmp(a, "rel") == 0	    ? &rel
		    : strcasecmp(a, "name") == 0    ? &mname
		    : strcasecmp(a, "content") == 0 ? &content
						    : NULL;
		/* The first of duplicate attributes wins. */
		if (slot != NULL && *slot == NULL)
			*slot = atts[1] ? (const char *)atts[1] : "";
	}
	nf = rel != NULL && has_token(rel, "nofollow", 0);
	if (strcasecmp((const char *)name, "a") == 0 && href)
		report(s, HTML_LINK_A, href, nf);
	else if (strcasecmp((const char *)name, "area") == 0 && href)
		report(s, HTML_LINK_AREA, href, nf);
	else if (strcasecmp((const char *)name, "link") == 0 && href && rel &&
	    (has_token(rel, "alternate", 0) || has_token(rel, "canonical", 0) ||
		has_token(rel, "next", 0) || has_token(rel, "prev", 0)))
		report(s, HTML_LINK_LINK, href, nf);
	else if (strcasecmp((const char *)name, "frame") == 0 && src)
		report(s, HTML_LINK_FRAME, src, 0);
	else if (strcasecmp((const char *)name, "iframe") == 0 && src)
		report(s, HTML_LINK_IFRAME, src, 0);
	else if (strcasecmp((const char *)name, "base") == 0 && href &&
	    !s->base) {
		s->base = 1;
		report(s, HTML_LINK_BASE, href, 0);
	} else if (strcasecmp((const char *)name, "meta") == 0 && mname &&
	    content && strcasecmp(mname, "robots") == 0 &&
	    (has_token(content, "nofollow", 1) ||
		has_token(content, "none", 1)))
		s->nofollow = 1;
}

/* One page through a candidate, in the chunks the caller gives. */
struct cand {
	const char *name;
	void *(*open)(struct sink *s);
	void (*feed)(void *p, const char *b, size_t n);
	int (*close)(void *p); /* returns the page's nofollow */
};

static void *
ours_open(struct sink *s)
{
	return html_new(on_link, s);
}

static void
ours_feed(void *p, const char *b, size_t n)
{
	html_feed(p, b, n);
}

static int
ours_close(void *p)
{
	int nf;

	html_finish(p);
	nf = html_nofollow(p);
	html_free(p);
	return nf;
}

static void *
xml_open(struct sink *s)
{
	static htmlSAXHandler sax;
	htmlParserCtxtPtr     c;

	sax.startElement = sax_start;
	c = htmlCreatePushParserCtxt(
	    &sax, s, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
	htmlCtxtUseOptions(c,
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NONET);
	return c;
}

static void
xml_feed(void *p, const char *b, size_t n)
{
	htmlParseChunk(p, b, (int)n, 0);
}

static int
xml_close(void *p)
{
	struct sink *s;

	htmlParseChunk(p, NULL, 0, 1);
	s = ((htmlParserCtxtPtr)p)->userData;
	htmlFreeParserCtxt(p);
	return s->nofollow;
}

static const struct cand cands[] = {
	{ "ours", ours_open, ours_feed, ours_close },
	{ "libxml2", xml_open, xml_feed, xml_close },
};

/* Results for page b, fed whole (step 0) or split, then in steps. */
static char *
run(const struct cand *c, const char *b, size_t n, size_t split, size_t step)
{
	struct sink s = { .keep = 1 };
	void	   *p = c->open(&s);
	size_t	    i;

	corpus_out_put(&s.out, "", 0);
	if (step == 0)
		c->feed(p, b, n);
	else {
		if (split > 0)
			c->feed(p, b, split);
		for (i = split; i < n; i += step)
			c->feed(p, b + i, n - i < step ? n - i : step);
	}
	if (c->close(p))
		corpus_out_put(&s.out, "meta-nofollow\n", 14);
	return s.out.s;
}

static int
corpus_main(const char *path)
{
	struct corpus_case *cs;
	size_t		    n = corpus_load(path, &cs), i, k, ci;

	for (ci = 0; ci < 2; ci++) {
		const struct cand *c = &cands[ci];
		size_t		   whole = 0, inv = 0;

		for (i = 0; i < n; i++) {
			char *got = run(c, cs[i].input, cs[i].len, 0, 0);
			int   ok = strcmp(got, cs[i].want) == 0, same = 1;

			whole += ok;
			for (k = 0; k <= cs[i].len + 1 && same; k++) {
				/* k == len + 1: one byte at a time. */
				char *g = k <= cs[i].len
				    ? run(c, cs[i].input, cs[i].len, k,
					  cs[i].len + 1)
				    : run(c, cs[i].input, cs[i].len, 0, 1);

				same = strcmp(g, got) == 0;
				free(g);
			}
			inv += same;
			if (!ok || !same)
				printf("%s: %s%s\n  got:  %s", c->name,
				    cs[i].name,
				    same ? "" : " (split-dependent)", got);
			free(got);
		}
		printf("| %s | %zu/%zu correct | %zu/%zu split-invariant |\n",
		    c->name, whole, n, inv, n);
	}
	corpus_free(cs, n);
	return 0;
}

/* A block of ordinary markup, many links, some raw text and comments. */
static size_t
make_block(char *b, size_t cap, unsigned seed)
{
	size_t n = 0;
	int    i;

	for (i = 0; n + 400 < cap; i++)
		n += (size_t)snprintf(b + n, cap - n,
		    "<div class=\"item i%d\"><a href=\"/page/%u?x=1&amp;y=%d\""
		    " rel=\"%s\">Page %d &mdash; text</a> and some prose "
		    "with an &amp; entity.</div>\n%s",
		    i, seed + (unsigned)i, i, i % 7 ? "next" : "nofollow", i,
		    i % 10 == 0 ? "<script>var s='<a href=x>';</script>"
				  "<!-- a comment <a href=y> -->\n"
				: "");
	return n;
}

static int
speed_main(const char *which, double mib)
{
	const struct cand *c =
	    strcmp(which, "ours") == 0 ? &cands[0] : &cands[1];
	static char	block[1 << 16];
	size_t		bn = make_block(block, sizeof(block), 7), done = 0;
	size_t		total = (size_t)(mib * 1024 * 1024), i;
	struct sink	s = { 0 };
	void	       *p;
	struct timespec t0, t1;
	struct rusage	ru;
	double		secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = c->open(&s);
	c->feed(p, "<!DOCTYPE html><html><body>\n", 28);
	while (done < total) {
		/* 16 KiB chunks, as libcurl's write callback hands them. */
		for (i = 0; i < bn; i += 16384)
			c->feed(p, block + i, bn - i < 16384 ? bn - i : 16384);
		done += bn;
	}
	c->close(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s: %.0f MiB in %.2f s = %.0f MB/s, %zu links, "
	       "peak RSS %ld KiB\n",
	    c->name, (double)done / 1048576, secs, (double)done / 1e6 / secs,
	    s.links, ru.ru_maxrss);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "corpus") == 0)
		return corpus_main(argv[2]);
	if (argc == 4 && strcmp(argv[1], "speed") == 0)
		return speed_main(argv[2], atof(argv[3]));
	fprintf(stderr,
	    "usage: html_compare corpus FILE | "
	    "html_compare speed ours|libxml2 MIB\n");
	return 2;
}
