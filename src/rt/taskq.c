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
static enum rt_err
grow(struct taskq *q)
{
	size_t	      cap = q->cap == 0 ? 16 : q->cap * 2, i;
	struct task **ring;

	if (cap < q->cap || cap > SIZE_MAX / sizeof(*ring))
		return RT_ERR_NOMEM;
	if ((ring = malloc(cap * sizeof(*ring))) == NULL)
		return RT_ERR_NOMEM;
	for (i = 0; i < q->count; i++)
		ring[i] = q->ring[(q->head + i) % q->cap];
	free(q->ring);
	q->ring = ring;
	q->cap = cap;
	q->head = 0;
	return RT_OK;
}

enum rt_err
taskq_push(struct taskq *q, struct task *task)
{
	if (q->count == q->cap && grow(q) != RT_OK)
		return RT_ERR_NOMEM;
	q->ring[(q->head + q->count) % q->cap] = task;
	q->count++;
	return RT_OK;
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
