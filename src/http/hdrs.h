/*
 * hdrs: the header fields of one HTTP response, as --headers reports them.
 *
 * Lines go in as libcurl's CURLOPT_HEADERFUNCTION hands them over, status
 * lines and the blank line included. Names are lower-cased; a name seen
 * again has its value appended after ", ". A status line ("HTTP/...")
 * starts a new response and forgets the fields kept so far, so after
 * redirects and 1xx responses only the final response's fields are left.
 * Memory is bounded: fields that would take the total of names and values
 * past the limit are dropped whole.
 */
#ifndef AFETCH_HDRS_H
#define AFETCH_HDRS_H

#include <stddef.h>

#include "httperr.h"

struct hdrs;

/* Returns an empty set keeping at most limit bytes, or NULL (no memory). */
struct hdrs *hdrs_new(size_t limit);

/* Frees the set. NULL is ignored. */
void hdrs_free(struct hdrs *h);

/* Forgets every field (a new response starts). Keeps the storage. */
void hdrs_reset(struct hdrs *h);

/*
 * Takes one header line of len bytes (its CR LF may be there or not):
 * - "HTTP/..." resets the set (a new response);
 * - "Name: value" adds the field; surrounding white space of the value is
 *   dropped; a name that is not an HTTP token (RFC 9110 tchar) makes the
 *   line ignored;
 * - a line starting with a space or tab continues the previous field's
 *   value (obsolete line folding), joined with one space;
 * - a blank line or any other line is ignored.
 * Returns HTTP_OK, or HTTP_ERR_LIMIT or HTTP_ERR_NOMEM when the field was
 * dropped; the set stays consistent either way.
 */
enum http_err hdrs_feed(struct hdrs *h, const char *line, size_t len);

/* Returns the number of distinct fields kept. */
size_t hdrs_count(const struct hdrs *h);

/* Returns field i's lower-cased name, NUL-terminated (i < count). */
const char *hdrs_name(const struct hdrs *h, size_t i);

/*
 * Returns field i's value and its length in *len: raw bytes from the
 * server (may be invalid UTF-8), NUL-terminated after len bytes.
 */
const char *hdrs_value(const struct hdrs *h, size_t i, size_t *len);

/*
 * Returns the value of the field named name (any case), as hdrs_value(),
 * or NULL when there is none.
 */
const char *hdrs_get(const struct hdrs *h, const char *name, size_t *len);

/* Returns the bytes of names and values kept (bounded by the limit). */
size_t hdrs_size(const struct hdrs *h);

/* Returns 1 when a field was dropped since the last reset, else 0. */
int hdrs_dropped(const struct hdrs *h);

#endif
