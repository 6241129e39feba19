/*
 * transfer: one attempt's libcurl side. transfer_configure() turns afetch's
 * request options into an easy handle's options, transfer_prepare() adds
 * one attempt's URL and buffers, and transfer_info() reads what libcurl
 * measured back into the record. Knows nothing of tasks, retries or JSON.
 */
#ifndef AFETCH_TRANSFER_H
#define AFETCH_TRANSFER_H

#include <curl/curl.h>

#include "httperr.h"
#include "record.h"

struct response;
struct tlstrust;

/* What every request of a run asks for, as the command line said. */
struct transfer_options {
	double	    timeout;	     /* per attempt, seconds; 0: none */
	double	    connect_timeout; /* seconds; 0: libcurl's */
	int	    follow_redirects;
	long	    max_redirects;
	const char *user_agent;
	int	    http1_only;
	const char *method; /* NULL: GET, or POST with data */
	const char *data;   /* request body; NULL: none */
	size_t	    data_len;
	int	    insecure;
	const char *cacert; /* with capath: NULL both for the system's */
	const char *capath;
	const char *proxy;
};

/* What differs from one attempt to the next. */
struct transfer_spec {
	const char	*url;
	struct response *response; /* the callbacks' data */
	void *private;		   /* CURLOPT_PRIVATE */
	char *errbuf;		   /* CURL_ERROR_SIZE bytes */
};

/*
 * Sets the options every transfer of the run shares on a new easy handle:
 * done once per handle, which then keeps them from one attempt to the next
 * (libcurl keeps a handle's options between transfers). headers is the -H
 * list or NULL; trust the CAs to verify peers with (NULL with -k); they,
 * and the strings and request body in o, must outlive the handle. Returns
 * HTTP_OK, or HTTP_ERR_CURL with libcurl's reason in errbuf
 * (CURL_ERROR_SIZE bytes); the handle is then not to be used.
 */
enum http_err transfer_configure(CURL *easy, const struct transfer_options *o,
    struct curl_slist *headers, struct tlstrust *trust, char *errbuf);

/*
 * Sets what is particular to one attempt on a configured handle: its URL,
 * the callbacks' data, the error buffer. The URL is copied; the response
 * and errbuf must outlive the transfer. Returns HTTP_OK, or HTTP_ERR_CURL
 * with libcurl's reason in spec->errbuf.
 */
enum http_err transfer_prepare(CURL *easy, const struct transfer_options *o,
    const struct transfer_spec *spec);

/* Detaches a finished attempt's memory from the handle before it idles. */
void transfer_release(CURL *easy);

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
