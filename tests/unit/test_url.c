/* Unit tests for url. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../common/strgen.h"
#include "../common/url_reference.h"
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
		/* An unexpected URL_OK has no strings to compare with. */
		if (want == URL_OK) {
			CHECK_STR(out, want_out);
			CHECK_STR(host, want_host);
		}
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

/* Prints the n bytes at s with bytes outside printable ASCII escaped. */
static void
print_escaped(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 120; i++)
		if ((unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f)
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", (unsigned char)s[i]);
	fprintf(stderr, n > 120 ? "... (%zu bytes)\n" : "\n", n);
}

/*
 * Checks that url_normalise agrees exactly with the reference on the n
 * bytes at s: the result, *out and *host. Returns 1 when libcurl accepts
 * the URL, so that callers can check they covered both outcomes.
 */
static int
agree(const char *s, size_t n)
{
	char	       *out, *host, *rout, *rhost;
	const char     *why = NULL;
	enum url_result r, want;
	int		before = harness_failures;

	want = url_reference(s, n, &rout, &rhost);
	r = url_normalise(s, n, &out, &host, &why);
	CHECK_INT(r, want);
	if (r == URL_OK && want == URL_OK) {
		CHECK(out != NULL && strlen(out) == strlen(rout) &&
		    strcmp(out, rout) == 0);
		CHECK_STR(host, rhost);
	} else if (r != URL_OK) {
		CHECK(out == NULL && host == NULL);
		CHECK(why != NULL && why[0] != '\0');
	}
	if (harness_failures != before) {
		fprintf(stderr, "\tfor ");
		print_escaped(s, n);
	}
	free(out);
	free(host);
	free(rout);
	free(rhost);
	return want == URL_OK;
}

/*
 * The edges of the fast path's shape, each side of each edge; whichever
 * path takes them, the answers must be libcurl's.
 */
static void
test_agree_table(void)
{
	static const char *const urls[] = {
		/* The common shape, any case. */
		"http://example.com/",
		"https://example.com",
		"HTTP://EXAMPLE.COM/",
		"hTTpS://Example.Com:8443/a/b?c=d#e",
		"http://a",
		"http://A",
		"http://a.b.c.d.e.f.g/",
		"http://xn--p1ai/",
		"http://a-b.c-d/",
		"http://localhost:8080/p/1",
		"example.com",
		"Example.COM:1/x",
		/* Labels: empty, trailing dots, a leading "-" or ".". */
		"http://a..b/",
		"http://a./",
		"http://a.b./",
		"http://.a/",
		"http://./",
		"http://../",
		"http://-a/",
		"http://a-/",
		"http://-/",
		"http://a.-b/",
		"http://_a/",
		"http://a_b/",
		"http://a~b/",
		"http://a!b/",
		"http://a$b/",
		"http://a*b/",
		"http://a=b/",
		"http://a;b/",
		"http://a,b/",
		"http://a+b/",
		"http://a&b/",
		"http://a(b)/",
		"http://a'b/",
		"http://a\"b/",
		"http://a<b>/",
		"http://a^b/",
		"http://a`b/",
		"http://a{b}/",
		"http://a|b/",
		"http://a\\b/",
		"http://a\\/",
		"http://\\a/",
		/* Ports. */
		"http://h:/",
		"http://h:",
		"http://h:?q",
		"http://h:#f",
		"http://h:0/",
		"http://h:1/",
		"http://h:01/",
		"http://h:080/",
		"http://h:80/",
		"http://h:65535/",
		"http://h:65536/",
		"http://h:99999/",
		"http://h:100000/",
		"http://h:000000001/",
		"http://h:4294967297/",
		"http://h:18446744073709551617/",
		"http://h:8a/",
		"http://h:-1/",
		"http://h:+1/",
		"http://h::1/",
		"http://h:1:2/",
		"http://h:0x50/",
		"http://:80/",
		"http://:/",
		"h:",
		"h:0",
		"h:80",
		"h:65536",
		/* Numeric hosts in each form libcurl knows; near misses. */
		"http://127.0.0.1/",
		"http://127.0.0.1:8080/p",
		"http://0.0.0.0/",
		"http://255.255.255.255/",
		"http://256.1.1.1/",
		"http://1.256.1.1/",
		"http://1.1.1.256/",
		"http://1.2.3/",
		"http://1.2/",
		"http://1/",
		"http://0/",
		"http://00/",
		"http://127.1/",
		"http://0x7f.1/",
		"http://0X7F.0.0.1/",
		"http://2130706433/",
		"http://0177.0.0.1/",
		"http://01.2.3.4/",
		"http://1.2.3.04/",
		"http://1.2.3.4./",
		"http://1.2.3.4.5/",
		"http://1.2.3.4x/",
		"http://1.2.3.x/",
		"http://x.1.2.3/",
		"http://1e100.net/",
		"http://1a/",
		"http://0x/",
		"http://0x1g/",
		"http://4294967295/",
		"http://4294967296/",
		"http://99999999999999999999/",
		"http://1..2/",
		"http://1.2..3.4/",
		"http://.1.2.3.4/",
		"http://1.2.3.-4/",
		"http://1-2.3.4.5/",
		"http://1.2.3.4:80/",
		"127.0.0.1",
		"127.1:80",
		/* Userinfo. */
		"http://u@h/",
		"http://u:p@h/",
		"http://@h/",
		"http://:@h/",
		"http://u@/",
		"http://a@b@c/",
		"http://u:p@127.1/",
		"http://u;o@h/",
		"mailto:a@b",
		/* IPv6, with and without zone id. */
		"http://[::1]/",
		"http://[::1]:8080/",
		"http://[::FFFF:1.2.3.4]/",
		"http://[0:0:0:0:0:0:0:1]/",
		"http://[fe80::1%25eth0]/",
		"http://[fe80::1%eth0]/",
		"http://[fe80::1%25]/",
		"http://[::1",
		"http://[]/",
		"http://[::1]x/",
		"http://[1.2.3.4]/",
		"http://[::1]:/",
		"http://[::1]:99999/",
		"[::1]",
		"http://::1/",
		/* Percent-encoded and UTF-8 hosts. */
		"http://%61/",
		"http://a%2eb/",
		"http://%41.b/",
		"http://%/",
		"http://%zz/",
		"http://%00/",
		"http://%20/",
		"http://a%/",
		"http://ex\xc3\xa4mple.com/",
		"http://\xc3\x84.b/",
		"http://\xff/",
		"http://a\x80/",
		"http://xn--mnchen-3ya.de/",
		/* What follows the authority. */
		"http://h?q",
		"http://h#f",
		"http://h?",
		"http://h#",
		"http://h/?#",
		"http://h?q#f/a",
		"http://h#f?q",
		"http://h/a?b#c",
		"http://h/\xc3\xa4\xff",
		"http://h/a\\b",
		"http://h\\a",
		"http://h/%zz",
		"http://h/{}|^`\"<>",
		"http://h/../..",
		"http://h/./a/../b",
		"http://h//x",
		"http://h/@:[]",
		"http://h?@",
		"http://h#@[",
		"http://h:80?q",
		"http://h:80#f",
		/* Slashes and schemes. */
		"http:/x",
		"http:///x",
		"http:////x",
		"https:x",
		"http:",
		"http://",
		"https://",
		"//h/x",
		"///x",
		"http://http://x/",
		"1abc://x",
		"h/x://y",
		"HTTPS://H:443",
	};
	size_t i;
	int    ok = 0;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		ok += agree(urls[i], strlen(urls[i]));
	/* Both outcomes are covered. */
	CHECK(ok > 50);
	CHECK((size_t)ok < i - 20);
}

/*
 * libcurl leaves a canonical dotted quad as it is and rewrites other
 * numeric forms; the fast path relies on the first half, so every octet
 * value in every place is checked against libcurl, leading zeros too.
 */
static void
test_agree_quads(void)
{
	static const char *const odd[] = { "00", "01", "09", "010", "0255",
		"255", "256", "300", "999", "1000", "0x0", "0x10" };
	char			 buf[64];
	int			 place, v;
	size_t			 k;

	for (place = 0; place < 4; place++) {
		for (v = 0; v <= 300; v++) {
			snprintf(buf, sizeof(buf), "http://%d.%d.%d.%d/",
			    place == 0 ? v : 10, place == 1 ? v : 20,
			    place == 2 ? v : 30, place == 3 ? v : 40);
			agree(buf, strlen(buf));
		}
		for (k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
			snprintf(buf, sizeof(buf), "http://%s.%s.%s.%s:81/",
			    place == 0 ? odd[k] : "1",
			    place == 1 ? odd[k] : "2",
			    place == 2 ? odd[k] : "3",
			    place == 3 ? odd[k] : "4");
			agree(buf, strlen(buf));
		}
	}
}

/* Ports around each edge: leading zeros, 0, 65535, 65536, five digits. */
static void
test_agree_ports(void)
{
	char buf[64];
	long p;

	for (p = 0; p <= 1100; p++) {
		snprintf(buf, sizeof(buf), "http://h:%ld/", p);
		agree(buf, strlen(buf));
		snprintf(buf, sizeof(buf), "http://h:0%ld", p);
		agree(buf, strlen(buf));
	}
	for (p = 65000; p <= 66000; p++) {
		snprintf(buf, sizeof(buf), "https://h.example:%ld?q", p);
		agree(buf, strlen(buf));
	}
	for (p = 99990; p <= 100010; p++) {
		snprintf(buf, sizeof(buf), "http://h:%ld#f", p);
		agree(buf, strlen(buf));
	}
}

/*
 * Long hosts, and URLs at libcurl's length limit: the fast path must give
 * way to libcurl's refusal just past it.
 */
static void
test_agree_long(void)
{
	static const size_t hosts[] = { 63, 64, 253, 254, 255, 256, 1000, 65536,
		100000 };
	static const size_t totals[] = { 7999999, 8000000, 8000001, 8000002 };
	char		   *s;
	size_t		    k, n;
	const size_t	    cap = 8000100;

	if ((s = malloc(cap)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	for (k = 0; k < sizeof(hosts) / sizeof(hosts[0]); k++) {
		n = hosts[k];
		memcpy(s, "http://", 7);
		memset(s + 7, 'A', n);
		s[7 + n / 2] = '.';
		memcpy(s + 7 + n, "/x", 2);
		CHECK(agree(s, n + 9));
	}
	for (k = 0; k < sizeof(totals) / sizeof(totals[0]); k++) {
		n = totals[k];
		/* In the fast path's shape: a short host, a long path. */
		memcpy(s, "http://h/", 9);
		memset(s + 9, 'p', n - 9);
		CHECK_INT(agree(s, n), n <= 8000000);
		/* Scheme-less: http:// makes it 7 bytes longer. */
		CHECK_INT(agree(s + 7, n - 7), n <= 8000000);
		/* A long host. */
		memcpy(s, "http://", 7);
		memset(s + 7, 'h', n - 8);
		s[n - 1] = '/';
		CHECK_INT(agree(s, n), n <= 8000000);
	}
	free(s);
}

/* One part in five is drawn from the odd ones. */
#define ODD(st) (next_rand(st, 5) == 0)

/*
 * Thousands of URLs built from fragments, mostly of the fast path's shape
 * and now and then not, a third of them then mutated a byte or three
 * anywhere, each compared with libcurl. The seed is fixed, so a failure
 * repeats.
 */
static void
test_agree_random(void)
{
	/* Each part of a URL: the fast path's shape, and what is not. */
	static const char *const schemes[] = { "http://", "https://", "HTTP://",
		"hTTpS://", "" };
	static const char *const odd_schemes[] = { "http:/", "http:///",
		"https:////", "http:", "//" };
	static const char *const odd_userinfo[] = { "u@", "u:p@", "@", ":@",
		"a@b@", "u%40@" };
	static const char *const labels[] = { "a", "b", "example", "com", "B",
		"WWW", "xn--p1ai", "-a", "a-", "-", "a-b", "0", "1", "9", "10",
		"127", "255", "localhost", "LocalHost", "1a", "a1", "ffff",
		"1e3", "0x" };
	static const char *const odd_labels[] = { "00", "01", "08", "010",
		"256", "999", "0x7f", "0X1F", "4294967295", "4294967296", "_a",
		"a_b", "%61", "%2e", "%", "\xc3\xa4", "\xff", "0177", "",
		"12345678901", "a!", "a~", "[::1]", "[::FFFF:1.2.3.4]",
		"[fe80::1%25eth0]", "[fe80::1%eth0]", "[::1", "[]", "[v1.x]" };
	static const char *const ports[] = { "", "", "", ":1", ":80", ":443",
		":8080", ":65535" };
	static const char *const odd_ports[] = { ":", ":0", ":080", ":65536",
		":99999", ":123456", ":00001", ":8a", ":-1", ":+1",
		"::", ":1:2" };
	static const char *const rests[] = { "", "", "/", "/p/1", "?q=1", "#f",
		"/a?b#c", "/a\\b", "\\", "/\xc3\xa4", "/%zz", "//x", "/../a",
		"?", "#", "/@", "/:", "?@[]", "#:80" };
	static const char alphabet[] = "aZ09-.:@[]%/?#\\_~!$&'()*+,;=\"x\x80"
				       "\xc3\xff";
	unsigned	  state = 0x2545f491u;
	char		  buf[256];
	size_t		  n;
	int		  i, k, labs, ok = 0;

	for (i = 0; i < 8000; i++) {
		n = append(buf, sizeof(buf), 0,
		    ODD(&state) ? PICK(&state, odd_schemes)
				: PICK(&state, schemes));
		if (ODD(&state))
			n = append(
			    buf, sizeof(buf), n, PICK(&state, odd_userinfo));
		for (k = 0, labs = 1 + (int)next_rand(&state, 4); k < labs;
		     k++) {
			if (k > 0)
				n = append(buf, sizeof(buf), n, ".");
			n = append(buf, sizeof(buf), n,
			    ODD(&state) ? PICK(&state, odd_labels)
					: PICK(&state, labels));
		}
		if (ODD(&state))
			n = append(buf, sizeof(buf), n, ".");
		n = append(buf, sizeof(buf), n,
		    ODD(&state) ? PICK(&state, odd_ports)
				: PICK(&state, ports));
		n = append(buf, sizeof(buf), n, PICK(&state, rests));

		/* Insert, replace or delete a byte anywhere. */
		n = mutate(buf, sizeof(buf), n, &state, alphabet,
		    sizeof(alphabet) - 1);
		ok += agree(buf, n);
	}
	/* The fragments reach both sides of libcurl's verdict, often. */
	CHECK(ok > 2000);
	CHECK(ok < 7000);
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
	RUN(test_agree_table);
	RUN(test_agree_quads);
	RUN(test_agree_ports);
	RUN(test_agree_long);
	RUN(test_agree_random);
	curl_global_cleanup();
	return harness_result();
}
