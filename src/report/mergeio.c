/*
 * mergeio: buffered reads and writes for --merge's inputs and spill files,
 * and its temporary files. merge and its sources own the readers and
 * writers; they own no descriptor.
 */
#define _GNU_SOURCE /* O_TMPFILE */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeio.h"

enum report_err
mergeio_reader_init(
    struct mergeio_reader *r, int fd, off_t from, off_t to, size_t limit)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->limit = limit < MERGEIO_CHUNK ? MERGEIO_CHUNK : limit;
	r->pos = from;
	r->stop = to;
	return lseek(fd, from, SEEK_SET) == (off_t)-1 ? REPORT_ERR_READ
						      : REPORT_OK;
}

void
mergeio_reader_free(struct mergeio_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->start = r->end = r->cap = 0;
}

/*
 * Reads once more into the buffer, moving what is unread to the front and
 * growing the buffer (up to the limit plus one chunk) when it is full.
 * Returns 1 when bytes came, 0 at the end of the range, -1 on an error.
 */
static int
fill(struct mergeio_reader *r)
{
	size_t	want;
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < MERGEIO_CHUNK) {
		size_t cap = r->cap == 0 ? MERGEIO_CHUNK : r->cap * 2;
		char  *grown;

		if (cap > r->limit + MERGEIO_CHUNK)
			cap = r->limit + MERGEIO_CHUNK;
		if (cap <= r->end || (grown = realloc(r->buf, cap)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = grown;
		r->cap = cap;
	}
	want = r->cap - r->end;
	if (r->stop >= 0 && (off_t)want > r->stop - r->pos)
		want = (size_t)(r->stop - r->pos);
	if (want == 0) {
		r->eof = 1;
		return 0;
	}
	do
		n = read(r->fd, r->buf + r->end, want);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	r->pos += n;
	return 1;
}

enum mergeio_status
mergeio_line(
    struct mergeio_reader *r, const char **line, size_t *len, int *terminated)
{
	size_t scanned = 0, skipped = 0;
	char  *nl;
	int    got;

	for (;;) {
		nl = r->end > r->start + scanned
		    ? memchr(r->buf + r->start + scanned, '\n',
			  r->end - r->start - scanned)
		    : NULL;
		if (nl != NULL) {
			size_t n = (size_t)(nl - (r->buf + r->start));

			*line = r->buf + r->start;
			*len = n;
			*terminated = 1;
			r->start += n + 1;
			if (skipped > 0) {
				*len = skipped + n;
				return MERGEIO_LONG;
			}
			return MERGEIO_GOT;
		}
		scanned = r->end - r->start;
		if (scanned > r->limit) {
			/* Too long to hold: drop what is here, find its end. */
			skipped += scanned;
			r->start = r->end;
			scanned = 0;
		}
		if ((got = fill(r)) == -1)
			return MERGEIO_ERROR;
		if (got == 0)
			break;
	}
	if (skipped > 0) {
		*len = skipped + (r->end - r->start);
		r->start = r->end;
		return MERGEIO_LONG;
	}
	if (r->end == r->start)
		return MERGEIO_END;
	*line = r->buf + r->start;
	*len = r->end - r->start;
	*terminated = 0;
	r->start = r->end;
	return MERGEIO_GOT;
}

enum mergeio_status
mergeio_piece(struct mergeio_reader *r, size_t n, const char **p)
{
	int got;

	if (n > r->limit)
		return MERGEIO_ERROR;
	while (r->end - r->start < n) {
		if ((got = fill(r)) == -1)
			return MERGEIO_ERROR;
		if (got == 0)
			return r->end == r->start ? MERGEIO_END : MERGEIO_ERROR;
	}
	*p = r->buf + r->start;
	r->start += n;
	return MERGEIO_GOT;
}

off_t
mergeio_offset(const struct mergeio_reader *r)
{
	return r->pos - (off_t)(r->end - r->start);
}

void
mergeio_writer_init(struct mergeio_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
}

enum report_err
mergeio_flush(struct mergeio_writer *w)
{
	size_t	done = 0;
	ssize_t n;

	if (w->failed)
		return report_err_of(w->failed, REPORT_ERR_WRITE);
	while (done < w->len) {
		n = write(w->fd, w->buf + done, w->len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			w->failed = errno;
			return REPORT_ERR_WRITE;
		}
		done += (size_t)n;
	}
	w->len = 0;
	return REPORT_OK;
}

enum report_err
mergeio_write(struct mergeio_writer *w, const void *data, size_t n)
{
	const char     *p = data;
	size_t		take;
	enum report_err rc;

	if (w->failed)
		return report_err_of(w->failed, REPORT_ERR_WRITE);
	if (w->buf == NULL && (w->buf = malloc(MERGEIO_CHUNK)) == NULL) {
		w->failed = ENOMEM;
		return REPORT_ERR_NOMEM;
	}
	while (n > 0) {
		if (w->len == MERGEIO_CHUNK &&
		    (rc = mergeio_flush(w)) != REPORT_OK)
			return rc;
		take = MERGEIO_CHUNK - w->len;
		if (take > n)
			take = n;
		memcpy(w->buf + w->len, p, take);
		w->len += take;
		p += take;
		n -= take;
	}
	return REPORT_OK;
}

void
mergeio_writer_free(struct mergeio_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

int
mergeio_tempfile(void)
{
	const char *dir = getenv("TMPDIR");
	char	    path[4096];
	int	    fd, saved;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
		/*
	 * A file made without a name leaves nothing behind however the run
	 * ends: between mkstemp() and unlink() a SIGKILL left one (seen under
	 * load in merge_outputs). Where the file system cannot make one, the
	 * named file is unlinked at once.
	 */
#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -1;
#endif
	if ((size_t)snprintf(path, sizeof(path), "%s/afetch-merge-XXXXXX",
		dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (unlink(path) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
