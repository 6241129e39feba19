/*
 * record: the outcome of one URL as plain data, and the names the
 * contract gives its states, error codes and times. The record owns its
 * strings; fetch fills it, output and summary read it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "hdrs.h"
#include "record.h"

static const char *const error_names[] = {
	[ERROR_NONE] = NULL,
	[ERROR_INVALID_URL] = "invalid_url",
	[ERROR_UNSUPPORTED_SCHEME] = "unsupported_scheme",
	[ERROR_DNS] = "dns",
	[ERROR_CONNECT] = "connect",
	[ERROR_TLS] = "tls",
	[ERROR_TIMEOUT] = "timeout",
	[ERROR_RESET] = "reset",
	[ERROR_PROTOCOL] = "protocol",
	[ERROR_TOO_MANY_REDIRECTS] = "too_many_redirects",
	[ERROR_TOO_LARGE] = "too_large",
	[ERROR_WRITE] = "write",
	[ERROR_CANCELLED] = "cancelled",
	[ERROR_ROBOTS] = "robots",
	[ERROR_INTERNAL] = "internal",
};

static const char *const time_names[TIME_COUNT] = {
	[TIME_QUEUE] = "queue",
	[TIME_DNS] = "dns",
	[TIME_CONNECT] = "connect",
	[TIME_TLS] = "tls",
	[TIME_TTFB] = "ttfb",
	[TIME_TOTAL] = "total",
};

void
record_init(struct record *rec)
{
	int i;

	memset(rec, 0, sizeof(*rec));
	for (i = 0; i < TIME_COUNT; i++)
		rec->time[i] = -1;
	rec->parent = -1;
}

enum http_err
record_add_link(struct record *rec, const char *url)
{
	size_t len = strlen(url) + 1, cap;
	char  *grown;

	/* Doubling: a page of n links costs O(n) copies in all. */
	if (rec->links_cap - rec->links_len < len) {
		cap = rec->links_cap * 2 > rec->links_len + len
		    ? rec->links_cap * 2
		    : rec->links_len + len + 256;
		if ((grown = realloc(rec->links, cap)) == NULL)
			return HTTP_ERR_NOMEM;
		rec->links = grown;
		rec->links_cap = cap;
	}
	memcpy(rec->links + rec->links_len, url, len);
	rec->links_len += len;
	rec->nlinks++;
	return HTTP_OK;
}

void
record_clear(struct record *rec)
{
	free(rec->url);
	free(rec->final_url);
	free(rec->content_type);
	free(rec->ip);
	free(rec->error_message);
	hdrs_free(rec->headers);
	free(rec->body);
	free(rec->path);
	free(rec->links);
	record_init(rec);
}

const char *
record_error_name(enum record_error error)
{
	if ((size_t)error >= sizeof(error_names) / sizeof(error_names[0]))
		return NULL;
	return error_names[error];
}

const char *
record_state_name(enum record_state state)
{
	switch (state) {
	case RECORD_DONE:
		return "done";
	case RECORD_ERROR:
		return "error";
	case RECORD_CANCELLED:
		return "cancelled";
	}
	return "error";
}

const char *
record_time_name(enum record_time which)
{
	return time_names[which];
}

enum http_err
record_set_error(struct record *rec, enum record_state state,
    enum record_error error, const char *message)
{
	rec->state = state;
	rec->error = error;
	free(rec->error_message);
	if ((rec->error_message = strdup(message)) == NULL)
		return HTTP_ERR_NOMEM;
	return HTTP_OK;
}
