/*
 * The reference for url_normalise() (src/http/url.h), shared by its unit
 * test and its fuzz target: what libcurl's URL parser makes of a line, by
 * the steps url.c takes when it asks libcurl, written out again here so
 * that a fast path that strays from libcurl shows as a mismatch.
 *
 * Header-only on purpose: each test program includes it once and gets
 * its own static copy, so neither test links the other.
 */
#ifndef AFETCH_TESTS_URL_REFERENCE_H
#define AFETCH_TESTS_URL_REFERENCE_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "url.h"

/*
 * url.c's rule: a scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 * (RFC 3986) and counts only before "://". Returns its length at the
 * start of the len bytes at s, 0 when there is none.
 */
static size_t
url_reference_scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len &&
	     (isalnum((unsigned char)s[i]) || memchr("+-.", s[i], 3) != NULL);
	     i++)
		continue;
	return i;
}

/* Whether the n bytes at s name http or https, in any case. */
static int
url_reference_is_http(const char *s, size_t n)
{
	return (n == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(s, "https", 5) == 0);
}

/*
 * What libcurl makes of the len bytes at line, which must be free of NUL,
 * white space and control bytes (url_normalise refuses those before any
 * parsing); without a scheme, http:// is put in front. Returns URL_OK
 * with *out and *host set (the caller frees them; the host lower-cased,
 * without an IPv6 literal's brackets), or URL_INVALID or
 * URL_UNSUPPORTED_SCHEME with both NULL.
 */
static enum url_result
url_reference(const char *line, size_t len, char **out, char **host)
{
	CURLU	   *u;
	char	   *s, *hp = NULL, *p;
	size_t	    i, n, plen = 0;
	const char *prefix = "http://";

	*out = *host = NULL;
	i = url_reference_scheme_len(line, len);
	if (i == 0 || len - i < 3 || memcmp(line + i, "://", 3) != 0)
		plen = strlen(prefix);
	else if (!url_reference_is_http(line, i))
		return URL_UNSUPPORTED_SCHEME;
	if ((s = malloc(plen + len + 1)) == NULL)
		return URL_INVALID;
	memcpy(s, prefix, plen);
	memcpy(s + plen, line, len);
	s[plen + len] = '\0';
	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &hp, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		free(s);
		return URL_INVALID;
	}
	curl_url_cleanup(u);
	p = hp;
	n = strlen(p);
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n == 0 || (*host = malloc(n + 1)) == NULL) {
		curl_free(hp);
		free(s);
		return URL_INVALID;
	}
	for (i = 0; i < n; i++)
		(*host)[i] = (char)tolower((unsigned char)p[i]);
	(*host)[n] = '\0';
	curl_free(hp);
	*out = s;
	return URL_OK;
}

#endif
