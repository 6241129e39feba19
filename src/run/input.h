/*
 * input: reads URL lines lazily from a file descriptor or from argv.
 *
 * Nothing is read ahead of what the caller asks for beyond one read(2) of
 * buffer, so memory stays flat for any input length and a never-ending pipe
 * works. The module never blocks on its own: for a pipe, tty or socket the
 * caller waits for readability (input_fd()) and then calls input_fill();
 * for what cannot be waited for (input_pollable() is 0: a regular file,
 * /dev/null) input_fill() may be called at once.
 *
 * Line rules: lines end at '\n' (a '\r' before it is dropped with the other
 * trailing white space); surrounding spaces, tabs, '\r', '\v' and '\f' are
 * trimmed; blank lines and lines whose first non-blank character is '#'
 * are skipped. Any other byte, NUL and invalid UTF-8 included, is kept. A
 * last line without '\n' still counts.
 */
#ifndef AFETCH_INPUT_H
#define AFETCH_INPUT_H

#include <stddef.h>

/* A line longer than this (after trimming) is kept cut to this length. */
#define INPUT_MAX_LINE (1024 * 1024)

struct input;

enum input_status {
	INPUT_LINE,  /* *line and *len are set */
	INPUT_AGAIN, /* no whole line buffered: input_fill() when readable */
	INPUT_EOF,   /* no more lines, ever */
	INPUT_ERROR  /* a read error; input_error() says which errno */
};

/*
 * Returns a reader of the file descriptor fd (not closed by input_free),
 * or NULL when memory runs out.
 */
struct input *input_from_fd(int fd);

/*
 * Returns a reader over argc strings (each one line, even one holding a
 * '\n'; trimmed like lines, but never skipped: every argument is a URL
 * read, so an empty or '#' one comes back too), or NULL when memory runs
 * out. The strings must outlive the reader. Its input_next() never
 * returns INPUT_AGAIN nor INPUT_ERROR.
 */
struct input *input_from_args(int argc, char *const argv[]);

void input_free(struct input *in);

/*
 * Returns the next line. With INPUT_LINE, *line points at len bytes owned by
 * the reader, valid until the next call; *truncated is set to 1 when the
 * line was longer than INPUT_MAX_LINE and cut, else 0. Never reads: once
 * the buffered bytes hold no whole line it returns INPUT_AGAIN, or after
 * end of file the unfinished last line and then INPUT_EOF. After a read
 * error, the whole lines already buffered come first, then INPUT_ERROR
 * for good (the interrupted line is dropped); running out of memory is
 * an INPUT_ERROR too, with ENOMEM.
 */
enum input_status input_next(
    struct input *in, const char **line, size_t *len, int *truncated);

/*
 * Reads once from the descriptor (at most one read(2) call; it blocks only
 * if the descriptor has no data, so call it for a pipe only once readable).
 * Call it after input_next() returned INPUT_AGAIN; while buffered bytes
 * remain unscanned it does not read and fails with EAGAIN.
 * Returns the number of bytes read, 0 at end of file, -1 on error (errno
 * set; EINTR and EAGAIN are returned as -1 too and are harmless).
 */
long input_fill(struct input *in);

/*
 * Returns 1 when the loop can wait for the descriptor to be readable (a
 * pipe, terminal or socket), 0 when it cannot and need not: a regular file
 * or a device such as /dev/null, which is read at once and never blocks.
 */
int input_pollable(const struct input *in);

/* Returns the descriptor, or -1 for an argv reader. */
int input_fd(const struct input *in);

/*
 * Returns the errno of the last failed read (EINTR and EAGAIN are not
 * kept), ENOMEM when a line could not be stored, 0 if none.
 */
int input_error(const struct input *in);

#endif
