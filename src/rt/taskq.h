/*
 * taskq: a first-in, first-out queue of tasks.
 *
 * The run parks finished tasks here while the writer has a backlog, so a
 * reader that stops reading holds back the making of records instead of
 * growing the output buffer; their order is kept. The queue grows by
 * doubling and never holds more than the run's window of tasks.
 */
#ifndef AFETCH_TASKQ_H
#define AFETCH_TASKQ_H

#include <stddef.h>

#include "rterr.h"

struct task;

struct taskq {
	struct task **ring;
	size_t	      cap;
	size_t	      head;
	size_t	      count;
};

/* An empty queue needs no set-up beyond zeroing: struct taskq q = { 0 }. */

/* Frees the queue's storage (not the tasks, which must be gone already). */
void taskq_free(struct taskq *q);

/* Appends a task. Returns RT_OK, or RT_ERR_NOMEM (queue unchanged). */
enum rt_err taskq_push(struct taskq *q, struct task *task);

/* Removes and returns the oldest task, or NULL when the queue is empty. */
struct task *taskq_pop(struct taskq *q);

#endif
