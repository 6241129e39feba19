/* Unit tests for pq: heap order, removal and update anywhere, reserve. */
#include <stddef.h>
#include <stdlib.h>

#include "harness.h"
#include "pq.h"

HARNESS_MAIN;

#define N 1000

struct thing {
	int	       key;
	struct pq_item item;
};

#define THING(it)                                                              \
	((struct thing *)(void *)((char *)(it)-offsetof(struct thing, item)))

static int
less(const struct pq_item *a, const struct pq_item *b)
{
	return THING(a)->key < THING(b)->key;
}

/* A small deterministic generator, so failures repeat. */
static unsigned
next_rand(unsigned *state)
{
	*state = *state * 1103515245U + 12345U;
	return (*state >> 16) & 0x7fff;
}

static void
test_empty(void)
{
	struct pq pq;

	pq_init(&pq, less);
	CHECK(pq_top(&pq) == NULL);
	CHECK(pq_pop(&pq) == NULL);
	CHECK_INT(pq_count(&pq), 0);
	pq_free(&pq);
	pq_free(&pq);
}

static void
test_sorted(void)
{
	static struct thing t[N];
	struct pq	    pq;
	struct pq_item	   *it;
	unsigned	    seed = 1;
	int		    i, last = -1, ok = 1;

	pq_init(&pq, less);
	for (i = 0; i < N; i++) {
		t[i].key = (int)next_rand(&seed);
		pq_item_init(&t[i].item);
		CHECK_INT(pq_push(&pq, &t[i].item), 0);
	}
	CHECK_INT(pq_count(&pq), N);
	for (i = 0; i < N; i++) {
		it = pq_pop(&pq);
		if (it == NULL || THING(it)->key < last || it->index != PQ_NONE)
			ok = 0;
		else
			last = THING(it)->key;
	}
	CHECK(ok);
	CHECK(pq_pop(&pq) == NULL);
	pq_free(&pq);
}

static void
test_remove_update(void)
{
	static struct thing t[N];
	static int	    gone[N];
	struct pq	    pq;
	struct pq_item	   *it;
	unsigned	    seed = 7;
	int		    i, last = -1, ok = 1, n = 0;

	pq_init(&pq, less);
	for (i = 0; i < N; i++) {
		t[i].key = (int)next_rand(&seed);
		pq_item_init(&t[i].item);
		pq_push(&pq, &t[i].item);
	}
	/* Remove every third from the middle of the heap. */
	for (i = 0; i < N; i += 3) {
		pq_remove(&pq, &t[i].item);
		CHECK(t[i].item.index == PQ_NONE);
		gone[i] = 1;
	}
	/* Move some keys both ways while they are in the heap. */
	for (i = 1; i < N; i += 3) {
		t[i].key = i % 2 ? t[i].key / 3 : t[i].key * 2 + 1;
		pq_update(&pq, &t[i].item);
	}
	CHECK_INT(pq_count(&pq), N - (N + 2) / 3);
	while ((it = pq_pop(&pq)) != NULL) {
		if (THING(it)->key < last || gone[THING(it) - t])
			ok = 0;
		last = THING(it)->key;
		n++;
	}
	CHECK(ok);
	CHECK_INT(n, N - (N + 2) / 3);
	pq_free(&pq);
}

/* Reserve makes pushes infallible up to n, and shrinks a sparse heap. */
static void
test_reserve(void)
{
	static struct thing t[N];
	struct pq	    pq;
	int		    i;

	pq_init(&pq, less);
	CHECK_INT(pq_reserve(&pq, N), 0);
	CHECK(pq.cap >= N);
	for (i = 0; i < N; i++) {
		t[i].key = N - i;
		pq_item_init(&t[i].item);
		CHECK_INT(pq_push(&pq, &t[i].item), 0);
	}
	CHECK_INT(THING(pq_top(&pq))->key, 1);
	for (i = 0; i < N - 4; i++)
		pq_pop(&pq);
	for (i = 0; i < 10; i++)
		CHECK_INT(pq_reserve(&pq, 4), 0);
	CHECK(pq.cap < N);
	CHECK(pq.cap >= 4);
	CHECK_INT(pq_count(&pq), 4);
	CHECK_INT(THING(pq_pop(&pq))->key, N - 3);
	pq_free(&pq);
}

int
main(void)
{
	RUN(test_empty);
	RUN(test_sorted);
	RUN(test_remove_update);
	RUN(test_reserve);
	return harness_result();
}
