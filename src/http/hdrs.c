/*
 * hdrs: fields in an array in first-seen order, found by a linear search.
 * A response has tens of fields and the limit bounds their number (each
 * costs FIELD_COST bytes besides its text), so the O(n) search per line
 * stays cheap.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdrs.h"

/* What a field costs against the limit besides its name and value. */
#define FIELD_COST 32
/* No previous field for a continuation line. */
#define NO_FIELD SIZE_MAX

struct field {
	char  *name;  /* lower-cased, NUL-terminated */
	char  *value; /* NUL-terminated after value_len bytes */
	size_t value_len;
};

struct hdrs {
	struct field *fields;
	size_t	      n, cap;
	size_t	      bytes; /* counted against limit */
	size_t	      limit;
	size_t	      last; /* the field the previous line fed */
	int	      dropped;
};

struct hdrs *
hdrs_new(size_t limit)
{
	struct hdrs *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->limit = limit;
	h->last = NO_FIELD;
	return h;
}

void
hdrs_reset(struct hdrs *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->fields[i].name);
		free(h->fields[i].value);
	}
	h->n = 0;
	h->bytes = 0;
	h->last = NO_FIELD;
	h->dropped = 0;
}

void
hdrs_free(struct hdrs *h)
{
	if (h == NULL)
		return;
	hdrs_reset(h);
	free(h->fields);
	free(h);
}

/* RFC 9110 tchar: the bytes a field name may hold. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Appends sep (may be empty) and len bytes to field f's value. */
static enum http_err
append_value(
    struct hdrs *h, struct field *f, const char *sep, const char *s, size_t len)
{
	size_t seplen = strlen(sep), add = seplen + len;
	char  *v;

	if (add > h->limit - h->bytes) {
		h->dropped = 1;
		return HTTP_ERR_LIMIT;
	}
	if ((v = realloc(f->value, f->value_len + add + 1)) == NULL)
		return HTTP_ERR_NOMEM;
	memcpy(v + f->value_len, sep, seplen);
	memcpy(v + f->value_len + seplen, s, len);
	f->value = v;
	f->value_len += add;
	v[f->value_len] = '\0';
	h->bytes += add;
	return HTTP_OK;
}

/* Adds a new field; name is already lower-cased. */
static enum http_err
add_field(struct hdrs *h, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct field *f;

	if (nlen + vlen + FIELD_COST > h->limit - h->bytes) {
		h->dropped = 1;
		return HTTP_ERR_LIMIT;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap == 0 ? 16 : h->cap * 2;

		if ((f = realloc(h->fields, cap * sizeof(*f))) == NULL)
			return HTTP_ERR_NOMEM;
		h->fields = f;
		h->cap = cap;
	}
	f = &h->fields[h->n];
	f->value_len = 0;
	if ((f->name = malloc(nlen + 1)) == NULL)
		return HTTP_ERR_NOMEM;
	if ((f->value = malloc(vlen + 1)) == NULL) {
		free(f->name);
		return HTTP_ERR_NOMEM;
	}
	memcpy(f->name, name, nlen);
	f->name[nlen] = '\0';
	memcpy(f->value, value, vlen);
	f->value[vlen] = '\0';
	f->value_len = vlen;
	h->bytes += nlen + vlen + FIELD_COST;
	h->last = h->n++;
	return HTTP_OK;
}

enum http_err
hdrs_feed(struct hdrs *h, const char *line, size_t len)
{
	char	    name[256];
	const char *colon, *value;
	size_t	    nlen, vlen, i;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		hdrs_reset(h);
		return HTTP_OK;
	}
	if (len == 0)
		return HTTP_OK;
	if (is_ows(line[0])) {
		/* Folded: more of the previous field's value. */
		while (len > 0 && is_ows(line[0]))
			line++, len--;
		while (len > 0 && is_ows(line[len - 1]))
			len--;
		if (h->last == NO_FIELD || len == 0)
			return HTTP_OK;
		return append_value(h, &h->fields[h->last], " ", line, len);
	}
	h->last = NO_FIELD;
	if ((colon = memchr(line, ':', len)) == NULL)
		return HTTP_OK;
	nlen = (size_t)(colon - line);
	if (nlen == 0 || nlen >= sizeof(name))
		return HTTP_OK;
	for (i = 0; i < nlen; i++) {
		unsigned char c = (unsigned char)line[i];

		if (!is_tchar(c))
			return HTTP_OK;
		name[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	name[nlen] = '\0';
	value = colon + 1;
	vlen = len - nlen - 1;
	while (vlen > 0 && is_ows(value[0]))
		value++, vlen--;
	while (vlen > 0 && is_ows(value[vlen - 1]))
		vlen--;
	for (i = 0; i < h->n; i++)
		if (strcmp(h->fields[i].name, name) == 0) {
			enum http_err rc =
			    append_value(h, &h->fields[i], ", ", value, vlen);

			if (rc != HTTP_OK)
				return rc;
			h->last = i;
			return HTTP_OK;
		}
	return add_field(h, name, nlen, value, vlen);
}

size_t
hdrs_count(const struct hdrs *h)
{
	return h->n;
}

const char *
hdrs_name(const struct hdrs *h, size_t i)
{
	return h->fields[i].name;
}

const char *
hdrs_value(const struct hdrs *h, size_t i, size_t *len)
{
	*len = h->fields[i].value_len;
	return h->fields[i].value;
}

const char *
hdrs_get(const struct hdrs *h, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->fields[i].name, name) == 0)
			return hdrs_value(h, i, len);
	return NULL;
}

size_t
hdrs_size(const struct hdrs *h)
{
	return h->bytes;
}

int
hdrs_dropped(const struct hdrs *h)
{
	return h->dropped;
}
