/* Unit tests for response: libcurl's body and header callbacks, offline. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "errmap.h"
#include "harness.h"
#include "hdrs.h"
#include "response.h"

HARNESS_MAIN;

static size_t
header(struct response *r, const char *line)
{
	return response_on_header((char *)line, 1, strlen(line), r);
}

static size_t
body(struct response *r, const char *data, size_t len)
{
	return response_on_body((char *)data, 1, len, r);
}

static void
test_status_and_retry_after(void)
{
	struct response r;

	CHECK_INT(response_init(&r, -1, 0, 0, 0), 0);
	CHECK_INT(header(&r, "HTTP/1.1 503 Service Unavailable\r\n"), 34);
	CHECK_INT(r.responded, 1);
	CHECK_INT(r.status, 503);
	header(&r, "retry-after:   120 \r\n");
	CHECK_STR(r.retry_after, "120");
	header(&r, "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
	CHECK_STR(r.retry_after, "Sun, 06 Nov 1994 08:49:37 GMT");
	/* A new response forgets the previous one's. */
	header(&r, "HTTP/2 200 \r\n");
	CHECK_INT(r.status, 200);
	CHECK(r.retry_after == NULL);
	/* A new attempt forgets everything. */
	response_reset(&r);
	CHECK_INT(r.responded, 0);
	CHECK_INT(r.status, 0);
	response_free(&r);
}

/*
 * libcurl's header lines are not NUL-terminated: the status is read
 * within the line, never from the bytes after it (found by fuzzing).
 */
static void
test_status_within_line(void)
{
	struct response r;
	char		buf[] = "HTTP/1.1   \n404";

	CHECK_INT(response_init(&r, -1, 0, 0, 0), 0);
	CHECK_INT(response_on_header(buf, 1, 12, &r), 12);
	CHECK_INT(r.responded, 1);
	CHECK_INT(r.status, 0);
	memcpy(buf, "HTTP/1.1 20x\n", 13);
	response_on_header(buf, 1, 12, &r);
	CHECK_INT(r.status, 0);
	response_free(&r);
}

static void
test_refused_redirect(void)
{
	struct response r;

	response_init(&r, -1, 0, 0, 0);
	header(&r, "HTTP/1.1 302 Found\r\n");
	header(&r, "Location: file:///etc/passwd\r\n");
	CHECK_INT(response_refused_redirect(&r), 1);
	header(&r, "Location: ftp://h/x\r\n");
	CHECK_INT(response_refused_redirect(&r), 1);
	header(&r, "Location: HTTPS://h/x\r\n");
	CHECK_INT(response_refused_redirect(&r), 0);
	header(&r, "Location: /relative\r\n");
	CHECK_INT(response_refused_redirect(&r), 0);
	/* Not a redirect: a Location means nothing. */
	header(&r, "HTTP/1.1 200 OK\r\n");
	header(&r, "Location: file:///x\r\n");
	CHECK_INT(response_refused_redirect(&r), 0);
	response_free(&r);
}

static void
test_body_cap(void)
{
	struct response r;
	char	       *kept;
	size_t		len;

	response_init(&r, 10, 1, 0, 0);
	CHECK_INT(body(&r, "0123456", 7), 7);
	CHECK_INT(body(&r, "789", 3), 3);
	CHECK_INT(r.flags, 0);
	/* One byte past the cap stops the transfer. */
	CHECK_INT(body(&r, "x", 1), 0);
	CHECK(r.flags & ERRMAP_TOO_LARGE);
	CHECK_INT(r.body_bytes, 11);
	CHECK_INT(r.body.len, 10);
	response_reset(&r);
	CHECK_INT(r.flags, 0);
	CHECK_INT(r.body_bytes, 0);
	CHECK_INT(body(&r, "a\0b", 3), 3);
	kept = response_take_body(&r, &len);
	CHECK(kept != NULL && len == 3 && memcmp(kept, "a\0b", 3) == 0);
	free(kept);
	CHECK_INT(r.body.len, 0);
	response_free(&r);
	/* No cap, body not kept: only counted. */
	response_init(&r, -1, 0, 0, 0);
	CHECK_INT(body(&r, "abc", 3), 3);
	CHECK_INT(r.body_bytes, 3);
	CHECK_INT(r.body.len, 0);
	response_free(&r);
}

static void
test_headers_kept(void)
{
	struct response r;
	size_t		len;

	CHECK_INT(response_init(&r, -1, 0, 1, 4096), 0);
	CHECK(r.hdrs != NULL);
	header(&r, "HTTP/1.1 301 Moved\r\n");
	header(&r, "Location: /x\r\n");
	header(&r, "\r\n");
	header(&r, "HTTP/1.1 200 OK\r\n");
	header(&r, "X-A: 1\r\n");
	CHECK_INT(hdrs_count(r.hdrs), 1);
	CHECK_STR(hdrs_get(r.hdrs, "x-a", &len), "1");
	response_reset(&r);
	CHECK_INT(hdrs_count(r.hdrs), 0);
	response_free(&r);
}

/*
 * Feeds a 200 with the given header lines and the blank line. Returns 1
 * when the callbacks let the response through, 0 when they stopped it.
 */
static int
framing_ok(const char *const *lines, size_t n)
{
	struct response r;
	size_t		i;
	int		ok = 1;

	CHECK_INT(response_init(&r, -1, 0, 0, 0), 0);
	header(&r, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < n && ok; i++)
		ok = header(&r, lines[i]) == strlen(lines[i]);
	if (ok)
		ok = header(&r, "\r\n") == 2;
	CHECK_INT(!!(r.flags & ERRMAP_BAD_FRAMING), !ok);
	if (!ok)
		CHECK(strstr(r.why, "Content-Length") != NULL);
	response_free(&r);
	return ok;
}

#define FRAMING(want, ...)                                                     \
	do {                                                                   \
		static const char *const l_[] = { __VA_ARGS__ };               \
		CHECK_INT(framing_ok(l_, sizeof(l_) / sizeof(l_[0])), want);   \
	} while (0)

/* Content-Length as RFC 9110 section 8.6 and RFC 9112 section 6.3 say. */
static void
test_content_length(void)
{
	FRAMING(1, "Content-Length: 5\r\n");
	FRAMING(1, "content-length:0\r\n");
	FRAMING(1, "Content-Length: 007 \r\n");
	FRAMING(1, "Content-Length: 9223372036854775807\r\n");
	/* Identical duplicates, listed or repeated, are one value. */
	FRAMING(1, "Content-Length: 5, 5\r\n");
	FRAMING(1, "Content-Length: 5\r\n", "Content-Length: 5\r\n");
	FRAMING(0, "Content-Length: 9223372036854775808\r\n");
	FRAMING(0, "Content-Length: 99999999999999999999999\r\n");
	FRAMING(0, "Content-Length: 0x10\r\n");
	FRAMING(0, "Content-Length: 1e3\r\n");
	FRAMING(0, "Content-Length: +5\r\n");
	FRAMING(0, "Content-Length: -1\r\n");
	FRAMING(0, "Content-Length: \r\n");
	FRAMING(0, "Content-Length: 5 6\r\n");
	FRAMING(0, "Content-Length: 5, 6\r\n");
	FRAMING(0, "Content-Length: 5\r\n", "Content-Length: 6\r\n");
	/* Transfer-Encoding overrides it, before or after. */
	FRAMING(1, "Content-Length: abc\r\n", "Transfer-Encoding: chunked\r\n");
	FRAMING(
	    1, "Transfer-Encoding: chunked\r\n", "Content-Length: 5, 6\r\n");
}

/* libcurl's total of header bytes per request (300 KiB) is stopped here. */
static void
test_header_total(void)
{
	struct response r;
	static char	line[60 * 1024 + 3];
	int		i, stopped = 0;

	memset(line, 'x', sizeof(line) - 3);
	memcpy(line, "X-A: ", 5);
	memcpy(line + sizeof(line) - 3, "\r\n", 3);
	CHECK_INT(response_init(&r, -1, 0, 0, 0), 0);
	/* A redirect's headers do not count towards the next request's. */
	header(&r, "HTTP/1.1 302 Found\r\n");
	for (i = 0; i < 4; i++)
		header(&r, line);
	header(&r, "\r\n");
	header(&r, "HTTP/1.1 100 Continue\r\n");
	header(&r, "\r\n");
	header(&r, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < 6 && !stopped; i++)
		stopped = header(&r, line) == 0;
	CHECK_INT(stopped, 1);
	CHECK_INT(i, 5);
	CHECK(r.flags & ERRMAP_HEADERS_TOO_LARGE);
	response_free(&r);
}

/* Transfer-Encoding is remembered per response, for errmap. */
static void
test_chunked(void)
{
	struct response r;

	CHECK_INT(response_init(&r, -1, 0, 0, 0), 0);
	header(&r, "HTTP/1.1 200 OK\r\n");
	header(&r, "Transfer-Encoding: gzip, Chunked\r\n");
	CHECK_INT(r.chunked, 1);
	header(&r, "\r\n");
	CHECK_INT(r.headers_done, 1);
	header(&r, "HTTP/1.1 200 OK\r\n");
	CHECK_INT(r.chunked, 0);
	CHECK_INT(r.headers_done, 0);
	response_free(&r);
}

int
main(void)
{
	RUN(test_status_and_retry_after);
	RUN(test_status_within_line);
	RUN(test_refused_redirect);
	RUN(test_body_cap);
	RUN(test_headers_kept);
	RUN(test_content_length);
	RUN(test_header_total);
	RUN(test_chunked);
	return harness_result();
}
