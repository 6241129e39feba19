/*
 * writer: buffered, whole-record output to a descriptor (stdout).
 *
 * Records are appended whole and written in batches: a flush is scheduled
 * on the loop when the buffer first takes data, so every record finished in
 * one turn of the loop goes out in one write(2), and none waits longer than
 * that turn. A record is never split across a failed write: on EPIPE the
 * writer stops for good and reports it, and the caller ends the run.
 */
#ifndef AFETCH_WRITER_H
#define AFETCH_WRITER_H

#include "buf.h"

struct loop;
struct writer;

/*
 * Returns a writer on fd whose buffer holds at most limit bytes (at least
 * the largest record plus the high-water mark), or NULL when out of memory.
 */
struct writer *writer_new(struct loop *loop, int fd, size_t limit);

/* Frees the writer without flushing. */
void writer_free(struct writer *w);

/*
 * The buffer records are appended to (output_record()); call
 * writer_commit() after each append so a flush gets scheduled.
 */
struct buf *writer_buf(struct writer *w);

/* Schedules a flush of what the buffer holds. Also flushes at once when
 * the buffer is larger than a high-water mark, to bound memory. */
void writer_commit(struct writer *w);

/*
 * Writes out everything buffered, retrying short writes and EINTR.
 * Returns 0, or -1 on failure (writer_errno() says why; EPIPE means the
 * reader has gone).
 */
int writer_flush(struct writer *w);

/* Returns the errno of the failure that stopped the writer, or 0. */
int writer_errno(const struct writer *w);

/*
 * Sets a function called once, from loop context, when writing fails for
 * good (the reader went away, the disk filled).
 */
void writer_on_failure(struct writer *w, void (*fn)(void *), void *arg);

/*
 * When the descriptor is a pipe, notices its reader going away even while
 * nothing is being written, so `afetch | head -1` ends at once rather than
 * at the next record. Returns 0, or -1 when out of memory.
 */
int writer_watch_reader(struct writer *w);

#endif
