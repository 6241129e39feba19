/* Unit tests for scope: --scope kinds, --include and --exclude. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scope.h"
#include "url.h"

HARNESS_MAIN;

struct scase {
	const char *seed;
	const char *link;
	int	    want;
};

/* Runs cases for one kind, checking each link against its seed's key. */
static void
run(enum scope_kind kind, const struct scase *c, size_t n)
{
	const char   *why = NULL;
	struct scope *s = scope_new(kind, &why);
	char	     *key;
	size_t	      i;
	int	      got;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (i = 0; i < n; i++) {
		key = scope_seed_key(s, c[i].seed, &why);
		CHECK(key != NULL);
		if (key == NULL)
			continue;
		got = scope_in(s, key, c[i].link);
		CHECK_INT(got, c[i].want);
		if (got != c[i].want)
			fprintf(stderr, "\tkind %d: %s (key %s) -> %s\n", kind,
			    c[i].seed, key, c[i].link);
		free(key);
	}
	scope_free(s);
}

#define RUN_CASES(kind, arr) run(kind, arr, sizeof(arr) / sizeof(arr[0]))

static void
test_host(void)
{
	static const struct scase c[] = {
		{ "http://example.com/", "http://example.com/a", 1 },
		{ "http://example.com/", "https://example.com/a", 1 },
		{ "http://example.com/", "http://example.com:8080/a", 1 },
		{ "http://Example.COM/", "http://example.com/a", 1 },
		{ "example.com", "http://example.com/a", 1 },
		{ "http://example.com/", "http://www.example.com/a", 0 },
		{ "http://www.example.com/", "http://example.com/a", 0 },
		{ "http://example.com/", "http://example.org/a", 0 },
		{ "http://example.com/", "http://example.com.evil.org/", 0 },
		{ "http://127.0.0.1:8080/", "http://127.0.0.1:9090/x", 1 },
		{ "http://127.0.0.1/", "http://127.0.0.2/x", 0 },
		{ "http://[::1]:8080/", "http://[::1]/x", 1 },
		{ "http://localhost:1/", "http://localhost:2/", 1 },
		{ "http://localhost/", "http://localhost.localdomain/", 0 },
		{ "http://b\xc3\xbc"
		  "cher.de/",
		    "http://xn--bcher-kva.de/x", 1 },
		{ "http://example.com/", "not a url", 0 },
	};

	RUN_CASES(SCOPE_HOST, c);
}

static void
test_domain(void)
{
	static const struct scase c[] = {
		{ "http://example.com/", "http://www.example.com/a", 1 },
		{ "http://www.example.com/", "http://a.b.example.com/a", 1 },
		{ "http://www.example.com/", "https://example.com:8443/a", 1 },
		{ "http://example.com/", "http://example.org/", 0 },
		{ "http://example.com/", "http://badexample.com/", 0 },
		/* co.uk is a public suffix: its children are domains. */
		{ "http://www.bbc.co.uk/", "http://news.bbc.co.uk/", 1 },
		{ "http://bbc.co.uk/", "http://itv.co.uk/", 0 },
		{ "http://co.uk/", "http://bbc.co.uk/", 0 },
		/* The private section counts: github.io sites are their own. */
		{ "https://a.github.io/", "https://b.github.io/", 0 },
		{ "https://a.github.io/", "https://x.a.github.io/", 1 },
		{ "https://github.io/", "https://a.github.io/", 0 },
		{ "https://github.com/", "https://gist.github.com/", 1 },
		/* IP literals and single labels are their own domain. */
		{ "http://127.0.0.1/", "http://127.0.0.1:81/", 1 },
		{ "http://127.0.0.1/", "http://127.0.0.2/", 0 },
		{ "http://10.1.2.3/", "http://10.1.2.4/", 0 },
		{ "http://[::1]/", "http://[::1]:8080/", 1 },
		{ "http://[::1]/", "http://[::2]/", 0 },
		{ "http://localhost/", "http://localhost:8080/", 1 },
		{ "http://localhost/", "http://a.localhost/", 0 },
		{ "http://intranet/", "http://intranet2/", 0 },
		/* A trailing dot names the same domain. */
		{ "http://example.com./", "http://www.example.com/", 1 },
	};

	RUN_CASES(SCOPE_DOMAIN, c);
}

static void
test_prefix(void)
{
	static const struct scase c[] = {
		{ "http://example.com/docs/index.html",
		    "http://example.com/docs/a", 1 },
		{ "http://example.com/docs/index.html",
		    "http://example.com/docs/sub/b", 1 },
		{ "http://example.com/docs/index.html",
		    "http://example.com/docs", 0 },
		{ "http://example.com/docs/index.html",
		    "http://example.com/doc/", 0 },
		{ "http://example.com/docs/index.html", "http://example.com/",
		    0 },
		{ "http://example.com/docs/", "http://example.com/docs/", 1 },
		{ "http://example.com/docs", "http://example.com/other", 1 },
		{ "http://example.com", "http://example.com/x", 1 },
		{ "http://example.com/docs/?a=/b/", "http://example.com/docs/x",
		    1 },
		/* Scheme, host and port are part of the prefix. */
		{ "http://example.com/docs/", "https://example.com/docs/a", 0 },
		{ "http://example.com/docs/", "http://example.com:8080/docs/a",
		    0 },
		{ "http://example.com:80/docs/", "http://example.com/docs/a",
		    1 },
		{ "http://example.com/docs/", "http://www.example.com/docs/a",
		    0 },
		{ "http://example.com/", "http://example.com.evil.org/", 0 },
		/* The seed is normalised as the links are. */
		{ "HTTP://Example.com/%7Eme/./x", "http://example.com/~me/y",
		    1 },
	};

	RUN_CASES(SCOPE_PREFIX, c);
}

static void
test_any(void)
{
	static const struct scase c[] = {
		{ "http://example.com/", "http://example.org/", 1 },
		{ "http://example.com/a/", "https://x.y/", 1 },
	};

	RUN_CASES(SCOPE_ANY, c);
}

static void
test_regex(void)
{
	const char   *why;
	struct scope *s = scope_new(SCOPE_ANY, &why);
	char	      err[128], *key = scope_seed_key(s, "http://e.com/", &why);

	/* No lists: all in. */
	CHECK_INT(scope_in(s, key, "http://e.com/a.pdf"), 1);
	CHECK_INT(scope_exclude(s, "\\.(pdf|zip)$", err, sizeof(err)), 0);
	CHECK_INT(scope_in(s, key, "http://e.com/a.pdf"), 0);
	CHECK_INT(scope_in(s, key, "http://e.com/a.pdfx"), 1);
	/* With an include, one of them must match. */
	CHECK_INT(scope_include(s, "^https?://e\\.com/blog/", err, 128), 0);
	CHECK_INT(scope_include(s, "/news/", err, sizeof(err)), 0);
	CHECK_INT(scope_in(s, key, "http://e.com/a"), 0);
	CHECK_INT(scope_in(s, key, "http://e.com/blog/a"), 1);
	CHECK_INT(scope_in(s, key, "http://x.org/news/a"), 1);
	/* An exclude wins over an include. */
	CHECK_INT(scope_in(s, key, "http://e.com/blog/a.zip"), 0);
	/* A bad expression is refused with regerror's words. */
	err[0] = '\0';
	CHECK_INT(scope_include(s, "a(b", err, sizeof(err)), CRAWL_ERR_REGEX);
	CHECK(err[0] != '\0');
	CHECK_INT(scope_exclude(s, "[", err, sizeof(err)), CRAWL_ERR_REGEX);
	CHECK_INT(scope_in(s, key, "http://e.com/blog/a"), 1);
	free(key);
	scope_free(s);
	/* Regexes narrow the kind, they do not widen it. */
	s = scope_new(SCOPE_HOST, &why);
	key = scope_seed_key(s, "http://e.com/", &why);
	CHECK_INT(scope_include(s, "x\\.org", err, sizeof(err)), 0);
	CHECK_INT(scope_in(s, key, "http://x.org/"), 0);
	CHECK_INT(scope_in(s, key, "http://e.com/x.org"), 1);
	free(key);
	scope_free(s);
}

static void
test_kinds(void)
{
	enum scope_kind k = SCOPE_ANY;
	const char     *why = NULL;
	struct scope   *s;

	CHECK_INT(scope_kind_parse("host", &k), 0);
	CHECK_INT(k, SCOPE_HOST);
	CHECK_INT(scope_kind_parse("domain", &k), 0);
	CHECK_INT(k, SCOPE_DOMAIN);
	CHECK_INT(scope_kind_parse("prefix", &k), 0);
	CHECK_INT(k, SCOPE_PREFIX);
	CHECK_INT(scope_kind_parse("any", &k), 0);
	CHECK_INT(k, SCOPE_ANY);
	CHECK_INT(scope_kind_parse("Host", &k), CRAWL_ERR_UNKNOWN);
	CHECK_INT(scope_kind_parse("", &k), CRAWL_ERR_UNKNOWN);
	CHECK_INT(k, SCOPE_ANY);
	/* A seed afetch could not fetch has no key. */
	s = scope_new(SCOPE_HOST, &why);
	CHECK(scope_seed_key(s, "ftp://e.com/", &why) == NULL);
	CHECK(why != NULL);
	scope_free(s);
	scope_free(NULL);
}

int
main(void)
{
	url_global_init();
	RUN(test_host);
	RUN(test_domain);
	RUN(test_prefix);
	RUN(test_any);
	RUN(test_regex);
	RUN(test_kinds);
	return harness_result();
}
