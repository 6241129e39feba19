/*
 * Fuzz target: URL checking (src/url.c).
 *
 * url_normalise() answers most lines on a fast path of its own and the
 * rest with libcurl's parser, and promises the same answers as libcurl in
 * both cases. The reference here asks libcurl for every line, by the
 * steps url.h describes, so a fast path that strays from libcurl shows as
 * a mismatch: the result, the URL handed on and the host must all agree.
 * url_scheme_allowed() is checked against its own rule too.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fuzz.h"
#include "url.h"

/* RFC 3986 scheme length at the start of s, as url.c counts it. */
static size_t
ref_scheme_len(const char *s, size_t len)
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

static int
ref_http(const char *s, size_t n)
{
	return (n == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(s, "https", 5) == 0);
}

/*
 * What libcurl makes of the line (free of NUL, white space and control
 * bytes): URL_OK with *out and *host (the caller frees them), or the
 * refusal with both NULL.
 */
static enum url_result
reference(const char *line, size_t len, char **out, char **host)
{
	CURLU	   *u;
	char	   *s, *hp = NULL, *p;
	size_t	    i, n, plen = 0;
	const char *prefix = "http://";

	*out = *host = NULL;
	i = ref_scheme_len(line, len);
	if (i == 0 || len - i < 3 || memcmp(line + i, "://", 3) != 0)
		plen = strlen(prefix);
	else if (!ref_http(line, i))
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char     *line = (const char *)data, *why = NULL;
	char	       *out, *host, *rout, *rhost, *z;
	enum url_result r, want;
	size_t		i, sl;
	int		plain = 1;

	for (i = 0; i < size; i++)
		if (data[i] <= ' ' || data[i] == 0x7f)
			plain = 0;

	r = url_normalise(line, size, &out, &host, &why);
	if (r != URL_OK) {
		FUZZ_CHECK(out == NULL && host == NULL);
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	} else {
		FUZZ_CHECK(out != NULL && host != NULL && host[0] != '\0');
		/* The line as written, behind the default scheme if any. */
		FUZZ_CHECK(strlen(out) >= size &&
		    memcmp(out + strlen(out) - size, line, size) == 0);
		for (i = 0; host[i] != '\0'; i++)
			FUZZ_CHECK(!(host[i] >= 'A' && host[i] <= 'Z'));
		FUZZ_CHECK(url_scheme_allowed(out));
	}
	if (!plain) {
		/* NUL, white space and control bytes are refused up front. */
		FUZZ_CHECK(r == URL_INVALID);
	} else {
		want = reference(line, size, &rout, &rhost);
		if (!(want == URL_INVALID && r == URL_INVALID)) {
			FUZZ_CHECK(r == want);
			if (r == URL_OK) {
				FUZZ_CHECK(strcmp(out, rout) == 0);
				FUZZ_CHECK(strcmp(host, rhost) == 0);
			}
		}
		free(rout);
		free(rhost);
	}
	free(out);
	free(host);

	/* url_scheme_allowed on the same bytes as a C string. */
	if ((z = malloc(size + 1)) != NULL) {
		memcpy(z, data, size);
		z[size] = '\0';
		sl = ref_scheme_len(z, strlen(z));
		FUZZ_CHECK(url_scheme_allowed(z) ==
		    (sl > 0 && z[sl] == ':' && ref_http(z, sl)));
		free(z);
	}
	return 0;
}
