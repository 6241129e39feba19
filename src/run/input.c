/*
 * input: reads URL lines lazily from a file descriptor or from argv.
 *
 * Memory is one read buffer (INPUT_READ_SIZE) plus one line buffer of at
 * most INPUT_MAX_LINE + 1 bytes, whatever the input. Bytes go from the read
 * buffer to the line buffer as they are scanned: leading white space and
 * comment lines are dropped on the way, and the part of an over-long line
 * past INPUT_MAX_LINE is only looked at, never stored.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "input.h"

/* One read(2); big enough that a fast producer costs few system calls. */
#define INPUT_READ_SIZE (64 * 1024)

/* Where the scan of the current line stands. */
enum line_state {
	LINE_START,   /* only white space so far */
	LINE_COMMENT, /* first non-blank was '#': dropping to '\n' */
	LINE_BODY     /* storing bytes into in->line */
};

struct input {
	int fd; /* -1 for an argv reader */
	int pollable;
	int eof;   /* read(2) returned 0 */
	int error; /* errno of a failed read, 0 if none */

	/* argv reader */
	char *const *argv;
	int	     argc;
	int	     argi;

	/* fd reader: unscanned bytes are rbuf[rpos .. rend) */
	char  *rbuf;
	size_t rpos;
	size_t rend;

	/* the line being assembled */
	struct buf	line;
	enum line_state state;
	int		overflow; /* a non-blank byte past INPUT_MAX_LINE */
	int		returned; /* line was handed out: clear first */
};

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct input *
input_new(void)
{
	struct input *in;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	in->fd = -1;
	buf_init(&in->line, INPUT_MAX_LINE);
	in->state = LINE_START;
	return in;
}

/*
 * Whether readiness can be waited for. The loop's backend, epoll, refuses
 * regular files and some devices (/dev/null) with EPERM: they are never
 * waited for but read at once, which never blocks for them. Asking epoll
 * itself keeps the two in agreement; elsewhere, regular files and
 * non-terminal devices are read at once.
 */
static int
can_poll(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
#ifdef __linux__
	{
		struct epoll_event ev = { .events = EPOLLIN };
		int		   ep, rc;

		if ((ep = epoll_create1(EPOLL_CLOEXEC)) != -1) {
			rc = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			close(ep);
			return rc == 0;
		}
	}
#endif
	return !S_ISCHR(st.st_mode) || isatty(fd);
}

struct input *
input_from_fd(int fd)
{
	struct input *in;

	if ((in = input_new()) == NULL)
		return NULL;
	if ((in->rbuf = malloc(INPUT_READ_SIZE)) == NULL) {
		free(in);
		return NULL;
	}
	in->fd = fd;
	/* Decided once: a descriptor does not change type under us. */
	in->pollable = can_poll(fd);
	return in;
}

struct input *
input_from_args(int argc, char *const argv[])
{
	struct input *in;

	if ((in = input_new()) == NULL)
		return NULL;
	in->argv = argv;
	in->argc = argc;
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	buf_free(&in->line);
	free(in->rbuf);
	free(in);
}

/*
 * An argument is a whole line, so it is trimmed and cut here and returned
 * in place. It is one line even when it holds a '\n': that byte is neither
 * a line end nor trimmed, and the URL check rejects it later. Arguments are
 * never skipped: each one is a URL read and gets its record, so an empty
 * or '#' argument is an invalid URL rather than a comment.
 */
static enum input_status
args_next(struct input *in, const char **line, size_t *len, int *truncated)
{
	const char *s;
	size_t	    n;

	while (in->argi < in->argc) {
		s = in->argv[in->argi++];
		n = strlen(s);
		while (n > 0 && is_blank((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n > 0 && is_blank((unsigned char)s[n - 1]))
			n--;
		*truncated = n > INPUT_MAX_LINE;
		*line = s;
		*len = *truncated ? INPUT_MAX_LINE : n;
		return INPUT_LINE;
	}
	return INPUT_EOF;
}

/*
 * Scans n bytes of the current line (no '\n' among them) into in->line.
 * Returns 0, or -1 when memory runs out.
 */
static int
scan(struct input *in, const char *p, size_t n)
{
	size_t room, take;

	if (in->state == LINE_START) {
		while (n > 0 && is_blank((unsigned char)*p)) {
			p++;
			n--;
		}
		if (n == 0)
			return 0;
		in->state = *p == '#' ? LINE_COMMENT : LINE_BODY;
	}
	if (in->state == LINE_COMMENT)
		return 0;

	room = INPUT_MAX_LINE - in->line.len;
	take = n < room ? n : room;
	if (buf_append(&in->line, p, take) == -1)
		return -1;
	/*
	 * Past the limit only trailing white space may follow for the line
	 * to be whole; one other byte means it is cut.
	 */
	for (p += take, n -= take; n > 0 && !in->overflow; p++, n--)
		if (!is_blank((unsigned char)*p))
			in->overflow = 1;
	return 0;
}

/*
 * Ends the current line. Returns 1 when it is a line to hand out (set in
 * *line, *len and *truncated), 0 when it is to be skipped.
 */
static int
finish(struct input *in, const char **line, size_t *len, int *truncated)
{
	enum line_state state = in->state;

	in->state = LINE_START;
	if (state != LINE_BODY)
		return 0;
	/* A cut line keeps its first INPUT_MAX_LINE bytes, blank or not. */
	if (!in->overflow)
		while (in->line.len > 0 &&
		    is_blank((unsigned char)in->line.data[in->line.len - 1]))
			in->line.len--;
	in->line.data[in->line.len] = '\0';
	*truncated = in->overflow;
	in->overflow = 0;
	*line = in->line.data;
	*len = in->line.len;
	in->returned = 1;
	return 1;
}

/*
 * Whole lines already buffered are handed out before an error is reported;
 * the unfinished line a read error interrupts is dropped, as nothing says
 * it was complete (at end of file it is, and is returned).
 */
enum input_status
input_next(struct input *in, const char **line, size_t *len, int *truncated)
{
	const char *p, *nl;
	size_t	    n;

	*truncated = 0;
	if (in->fd == -1)
		return args_next(in, line, len, truncated);
	if (in->returned) {
		buf_clear(&in->line);
		in->returned = 0;
	}
	while (in->rpos < in->rend) {
		p = in->rbuf + in->rpos;
		n = in->rend - in->rpos;
		if ((nl = memchr(p, '\n', n)) != NULL)
			n = (size_t)(nl - p);
		if (scan(in, p, n) == -1) {
			in->error = ENOMEM;
			return INPUT_ERROR;
		}
		in->rpos += n;
		if (nl == NULL)
			break;
		in->rpos++;
		if (finish(in, line, len, truncated))
			return INPUT_LINE;
	}
	if (in->error != 0)
		return INPUT_ERROR;
	if (!in->eof)
		return INPUT_AGAIN;
	if (finish(in, line, len, truncated))
		return INPUT_LINE;
	return INPUT_EOF;
}

long
input_fill(struct input *in)
{
	ssize_t n;

	if (in->fd == -1 || in->eof)
		return 0;
	if (in->error != 0) {
		errno = in->error;
		return -1;
	}
	/* input_next leaves nothing unscanned before it asks for more. */
	if (in->rpos < in->rend) {
		errno = EAGAIN;
		return -1;
	}
	in->rpos = in->rend = 0;
	n = read(in->fd, in->rbuf, INPUT_READ_SIZE);
	if (n == -1) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			in->error = errno;
		return -1;
	}
	if (n == 0)
		in->eof = 1;
	in->rend = (size_t)n;
	return (long)n;
}

int
input_pollable(const struct input *in)
{
	return in->pollable;
}

int
input_fd(const struct input *in)
{
	return in->fd;
}

int
input_error(const struct input *in)
{
	return in->error;
}
