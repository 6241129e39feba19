/*
 * mergerun: one run of --merge's external sort, held in memory: an arena
 * of record bytes and an array of entries that point into it. merge fills
 * it, and empties it by spilling or hands the last one to a source.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergerun.h"

struct entry {
	uint64_t index;
	uint64_t seq;
	size_t	 off; /* in the arena */
	uint32_t len;
	uint32_t done;
};

_Static_assert(sizeof(struct entry) <= MERGERUN_ENTRY,
    "an entry is larger than the budget says");

struct mergerun {
	char	     *arena;
	size_t	      used, arena_cap;
	struct entry *ents;
	size_t	      n, ents_cap;
	size_t	      budget;
};

struct mergerun *
mergerun_new(size_t budget)
{
	struct mergerun *run = calloc(1, sizeof(*run));

	if (run == NULL)
		return NULL;
	run->budget = budget;
	return run;
}

void
mergerun_free(struct mergerun *run)
{
	if (run == NULL)
		return;
	free(run->arena);
	free(run->ents);
	free(run);
}

/* Grows *p (of *cap elements of size sz) to hold at least want. */
static int
grow(void *p, size_t *cap, size_t want, size_t sz)
{
	size_t ncap = *cap == 0 ? 1024 : *cap;
	void  *grown;

	while (ncap < want)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	if ((grown = realloc(*(void **)p, ncap * sz)) == NULL)
		return -1;
	*(void **)p = grown;
	*cap = ncap;
	return 0;
}

int
mergerun_add(struct mergerun *run, const struct merge_item *it)
{
	struct entry *e;
	size_t	      need =
	    run->used + it->len + (run->n + 1) * (size_t)MERGERUN_ENTRY;

	if (need > run->budget && run->n > 0)
		return 1;
	if (grow(&run->arena, &run->arena_cap, run->used + it->len, 1) == -1 ||
	    grow(&run->ents, &run->ents_cap, run->n + 1, sizeof(*e)) == -1)
		return -1;
	e = &run->ents[run->n++];
	e->index = it->index;
	e->seq = it->seq;
	e->off = run->used;
	e->len = (uint32_t)it->len;
	e->done = it->done ? 1 : 0;
	memcpy(run->arena + run->used, it->data, it->len);
	run->used += it->len;
	return 0;
}

size_t
mergerun_count(const struct mergerun *run)
{
	return run->n;
}

static int
entry_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
mergerun_sort(struct mergerun *run)
{
	qsort(run->ents, run->n, sizeof(*run->ents), entry_order);
}

void
mergerun_item(const struct mergerun *run, size_t i, struct merge_item *it)
{
	const struct entry *e = &run->ents[i];

	it->index = e->index;
	it->seq = e->seq;
	it->done = e->done != 0;
	it->data = run->arena + e->off;
	it->len = e->len;
}

void
mergerun_clear(struct mergerun *run)
{
	run->used = 0;
	run->n = 0;
}

struct mergesrc *
mergerun_spill(struct mergerun *run, size_t limit)
{
	struct mergeio_writer w;
	struct merge_item     it;
	struct mergesrc	     *src;
	size_t		      i;
	int		      fd, saved;

	if ((fd = mergeio_tempfile()) == -1)
		return NULL;
	mergerun_sort(run);
	mergeio_writer_init(&w, fd);
	for (i = 0; i < run->n; i++) {
		mergerun_item(run, i, &it);
		if (mergesrc_write_item(&w, &it) != REPORT_OK)
			break;
	}
	if (mergeio_flush(&w) != REPORT_OK) {
		saved = w.failed;
		mergeio_writer_free(&w);
		close(fd);
		errno = saved;
		return NULL;
	}
	mergeio_writer_free(&w);
	if ((src = mergesrc_spill(fd, limit)) == NULL) {
		saved = errno != 0 ? errno : ENOMEM;
		close(fd);
		errno = saved;
		return NULL;
	}
	mergerun_clear(run);
	return src;
}
