/*
 * gather: hands tasks back in the order they were added, each as soon as
 * it and all before it have finished (asyncio.gather, streamed). A ring of
 * `window` slots bounds how far ahead of the oldest unwritten task work
 * may be admitted.
 */
#include <stdlib.h>

#include "future.h"
#include "gather.h"
#include "task.h"

/*
 * Slots form a ring of `window` entries; each points back to the gather so
 * a slot can be the argument of its task's done-callback. The ring never
 * moves, so those pointers stay valid.
 */
struct slot {
	struct gather *gather;
	struct task   *task;
	int	       finished;
};

struct gather {
	struct slot   *slots;
	size_t	       window;
	size_t	       head; /* oldest outstanding */
	size_t	       count;
	gather_emit_fn emit;
	void	      *arg;
};

struct gather *
gather_new(size_t window, gather_emit_fn emit, void *arg)
{
	struct gather *gather;
	size_t	       i;

	if (window == 0 || (gather = calloc(1, sizeof(*gather))) == NULL)
		return NULL;
	if ((gather->slots = calloc(window, sizeof(*gather->slots))) == NULL) {
		free(gather);
		return NULL;
	}
	for (i = 0; i < window; i++)
		gather->slots[i].gather = gather;
	gather->window = window;
	gather->emit = emit;
	gather->arg = arg;
	return gather;
}

void
gather_free(struct gather *gather)
{
	if (gather == NULL)
		return;
	free(gather->slots);
	free(gather);
}

/* Hands back the finished prefix, oldest first. */
static void
drain(struct gather *gather)
{
	struct slot *slot;
	struct task *task;

	while (gather->count > 0) {
		slot = &gather->slots[gather->head];
		if (!slot->finished)
			break;
		task = slot->task;
		slot->task = NULL;
		slot->finished = 0;
		gather->head = (gather->head + 1) % gather->window;
		gather->count--;
		gather->emit(task, gather->arg);
	}
}

static void
on_finished(struct future *future, void *arg)
{
	struct slot *slot = arg;

	(void)future;
	slot->finished = 1;
	drain(slot->gather);
}

enum rt_err
gather_add(struct gather *gather, struct task *task)
{
	struct slot *slot;

	if (gather->count == gather->window)
		return RT_ERR_FULL;
	slot = &gather->slots[(gather->head + gather->count) % gather->window];
	slot->task = task;
	slot->finished = 0;
	if (future_add_done_callback(task_future(task), on_finished, slot) !=
	    RT_OK) {
		slot->task = NULL;
		return RT_ERR_NOMEM;
	}
	gather->count++;
	return RT_OK;
}

int
gather_has_room(const struct gather *gather)
{
	return gather->count < gather->window;
}

size_t
gather_outstanding(const struct gather *gather)
{
	return gather->count;
}
