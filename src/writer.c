#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "loop.h"
#include "signals.h"
#include "writer.h"

/* Flushed at once past this, so one busy turn cannot grow the buffer. */
#define HIGH_WATER	(256 * 1024)
/* One record may be large (a long URL); the buffer takes a few of them. */
#define BUF_LIMIT	(64 * 1024 * 1024)

struct writer {
	struct loop	*loop;
	int		 fd;
	struct buf	 buf;
	int		 scheduled;
	int		 error;
	void		(*on_failure)(void *);
	void		*failure_arg;
};

struct writer *
writer_new(struct loop *loop, int fd)
{
	struct writer	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	buf_init(&w->buf, BUF_LIMIT);
	return w;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
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

int
writer_flush(struct writer *w)
{
	size_t	off = 0;
	ssize_t	n;

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
		/* Reported on a later turn: the caller may be mid-record. */
		if (w->on_failure != NULL &&
		    loop_call_soon(w->loop, w->on_failure, w->failure_arg) == -1)
			w->on_failure(w->failure_arg);
		return -1;
	}
	return 0;
}

static void
scheduled_flush(void *arg)
{
	struct writer	*w = arg;

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
