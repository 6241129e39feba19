/*
 * transfer: the libcurl options of afetch's requests. It sets an easy
 * handle up once for the run's options, adds each attempt's URL and
 * buffers, and reads libcurl's figures back into the record; it owns no
 * state of its own. The fetch's attempt calls it around each transfer.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "response.h"
#include "tlstrust.h"
#include "transfer.h"

/*
 * Returns 1 when the environment names a proxy or proxy exceptions that
 * libcurl 7.88 would read for an http or https transfer (it ignores an
 * upper-case HTTP_PROXY on purpose, so do we).
 */
static int
proxy_env_set(void)
{
	static const char *const names[] = { "http_proxy", "https_proxy",
		"HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
		"NO_PROXY" };
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (getenv(names[i]) != NULL)
			return 1;
	return 0;
}

enum http_err
transfer_configure(CURL *easy, const struct transfer_options *o,
    struct curl_slist *headers, struct tlstrust *trust, char *errbuf)
{
	CURLcode rc = CURLE_OK;

	/* Each setopt is checked; the first failure is reported. */
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(easy, opt, val);                 \
	} while (0)
	SET(CURLOPT_WRITEFUNCTION, response_on_body);
	SET(CURLOPT_HEADERFUNCTION, response_on_header);
	/* No signal handlers per transfer; SIGPIPE is ignored process-wide. */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, o->follow_redirects ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, o->max_redirects);
	SET(CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
	SET(CURLOPT_USERAGENT, o->user_agent);
	/* "" asks for every encoding this libcurl can decode. */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_HTTP_VERSION,
	    o->http1_only ? (long)CURL_HTTP_VERSION_1_1
			  : (long)CURL_HTTP_VERSION_2TLS);
	/*
	 * Custom headers replace libcurl's own of the same name (User-Agent
	 * included, over -A). libcurl 7.88 sends none of the custom
	 * Authorization and Cookie headers to another host or port after a
	 * redirect (CURLOPT_UNRESTRICTED_AUTH stays off).
	 */
	if (headers != NULL)
		SET(CURLOPT_HTTPHEADER, headers);
	if (o->data != NULL) {
		/* Binary-safe: the size is given, never taken from strlen. */
		SET(CURLOPT_POSTFIELDS, o->data);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->data_len);
	}
	/*
	 * A method libcurl would send anyway is not forced, so that a 301,
	 * 302 or 303 after a POST turns into a GET as browsers do; a custom
	 * one is kept on every request, redirects included. HEAD must not
	 * wait for a body.
	 */
	if (o->method != NULL && strcmp(o->method, "HEAD") == 0)
		SET(CURLOPT_NOBODY, 1L);
	else if (o->method != NULL &&
	    strcmp(o->method, o->data != NULL ? "POST" : "GET") != 0)
		SET(CURLOPT_CUSTOMREQUEST, o->method);
	if (o->insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (rc == CURLE_OK && trust != NULL &&
	    tlstrust_apply(trust, easy, errbuf) != HTTP_OK)
		return HTTP_ERR_CURL;
	/*
	 * A 64 KiB receive buffer takes bulk bodies in a quarter of the
	 * reads (and polls) of libcurl's 16 KiB: bench S3 runs 1.3x faster.
	 * Memory per transfer in flight does not grow with it, as only the
	 * pages a body touches become resident (bench M).
	 */
	SET(CURLOPT_BUFFERSIZE, 65536L);
	/*
	 * Unset, libcurl looks up http_proxy, NO_PROXY ... for every
	 * transfer. When none is set, saying "no proxy" up front is the
	 * same answer without the look-ups.
	 */
	if (o->proxy != NULL)
		SET(CURLOPT_PROXY, o->proxy);
	else if (!proxy_env_set()) {
		SET(CURLOPT_PROXY, "");
		SET(CURLOPT_NOPROXY, "");
	}
#undef SET
	return rc == CURLE_OK ? HTTP_OK : http_err_curl(errbuf, rc);
}

enum http_err
transfer_prepare(CURL *easy, const struct transfer_options *o,
    const struct transfer_spec *spec)
{
	CURLcode rc;

	/*
	 * Waiting to multiplex pays only over TLS, where HTTP/2 is offered.
	 * Over plain HTTP/1.1 it would hold every new transfer to a host
	 * until the first response's headers arrived.
	 */
	if ((rc = curl_easy_setopt(easy, CURLOPT_URL, spec->url)) != CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_PRIVATE, spec->private)) !=
		CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, spec->errbuf)) !=
		CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_WRITEDATA, spec->response)) !=
		CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_HEADERDATA, spec->response)) !=
		CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_PIPEWAIT,
		 strncasecmp(spec->url, "https:", 6) == 0 && !o->http1_only
		     ? 1L
		     : 0L)) != CURLE_OK) {
		return http_err_curl(spec->errbuf, rc);
	}
	return HTTP_OK;
}

void
transfer_release(CURL *easy)
{
	/*
	 * An idle handle must not point where libcurl might write or we might
	 * read: the fetch that owned the error buffer may be freed before the
	 * handle is used or cleaned up again. The callbacks' data is only
	 * read during a transfer, and the next attempt sets it.
	 */
	(void)curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, (char *)NULL);
	(void)curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)NULL);
}

static double
info_seconds(CURL *easy, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(easy, what, &us) != CURLE_OK)
		return -1;
	return (double)us / 1e6;
}

static char *
info_string(CURL *easy, CURLINFO what)
{
	char *s = NULL;

	if (curl_easy_getinfo(easy, what, &s) != CURLE_OK || s == NULL ||
	    *s == '\0')
		return NULL;
	return strdup(s);
}

static const char *
version_name(long v)
{
	switch (v) {
	case CURL_HTTP_VERSION_1_0:
		return "1.0";
	case CURL_HTTP_VERSION_1_1:
		return "1.1";
	case CURL_HTTP_VERSION_2_0:
		return "2";
	case CURL_HTTP_VERSION_3:
		return "3";
	}
	return NULL;
}

void
transfer_info(CURL *easy, struct record *rec, long long size, int responded)
{
	long l;
	static const struct {
		enum record_time which;
		CURLINFO	 info;
	} phases[] = {
		{ TIME_DNS, CURLINFO_NAMELOOKUP_TIME_T },
		{ TIME_CONNECT, CURLINFO_CONNECT_TIME_T },
		{ TIME_TLS, CURLINFO_APPCONNECT_TIME_T },
		{ TIME_TTFB, CURLINFO_STARTTRANSFER_TIME_T },
		{ TIME_TOTAL, CURLINFO_TOTAL_TIME_T },
	};
	size_t i;

	if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &l) == CURLE_OK)
		rec->status = l;
	if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &l) == CURLE_OK)
		rec->redirects = l;
	if (curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &l) == CURLE_OK)
		rec->http_version = rec->status != 0 ? version_name(l) : NULL;
	free(rec->final_url);
	rec->final_url = info_string(easy, CURLINFO_EFFECTIVE_URL);
	free(rec->content_type);
	rec->content_type = info_string(easy, CURLINFO_CONTENT_TYPE);
	free(rec->ip);
	rec->ip = info_string(easy, CURLINFO_PRIMARY_IP);
	rec->size = size;
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		double t = info_seconds(easy, phases[i].info);

		if (t <= 0 && !(responded && phases[i].which != TIME_TLS))
			t = -1;
		rec->time[phases[i].which] = t;
	}
	/* TLS has a time only over https. */
	if (rec->time[TIME_TLS] <= 0)
		rec->time[TIME_TLS] = -1;
}
