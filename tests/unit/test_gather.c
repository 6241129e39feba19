/* Unit tests for gather: input order, streaming, window, cancellation. */
#include <stdlib.h>

#include "future.h"
#include "gather.h"
#include "fake_task.h"
#include "harness.h"
#include "loop.h"
#include "task.h"

HARNESS_MAIN;

#define MAXTASKS 16

/* Fake work: an id, and whether it started. */

/* One test's world: the tasks by id, what was emitted, in order. */
struct world {
	struct loop	 *loop;
	struct gather	 *gather;
	struct task	 *tasks[MAXTASKS];
	int		  emitted[MAXTASKS];
	enum future_state emitted_state[MAXTASKS];
	size_t		  n_emitted;
	/* For the step driver: which ids to finish, one per turn. */
	const int *steps;
	const int *cancel; /* per step: cancel, not done */
	size_t	   n_steps, step;
	size_t	   emitted_before_step[MAXTASKS];
	/* For the feeder: admit up to total tasks as room appears. */
	int    total, next;
	size_t max_outstanding;
};

static struct task *
new_task(struct world *w, int id, int start)
{
	struct fake *fk = calloc(1, sizeof(*fk));
	struct task *t;

	fk->id = id;
	t = task_new(w->loop, &fake_ops, fk);
	w->tasks[id] = t;
	if (start)
		task_start(t);
	return t;
}

/* Emit: log the id and state, then free the task as its owner. */
static void
emit(struct task *task, void *arg)
{
	struct world *w = arg;
	struct fake  *fk = task_data(task);

	if (w->n_emitted < MAXTASKS) {
		w->emitted[w->n_emitted] = fk->id;
		w->emitted_state[w->n_emitted] =
		    future_state(task_future(task));
	}
	w->n_emitted++;
	w->tasks[fk->id] = NULL;
	task_free(task);
}

static void
world_init(struct world *w, size_t window)
{
	*w = (struct world){ 0 };
	w->loop = loop_new();
	w->gather = gather_new(window, emit, w);
}

static void
world_free(struct world *w)
{
	int i;

	CHECK_INT(gather_outstanding(w->gather), 0);
	gather_free(w->gather);
	for (i = 0; i < MAXTASKS; i++)
		task_free(w->tasks[i]);
	loop_free(w->loop);
}

/* Finishes steps[step] on this turn and queues the next step. */
static void
step(void *arg)
{
	struct world *w = arg;
	struct task  *t = w->tasks[w->steps[w->step]];

	w->emitted_before_step[w->step] = w->n_emitted;
	if (w->cancel != NULL && w->cancel[w->step])
		task_cancel(t, "deadline");
	else
		task_done(t);
	if (++w->step < w->n_steps)
		loop_call_soon(w->loop, step, w);
}

static void
test_new(void)
{
	struct gather *g = gather_new(0, emit, NULL);

	CHECK(g == NULL);
	g = gather_new(1, emit, NULL);
	CHECK(g != NULL);
	CHECK_INT(gather_outstanding(g), 0);
	CHECK_INT(gather_has_room(g), 1);
	gather_free(g);
	gather_free(NULL);
}

static void
test_out_of_order(void)
{
	static const int order[] = { 3, 1, 0, 2 };
	struct world	 w;
	int		 i;

	world_init(&w, 8);
	for (i = 0; i < 4; i++)
		CHECK_INT(gather_add(w.gather, new_task(&w, i, 1)), 0);
	CHECK_INT(gather_outstanding(w.gather), 4);
	w.steps = order;
	w.n_steps = 4;
	loop_call_soon(w.loop, step, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 4);
	for (i = 0; i < 4; i++)
		CHECK_INT(w.emitted[i], i);
	/* Nothing before 0 finished; 0 and 1 went out before 2 finished. */
	CHECK_INT(w.emitted_before_step[0], 0);
	CHECK_INT(w.emitted_before_step[1], 0);
	CHECK_INT(w.emitted_before_step[2], 0);
	CHECK_INT(w.emitted_before_step[3], 2);
	CHECK_INT(gather_outstanding(w.gather), 0);
	world_free(&w);
}

/* In order already: each goes out on its own, no waiting. */
static void
test_in_order_streams(void)
{
	static const int order[] = { 0, 1, 2 };
	struct world	 w;
	int		 i;

	world_init(&w, 4);
	for (i = 0; i < 3; i++)
		gather_add(w.gather, new_task(&w, i, 1));
	w.steps = order;
	w.n_steps = 3;
	loop_call_soon(w.loop, step, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.emitted_before_step[1], 1);
	CHECK_INT(w.emitted_before_step[2], 2);
	CHECK_INT(w.n_emitted, 3);
	world_free(&w);
}

static void
test_window(void)
{
	struct world w;
	struct task *extra;

	world_init(&w, 2);
	CHECK_INT(gather_add(w.gather, new_task(&w, 0, 1)), 0);
	CHECK_INT(gather_has_room(w.gather), 1);
	CHECK_INT(gather_add(w.gather, new_task(&w, 1, 1)), 0);
	CHECK_INT(gather_has_room(w.gather), 0);
	CHECK_INT(gather_outstanding(w.gather), 2);
	/* Full: refused, and the task stays ours. */
	extra = new_task(&w, 2, 0);
	CHECK_INT(gather_add(w.gather, extra), RT_ERR_FULL);
	CHECK_INT(gather_outstanding(w.gather), 2);

	/* The newest finishing frees nothing: the head is still out. */
	task_done(w.tasks[1]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 0);
	CHECK_INT(gather_has_room(w.gather), 0);

	/* The head finishing hands both back. */
	task_done(w.tasks[0]);
	CHECK_INT(gather_has_room(w.gather), 0);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 2);
	CHECK_INT(gather_has_room(w.gather), 1);
	CHECK_INT(gather_outstanding(w.gather), 0);

	/* Room again: the refused task now goes in, and out. */
	CHECK_INT(gather_add(w.gather, extra), 0);
	task_start(extra);
	task_done(extra);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 3);
	CHECK_INT(w.emitted[2], 2);
	world_free(&w);
}

/* Room comes back as soon as the head alone is handed back. */
static void
test_room_after_head(void)
{
	struct world w;

	world_init(&w, 2);
	gather_add(w.gather, new_task(&w, 0, 1));
	gather_add(w.gather, new_task(&w, 1, 1));
	CHECK_INT(gather_has_room(w.gather), 0);
	task_done(w.tasks[0]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 1);
	CHECK_INT(gather_has_room(w.gather), 1);
	CHECK_INT(gather_outstanding(w.gather), 1);
	CHECK_INT(gather_add(w.gather, new_task(&w, 2, 1)), 0);
	CHECK_INT(gather_has_room(w.gather), 0);
	task_done(w.tasks[2]);
	task_done(w.tasks[1]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 3);
	CHECK_INT(w.emitted[0], 0);
	CHECK_INT(w.emitted[1], 1);
	CHECK_INT(w.emitted[2], 2);
	world_free(&w);
}

static void
test_cancelled_in_order(void)
{
	static const int order[] = { 3, 2, 1, 0 };
	static const int cancel[] = { 0, 1, 0, 1 };
	struct world	 w;
	int		 i;

	world_init(&w, 4);
	/* 2 never starts: it is cancelled while pending. */
	for (i = 0; i < 4; i++)
		gather_add(w.gather, new_task(&w, i, i != 2));
	w.steps = order;
	w.cancel = cancel;
	w.n_steps = 4;
	loop_call_soon(w.loop, step, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 4);
	for (i = 0; i < 4; i++)
		CHECK_INT(w.emitted[i], i);
	CHECK_INT(w.emitted_state[0], FUTURE_CANCELLED);
	CHECK_INT(w.emitted_state[1], FUTURE_DONE);
	CHECK_INT(w.emitted_state[2], FUTURE_CANCELLED);
	CHECK_INT(w.emitted_state[3], FUTURE_DONE);
	CHECK_INT(w.emitted_before_step[3], 0);
	world_free(&w);
}

/* A task finished before it was added still goes out, in its turn. */
static void
test_added_finished(void)
{
	struct world w;
	struct task *t;

	world_init(&w, 3);
	gather_add(w.gather, new_task(&w, 0, 1));
	t = new_task(&w, 1, 0);
	task_cancel(t, "deadline");
	gather_add(w.gather, t);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 0);
	task_done(w.tasks[0]);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_emitted, 2);
	CHECK_INT(w.emitted[0], 0);
	CHECK_INT(w.emitted[1], 1);
	world_free(&w);
}

static void
test_window_one(void)
{
	struct world w;
	int	     i;

	world_init(&w, 1);
	for (i = 0; i < 5; i++) {
		CHECK_INT(gather_has_room(w.gather), 1);
		CHECK_INT(gather_add(w.gather, new_task(&w, i, 1)), 0);
		CHECK_INT(gather_has_room(w.gather), 0);
		if (i == 0) {
			struct task *t = new_task(&w, 15, 0);

			CHECK_INT(gather_add(w.gather, t), RT_ERR_FULL);
			task_free(t);
			w.tasks[15] = NULL;
		}
		task_done(w.tasks[i]);
		CHECK_INT(loop_run(w.loop), 0);
		CHECK_INT(w.n_emitted, (size_t)i + 1);
		CHECK_INT(w.emitted[i], i);
	}
	CHECK_INT(gather_has_room(w.gather), 1);
	world_free(&w);
}

/*
 * A feeder: emit admits new tasks as room appears, and each turn the
 * newest unfinished task finishes, so the ring wraps many times with
 * every slot finishing out of order.
 */
static void admit(struct world *);

static void
feed_emit(struct task *task, void *arg)
{
	struct world *w = arg;

	emit(task, arg);
	admit(w);
}

static void
admit(struct world *w)
{
	while (w->next < w->total && gather_has_room(w->gather)) {
		if (gather_add(w->gather, new_task(w, w->next, 1)) != 0)
			break;
		w->next++;
	}
	if (gather_outstanding(w->gather) > w->max_outstanding)
		w->max_outstanding = gather_outstanding(w->gather);
}

static void
finish_newest(void *arg)
{
	struct world *w = arg;
	int	      i;

	for (i = w->next - 1; i >= 0; i--) {
		if (w->tasks[i] != NULL &&
		    !future_finished(task_future(w->tasks[i]))) {
			task_done(w->tasks[i]);
			break;
		}
	}
	if (i >= 0)
		loop_call_soon(w->loop, finish_newest, w);
}

static void
test_ring_wraps(void)
{
	struct world w;
	int	     i, ok = 1;

	w = (struct world){ 0 };
	w.loop = loop_new();
	w.gather = gather_new(3, feed_emit, &w);
	w.total = MAXTASKS;
	admit(&w);
	CHECK_INT(w.next, 3);
	loop_call_soon(w.loop, finish_newest, &w);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.next, MAXTASKS);
	CHECK_INT(w.n_emitted, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		if (w.emitted[i] != i)
			ok = 0;
	CHECK(ok);
	CHECK_INT(w.max_outstanding, 3);
	world_free(&w);
}

int
main(void)
{
	RUN(test_new);
	RUN(test_out_of_order);
	RUN(test_in_order_streams);
	RUN(test_window);
	RUN(test_room_after_head);
	RUN(test_cancelled_in_order);
	RUN(test_added_finished);
	RUN(test_window_one);
	RUN(test_ring_wraps);
	return harness_result();
}
