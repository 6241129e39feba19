/*
 * writer: whole-record output to a descriptor (stdout) that never blocks
 * the loop and never leaves part of a record behind.
 *
 * Records are appended whole to one buffer and written in batches: a write
 * is scheduled on the loop when the buffer first takes data, so every
 * record finished in one turn goes out in one write(2). A pipe or socket is
 * switched to non-blocking mode (its flags are put back by writer_free())
 * and written only as far as whole records fit in the room it has, so a
 * reader that stops reading stalls the output, not the loop: signals,
 * timers and transfers go on, and a record is never cut in two. A record
 * larger than a pipe can ever hold is the one exception: it goes out in
 * parts, and writer_on_partial() says while it does. Regular files,
 * terminals and devices are written with plain blocking writes.
 *
 * The caller keeps memory bounded by producing no new records while
 * writer_backlogged() says so, and resumes when writer_on_drain() calls.
 */
#ifndef AFETCH_WRITER_H
#define AFETCH_WRITER_H

#include <stddef.h>

#include "buf.h"
#include "reporterr.h"

struct loop;
struct writer;

/*
 * Returns a writer on fd whose buffer holds at most limit bytes (at least
 * the largest record plus the high-water mark), or NULL when out of memory
 * or when fd's mode cannot be read or set (errno says why).
 */
struct writer *writer_new(struct loop *loop, int fd, size_t limit);

/* Frees the writer without writing, and gives fd its flags back. */
void writer_free(struct writer *w);

/*
 * The buffer records are appended to (output_record()). Append whole
 * records only, each ending in '\n', and call writer_commit() after each.
 */
struct buf *writer_buf(struct writer *w);

/* Schedules a write of what the buffer holds. */
void writer_commit(struct writer *w);

/*
 * Writes as much as can go now: everything for a blocking descriptor, the
 * records that fit for a pipe or socket (the rest follows when it has
 * room). Returns REPORT_OK, or REPORT_ERR_WRITE once writing has failed
 * (writer_errno() says why).
 */
enum report_err writer_flush(struct writer *w);

/* Returns 1 while more than the high-water mark waits to be written. */
int writer_backlogged(const struct writer *w);

/* Returns 1 when nothing waits to be written. */
int writer_idle(const struct writer *w);

/* Returns the errno of the failure that stopped the writer, or 0. */
int writer_errno(const struct writer *w);

/*
 * Sets a function called once, from loop context, when writing fails for
 * good (the reader went away, the disk filled). From then on appended
 * records are dropped.
 */
void writer_on_failure(struct writer *w, void (*fn)(void *), void *arg);

/*
 * Sets a function called from loop context when a backlog has been written
 * down below the high-water mark, and again each time the buffer empties.
 */
void writer_on_drain(struct writer *w, void (*fn)(void *), void *arg);

/*
 * Sets a function told 1 while a record may be out in part (during a
 * blocking write, or after the first part of a record larger than a pipe
 * can hold) and 0 once only whole records are out.
 */
void writer_on_partial(struct writer *w, void (*fn)(int, void *), void *arg);

/*
 * When the descriptor is a pipe, notices its reader going away even while
 * nothing is being written, so `afetch | head -1` ends at once rather than
 * at the next record. Returns REPORT_OK, or REPORT_ERR_NOMEM or
 * REPORT_ERR_EVENT.
 */
enum report_err writer_watch_reader(struct writer *w);

/* The descriptor's flags before the writer changed them, or -1. */
int writer_saved_flags(const struct writer *w);

#endif
