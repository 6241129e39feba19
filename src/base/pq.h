/*
 * pq: an intrusive binary min-heap, the scheduler's order over hosts.
 *
 * The caller embeds a struct pq_item in its own struct and gives the heap
 * a less() over items (container_of-style). The heap holds pointers only
 * and keeps each item's position in the item, so any item can be removed
 * or re-sorted in O(log n) without a search. An item is in at most one
 * heap at a time. Layout after nghttp2's lib/nghttp2_pq.h.
 */
#ifndef AFETCH_PQ_H
#define AFETCH_PQ_H

#include <stddef.h>

#include "baseerr.h"

/* Position of an item that is in no heap. */
#define PQ_NONE ((size_t)-1)

struct pq_item {
	size_t index; /* in its heap's array, or PQ_NONE */
};

/* Returns non-zero when a sorts strictly before b. */
typedef int (*pq_less)(const struct pq_item *a, const struct pq_item *b);

/* Embedded by value; fields are private to pq.c. */
struct pq {
	struct pq_item **items;
	size_t		 count;
	size_t		 cap;
	pq_less		 less;
};

/* Makes an empty heap ordered by less. Allocates nothing. */
void pq_init(struct pq *pq, pq_less less);

/* Frees the heap's array. The items stay the caller's, untouched. */
void pq_free(struct pq *pq);

/* Marks an item as in no heap; call once before its first pq_push(). */
void pq_item_init(struct pq_item *item);

/*
 * Makes room for n items, so that pq_push() cannot fail while the heap
 * holds fewer than n. When the array is far larger than n (and than the
 * items held) it is shrunk, best effort. Returns BASE_OK, or
 * BASE_ERR_NOROOM when out of memory (the heap is unchanged). Cost: O(n) when it reallocates, which
 * doubling makes O(1) amortised.
 */
enum base_err pq_reserve(struct pq *pq, size_t n);

/*
 * Adds an item that is in no heap. Returns BASE_OK, or BASE_ERR_NOROOM
 * when out of memory (the item stays out). Cost: O(log n), plus growth as pq_reserve().
 */
enum base_err pq_push(struct pq *pq, struct pq_item *item);

/* Returns the least item, or NULL when empty. Cost: O(1). */
struct pq_item *pq_top(const struct pq *pq);

/* Removes and returns the least item, or NULL when empty. O(log n). */
struct pq_item *pq_pop(struct pq *pq);

/* Removes an item that is in this heap. Cost: O(log n). */
void pq_remove(struct pq *pq, struct pq_item *item);

/* Restores order after the key of an item in this heap changed. O(log n). */
void pq_update(struct pq *pq, struct pq_item *item);

/* Number of items held. */
size_t pq_count(const struct pq *pq);

/*
 * Returns the item at position i of the heap's array, or NULL when i is
 * not below pq_count(), for walking the heap without changing it: the
 * children of position i are 2i + 1 and 2i + 2, and neither sorts before
 * it. Cost: O(1).
 */
struct pq_item *pq_at(const struct pq *pq, size_t i);

#endif
