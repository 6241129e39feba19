#define _POSIX_C_SOURCE 200809L

#include <errno.h>
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

int
response_init(struct response *r, long long cap, int keep_body,
    int want_headers, size_t hdrs_limit)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->keep_body = keep_body;
	/* The cap bounds the kept body; one byte past it is never kept. */
	buf_init(&r->body, cap >= 0 ? (size_t)cap : SIZE_MAX);
	if (want_headers && (r->hdrs = hdrs_new(hdrs_limit)) == NULL)
		return -1;
	return 0;
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
	free(r->location);
	r->location = NULL;
	free(r->retry_after);
	r->retry_after = NULL;
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
	if (r->keep_body && buf_append(&r->body, data, len) == -1) {
		r->flags |= ERRMAP_WRITE_FAILED;
		r->save_errno = ENOMEM;
		return 0;
	}
	if (r->save != NULL && savefile_write(r->save, data, len) == -1) {
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

size_t
response_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t		 len = size * nmemb;

	if (r->hdrs != NULL)
		(void)hdrs_feed(r->hdrs, line, len);
	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);

		r->responded = 1;
		r->status = 0;
		if (sp != NULL && (size_t)(sp - line) + 4 <= len)
			r->status = strtol(sp + 1, NULL, 10);
		free(r->location);
		r->location = NULL;
		free(r->retry_after);
		r->retry_after = NULL;
	} else if (len > 9 && strncasecmp(line, "location:", 9) == 0 &&
	    len < LOCATION_MAX) {
		free(r->location);
		r->location = header_value(line, len, 9);
	} else if (len > 12 && strncasecmp(line, "retry-after:", 12) == 0 &&
	    len < RETRY_AFTER_MAX) {
		free(r->retry_after);
		r->retry_after = header_value(line, len, 12);
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
