/*
 * response: the receiving end of one attempt. It owns the attempt's body
 * buffer, header fields and -o file handle, and reads the status, Location
 * and Retry-After out of the header lines as they come. libcurl calls it
 * through its write and header callbacks; the fetch's attempt resets it,
 * reads it when the transfer ends, and takes the body for the record.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errmap.h"
#include "hdrs.h"
#include "response.h"
#include "savefile.h"
#include "url.h"

/* The longest Location line kept to check a redirect's scheme. */
#define LOCATION_MAX 8192
/* The longest Retry-After line read; a date takes 29 bytes. */
#define RETRY_AFTER_MAX 256

enum http_err
response_init(struct response *r, long long cap, int keep_body,
    int want_headers, size_t hdrs_limit)
{
	memset(r, 0, sizeof(*r));
	r->length = -1;
	r->cap = cap;
	r->keep_body = keep_body;
	/* The cap bounds the kept body; one byte past it is never kept. */
	buf_init(&r->body, cap >= 0 ? (size_t)cap : SIZE_MAX);
	if (want_headers && (r->hdrs = hdrs_new(hdrs_limit)) == NULL)
		return HTTP_ERR_NOMEM;
	return HTTP_OK;
}

/* Forgets what was learnt of the previous response's header block. */
static void
forget_response(struct response *r)
{
	free(r->location);
	r->location = NULL;
	free(r->retry_after);
	r->retry_after = NULL;
	r->headers_done = 0;
	r->chunked = 0;
	r->has_te = 0;
	r->length_bad = 0;
	r->length = -1;
	r->why[0] = '\0';
}

void
response_reset(struct response *r)
{
	r->flags = 0;
	r->save_errno = 0;
	r->body_bytes = 0;
	buf_clear(&r->body);
	if (r->hdrs != NULL)
		hdrs_reset(r->hdrs);
	r->responded = 0;
	r->status = 0;
	r->header_bytes = 0;
	forget_response(r);
}

void
response_free(struct response *r)
{
	response_reset(r);
	buf_free(&r->body);
	hdrs_free(r->hdrs);
	r->hdrs = NULL;
}

size_t
response_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t		 len = size * nmemb;

	r->body_bytes += (long long)len;
	if (r->cap >= 0 && r->body_bytes > r->cap) {
		r->flags |= ERRMAP_TOO_LARGE;
		return 0;
	}
	if (r->tap != NULL)
		r->tap(r->tap_arg, data, len);
	if (r->keep_body && buf_append(&r->body, data, len) == -1) {
		r->flags |= ERRMAP_NO_MEMORY;
		return 0;
	}
	if (r->save != NULL && savefile_write(r->save, data, len) != HTTP_OK) {
		r->flags |= ERRMAP_WRITE_FAILED;
		r->save_errno = errno;
		return 0;
	}
	return len;
}

/* Returns a copy of a header's value, without its white space and CR LF. */
static char *
header_value(const char *line, size_t len, size_t namelen)
{
	const char *value = line + namelen;
	size_t	    vlen = len - namelen;
	char	   *copy;

	while (vlen > 0 && (*value == ' ' || *value == '\t'))
		value++, vlen--;
	while (vlen > 0 &&
	    (value[vlen - 1] == '\r' || value[vlen - 1] == '\n' ||
		value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		vlen--;
	if ((copy = malloc(vlen + 1)) != NULL) {
		memcpy(copy, value, vlen);
		copy[vlen] = '\0';
	}
	return copy;
}

/* Returns 1 when c is optional white space (RFC 9110 OWS). */
static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Reads a Content-Length value (the n bytes after the colon, CR LF
 * excluded) into r: a list of 1*DIGIT below 2^63, all equal, and equal to
 * any earlier Content-Length of the response (RFC 9110 section 8.6 lets
 * identical duplicates through). Anything else marks it bad.
 */
static void
read_length(struct response *r, const char *s, size_t n)
{
	size_t	  i = 0, digits;
	long long v, before = r->length;
	int	  any = 0;

	while (n > 0 && is_ows(*s))
		s++, n--;
	while (n > 0 && is_ows(s[n - 1]))
		n--;
	while (i < n) {
		while (i < n && is_ows(s[i]))
			i++;
		if (i < n && s[i] == ',') {
			/* Empty list elements are to be ignored. */
			i++;
			continue;
		}
		for (v = 0, digits = 0; i < n && s[i] >= '0' && s[i] <= '9';
		     i++, digits++) {
			if (v > (INT64_MAX - (s[i] - '0')) / 10)
				goto bad;
			v = v * 10 + (s[i] - '0');
		}
		while (i < n && is_ows(s[i]))
			i++;
		if (digits == 0 || (i < n && s[i] != ','))
			goto bad;
		if (r->length >= 0 && r->length != v)
			goto bad;
		r->length = v;
		any = 1;
	}
	if (any)
		return;
bad:
	if (r->length_bad)
		return;
	r->length_bad = 1;
	if (before >= 0)
		snprintf(r->why, sizeof(r->why),
		    "conflicting Content-Length: %lld and \"%.*s\"", before,
		    (int)(n < 64 ? n : 64), s);
	else
		snprintf(r->why, sizeof(r->why),
		    "invalid Content-Length: \"%.*s\"", (int)(n < 64 ? n : 64),
		    s);
}

/* Returns 1 when the Transfer-Encoding value names chunked, any case. */
static int
names_chunked(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (strncasecmp(s + i, "chunked", 7) == 0)
			return 1;
	return 0;
}

/* Returns the length of the line without its CR LF. */
static size_t
chomp(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	return len;
}

size_t
response_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t		 len = size * nmemb, n = chomp(line, len);

	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);

		/*
		 * libcurl counts header bytes per request: a response after
		 * a final one (a redirect) belongs to a new request, one
		 * after a 1xx to the same.
		 */
		if (r->headers_done)
			r->header_bytes = 0;
		r->responded = 1;
		r->status = 0;
		/*
		 * The line is not NUL-terminated (strtol would read on past
		 * it): the status is the three digits after the space.
		 */
		if (sp != NULL && (size_t)(sp - line) + 4 <= len &&
		    isdigit((unsigned char)sp[1]) &&
		    isdigit((unsigned char)sp[2]) &&
		    isdigit((unsigned char)sp[3]))
			r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 +
			    (sp[3] - '0');
		forget_response(r);
	}
	/* libcurl's total, counted as it does: every line as received. */
	r->header_bytes += (long long)len;
	if (r->header_bytes > ERRMAP_HEADER_TOTAL_MAX) {
		r->flags |= ERRMAP_HEADERS_TOO_LARGE;
		return 0;
	}
	if (r->hdrs != NULL)
		(void)hdrs_feed(r->hdrs, line, len);
	if (n == 0) {
		/* The end of a header block; a 1xx is followed by another. */
		if (r->status >= 100 && r->status <= 199)
			return len;
		r->headers_done = 1;
		/*
		 * Transfer-Encoding overrides Content-Length (RFC 9112
		 * section 6.3); without one a bad length leaves no way to
		 * tell where the body ends. Bodiless statuses need none.
		 */
		if (r->length_bad && !r->has_te && r->status != 204 &&
		    r->status != 304) {
			r->flags |= ERRMAP_BAD_FRAMING;
			return 0;
		}
	} else if (len > 9 && strncasecmp(line, "location:", 9) == 0 &&
	    len < LOCATION_MAX) {
		free(r->location);
		r->location = header_value(line, len, 9);
	} else if (len > 12 && strncasecmp(line, "retry-after:", 12) == 0 &&
	    len < RETRY_AFTER_MAX) {
		free(r->retry_after);
		r->retry_after = header_value(line, len, 12);
	} else if (n >= 15 && strncasecmp(line, "content-length:", 15) == 0) {
		read_length(r, line + 15, n - 15);
	} else if (n >= 18 &&
	    strncasecmp(line, "transfer-encoding:", 18) == 0) {
		r->has_te = 1;
		if (names_chunked(line + 18, n - 18))
			r->chunked = 1;
	}
	return len;
}

int
response_refused_redirect(const struct response *r)
{
	if (r->status < 300 || r->status > 399 || r->location == NULL)
		return 0;
	if (strstr(r->location, "://") == NULL &&
	    strncasecmp(r->location, "file:", 5) != 0)
		return 0;
	return !url_scheme_allowed(r->location);
}

char *
response_take_body(struct response *r, size_t *len)
{
	char *body;

	*len = r->body.len;
	if ((body = buf_steal(&r->body)) == NULL)
		*len = 0;
	return body;
}
