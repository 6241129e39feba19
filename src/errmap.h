/*
 * errmap: sorts libcurl's result codes into the contract's error codes.
 *
 * libcurl files some different faults under one code (in 7.88 a bad status
 * line and a redirect to file:// are both CURLE_UNSUPPORTED_PROTOCOL, and a
 * bad chunk is a CURLE_RECV_ERROR like a reset), so the fetch passes what
 * else it saw as flags, and the error text where nothing else tells.
 */
#ifndef AFETCH_ERRMAP_H
#define AFETCH_ERRMAP_H

#include <curl/curl.h>

#include "record.h"

/* What the fetch saw beside libcurl's code. */
#define ERRMAP_BAD_REDIRECT 0x01 /* a redirect to a refused scheme */
#define ERRMAP_TOO_LARGE    0x02 /* we stopped the body at --max-size */
#define ERRMAP_CANCELLED    0x04 /* we stopped the transfer */
#define ERRMAP_WRITE_FAILED 0x08 /* saving the body failed */

/*
 * Returns the error code for a finished transfer: ERROR_NONE for
 * CURLE_OK, otherwise one of the contract's codes. errbuf is libcurl's
 * CURLOPT_ERRORBUFFER text (may be empty, not NULL).
 */
enum record_error errmap_classify(
    CURLcode result, const char *errbuf, int flags);

#endif
