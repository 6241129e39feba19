/*
 * mergeio: the file plumbing of --merge: a buffered reader of lines or of
 * fixed-size pieces over a byte range of a file, a buffered writer, and
 * temporary files that are already unlinked when they are made.
 *
 * Temporary files are unlinked at once and reached through their
 * descriptor only, so none is ever left behind: not on an error, not
 * after kill -9. The reader's buffer starts at MERGEIO_CHUNK bytes and
 * grows only for a line or piece longer than that, up to its limit.
 */
#ifndef AFETCH_MERGEIO_H
#define AFETCH_MERGEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "reporterr.h"

/* Bytes read or written per system call. */
#define MERGEIO_CHUNK (64 * 1024)

struct mergeio_reader {
	int    fd;
	char  *buf;
	size_t start, end, cap, limit;
	off_t  pos;  /* file offset of buf[end] */
	off_t  stop; /* read nothing at or past this offset; -1: to EOF */
	int    eof;
};

enum mergeio_status {
	MERGEIO_GOT,  /* a line, or the piece asked for */
	MERGEIO_END,  /* nothing left (a piece: not even a partial one) */
	MERGEIO_LONG, /* a line over the limit: skipped, reading goes on */
	MERGEIO_ERROR /* read(2) failed (errno), a piece was cut short, or
			 memory ran out */
};

/*
 * Reads fd from offset from up to offset to (-1: the end of the file),
 * holding at most limit bytes at once. The descriptor stays the caller's.
 * Returns REPORT_OK, or REPORT_ERR_READ when seeking fails (errno set).
 * Allocates on first read.
 */
enum report_err mergeio_reader_init(
    struct mergeio_reader *r, int fd, off_t from, off_t to, size_t limit);

/* Frees the buffer (not the descriptor). */
void mergeio_reader_free(struct mergeio_reader *r);

/*
 * Returns the next line (without its '\n') in *line and *len, valid until
 * the next call; *terminated says whether a '\n' ended it (only the last
 * line of the range may lack one). MERGEIO_LONG reports a line over the
 * limit, with its length in *len, and skips it.
 */
enum mergeio_status mergeio_line(
    struct mergeio_reader *r, const char **line, size_t *len, int *terminated);

/*
 * Returns the next n bytes (n <= the limit) in *p, valid until the next
 * call. MERGEIO_END when the range is at its end, MERGEIO_ERROR when it
 * ends within the piece.
 */
enum mergeio_status mergeio_piece(
    struct mergeio_reader *r, size_t n, const char **p);

/* The file offset of the first byte not yet returned. */
off_t mergeio_offset(const struct mergeio_reader *r);

struct mergeio_writer {
	int    fd;
	char  *buf;
	size_t len;
	int    failed; /* errno of the first failure, or 0 */
};

/* Writes to fd, which stays the caller's. Allocates on first write. */
void mergeio_writer_init(struct mergeio_writer *w, int fd);

/*
 * Appends n bytes. Returns REPORT_OK, or REPORT_ERR_NOMEM or
 * REPORT_ERR_WRITE with w->failed set (later calls fail the same way).
 */
enum report_err mergeio_write(
    struct mergeio_writer *w, const void *data, size_t n);

/* Writes what is buffered. Returns REPORT_OK, or as mergeio_write(). */
enum report_err mergeio_flush(struct mergeio_writer *w);

/* Frees the buffer, flushing nothing. */
void mergeio_writer_free(struct mergeio_writer *w);

/*
 * Makes a temporary file without a name in $TMPDIR (or /tmp): O_TMPFILE,
 * else a named one unlinked at once. Returns its descriptor, open for
 * reading and writing, or -1 (errno set).
 */
int mergeio_tempfile(void);

#endif
