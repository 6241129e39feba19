/*
 * mergesrc: a sorted stream of records for --merge (an input's ordered
 * range, a spill file, a run in memory) and the k-way merge over a heap of
 * them. merge owns the sources and hands them to mergesrc_merge(), which
 * frees them.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergerec.h"
#include "mergerun.h"
#include "mergesrc.h"

/* A spill file's item header: index, seq, length and done, host order. */
struct spill_head {
	uint64_t index;
	uint64_t seq;
	uint32_t len;
	uint32_t done;
};

enum src_kind { SRC_LINES, SRC_SPILL, SRC_MEMORY };

struct mergesrc {
	struct pq_item	      item; /* first: the heap's handle */
	enum src_kind	      kind;
	int		      fd;
	int		      owns_fd;
	int		      level;
	uint64_t	      seq; /* SRC_LINES: the next record's */
	struct mergeio_reader rd;
	struct mergerun	     *run;  /* SRC_MEMORY */
	size_t		      next; /* SRC_MEMORY: the next item's place */
	struct merge_item     cur;
};

int
merge_item_before(const struct merge_item *a, const struct merge_item *b)
{
	if (a->index != b->index)
		return a->index < b->index;
	return a->seq < b->seq;
}

static struct mergesrc *
src_new(enum src_kind kind, int fd, int owns)
{
	struct mergesrc *src = calloc(1, sizeof(*src));

	if (src == NULL)
		return NULL;
	src->kind = kind;
	src->fd = fd;
	src->owns_fd = owns;
	pq_item_init(&src->item);
	return src;
}

struct mergesrc *
mergesrc_lines(
    int fd, int owns, off_t from, off_t to, uint64_t seq, size_t limit)
{
	struct mergesrc *src = src_new(SRC_LINES, fd, owns);

	if (src == NULL)
		return NULL;
	src->seq = seq;
	if (mergeio_reader_init(&src->rd, fd, from, to, limit) != REPORT_OK) {
		src->owns_fd = 0;
		free(src);
		return NULL;
	}
	return src;
}

struct mergesrc *
mergesrc_spill(int fd, size_t limit)
{
	struct mergesrc *src = src_new(SRC_SPILL, fd, 1);

	if (src == NULL)
		return NULL;
	if (mergeio_reader_init(&src->rd, fd, 0, -1,
		limit + sizeof(struct spill_head)) != REPORT_OK) {
		free(src);
		return NULL;
	}
	return src;
}

struct mergesrc *
mergesrc_memory(struct mergerun *run)
{
	struct mergesrc *src = src_new(SRC_MEMORY, -1, 0);

	if (src == NULL)
		return NULL;
	mergerun_sort(run);
	src->run = run;
	return src;
}

static int
next_line(struct mergesrc *src)
{
	struct mergerec	    rec;
	const char	   *line;
	size_t		    len;
	int		    terminated;
	enum mergeio_status st;

	for (;;) {
		st = mergeio_line(&src->rd, &line, &len, &terminated);
		if (st == MERGEIO_END)
			return 0;
		if (st == MERGEIO_ERROR)
			return report_err_of(errno, REPORT_ERR_READ);
		if (st == MERGEIO_LONG ||
		    mergerec_parse(line, len, &rec) != MERGEREC_OK)
			continue;
		src->cur.index = rec.index;
		src->cur.seq = src->seq++;
		src->cur.done = rec.done;
		src->cur.data = line;
		src->cur.len = len;
		return 1;
	}
}

static int
next_spilled(struct mergesrc *src)
{
	struct spill_head   head;
	const char	   *p;
	enum mergeio_status st;

	st = mergeio_piece(&src->rd, sizeof(head), &p);
	if (st == MERGEIO_END)
		return 0;
	if (st != MERGEIO_GOT)
		goto cut;
	memcpy(&head, p, sizeof(head));
	if (mergeio_piece(&src->rd, head.len, &p) != MERGEIO_GOT)
		goto cut;
	src->cur.index = head.index;
	src->cur.seq = head.seq;
	src->cur.done = head.done != 0;
	src->cur.data = p;
	src->cur.len = head.len;
	return 1;
cut:
	if (errno == 0)
		errno = EIO;
	return report_err_of(errno, REPORT_ERR_READ);
}

int
mergesrc_next(struct mergesrc *src)
{
	errno = 0;
	switch (src->kind) {
	case SRC_LINES:
		return next_line(src);
	case SRC_SPILL:
		return next_spilled(src);
	case SRC_MEMORY:
		if (src->next >= mergerun_count(src->run))
			return 0;
		mergerun_item(src->run, src->next++, &src->cur);
		return 1;
	}
	errno = EINVAL;
	return REPORT_ERR_READ;
}

const struct merge_item *
mergesrc_item(const struct mergesrc *src)
{
	return &src->cur;
}

int
mergesrc_level(const struct mergesrc *src)
{
	return src->level;
}

void
mergesrc_set_level(struct mergesrc *src, int level)
{
	src->level = level;
}

void
mergesrc_free(struct mergesrc *src)
{
	if (src == NULL)
		return;
	mergeio_reader_free(&src->rd);
	if (src->owns_fd && src->fd != -1)
		close(src->fd);
	mergerun_free(src->run);
	free(src);
}

enum report_err
mergesrc_write_item(struct mergeio_writer *w, const struct merge_item *it)
{
	struct spill_head head;
	enum report_err	  rc;

	memset(&head, 0, sizeof(head));
	head.index = it->index;
	head.seq = it->seq;
	head.len = (uint32_t)it->len;
	head.done = it->done ? 1 : 0;
	if ((rc = mergeio_write(w, &head, sizeof(head))) != REPORT_OK)
		return rc;
	return mergeio_write(w, it->data, it->len);
}

static int
src_less(const struct pq_item *a, const struct pq_item *b)
{
	return merge_item_before(
	    &((const struct mergesrc *)(const void *)a)->cur,
	    &((const struct mergesrc *)(const void *)b)->cur);
}

enum report_err
mergesrc_merge(struct mergesrc **srcs, size_t n, merge_sink sink, void *arg)
{
	struct pq	 heap;
	struct mergesrc *src;
	size_t		 i;
	enum report_err	 result = REPORT_OK;
	int		 got;

	pq_init(&heap, src_less);
	if (pq_reserve(&heap, n) == -1)
		result = REPORT_ERR_NOMEM;
	for (i = 0; i < n && result == REPORT_OK; i++) {
		if ((got = mergesrc_next(srcs[i])) < 0)
			result = (enum report_err)got;
		else if (got == 1)
			(void)pq_push(&heap, &srcs[i]->item);
	}
	while (result == REPORT_OK &&
	    (src = (struct mergesrc *)(void *)pq_top(&heap))) {
		if ((result = sink(&src->cur, arg)) != REPORT_OK)
			break;
		if ((got = mergesrc_next(src)) < 0)
			result = (enum report_err)got;
		else if (got == 0)
			(void)pq_pop(&heap);
		else
			pq_update(&heap, &src->item);
	}
	pq_free(&heap);
	for (i = 0; i < n; i++)
		mergesrc_free(srcs[i]);
	return result;
}
