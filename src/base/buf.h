/*
 * buf: a growable byte buffer with a hard upper bound.
 *
 * Every buffer in afetch that grows with outside data has a limit, so a
 * hostile server or input cannot make memory grow without end.
 */
#ifndef AFETCH_BUF_H
#define AFETCH_BUF_H

#include <stddef.h>

#include "baseerr.h"

struct buf {
	char  *data; /* NUL-terminated when len > 0 or after buf_cstr() */
	size_t len;
	size_t cap;
	size_t limit; /* len never exceeds this */
};

/* Initialises an empty buffer that may hold up to limit bytes. No allocation. */
void buf_init(struct buf *b, size_t limit);

/* Frees the storage; the buffer is empty and usable again afterwards. */
void buf_free(struct buf *b);

/* Empties the buffer, keeping its storage. */
void buf_clear(struct buf *b);

/*
 * Appends len bytes. Returns BASE_OK, or BASE_ERR_NOROOM when memory runs
 * out or the limit would be passed; the buffer is then unchanged.
 */
enum base_err buf_append(struct buf *b, const void *data, size_t len);

/*
 * Makes room for n more bytes (fewer near the limit) without adding any,
 * so a writer may fill b->data + b->len directly and then raise b->len.
 * Returns the room there is now (not counting the NUL's byte), which may
 * be less than n, and 0 when memory runs out.
 */
size_t buf_reserve(struct buf *b, size_t n);

/* Appends a C string, as buf_append. */
enum base_err buf_puts(struct buf *b, const char *s);

/* Appends one byte, as buf_append. */
enum base_err buf_putc(struct buf *b, char c);

/* Removes the first n bytes (n <= len), moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);

/*
 * Returns the contents as a NUL-terminated string ("" when empty), or NULL
 * when memory runs out. The pointer is valid until the next change. For a
 * buffer that never allocated it is a static "": never write through it.
 */
const char *buf_cstr(struct buf *b);

/*
 * Hands the storage to the caller (free() it) and leaves the buffer empty.
 * Returns a NUL-terminated string, or NULL when memory runs out.
 */
char *buf_steal(struct buf *b);

#endif
