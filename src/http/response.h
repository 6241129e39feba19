/*
 * response: what one attempt receives, as libcurl hands it over.
 *
 * The two callbacks below are libcurl's CURLOPT_WRITEFUNCTION and
 * CURLOPT_HEADERFUNCTION, with a struct response as their data. The body is
 * counted (after content decoding), and kept for --body and written to the
 * -o file when those are asked for; the header lines give the latest
 * response's status, Location and Retry-After, and its fields for
 * --headers. Every status line (a redirect, a 1xx, a proxy's CONNECT
 * reply) starts afresh, so what is left at the end is the final
 * response's. Nothing here talks to the network.
 */
#ifndef AFETCH_RESPONSE_H
#define AFETCH_RESPONSE_H

#include <stddef.h>

#include "buf.h"
#include "httperr.h"

struct hdrs;
struct savefile;

struct response {
	/* What to do with what comes, set by response_init(). */
	long long    cap;	/* body bytes; < 0: no limit */
	int	     keep_body; /* --body */
	struct hdrs *hdrs;	/* --headers: owned; NULL: not kept */
	/* -o: the attempt's file, the caller's; NULL: not saved. */
	struct savefile *save;
	/* Sees each chunk of the body that is taken (crawl mode); or NULL. */
	void (*tap)(void *arg, const char *data, size_t len);
	void *tap_arg;

	/* What came, since the last response_reset(). */
	/* ERRMAP_TOO_LARGE, _WRITE_FAILED, _BAD_FRAMING, _HEADERS_TOO_LARGE */
	int	   flags;
	int	   save_errno;	 /* why keeping the body failed */
	long long  body_bytes;	 /* received, past the cap included */
	struct buf body;	 /* with keep_body, at most cap bytes */
	int	   responded;	 /* a status line came */
	long	   status;	 /* the latest status line's; 0: none */
	char	  *location;	 /* its Location, NULL: none */
	char	  *retry_after;	 /* its Retry-After, NULL: none */
	int	   headers_done; /* the final response's header block ended */
	int	   chunked;	 /* its Transfer-Encoding names chunked */
	int	   has_te;	 /* it has a Transfer-Encoding */
	int	   length_bad;	 /* its Content-Length is invalid */
	long long  length;	 /* its Content-Length; -1: none */
	long long  header_bytes; /* of the current request, 1xx included */
	char	   why[128];	 /* with ERRMAP_BAD_FRAMING: what was wrong */
};

/*
 * Initialises r. With want_headers, r gets a header set (bounded by
 * hdrs_limit bytes). Returns HTTP_OK, or HTTP_ERR_NOMEM.
 */
enum http_err response_init(struct response *r, long long cap, int keep_body,
    int want_headers, size_t hdrs_limit);

/* Forgets what came (a new attempt starts); keeps the settings. */
void response_reset(struct response *r);

/* Frees what r owns (not save, which is the caller's). */
void response_free(struct response *r);

/*
 * CURLOPT_WRITEFUNCTION. Returns nmemb * size, or 0 to stop the transfer:
 * the body passed cap (ERRMAP_TOO_LARGE in flags), memory to keep it ran
 * out (ERRMAP_NO_MEMORY), or it could not be written (ERRMAP_WRITE_FAILED,
 * errno in save_errno).
 */
size_t response_on_body(char *data, size_t size, size_t nmemb, void *r);

/*
 * CURLOPT_HEADERFUNCTION. Returns nmemb * size, or 0 to stop the transfer:
 * the request's header lines passed libcurl's total limit
 * (ERRMAP_HEADERS_TOO_LARGE; libcurl would stop it just after us, and call
 * it a receive error), or a header block that ends with no
 * Transfer-Encoding has an invalid Content-Length (RFC 9110 section 8.6,
 * RFC 9112 section 6.3: not 1*DIGIT, 2^63 or more, or values that differ,
 * in a list or in several fields; ERRMAP_BAD_FRAMING, with why set).
 */
size_t response_on_header(char *line, size_t size, size_t nmemb, void *r);

/*
 * Returns 1 when the latest response redirected to a URL whose scheme
 * afetch refuses (file:, ftp: ...), else 0. A Location without "://" is
 * relative, so it keeps the current, allowed scheme.
 */
int response_refused_redirect(const struct response *r);

/*
 * Hands the kept body to the caller (free() it), its length in *len, and
 * leaves r's empty. Returns NULL when out of memory.
 */
char *response_take_body(struct response *r, size_t *len);

#endif
