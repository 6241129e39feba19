/* Unit tests for url. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "harness.h"
#include "url.h"

HARNESS_MAIN;

/*
 * Runs url_normalise on the n bytes at s and checks the result; want_out
 * and want_host are for URL_OK only. Checks that the outputs are NULL and
 * a reason is given otherwise.
 */
static void
norm(const char *s, size_t n, enum url_result want, const char *want_out,
    const char *want_host)
{
	char	       *out = (char *)1, *host = (char *)1;
	const char     *why = NULL;
	enum url_result r;

	r = url_normalise(s, n, &out, &host, &why);
	CHECK_INT(r, want);
	if (r == URL_OK) {
		CHECK_STR(out, want_out);
		CHECK_STR(host, want_host);
	} else {
		CHECK(out == NULL);
		CHECK(host == NULL);
		CHECK(why != NULL && why[0] != '\0');
	}
	if (r != want)
		fprintf(stderr, "\t(\"%.60s\": %s)\n", s, why ? why : "-");
	free(out);
	free(host);
}

#define OK(lit, out, host) norm(lit, sizeof(lit) - 1, URL_OK, out, host)
#define INVALID(lit)	   norm(lit, sizeof(lit) - 1, URL_INVALID, 0, 0)
#define SCHEME(lit)	   norm(lit, sizeof(lit) - 1, URL_UNSUPPORTED_SCHEME, 0, 0)

static void
test_ok(void)
{
	OK("http://example.com/", "http://example.com/", "example.com");
	OK("https://example.com", "https://example.com", "example.com");
	/* Any case; the URL is kept as written, only the host lower-cased. */
	OK("HTTP://Example.COM:8080/a", "HTTP://Example.COM:8080/a",
	    "example.com");
	OK("hTTpS://A.b/", "hTTpS://A.b/", "a.b");
	OK("https://[::1]:8443/", "https://[::1]:8443/", "::1");
	OK("http://[::FFFF:1.2.3.4]/", "http://[::FFFF:1.2.3.4]/",
	    "::ffff:1.2.3.4");
	OK("http://user:pw@h:1/p?q#f", "http://user:pw@h:1/p?q#f", "h");
	/* libcurl does not re-encode: these are requested as written. */
	OK("http://a/%zz", "http://a/%zz", "a");
	OK("http://a/{}|^`\"<>", "http://a/{}|^`\"<>", "a");
	/* Non-ASCII bytes are left alone, in the host too. */
	OK("http://ex\xc3\xa4mple.com/\xff", "http://ex\xc3\xa4mple.com/\xff",
	    "ex\xc3\xa4mple.com");
}

static void
test_schemeless(void)
{
	OK("example.com/x", "http://example.com/x", "example.com");
	OK("localhost:8080/x", "http://localhost:8080/x", "localhost");
	OK("localhost", "http://localhost", "localhost");
	OK("127.0.0.1:9", "http://127.0.0.1:9", "127.0.0.1");
	OK("[::1]:80/", "http://[::1]:80/", "::1");
	/*
	 * No "://", so no scheme: these become userinfo, ports or host
	 * names of an http URL. Odd, but defined and harmless.
	 */
	OK("mailto:a@b", "http://mailto:a@b", "b");
	OK("http:/x", "http://http:/x", "http");
	INVALID("javascript:alert(1)"); /* "alert(1)" is no port */
	/* A scheme starts with a letter, so this is a host and a port. */
	OK("1abc://x", "http://1abc://x", "1abc");
	INVALID("://x");
	INVALID("");
}

static void
test_unsupported(void)
{
	SCHEME("ftp://x");
	SCHEME("FTP://example.com/");
	SCHEME("file:///etc/passwd");
	SCHEME("javascript://");
	SCHEME("gopher://a/");
	SCHEME("httpx://a/");
	SCHEME("http+unix://a/");
	SCHEME("x+y.z-1://a");
	SCHEME("https2://a");
	SCHEME("htt://a");
	/* The scheme is refused before anything else is looked at. */
	SCHEME("ftp://");
	SCHEME("ws://[::1");
}

static void
test_invalid(void)
{
	INVALID("http://");
	INVALID("https://");
	INVALID("http://:80/");
	INVALID("http://@/");
	INVALID("http://a:99999/");
	INVALID("http://a:b:c/");
	INVALID("http://[::1");
	INVALID("http://a@b@c/");
	INVALID("http://a\\b/");
	INVALID("http://a b");
	INVALID("http://a/?q=1 2");
	INVALID(" http://a/");
	INVALID("http://a/\t");
	INVALID("http://a/\x7f");
	INVALID("http://a/\x01");
	INVALID("http://a/\r");
	INVALID("example.com/\n");
	/* A NUL anywhere, and nothing after it is ignored. */
	INVALID("http://a/\0b");
	INVALID("\0http://a/");
	INVALID("ftp://a/\0");
}

static void
test_long(void)
{
	const size_t n = 100 * 1024;
	char	    *s, *out, *host;
	const char  *why;

	if ((s = malloc(n + 1)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	memcpy(s, "http://h/", 9);
	memset(s + 9, 'p', n - 9);
	s[n] = '\0';
	CHECK_INT(url_normalise(s, n, &out, &host, &why), URL_OK);
	CHECK(out != NULL && strlen(out) == n && memcmp(out, s, n) == 0);
	CHECK_STR(host, "h");
	free(out);
	free(host);

	/* Scheme-less too; only len bytes count, no NUL is needed. */
	s[n - 1] = 'z';
	CHECK_INT(url_normalise(s + 7, n - 8, &out, NULL, NULL), URL_OK);
	CHECK(out != NULL && strlen(out) == n - 1 &&
	    memcmp(out, "http://h/", 9) == 0 && out[n - 2] == 'p');
	free(out);
	free(s);
}

static void
test_optional_outputs(void)
{
	char *out;

	/* host and why may be NULL. */
	CHECK_INT(url_normalise("a.b", 3, &out, NULL, NULL), URL_OK);
	CHECK_STR(out, "http://a.b");
	free(out);
	CHECK_INT(url_normalise("ftp://a", 7, &out, NULL, NULL),
	    URL_UNSUPPORTED_SCHEME);
	CHECK(out == NULL);
	CHECK_INT(url_normalise("http://", 7, &out, NULL, NULL), URL_INVALID);
	CHECK(out == NULL);
}

static void
test_scheme_allowed(void)
{
	CHECK_INT(url_scheme_allowed("http://a/"), 1);
	CHECK_INT(url_scheme_allowed("https://a/"), 1);
	CHECK_INT(url_scheme_allowed("HTTP://a/"), 1);
	CHECK_INT(url_scheme_allowed("HttpS://a/"), 1);
	CHECK_INT(url_scheme_allowed("http:a"), 1);
	CHECK_INT(url_scheme_allowed("ftp://a/"), 0);
	CHECK_INT(url_scheme_allowed("file:///etc/passwd"), 0);
	CHECK_INT(url_scheme_allowed("javascript:alert(1)"), 0);
	CHECK_INT(url_scheme_allowed("mailto:a@b"), 0);
	CHECK_INT(url_scheme_allowed("httpx://a"), 0);
	CHECK_INT(url_scheme_allowed("htt://a"), 0);
	CHECK_INT(url_scheme_allowed("localhost:8080/x"), 0);
	CHECK_INT(url_scheme_allowed("/relative/path"), 0);
	CHECK_INT(url_scheme_allowed("//host/path"), 0);
	CHECK_INT(url_scheme_allowed("relative"), 0);
	CHECK_INT(url_scheme_allowed("http"), 0);
	CHECK_INT(url_scheme_allowed(" http://a"), 0);
	CHECK_INT(url_scheme_allowed(""), 0);
}

int
main(void)
{
	/* The URL API needs no global init; done anyway, as afetch does. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	RUN(test_ok);
	RUN(test_schemeless);
	RUN(test_unsupported);
	RUN(test_invalid);
	RUN(test_long);
	RUN(test_optional_outputs);
	RUN(test_scheme_allowed);
	curl_global_cleanup();
	return harness_result();
}
