/*
 * errmap: sorts libcurl's result codes into the contract's error codes.
 *
 * libcurl files some different faults under one code (in 7.88 a bad status
 * line and a redirect to file:// are both CURLE_UNSUPPORTED_PROTOCOL; a
 * refused header line is CURLE_OUT_OF_MEMORY before 8.6; a corrupt
 * compressed body can be CURLE_WRITE_ERROR like a body we failed to save),
 * so the fetch passes what else it saw as flags. Codes added after 7.88
 * (CURLE_TOO_LARGE in 8.6, CURLE_ECH_REQUIRED in 8.8) are known by number,
 * so a build against 7.88's headers still sorts them when it runs with a
 * newer libcurl.
 */
#ifndef AFETCH_ERRMAP_H
#define AFETCH_ERRMAP_H

#include <curl/curl.h>

#include "record.h"

/* What the fetch saw beside libcurl's code. */
#define ERRMAP_BAD_REDIRECT 0x01 /* a redirect to a refused scheme */
#define ERRMAP_TOO_LARGE    0x02 /* we stopped the body at --max-size */
#define ERRMAP_WRITE_FAILED 0x08 /* saving the body failed */
/* We stopped a response whose framing is invalid (its Content-Length). */
#define ERRMAP_BAD_FRAMING 0x10
/* We stopped a response whose header block passed libcurl's total. */
#define ERRMAP_HEADERS_TOO_LARGE 0x20
/* The failing response's body is chunked (Transfer-Encoding). */
#define ERRMAP_CHUNKED 0x40
/*
 * The failure came while a response's header block was being received,
 * from a libcurl older than 8.6, which refuses a header line over its
 * limit as CURLE_OUT_OF_MEMORY (later ones say CURLE_TOO_LARGE).
 */
#define ERRMAP_OOM_MEANS_LONG_LINE 0x80
/* The request had gone out and the response's header block was not done. */
#define ERRMAP_IN_HEADERS 0x100
/* We stopped the body: no memory to keep it (--body). */
#define ERRMAP_NO_MEMORY 0x200

/* libcurl's limits on response headers (lib/http.h, CURL_MAX_HTTP_HEADER). */
#define ERRMAP_HEADER_LINE_MAX	(100 * 1024)
#define ERRMAP_HEADER_TOTAL_MAX (300 * 1024)

/*
 * Returns the error code for a finished transfer: ERROR_NONE for
 * CURLE_OK, otherwise one of the contract's codes. errbuf is libcurl's
 * CURLOPT_ERRORBUFFER text (may be empty, not NULL); it is read only to
 * tell a malformed chunk from a reset in a chunked body (ERRMAP_CHUNKED),
 * which every libcurl from 7.88 to 8.x reports as CURLE_RECV_ERROR, and
 * an HTTP/2 header block refused for its size (ERRMAP_IN_HEADERS), which
 * libcurl reports only in words (see errmap.c).
 */
enum record_error errmap_classify(
    CURLcode result, const char *errbuf, int flags);

/*
 * Returns afetch's own stable sentence for result where libcurl's text
 * differs between versions or says too little (the caller then appends
 * libcurl's detail), or NULL where libcurl's text is to be used as it is.
 * error is what errmap_classify() returned for the same arguments.
 */
const char *errmap_message(CURLcode result, enum record_error error, int flags);

/*
 * Returns 1 when the libcurl afetch runs with (not the one it was built
 * against) reports a header line over its limit as CURLE_OUT_OF_MEMORY,
 * that is, is older than 8.6.
 */
int errmap_oom_for_long_header(void);

#endif
