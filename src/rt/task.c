/*
 * task: a future with the work that resolves it (asyncio's Task). It
 * owns the work's data and starts or cancels it through the operations it
 * was given; a task cancelled before it started never calls into its
 * work.
 */
#include <stdlib.h>

#include "future.h"
#include "task.h"

struct task {
	struct future	      *future;
	const struct task_ops *ops;
	void		      *data;
};

struct task *
task_new(struct loop *loop, const struct task_ops *ops, void *data)
{
	struct task *task;

	if ((task = calloc(1, sizeof(*task))) == NULL)
		return NULL;
	if ((task->future = future_new(loop)) == NULL) {
		free(task);
		return NULL;
	}
	task->ops = ops;
	task->data = data;
	return task;
}

void
task_free(struct task *task)
{
	if (task == NULL)
		return;
	if (task->ops->free != NULL)
		task->ops->free(task->data);
	future_unref(task->future);
	free(task);
}

struct future *
task_future(struct task *task)
{
	return task->future;
}

void *
task_data(struct task *task)
{
	return task->data;
}

enum rt_err
task_start(struct task *task)
{
	if (future_set_running(task->future) != RT_OK)
		return RT_ERR_STATE;
	return task->ops->start(task, task->data) == 0 ? RT_OK : RT_ERR_NOSTART;
}

int
task_cancel(struct task *task, const char *reason)
{
	switch (future_state(task->future)) {
	case FUTURE_PENDING:
		future_cancel(task->future, reason);
		if (task->ops->cancelled != NULL)
			task->ops->cancelled(task->data, reason);
		return 1;
	case FUTURE_RUNNING:
		task->ops->cancel(task, task->data, reason);
		return future_finished(task->future);
	default:
		return 0;
	}
}

void
task_done(struct task *task)
{
	future_set_done(task->future);
}

void
task_cancelled(struct task *task, const char *reason)
{
	future_cancel(task->future, reason);
}
