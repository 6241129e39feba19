/*
 * httperr: the one error type of the curl bridge layer (src/http/).
 *
 * Every http function that can fail returns an enum http_err, and its
 * header names the values it may return and where the detail is kept
 * (libcurl's reason in an error buffer, errno). Success is 0 and every
 * failure is negative. libcurl's own codes stay inside this layer, except
 * as the input errmap classifies into the contract's record errors.
 */
#ifndef AFETCH_HTTPERR_H
#define AFETCH_HTTPERR_H

#include <stdio.h>

#include <curl/curl.h>

enum http_err {
	HTTP_OK = 0,
	HTTP_ERR_NOMEM = -1,  /* an allocation failed */
	HTTP_ERR_CURL = -2,   /* libcurl refused an option or a handle */
	HTTP_ERR_LIMIT = -3,  /* a bound given by the caller was reached */
	HTTP_ERR_SYSTEM = -4, /* a system call failed; errno says why */
	HTTP_ERR_LOCALE = -5, /* no UTF-8 locale could be set */
};

/*
 * Writes libcurl's text for rc into errbuf (CURL_ERROR_SIZE bytes) and
 * returns HTTP_ERR_CURL: how this layer reports a refused option.
 */
static inline enum http_err
http_err_curl(char *errbuf, CURLcode rc)
{
	snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
	return HTTP_ERR_CURL;
}

#endif
