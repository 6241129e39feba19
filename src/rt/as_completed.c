/*
 * as_completed: hands each task back as soon as it finishes, whatever
 * its order (asyncio.as_completed). It owns a small entry per task it
 * waits for; the run adds tasks and receives them through its callback.
 */
#include <stdlib.h>

#include "as_completed.h"
#include "future.h"
#include "task.h"

/*
 * Each added task gets a small entry naming both the collector and the
 * task, because a done-callback has a single argument.
 */
struct entry {
	struct as_completed *ac;
	struct task	    *task;
};

struct as_completed {
	as_completed_emit_fn emit;
	void		    *arg;
	size_t		     outstanding;
};

struct as_completed *
as_completed_new(as_completed_emit_fn emit, void *arg)
{
	struct as_completed *ac;

	if ((ac = calloc(1, sizeof(*ac))) == NULL)
		return NULL;
	ac->emit = emit;
	ac->arg = arg;
	return ac;
}

void
as_completed_free(struct as_completed *ac)
{
	free(ac);
}

static void
on_finished(struct future *future, void *arg)
{
	struct entry	    *entry = arg;
	struct as_completed *ac = entry->ac;
	struct task	    *task = entry->task;

	(void)future;
	free(entry);
	ac->outstanding--;
	ac->emit(task, ac->arg);
}

enum rt_err
as_completed_add(struct as_completed *ac, struct task *task)
{
	struct entry *entry;

	if ((entry = malloc(sizeof(*entry))) == NULL)
		return RT_ERR_NOMEM;
	entry->ac = ac;
	entry->task = task;
	if (future_add_done_callback(task_future(task), on_finished, entry) !=
	    RT_OK) {
		free(entry);
		return RT_ERR_NOMEM;
	}
	ac->outstanding++;
	return RT_OK;
}

size_t
as_completed_outstanding(const struct as_completed *ac)
{
	return ac->outstanding;
}
