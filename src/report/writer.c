/*
 * writer: whole-record output that never blocks the loop.
 *
 * The buffer holds whole records; data[off .. len) is still to be written.
 * A pipe or socket is non-blocking and written record-aligned: each write
 * is the longest run of whole records that fits in the room the
 * descriptor has (or that POSIX makes atomic, PIPE_BUF), so a write that
 * cannot go whole is not started and a second signal never finds half a
 * line out. When a record does not fit yet the writer waits: for
 * writability after EAGAIN, or a short while when the descriptor is
 * writable but its room is too small, so that a half-empty pipe does not
 * wake the loop on every turn.
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ, F_SETPIPE_SZ */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "loop.h"
#include "writer.h"

/* Past this much unwritten, the caller should stop making records. */
#define HIGH_WATER (256 * 1024)

/* How long to wait when a pipe is writable but has too little room. */
#define ROOM_RETRY 0.01

enum writer_kind {
	WRITER_BLOCKING, /* regular file, terminal, device */
	WRITER_PIPE,
	WRITER_SOCKET
};

struct writer {
	struct loop	  *loop;
	int		   fd;
	enum writer_kind   kind;
	int		   saved_flags; /* before O_NONBLOCK; -1: untouched */
	size_t		   page;	/* the unit a pipe is filled by */
	struct buf	   buf;
	size_t		   off;	      /* bytes of buf already written */
	int		   partial;   /* a record is out in part */
	int		   scheduled; /* a write is queued on the loop */
	int		   waiting;   /* for writability or room */
	int		   error;
	struct event	  *writable;
	struct loop_timer *retry;
	struct event	  *reader_watch;
	void (*on_failure)(void *);
	void *failure_arg;
	void (*on_drain)(void *);
	void *drain_arg;
	void (*on_partial)(int, void *);
	void *partial_arg;
};

static void on_writable(evutil_socket_t, short, void *);

static enum writer_kind
kind_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return WRITER_BLOCKING;
	if (S_ISFIFO(st.st_mode))
		return WRITER_PIPE;
	if (S_ISSOCK(st.st_mode))
		return WRITER_SOCKET;
	return WRITER_BLOCKING;
}

struct writer *
writer_new(struct loop *loop, int fd, size_t limit)
{
	struct writer *w;
	long	       page = sysconf(_SC_PAGESIZE);
	int	       flags;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	w->saved_flags = -1;
	w->page = page > 0 ? (size_t)page : 4096;
	w->kind = kind_of(fd);
	buf_init(&w->buf, limit);
	if (w->kind == WRITER_BLOCKING)
		return w;
	w->writable = event_new(loop_base(loop), fd, EV_WRITE, on_writable, w);
	if (w->writable == NULL || (flags = fcntl(fd, F_GETFL)) == -1)
		goto fail;
	if (!(flags & O_NONBLOCK)) {
		if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
			goto fail;
		w->saved_flags = flags;
	}
	return w;
fail:
	writer_free(w);
	return NULL;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	if (w->reader_watch != NULL)
		event_free(w->reader_watch);
	if (w->writable != NULL)
		event_free(w->writable);
	loop_timer_cancel(w->retry);
	/* The descriptor may be shared with the shell or a sibling: its
	 * blocking mode is theirs. */
	if (w->saved_flags != -1)
		fcntl(w->fd, F_SETFL, w->saved_flags);
	buf_free(&w->buf);
	free(w);
}

struct buf *
writer_buf(struct writer *w)
{
	return &w->buf;
}

int
writer_errno(const struct writer *w)
{
	return w->error;
}

int
writer_saved_flags(const struct writer *w)
{
	return w->saved_flags;
}

int
writer_backlogged(const struct writer *w)
{
	return w->buf.len - w->off > HIGH_WATER;
}

int
writer_idle(const struct writer *w)
{
	return w->buf.len == w->off;
}

void
writer_on_failure(struct writer *w, void (*fn)(void *), void *arg)
{
	w->on_failure = fn;
	w->failure_arg = arg;
}

void
writer_on_drain(struct writer *w, void (*fn)(void *), void *arg)
{
	w->on_drain = fn;
	w->drain_arg = arg;
}

void
writer_on_partial(struct writer *w, void (*fn)(int, void *), void *arg)
{
	w->on_partial = fn;
	w->partial_arg = arg;
}

static void
set_partial(struct writer *w, int partial)
{
	if (w->partial == partial)
		return;
	w->partial = partial;
	if (w->on_partial != NULL)
		w->on_partial(partial, w->partial_arg);
}

static void
stop_waiting(struct writer *w)
{
	if (w->writable != NULL)
		event_del(w->writable);
	loop_timer_cancel(w->retry);
	w->retry = NULL;
	w->waiting = 0;
}

static void
fail(struct writer *w, int err)
{
	w->error = err;
	stop_waiting(w);
	buf_clear(&w->buf);
	w->off = 0;
	if (w->reader_watch != NULL)
		event_del(w->reader_watch);
	/* Reported on a later turn: the caller may be mid-record. */
	if (w->on_failure != NULL &&
	    loop_call_soon(w->loop, w->on_failure, w->failure_arg) != RT_OK)
		w->on_failure(w->failure_arg);
}

/*
 * The bytes a write of this size may take without being cut: what the
 * pipe's buffer pages or the socket's send buffer have free. The kernel
 * fills a pipe by pages, so the queued bytes are counted as whole pages,
 * plus one page for the reader's half-read one. 0 when it cannot tell.
 */
static size_t
room(const struct writer *w)
{
	int	  cap, queued;
	size_t	  used;
	socklen_t len = sizeof(cap);

	if (w->kind == WRITER_PIPE) {
		if ((cap = fcntl(w->fd, F_GETPIPE_SZ)) <= 0 ||
		    ioctl(w->fd, FIONREAD, &queued) == -1 || queued < 0)
			return 0;
		used = ((size_t)queued + w->page - 1) / w->page * w->page +
		    w->page;
		return (size_t)cap > used ? (size_t)cap - used : 0;
	}
	/* SO_SNDBUF reports twice the data it holds (the rest is the
	 * kernel's bookkeeping); TIOCOUTQ is what is not yet sent. */
	if (getsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &cap, &len) == -1 ||
	    ioctl(w->fd, TIOCOUTQ, &queued) == -1 || queued < 0)
		return 0;
	return (size_t)cap / 2 > (size_t)queued
	    ? (size_t)cap / 2 - (size_t)queued
	    : 0;
}

/*
 * Returns 1 when a record of n bytes can ever go out whole: an empty pipe
 * or send buffer holds it. A pipe is first grown to fit, as far as the
 * system allows.
 */
static int
fits_ever(struct writer *w, size_t n)
{
	int	  cap;
	socklen_t len = sizeof(cap);

	if (n <= PIPE_BUF)
		return 1;
	if (w->kind == WRITER_SOCKET)
		return getsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &cap, &len) ==
		    0 &&
		    n <= (size_t)cap / 2;
	if ((cap = fcntl(w->fd, F_GETPIPE_SZ)) > 0 &&
	    n + w->page <= (size_t)cap)
		return 1;
	if (n > INT_MAX / 2)
		return 0;
	return fcntl(w->fd, F_SETPIPE_SZ, (int)(n + w->page)) != -1;
}

/* The longest run of whole records in p[0 .. len) no longer than max. */
static size_t
whole_records(const char *p, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	while (n > 0 && p[n - 1] != '\n')
		n--;
	return n;
}

static void
on_room_retry(void *arg)
{
	struct writer *w = arg;

	w->retry = NULL;
	on_writable(w->fd, EV_WRITE, w);
}

/* Waits for the descriptor: for writability, or a while for more room. */
static void
wait_for(struct writer *w, int for_room)
{
	/* What is written goes, so the buffer holds only what waits and
	 * new records do not pile up behind a written prefix. */
	buf_consume(&w->buf, w->off);
	w->off = 0;
	w->waiting = 1;
	if (for_room) {
		w->retry =
		    loop_call_later(w->loop, ROOM_RETRY, on_room_retry, w);
		if (w->retry != NULL)
			return;
	}
	if (event_add(w->writable, NULL) == -1)
		fail(w, errno != 0 ? errno : EIO);
}

/*
 * Writes whole records while the descriptor has room for them. Returns 0
 * (all written, or waiting for room), or -1 after a failure.
 */
static int
write_records(struct writer *w)
{
	const char *p;
	size_t	    left, n, space;
	ssize_t	    k;

	while (w->off < w->buf.len) {
		p = w->buf.data + w->off;
		left = w->buf.len - w->off;
		if (w->partial) {
			/* Finish the record that is out in part first. */
			const char *nl = memchr(p, '\n', left);

			n = nl != NULL ? (size_t)(nl - p) + 1 : left;
		} else {
			space = room(w);
			n = whole_records(
			    p, left, space > PIPE_BUF ? space : PIPE_BUF);
			if (n == 0) {
				const char *nl = memchr(p, '\n', left);

				n = nl != NULL ? (size_t)(nl - p) + 1 : left;
				if (fits_ever(w, n)) {
					wait_for(w, 1);
					return w->error != 0 ? -1 : 0;
				}
				/* Larger than the pipe can hold: in parts. */
			}
		}
		k = write(w->fd, p, n);
		if (k == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_for(w, 0);
				return w->error != 0 ? -1 : 0;
			}
			fail(w, errno);
			return -1;
		}
		w->off += (size_t)k;
		set_partial(w, w->buf.data[w->off - 1] != '\n');
		if ((size_t)k < n) {
			wait_for(w, 0);
			return w->error != 0 ? -1 : 0;
		}
	}
	buf_clear(&w->buf);
	w->off = 0;
	return 0;
}

/* A blocking descriptor takes everything, short writes and EINTR aside. */
static int
write_all(struct writer *w)
{
	ssize_t k;

	/* A blocking write may stop anywhere in a record: while it runs, a
	 * second signal must wait for it. */
	set_partial(w, 1);
	while (w->off < w->buf.len) {
		k = write(w->fd, w->buf.data + w->off, w->buf.len - w->off);
		if (k == -1) {
			if (errno == EINTR)
				continue;
			set_partial(w, 0);
			fail(w, errno);
			return -1;
		}
		w->off += (size_t)k;
	}
	set_partial(w, 0);
	buf_clear(&w->buf);
	w->off = 0;
	return 0;
}

enum report_err
writer_flush(struct writer *w)
{
	int rc;

	if (w->error != 0) {
		buf_clear(&w->buf);
		w->off = 0;
		return REPORT_ERR_WRITE;
	}
	if (w->waiting)
		return REPORT_OK; /* the wake-up writes on */
	rc = w->kind == WRITER_BLOCKING ? write_all(w) : write_records(w);
	return rc == 0 ? REPORT_OK : REPORT_ERR_WRITE;
}

/* After a write from the loop: tell the caller once it may go on. */
static void
drained(struct writer *w)
{
	if (w->error == 0 && !writer_backlogged(w) && w->on_drain != NULL)
		w->on_drain(w->drain_arg);
}

static void
on_writable(evutil_socket_t fd, short what, void *arg)
{
	struct writer *w = arg;

	(void)fd;
	(void)what;
	stop_waiting(w);
	writer_flush(w);
	drained(w);
}

static void
scheduled_flush(void *arg)
{
	struct writer *w = arg;

	w->scheduled = 0;
	writer_flush(w);
	drained(w);
}

void
writer_commit(struct writer *w)
{
	if (w->error != 0) {
		buf_clear(&w->buf);
		w->off = 0;
		return;
	}
	if (w->buf.len - w->off >= HIGH_WATER && !w->waiting) {
		writer_flush(w);
		return;
	}
	if (!w->scheduled && !w->waiting && w->buf.len > w->off) {
		if (loop_call_soon(w->loop, scheduled_flush, w) == RT_OK)
			w->scheduled = 1;
		else
			writer_flush(w);
	}
}

/*
 * The write end of a pipe never becomes readable; epoll reports an error
 * on it once the reader has closed, which libevent delivers as EV_READ.
 * poll() then confirms it.
 */
static void
on_reader_event(evutil_socket_t fd, short what, void *arg)
{
	struct writer *w = arg;
	struct pollfd  pfd = { .fd = fd, .events = 0 };

	(void)what;
	if (w->error == 0 && poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP)))
		fail(w, EPIPE);
}

enum report_err
writer_watch_reader(struct writer *w)
{
	if (w->kind != WRITER_PIPE)
		return REPORT_OK;
	w->reader_watch = event_new(loop_base(w->loop), w->fd,
	    EV_READ | EV_PERSIST, on_reader_event, w);
	if (w->reader_watch == NULL)
		return REPORT_ERR_NOMEM;
	if (event_add(w->reader_watch, NULL) == -1)
		return REPORT_ERR_EVENT;
	return REPORT_OK;
}
