/* Unit tests for sched: the jobs limit, FIFO starts, cancel_all. */
#include <stdlib.h>

#include "future.h"
#include "harness.h"
#include "loop.h"
#include "sched.h"
#include "task.h"

HARNESS_MAIN;

#define MAXTASKS	8

struct world;

/* Fake work: counts starts and cancels, keeps the world's in-flight count. */
struct fake {
	struct world	*w;
	int		 id;
	int		 starts;
	int		 cancels;
	int		 fail_start;
};

struct world {
	struct loop	*loop;
	struct sched	*sched;
	size_t		 jobs;
	struct task	*tasks[MAXTASKS];
	struct fake	*fakes[MAXTASKS];
	int		 start_order[MAXTASKS];
	size_t		 n_started;
	size_t		 in_flight, max_in_flight;
	size_t		 running_at_start_max;
	int		 slots;		/* on_slot calls */
	size_t		 started_at_slot[MAXTASKS];
	size_t		 running_at_slot[MAXTASKS];
	/* Finished tasks freed by a done-callback added after submit. */
	int		 freed;
};

static int
fake_start(struct task *task, void *data)
{
	struct fake	*fk = data;
	struct world	*w = fk->w;

	fk->starts++;
	if (w->n_started < MAXTASKS)
		w->start_order[w->n_started] = fk->id;
	w->n_started++;
	if (sched_running(w->sched) > w->running_at_start_max)
		w->running_at_start_max = sched_running(w->sched);
	if (fk->fail_start) {
		task_done(task);
		return -1;
	}
	if (++w->in_flight > w->max_in_flight)
		w->max_in_flight = w->in_flight;
	return 0;
}

static void
fake_cancel(struct task *task, void *data, const char *reason)
{
	struct fake	*fk = data;

	fk->cancels++;
	fk->w->in_flight--;
	task_cancelled(task, reason);
}

static const struct task_ops fake_ops = { fake_start, fake_cancel, NULL };

static void
on_slot(void *arg)
{
	struct world	*w = arg;

	if (w->slots < MAXTASKS) {
		w->started_at_slot[w->slots] = w->n_started;
		w->running_at_slot[w->slots] = sched_running(w->sched);
	}
	w->slots++;
}

static void
world_init(struct world *w, size_t jobs, int ntasks)
{
	int	i;

	*w = (struct world){ 0 };
	w->jobs = jobs;
	w->loop = loop_new();
	w->sched = sched_new(jobs, on_slot, w);
	for (i = 0; i < ntasks; i++) {
		w->fakes[i] = calloc(1, sizeof(*w->fakes[i]));
		w->fakes[i]->w = w;
		w->fakes[i]->id = i;
		w->tasks[i] = task_new(w->loop, &fake_ops, w->fakes[i]);
	}
}

static void
world_free(struct world *w)
{
	int	i;

	CHECK_INT(sched_queued(w->sched), 0);
	CHECK_INT(sched_running(w->sched), 0);
	sched_free(w->sched);
	for (i = 0; i < MAXTASKS; i++) {
		task_free(w->tasks[i]);
		free(w->fakes[i]);
	}
	loop_free(w->loop);
}

/* Finishes the work of task id, as the fake's transfer completing. */
static void
finish(struct world *w, int id)
{
	w->in_flight--;
	task_done(w->tasks[id]);
}

static void
test_new(void)
{
	struct sched	*s = sched_new(0, NULL, NULL);

	CHECK(s == NULL);
	s = sched_new(3, NULL, NULL);
	CHECK(s != NULL);
	CHECK_INT(sched_queued(s), 0);
	CHECK_INT(sched_running(s), 0);
	sched_free(s);
}

/* Turn by turn: which tasks finish on each turn (-1 ends a turn). */
struct script {
	struct world	*w;
	const int	*ids;
	size_t		 n, at;
};

static void
play(void *arg)
{
	struct script	*sc = arg;

	while (sc->at < sc->n && sc->ids[sc->at] >= 0)
		finish(sc->w, sc->ids[sc->at++]);
	if (sc->at < sc->n) {
		sc->at++;
		loop_call_soon(sc->w->loop, play, sc);
	}
}

static void
test_jobs_limit(void)
{
	struct world	w;
	int		i;

	world_init(&w, 2, 5);
	for (i = 0; i < 5; i++)
		CHECK_INT(sched_submit(w.sched, w.tasks[i]), 0);
	/* Two start at once, inline; the rest wait, never started. */
	CHECK_INT(w.n_started, 2);
	CHECK_INT(sched_running(w.sched), 2);
	CHECK_INT(sched_queued(w.sched), 3);
	CHECK_INT(w.fakes[2]->starts, 0);
	CHECK_INT(future_state(task_future(w.tasks[2])), FUTURE_PENDING);

	/* 0 finishes: on the next turn 2 starts, and on_slot is told. */
	finish(&w, 0);
	CHECK_INT(w.n_started, 2);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 3);
	CHECK_INT(w.start_order[2], 2);
	CHECK_INT(sched_running(w.sched), 2);
	CHECK_INT(sched_queued(w.sched), 2);
	CHECK_INT(w.slots, 1);
	CHECK_INT(w.started_at_slot[0], 3);
	CHECK_INT(w.running_at_slot[0], 2);

	/* Two finish on one turn: two more start. */
	finish(&w, 2);
	finish(&w, 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 5);
	CHECK_INT(sched_running(w.sched), 2);
	CHECK_INT(sched_queued(w.sched), 0);
	CHECK_INT(w.slots, 3);

	finish(&w, 3);
	finish(&w, 4);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(sched_running(w.sched), 0);
	CHECK_INT(w.slots, 5);
	CHECK_INT(w.max_in_flight, 2);
	CHECK_INT(w.running_at_start_max, 2);
	for (i = 0; i < 5; i++) {
		CHECK_INT(w.fakes[i]->starts, 1);
		CHECK_INT(future_state(task_future(w.tasks[i])), FUTURE_DONE);
	}
	world_free(&w);
}

static void
test_fifo(void)
{
	/* Each turn finishes the one task running. */
	static const int	 ids[] = { 0, -1, 1, -1, 2, -1, 3, -1, 4, -1,
				     5, -1, 6, -1, 7 };
	struct world		 w;
	struct script		 sc;
	int			 i;

	world_init(&w, 1, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		sched_submit(w.sched, w.tasks[i]);
	CHECK_INT(w.n_started, 1);
	sc = (struct script){ &w, ids, sizeof(ids) / sizeof(ids[0]), 0 };
	loop_call_soon(w.loop, play, &sc);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		CHECK_INT(w.start_order[i], i);
	CHECK_INT(w.max_in_flight, 1);
	CHECK_INT(w.slots, MAXTASKS);
	world_free(&w);
}

/* A wider scheduler, tasks finishing out of order, several per turn. */
static void
test_limit_mixed(void)
{
	static const int	 ids[] = { 2, 0, -1, 4, -1, 1, 3, 5, -1, 6,
				     -1, 7 };
	struct world		 w;
	struct script		 sc;
	int			 i;

	world_init(&w, 3, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		sched_submit(w.sched, w.tasks[i]);
	CHECK_INT(w.n_started, 3);
	sc = (struct script){ &w, ids, sizeof(ids) / sizeof(ids[0]), 0 };
	loop_call_soon(w.loop, play, &sc);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		CHECK_INT(w.start_order[i], i);
	CHECK_INT(w.max_in_flight, 3);
	CHECK_INT(w.running_at_start_max, 3);
	world_free(&w);
}

/* A task that fails to start gives its slot back all the same. */
static void
test_start_fails(void)
{
	struct world	w;

	world_init(&w, 1, 2);
	w.fakes[0]->fail_start = 1;
	sched_submit(w.sched, w.tasks[0]);
	sched_submit(w.sched, w.tasks[1]);
	CHECK_INT(w.n_started, 1);
	CHECK_INT(future_state(task_future(w.tasks[0])), FUTURE_DONE);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.start_order[1], 1);
	CHECK_INT(w.slots, 1);
	finish(&w, 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.slots, 2);
	world_free(&w);
}

static void
test_cancel_all(void)
{
	struct world	w;
	int		i;

	world_init(&w, 2, 5);
	for (i = 0; i < 5; i++)
		sched_submit(w.sched, w.tasks[i]);
	sched_cancel_all(w.sched, "signal");
	/* Every one finished before it returns; nothing new started. */
	CHECK_INT(sched_queued(w.sched), 0);
	CHECK_INT(sched_running(w.sched), 0);
	CHECK_INT(w.n_started, 2);
	for (i = 0; i < 5; i++) {
		struct future *f = task_future(w.tasks[i]);

		CHECK_INT(future_state(f), FUTURE_CANCELLED);
		CHECK_STR(future_cancel_reason(f), "signal");
	}
	/* Running ones through their work's cancel; queued ones never. */
	CHECK_INT(w.fakes[0]->cancels, 1);
	CHECK_INT(w.fakes[1]->cancels, 1);
	for (i = 2; i < 5; i++) {
		CHECK_INT(w.fakes[i]->starts, 0);
		CHECK_INT(w.fakes[i]->cancels, 0);
	}
	CHECK_INT(w.in_flight, 0);
	CHECK_INT(loop_run(w.loop), 0);
	/* Still nothing started once the callbacks have run. */
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.slots, 2);
	world_free(&w);
}

/* Empty: nothing to do, nothing breaks. */
static void
test_cancel_all_empty(void)
{
	struct world	w;

	world_init(&w, 2, 0);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.slots, 0);
	world_free(&w);
}

/*
 * A done-callback added after sched_submit frees the task, as afetch's
 * output does. Registration order lets the scheduler see it first.
 */
static void
free_task(struct future *future, void *arg)
{
	struct task	**slot = arg;
	struct fake	 *fk = task_data(*slot);

	(void)future;
	fk->w->freed++;
	task_free(*slot);
	*slot = NULL;
}

struct deadline {
	struct world	*w;
	int		 fired;
};

static void
deadline_fired(void *arg)
{
	struct deadline	*d = arg;

	d->fired = 1;
	sched_cancel_all(d->w->sched, "deadline");
}

/* Records each task's outcome before free_task drops it. */
struct outcome {
	enum future_state	 state;
	const char		*reason;
	int			 seen;
};

static void
note_outcome(struct future *future, void *arg)
{
	struct outcome	*o = arg;

	o->state = future_state(future);
	o->reason = future_cancel_reason(future);
	o->seen = 1;
}

static void
test_deadline(void)
{
	struct world	 w;
	struct deadline	 d;
	struct outcome	 out[6] = { { 0 } };
	int		 i;

	world_init(&w, 2, 6);
	d = (struct deadline){ &w, 0 };
	for (i = 0; i < 6; i++) {
		sched_submit(w.sched, w.tasks[i]);
		future_add_done_callback(task_future(w.tasks[i]), note_outcome,
		    &out[i]);
		future_add_done_callback(task_future(w.tasks[i]), free_task,
		    &w.tasks[i]);
	}
	/* Nothing ever finishes on its own: only the deadline ends it. */
	CHECK(loop_call_later(w.loop, 0.05, deadline_fired, &d) != NULL);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(d.fired, 1);
	CHECK_INT(w.freed, 6);
	for (i = 0; i < 6; i++) {
		CHECK_INT(out[i].seen, 1);
		CHECK_INT(out[i].state, FUTURE_CANCELLED);
		CHECK_STR(out[i].reason, "deadline");
		CHECK(w.tasks[i] == NULL);
	}
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.fakes[0]->cancels, 1);
	CHECK_INT(w.fakes[1]->cancels, 1);
	CHECK_INT(w.fakes[5]->starts, 0);
	world_free(&w);
}

/* A task finished while queued (cancelled directly) never starts. */
static void
test_queued_cancelled_directly(void)
{
	struct world	w;

	world_init(&w, 1, 3);
	sched_submit(w.sched, w.tasks[0]);
	sched_submit(w.sched, w.tasks[1]);
	sched_submit(w.sched, w.tasks[2]);
	CHECK_INT(task_cancel(w.tasks[1], "first"), 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(sched_queued(w.sched), 1);
	CHECK_INT(w.fakes[1]->starts, 0);
	finish(&w, 0);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.fakes[1]->starts, 0);
	CHECK_INT(w.fakes[2]->starts, 1);
	CHECK_INT(w.start_order[1], 2);
	finish(&w, 2);
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

int
main(void)
{
	RUN(test_new);
	RUN(test_jobs_limit);
	RUN(test_fifo);
	RUN(test_limit_mixed);
	RUN(test_start_fails);
	RUN(test_cancel_all);
	RUN(test_cancel_all_empty);
	RUN(test_deadline);
	RUN(test_queued_cancelled_directly);
	return harness_result();
}
