/*
 * resume: the set of URLs an earlier run already finished (--resume FILE).
 *
 * FILE is afetch's own output, JSON Lines. Every line that is a valid JSON
 * object with "state": "done" and a string "url" adds that URL to the set;
 * any other line is ignored, so the cut-off last line a kill -9 leaves
 * behind does no harm. This is the only module that reads records back.
 *
 * URLs are compared as output writes them. output turns the bytes read into
 * a JSON string in which each invalid UTF-8 byte became U+FFFD and a NUL
 * became \u0000; that string is decoded with jsonscan (cJSON's strings end
 * at the first NUL, so cJSON only checks the line and reads "state"), and
 * resume_done() applies the same U+FFFD replacement to the line it is
 * asked about. Two lines that differ only in their invalid bytes are thus
 * one URL to resume, as they already are in the output.
 *
 * Cost: the URLs are stored once, back to back in one arena, behind an
 * open-addressing hash table: about the URL's length plus 30 bytes each,
 * O(1) average per lookup. Reading uses a fixed 64 KiB buffer plus the
 * longest line, and a line over RESUME_MAX_LINE bytes is skipped unread.
 */
#ifndef AFETCH_RESUME_H
#define AFETCH_RESUME_H

#include <stddef.h>

/* Lines longer than this (without the '\n') are skipped as invalid. */
#define RESUME_MAX_LINE (16 * 1024 * 1024)

struct resume;

/*
 * Reads the file at path. Returns the set of its done URLs (empty when the
 * file does not exist), which the caller frees with resume_free(). Returns
 * NULL when the file cannot be opened or read for another reason, or when
 * memory runs out; a message shaped "PATH: why" is then written to err
 * (errlen bytes, always NUL-terminated; err may be NULL when errlen is 0).
 */
struct resume *resume_load(const char *path, char *err, size_t errlen);

/*
 * Returns 1 when the len bytes at url (a line as read, after trimming; NUL
 * bytes allowed) have a done record, 0 when not or when r is NULL, -1 when
 * memory runs out (only lines with invalid UTF-8 allocate, briefly).
 */
int resume_done(const struct resume *r, const char *url, size_t len);

/*
 * resume_load(), and with crawl set it also keeps crawl mode's facts for
 * resume_crawl_each(): each done record's URL, and every URL in the
 * "links" of a done record with that record's depth + 1 and index.
 */
struct resume *resume_load_crawl(
    const char *path, int crawl, char *err, size_t errlen);

/* The largest "index" of any record in the file; -1 when none. */
long long resume_max_index(const struct resume *r);

/*
 * Calls fn for each crawl fact in file order: (url, 0, 0, 0) for a done
 * record, (url, 1, depth, parent) for a listed link; stops at the first
 * that returns non-zero and returns that. The facts are then let go.
 */
int resume_crawl_each(struct resume *r,
    int (*fn)(
	void *arg, const char *url, int listed, size_t depth, long long parent),
    void *arg);

/* Returns the number of distinct done URLs; 0 for NULL. */
size_t resume_count(const struct resume *r);

/*
 * Returns 1 when the file's last line had no '\n' (a run was cut off while
 * writing), else 0. Appending to that file glues the next record to it.
 */
int resume_unterminated(const struct resume *r);

/* Frees the set. NULL is ignored. */
void resume_free(struct resume *r);

#endif
