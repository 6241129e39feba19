/* Unit tests for urlnorm: resolution and the normal form, as data. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "url.h"
#include "urlnorm.h"

HARNESS_MAIN;

struct rcase {
	const char *base;
	const char *link;
	const char *want; /* NULL: refused */
};

#define B "https://example.com/a/b/c?q=1#top"

static const struct rcase resolve_cases[] = {
	/* RFC 3986 section 5.4.1, normal examples (base http://a/b/c/d;p?q). */
	{ "http://a/b/c/d;p?q", "g", "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "./g", "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "g/", "http://a/b/c/g/" },
	{ "http://a/b/c/d;p?q", "/g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "//g", "http://g/" },
	{ "http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y" },
	{ "http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y" },
	{ "http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q" },
	{ "http://a/b/c/d;p?q", "g#s", "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", ";x", "http://a/b/c/;x" },
	{ "http://a/b/c/d;p?q", "", "http://a/b/c/d;p?q" },
	{ "http://a/b/c/d;p?q", ".", "http://a/b/c/" },
	{ "http://a/b/c/d;p?q", "./", "http://a/b/c/" },
	{ "http://a/b/c/d;p?q", "..", "http://a/b/" },
	{ "http://a/b/c/d;p?q", "../", "http://a/b/" },
	{ "http://a/b/c/d;p?q", "../g", "http://a/b/g" },
	{ "http://a/b/c/d;p?q", "../..", "http://a/" },
	{ "http://a/b/c/d;p?q", "../../g", "http://a/g" },
	/* Abnormal examples (5.4.2). */
	{ "http://a/b/c/d;p?q", "../../../g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "/./g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "/../g", "http://a/g" },
	{ "http://a/b/c/d;p?q", "g.", "http://a/b/c/g." },
	{ "http://a/b/c/d;p?q", "..g", "http://a/b/c/..g" },
	{ "http://a/b/c/d;p?q", "./../g", "http://a/b/g" },
	{ "http://a/b/c/d;p?q", "g/./h", "http://a/b/c/g/h" },
	{ "http://a/b/c/d;p?q", "g/../h", "http://a/b/c/h" },
	/* The base's fragment never carries over; only-fragment = base. */
	{ B, "", "https://example.com/a/b/c?q=1" },
	{ B, "#x", "https://example.com/a/b/c?q=1" },
	{ B, "   ", "https://example.com/a/b/c?q=1" },
	{ B, "?", "https://example.com/a/b/c" },
	{ B, "?z=2#f", "https://example.com/a/b/c?z=2" },
	/* Scheme and host case, default ports. */
	{ B, "HTTP://WWW.Example.COM/Path", "http://www.example.com/Path" },
	{ B, "http://h.com:80/", "http://h.com/" },
	{ B, "https://h.com:443/", "https://h.com/" },
	{ B, "http://h.com:443/", "http://h.com:443/" },
	{ B, "https://h.com:80/", "https://h.com:80/" },
	{ B, "http://h.com:/", "http://h.com/" },
	{ B, "http://h.com:08080/x", "http://h.com:8080/x" },
	{ B, "//Other.ORG/x", "https://other.org/x" },
	{ B, "http://h.com", "http://h.com/" },
	{ B, "http://[::FFFF:1.2.3.4]:80/", "http://[::ffff:1.2.3.4]/" },
	{ B, "http://10.0.0.1:8080/", "http://10.0.0.1:8080/" },
	/* Percent-encoding. */
	{ B, "/%7e%7Euser", "https://example.com/~~user" },
	{ B, "/~user", "https://example.com/~user" },
	{ B, "/a%2fb", "https://example.com/a%2Fb" },
	{ B, "/a%2Fb", "https://example.com/a%2Fb" },
	{ B, "/%41%62%2D%2e%5F", "https://example.com/Ab-._" },
	{ B, "/%e9t%c3%a9", "https://example.com/%E9t%C3%A9" },
	{ B, "/?a=%3d%26&b=%7e", "https://example.com/?a=%3D%26&b=~" },
	{ B, "/%zz%4", "https://example.com/%zz%4" },
	{ B, "/a/%2e%2e/b", "https://example.com/b" },
	{ B, "/a/%2E/b", "https://example.com/a/b" },
	/* Bytes that need encoding, non-ASCII as UTF-8. */
	{ B, "a b", "https://example.com/a/b/a%20b" },
	{ B, "/x?a b", "https://example.com/x?a%20b" },
	{ B, "/x?a+b", "https://example.com/x?a+b" },
	{ B, "/caf\xc3\xa9?q=\xc3\xa9",
	    "https://example.com/caf%C3%A9?q=%C3%A9" },
	{ B, "/caf%C3%A9", "https://example.com/caf%C3%A9" },
	{ B, "/\"<>`{}|^", "https://example.com/%22%3C%3E%60%7B%7D%7C%5E" },
	{ B, "/a[b]", "https://example.com/a[b]" },
	{ B, "/$!&'()*+,;=:@", "https://example.com/$!&'()*+,;=:@" },
	/* Whitespace as browsers treat it, backslashes as slashes. */
	{ B, "  /x  ", "https://example.com/x" },
	{ B, "\t/x\n", "https://example.com/x" },
	{ B, "/a\tb\nc\rd", "https://example.com/abcd" },
	{ B, "\\\\evil.com\\x", "https://evil.com/x" },
	{ B, "..\\x", "https://example.com/a/x" },
	{ B, "/x?a\\b", "https://example.com/x?a%5Cb" },
	/* IDN hosts: the ASCII form, however written. */
	{ B,
	    "http://B\xc3\x9c"
	    "cher.de/",
	    "http://xn--bcher-kva.de/" },
	{ B, "http://xn--bcher-kva.de/", "http://xn--bcher-kva.de/" },
	{ B, "http://XN--BCHER-KVA.de/", "http://xn--bcher-kva.de/" },
	/* Not followed: other schemes, junk. */
	{ B, "mailto:a@example.com", NULL },
	{ B, "javascript:void(0)", NULL },
	{ B, "JavaScript:alert(1)", NULL },
	{ B, "ftp://example.com/", NULL },
	{ B, "data:text/html,hi", NULL },
	{ B, "tel:+123", NULL },
	{ B, "file:///etc/passwd", NULL },
	{ B, "http://h.com:99999/", NULL },
	{ B, "http://[::1/", NULL },
	{ B, "http://a b/", NULL },
	{ "not a url", "/x", NULL },
	{ "ftp://example.com/", "/x", NULL },
};

static void
test_resolve(void)
{
	size_t	    i;
	const char *why;
	char	   *got;

	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		const struct rcase *c = &resolve_cases[i];

		why = NULL;
		got = urlnorm_resolve(c->base, c->link, strlen(c->link), &why);
		if (c->want == NULL) {
			CHECK(got == NULL);
			CHECK(why != NULL && why[0] != '\0');
		} else {
			CHECK_STR(got, c->want);
		}
		if (got == NULL ? c->want != NULL
				: c->want == NULL || strcmp(got, c->want) != 0)
			fprintf(stderr,
			    "\tcase %zu: \"%s\" + \"%s\" -> %s (%s)\n", i,
			    c->base, c->link, got ? got : "NULL",
			    why ? why : "-");
		free(got);
	}
}

/* Why a link is refused, for the cases that say something useful. */
static void
test_reasons(void)
{
	const char *why = NULL;
	char	    big[URLNORM_MAX + 10];

	CHECK(urlnorm_resolve(B, "mailto:x", 8, &why) == NULL);
	CHECK_STR(why, "unsupported scheme");
	CHECK(urlnorm_resolve("nope", "/x", 2, &why) == NULL);
	CHECK_STR(why, "bad base URL");
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	CHECK(urlnorm_resolve(B, big, sizeof(big), &why) == NULL);
	CHECK_STR(why, "URL too long");
	/* why may be NULL. */
	CHECK(urlnorm_resolve(B, "tel:1", 5, NULL) == NULL);
}

/* A link is bytes with a length: NULs and what follows them are data. */
static void
test_length(void)
{
	char *got;

	got = urlnorm_resolve(B, "/ab#c", 3, NULL);
	CHECK_STR(got, "https://example.com/ab");
	free(got);
	got = urlnorm_resolve(B, "/a\0b", 4, NULL);
	CHECK_STR(got, "https://example.com/a%00b");
	free(got);
}

static const struct rcase norm_cases[] = {
	{ NULL, "http://example.com", "http://example.com/" },
	{ NULL, "HTTPS://EXAMPLE.com:443/A/./b/../C#frag",
	    "https://example.com/A/C" },
	{ NULL, "example.com/x", "http://example.com/x" },
	{ NULL, "localhost:8080/x", "http://localhost:8080/x" },
	{ NULL, "Example.com", "http://example.com/" },
	{ NULL, "http://example.com/%7Ea%2f", "http://example.com/~a%2F" },
	{ NULL, "http://user:pw@Example.com/", "http://user:pw@example.com/" },
	{ NULL, "ftp://example.com/", NULL },
	{ NULL, "", NULL },
};

static void
test_norm(void)
{
	size_t i;
	char  *got, *again;

	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		got = urlnorm(norm_cases[i].link, NULL);
		if (norm_cases[i].want == NULL) {
			CHECK(got == NULL);
		} else {
			CHECK_STR(got, norm_cases[i].want);
			/* The normal form is a fixed point. */
			again = got ? urlnorm(got, NULL) : NULL;
			CHECK_STR(again, norm_cases[i].want);
			free(again);
		}
		free(got);
	}
}

/* Every resolved case is already normal: urlnorm leaves it unchanged. */
static void
test_fixed_point(void)
{
	size_t i;
	char  *got, *again;

	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		if (resolve_cases[i].want == NULL)
			continue;
		got = urlnorm(resolve_cases[i].want, NULL);
		CHECK_STR(got, resolve_cases[i].want);
		again = urlnorm_resolve(resolve_cases[i].want, "", 0, NULL);
		CHECK_STR(again, resolve_cases[i].want);
		free(got);
		free(again);
	}
}

static void
test_percent(void)
{
	char out[64];

	CHECK_INT(urlnorm_percent("/a%7e*$", 7, out), 5);
	CHECK_STR(out, "/a~*$");
	CHECK_INT(urlnorm_percent("%c3%A9 ", 7, out), 9);
	CHECK_STR(out, "%C3%A9%20");
	CHECK_INT(urlnorm_percent("%", 1, out), 1);
	CHECK_STR(out, "%");
	CHECK_INT(urlnorm_percent("%4", 2, out), 2);
	CHECK_STR(out, "%4");
	CHECK_INT(urlnorm_percent("", 0, out), 0);
	CHECK_STR(out, "");
}

int
main(void)
{
	/* IDN host names are read as UTF-8 only in a UTF-8 locale. */
	url_global_init();
	RUN(test_resolve);
	RUN(test_reasons);
	RUN(test_length);
	RUN(test_norm);
	RUN(test_fixed_point);
	RUN(test_percent);
	return harness_result();
}
