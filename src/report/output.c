/*
 * output: one record as one line of JSON, printed straight into the
 * writer's buffer. Its values are escaped here (cJSON does not check
 * UTF-8) and cJSON's raw nodes point at them; the run calls it once per
 * record.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hdrs.h"
#include "jsonstr.h"
#include "output.h"

/*
 * The most raw values one record has: 11 top-level members, 6 times, the
 * error's code and message, depth, parent and links, and headers, body
 * and path.
 */
#define MAX_TEXTS 25

/*
 * Room for what cJSON prints besides the raw values: keys with their
 * quotes, ':' and ',', braces and nulls take under 400 bytes in the
 * longest record. Only a guess for printing in place: a line that does not
 * fit is printed through a string of cJSON's own.
 */
#define KEYS_ROOM 1024

/*
 * The texts' storage kept between records: enough for ordinary ones, with
 * headers and small bodies, without holding on to what a big body needed.
 */
#define OUTPUT_KEEP (256 * 1024)

/*
 * The raw values of one record are not given to cJSON to copy: they are
 * written one after the other, each ending in a NUL, into texts, and each
 * node refers to its text (cJSON_Raw | cJSON_IsReference, which cJSON
 * prints like any raw value and cJSON_Delete does not free). texts may
 * still move while the record is built, so a node's valuestring is set
 * only once the last text is in, from the offset kept here; the texts are
 * then left alone until the record is printed and its nodes deleted.
 */
struct output {
	struct buf texts;
	struct {
		cJSON *node;
		size_t off;
	} refs[MAX_TEXTS];
	size_t nrefs;
};

struct output *
output_new(void)
{
	struct output *o;

	if ((o = malloc(sizeof(*o))) == NULL)
		return NULL;
	/* The limit is set for each record, from the room its line has. */
	buf_init(&o->texts, 0);
	o->nrefs = 0;
	return o;
}

void
output_free(struct output *o)
{
	if (o == NULL)
		return;
	buf_free(&o->texts);
	free(o);
}

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
add_object(cJSON *obj, const char *key)
{
	return attach(obj, key, cJSON_CreateObject());
}

/*
 * Adds the text at off in o->texts, which ends in a NUL, under key as a
 * raw value that refers to it (see struct output).
 */
static int
add_text(struct output *o, cJSON *obj, const char *key, size_t off)
{
	cJSON *item;

	if (o->nrefs == MAX_TEXTS || (item = cJSON_CreateNull()) == NULL)
		return -1;
	item->type = cJSON_Raw | cJSON_IsReference;
	if (attach(obj, key, item) == NULL)
		return -1;
	o->refs[o->nrefs].node = item;
	o->refs[o->nrefs].off = off;
	o->nrefs++;
	return 0;
}

/* Adds a string member, escaped by jsonstr; NULL adds null. */
static int
add_string(
    struct output *o, cJSON *obj, const char *key, const char *s, size_t len)
{
	size_t off = o->texts.len;

	if (s == NULL)
		return add_null(obj, key) != NULL ? 0 : -1;
	if (jsonstr_append(&o->texts, s, len) == -1 ||
	    buf_putc(&o->texts, '\0') == -1)
		return -1;
	return add_text(o, obj, key, off);
}

static int
add_cstring(struct output *o, cJSON *obj, const char *key, const char *s)
{
	return add_string(o, obj, key, s, s != NULL ? strlen(s) : 0);
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

/* Adds the number written from p to its NUL at end as a raw value. */
static int
add_number(struct output *o, cJSON *obj, const char *key, const char *p,
    const char *end)
{
	size_t off = o->texts.len;

	if (buf_append(&o->texts, p, (size_t)(end - p) + 1) == -1)
		return -1;
	return add_text(o, obj, key, off);
}

static int
add_integer(struct output *o, cJSON *obj, const char *key, long long v)
{
	char text[24], *end = text + sizeof(text) - 1, *p;

	*end = '\0';
	if (v < 0) {
		p = format_unsigned(end, 0ULL - (unsigned long long)v);
		*--p = '-';
	} else
		p = format_unsigned(end, (unsigned long long)v);
	return add_number(o, obj, key, p, end);
}

/* An integer, or null when v is 0 (a status never received). */
static int
add_integer_or_null(struct output *o, cJSON *obj, const char *key, long long v)
{
	if (v == 0)
		return add_null(obj, key) != NULL ? 0 : -1;
	return add_integer(o, obj, key, v);
}

/*
 * Seconds to the microsecond (all libcurl measures), without trailing
 * zeros: 0.000123, 1.5, 2. Negative means not measured: null.
 */
static int
add_seconds(struct output *o, cJSON *obj, const char *key, double t)
{
	char		   text[48], *p, *end = text + sizeof(text) - 1;
	unsigned long long us, frac;
	int		   i;

	if (!(t >= 0))
		return add_null(obj, key) != NULL ? 0 : -1;
	*end = '\0';
	if (t > 1e12)
		t = 1e12;
	us = (unsigned long long)(t * 1e6 + 0.5);
	frac = us % 1000000;
	if (frac != 0) {
		for (i = 0; i < 6 && frac % 10 == 0; i++)
			frac /= 10;
		p = format_unsigned(end, frac);
		/* Leading zeros of the fraction: 6 digits in all. */
		while (end - p < 6 - i)
			*--p = '0';
		*--p = '.';
	} else
		p = end;
	p = format_unsigned(p, us / 1000000);
	return add_number(o, obj, key, p, end);
}

static int
add_times(struct output *o, cJSON *obj, const struct record *rec)
{
	cJSON *times;
	int    i;

	if ((times = add_object(obj, "time")) == NULL)
		return -1;
	for (i = 0; i < TIME_COUNT; i++)
		if (add_seconds(o, times, record_time_name(i), rec->time[i]) ==
		    -1)
			return -1;
	return 0;
}

static int
add_error(struct output *o, cJSON *obj, const struct record *rec)
{
	cJSON	   *err;
	const char *message;

	if (rec->error == ERROR_NONE)
		return add_null(obj, "error") != NULL ? 0 : -1;
	if ((err = add_object(obj, "error")) == NULL)
		return -1;
	message =
	    rec->error_message != NULL ? rec->error_message : "out of memory";
	if (add_cstring(o, err, "code", record_error_name(rec->error)) == -1 ||
	    add_cstring(o, err, "message", message) == -1)
		return -1;
	return 0;
}

/*
 * "headers": one object, written as a raw value so that names and values
 * pass through jsonstr like every other string from outside.
 */
static int
add_headers(struct output *o, cJSON *obj, const struct record *rec)
{
	const struct hdrs *h = rec->headers;
	struct buf	  *texts = &o->texts;
	const char	  *name, *value;
	size_t		   i, len, off = texts->len;

	if (h == NULL)
		return add_null(obj, "headers") != NULL ? 0 : -1;
	if (buf_putc(texts, '{') == -1)
		return -1;
	for (i = 0; i < hdrs_count(h); i++) {
		name = hdrs_name(h, i);
		value = hdrs_value(h, i, &len);
		if ((i > 0 && buf_putc(texts, ',') == -1) ||
		    jsonstr_append(texts, name, strlen(name)) == -1 ||
		    buf_putc(texts, ':') == -1 ||
		    jsonstr_append(texts, value, len) == -1)
			return -1;
	}
	if (buf_append(texts, "}", 2) == -1)
		return -1;
	return add_text(o, obj, "headers", off);
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
add_body(struct output *o, cJSON *obj, const struct record *rec)
{
	size_t off = o->texts.len;

	if (rec->body == NULL)
		return add_null(obj, "body") != NULL ? 0 : -1;
	if (jsonstr_valid_utf8(rec->body, rec->body_len))
		return add_string(o, obj, "body", rec->body, rec->body_len);
	if (append_base64(&o->texts, (const unsigned char *)rec->body,
		rec->body_len) == -1 ||
	    buf_putc(&o->texts, '\0') == -1)
		return -1;
	return add_text(o, obj, "body_base64", off);
}

/*
 * Crawl mode's fields: "depth", "parent" (null for a seed) and, for a page
 * that was parsed, "links" as one raw array of strings.
 */
static int
add_crawl(struct output *o, cJSON *obj, const struct record *rec)
{
	struct buf *texts = &o->texts;
	const char *p = rec->links, *end = rec->links + rec->links_len;
	size_t	    off, len;

	if (add_integer(o, obj, "depth", rec->depth) == -1)
		return -1;
	if (rec->parent < 0 ? add_null(obj, "parent") == NULL
			    : add_integer(o, obj, "parent", rec->parent) == -1)
		return -1;
	if (!rec->parsed)
		return 0;
	off = texts->len;
	if (buf_putc(texts, '[') == -1)
		return -1;
	for (; p != NULL && p < end; p += len + 1) {
		len = strlen(p);
		if ((p != rec->links && buf_putc(texts, ',') == -1) ||
		    jsonstr_append(texts, p, len) == -1)
			return -1;
	}
	if (buf_append(texts, "]", 2) == -1)
		return -1;
	return add_text(o, obj, "links", off);
}

/* The optional fields, after "error", in the order the contract lists. */
static int
add_extras(struct output *o, cJSON *obj, const struct record *rec)
{
	if ((rec->extras & RECORD_CRAWL) && add_crawl(o, obj, rec) == -1)
		return -1;
	if ((rec->extras & RECORD_HEADERS) && add_headers(o, obj, rec) == -1)
		return -1;
	if ((rec->extras & RECORD_BODY) && add_body(o, obj, rec) == -1)
		return -1;
	if ((rec->extras & RECORD_PATH) &&
	    add_cstring(o, obj, "path", rec->path) == -1)
		return -1;
	return 0;
}

static int
build(struct output *o, cJSON *obj, const struct record *rec)
{
	if (add_integer(o, obj, "index", (long long)rec->index) == -1 ||
	    add_string(o, obj, "url", rec->url, rec->url_len) == -1 ||
	    add_cstring(o, obj, "state", record_state_name(rec->state)) == -1 ||
	    add_integer_or_null(o, obj, "status", rec->status) == -1 ||
	    add_cstring(o, obj, "final_url", rec->final_url) == -1 ||
	    add_integer(o, obj, "redirects", rec->redirects) == -1 ||
	    add_cstring(o, obj, "http_version", rec->http_version) == -1 ||
	    add_integer(o, obj, "size", rec->size) == -1 ||
	    add_cstring(o, obj, "content_type", rec->content_type) == -1 ||
	    add_cstring(o, obj, "ip", rec->ip) == -1 ||
	    add_integer(o, obj, "attempts", rec->attempts) == -1 ||
	    add_times(o, obj, rec) == -1 || add_error(o, obj, rec) == -1 ||
	    add_extras(o, obj, rec) == -1)
		return -1;
	return 0;
}

enum report_err
output_record(struct output *o, struct buf *out, const struct record *rec)
{
	cJSON	       *obj;
	char	       *text = NULL;
	size_t		before = out->len, room, i;
	enum report_err rc = REPORT_ERR_NOMEM;

	/*
	 * Every text is part of the line, so the texts never need more than
	 * the room out has left.
	 */
	buf_clear(&o->texts);
	o->texts.limit = out->limit - out->len;
	o->nrefs = 0;
	if ((obj = cJSON_CreateObject()) == NULL)
		goto out;
	if (build(o, obj, rec) == -1)
		goto out;
	for (i = 0; i < o->nrefs; i++)
		o->refs[i].node->valuestring = o->texts.data + o->refs[i].off;
	/*
	 * Printed straight into the output buffer when a guess of its size
	 * leaves room; otherwise through a string of cJSON's own.
	 */
	room = buf_reserve(out, o->texts.len + KEYS_ROOM);
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
	rc = REPORT_OK;
out:
	cJSON_free(text);
	/* The nodes go first: they point into the texts. */
	cJSON_Delete(obj);
	if (o->texts.cap > OUTPUT_KEEP)
		buf_free(&o->texts);
	return rc;
}
