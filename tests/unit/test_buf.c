/* Unit tests for buf. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"

HARNESS_MAIN;

static void
test_empty(void)
{
	struct buf b;
	char	  *s;

	buf_init(&b, 100);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_STR(buf_cstr(&b), "");
	CHECK(b.data == NULL); /* cstr of a fresh buffer allocates not */
	CHECK_INT(buf_append(&b, NULL, 0), 0);
	CHECK(b.data == NULL);
	s = buf_steal(&b);
	CHECK_STR(s, "");
	free(s);
	buf_free(&b);
	buf_free(&b); /* twice is harmless */
}

static void
test_append(void)
{
	struct buf b;
	char	  *s;

	buf_init(&b, 1000);
	CHECK_INT(buf_puts(&b, "hello"), 0);
	CHECK_INT(buf_putc(&b, ' '), 0);
	CHECK_INT(buf_append(&b, "world!!", 5), 0);
	CHECK_INT(b.len, 11);
	CHECK_STR(b.data, "hello world");
	CHECK_STR(buf_cstr(&b), "hello world");
	CHECK_INT(buf_append(&b, "a\0b", 3), 0);
	CHECK_INT(b.len, 14);
	CHECK(memcmp(b.data + 11, "a\0b", 4) == 0);
	s = buf_steal(&b);
	CHECK(s != NULL && memcmp(s, "hello worlda\0b", 15) == 0);
	free(s);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.limit, 1000);
	CHECK_INT(buf_puts(&b, "again"), 0);
	CHECK_STR(buf_cstr(&b), "again");
	buf_free(&b);
}

static void
test_growth(void)
{
	struct buf b;
	size_t	   i, lastcap = 0, grows = 0;
	int	   ok = 1;

	buf_init(&b, 1 << 20);
	for (i = 0; i < 100000; i++) {
		if (buf_putc(&b, (char)('a' + i % 26)) != 0)
			ok = 0;
		if (b.cap != lastcap) {
			grows++;
			/* Doubling: each new capacity at least twice the last. */
			if (lastcap != 0 && b.cap < 2 * lastcap)
				ok = 0;
			lastcap = b.cap;
		}
	}
	CHECK(ok);
	CHECK_INT(b.len, 100000);
	CHECK(grows < 20);
	CHECK(b.cap > b.len);
	CHECK(b.data[25] == 'z' && b.data[99999] == 'a' + 99999 % 26);
	CHECK(b.data[b.len] == '\0');
	buf_free(&b);
}

static void
test_limit(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK_INT(buf_puts(&b, "0123456"), 0);
	CHECK_INT(buf_puts(&b, "7890"), -1); /* 11 > 10 */
	CHECK_INT(b.len, 7);
	CHECK_STR(buf_cstr(&b), "0123456");
	CHECK_INT(buf_puts(&b, "789"), 0); /* exactly 10 */
	CHECK_INT(b.len, 10);
	CHECK_STR(buf_cstr(&b), "0123456789");
	CHECK(b.cap <= 11); /* never past limit + NUL */
	CHECK_INT(buf_putc(&b, 'x'), -1);
	CHECK_INT(buf_append(&b, "", 0), 0); /* nothing always fits */
	CHECK_INT(b.len, 10);
	CHECK_STR(buf_cstr(&b), "0123456789");
	buf_clear(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(buf_cstr(&b), "");
	CHECK_INT(buf_puts(&b, "0123456789"), 0);
	buf_free(&b);

	/* A zero limit takes nothing. */
	buf_init(&b, 0);
	CHECK_INT(buf_putc(&b, 'a'), -1);
	CHECK(b.data == NULL);
	CHECK_STR(buf_cstr(&b), "");
	buf_free(&b);

	/* One huge append is refused whole, not cut. */
	buf_init(&b, 100);
	CHECK_INT(buf_append(&b, "x", (size_t)-1), -1);
	CHECK(b.data == NULL);
	buf_free(&b);
}

static void
test_consume(void)
{
	struct buf b;

	buf_init(&b, 100);
	CHECK_INT(buf_puts(&b, "abcdef"), 0);
	buf_consume(&b, 0);
	CHECK_STR(buf_cstr(&b), "abcdef");
	buf_consume(&b, 2);
	CHECK_INT(b.len, 4);
	CHECK_STR(buf_cstr(&b), "cdef");
	buf_consume(&b, 4);
	CHECK_INT(b.len, 0);
	CHECK_STR(buf_cstr(&b), "");
	CHECK_INT(buf_puts(&b, "xy"), 0);
	CHECK_STR(buf_cstr(&b), "xy");
	buf_free(&b);

	/* Consuming from an empty, never-allocated buffer is harmless. */
	buf_init(&b, 100);
	buf_consume(&b, 0);
	CHECK_INT(b.len, 0);
	buf_free(&b);
}

/* buf_reserve makes room without adding, capped by the limit. */
static void
test_reserve(void)
{
	struct buf b;
	size_t	   room;

	buf_init(&b, 100);
	room = buf_reserve(&b, 40);
	CHECK(room >= 40 && room <= 100);
	CHECK_INT(b.len, 0);
	memcpy(b.data, "hello", 6);
	b.len = 5;
	CHECK_STR(buf_cstr(&b), "hello");
	/* Near the limit the room is what the limit leaves. */
	CHECK_INT(buf_reserve(&b, 1000), 95);
	CHECK_INT(b.len, 5);
	buf_free(&b);
}

int
main(void)
{
	RUN(test_empty);
	RUN(test_append);
	RUN(test_growth);
	RUN(test_limit);
	RUN(test_consume);
	RUN(test_reserve);
	return harness_result();
}
