/*
 * savefile: -o DIR, each response body saved to its own file, atomically.
 *
 * A body is written to a temporary file in DIR, named
 * ".afetch-INDEX-RANDOM.tmp" and created with O_EXCL, and renamed to its
 * final name only when the transfer is done; a failed or cancelled one is
 * unlinked. So DIR never holds a partial body under a final name, and no
 * failed transfer leaves a file behind. Files are created with mode 0666
 * and directories with 0777, both less the umask.
 *
 * Final names are "INDEX-PART": the URL's index, zero-padded to at least
 * six digits, a '-', and PART made of the URL's host, port and path
 * (scheme, user info, query and fragment left out), where every byte other
 * than [A-Za-z0-9._-] becomes '_', a '.' right after a '.' becomes '_',
 * and which is cut at SAVEFILE_PART_MAX bytes. A name thus starts with a
 * digit, holds no '/', no "..", no control or non-ASCII byte, is at most
 * SAVEFILE_NAME_MAX bytes, and two URLs of one run never share a name
 * (their indexes differ).
 */
#ifndef AFETCH_SAVEFILE_H
#define AFETCH_SAVEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "httperr.h"

#define SAVEFILE_PART_MAX 100
/* 20 digits of index, '-', the part, NUL. */
#define SAVEFILE_NAME_MAX (20 + 1 + SAVEFILE_PART_MAX + 1)

struct savedir;
struct savefile;

/*
 * Opens directory path for saving, creating it and its missing parents
 * first. Returns it, or NULL with errno set. path is copied.
 */
struct savedir *savefile_dir_open(const char *path);

/* Closes it. Every savefile in it must have been committed or aborted. */
void savefile_dir_close(struct savedir *dir);

/*
 * Writes the final name for the URL at index to out (size bytes, at least
 * SAVEFILE_NAME_MAX) and returns its length. url is NUL-terminated; any
 * bytes are accepted.
 */
size_t savefile_name(char *out, size_t size, size_t index, const char *url);

/*
 * Creates the temporary file for the URL at index in dir; random picks its
 * name (another is tried if that one exists). Returns the file, or NULL
 * with errno set (nothing is left behind).
 */
struct savefile *savefile_new(
    struct savedir *dir, size_t index, const char *url, uint64_t random);

/* Appends len bytes. Returns HTTP_OK, or HTTP_ERR_SYSTEM with errno set. */
enum http_err savefile_write(struct savefile *f, const void *data, size_t len);

/*
 * Closes the file and renames it to its final name, replacing a file of
 * that name. Returns the final path, "DIR/NAME" with DIR as given (less
 * trailing slashes), which the caller frees; or NULL with errno set, the
 * temporary file then removed. Frees f either way.
 */
char *savefile_commit(struct savefile *f);

/* Closes and removes the temporary file and frees f. NULL is ignored. */
void savefile_abort(struct savefile *f);

/* Returns the temporary file's name within DIR (for tests). */
const char *savefile_temp_name(const struct savefile *f);

#endif
