/*
 * resume: the URLs that an earlier run's output already has a done record
 * for, kept as an open-addressing table of the URL bytes. Built once from
 * --resume FILE at start (a cut-off last line ignored); the run asks it
 * for every line it reads.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "jsonstr.h"
#include "jsonscan.h"
#include "hash.h"
#include "resume.h"

#define CHUNK (64 * 1024)

/* Bytes in front of each arena entry: its length, as a uint32_t. */
#define LENSIZE sizeof(uint32_t)

/*
 * A table slot: off is the entry's arena offset plus one (0: empty slot);
 * hash is kept beside it so that most probes compare no bytes.
 */
struct slot {
	size_t	 off;
	uint64_t hash;
};

/*
 * Invariants: the table's size is 0 or a power of two, and at most three
 * quarters of it are used, so linear probing always ends at an empty slot.
 * The arena holds each distinct URL once: its length, then its bytes.
 */
struct resume {
	char	    *arena;
	size_t	     arena_len;
	size_t	     arena_cap;
	struct slot *slots;
	size_t	     nslots;
	size_t	     count;
	int	     unterminated;
	long long    max_index; /* the largest "index"; -1: none */
	int	     crawl;	/* keep crawl's facts below */
	/*
	 * Crawl mode: each done record's URL, and each URL of its "links"
	 * with its depth and parent, as entries: a kind byte, depth and
	 * parent (uint64_t each), then the URL and a NUL.
	 */
	struct buf crawl_facts;
};

static int
entry_equal(const struct resume *r, size_t off, const char *s, size_t len)
{
	uint32_t n;

	memcpy(&n, r->arena + off, LENSIZE);
	return n == len && memcmp(r->arena + off + LENSIZE, s, len) == 0;
}

/* Returns the slot holding s, or the empty slot where it belongs. */
static struct slot *
find_slot(const struct resume *r, uint64_t h, const char *s, size_t len)
{
	size_t	     mask = r->nslots - 1, i;
	struct slot *sl;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		sl = &r->slots[i];
		if (sl->off == 0)
			return sl;
		if (sl->hash == h && entry_equal(r, sl->off - 1, s, len))
			return sl;
	}
}

static int
grow_table(struct resume *r)
{
	struct slot *old = r->slots, *slots, *sl;
	size_t	     oldn = r->nslots, n, i;

	n = oldn == 0 ? 1024 : oldn * 2;
	if (n < oldn || n > SIZE_MAX / sizeof(*slots))
		return -1;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	r->slots = slots;
	r->nslots = n;
	for (i = 0; i < oldn; i++) {
		if (old[i].off == 0)
			continue;
		for (sl = &slots[(size_t)old[i].hash & (n - 1)]; sl->off != 0;
		     sl = &slots[(size_t)(sl - slots + 1) & (n - 1)])
			;
		*sl = old[i];
	}
	free(old);
	return 0;
}

static int
arena_reserve(struct resume *r, size_t need)
{
	char  *p;
	size_t cap;

	if (need <= r->arena_cap - r->arena_len)
		return 0;
	if (need > SIZE_MAX / 2 - r->arena_len)
		return -1;
	cap = r->arena_cap == 0 ? 64 * 1024 : r->arena_cap;
	while (cap - r->arena_len < need)
		cap *= 2;
	if ((p = realloc(r->arena, cap)) == NULL)
		return -1;
	r->arena = p;
	r->arena_cap = cap;
	return 0;
}

/* Adds the URL unless present. Returns 0, or -1 when out of memory. */
static int
insert(struct resume *r, const char *s, size_t len)
{
	uint64_t     h = hash_fnv1a(s, len);
	struct slot *sl;
	uint32_t     n = (uint32_t)len;

	if (r->nslots == 0 || r->count + 1 > r->nslots / 4 * 3) {
		if (grow_table(r) == -1)
			return -1;
	}
	sl = find_slot(r, h, s, len);
	if (sl->off != 0)
		return 0;
	if (arena_reserve(r, LENSIZE + len) == -1)
		return -1;
	memcpy(r->arena + r->arena_len, &n, LENSIZE);
	memcpy(r->arena + r->arena_len + LENSIZE, s, len);
	sl->off = r->arena_len + 1;
	sl->hash = h;
	r->arena_len += LENSIZE + len;
	r->count++;
	return 0;
}

static int
lookup(const struct resume *r, const char *s, size_t len)
{
	if (r->count == 0)
		return 0;
	return find_slot(r, hash_fnv1a(s, len), s, len)->off != 0;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends one crawl fact (see struct resume). */
static int
put_fact(struct resume *r, char kind, uint64_t depth, uint64_t parent,
    const char *url)
{
	if (buf_putc(&r->crawl_facts, kind) == -1 ||
	    buf_append(&r->crawl_facts, &depth, sizeof(depth)) == -1 ||
	    buf_append(&r->crawl_facts, &parent, sizeof(parent)) == -1 ||
	    buf_append(&r->crawl_facts, url, strlen(url) + 1) == -1)
		return -1;
	return 0;
}

/* A done record's crawl facts: its URL and its links. */
static int
take_crawl(struct resume *r, const cJSON *root, const char *url)
{
	const cJSON *depth, *index, *links, *link;

	depth = cJSON_GetObjectItemCaseSensitive(root, "depth");
	index = cJSON_GetObjectItemCaseSensitive(root, "index");
	links = cJSON_GetObjectItemCaseSensitive(root, "links");
	if (url != NULL && put_fact(r, 'd', 0, 0, url) == -1)
		return -1;
	if (!cJSON_IsNumber(depth) || !cJSON_IsNumber(index) ||
	    !cJSON_IsArray(links) || depth->valuedouble < 0 ||
	    index->valuedouble < 0)
		return 0;
	cJSON_ArrayForEach(link, links)
	{
		if (cJSON_IsString(link) && link->valuestring != NULL &&
		    put_fact(r, 'l', (uint64_t)depth->valuedouble + 1,
			(uint64_t)index->valuedouble, link->valuestring) == -1)
			return -1;
	}
	return 0;
}

/*
 * Handles one line of len bytes (no '\n'). Lines that are not a done
 * record are ignored. Returns 0, or -1 when out of memory.
 */
static int
take_line(struct resume *r, const char *line, size_t len, struct buf *url)
{
	cJSON	   *root, *state, *item;
	const char *end = NULL, *lit;
	size_t	    litlen, i;
	int	    rc = 0;

	/* A raw NUL is not JSON, and cJSON might stop at it. */
	if (len == 0 || memchr(line, '\0', len) != NULL)
		return 0;
	if ((root = cJSON_ParseWithLengthOpts(line, len, &end, 0)) == NULL)
		return 0;
	if (end == NULL || end < line || end > line + len)
		goto out;
	for (i = (size_t)(end - line); i < len; i++)
		if (!is_space((unsigned char)line[i]))
			goto out;
	if (!cJSON_IsObject(root))
		goto out;
	item = cJSON_GetObjectItemCaseSensitive(root, "index");
	if (cJSON_IsNumber(item) && item->valuedouble > (double)r->max_index &&
	    item->valuedouble < 9e15)
		r->max_index = (long long)item->valuedouble;
	state = cJSON_GetObjectItemCaseSensitive(root, "state");
	item = cJSON_GetObjectItemCaseSensitive(root, "url");
	if (!cJSON_IsString(state) || state->valuestring == NULL ||
	    strcmp(state->valuestring, "done") != 0 || !cJSON_IsString(item))
		goto out;
	buf_clear(url);
	if (jsonscan_find_string(line, len, "url", &lit, &litlen) != BASE_OK ||
	    jsonscan_decode_string(lit, litlen, url) != BASE_OK)
		goto out;
	rc = insert(r, url->len > 0 ? url->data : "", url->len);
	if (rc == 0 && r->crawl)
		rc = take_crawl(r, root, item->valuestring);
out:
	cJSON_Delete(root);
	return rc;
}

static void
set_err(char *err, size_t errlen, const char *path, int errnum)
{
	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "%s: %s", path,
	    errnum == ENOMEM ? "out of memory" : strerror(errnum));
}

/*
 * Reads fd to its end, line by line. A line that lies whole in the chunk
 * is used in place; one that spans reads is gathered in line, and one
 * that passes RESUME_MAX_LINE is dropped up to its '\n'. Returns 0, or -1
 * with errno set.
 */
static int
read_lines(struct resume *r, int fd)
{
	struct buf line, url;
	char	  *chunk, *p, *nl, *end;
	ssize_t	   n;
	size_t	   seg;
	int	   skipping = 0, rc = -1, saved;

	if ((chunk = malloc(CHUNK)) == NULL)
		return -1;
	buf_init(&line, RESUME_MAX_LINE);
	buf_init(&url, RESUME_MAX_LINE);
	for (;;) {
		if ((n = read(fd, chunk, CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		r->unterminated = chunk[n - 1] != '\n';
		for (p = chunk, end = chunk + n; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			seg = (size_t)(nl - p);
			if (!skipping && line.len == 0 && nl < end) {
				if (take_line(r, p, seg, &url) == -1)
					goto nomem;
				continue;
			}
			if (!skipping && buf_append(&line, p, seg) == -1) {
				if (seg <= line.limit - line.len)
					goto nomem;
				/* Too long to be a record we wrote. */
				skipping = 1;
				buf_free(&line);
			}
			if (nl == end)
				break;
			if (!skipping &&
			    take_line(r, line.data != NULL ? line.data : "",
				line.len, &url) == -1)
				goto nomem;
			skipping = 0;
			buf_clear(&line);
		}
	}
	/* The last line, unless it ended with '\n' (then line is empty). */
	if (!skipping && line.len > 0 &&
	    take_line(r, line.data, line.len, &url) == -1)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	errno = ENOMEM;
out:
	saved = errno;
	buf_free(&line);
	buf_free(&url);
	free(chunk);
	errno = saved;
	return rc;
}

struct resume *
resume_load(const char *path, char *err, size_t errlen)
{
	return resume_load_crawl(path, 0, err, errlen);
}

struct resume *
resume_load_crawl(const char *path, int crawl, char *err, size_t errlen)
{
	struct resume *r;
	int	       fd, saved;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		set_err(err, errlen, path, ENOMEM);
		return NULL;
	}
	r->max_index = -1;
	r->crawl = crawl;
	buf_init(&r->crawl_facts, SIZE_MAX);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return r;
		set_err(err, errlen, path, errno);
		free(r);
		return NULL;
	}
	if (read_lines(r, fd) == -1) {
		saved = errno;
		set_err(err, errlen, path, saved);
		close(fd);
		resume_free(r);
		errno = saved;
		return NULL;
	}
	close(fd);
	return r;
}

int
resume_done(const struct resume *r, const char *url, size_t len)
{
	struct buf lit, dec;
	int	   rc = -1;

	if (r == NULL || r->count == 0)
		return 0;
	if (jsonstr_valid_utf8(url, len))
		return lookup(r, url, len);
	/*
	 * Make the line what output writes, and back: jsonstr decides which
	 * bytes are invalid, so the two can never disagree. At most 6 bytes
	 * per input byte plus quotes; a longer line was never done anyway.
	 */
	if (len > RESUME_MAX_LINE)
		return 0;
	buf_init(&lit, len * 6 + 2);
	buf_init(&dec, len * 3 + 1);
	if (jsonstr_append(&lit, url, len) == 0 &&
	    jsonscan_decode_string(lit.data, lit.len, &dec) == BASE_OK)
		rc = lookup(r, dec.len > 0 ? dec.data : "", dec.len);
	buf_free(&lit);
	buf_free(&dec);
	return rc;
}

size_t
resume_count(const struct resume *r)
{
	return r != NULL ? r->count : 0;
}

int
resume_unterminated(const struct resume *r)
{
	return r != NULL && r->unterminated;
}

void
resume_free(struct resume *r)
{
	if (r == NULL)
		return;
	free(r->arena);
	free(r->slots);
	buf_free(&r->crawl_facts);
	free(r);
}

long long
resume_max_index(const struct resume *r)
{
	return r != NULL ? r->max_index : -1;
}

int
resume_crawl_each(struct resume *r,
    int (*fn)(
	void *arg, const char *url, int listed, size_t depth, long long parent),
    void *arg)
{
	const char *p = r->crawl_facts.data, *end = p + r->crawl_facts.len;
	uint64_t    depth, parent;
	int	    rc = 0;

	while (p != NULL && p < end && rc == 0) {
		memcpy(&depth, p + 1, sizeof(depth));
		memcpy(&parent, p + 1 + sizeof(depth), sizeof(parent));
		rc = fn(arg, p + 1 + 2 * sizeof(depth), *p == 'l',
		    (size_t)depth, (long long)parent);
		p += 1 + 2 * sizeof(depth);
		p += strlen(p) + 1;
	}
	buf_free(&r->crawl_facts);
	return rc;
}
