#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "loop.h"
#include "signals.h"
#include "writer.h"

/* Flushed at once past this, so one busy turn cannot grow the buffer. */
#define HIGH_WATER (256 * 1024)

struct writer {
	struct loop *loop;
	int	     fd;
	struct buf   buf;
	int	     scheduled;
	int	     error;
	void (*on_failure)(void *);
	void	     *failure_arg;
	struct event *reader_watch;
};

struct writer *
writer_new(struct loop *loop, int fd, size_t limit)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	buf_init(&w->buf, limit);
	return w;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	if (w->reader_watch != NULL)
		event_free(w->reader_watch);
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

void
writer_on_failure(struct writer *w, void (*fn)(void *), void *arg)
{
	w->on_failure = fn;
	w->failure_arg = arg;
}

static void
fail(struct writer *w, int err)
{
	w->error = err;
	if (w->reader_watch != NULL)
		event_del(w->reader_watch);
	/* Reported on a later turn: the caller may be mid-record. */
	if (w->on_failure != NULL &&
	    loop_call_soon(w->loop, w->on_failure, w->failure_arg) == -1)
		w->on_failure(w->failure_arg);
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

int
writer_watch_reader(struct writer *w)
{
	struct stat st;

	if (fstat(w->fd, &st) == -1 || !S_ISFIFO(st.st_mode))
		return 0;
	w->reader_watch = event_new(loop_base(w->loop), w->fd,
	    EV_READ | EV_PERSIST, on_reader_event, w);
	if (w->reader_watch == NULL || event_add(w->reader_watch, NULL) == -1)
		return -1;
	return 0;
}

int
writer_flush(struct writer *w)
{
	size_t	off = 0;
	ssize_t n;

	if (w->error != 0) {
		buf_clear(&w->buf);
		return -1;
	}
	/*
	 * The buffer holds whole records only. While it is being written a
	 * second signal must not cut a line, so the signal module is told.
	 */
	signals_writing(1);
	while (off < w->buf.len) {
		n = write(w->fd, w->buf.data + off, w->buf.len - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			w->error = errno;
			break;
		}
		off += (size_t)n;
	}
	signals_writing(0);
	buf_clear(&w->buf);
	if (w->error != 0) {
		fail(w, w->error);
		return -1;
	}
	return 0;
}

static void
scheduled_flush(void *arg)
{
	struct writer *w = arg;

	w->scheduled = 0;
	writer_flush(w);
}

void
writer_commit(struct writer *w)
{
	if (w->buf.len >= HIGH_WATER) {
		writer_flush(w);
		return;
	}
	if (!w->scheduled && w->buf.len > 0) {
		if (loop_call_soon(w->loop, scheduled_flush, w) == 0)
			w->scheduled = 1;
		else
			writer_flush(w);
	}
}
