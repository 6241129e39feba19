/* Unit tests for robots: RFC 9309's rules as data. */
#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "harness.h"
#include "robots.h"

HARNESS_MAIN;

struct mcase {
	const char *txt;
	const char *path;
	int	    want; /* 1 allowed, 0 not */
};

static const struct mcase cases[] = {
	/* No file, no rules, no group for us: everything allowed. */
	{ "", "/x", 1 },
	{ "User-agent: other\nDisallow: /\n", "/x", 1 },
	{ "Disallow: /\n", "/x", 1 }, /* a rule before any user-agent line */
	/* The "*" group, and ours instead of it when there is one. */
	{ "User-agent: *\nDisallow: /\n", "/x", 0 },
	{ "User-agent: *\nDisallow: /\n\nUser-agent: afetch\nDisallow: /p\n",
	    "/x", 1 },
	{ "User-agent: *\nDisallow: /\n\nUser-agent: afetch\nDisallow: /p\n",
	    "/p", 0 },
	/* A group naming us with no rules allows all; "*" is not used. */
	{ "User-agent: afetch\nCrawl-delay: 1\n\nUser-agent: *\nDisallow: /\n",
	    "/x", 1 },
	/* Blank lines are not group ends: this is one group of two agents. */
	{ "User-agent: afetch\n\nUser-agent: *\nDisallow: /\n", "/x", 0 },
	/* Product token: case-insensitive, the [A-Za-z_-] run only. */
	{ "User-agent: AFetch\nDisallow: /\n", "/x", 0 },
	{ "User-agent: afetch/1.0\nDisallow: /\n", "/x", 0 },
	{ "User-agent: afetch bot\nDisallow: /\n", "/x", 0 },
	{ "User-agent: afetch-bot\nDisallow: /\n", "/x", 1 },
	{ "User-agent: afetchx\nDisallow: /\n", "/x", 1 },
	{ "User-agent: xafetch\nDisallow: /\n", "/x", 1 },
	{ "user-AGENT : afetch\ndisALLOW : /\n", "/x", 0 },
	/* Consecutive user-agent lines make one group. */
	{ "User-agent: a\nUser-agent: afetch\nUser-agent: b\nDisallow: /d\n",
	    "/d", 0 },
	/* A user-agent line after a rule starts a new group. */
	{ "User-agent: afetch\nDisallow: /a\nUser-agent: other\nDisallow: /b\n",
	    "/b", 1 },
	{ "User-agent: afetch\nDisallow: /a\nUser-agent: other\nDisallow: /b\n",
	    "/a", 0 },
	/* Groups for us are merged, wherever they are. */
	{ "User-agent: afetch\nDisallow: /a\n\nUser-agent: x\nDisallow: /c\n\n"
	  "User-agent: afetch\nDisallow: /b\n",
	    "/b", 0 },
	{ "User-agent: afetch\nDisallow: /a\n\nUser-agent: x\nDisallow: /c\n\n"
	  "User-agent: afetch\nDisallow: /b\n",
	    "/a", 0 },
	{ "User-agent: afetch\nDisallow: /a\n\nUser-agent: x\nDisallow: /c\n\n"
	  "User-agent: afetch\nDisallow: /b\n",
	    "/c", 1 },
	{ "User-agent: *\nDisallow: /a\nUser-agent: x\nDisallow: /q\n"
	  "User-agent: *\nDisallow: /b\n",
	    "/b", 0 },
	/* Blank lines and unknown keys do not end a group (RFC 9309 2.2). */
	{ "User-agent: afetch\n\nDisallow: /a\n", "/a", 0 },
	{ "User-agent: afetch\nFoo: bar\nDisallow: /a\n", "/a", 0 },
	{ "User-agent: afetch\nSitemap: http://s/x.xml\nUser-agent: b\n"
	  "Disallow: /a\n",
	    "/a", 0 },
	/* Longest match wins; Allow on a tie. */
	{ "User-agent: *\nDisallow: /a\nAllow: /a/b\n", "/a/b/c", 1 },
	{ "User-agent: *\nDisallow: /a\nAllow: /a/b\n", "/a/c", 0 },
	{ "User-agent: *\nAllow: /a\nDisallow: /a/b\n", "/a/b", 0 },
	{ "User-agent: *\nDisallow: /a/b\nAllow: /a\n", "/a/b", 0 },
	{ "User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", 1 },
	{ "User-agent: *\nAllow: /page\nDisallow: /page\n", "/page", 1 },
	{ "User-agent: *\nDisallow: /*.php\nAllow: /a.php\n", "/a.php", 1 },
	{ "User-agent: *\nAllow: /$\nDisallow: /\n", "/", 1 },
	{ "User-agent: *\nAllow: /$\nDisallow: /\n", "/page", 0 },
	/* Prefix match; matching is case-sensitive in the path. */
	{ "User-agent: *\nDisallow: /fish\n", "/fish.html", 0 },
	{ "User-agent: *\nDisallow: /fish\n", "/Fish", 1 },
	{ "User-agent: *\nDisallow: /fish/\n", "/fish", 1 },
	{ "User-agent: *\nDisallow: /x?\n", "/x?a=1", 0 },
	{ "User-agent: *\nDisallow: /x?\n", "/x", 1 },
	/* "*" anywhere, "$" at the end only. */
	{ "User-agent: *\nDisallow: /*.gif$\n", "/a/b.gif", 0 },
	{ "User-agent: *\nDisallow: /*.gif$\n", "/a/b.gif?x", 1 },
	{ "User-agent: *\nDisallow: /*.gif$\n", "/a.gifs", 1 },
	{ "User-agent: *\nDisallow: /a*b*c\n", "/axxbyyczz", 0 },
	{ "User-agent: *\nDisallow: /a*b*c\n", "/axxbyy", 1 },
	{ "User-agent: *\nDisallow: *\n", "/anything", 0 },
	{ "User-agent: *\nDisallow: /**x\n", "/yyx", 0 },
	{ "User-agent: *\nDisallow: /a$b\n", "/a$b", 0 },
	{ "User-agent: *\nDisallow: /a$b\n", "/a", 1 },
	{ "User-agent: *\nDisallow: /ab$\n", "/ab", 0 },
	{ "User-agent: *\nDisallow: /ab$\n", "/abc", 1 },
	{ "User-agent: *\nDisallow: /*a*a*a*a*a*a*a$\n",
	    "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 1 },
	/* Percent-encoding equivalence. */
	{ "User-agent: *\nDisallow: /%7Euser\n", "/~user", 0 },
	{ "User-agent: *\nDisallow: /~user\n", "/%7euser", 0 },
	{ "User-agent: *\nDisallow: /a%3cb\n", "/a%3Cb", 0 },
	{ "User-agent: *\nDisallow: /a<b\n", "/a%3Cb", 0 },
	{ "User-agent: *\nDisallow: /caf\xc3\xa9\n", "/caf%C3%A9", 0 },
	{ "User-agent: *\nDisallow: /caf%c3%a9\n", "/caf\xc3\xa9", 0 },
	{ "User-agent: *\nDisallow: /a%2Fb\n", "/a/b", 1 },
	{ "User-agent: *\nDisallow: /a b\n", "/a%20b", 0 },
	/* Empty Disallow: no rule. */
	{ "User-agent: *\nDisallow:\n", "/x", 1 },
	{ "User-agent: *\nDisallow: \nDisallow: /y\n", "/x", 1 },
	/* /robots.txt is always allowed. */
	{ "User-agent: *\nDisallow: /\n", "/robots.txt", 1 },
	{ "User-agent: *\nDisallow: /\n", "/robots.txt?x", 1 },
	{ "User-agent: *\nDisallow: /\n", "/robots.txtx", 0 },
	/* A pattern without "/" gets one; "" is "/". */
	{ "User-agent: *\nDisallow: x\n", "/xy", 0 },
	{ "User-agent: *\nDisallow: /\n", "", 0 },
	/* Line ends, comments, BOM, blanks, malformed lines. */
	{ "User-agent: *\r\nDisallow: /a\r\n", "/a", 0 },
	{ "User-agent: *\rDisallow: /a\r", "/a", 0 },
	{ "User-agent: *\r\rDisallow: /a", "/a", 0 },
	{ "\xef\xbb\xbfUser-agent: *\nDisallow: /a\n", "/a", 0 },
	{ "# hello\nUser-agent: * # all\nDisallow: /a # not /a\n", "/a", 0 },
	{ "User-agent: *\nDisallow: /a#b\n", "/a", 0 },
	{ "User-agent: *\nDisallow /a\nDisallow: /b\n", "/a", 1 },
	{ "User-agent: *\nDisallow /a\nDisallow: /b\n", "/b", 0 },
	{ "User-agent *\nDisallow: /a\n", "/a", 1 },
	{ "   User-agent:\t*  \n\t Disallow:\t/a  \n", "/a", 0 },
	{ "User-agent: *\nDisallow: /\xff\xfe\n", "/%FF%FE", 0 },
	{ "<html><body>Not found</body></html>", "/x", 1 },
};

/* Feeds the whole text at once, or one byte at a time when bytewise. */
static struct robots *
parse(const char *txt, size_t n, int bytewise)
{
	struct robots *r = robots_new();
	size_t	       i;

	CHECK(r != NULL);
	if (bytewise) {
		for (i = 0; i < n; i++)
			CHECK_INT(robots_feed(r, txt + i, 1), 0);
	} else {
		CHECK_INT(robots_feed(r, txt, n), 0);
	}
	CHECK_INT(robots_finish(r), 0);
	return r;
}

static void
test_match_cases(void)
{
	size_t	       i;
	int	       bytewise, got;
	struct robots *r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (bytewise = 0; bytewise < 2; bytewise++) {
			r = parse(cases[i].txt, strlen(cases[i].txt), bytewise);
			got = robots_allowed(r, cases[i].path);
			CHECK_INT(got, cases[i].want);
			if (got != cases[i].want)
				fprintf(stderr, "\tcase %zu (%s): %s\n", i,
				    bytewise ? "bytewise" : "whole",
				    cases[i].path);
			robots_free(r);
		}
	}
}

/* The text matches as parsed so far, before robots_finish too. */
static void
test_incremental(void)
{
	struct robots *r = robots_new();

	robots_feed(r, "User-agent: *\nDisallow: /a\nDisa", 31);
	CHECK_INT(robots_allowed(r, "/a"), 0);
	CHECK_INT(robots_allowed(r, "/b"), 1);
	robots_feed(r, "llow: /b", 8);
	CHECK_INT(robots_allowed(r, "/b"), 1);
	/* The last line needs no line end. */
	robots_finish(r);
	CHECK_INT(robots_allowed(r, "/b"), 0);
	/* Bytes after the end change nothing. */
	CHECK_INT(robots_feed(r, "\nDisallow: /c\n", 14), 0);
	CHECK_INT(robots_allowed(r, "/c"), 1);
	robots_free(r);
}

static void
test_status(void)
{
	static const struct {
		long status;
		int  want;
	} st[] = { { 401, 1 }, { 403, 1 }, { 404, 1 }, { 410, 1 }, { 429, 0 },
		{ 500, 0 }, { 503, 0 }, { 599, 0 }, { 0, 0 }, { 301, 0 },
		{ 100, 0 } };
	struct robots *r;
	size_t	       i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		r = robots_for_status(st[i].status);
		/* A body fed to a 4xx or 5xx robots changes nothing. */
		robots_feed(r, "User-agent: *\nDisallow: /\nAllow: /x\n", 36);
		robots_finish(r);
		CHECK_INT(robots_allowed(r, "/x"), st[i].want);
		CHECK_INT(robots_allowed(r, "/robots.txt"), 1);
		CHECK(robots_crawl_delay(r) < 0);
		robots_free(r);
	}
	r = robots_for_status(200);
	robots_feed(r, "User-agent: *\nDisallow: /\n", 26);
	robots_finish(r);
	CHECK_INT(robots_allowed(r, "/x"), 0);
	robots_free(r);
	r = robots_allow_all();
	CHECK_INT(robots_allowed(r, "/x"), 1);
	robots_free(r);
	r = robots_deny_all();
	CHECK_INT(robots_allowed(r, "/x"), 0);
	CHECK_INT(robots_allowed(r, "/robots.txt"), 1);
	robots_free(r);
}

/* Past CRAWL_ROBOTS_MAX bytes nothing counts, not even a cut line. */
static void
test_size_limit(void)
{
	const char    *head = "User-agent: *\nDisallow: /a\n";
	size_t	       n = CRAWL_ROBOTS_MAX + 100, hl = strlen(head);
	char	      *big = malloc(n);
	struct robots *r;

	memset(big, '\n', n);
	memcpy(big, head, hl);
	/* A rule that starts before the limit and ends after it. */
	memcpy(big + CRAWL_ROBOTS_MAX - 12, "Disallow: /bcdef\n", 17);
	/* A rule wholly after it. */
	memcpy(big + CRAWL_ROBOTS_MAX + 20, "Disallow: /c\n", 13);
	r = parse(big, n, 0);
	CHECK_INT(robots_allowed(r, "/a"), 0);
	CHECK_INT(robots_allowed(r, "/b"), 1);
	CHECK_INT(robots_allowed(r, "/c"), 1);
	robots_free(r);
	/* The same in chunks. */
	r = robots_new();
	robots_feed(r, big, CRAWL_ROBOTS_MAX - 5);
	robots_feed(r, big + CRAWL_ROBOTS_MAX - 5, 105);
	robots_finish(r);
	CHECK_INT(robots_allowed(r, "/a"), 0);
	CHECK_INT(robots_allowed(r, "/b"), 1);
	CHECK_INT(robots_allowed(r, "/c"), 1);
	robots_free(r);
	free(big);
}

/* A line longer than ROBOTS_LINE_MAX is ignored, the next one is not. */
static void
test_long_line(void)
{
	size_t	       n = ROBOTS_LINE_MAX + 100;
	char	      *big = malloc(n + 64);
	struct robots *r;

	memcpy(big, "User-agent: *\nDisallow: /", 25);
	memset(big + 25, 'x', n - 25);
	memcpy(big + n, "\nDisallow: /y\n", 15);
	r = parse(big, strlen(big), 0);
	CHECK_INT(robots_allowed(r, "/x"), 1);
	CHECK_INT(robots_allowed(r, "/y"), 0);
	robots_free(r);
	free(big);
}

/* Rules past ROBOTS_MAX_RULES are dropped, so memory stays bounded. */
static void
test_rule_cap(void)
{
	struct robots *r = robots_new();
	char	       line[64];
	int	       i, n;

	robots_feed(r, "User-agent: *\n", 14);
	for (i = 0; i < ROBOTS_MAX_RULES + 10; i++) {
		n = snprintf(line, sizeof(line), "Disallow: /r%d$\n", i);
		robots_feed(r, line, (size_t)n);
	}
	robots_finish(r);
	CHECK_INT(robots_allowed(r, "/r0"), 0);
	CHECK_INT(robots_allowed(r, "/r9999"), 0);
	CHECK_INT(robots_allowed(r, "/r10000"), 1);
	robots_free(r);
}

static double
delay_of(const char *txt)
{
	struct robots *r = parse(txt, strlen(txt), 0);
	double	       d = robots_crawl_delay(r);

	robots_free(r);
	return d;
}

static void
test_crawl_delay(void)
{
	CHECK(delay_of("User-agent: *\nDisallow: /\n") < 0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: 2\n") == 2.0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: 0.5\n") == 0.5);
	CHECK(delay_of("User-agent: *\ncrawl-DELAY: .25\n") == 0.25);
	CHECK(delay_of("User-agent: *\nCrawl-delay: 3.\n") == 3.0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: 1e3\n") < 0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: -1\n") < 0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: ten\n") < 0);
	CHECK(delay_of("User-agent: *\nCrawl-delay:\n") < 0);
	CHECK(delay_of("User-agent: *\nCrawl-delay: 99999999999\n") == 86400);
	/* Ours, not "*"'s; the largest of ours. */
	CHECK(delay_of("User-agent: *\nCrawl-delay: 9\nUser-agent: afetch\n"
		       "Crawl-delay: 1\n") == 1.0);
	CHECK(delay_of(
		  "User-agent: afetch\nCrawl-delay: 1\nUser-agent: x\n"
		  "Disallow: /\nUser-agent: afetch\nCrawl-delay: 4\n") == 4.0);
	CHECK(delay_of("User-agent: other\nCrawl-delay: 7\n") < 0);
	/* Before any group: belongs to none. */
	CHECK(delay_of("Crawl-delay: 7\nUser-agent: *\nDisallow: /x\n") < 0);
}

static void
test_sitemaps(void)
{
	const char	  *txt = "Sitemap: http://example.com/s1.xml\n"
				 "User-agent: other\nDisallow: /\n"
				 "SITEMAP:https://example.com/s2.xml.gz\n"
				 "Sitemap: /relative.xml\n"
				 "Sitemap: ftp://example.com/s.xml\n"
				 "Sitemap: http://example.com/s1.xml\n"
				 "Sitemap:\n";
	struct robots	  *r = parse(txt, strlen(txt), 1);
	const char *const *v;
	size_t		   n;

	v = robots_sitemaps(r, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0], "http://example.com/s1.xml");
		CHECK_STR(v[1], "https://example.com/s2.xml.gz");
	}
	robots_free(r);
	r = robots_deny_all();
	robots_sitemaps(r, &n);
	CHECK_INT(n, 0);
	robots_free(r);
}

/* A NUL byte is data, not the end of the file. */
static void
test_nul(void)
{
	static const char txt[] =
	    "User-agent: *\nDisallow: /a\0b\nDisallow: /c\n";
	struct robots *r = parse(txt, sizeof(txt) - 1, 0);

	CHECK_INT(robots_allowed(r, "/a"), 1);
	CHECK_INT(robots_allowed(r, "/a%00b"), 0);
	CHECK_INT(robots_allowed(r, "/c"), 0);
	robots_free(r);
}

int
main(void)
{
	RUN(test_match_cases);
	RUN(test_incremental);
	RUN(test_status);
	RUN(test_size_limit);
	RUN(test_long_line);
	RUN(test_rule_cap);
	RUN(test_crawl_delay);
	RUN(test_sitemaps);
	RUN(test_nul);
	return harness_result();
}
