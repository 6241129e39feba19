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

enum http_err {
	HTTP_OK = 0,
	HTTP_ERR_NOMEM = -1,  /* an allocation failed */
	HTTP_ERR_CURL = -2,   /* libcurl refused an option or a handle */
	HTTP_ERR_LIMIT = -3,  /* a bound given by the caller was reached */
	HTTP_ERR_SYSTEM = -4, /* a system call failed; errno says why */
	HTTP_ERR_LOCALE = -5, /* no UTF-8 locale could be set */
};

#endif
