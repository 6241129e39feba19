/*
 * Unit tests for urlnorm's fast path: whatever it answers, the reference
 * path through libcurl (urlnorm_resolve_curl, urlnorm_curl) answers the
 * same, over edge cases and thousands of generated links; and it does
 * answer the common links of a crawl, or it would prove nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../common/strgen.h"
#include "harness.h"
#include "url.h"
#include "urlnorm.h"
#include "urlnorm_int.h"

HARNESS_MAIN;

static int taken, left;

static void
print_escaped(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

/*
 * The fast path against the reference for one base and link; returns 1
 * when the fast path answered.
 */
static int
agree(const char *base, const char *link, size_t n)
{
	char	   *fast = NULL, *ref;
	const char *why = NULL;
	int	    before = harness_failures, took;

	took = urlnorm_fast_resolve(base, link, n, &fast);
	if (!took) {
		left++;
		return 0;
	}
	taken++;
	ref = urlnorm_resolve_curl(base, link, n, &why);
	CHECK(fast != NULL && ref != NULL && strcmp(fast, ref) == 0);
	/* What it gives is normal, and it says so. */
	CHECK(fast == NULL || urlnorm_fast_is_normal(fast, strlen(fast)));
	if (harness_failures != before) {
		fprintf(stderr, "\tbase \"%s\" link \"", base);
		print_escaped(link, n);
		fprintf(stderr, "\": fast %s, libcurl %s (%s)\n",
		    fast ? fast : "NULL", ref ? ref : "NULL", why ? why : "-");
	}
	free(fast);
	free(ref);
	return 1;
}

/*
 * A URL the fast path calls normal is one libcurl's path gives back
 * unchanged; and urlnorm_host's span is libcurl's host.
 */
static void
agree_normal(const char *url, size_t n)
{
	char	   *s, *ref, *host = NULL;
	const char *span;
	size_t	    len;
	CURLU	   *h;
	int	    before = harness_failures;

	if ((s = strndup(url, n)) == NULL)
		return;
	if (urlnorm_fast_is_normal(s, n)) {
		ref = urlnorm_curl(s, NULL);
		CHECK(ref != NULL && strcmp(ref, s) == 0);
		free(ref);
	}
	if (urlnorm_host(s, &span, &len)) {
		h = curl_url();
		CHECK(h != NULL);
		if (h != NULL &&
		    curl_url_set(h, CURLUPART_URL, s, 0) == CURLUE_OK &&
		    curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
			CHECK(strlen(host) == len &&
			    strncmp(host, span, len) == 0);
		} else if (urlnorm_fast_is_normal(s, n)) {
			CHECK(!"libcurl refused a normal URL");
		}
		curl_free(host);
		curl_url_cleanup(h);
	}
	if (harness_failures != before) {
		fprintf(stderr, "\tfor \"");
		print_escaped(url, n);
		fprintf(stderr, "\"\n");
	}
	free(s);
}

static const char *const bases[] = {
	"http://www.site.test/site/n20000b10c3/p/5",
	"https://example.com/a/b/c?q=1",
	"http://a.b/",
	"http://x.y:8080/dir/",
	"https://h.com:8443/a/b/",
	"http://h.com/a%20b/c%2F?x=%3D&y=~",
	"http://h-1.x2.com/;p/q;r/s?a?b",
	"http://h.com/a//b/",
	"http://xn--bcher-kva.de/x",
	/* Not normal, or not the plain shape: never the fast path. */
	"HTTP://A.B/",
	"http://A.b/",
	"http://127.0.0.1/x",
	"http://h.com:80/",
	"https://h.com:443/",
	"http://h.com",
	"http://h.com/./a",
	"http://h.com/a/..",
	"http://h.com/a?",
	"http://h.com/%7e",
	"http://h.com/%3d",
	"http://h.com/a b",
	"http://h.com/a#f",
	"http://u@h.com/",
	"http://[::1]/",
	"http://h.com./",
	"http://h.com:0/",
	"http://h.com:08/",
	"ftp://h.com/",
	"not a url",
	"",
};

static const char *const links[] = {
	/* The generated site's links. */
	"51",
	"52",
	"/site/n20000b10c3/p/7",
	"./0",
	"http://www.site.test/site/n20000b10c3/p/0",
	/* RFC 3986 5.4's examples, and more. */
	"g",
	"./g",
	"g/",
	"/g",
	"//g",
	"?y",
	"g?y",
	"#s",
	"g#s",
	";x",
	"",
	".",
	"./",
	"..",
	"../",
	"../g",
	"../..",
	"../../g",
	"../../../g",
	"/./g",
	"/../g",
	"g.",
	".g",
	"g..",
	"..g",
	"./../g",
	"./g/.",
	"g/./h",
	"g/../h",
	"g;x=1/./y",
	"g;x=1/../y",
	"g?y/./x",
	"g?y/../x",
	"g#s/./x",
	"g#s/../x",
	"/a/b/c/./../../g",
	"a/./b/../../c/..",
	"/..",
	"/.",
	"/...",
	"/a/...",
	".../x",
	"/a/.%2e/b",
	"/a/%2e%2E/b",
	"/a/%2E/b",
	"%2e",
	"%2e%2e",
	"%2E./x",
	/* Queries. */
	"?",
	"??",
	"?a?b",
	"x?",
	"/x?",
	"?a=1&b=2",
	"?a/../b",
	"?%7e%41%3d",
	"?q#f",
	"/p?q=a b",
	"?\xc3\xa9",
	/* Hosts and ports. */
	"http://h.com",
	"http://h.com?x",
	"http://H.COM/A",
	"HTTP://h.com/",
	"HtTpS://h.com/",
	"https://h.com:443/",
	"http://h.com:80/x",
	"http://h.com:8080/",
	"http://h.com:/",
	"http://h.com:0/",
	"http://h.com:080/",
	"http://h.com:65535/",
	"http://h.com:65536/",
	"http://h.com:99999/",
	"http://1.2.3.4/",
	"http://127.1/",
	"http://0x7f.1/",
	"http://a.0x1/",
	"http://a.1/",
	"http://1a.b/",
	"http://a-.b/",
	"http://-a.b/",
	"http://a..b/",
	"http://.a/",
	"http://a./",
	"http://a_b.c/",
	"http://a~b/",
	"http://[::1]/",
	"http://u@h.com/",
	"http://u:p@h.com/",
	"http://h.com@x.com/",
	"http://xn--bcher-kva.de/",
	"http://XN--BCHER-KVA.DE/",
	"http://B\xc3\xbc"
	"cher.de/",
	"http://h%41.com/",
	"//h.com",
	"//h.com/x?y",
	"//H.com:81",
	"///x",
	"////x",
	"http:/x",
	"http:x",
	"http:",
	"http://",
	"http:///x",
	"https:h.com",
	/* Other schemes, and things that look like them. */
	"mailto:a@b.c",
	"javascript:void(0)",
	"ftp://h.com/",
	"a:b",
	"a1+.-:x",
	"1a:b",
	"./a:b",
	"_a:b",
	"data:,x",
	"tel:1",
	/* Percent-encoding, bytes to encode, whitespace, backslashes. */
	"%41%62%2D%2e%5F",
	"%7e%7E",
	"a%2fb",
	"a%2Fb",
	"%e9",
	"%C3%A9",
	"%zz",
	"%4",
	"%",
	"a%",
	"a%2",
	"a b",
	" a ",
	"\ta\n",
	"a\tb\rc\nd",
	"\xc3\xa9",
	"\xff",
	"a\"b",
	"a<b>",
	"a`b",
	"a{b}",
	"a|b",
	"a^b",
	"a[b]",
	"a\\b",
	"\\\\h.com\\x",
	"..\\x",
	"/x?a\\b",
	"$!&'()*+,;=:@",
	"~user",
	"a//b",
	"//",
	"a\x7f",
	"a\x01",
};

static void
test_table(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		for (j = 0; j < sizeof(links) / sizeof(links[0]); j++)
			agree(bases[i], links[j], strlen(links[j]));
		agree_normal(bases[i], strlen(bases[i]));
	}
	for (j = 0; j < sizeof(links) / sizeof(links[0]); j++)
		agree_normal(links[j], strlen(links[j]));
}

/* The common links of a crawl take the fast path. */
static void
test_taken(void)
{
	static const char *const common[] = { "51", "./0", "/site/x/p/7",
		"http://www.site.test/site/n20000b10c3/p/0", "../a/b?c=d",
		"https://Other.Example.COM/x", "//cdn.site.test/y.css", "#top",
		"", "?page=2", "a%20b", "caf\xc3\xa9" };
	const char		*base = bases[0];
	size_t			 i;
	char			*out;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		out = NULL;
		CHECK(urlnorm_fast_resolve(
		    base, common[i], strlen(common[i]), &out));
		free(out);
	}
	CHECK(urlnorm_fast_is_normal(base, strlen(base)));
	for (i = 9; i < sizeof(bases) / sizeof(bases[0]); i++)
		CHECK(!urlnorm_fast_is_normal(bases[i], strlen(bases[i])));
}

/* A base is known by its bytes, not its address: one buffer, two bases. */
static void
test_same_buffer(void)
{
	char  buf[32];
	char *out = NULL;

	strcpy(buf, "http://a.b/x/y");
	CHECK(urlnorm_fast_resolve(buf, "z", 1, &out));
	CHECK_STR(out, "http://a.b/x/z");
	free(out);
	strcpy(buf, "http://c.d/q/r");
	out = NULL;
	CHECK(urlnorm_fast_resolve(buf, "z", 1, &out));
	CHECK_STR(out, "http://c.d/q/z");
	free(out);
	strcpy(buf, "http://c.d/q/r?");
	out = NULL;
	CHECK(!urlnorm_fast_resolve(buf, "z", 1, &out));
	CHECK(out == NULL);
}

/*
 * Links built from pieces (mostly of the plain shape, now and then not),
 * a third of them then mutated a byte or three anywhere, against every
 * base; each resolved URL and each link is then checked as a candidate
 * normal URL. The seed is fixed, so a failure repeats.
 */
static void
test_random(void)
{
	static const char *const starts[] = { "", "", "", "", "/", "/", "./",
		"../", "../../", "?", "//", "http://", "https://", "HTTP://",
		"hTtPs://", "http:", "ftp://", "mailto:", " ", "\\", "#" };
	static const char *const hosts[] = { "h.com", "www.site.test", "A.B",
		"x-y.z1", "h.com:8080", "h.com:80", "h.com:443", "h.com:0",
		"h.com:", "h.com:080", "1.2.3.4", "127.1", "a..b", "a.", "-a.b",
		"u@h.com", "[::1]", "h_1.com", "xn--p1ai", "0x7f.1", "a.1" };
	static const char *const segs[] = { "a", "b", "p", "0", "51", ".", "..",
		"...", "%2e", "%2E%2e", ".%2E", "%41", "%7e", "%7E", "%3d",
		"%3D", "%zz", "%4", "%", "~", "a b", "\xc3\xa9", "[x]", "\\",
		";p", "=", "&", "+", "@", ":", "", "a\tb", "\"", "%00", "%2F",
		"x.html", "-", "_" };
	static const char *const tails[] = { "", "", "", "?", "?a=1", "?a=1&b",
		"?a/../b", "?%7e", "?%3d", "?a b", "#f", "?q#f", "#", "??",
		"?\xc3\xa9", "/", "/." };
	static const char alphabet[] = "aZ09-.:@[]%/?#\\_~!$&'()*+,;= \t\"x"
				       "\x80\xc3\xff";
	unsigned	  state = 0x9e3779b9u;
	char		  buf[256], *out;
	size_t		  n, b;
	int		  i, k, segn;

	for (i = 0; i < 6000; i++) {
		const char *start = PICK(&state, starts);

		n = append(buf, sizeof(buf), 0, start);
		if (strstr(start, "//") != NULL)
			n = append(buf, sizeof(buf), n, PICK(&state, hosts));
		for (k = 0, segn = (int)next_rand(&state, 5); k < segn; k++) {
			if (k > 0 || strstr(start, "//") != NULL)
				n = append(buf, sizeof(buf), n, "/");
			n = append(buf, sizeof(buf), n, PICK(&state, segs));
		}
		n = append(buf, sizeof(buf), n, PICK(&state, tails));
		n = mutate(buf, sizeof(buf), n, &state, alphabet,
		    sizeof(alphabet) - 1);
		for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			if (!agree(bases[b], buf, n))
				continue;
			/* Each answer as a base and as a URL to normalise. */
			out = NULL;
			if (urlnorm_fast_resolve(bases[b], buf, n, &out) &&
			    out != NULL) {
				agree_normal(out, strlen(out));
				agree(out, "../x", 4);
			}
			free(out);
		}
		agree_normal(buf, n);
	}
}

/* The byte classes, against their definitions. */
static void
test_classes(void)
{
	int c, want;

	for (c = 0; c < 256; c++) {
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
		int unres = alnum || (c != 0 && strchr("-._~", c) != NULL);

		want = unres ? UC_UNRESERVED : 0;
		if (c <= 0x20 || c >= 0x7f ||
		    (c != 0 && strchr("\"<>\\^`{|}", c) != NULL))
			want |= UC_ENCODE;
		if (unres || (c != 0 && strchr("/!$&'()*+,;=:@", c) != NULL))
			want |= UC_PLAIN;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')
			want |= UC_HOST;
		CHECK_INT(urlnorm_class[c], want);
	}
}

int
main(void)
{
	url_global_init();
	RUN(test_classes);
	RUN(test_table);
	RUN(test_taken);
	RUN(test_same_buffer);
	RUN(test_random);
	/* Both paths are exercised, and often. */
	CHECK(taken > 20000);
	CHECK(left > 20000);
	fprintf(stderr, "fast path %d, reference %d\n", taken, left);
	return harness_result();
}
