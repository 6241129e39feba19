/*
 * urlnorm: resolution and the normal form of URLs, on libcurl's curl_url
 * (the reference path), with a fast path for the plain shape that gives
 * the same answers without it (urlnorm_fast.c).
 *
 * libcurl resolves, removes dot segments, lower-cases the scheme, drops a
 * default port and converts IDN hosts; what it leaves to us is done on
 * the text before it sees it (percent-encoding, whitespace, fragments,
 * backslashes) and after (the host's case). Preparing the text first
 * matters: libcurl 7.88 encodes a relative link's spaces itself, as "+"
 * in the query, and resolves "" and "#frag" to the base's directory.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "hex.h"
#include "url.h"
#include "urlnorm.h"
#include "urlnorm_int.h"

static const char hexdigits[] = "0123456789ABCDEF";

/*
 * The classes of the 256 bytes (UC_* in urlnorm_int.h), looked up once
 * per byte of every link; test_urlnorm_fast checks each entry against
 * the definitions.
 */
const unsigned char urlnorm_class[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* 00 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* 10 */
	2, 4, 2, 0, 4, 0, 4, 4, 4, 4, 4, 4, 4, 13, 5, 4,	       /* 20 */
	13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 4, 4, 2, 4, 2, 0,      /* 30 */
	4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,		       /* 40 */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 2, 0, 2, 5,		       /* 50 */
	2, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, /* 60 */
	13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 2, 2, 2, 5, 2,     /* 70 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* 80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* 90 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* a0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* b0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* c0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* d0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* e0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,		       /* f0 */
};

/* RFC 3986 section 2.3: the characters that never need encoding. */
static int
unreserved(int c)
{
	return urlnorm_class[c] & UC_UNRESERVED;
}

/* Bytes that may not appear raw in a URL's path or query. */
static int
must_encode(int c)
{
	return urlnorm_class[c] & UC_ENCODE;
}

size_t
urlnorm_percent(const char *in, size_t n, char *out)
{
	size_t i, o = 0;
	int    c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '%' && i + 2 < n && (hi = hex_value(in[i + 1])) >= 0 &&
		    (lo = hex_value(in[i + 2])) >= 0) {
			c = hi * 16 + lo;
			if (unreserved(c)) {
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = hexdigits[hi];
				out[o++] = hexdigits[lo];
			}
			i += 2;
		} else if (must_encode(c)) {
			out[o++] = '%';
			out[o++] = hexdigits[c >> 4];
			out[o++] = hexdigits[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

/* RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". */
size_t
urlnorm_scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == ':')
			return i + 1;
		if (!unreserved((unsigned char)s[i]) && s[i] != '+')
			return 0;
		if (s[i] == '_' || s[i] == '~')
			return 0;
	}
	return 0;
}

static int
is_http_scheme(const char *s, size_t len)
{
	return (len == 5 && strncasecmp(s, "http:", 5) == 0) ||
	    (len == 6 && strncasecmp(s, "https:", 6) == 0);
}

/* Leading and trailing bytes <= 0x20 trimmed off the n bytes at *s. */
static size_t
trim(const char **s, size_t n)
{
	while (n > 0 && (unsigned char)(*s)[0] <= 0x20)
		(*s)++, n--;
	while (n > 0 && (unsigned char)(*s)[n - 1] <= 0x20)
		n--;
	return n;
}

size_t
urlnorm_prep(const char *s, size_t n, char *t, char *out)
{
	size_t i, m = 0, sl, rest;

	n = trim(&s, n);
	for (i = 0; i < n && s[i] != '#'; i++) {
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			t[m++] = s[i];
	}
	for (i = 0; i < m && t[i] != '?'; i++)
		if (t[i] == '\\')
			t[i] = '/';
	/* The scheme and authority go to libcurl as written. */
	sl = urlnorm_scheme_len(t, m);
	rest = sl;
	if (m - sl >= 2 && t[sl] == '/' && t[sl + 1] == '/') {
		rest = sl + 2;
		while (rest < m && t[rest] != '/' && t[rest] != '?')
			rest++;
	}
	memcpy(out, t, rest);
	return rest + urlnorm_percent(t + rest, m - rest, out + rest);
}

/*
 * The text of a URL or link as libcurl should see it (urlnorm_prep): the
 * host is left to libcurl, which converts IDN names and refuses what is
 * not a host. Returns a new string, or NULL with *why set.
 */
static char *
prepare(const char *s, size_t n, const char **why)
{
	char *t, *out;

	n = trim(&s, n);
	if (n > URLNORM_MAX) {
		*why = "URL too long";
		return NULL;
	}
	if ((t = malloc(n + 1)) == NULL || (out = malloc(3 * n + 1)) == NULL) {
		free(t);
		*why = "out of memory";
		return NULL;
	}
	urlnorm_prep(s, n, t, out);
	free(t);
	if (strlen(out) > URLNORM_MAX) {
		free(out);
		*why = "URL too long";
		return NULL;
	}
	return out;
}

/*
 * The normal form of the URL held in h, as a new string from malloc, or
 * NULL with *why set: only http and https, the host lower-cased (in its
 * punycode form when it is IDN), no fragment, no default port.
 */
static char *
finish(CURLU *h, const char **why)
{
	char	 *scheme = NULL, *host = NULL, *url = NULL, *res = NULL;
	CURLUcode rc;
	size_t	  i;

	if ((rc = curl_url_get(h, CURLUPART_SCHEME, &scheme, 0)) != CURLUE_OK) {
		*why = url_curlu_why(rc);
		return NULL;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		*why = "unsupported scheme";
		goto out;
	}
	if ((rc = curl_url_get(h, CURLUPART_HOST, &host, CURLU_PUNYCODE)) !=
	    CURLUE_OK) {
		*why = url_curlu_why(rc);
		goto out;
	}
	for (i = 0; host[i] != '\0'; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] = (char)(host[i] - 'A' + 'a');
	if ((rc = curl_url_set(h, CURLUPART_HOST, host, 0)) != CURLUE_OK ||
	    (rc = curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0)) != CURLUE_OK ||
	    (rc = curl_url_get(
		 h, CURLUPART_URL, &url, CURLU_NO_DEFAULT_PORT)) != CURLUE_OK) {
		*why = url_curlu_why(rc);
		goto out;
	}
	if (strlen(url) > URLNORM_MAX)
		*why = "URL too long";
	else if ((res = strdup(url)) == NULL)
		*why = "out of memory";
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(url);
	return res;
}

char *
urlnorm_resolve_curl(
    const char *base, const char *link, size_t link_len, const char **why)
{
	const char *dummy;
	char	   *b = NULL, *l = NULL, *res = NULL;
	CURLU	   *h = NULL;
	CURLUcode   rc;
	size_t	    sl;

	if (why == NULL)
		why = &dummy;
	if ((l = prepare(link, link_len, why)) == NULL)
		return NULL;
	/* Refused before libcurl, which knows more schemes than afetch asks. */
	sl = urlnorm_scheme_len(l, strlen(l));
	if (sl > 0 && !is_http_scheme(l, sl)) {
		*why = "unsupported scheme";
		goto out;
	}
	if ((b = prepare(base, strlen(base), why)) == NULL)
		goto out;
	if ((h = curl_url()) == NULL) {
		*why = "out of memory";
		goto out;
	}
	if (curl_url_set(h, CURLUPART_URL, b, 0) != CURLUE_OK) {
		*why = "bad base URL";
		goto out;
	}
	/* libcurl 7.88 makes "" the base's directory; RFC 3986 the base. */
	if (l[0] != '\0' &&
	    (rc = curl_url_set(h, CURLUPART_URL, l, 0)) != CURLUE_OK) {
		*why = url_curlu_why(rc);
		goto out;
	}
	res = finish(h, why);
out:
	curl_url_cleanup(h);
	free(b);
	free(l);
	return res;
}

char *
urlnorm_curl(const char *url, const char **why)
{
	const char *dummy;
	char	   *p, *t, *res = NULL;
	CURLU	   *h;
	CURLUcode   rc;
	size_t	    n, sl;

	if (why == NULL)
		why = &dummy;
	n = strlen(url);
	sl = urlnorm_scheme_len(url, n);
	if (sl > 0 && n - sl >= 2 && url[sl] == '/' && url[sl + 1] == '/') {
		p = prepare(url, n, why);
	} else {
		/* As afetch reads its input: no "name://", then http://. */
		if (n > URLNORM_MAX || (t = malloc(n + 8)) == NULL) {
			*why =
			    n > URLNORM_MAX ? "URL too long" : "out of memory";
			return NULL;
		}
		memcpy(t, "http://", 7);
		memcpy(t + 7, url, n + 1);
		p = prepare(t, n + 7, why);
		free(t);
	}
	if (p == NULL)
		return NULL;
	if ((h = curl_url()) == NULL) {
		*why = "out of memory";
		free(p);
		return NULL;
	}
	if ((rc = curl_url_set(
		 h, CURLUPART_URL, p, CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK)
		*why = url_curlu_why(rc);
	else
		res = finish(h, why);
	curl_url_cleanup(h);
	free(p);
	return res;
}

char *
urlnorm_resolve(
    const char *base, const char *link, size_t link_len, const char **why)
{
	char *res;

	if (urlnorm_fast_resolve(base, link, link_len, &res)) {
		if (res == NULL && why != NULL)
			*why = "out of memory";
		return res;
	}
	return urlnorm_resolve_curl(base, link, link_len, why);
}

char *
urlnorm(const char *url, const char **why)
{
	char *res;

	if (urlnorm_fast_is_normal(url, strlen(url))) {
		if ((res = strdup(url)) == NULL && why != NULL)
			*why = "out of memory";
		return res;
	}
	return urlnorm_curl(url, why);
}

/* A canonical dotted quad: four decimal numbers to 255, no leading 0. */
static int
dotted_quad(const char *s, size_t n)
{
	size_t i = 0, start;
	int    parts = 0, v;

	while (parts < 4) {
		start = i;
		for (v = 0;
		     i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3; i++)
			v = v * 10 + (s[i] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return 0;
		if (++parts < 4) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

int
urlnorm_host(const char *url, const char **host, size_t *len)
{
	const char *a;
	size_t	    n, i, last = 0;

	if (strncmp(url, "http://", 7) == 0)
		a = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		a = url + 8;
	else
		return 0;
	n = strcspn(a, ":/?#");
	if (n == 0 ||
	    (a[n] == ':' && a[n + 1 + strcspn(a + n + 1, "@/?#")] == '@'))
		return 0;
	for (i = 0; i < n; i++) {
		if (a[i] == '.')
			last = i + 1;
		else if (!((a[i] >= 'a' && a[i] <= 'z') ||
			     (a[i] >= '0' && a[i] <= '9') || a[i] == '-'))
			return 0;
	}
	/* A name, or an IPv4 address libcurl would not rewrite. */
	if (!(last < n && a[last] >= 'a' && a[last] <= 'z') &&
	    !dotted_quad(a, n))
		return 0;
	*host = a;
	*len = n;
	return 1;
}
