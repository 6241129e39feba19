/*
 * future: the eventual outcome of a piece of work, with done-callbacks
 * that always run on a later turn of the loop, never inside the code that
 * resolved it. Reference-counted: a task and whoever waits on it may each
 * hold one.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>

#include "future.h"
#include "loop.h"

struct callback {
	struct callback *next;
	future_cb	 fn;
	void		*arg;
};

struct future {
	struct loop	 *loop;
	enum future_state state;
	const char	 *cancel_reason;
	unsigned	  refs;
	/* Callbacks in registration order; the tail makes appends O(1). */
	struct callback	 *head;
	struct callback **tail;
	/* 1 while a dispatch is scheduled and holds a reference. */
	int dispatching;
};

struct future *
future_new(struct loop *loop)
{
	struct future *future;

	if ((future = calloc(1, sizeof(*future))) == NULL)
		return NULL;
	future->loop = loop;
	future->state = FUTURE_PENDING;
	future->refs = 1;
	future->tail = &future->head;
	return future;
}

void
future_ref(struct future *future)
{
	future->refs++;
}

void
future_unref(struct future *future)
{
	struct callback *cb, *next;

	if (future == NULL || --future->refs > 0)
		return;
	for (cb = future->head; cb != NULL; cb = next) {
		next = cb->next;
		free(cb);
	}
	free(future);
}

enum future_state
future_state(const struct future *future)
{
	return future->state;
}

int
future_finished(const struct future *future)
{
	return future->state == FUTURE_DONE ||
	    future->state == FUTURE_CANCELLED;
}

const char *
future_state_name(enum future_state state)
{
	switch (state) {
	case FUTURE_PENDING:
		return "pending";
	case FUTURE_RUNNING:
		return "running";
	case FUTURE_DONE:
		return "done";
	case FUTURE_CANCELLED:
		return "cancelled";
	}
	return "unknown";
}

enum rt_err
future_set_running(struct future *future)
{
	if (future->state != FUTURE_PENDING)
		return RT_ERR_STATE;
	future->state = FUTURE_RUNNING;
	return RT_OK;
}

/*
 * Runs the callbacks, detaching each before its call so a callback may add
 * more (they run in this same dispatch, after it) or drop references. The
 * dispatch's own reference keeps the future alive until it returns.
 */
static void
dispatch(void *arg)
{
	struct future	*future = arg;
	struct callback *cb;

	while ((cb = future->head) != NULL) {
		future->head = cb->next;
		if (future->head == NULL)
			future->tail = &future->head;
		cb->fn(future, cb->arg);
		free(cb);
	}
	future->dispatching = 0;
	future_unref(future);
}

static void
schedule(struct future *future)
{
	if (future->dispatching || future->head == NULL)
		return;
	future_ref(future);
	future->dispatching = 1;
	if (loop_call_soon(future->loop, dispatch, future) == -1)
		dispatch(future);
}

static enum rt_err
finish(struct future *future, enum future_state state, const char *reason)
{
	if (future_finished(future))
		return RT_ERR_STATE;
	future->state = state;
	future->cancel_reason = reason;
	schedule(future);
	return RT_OK;
}

enum rt_err
future_set_done(struct future *future)
{
	return finish(future, FUTURE_DONE, NULL);
}

enum rt_err
future_cancel(struct future *future, const char *reason)
{
	return finish(future, FUTURE_CANCELLED, reason);
}

const char *
future_cancel_reason(const struct future *future)
{
	return future->cancel_reason;
}

enum rt_err
future_add_done_callback(struct future *future, future_cb fn, void *arg)
{
	struct callback *cb;

	if ((cb = malloc(sizeof(*cb))) == NULL)
		return RT_ERR_NOMEM;
	cb->next = NULL;
	cb->fn = fn;
	cb->arg = arg;
	*future->tail = cb;
	future->tail = &cb->next;
	if (future_finished(future))
		schedule(future);
	return RT_OK;
}
