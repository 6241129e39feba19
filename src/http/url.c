/*
 * url: turns a line as read into a URL afetch may request.
 *
 * The scheme is decided here, by our own rule, before libcurl sees the
 * line: libcurl guesses schemes from host names ("ftp.example.com") and
 * knows many we must never request. libcurl's URL parser then only
 * checks the syntax; the URL handed on is the line as the user wrote it,
 * never libcurl's rewritten form.
 *
 * Asking libcurl costs about 7,000 instructions a URL (curl_url,
 * curl_url_set, curl_url_get, cleanup), some 5% of a whole request, and
 * libcurl parses the URL again for the transfer anyway. So the common
 * shape, "scheme://host.name[:port]" followed by nothing or a path, query
 * or fragment, is recognised here, for about 1,000 in all (two mallocs
 * included); anything else still goes to libcurl. The fast path answers
 * only where its answer is known to be libcurl's; tests/unit/test_url.c
 * checks that against libcurl.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "url.h"

static const char default_scheme[] = "http://";

/*
 * libcurl refuses a URL longer than this (CURL_MAX_INPUT_LENGTH, internal
 * to libcurl: 8,000,000 in 7.88, and the unit test checks the edge); the
 * fast path leaves longer ones to it so that the refusal stays libcurl's.
 */
#define URL_MAX_LEN 8000000

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
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

const char *
url_curlu_why(CURLUcode rc)
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
 * Returns a new NUL-terminated copy of the n bytes at p with ASCII letters
 * lower-cased, or NULL when out of memory. ASCII only: a UTF-8 host name
 * is kept byte for byte.
 */
static char *
lower_dup(const char *p, size_t n)
{
	char  *d;
	size_t i;

	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a')
						    : p[i];
	d[n] = '\0';
	return d;
}

/*
 * Returns 1 when the n bytes at p are a dotted quad as libcurl writes one:
 * four decimal parts 0..255 without leading zeros ("127.0.0.1"). libcurl
 * rewrites every other numeric IPv4 form ("127.1", "0x7f.1", "0177.0.0.1",
 * "2130706433") into this one, but leaves this one as it is.
 */
static int
is_dotted_quad(const char *p, size_t n)
{
	const char *end = p + n;
	int	    parts, digits, v;

	for (parts = 0; parts < 4; parts++) {
		if (parts > 0) {
			if (p == end || *p != '.')
				return 0;
			p++;
		}
		for (digits = 0, v = 0; p < end && is_digit((unsigned char)*p);
		     p++, digits++) {
			if (digits == 3)
				return 0;
			v = v * 10 + (*p - '0');
		}
		if (digits == 0 || v > 255 || (digits > 1 && p[-digits] == '0'))
			return 0;
	}
	return p == end;
}

/*
 * The fast path. a is the authority of a NUL-terminated http or https URL
 * of at most URL_MAX_LEN bytes, just after its "scheme://". Returns 1,
 * with the host at a and its length in *hlen, when the URL has this shape
 * (which libcurl accepts, reading the host byte for byte):
 *
 *   host  = label *( "." label ), no trailing dot, where
 *   label = 1*( ALPHA / DIGIT / "-" );
 *           if every label starts with a digit, the host must be a
 *           dotted quad (is_dotted_quad), because libcurl reads such
 *           hosts as IPv4 numbers in any base and rewrites them
 *   port  = optional ":" and 1 to 5 digits, no leading zero, 1..65535
 *   then  = the end of the URL, or "/", "?" or "#" and anything after it
 *
 * Returns 0 for everything else ("@", "[", "%", "_", a backslash, bytes
 * >= 0x80, empty labels, trailing dots, ports like "", "0" or "080" ...),
 * which libcurl decides. The bytes after the authority need no look: the
 * caller has refused NUL, white space and control bytes, and libcurl 7.88
 * refuses nothing else there (only a URL past URL_MAX_LEN bytes).
 *
 * It assumes a libcurl built with TLS, as every libcurl afetch ships
 * with: one without refuses "https://" URLs in curl_url_set, where the
 * fast path lets them through to fail at transfer time instead. Asking
 * libcurl (curl_version_info) costs about 3,900 instructions a call.
 */
static int
common_shape(const char *a, size_t *hlen)
{
	const char   *p = a;
	int	      numeric = 1;
	unsigned long port;
	size_t	      n;

	for (;;) {
		if (!is_alpha((unsigned char)*p) &&
		    !is_digit((unsigned char)*p) && *p != '-')
			return 0;
		if (!is_digit((unsigned char)*p))
			numeric = 0;
		while (is_alpha((unsigned char)*p) ||
		    is_digit((unsigned char)*p) || *p == '-')
			p++;
		if (*p != '.')
			break;
		p++;
	}
	*hlen = (size_t)(p - a);
	if (numeric && !is_dotted_quad(a, *hlen))
		return 0;

	if (*p == ':') {
		p++;
		if (*p < '1' || *p > '9')
			return 0;
		for (port = 0, n = 0; is_digit((unsigned char)*p); p++, n++) {
			if (n == 5)
				return 0;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port > 65535)
			return 0;
	}
	return *p == '\0' || *p == '/' || *p == '?' || *p == '#';
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
	char	 *hp = NULL, *p;
	size_t	  n;

	if ((h = curl_url()) == NULL) {
		*why = "out of memory";
		return URL_INVALID;
	}
	if ((rc = curl_url_set(h, CURLUPART_URL, s, 0)) != CURLUE_OK ||
	    (rc = curl_url_get(h, CURLUPART_HOST, &hp, 0)) != CURLUE_OK) {
		curl_url_cleanup(h);
		*why = url_curlu_why(rc);
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
	*host = lower_dup(p, n);
	curl_free(hp);
	if (*host == NULL) {
		*why = "out of memory";
		return URL_INVALID;
	}
	return URL_OK;
}

enum url_result
url_normalise(
    const char *line, size_t len, char **out, char **host, const char **why)
{
	const char     *dummy, *prefix = "";
	char	       *s, *h = NULL;
	size_t		i, plen = 0, slen, auth, hlen;
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
		/* One test a byte: NUL is among the control bytes. */
		if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f) {
			*why = line[i] == '\0'
			    ? "contains a NUL byte"
			    : "contains white space or a control character";
			return URL_INVALID;
		}
	}

	i = scheme_len(line, len);
	if (i > 0 && len - i >= 3 && memcmp(line + i, "://", 3) == 0) {
		if (!scheme_ok(line, i)) {
			*why = "scheme is not http or https";
			return URL_UNSUPPORTED_SCHEME;
		}
		auth = i + 3;
	} else {
		prefix = default_scheme;
		plen = sizeof(default_scheme) - 1;
		auth = plen;
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

	/*
	 * Most lines take the fast path; it gives libcurl's answer without
	 * the cost of asking (see the top of this file).
	 */
	if (slen <= URL_MAX_LEN && common_shape(s + auth, &hlen)) {
		if (host != NULL &&
		    (*host = lower_dup(s + auth, hlen)) == NULL) {
			free(s);
			*why = "out of memory";
			return URL_INVALID;
		}
		*out = s;
		return URL_OK;
	}
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

/* Returns 1 when the current LC_CTYPE's character set is UTF-8. */
static int
ctype_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL &&
	    (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

enum http_err
url_global_init(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL ||
	    setlocale(LC_CTYPE, "C.utf8") != NULL)
		return HTTP_OK;
	if (setlocale(LC_CTYPE, "") != NULL && ctype_is_utf8())
		return HTTP_OK;
	(void)setlocale(LC_CTYPE, "C");
	return HTTP_ERR_LOCALE;
}
