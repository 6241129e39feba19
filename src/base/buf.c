/*
 * buf: a growable byte buffer with a hard upper bound.
 *
 * Storage grows by doubling, so appending n bytes one at a time costs O(n)
 * copies in total, and never beyond limit + 1 bytes (the + 1 is the NUL
 * that keeps the contents a C string).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* The first allocation; small enough for the many short strings we build. */
#define BUF_MIN_CAP 64

void
buf_init(struct buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->limit);
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Makes room for need bytes of storage (contents plus NUL). The caller has
 * checked need against the limit, so need <= limit + 1 and the capacity is
 * capped there: a buffer near its limit does not double past it.
 */
static int
grow(struct buf *b, size_t need)
{
	size_t cap, max;
	char  *p;

	if (need <= b->cap)
		return 0;
	max = b->limit < SIZE_MAX ? b->limit + 1 : SIZE_MAX;
	cap = b->cap > 0 ? b->cap : BUF_MIN_CAP;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	if (cap > max)
		cap = max;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

size_t
buf_reserve(struct buf *b, size_t n)
{
	size_t room = b->limit - b->len;

	if (n > room)
		n = room;
	if (n == SIZE_MAX || grow(b, b->len + n + 1) == -1)
		return 0;
	return b->cap - b->len - 1 < room ? b->cap - b->len - 1 : room;
}

enum base_err
buf_append(struct buf *b, const void *data, size_t len)
{
	/* Written so that no sum can overflow: len <= limit - b->len. */
	if (len > b->limit - b->len)
		return BASE_ERR_NOROOM;
	if (len == 0)
		return BASE_OK;
	if (b->len + len == SIZE_MAX)
		return BASE_ERR_NOROOM; /* no room left for the NUL */
	if (grow(b, b->len + len + 1) == -1)
		return BASE_ERR_NOROOM;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return BASE_OK;
}

enum base_err
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum base_err
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_clear(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

/*
 * A buffer that never allocated gets a pointer to a static empty string
 * rather than an allocation, so this cannot fail for it; the caller must
 * not write through the result in any case.
 */
const char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		return "";
	return b->data;
}

char *
buf_steal(struct buf *b)
{
	char *s;

	if (b->data == NULL) {
		/* The caller frees the result, so "" must be allocated. */
		if ((s = malloc(1)) == NULL)
			return NULL;
		s[0] = '\0';
		return s;
	}
	s = b->data;
	buf_init(b, b->limit);
	return s;
}
