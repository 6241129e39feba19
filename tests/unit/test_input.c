/* Unit tests for input. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "harness.h"
#include "input.h"

HARNESS_MAIN;

/* Writes all n bytes to fd, which must have room (a small write). */
static int
put(int fd, const void *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n ? 0 : -1;
}

#define PUT(fd, lit) put(fd, lit, sizeof(lit) - 1)

/*
 * Reads in to its end (the writer must have closed), joining the lines
 * with '|' into out. Returns the last status: INPUT_EOF or INPUT_ERROR.
 */
static enum input_status
collect(struct input *in, struct buf *out)
{
	enum input_status st;
	const char	 *line;
	size_t		  len;
	int		  trunc;

	for (;;) {
		st = input_next(in, &line, &len, &trunc);
		if (st == INPUT_AGAIN) {
			if (input_fill(in) == -1 && errno != EINTR)
				return INPUT_ERROR;
			continue;
		}
		if (st != INPUT_LINE)
			return st;
		if (out->len > 0)
			buf_putc(out, '|');
		buf_append(out, line, len);
	}
}

/* Feeds data through a pipe, closed at the end, and collects the lines. */
static const char *
through_pipe(const char *data, size_t n, struct buf *out)
{
	struct input *in;
	int	      p[2];

	buf_clear(out);
	if (pipe(p) == -1)
		return "(pipe failed)";
	if (put(p[1], data, n) == -1)
		return "(write failed)";
	close(p[1]);
	if ((in = input_from_fd(p[0])) == NULL)
		return "(no memory)";
	if (collect(in, out) != INPUT_EOF)
		buf_puts(out, "(error)");
	input_free(in);
	close(p[0]);
	return buf_cstr(out);
}

#define PIPE(lit, out) through_pipe(lit, sizeof(lit) - 1, out)

static void
test_pieces(void)
{
	struct input *in;
	const char   *line;
	size_t	      len;
	int	      p[2], trunc;

	CHECK(pipe(p) == 0);
	CHECK((in = input_from_fd(p[0])) != NULL);
	CHECK_INT(input_fd(in), p[0]);
	CHECK_INT(input_pollable(in), 1);
	/* Nothing buffered: no read is attempted, the answer is AGAIN. */
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);

	CHECK(PUT(p[1], "  http://ex") == 0);
	CHECK_INT(input_fill(in), 11);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK(PUT(p[1], "ample.com") == 0);
	CHECK_INT(input_fill(in), 9);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK(PUT(p[1], "/a \r\n\n# no\nsecond\nthi") == 0);
	CHECK_INT(input_fill(in), 21);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK_INT(len, 20);
	CHECK(memcmp(line, "http://example.com/a", 20) == 0);
	CHECK_INT(trunc, 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 6 && memcmp(line, "second", 6) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK(PUT(p[1], "rd") == 0);
	close(p[1]);
	CHECK_INT(input_fill(in), 2);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK_INT(input_fill(in), 0);
	/* After end of file, the last line without '\n' still counts. */
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 5 && memcmp(line, "third", 5) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	CHECK_INT(input_fill(in), 0);
	CHECK_INT(input_error(in), 0);
	input_free(in);
	close(p[0]);
}

static void
test_trim_skip(void)
{
	struct buf out;

	buf_init(&out, 1 << 16);
	CHECK_STR(PIPE("a\nb\r\nc\n", &out), "a|b|c");
	CHECK_STR(
	    PIPE("  a \t\r\n\r\n\n   \n# c\n  # c2\n\tb\r\n\v\fc\f\n", &out),
	    "a|b|c");
	CHECK_STR(PIPE("\n\n\n", &out), "");
	CHECK_STR(PIPE("", &out), "");
	CHECK_STR(PIPE("# only a comment", &out), "");
	CHECK_STR(PIPE("   \t  ", &out), "");
	CHECK_STR(PIPE("last", &out), "last");
	CHECK_STR(PIPE("last  \r", &out), "last");
	CHECK_STR(PIPE("a#b\n", &out), "a#b");	       /* '#' inside is kept */
	CHECK_STR(PIPE("in side\n", &out), "in side"); /* inner blanks kept */
	CHECK_STR(PIPE("x\r\ry\r\n", &out), "x\r\ry");
	CHECK_STR(PIPE("\r\n\r\nz", &out), "z");
	buf_free(&out);
}

static void
test_bytes(void)
{
	struct buf  out;
	const char *s;

	buf_init(&out, 1 << 16);
	s = PIPE("a\0b\n\0\n", &out);
	CHECK(out.len == 5 && memcmp(s, "a\0b|\0", 5) == 0);
	s = PIPE(" \xff\xfe\xc3 x \n", &out);
	CHECK(out.len == 5 && memcmp(s, "\xff\xfe\xc3 x", 5) == 0);
	s = PIPE("\0  \n", &out); /* NUL is not white space */
	CHECK(out.len == 1 && s[0] == '\0');
	buf_free(&out);
}

/*
 * A 3 MiB line through a pipe, written in steps between reads so that no
 * write blocks. The line is cut; the one after it is whole.
 */
static void
test_long_pipe(void)
{
	const size_t	  big = 3 * 1024 * 1024;
	char		 *data;
	size_t		  n, off = 0, pending = 0, i;
	struct input	 *in;
	const char	 *line;
	size_t		  len;
	int		  p[2], trunc, lines = 0, ok = 1;
	ssize_t		  w;
	long		  r;
	enum input_status st;

	n = 3 + big + 6;
	if ((data = malloc(n)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	memcpy(data, " \t ", 3);
	for (i = 0; i < big; i++)
		data[3 + i] = (char)('a' + i % 23);
	memcpy(data + 3 + big, "\nnext\n", 6);

	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK((in = input_from_fd(p[0])) != NULL);
	for (;;) {
		if (off < n) {
			w = write(p[1], data + off, n - off);
			if (w > 0) {
				off += (size_t)w;
				pending += (size_t)w;
			}
			if (off == n)
				close(p[1]);
		}
		st = input_next(in, &line, &len, &trunc);
		if (st == INPUT_EOF || st == INPUT_ERROR)
			break;
		if (st == INPUT_LINE) {
			if (lines == 0) {
				CHECK_INT(len, INPUT_MAX_LINE);
				CHECK_INT(trunc, 1);
				CHECK(memcmp(line, data + 3, INPUT_MAX_LINE) ==
				    0);
			} else {
				CHECK(len == 4 && memcmp(line, "next", 4) == 0);
				CHECK_INT(trunc, 0);
			}
			lines++;
			continue;
		}
		/* Read only what is known to be there, so read never blocks. */
		if (pending == 0 && off < n)
			continue;
		r = input_fill(in);
		if (r < 0) {
			ok = 0;
			break;
		}
		pending -= (size_t)r;
	}
	if (off < n)
		close(p[1]);
	CHECK(ok);
	CHECK_INT(st, INPUT_EOF);
	CHECK_INT(lines, 2);
	input_free(in);
	close(p[0]);
	free(data);
}

/* Writes the n bytes to a new temporary file; returns its descriptor. */
static int
tempfile(const void *data, size_t n)
{
	char path[] = "/tmp/afetch-test-input-XXXXXX";
	int  fd;

	if ((fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	if (write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads data from a file: returns the status of the first line, its
 * length and truncation in *len and *trunc, and in *nextok whether the
 * line after it is "z".
 */
static enum input_status
first_line(const char *data, size_t n, size_t *len, int *trunc, int *nextok)
{
	struct input	 *in;
	enum input_status st, st2;
	const char	 *line;
	size_t		  len2;
	int		  fd, trunc2;

	*nextok = 0;
	if ((fd = tempfile(data, n)) == -1)
		return INPUT_ERROR;
	if ((in = input_from_fd(fd)) == NULL) {
		close(fd);
		return INPUT_ERROR;
	}
	/* A regular file never blocks: fill whenever asked. */
	while ((st = input_next(in, &line, len, trunc)) == INPUT_AGAIN)
		input_fill(in);
	if (st == INPUT_LINE) {
		while ((st2 = input_next(in, &line, &len2, &trunc2)) ==
		    INPUT_AGAIN)
			input_fill(in);
		*nextok = st2 == INPUT_LINE && len2 == 1 && line[0] == 'z';
	}
	input_free(in);
	close(fd);
	return st;
}

static void
test_file(void)
{
	const size_t  max = INPUT_MAX_LINE;
	char	     *data;
	struct input *in;
	struct buf    out;
	size_t	      len;
	int	      fd, trunc, nextok;

	fd = tempfile("one\n# two\nthree", 15);
	CHECK(fd != -1);
	CHECK((in = input_from_fd(fd)) != NULL);
	CHECK_INT(input_pollable(in), 0);
	buf_init(&out, 100);
	CHECK_INT(collect(in, &out), INPUT_EOF);
	CHECK_STR(buf_cstr(&out), "one|three");
	buf_free(&out);
	input_free(in);
	close(fd);

	/* Lines around the limit: the limit counts after trimming. */
	if ((data = malloc(max + 16)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	memset(data, 'x', max + 16);

	/* Exactly the limit, plus trailing blanks: whole. */
	memcpy(data + max, "  \t\r\nz\n", 7);
	CHECK_INT(first_line(data, max + 7, &len, &trunc, &nextok), INPUT_LINE);
	CHECK_INT(len, max);
	CHECK_INT(trunc, 0);
	CHECK(nextok);

	/* Leading blanks do not count either. */
	memset(data, 'x', max + 16);
	memcpy(data, "  ", 2);
	memcpy(data + max + 2, "\nz\n", 3);
	CHECK_INT(first_line(data, max + 5, &len, &trunc, &nextok), INPUT_LINE);
	CHECK_INT(len, max);
	CHECK_INT(trunc, 0);
	CHECK(nextok);

	/* One byte more, even after a blank: cut. */
	memcpy(data + max + 2, " y\nz\n", 5);
	CHECK_INT(first_line(data, max + 7, &len, &trunc, &nextok), INPUT_LINE);
	CHECK_INT(len, max);
	CHECK_INT(trunc, 1);
	CHECK(nextok);

	/* A cut line without a '\n' at end of file. */
	memset(data, 'x', max + 16);
	CHECK_INT(
	    first_line(data, max + 16, &len, &trunc, &nextok), INPUT_LINE);
	CHECK_INT(len, max);
	CHECK_INT(trunc, 1);
	CHECK(!nextok);
	free(data);
}

static void
test_errors(void)
{
	struct input *in;
	const char   *line;
	size_t	      len;
	int	      fd, p[2], trunc;

	/* A directory cannot be read: a real, sticky error. */
	CHECK((fd = open(".", O_RDONLY)) != -1);
	CHECK((in = input_from_fd(fd)) != NULL);
	CHECK_INT(input_pollable(in), 0);
	CHECK_INT(input_fill(in), -1);
	CHECK_INT(input_error(in), EISDIR);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_ERROR);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_ERROR);
	input_free(in);
	close(fd);

	/* EAGAIN is no error: the reader just waits for more. */
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK((in = input_from_fd(p[0])) != NULL);
	errno = 0;
	CHECK_INT(input_fill(in), -1);
	CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
	CHECK_INT(input_error(in), 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK(PUT(p[1], "ok\n") == 0);
	CHECK_INT(input_fill(in), 3);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 2 && memcmp(line, "ok", 2) == 0);
	input_free(in);
	close(p[0]);
	close(p[1]);

	input_free(NULL);
}

static void
test_args(void)
{
	char a0[] = "  http://a/  ", a1[] = "", a2[] = "# c", a3[] = " \t\r",
	     a4[] = "b\nc", a5[] = "\t#x", a6[] = "example.com\r";
	char *const   argv[] = { a0, a1, a2, a3, a4, a5, a6 };
	struct input *in;
	const char   *line;
	size_t	      len;
	char	     *big;
	int	      trunc;

	CHECK((in = input_from_args(7, argv)) != NULL);
	CHECK_INT(input_fd(in), -1);
	CHECK_INT(input_pollable(in), 0);
	CHECK_INT(input_error(in), 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 9 && memcmp(line, "http://a/", 9) == 0);
	CHECK_INT(trunc, 0);
	/* Arguments are never skipped: empty and '#' ones come back. */
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK_INT(len, 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 3 && memcmp(line, "# c", 3) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK_INT(len, 0);
	/* An argument holding '\n' is one line, kept as it is. */
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 3 && memcmp(line, "b\nc", 3) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 2 && memcmp(line, "#x", 2) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
	CHECK(len == 11 && memcmp(line, "example.com", 11) == 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	CHECK_INT(input_fill(in), 0);
	input_free(in);

	CHECK((in = input_from_args(0, NULL)) != NULL);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	input_free(in);

	if ((big = malloc(INPUT_MAX_LINE + 10)) == NULL) {
		CHECK(!"malloc");
		return;
	}
	memset(big, 'u', INPUT_MAX_LINE + 9);
	big[0] = ' ';
	big[INPUT_MAX_LINE + 9] = '\0';
	{
		char *const bigv[] = { big };

		CHECK((in = input_from_args(1, bigv)) != NULL);
		CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_LINE);
		CHECK_INT(len, INPUT_MAX_LINE);
		CHECK_INT(trunc, 1);
		CHECK(line == big + 1);
		CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
		input_free(in);
	}
	free(big);
}

/*
 * /dev/null cannot be waited for (epoll refuses it), so it must be read at
 * once; a terminal or socket can be waited for.
 */
static void
test_devices(void)
{
	struct input *in;
	const char   *line;
	size_t	      len;
	int	      fd, sv[2], trunc;

	CHECK((fd = open("/dev/null", O_RDONLY)) != -1);
	CHECK((in = input_from_fd(fd)) != NULL);
	CHECK_INT(input_pollable(in), 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_AGAIN);
	CHECK_INT(input_fill(in), 0);
	CHECK_INT(input_next(in, &line, &len, &trunc), INPUT_EOF);
	input_free(in);
	close(fd);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK((in = input_from_fd(sv[0])) != NULL);
	CHECK_INT(input_pollable(in), 1);
	input_free(in);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	RUN(test_pieces);
	RUN(test_trim_skip);
	RUN(test_bytes);
	RUN(test_long_pipe);
	RUN(test_file);
	RUN(test_errors);
	RUN(test_args);
	RUN(test_devices);
	return harness_result();
}
