/*
 * transfer: one attempt's libcurl side. transfer_setup() turns afetch's
 * request options into an easy handle's options; transfer_info() reads
 * what libcurl measured back into the record. Knows nothing of tasks,
 * retries or JSON.
 */
#ifndef AFETCH_TRANSFER_H
#define AFETCH_TRANSFER_H

#include <curl/curl.h>

#include "fetch.h"
#include "record.h"

struct response;

/* What differs from one attempt to the next. */
struct transfer_spec {
	const char	  *url;
	struct curl_slist *headers;  /* -H, or NULL */
	struct response	  *response; /* the callbacks' data */
	void *private;		     /* CURLOPT_PRIVATE */
	char *errbuf;		     /* CURL_ERROR_SIZE bytes */
};

/*
 * Sets every option of one attempt on a fresh (or reset) easy handle. The
 * strings, header list and request body must outlive the transfer.
 * Returns 0, or -1 with libcurl's reason in spec->errbuf.
 */
int transfer_setup(CURL *easy, const struct fetch_options *o,
    const struct transfer_spec *spec);

/*
 * Copies what libcurl measured of the attempt into rec: status, redirects,
 * HTTP version, final URL, content type, IP and the times (all but
 * queue); size is the body bytes counted. Phases an attempt never reached
 * read as 0 from libcurl and become null, unless the attempt responded
 * (a reused connection really took 0 s to connect).
 */
void transfer_info(
    CURL *easy, struct record *rec, long long size, int responded);

#endif
