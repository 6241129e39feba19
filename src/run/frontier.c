/*
 * frontier: the crawl's seen set and its queue of links waiting (see
 * frontier.h for the costs). Strings live in an arena of fixed-size
 * chunks that never move, so the pointers handed out stay valid; two
 * open-addressing tables (URLs, seed keys) refer into it. The crawler
 * in run/crawler.c is the only user.
 */
#include <stdlib.h>
#include <string.h>

#include "frontier.h"

/* Arena chunk size; an entry never spans two chunks. */
#define CHUNK (1024 * 1024)

/* Entry layout: 4 bytes of hash, 1 byte of flags, the string, a NUL. */
#define ENTRY_HEAD 5
#define PARSED	   0x01

/* The longest string taken: a whole entry fits a chunk with room. */
#define STR_MAX (CHUNK / 4)

struct table {
	uint64_t *slots; /* 0: empty; else ref + 1 (URLs) or id + 1 (keys) */
	size_t	  cap;	 /* a power of 2, or 0 */
	size_t	  count;
};

struct qent {
	uint64_t ref;
	uint64_t parent; /* index + 1; 0: none */
	uint32_t depth;
	uint32_t key;
};

struct frontier {
	char	   **chunks;
	size_t	     nchunks;
	size_t	     used; /* bytes used in the last chunk */
	struct table urls;
	struct table keys;
	uint64_t    *key_refs; /* by key id */
	uint32_t     nkeys;
	struct qent *q; /* ring */
	size_t	     qcap, qhead, qlen;
};

struct frontier *
frontier_new(void)
{
	return calloc(1, sizeof(struct frontier));
}

void
frontier_free(struct frontier *fr)
{
	size_t i;

	if (fr == NULL)
		return;
	for (i = 0; i < fr->nchunks; i++)
		free(fr->chunks[i]);
	free(fr->chunks);
	free(fr->urls.slots);
	free(fr->keys.slots);
	free(fr->key_refs);
	free(fr->q);
	free(fr);
}

static char *
entry_at(const struct frontier *fr, uint64_t ref)
{
	return fr->chunks[ref / CHUNK] + ref % CHUNK;
}

static uint32_t
entry_hash(const char *e)
{
	uint32_t h;

	memcpy(&h, e, sizeof(h));
	return h;
}

/* Copies s (len bytes) into the arena. Returns 0 and its ref, or -1. */
static int
arena_put(
    struct frontier *fr, const char *s, size_t len, uint32_t h, uint64_t *ref)
{
	size_t need = ENTRY_HEAD + len + 1;
	char **grown, *e;

	if (fr->nchunks == 0 || fr->used + need > CHUNK) {
		grown = realloc(fr->chunks, (fr->nchunks + 1) * sizeof(char *));
		if (grown == NULL)
			return -1;
		fr->chunks = grown;
		if ((fr->chunks[fr->nchunks] = malloc(CHUNK)) == NULL)
			return -1;
		fr->nchunks++;
		fr->used = 0;
	}
	*ref = (uint64_t)(fr->nchunks - 1) * CHUNK + fr->used;
	e = fr->chunks[fr->nchunks - 1] + fr->used;
	memcpy(e, &h, sizeof(h));
	e[4] = 0;
	memcpy(e + ENTRY_HEAD, s, len);
	e[ENTRY_HEAD + len] = '\0';
	fr->used += need;
	return 0;
}

/* The arena ref a slot's value stands for, in table t. */
static uint64_t
slot_ref(const struct frontier *fr, const struct table *t, uint64_t v)
{
	return t == &fr->keys ? fr->key_refs[v - 1] : v - 1;
}

/*
 * Returns the slot where s is, or the empty slot where it would go. The
 * table must have a free slot (its load stays under 3/4).
 */
static size_t
find(const struct frontier *fr, const struct table *t, const char *s,
    size_t len, uint32_t h)
{
	size_t	    mask = t->cap - 1, i = h & mask;
	const char *e;

	while (t->slots[i] != 0) {
		e = entry_at(fr, slot_ref(fr, t, t->slots[i]));
		if (entry_hash(e) == h &&
		    strncmp(e + ENTRY_HEAD, s, len) == 0 &&
		    e[ENTRY_HEAD + len] == '\0')
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

/* Makes room for one more entry: doubles the table at a load of 3/4. */
static int
reserve(struct frontier *fr, struct table *t)
{
	struct table bigger;
	size_t	     i, j;
	uint32_t     h;

	if (t->cap != 0 && (t->count + 1) * 4 <= t->cap * 3)
		return 0;
	bigger.cap = t->cap != 0 ? t->cap * 2 : 64;
	bigger.count = t->count;
	if ((bigger.slots = calloc(bigger.cap, sizeof(uint64_t))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (t->slots[i] == 0)
			continue;
		h = entry_hash(entry_at(fr, slot_ref(fr, t, t->slots[i])));
		for (j = h & (bigger.cap - 1); bigger.slots[j] != 0;
		     j = (j + 1) & (bigger.cap - 1))
			;
		bigger.slots[j] = t->slots[i];
	}
	free(t->slots);
	*t = bigger;
	return 0;
}

/*
 * The table's hash: eight bytes a step, then splitmix64's finaliser so
 * that the low bits (the slot) depend on every byte. Every link of a
 * crawl is hashed once or twice, and FNV-1a's byte-at-a-time chain of
 * multiplies was the larger part of a lookup. Only this table keeps it,
 * in memory: nothing outside the process depends on its values.
 */
static uint32_t
hash32(const char *s, size_t len)
{
	uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ len, w;
	size_t	 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * UINT64_C(0xBF58476D1CE4E5B9);
		h ^= h >> 31;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = (h ^ w) * UINT64_C(0xBF58476D1CE4E5B9);
	}
	h = (h ^ (h >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94D049BB133111EB);
	h ^= h >> 31;
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Looks url up, adding it when absent. Returns 1 when added, 0 when
 * found, -1 when out of memory; *ref is its arena ref on 0 and 1.
 */
static int
intern_url(struct frontier *fr, const char *url, uint64_t *ref)
{
	size_t	 len = strlen(url), i;
	uint32_t h = hash32(url, len);

	if (len > STR_MAX || reserve(fr, &fr->urls) == -1)
		return -1;
	i = find(fr, &fr->urls, url, len, h);
	if (fr->urls.slots[i] != 0) {
		*ref = fr->urls.slots[i] - 1;
		return 0;
	}
	if (arena_put(fr, url, len, h, ref) == -1)
		return -1;
	fr->urls.slots[i] = *ref + 1;
	fr->urls.count++;
	return 1;
}

int
frontier_see(struct frontier *fr, const char *url)
{
	uint64_t ref;

	return intern_url(fr, url, &ref);
}

int
frontier_seen(const struct frontier *fr, const char *url)
{
	size_t len = strlen(url);

	if (fr->urls.cap == 0)
		return 0;
	return fr->urls
		   .slots[find(fr, &fr->urls, url, len, hash32(url, len))] != 0;
}

int
frontier_parse_once(struct frontier *fr, const char *url)
{
	uint64_t ref;
	char	*e;

	if (intern_url(fr, url, &ref) == -1)
		return -1;
	e = entry_at(fr, ref);
	if (e[4] & PARSED)
		return 0;
	e[4] |= PARSED;
	return 1;
}

/* Room for one more link in the ring. */
static int
queue_reserve(struct frontier *fr)
{
	struct qent *bigger;
	size_t	     cap, i;

	if (fr->qlen < fr->qcap)
		return 0;
	cap = fr->qcap != 0 ? fr->qcap * 2 : 256;
	if ((bigger = malloc(cap * sizeof(*bigger))) == NULL)
		return -1;
	for (i = 0; i < fr->qlen; i++)
		bigger[i] = fr->q[(fr->qhead + i) % fr->qcap];
	free(fr->q);
	fr->q = bigger;
	fr->qcap = cap;
	fr->qhead = 0;
	return 0;
}

int
frontier_push(struct frontier *fr, const char *url, size_t depth,
    long long parent, uint32_t key, const char **stored)
{
	struct qent *q;
	uint64_t     ref;
	int	     rc;

	/* Room first, so that a URL seen is always a URL queued. */
	if (queue_reserve(fr) == -1)
		return -1;
	if ((rc = intern_url(fr, url, &ref)) != 1)
		return rc;
	q = &fr->q[(fr->qhead + fr->qlen) % fr->qcap];
	q->ref = ref;
	q->parent = parent < 0 ? 0 : (uint64_t)parent + 1;
	q->depth = depth > UINT32_MAX ? UINT32_MAX : (uint32_t)depth;
	q->key = key;
	fr->qlen++;
	if (stored != NULL)
		*stored = entry_at(fr, ref) + ENTRY_HEAD;
	return 1;
}

int
frontier_pop(struct frontier *fr, struct frontier_link *out)
{
	struct qent *q;

	if (fr->qlen == 0)
		return 0;
	q = &fr->q[fr->qhead];
	out->url = entry_at(fr, q->ref) + ENTRY_HEAD;
	out->depth = q->depth;
	out->parent = q->parent == 0 ? -1 : (long long)(q->parent - 1);
	out->key = q->key;
	fr->qhead = (fr->qhead + 1) % fr->qcap;
	fr->qlen--;
	/* A drained queue gives its memory back. */
	if (fr->qlen == 0) {
		free(fr->q);
		fr->q = NULL;
		fr->qcap = fr->qhead = 0;
	}
	return 1;
}

void
frontier_drop_queue(struct frontier *fr)
{
	free(fr->q);
	fr->q = NULL;
	fr->qcap = fr->qhead = fr->qlen = 0;
}

size_t
frontier_pending(const struct frontier *fr)
{
	return fr->qlen;
}

size_t
frontier_count(const struct frontier *fr)
{
	return fr->urls.count;
}

size_t
frontier_bytes(const struct frontier *fr)
{
	return sizeof(*fr) + fr->nchunks * (CHUNK + sizeof(char *)) +
	    (fr->urls.cap + fr->keys.cap + fr->nkeys) * sizeof(uint64_t) +
	    fr->qcap * sizeof(struct qent);
}

enum run_err
frontier_key(struct frontier *fr, const char *key, uint32_t *id)
{
	size_t	  len = strlen(key), i;
	uint32_t  h = hash32(key, len);
	uint64_t *grown, ref;

	if (len > STR_MAX || fr->nkeys == UINT32_MAX ||
	    reserve(fr, &fr->keys) == -1)
		return RUN_ERR_NOMEM;
	i = find(fr, &fr->keys, key, len, h);
	if (fr->keys.slots[i] != 0) {
		*id = (uint32_t)(fr->keys.slots[i] - 1);
		return RUN_OK;
	}
	grown = realloc(fr->key_refs, (fr->nkeys + 1) * sizeof(uint64_t));
	if (grown == NULL)
		return RUN_ERR_NOMEM;
	fr->key_refs = grown;
	if (arena_put(fr, key, len, h, &ref) == -1)
		return RUN_ERR_NOMEM;
	fr->key_refs[fr->nkeys] = ref;
	fr->keys.slots[i] = (uint64_t)fr->nkeys + 1;
	fr->keys.count++;
	*id = fr->nkeys++;
	return RUN_OK;
}

const char *
frontier_key_name(const struct frontier *fr, uint32_t id)
{
	return entry_at(fr, fr->key_refs[id]) + ENTRY_HEAD;
}

size_t
frontier_nkeys(const struct frontier *fr)
{
	return fr->nkeys;
}
