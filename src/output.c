#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hdrs.h"
#include "jsonstr.h"
#include "output.h"

/*
 * Members are added under their key by reference (cJSON's "CS" calls): all
 * keys are string literals, so cJSON need not copy and free each one.
 */
static cJSON *
attach(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL)
		return NULL;
	if (!cJSON_AddItemToObjectCS(obj, key, item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static cJSON *
add_null(cJSON *obj, const char *key)
{
	return attach(obj, key, cJSON_CreateNull());
}

static cJSON *
add_raw(cJSON *obj, const char *key, const char *text)
{
	return attach(obj, key, cJSON_CreateRaw(text));
}

static cJSON *
add_object(cJSON *obj, const char *key)
{
	return attach(obj, key, cJSON_CreateObject());
}

/*
 * Adds a string member, escaped by jsonstr; NULL adds null. The escaped
 * text goes through a scratch buffer because cJSON copies raw values.
 */
static int
add_string(
    cJSON *obj, const char *key, const char *s, size_t len, struct buf *scratch)
{
	if (s == NULL)
		return add_null(obj, key) != NULL ? 0 : -1;
	buf_clear(scratch);
	if (jsonstr_append(scratch, s, len) == -1 || buf_cstr(scratch) == NULL)
		return -1;
	return add_raw(obj, key, buf_cstr(scratch)) != NULL ? 0 : -1;
}

static int
add_cstring(cJSON *obj, const char *key, const char *s, struct buf *scratch)
{
	return add_string(obj, key, s, s != NULL ? strlen(s) : 0, scratch);
}

/*
 * Numbers go to cJSON as raw text formatted here. cJSON prints each number
 * with printf("%1.15g") and checks it back with sscanf, which cost more
 * than all the rest of a record; and seconds written as fixed decimals read
 * better than 1.2e-05.
 */

/* Writes v in decimal ending just before end; returns where it starts. */
static char *
format_unsigned(char *end, unsigned long long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

static int
add_integer(cJSON *obj, const char *key, long long v)
{
	char text[24], *p;

	text[sizeof(text) - 1] = '\0';
	if (v < 0) {
		p = format_unsigned(
		    text + sizeof(text) - 1, 0ULL - (unsigned long long)v);
		*--p = '-';
	} else
		p = format_unsigned(
		    text + sizeof(text) - 1, (unsigned long long)v);
	return add_raw(obj, key, p) != NULL ? 0 : -1;
}

/* An integer, or null when v is 0 (a status never received). */
static int
add_integer_or_null(cJSON *obj, const char *key, long long v)
{
	if (v == 0)
		return add_null(obj, key) != NULL ? 0 : -1;
	return add_integer(obj, key, v);
}

/*
 * Seconds to the microsecond (all libcurl measures), without trailing
 * zeros: 0.000123, 1.5, 2. Negative means not measured: null.
 */
static int
add_seconds(cJSON *obj, const char *key, double t)
{
	char		   text[48], *p, *end;
	unsigned long long us, frac;
	int		   i;

	if (!(t >= 0))
		return add_null(obj, key) != NULL ? 0 : -1;
	if (t > 1e12)
		t = 1e12;
	us = (unsigned long long)(t * 1e6 + 0.5);
	frac = us % 1000000;
	end = text + sizeof(text) - 1;
	*end = '\0';
	if (frac != 0) {
		for (i = 0; i < 6 && frac % 10 == 0; i++)
			frac /= 10;
		p = format_unsigned(end, frac);
		/* Leading zeros of the fraction: 6 digits in all. */
		while (end - p < 6 - i)
			*--p = '0';
		*--p = '.';
		end = p;
	}
	p = format_unsigned(end, us / 1000000);
	return add_raw(obj, key, p) != NULL ? 0 : -1;
}

static int
add_times(cJSON *obj, const struct record *rec)
{
	cJSON *times;
	int    i;

	if ((times = add_object(obj, "time")) == NULL)
		return -1;
	for (i = 0; i < TIME_COUNT; i++)
		if (add_seconds(times, record_time_name(i), rec->time[i]) == -1)
			return -1;
	return 0;
}

static int
add_error(cJSON *obj, const struct record *rec, struct buf *scratch)
{
	cJSON	   *err;
	const char *message;

	if (rec->error == ERROR_NONE)
		return add_null(obj, "error") != NULL ? 0 : -1;
	if ((err = add_object(obj, "error")) == NULL)
		return -1;
	message =
	    rec->error_message != NULL ? rec->error_message : "out of memory";
	if (add_cstring(err, "code", record_error_name(rec->error), scratch) ==
		-1 ||
	    add_cstring(err, "message", message, scratch) == -1)
		return -1;
	return 0;
}

/*
 * "headers": one object, written as a raw value so that names and values
 * pass through jsonstr like every other string from outside.
 */
static int
add_headers(cJSON *obj, const struct record *rec, struct buf *scratch)
{
	const struct hdrs *h = rec->headers;
	const char	  *name, *value;
	size_t		   i, len;

	if (h == NULL)
		return add_null(obj, "headers") != NULL ? 0 : -1;
	buf_clear(scratch);
	if (buf_putc(scratch, '{') == -1)
		return -1;
	for (i = 0; i < hdrs_count(h); i++) {
		name = hdrs_name(h, i);
		value = hdrs_value(h, i, &len);
		if ((i > 0 && buf_putc(scratch, ',') == -1) ||
		    jsonstr_append(scratch, name, strlen(name)) == -1 ||
		    buf_putc(scratch, ':') == -1 ||
		    jsonstr_append(scratch, value, len) == -1)
			return -1;
	}
	if (buf_putc(scratch, '}') == -1 || buf_cstr(scratch) == NULL)
		return -1;
	return add_raw(obj, "headers", buf_cstr(scratch)) != NULL ? 0 : -1;
}

/* Appends the standard base64 (RFC 4648, padded) of len bytes, quoted. */
static int
append_base64(struct buf *out, const unsigned char *s, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char	      quad[4];
	unsigned long v;
	size_t	      i, n;

	if (buf_putc(out, '"') == -1)
		return -1;
	for (i = 0; i < len; i += 3) {
		n = len - i < 3 ? len - i : 3;
		v = (unsigned long)s[i] << 16;
		if (n > 1)
			v |= (unsigned long)s[i + 1] << 8;
		if (n > 2)
			v |= s[i + 2];
		quad[0] = alphabet[(v >> 18) & 63];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = n > 1 ? alphabet[(v >> 6) & 63] : '=';
		quad[3] = n > 2 ? alphabet[v & 63] : '=';
		if (buf_append(out, quad, 4) == -1)
			return -1;
	}
	return buf_putc(out, '"');
}

/* "body" when the body is valid UTF-8, else "body_base64". */
static int
add_body(cJSON *obj, const struct record *rec, struct buf *scratch)
{
	if (rec->body == NULL)
		return add_null(obj, "body") != NULL ? 0 : -1;
	if (jsonstr_valid_utf8(rec->body, rec->body_len))
		return add_string(
		    obj, "body", rec->body, rec->body_len, scratch);
	buf_clear(scratch);
	if (append_base64(scratch, (const unsigned char *)rec->body,
		rec->body_len) == -1 ||
	    buf_cstr(scratch) == NULL)
		return -1;
	return add_raw(obj, "body_base64", buf_cstr(scratch)) != NULL ? 0 : -1;
}

/* The optional fields, after "error", in the order the contract lists. */
static int
add_extras(cJSON *obj, const struct record *rec, struct buf *scratch)
{
	if ((rec->extras & RECORD_HEADERS) &&
	    add_headers(obj, rec, scratch) == -1)
		return -1;
	if ((rec->extras & RECORD_BODY) && add_body(obj, rec, scratch) == -1)
		return -1;
	if ((rec->extras & RECORD_PATH) &&
	    add_cstring(obj, "path", rec->path, scratch) == -1)
		return -1;
	return 0;
}

static int
build(cJSON *obj, const struct record *rec, struct buf *scratch)
{
	if (add_integer(obj, "index", (long long)rec->index) == -1 ||
	    add_string(obj, "url", rec->url, rec->url_len, scratch) == -1 ||
	    add_cstring(obj, "state", record_state_name(rec->state), scratch) ==
		-1 ||
	    add_integer_or_null(obj, "status", rec->status) == -1 ||
	    add_cstring(obj, "final_url", rec->final_url, scratch) == -1 ||
	    add_integer(obj, "redirects", rec->redirects) == -1 ||
	    add_cstring(obj, "http_version", rec->http_version, scratch) ==
		-1 ||
	    add_integer(obj, "size", rec->size) == -1 ||
	    add_cstring(obj, "content_type", rec->content_type, scratch) ==
		-1 ||
	    add_cstring(obj, "ip", rec->ip, scratch) == -1 ||
	    add_integer(obj, "attempts", rec->attempts) == -1 ||
	    add_times(obj, rec) == -1 || add_error(obj, rec, scratch) == -1 ||
	    add_extras(obj, rec, scratch) == -1)
		return -1;
	return 0;
}

/*
 * Returns the length of the record's longest string; the headers count as
 * one string, since they are written as one raw value.
 */
static size_t
longest_string(const struct record *rec)
{
	const char *strs[] = { rec->final_url, rec->content_type, rec->ip,
		rec->error_message, rec->path };
	size_t	    i, n, max = rec->url_len;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i] != NULL && (n = strlen(strs[i])) > max)
			max = n;
	if (rec->body != NULL && rec->body_len > max)
		max = rec->body_len;
	/* Per field: two quotes, ':' and ',' besides the escaped text. */
	if (rec->headers != NULL &&
	    (n = hdrs_size(rec->headers) + hdrs_count(rec->headers) * 4 + 2) >
		max)
		max = n;
	return max;
}

int
output_record(struct buf *out, const struct record *rec)
{
	cJSON	  *obj;
	char	  *text = NULL;
	struct buf scratch;
	size_t	   longest = longest_string(rec), before = out->len, room;
	int	   rc = -1;

	/*
	 * An escaped string is at most 6 bytes per input byte, plus quotes.
	 * Any string may be the longest: a redirect's Location can make
	 * final_url far longer than the URL read.
	 */
	buf_init(&scratch, longest * 6 + 65536);
	if ((obj = cJSON_CreateObject()) == NULL)
		goto out;
	if (build(obj, rec, &scratch) == -1)
		goto out;
	/*
	 * Printed straight into the output buffer when a guess of its size
	 * leaves room; otherwise through a string of cJSON's own.
	 */
	room = buf_reserve(out, longest * 6 + 4096);
	if (room > 0 &&
	    cJSON_PrintPreallocated(obj, out->data + before,
		(int)(room < INT_MAX ? room : INT_MAX), 0))
		out->len += strlen(out->data + before);
	else {
		if (room > 0)
			out->data[before] = '\0';
		if ((text = cJSON_PrintUnformatted(obj)) == NULL ||
		    buf_puts(out, text) == -1)
			goto out;
	}
	if (buf_putc(out, '\n') == -1) {
		/* Take the half-added record back: lines stay whole. */
		out->len = before;
		if (out->data != NULL)
			out->data[before] = '\0';
		goto out;
	}
	rc = 0;
out:
	cJSON_free(text);
	cJSON_Delete(obj);
	buf_free(&scratch);
	return rc;
}
