/*
 * pq: an intrusive binary min-heap over caller-owned items, which keep
 * their own slot index so removal is O(log n). The scheduler's host queues
 * use three of them (ready, waiting for a rate, held).
 */
#include <stdlib.h>

#include "pq.h"

/* Below this many slots an array is never shrunk. */
#define PQ_MIN_CAP 16

void
pq_init(struct pq *pq, pq_less less)
{
	pq->items = NULL;
	pq->count = 0;
	pq->cap = 0;
	pq->less = less;
}

void
pq_free(struct pq *pq)
{
	free(pq->items);
	pq->items = NULL;
	pq->count = pq->cap = 0;
}

void
pq_item_init(struct pq_item *item)
{
	item->index = PQ_NONE;
}

static enum base_err
resize(struct pq *pq, size_t cap)
{
	struct pq_item **items;

	if (cap > (size_t)-1 / sizeof(*items))
		return BASE_ERR_NOROOM;
	if ((items = realloc(pq->items, cap * sizeof(*items))) == NULL)
		return BASE_ERR_NOROOM;
	pq->items = items;
	pq->cap = cap;
	return BASE_OK;
}

enum base_err
pq_reserve(struct pq *pq, size_t n)
{
	size_t cap;

	if (n > pq->cap) {
		cap = pq->cap < PQ_MIN_CAP ? PQ_MIN_CAP : pq->cap;
		while (cap < n) {
			if (cap > (size_t)-1 / 2)
				return BASE_ERR_NOROOM;
			cap *= 2;
		}
		return resize(pq, cap);
	}
	/*
	 * A crawl may touch a million hosts once: give the memory back when
	 * the heap is mostly empty. Halving at a quarter keeps the cost
	 * amortised O(1); a failed shrink changes nothing.
	 */
	if (pq->cap > PQ_MIN_CAP && n < pq->cap / 4 && pq->count < pq->cap / 4)
		(void)resize(pq, pq->cap / 2);
	return BASE_OK;
}

static void
place(struct pq *pq, size_t i, struct pq_item *item)
{
	pq->items[i] = item;
	item->index = i;
}

static void
sift_up(struct pq *pq, size_t i)
{
	struct pq_item *item = pq->items[i];
	size_t		parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!pq->less(item, pq->items[parent]))
			break;
		place(pq, i, pq->items[parent]);
		i = parent;
	}
	place(pq, i, item);
}

static void
sift_down(struct pq *pq, size_t i)
{
	struct pq_item *item = pq->items[i];
	size_t		child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= pq->count)
			break;
		if (child + 1 < pq->count &&
		    pq->less(pq->items[child + 1], pq->items[child]))
			child++;
		if (!pq->less(pq->items[child], item))
			break;
		place(pq, i, pq->items[child]);
		i = child;
	}
	place(pq, i, item);
}

enum base_err
pq_push(struct pq *pq, struct pq_item *item)
{
	if (pq->count == pq->cap && pq_reserve(pq, pq->count + 1) != BASE_OK)
		return BASE_ERR_NOROOM;
	place(pq, pq->count++, item);
	sift_up(pq, item->index);
	return BASE_OK;
}

struct pq_item *
pq_top(const struct pq *pq)
{
	return pq->count > 0 ? pq->items[0] : NULL;
}

struct pq_item *
pq_pop(struct pq *pq)
{
	struct pq_item *top = pq_top(pq);

	if (top != NULL)
		pq_remove(pq, top);
	return top;
}

void
pq_remove(struct pq *pq, struct pq_item *item)
{
	size_t		i = item->index;
	struct pq_item *last;

	item->index = PQ_NONE;
	last = pq->items[--pq->count];
	if (i == pq->count)
		return;
	/* The last item fills the hole and moves whichever way it must. */
	place(pq, i, last);
	pq_update(pq, last);
}

void
pq_update(struct pq *pq, struct pq_item *item)
{
	size_t i = item->index;

	if (i > 0 && pq->less(item, pq->items[(i - 1) / 2]))
		sift_up(pq, i);
	else
		sift_down(pq, i);
}

size_t
pq_count(const struct pq *pq)
{
	return pq->count;
}

struct pq_item *
pq_at(const struct pq *pq, size_t i)
{
	return i < pq->count ? pq->items[i] : NULL;
}
