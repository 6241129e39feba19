/* Unit tests for as_completed: completion order, outstanding counts. */
#include <stdlib.h>

#include "as_completed.h"
#include "future.h"
#include "fake_task.h"
#include "harness.h"
#include "loop.h"
#include "task.h"

HARNESS_MAIN;

#define NTASKS 5

struct world {
	struct loop	    *loop;
	struct as_completed *ac;
	struct task	    *tasks[NTASKS];
	int		     emitted[NTASKS];
	enum future_state    emitted_state[NTASKS];
	size_t		     outstanding_at_emit[NTASKS];
	size_t		     n_emitted;
	const int	    *steps;
	size_t		     n_steps, step;
	size_t		     emitted_before_step[NTASKS];
};

static void
emit(struct task *task, void *arg)
{
	struct world *w = arg;
	struct fake  *fk = task_data(task);

	if (w->n_emitted < NTASKS) {
		w->emitted[w->n_emitted] = fk->id;
		w->emitted_state[w->n_emitted] =
		    future_state(task_future(task));
		w->outstanding_at_emit[w->n_emitted] =
		    as_completed_outstanding(w->ac);
	}
	w->n_emitted++;
	w->tasks[fk->id] = NULL;
	task_free(task);
}

static void
world_init(struct world *w)
{
	int i;

	*w = (struct world){ 0 };
	w->loop = loop_new();
	w->ac = as_completed_new(emit, w);
	for (i = 0; i < NTASKS; i++) {
		struct fake *fk = calloc(1, sizeof(*fk));

		fk->id = i;
		w->tasks[i] = task_new(w->loop, &fake_ops, fk);
		task_start(w->tasks[i]);
	}
}

static void
world_free(struct world *w)
{
	int i;

	as_completed_free(w->ac);
	for (i = 0; i < NTASKS; i++)
		task_free(w->tasks[i]);
	loop_free(w->loop);
}

/* Finishes steps[step] (negative: cancel) and queues the next step. */
static void
step(void *arg)
{
	struct world *w = arg;
	int	      id = w->steps[w->step];

	w->emitted_before_step[w->step] = w->n_emitted;
	if (id < 0)
		task_cancel(w->tasks[-id], "first");
	else
		task_done(w->tasks[id]);
	if (++w->step < w->n_steps)
		loop_call_soon(w->loop, step, w);
}

static void
test_completion_order(void)
{
	static const int order[] = { 3, 1, 4, 0, 2 };
	struct world	 w;
	int		 i;

	world_init(&w);
	for (i = 0; i < NTASKS; i++) {
		CHECK_INT(as_completed_add(w.ac, w.tasks[i]), 0);
		CHECK_INT(as_completed_outstanding(w.ac), (size_t)i + 1);
	}
	w.steps = order;
	w.n_steps = NTASKS;
	loop_call_soon(w.loop, step, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		CHECK_INT(w.emitted[i], order[i]);
		/* Each went out before the next one finished. */
		CHECK_INT(w.emitted_before_step[i], (size_t)i);
		/* Counted down before emit is called. */
		CHECK_INT(w.outstanding_at_emit[i], (size_t)(NTASKS - 1 - i));
	}
	CHECK_INT(as_completed_outstanding(w.ac), 0);
	world_free(&w);
}

static void
test_cancelled(void)
{
	static const int order[] = { 2, -4, 0, -1, 3 };
	struct world	 w;
	int		 i;

	world_init(&w);
	for (i = 0; i < NTASKS; i++)
		as_completed_add(w.ac, w.tasks[i]);
	w.steps = order;
	w.n_steps = NTASKS;
	loop_call_soon(w.loop, step, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, NTASKS);
	CHECK_INT(w.emitted[0], 2);
	CHECK_INT(w.emitted[1], 4);
	CHECK_INT(w.emitted[2], 0);
	CHECK_INT(w.emitted[3], 1);
	CHECK_INT(w.emitted[4], 3);
	CHECK_INT(w.emitted_state[0], FUTURE_DONE);
	CHECK_INT(w.emitted_state[1], FUTURE_CANCELLED);
	CHECK_INT(w.emitted_state[3], FUTURE_CANCELLED);
	world_free(&w);
}

/* Several finishing on one turn go out in the order they finished. */
static void
test_same_turn(void)
{
	struct world w;
	int	     i;

	world_init(&w);
	for (i = 0; i < NTASKS; i++)
		as_completed_add(w.ac, w.tasks[i]);
	task_done(w.tasks[4]);
	task_done(w.tasks[0]);
	task_done(w.tasks[2]);
	CHECK_INT(w.n_emitted, 0);
	CHECK_INT(as_completed_outstanding(w.ac), NTASKS);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 3);
	CHECK_INT(w.emitted[0], 4);
	CHECK_INT(w.emitted[1], 0);
	CHECK_INT(w.emitted[2], 2);
	CHECK_INT(as_completed_outstanding(w.ac), 2);
	task_done(w.tasks[3]);
	task_done(w.tasks[1]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, NTASKS);
	CHECK_INT(w.emitted[3], 3);
	CHECK_INT(w.emitted[4], 1);
	CHECK_INT(as_completed_outstanding(w.ac), 0);
	world_free(&w);
}

/* Added after finishing: handed back on the next turn all the same. */
static void
test_added_finished(void)
{
	struct world w;
	int	     i;

	world_init(&w);
	task_done(w.tasks[1]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(as_completed_add(w.ac, w.tasks[1]), 0);
	CHECK_INT(as_completed_outstanding(w.ac), 1);
	CHECK_INT(w.n_emitted, 0);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 1);
	CHECK_INT(w.emitted[0], 1);
	CHECK_INT(as_completed_outstanding(w.ac), 0);
	for (i = 0; i < NTASKS; i++)
		if (w.tasks[i] != NULL)
			task_done(w.tasks[i]);
	world_free(&w);
}

int
main(void)
{
	RUN(test_completion_order);
	RUN(test_cancelled);
	RUN(test_same_turn);
	RUN(test_added_finished);
	return harness_result();
}
