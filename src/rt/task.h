/*
 * task: a future with the work that resolves it, as asyncio's Task.
 *
 * The work is given as operations: start() begins it, cancel() stops work
 * in progress. The implementation finishes the task with task_done() or,
 * from its cancel(), task_cancelled(). A task that never started is
 * cancelled at once without starting or stopping the work: it is only
 * told, through cancelled(), so that its outcome can say why.
 */
#ifndef AFETCH_TASK_H
#define AFETCH_TASK_H

#include "rterr.h"

struct future;
struct loop;
struct task;

struct task_ops {
	/*
	 * Begins the work. Returns 0, or -1 if it could not start; the task
	 * is then done already (start must have called task_done()).
	 */
	int (*start)(struct task *task, void *data);
	/*
	 * Stops running work. Must finish the task before returning, with
	 * task_cancelled() (or task_done() if the work had in fact completed).
	 */
	void (*cancel)(struct task *task, void *data, const char *reason);
	/* Frees data when the task is freed. May be NULL. */
	void (*free)(void *data);
	/*
	 * Tells the work that the task was cancelled before it started,
	 * once the future is cancelled. It must not call into the task. May
	 * be NULL.
	 */
	void (*cancelled)(void *data, const char *reason);
};

/*
 * Returns a pending task over data, which the task owns from now on (freed
 * with ops->free), or NULL when out of memory (data is then not freed).
 */
struct task *task_new(
    struct loop *loop, const struct task_ops *ops, void *data);

/* Frees the task, its data, and its reference to the future. */
void task_free(struct task *task);

/* The task's future; the task keeps its reference until task_free(). */
struct future *task_future(struct task *task);

void *task_data(struct task *task);

/*
 * pending -> running, then ops->start. Returns RT_OK, RT_ERR_NOSTART when
 * ops->start failed (the task is then done), or RT_ERR_STATE if the task
 * was not pending (nothing happens).
 */
enum rt_err task_start(struct task *task);

/*
 * Requests cancellation. A pending task is cancelled at once; a running one
 * through ops->cancel, which finishes it before this returns. A finished
 * task is left alone. Returns 1 if this call ended the task, else 0.
 */
int task_cancel(struct task *task, const char *reason);

/* Called by the work: the task is done (its outcome is in data). */
void task_done(struct task *task);

/* Called by the work from ops->cancel: the task is cancelled. */
void task_cancelled(struct task *task, const char *reason);

#endif
