/* Unit tests for hdrs: response header fields as --headers reports them. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hdrs.h"

HARNESS_MAIN;

/* Feeds a C string as one line. */
static int
feed(struct hdrs *h, const char *line)
{
	return hdrs_feed(h, line, strlen(line));
}

static const char *
get(const struct hdrs *h, const char *name)
{
	size_t len;

	return hdrs_get(h, name, &len);
}

static void
test_lower_case(void)
{
	struct hdrs *h = hdrs_new(65536);

	CHECK_INT(feed(h, "HTTP/1.1 200 OK\r\n"), 0);
	CHECK_INT(feed(h, "Content-Type: text/plain\r\n"), 0);
	CHECK_INT(feed(h, "X-MiXeD-CaSe:  spaced value \t\r\n"), 0);
	CHECK_INT(feed(h, "\r\n"), 0);
	CHECK_INT(hdrs_count(h), 2);
	CHECK_STR(hdrs_name(h, 0), "content-type");
	CHECK_STR(hdrs_name(h, 1), "x-mixed-case");
	/* Values keep their case; surrounding white space goes. */
	CHECK_STR(get(h, "X-Mixed-Case"), "spaced value");
	CHECK_STR(get(h, "content-type"), "text/plain");
	CHECK(get(h, "absent") == NULL);
	hdrs_free(h);
}

static void
test_join(void)
{
	struct hdrs *h = hdrs_new(65536);

	feed(h, "HTTP/1.1 200 OK\r\n");
	feed(h, "Set-Cookie: a=1\r\n");
	feed(h, "Vary: Accept\r\n");
	feed(h, "set-cookie: b=2\r\n");
	feed(h, "SET-COOKIE: c=3\r\n");
	feed(h, "Empty:\r\n");
	feed(h, "empty: \r\n");
	CHECK_INT(hdrs_count(h), 3);
	CHECK_STR(get(h, "set-cookie"), "a=1, b=2, c=3");
	CHECK_STR(get(h, "vary"), "Accept");
	CHECK_STR(get(h, "empty"), ", ");
	/* First-seen order. */
	CHECK_STR(hdrs_name(h, 0), "set-cookie");
	CHECK_STR(hdrs_name(h, 1), "vary");
	hdrs_free(h);
}

static void
test_reset_between_responses(void)
{
	struct hdrs *h = hdrs_new(65536);

	/* A redirect, then a 100 Continue, then the final response. */
	feed(h, "HTTP/1.1 302 Found\r\n");
	feed(h, "Location: /next\r\n");
	feed(h, "X-First: 1\r\n");
	feed(h, "\r\n");
	feed(h, "HTTP/1.1 100 Continue\r\n");
	feed(h, "X-Interim: 1\r\n");
	feed(h, "\r\n");
	feed(h, "HTTP/2 200 \r\n");
	feed(h, "x-final: yes\r\n");
	CHECK_INT(hdrs_count(h), 1);
	CHECK(get(h, "location") == NULL);
	CHECK(get(h, "x-first") == NULL);
	CHECK(get(h, "x-interim") == NULL);
	CHECK_STR(get(h, "x-final"), "yes");
	hdrs_reset(h);
	CHECK_INT(hdrs_count(h), 0);
	CHECK_INT(hdrs_size(h), 0);
	hdrs_free(h);
}

static void
test_odd_lines(void)
{
	struct hdrs *h = hdrs_new(65536);
	const char   nul[] = "X-Nul: a\0b\r\n";
	const char  *v;
	size_t	     len;

	feed(h, "HTTP/1.1 200 OK\r\n");
	/* Not fields: no colon, empty name, names that are not tokens. */
	feed(h, "no colon here\r\n");
	feed(h, ": no name\r\n");
	feed(h, "Bad Name: x\r\n");
	feed(h,
	    "B\xc3\xa9"
	    "ad: x\r\n");
	feed(h, "Bad\x01: x\r\n");
	CHECK_INT(hdrs_count(h), 0);
	/* A folded line continues the previous field. */
	feed(h, "X-Folded: one\r\n");
	feed(h, "   two  \r\n");
	feed(h, "\tthree\r\n");
	CHECK_STR(get(h, "x-folded"), "one two three");
	/* Without CR LF, and with bytes that are not UTF-8: kept raw. */
	feed(h, "X-Bad: \xff\xfe\xc3\x28ok");
	CHECK_STR(get(h, "x-bad"), "\xff\xfe\xc3\x28ok");
	/* A NUL in a value is kept, with the length to tell. */
	CHECK_INT(hdrs_feed(h, nul, sizeof(nul) - 1), 0);
	v = hdrs_get(h, "x-nul", &len);
	CHECK(v != NULL && len == 3 && memcmp(v, "a\0b", 3) == 0);
	/* A fold after an ignored line does not join anything. */
	feed(h, "garbage\r\n");
	feed(h, " orphan\r\n");
	CHECK_STR(get(h, "x-nul") + 2, "b");
	/* Token punctuation is fine in names. */
	feed(h, "X-a.b_c!#$%&'*+^`|~: ok\r\n");
	CHECK_STR(get(h, "x-a.b_c!#$%&'*+^`|~"), "ok");
	hdrs_free(h);
}

static void
test_bound(void)
{
	struct hdrs *h = hdrs_new(4096);
	char	     line[600];
	int	     i, dropped = 0;

	feed(h, "HTTP/1.1 200 OK\r\n");
	memset(line, 'v', sizeof(line));
	memcpy(line, "X-Big: ", 7);
	line[sizeof(line) - 1] = '\0';
	/* Joined values grow one field: bounded all the same. */
	for (i = 0; i < 100; i++)
		if (feed(h, line) == HTTP_ERR_LIMIT)
			dropped++;
	CHECK(dropped > 0);
	CHECK(hdrs_size(h) <= 4096);
	CHECK(hdrs_dropped(h));
	/* Many distinct fields: bounded too. */
	for (i = 0; i < 10000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "X-%d: 1", i);
		if (feed(h, name) == HTTP_ERR_LIMIT)
			dropped++;
	}
	CHECK(dropped > 100);
	CHECK(hdrs_size(h) <= 4096);
	CHECK(hdrs_count(h) < 4096 / 32);
	/* What was kept is whole: every value is a run of whole copies. */
	{
		size_t	    len;
		const char *v = hdrs_get(h, "x-big", &len);

		CHECK(v != NULL && (len + 2) % (sizeof(line) - 7 - 1 + 2) == 0);
	}
	/* A new response starts with the whole budget again. */
	feed(h, "HTTP/1.1 200 OK\r\n");
	CHECK(!hdrs_dropped(h));
	CHECK_INT(feed(h, line), HTTP_OK);
	CHECK_INT(hdrs_count(h), 1);
	hdrs_free(h);
}

int
main(void)
{
	RUN(test_lower_case);
	RUN(test_join);
	RUN(test_reset_between_responses);
	RUN(test_odd_lines);
	RUN(test_bound);
	return harness_result();
}
