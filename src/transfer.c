#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "response.h"
#include "transfer.h"

int
transfer_setup(
    CURL *easy, const struct fetch_options *o, const struct transfer_spec *spec)
{
	CURLcode rc = CURLE_OK;

	/* Each setopt is checked; the first failure is reported. */
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(easy, opt, val);                 \
	} while (0)
	SET(CURLOPT_URL, spec->url);
	SET(CURLOPT_PRIVATE, spec->private);
	SET(CURLOPT_ERRORBUFFER, spec->errbuf);
	SET(CURLOPT_WRITEFUNCTION, response_on_body);
	SET(CURLOPT_WRITEDATA, spec->response);
	SET(CURLOPT_HEADERFUNCTION, response_on_header);
	SET(CURLOPT_HEADERDATA, spec->response);
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
	/*
	 * Waiting to multiplex pays only over TLS, where HTTP/2 is offered.
	 * Over plain HTTP/1.1 it would hold every new transfer to a host
	 * until the first response's headers arrived.
	 */
	SET(CURLOPT_PIPEWAIT,
	    strncasecmp(spec->url, "https:", 6) == 0 && !o->http1_only ? 1L
								       : 0L);
	SET(CURLOPT_HTTP_VERSION,
	    o->http1_only ? (long)CURL_HTTP_VERSION_1_1
			  : (long)CURL_HTTP_VERSION_2TLS);
	/*
	 * Custom headers replace libcurl's own of the same name (User-Agent
	 * included, over -A). libcurl 7.88 sends none of the custom
	 * Authorization and Cookie headers to another host or port after a
	 * redirect (CURLOPT_UNRESTRICTED_AUTH stays off).
	 */
	if (spec->headers != NULL)
		SET(CURLOPT_HTTPHEADER, spec->headers);
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
	if (o->cacert != NULL)
		SET(CURLOPT_CAINFO, o->cacert);
	/*
	 * A 64 KiB receive buffer takes bulk bodies in a quarter of the
	 * reads (and polls) of libcurl's 16 KiB: bench S3 runs 1.3x faster.
	 * Memory per transfer in flight does not grow with it, as only the
	 * pages a body touches become resident (bench M). It is a hint:
	 * libcurl 7.88 refuses it (CURLE_BAD_FUNCTION_ARGUMENT) on a reused
	 * handle that still has its buffer, which then serves as it is.
	 */
	(void)curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 65536L);
	/* Unset, libcurl reads http_proxy, HTTPS_PROXY, NO_PROXY ... */
	if (o->proxy != NULL)
		SET(CURLOPT_PROXY, o->proxy);
#undef SET
	if (rc != CURLE_OK) {
		snprintf(spec->errbuf, CURL_ERROR_SIZE, "%s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
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
