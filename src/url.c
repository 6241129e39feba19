/*
 * url: turns a line as read into a URL afetch may request.
 *
 * The scheme is decided here, by our own rule, before libcurl sees the
 * line: libcurl guesses schemes from host names ("ftp.example.com") and
 * knows many we must never request. libcurl's URL parser then only
 * checks the syntax; the URL handed on is the line as the user wrote it,
 * never libcurl's rewritten form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "url.h"

static const char default_scheme[] = "http://";

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_scheme_char(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
	    c == '.';
}

/*
 * Returns the length of the RFC 3986 scheme (ALPHA *( ALPHA / DIGIT / "+"
 * / "-" / "." )) at the start of the len bytes at s, 0 when there is none.
 */
static size_t
scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len && is_scheme_char((unsigned char)s[i]); i++)
		continue;
	return i;
}

/* Returns 1 when the n bytes at s are "http" or "https", any case. */
static int
scheme_ok(const char *s, size_t n)
{
	static const char http[] = "https";
	size_t		  i;

	if (n != 4 && n != 5)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != http[i])
			return 0;
	return 1;
}

/* A sentence for each way libcurl's parser refuses a URL we care to name. */
static const char *
curlu_why(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_OUT_OF_MEMORY:
		return "out of memory";
	case CURLUE_BAD_PORT_NUMBER:
	case CURLUE_NO_PORT:
		return "bad port number";
	case CURLUE_NO_HOST:
		return "no host name";
	case CURLUE_BAD_HOSTNAME:
		return "bad host name";
	case CURLUE_BAD_IPV6:
		return "bad IPv6 address";
	case CURLUE_BAD_LOGIN:
	case CURLUE_BAD_USER:
	case CURLUE_BAD_PASSWORD:
		return "bad user name or password";
	default:
		return "not a valid URL";
	}
}

/*
 * Asks libcurl whether s is a URL and for its host. Returns URL_OK with
 * *host set (lower-cased, without brackets, the caller's), or URL_INVALID
 * with *why set.
 */
static enum url_result
parse(const char *s, char **host, const char **why)
{
	CURLU	 *h;
	CURLUcode rc;
	char	 *hp = NULL, *p, *end;
	size_t	  n;

	if ((h = curl_url()) == NULL) {
		*why = "out of memory";
		return URL_INVALID;
	}
	if ((rc = curl_url_set(h, CURLUPART_URL, s, 0)) != CURLUE_OK ||
	    (rc = curl_url_get(h, CURLUPART_HOST, &hp, 0)) != CURLUE_OK) {
		curl_url_cleanup(h);
		*why = curlu_why(rc);
		return URL_INVALID;
	}
	curl_url_cleanup(h);

	p = hp;
	n = strlen(p);
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n == 0) {
		curl_free(hp);
		*why = "no host name";
		return URL_INVALID;
	}
	/* curl_free() must free what libcurl allocated: copy to our own. */
	if ((*host = malloc(n + 1)) == NULL) {
		curl_free(hp);
		*why = "out of memory";
		return URL_INVALID;
	}
	memcpy(*host, p, n);
	(*host)[n] = '\0';
	curl_free(hp);
	/* ASCII only: a UTF-8 host name is kept byte for byte. */
	for (p = *host, end = *host + n; p < end; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return URL_OK;
}

enum url_result
url_normalise(
    const char *line, size_t len, char **out, char **host, const char **why)
{
	const char     *dummy, *prefix = "";
	char	       *s, *h = NULL;
	size_t		i, plen = 0, slen;
	enum url_result r;

	*out = NULL;
	if (host != NULL)
		*host = NULL;
	if (why == NULL)
		why = &dummy;

	/*
	 * libcurl would take a NUL as the end of the URL and fetch a
	 * different one; white space and control bytes it would refuse or
	 * encode. Our own sentences are clearer than its.
	 */
	for (i = 0; i < len; i++) {
		if (line[i] == '\0') {
			*why = "contains a NUL byte";
			return URL_INVALID;
		}
		if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f) {
			*why = "contains white space or a control character";
			return URL_INVALID;
		}
	}

	i = scheme_len(line, len);
	if (i > 0 && len - i >= 3 && memcmp(line + i, "://", 3) == 0) {
		if (!scheme_ok(line, i)) {
			*why = "scheme is not http or https";
			return URL_UNSUPPORTED_SCHEME;
		}
	} else {
		prefix = default_scheme;
		plen = sizeof(default_scheme) - 1;
	}

	if (len > SIZE_MAX - plen - 1) {
		*why = "out of memory";
		return URL_INVALID;
	}
	slen = plen + len;
	if ((s = malloc(slen + 1)) == NULL) {
		*why = "out of memory";
		return URL_INVALID;
	}
	memcpy(s, prefix, plen);
	memcpy(s + plen, line, len);
	s[slen] = '\0';

	if ((r = parse(s, &h, why)) != URL_OK) {
		free(s);
		return r;
	}
	*out = s;
	if (host != NULL)
		*host = h;
	else
		free(h);
	return URL_OK;
}

int
url_scheme_allowed(const char *url)
{
	size_t n;

	n = scheme_len(url, strlen(url));
	return n > 0 && url[n] == ':' && scheme_ok(url, n);
}
