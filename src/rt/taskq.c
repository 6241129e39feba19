/*
 * taskq: a growable ring of task pointers, first in first out. The run
 * parks finished tasks in one while the writer has a backlog.
 */
#include <stdint.h>
#include <stdlib.h>

#include "taskq.h"

void
taskq_free(struct taskq *q)
{
	free(q->ring);
	q->ring = NULL;
	q->cap = q->head = q->count = 0;
}

/* Doubles the ring, unwrapping it so the oldest task is first again. */
static int
grow(struct taskq *q)
{
	size_t	      cap = q->cap == 0 ? 16 : q->cap * 2, i;
	struct task **ring;

	if (cap < q->cap || cap > SIZE_MAX / sizeof(*ring))
		return -1;
	if ((ring = malloc(cap * sizeof(*ring))) == NULL)
		return -1;
	for (i = 0; i < q->count; i++)
		ring[i] = q->ring[(q->head + i) % q->cap];
	free(q->ring);
	q->ring = ring;
	q->cap = cap;
	q->head = 0;
	return 0;
}

int
taskq_push(struct taskq *q, struct task *task)
{
	if (q->count == q->cap && grow(q) == -1)
		return -1;
	q->ring[(q->head + q->count) % q->cap] = task;
	q->count++;
	return 0;
}

struct task *
taskq_pop(struct taskq *q)
{
	struct task *task;

	if (q->count == 0)
		return NULL;
	task = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return task;
}
