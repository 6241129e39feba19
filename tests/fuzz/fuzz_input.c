/*
 * Fuzz target: the input line reader (src/input.c).
 *
 * The first byte picks the size of the writes the payload reaches the
 * reader in (1 to 256 bytes, through a pipe), so lines are split across
 * reads at every place. The lines read must be exactly those of a plain
 * reference splitter written from input.h's rules: split at '\n', trim
 * spaces, tabs, '\r', '\v', '\f', skip blank and '#' lines, keep every
 * other byte (NUL and invalid UTF-8 included), keep a last line without
 * '\n'. The same payload split at NUL bytes goes through the argv reader,
 * which trims the same way but never skips.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "input.h"

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims the n bytes at *s in place (moving *s); returns the new length. */
static size_t
trim(const char **s, size_t n)
{
	while (n > 0 && is_blank((unsigned char)**s)) {
		(*s)++;
		n--;
	}
	while (n > 0 && is_blank((unsigned char)(*s)[n - 1]))
		n--;
	return n;
}

/*
 * Returns the next line of the reference, from *pos in the n bytes at p:
 * 1 with *line and *len set, 0 at the end.
 */
static int
ref_next(const char *p, size_t n, size_t *pos, const char **line, size_t *len)
{
	const char *s, *nl;
	size_t	    l;

	while (*pos < n) {
		s = p + *pos;
		nl = memchr(s, '\n', n - *pos);
		l = nl != NULL ? (size_t)(nl - s) : n - *pos;
		*pos += l + (nl != NULL);
		l = trim(&s, l);
		if (l == 0 || s[0] == '#')
			continue;
		*line = s;
		*len = l;
		return 1;
	}
	return 0;
}

/* Checks the next reader line against the reference's. */
static void
expect(const char *p, size_t n, size_t *pos, const char *got, size_t len,
    int truncated)
{
	const char *want;
	size_t	    wlen;

	FUZZ_CHECK(ref_next(p, n, pos, &want, &wlen));
	/* Fuzz inputs stay far below INPUT_MAX_LINE: no line is cut. */
	FUZZ_CHECK(!truncated);
	FUZZ_CHECK(len == wlen && memcmp(got, want, len) == 0);
	FUZZ_CHECK(got[len] == '\0');
}

static void
check_fd_reader(const char *p, size_t n, size_t chunk)
{
	struct input	 *in;
	enum input_status st;
	const char	 *line;
	size_t		  len, sent = 0, pos = 0, w;
	int		  fds[2], truncated, closed = 0;
	long		  got;

	FUZZ_CHECK(pipe(fds) == 0);
	if ((in = input_from_fd(fds[0])) == NULL)
		goto out;
	for (;;) {
		st = input_next(in, &line, &len, &truncated);
		if (st == INPUT_LINE) {
			expect(p, n, &pos, line, len, truncated);
			continue;
		}
		if (st == INPUT_EOF)
			break;
		FUZZ_CHECK(st == INPUT_AGAIN);
		/* The reader reads only what is there: one write at a time. */
		if (sent < n) {
			w = n - sent < chunk ? n - sent : chunk;
			FUZZ_CHECK(write(fds[1], p + sent, w) == (ssize_t)w);
			sent += w;
		} else if (!closed) {
			close(fds[1]);
			closed = 1;
		}
		got = input_fill(in);
		FUZZ_CHECK(got >= 0 || errno == EINTR || errno == EAGAIN);
	}
	FUZZ_CHECK(closed && sent == n);
	FUZZ_CHECK(!ref_next(p, n, &pos, &line, &len));
	FUZZ_CHECK(input_error(in) == 0);
	/* EOF is for good. */
	FUZZ_CHECK(input_next(in, &line, &len, &truncated) == INPUT_EOF);
	input_free(in);
out:
	if (!closed)
		close(fds[1]);
	close(fds[0]);
}

static void
check_argv_reader(const char *p, size_t n)
{
	char		 *copy, *argv[64];
	const char	 *line, *s;
	size_t		  len, l;
	int		  argc = 0, i, truncated;
	struct input	 *in;
	enum input_status st;

	/* A C string can hold no NUL: the NUL bytes split the arguments. */
	if ((copy = malloc(n + 1)) == NULL)
		return;
	memcpy(copy, p, n);
	copy[n] = '\0';
	for (s = copy; argc < 64; s += strlen(s) + 1) {
		argv[argc++] = (char *)s;
		if (s + strlen(s) >= copy + n)
			break;
	}
	if ((in = input_from_args(argc, argv)) != NULL) {
		for (i = 0; i < argc; i++) {
			st = input_next(in, &line, &len, &truncated);
			FUZZ_CHECK(st == INPUT_LINE && !truncated);
			s = argv[i];
			l = trim(&s, strlen(s));
			FUZZ_CHECK(len == l && memcmp(line, s, l) == 0);
		}
		FUZZ_CHECK(
		    input_next(in, &line, &len, &truncated) == INPUT_EOF);
		input_free(in);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk;

	/* A pipe holds 64 KiB: bigger inputs are not more interesting. */
	if (size < 1 || size > 60000)
		return 0;
	chunk = (size_t)data[0] + 1;
	check_fd_reader((const char *)data + 1, size - 1, chunk);
	check_argv_reader((const char *)data + 1, size - 1);
	return 0;
}
