/*
 * fake_task: task work that does nothing by itself. Started, it only notes
 * so; the test finishes it with task_done(), or cancels it, which ends it
 * at once as real work must. The task owns its fake (freed with free()).
 */
#ifndef AFETCH_FAKE_TASK_H
#define AFETCH_FAKE_TASK_H

#include <stdlib.h>

#include "task.h"

struct fake {
	int id;
	int started;
};

static int
fake_start(struct task *task, void *data)
{
	(void)task;
	((struct fake *)data)->started = 1;
	return 0;
}

static void
fake_cancel(struct task *task, void *data, const char *reason)
{
	(void)data;
	task_cancelled(task, reason);
}

static const struct task_ops fake_ops = { fake_start, fake_cancel, free, NULL };

#endif
