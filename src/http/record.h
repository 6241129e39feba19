/*
 * record: the outcome of one URL, as written in its JSON line.
 *
 * The fetch fills a record; output turns it into JSON. Strings are raw
 * bytes from wherever they came (input, server, libcurl) and are made
 * valid UTF-8 only when written.
 */
#ifndef AFETCH_RECORD_H
#define AFETCH_RECORD_H

#include <stddef.h>

#include "httperr.h"

struct hdrs;

enum record_state {
	RECORD_DONE,	 /* an HTTP response was received */
	RECORD_ERROR,	 /* no usable response */
	RECORD_CANCELLED /* stopped before completion */
};

/* The contract's error codes; ERROR_NONE means the field is null. */
enum record_error {
	ERROR_NONE,
	ERROR_INVALID_URL,
	ERROR_UNSUPPORTED_SCHEME,
	ERROR_DNS,
	ERROR_CONNECT,
	ERROR_TLS,
	ERROR_TIMEOUT,
	ERROR_RESET,
	ERROR_PROTOCOL,
	ERROR_TOO_MANY_REDIRECTS,
	ERROR_TOO_LARGE,
	ERROR_WRITE,
	ERROR_CANCELLED,
	ERROR_ROBOTS,  /* crawl mode: robots.txt disallows the URL */
	ERROR_INTERNAL /* afetch itself failed (out of memory ...) */
};

/* The optional fields a record carries, when asked for (record.extras). */
#define RECORD_HEADERS 0x01 /* "headers" */
#define RECORD_BODY    0x02 /* "body" or "body_base64" */
#define RECORD_PATH    0x04 /* "path" */
#define RECORD_CRAWL   0x08 /* "depth", "parent", and "links" when parsed */

/* The keys of the record's "time" object, in output order. */
enum record_time {
	TIME_QUEUE,
	TIME_DNS,
	TIME_CONNECT,
	TIME_TLS,
	TIME_TTFB,
	TIME_TOTAL,
	TIME_COUNT
};

struct record {
	size_t		  index;
	char		 *url;	   /* as read, trimmed */
	size_t		  url_len; /* may hold NUL bytes */
	enum record_state state;
	long		  status;    /* 0: null */
	char		 *final_url; /* NULL: null */
	long		  redirects;
	const char	 *http_version; /* static; NULL: null */
	long long	  size;
	char		 *content_type; /* NULL: null */
	char		 *ip;		/* NULL: null */
	int		  attempts;
	double		  time[TIME_COUNT]; /* < 0: null */
	enum record_error error;
	char		 *error_message;

	/* Optional fields: written when their RECORD_* bit is in extras. */
	unsigned     extras;
	struct hdrs *headers;  /* owned; NULL: null */
	char	    *body;     /* owned; NULL: null */
	size_t	     body_len; /* may hold NUL bytes */
	char	    *path;     /* owned; NULL: null */

	/* Crawl mode (RECORD_CRAWL). */
	long	  depth;
	long long parent;    /* index of the page that added it; < 0: null */
	int	  parsed;    /* the page was parsed: "links" is written */
	char	 *links;     /* owned: nlinks URLs, each ending in a NUL */
	size_t	  links_len; /* bytes used at links */
	size_t	  links_cap; /* bytes allocated there */
	size_t	  nlinks;
};

/* Sets every field to its empty value (null times, no strings). */
void record_init(struct record *rec);

/* Frees what the record owns (strings, headers, body) and empties it. */
void record_clear(struct record *rec);

/*
 * Appends the NUL-terminated URL url to the record's links. Returns
 * HTTP_OK, or HTTP_ERR_NOMEM (the links are then unchanged).
 */
enum http_err record_add_link(struct record *rec, const char *url);

/* Returns the error code's name, as in the contract ("dns" ...), or NULL. */
const char *record_error_name(enum record_error error);

/* Returns "done", "error" or "cancelled". */
const char *record_state_name(enum record_state state);

/* Returns the key of a time field ("queue" ...). */
const char *record_time_name(enum record_time which);

/*
 * Sets state, error code and a copy of the message. Returns HTTP_OK, or
 * HTTP_ERR_NOMEM (the message is then a fixed "out of memory").
 */
enum http_err record_set_error(struct record *rec, enum record_state state,
    enum record_error error, const char *message);

#endif
