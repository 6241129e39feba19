/*
 * url: turns a line as read into a URL afetch may request.
 *
 * A line without a "name://" scheme prefix is taken as http://. Only http
 * and https are ever requested; anything else is refused before libcurl
 * sees it.
 */
#ifndef AFETCH_URL_H
#define AFETCH_URL_H

#include <stddef.h>

#include <curl/curl.h>

#include "httperr.h"

enum url_result {
	URL_OK,
	URL_INVALID, /* not a URL: bad syntax, NUL byte, no host ... */
	URL_UNSUPPORTED_SCHEME /* a scheme other than http or https */
};

/*
 * Normalises the len bytes at line. On URL_OK, *out is a new NUL-terminated
 * URL (with the default scheme added when missing, otherwise the line as
 * written) that the caller frees, and *host, when host is not NULL, a new
 * lower-cased host name without port or brackets, also the caller's (as
 * libcurl reads it: percent-decoded, numeric IPv4 forms made dotted-quad,
 * no IPv6 zone id). On any other result *out and *host are NULL and *why,
 * when why is not NULL, points to a static English sentence saying what is
 * wrong. Running out of memory is reported as URL_INVALID with *why
 * "out of memory". Validity and the host are what libcurl's URL parser
 * (curl_url_set with no flags, then CURLUPART_HOST) makes of the URL; a
 * fast path for the common "scheme://host[:port]/..." shape answers
 * without calling it, with the same answers.
 */
enum url_result url_normalise(
    const char *line, size_t len, char **out, char **host, const char **why);

/*
 * Returns 1 when the NUL-terminated URL's scheme is http or https
 * (case-insensitive), else 0. Relative references (no scheme) return 0.
 */
int url_scheme_allowed(const char *url);

/*
 * Makes libcurl's IDN conversion read host names as UTF-8: libidn2
 * (idn2_lookup_ul) takes them in the locale's character set, which in the
 * "C" locale a program starts in is ASCII, so every non-ASCII host would
 * be refused as a bad URL. Sets LC_CTYPE only (C.UTF-8, else the user's
 * when that is UTF-8), never LC_NUMERIC: afetch's numbers keep their dots.
 * Call once at start, before any thread. Returns HTTP_OK, or
 * HTTP_ERR_LOCALE when no UTF-8 locale could be set (non-ASCII hosts then
 * fail as libcurl decides).
 */
enum http_err url_global_init(void);

/*
 * Returns a short sentence for a way libcurl's URL parser refused a URL
 * ("bad port number", "no host name" ...; "not a valid URL" for the rest).
 */
const char *url_curlu_why(CURLUcode rc);

#endif
