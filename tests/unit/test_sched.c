/*
 * Unit tests for sched: the jobs limit, FIFO starts, cancel_all; per-host
 * limits, fairness between hosts, rate and host_rate spacing, holds, and
 * per-host state being dropped. Fake work, a real loop, no sleeps: time
 * passes only through loop timers.
 */
#include <math.h>
#include <stdlib.h>

#include "future.h"
#include "harness.h"
#include "loop.h"
#include "sched.h"
#include "task.h"

HARNESS_MAIN;

/* Tasks in the older, single-host tests. */
#define MAXTASKS 8
/* Room for tasks and starts in any test. */
#define NTASKS 64
/* Hosts a fake may name: index 0 is the shared host "". */
#define NHOSTS 4

static const char *const host_names[NHOSTS] = { "", "a.example", "b.example",
	"c.example" };

struct world;

/*
 * Fake work: counts starts and cancels, keeps the world's in-flight
 * counts. With duration >= 0 it finishes by itself that many seconds
 * after it starts (on a loop timer); else finish() ends it.
 */
struct fake {
	struct world	  *w;
	int		   id;
	int		   host; /* index in host_names */
	int		   starts;
	int		   cancels;
	int		   fail_start;
	double		   duration;
	struct loop_timer *timer;
	double		   finished_at;
};

struct world {
	struct loop  *loop;
	struct sched *sched;
	size_t	      jobs;
	struct task  *tasks[NTASKS];
	struct fake  *fakes[NTASKS];
	int	      start_order[NTASKS];
	double	      start_time[NTASKS]; /* loop_now() of each start */
	size_t	      n_started;
	size_t	      in_flight, max_in_flight;
	size_t	      host_in_flight[NHOSTS], host_max[NHOSTS];
	size_t	      running_at_start_max;
	int	      slots; /* on_slot calls */
	size_t	      started_at_slot[NTASKS];
	size_t	      running_at_slot[NTASKS];
	/* Finished tasks freed by a done-callback added after submit. */
	int freed;
};

static void
work_over(struct fake *fk)
{
	fk->w->in_flight--;
	fk->w->host_in_flight[fk->host]--;
	fk->finished_at = loop_now();
}

static void
fake_timeout(void *arg)
{
	struct fake *fk = arg;

	fk->timer = NULL;
	work_over(fk);
	task_done(fk->w->tasks[fk->id]);
}

static int
fake_start(struct task *task, void *data)
{
	struct fake  *fk = data;
	struct world *w = fk->w;

	fk->starts++;
	if (w->n_started < NTASKS) {
		w->start_order[w->n_started] = fk->id;
		w->start_time[w->n_started] = loop_now();
	}
	w->n_started++;
	if (sched_running(w->sched) > w->running_at_start_max)
		w->running_at_start_max = sched_running(w->sched);
	if (fk->fail_start) {
		task_done(task);
		return -1;
	}
	if (++w->in_flight > w->max_in_flight)
		w->max_in_flight = w->in_flight;
	if (++w->host_in_flight[fk->host] > w->host_max[fk->host])
		w->host_max[fk->host] = w->host_in_flight[fk->host];
	if (fk->duration >= 0)
		fk->timer =
		    loop_call_later(w->loop, fk->duration, fake_timeout, fk);
	return 0;
}

static void
fake_cancel(struct task *task, void *data, const char *reason)
{
	struct fake *fk = data;

	fk->cancels++;
	loop_timer_cancel(fk->timer);
	fk->timer = NULL;
	work_over(fk);
	task_cancelled(task, reason);
}

static const struct task_ops fake_ops = { fake_start, fake_cancel, NULL, NULL };

static const char *
fake_host(struct task *task)
{
	return host_names[((struct fake *)task_data(task))->host];
}

static void
on_slot(void *arg)
{
	struct world *w = arg;

	if (w->slots < NTASKS) {
		w->started_at_slot[w->slots] = w->n_started;
		w->running_at_slot[w->slots] = sched_running(w->sched);
	}
	w->slots++;
}

/*
 * A world of ntasks fakes on host "" that finish only when told, under
 * cfg (whose callbacks are filled in here).
 */
static void
world_init_cfg(struct world *w, struct sched_config cfg, int ntasks)
{
	int i;

	*w = (struct world){ 0 };
	w->jobs = cfg.jobs;
	w->loop = loop_new();
	cfg.host_of = fake_host;
	cfg.on_slot = on_slot;
	cfg.arg = w;
	w->sched = sched_new(w->loop, &cfg);
	CHECK(w->sched != NULL);
	for (i = 0; i < ntasks; i++) {
		w->fakes[i] = calloc(1, sizeof(*w->fakes[i]));
		w->fakes[i]->w = w;
		w->fakes[i]->id = i;
		w->fakes[i]->duration = -1;
		w->tasks[i] = task_new(w->loop, &fake_ops, w->fakes[i]);
	}
}

static void
world_init(struct world *w, size_t jobs, int ntasks)
{
	world_init_cfg(w, (struct sched_config){ .jobs = jobs }, ntasks);
}

/* Tasks from..to-1 go to host, each taking duration seconds. */
static void
world_tasks(struct world *w, int from, int to, int host, double duration)
{
	int i;

	for (i = from; i < to; i++) {
		w->fakes[i]->host = host;
		w->fakes[i]->duration = duration;
	}
}

static void
submit_range(struct world *w, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		CHECK_INT(sched_submit(w->sched, w->tasks[i]), 0);
}

static void
world_free(struct world *w)
{
	int i;

	CHECK_INT(sched_queued(w->sched), 0);
	CHECK_INT(sched_running(w->sched), 0);
	sched_free(w->sched);
	for (i = 0; i < NTASKS; i++) {
		task_free(w->tasks[i]);
		free(w->fakes[i]);
	}
	loop_free(w->loop);
}

/* Where task id stands among the starts, or -1 if it never started. */
static int
start_rank(const struct world *w, int id)
{
	size_t i;

	for (i = 0; i < w->n_started && i < NTASKS; i++)
		if (w->start_order[i] == id)
			return (int)i;
	return -1;
}

/* When task id started, or NAN. */
static double
started_at(const struct world *w, int id)
{
	int r = start_rank(w, id);

	return r < 0 ? NAN : w->start_time[r];
}

/* Finishes the work of task id, as the fake's transfer completing. */
static void
finish(struct world *w, int id)
{
	work_over(w->fakes[id]);
	task_done(w->tasks[id]);
}

static void
test_new(void)
{
	struct loop	   *loop = loop_new();
	struct sched_config cfg = { 0 };
	struct sched	   *s;

	CHECK(sched_new(loop, &cfg) == NULL);
	cfg.jobs = 3;
	cfg.rate = -1;
	CHECK(sched_new(loop, &cfg) == NULL);
	cfg.rate = 0;
	cfg.host_rate = NAN;
	CHECK(sched_new(loop, &cfg) == NULL);
	cfg.host_rate = 0;
	s = sched_new(loop, &cfg);
	CHECK(s != NULL);
	CHECK_INT(sched_queued(s), 0);
	CHECK_INT(sched_running(s), 0);
	CHECK_INT(sched_ready(s), 0);
	CHECK_INT(sched_hosts(s), 0);
	sched_free(s);
	sched_free(NULL);
	loop_free(loop);
}

/* Turn by turn: which tasks finish on each turn (-1 ends a turn). */
struct script {
	struct world *w;
	const int    *ids;
	size_t	      n, at;
};

static void
play(void *arg)
{
	struct script *sc = arg;

	while (sc->at < sc->n && sc->ids[sc->at] >= 0)
		finish(sc->w, sc->ids[sc->at++]);
	if (sc->at < sc->n) {
		sc->at++;
		loop_call_soon(sc->w->loop, play, sc);
	}
}

/* Plays the script ids (see play) on w's loop until nothing is left. */
static int
run_script(struct world *w, const int *ids, size_t n)
{
	struct script sc = { w, ids, n, 0 };

	loop_call_soon(w->loop, play, &sc);
	return loop_run(w->loop);
}

static void
test_jobs_limit(void)
{
	struct world w;
	int	     i;

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
	static const int ids[] = { 0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, 6,
		-1, 7 };
	struct world	 w;
	int		 i;

	world_init(&w, 1, MAXTASKS);
	submit_range(&w, 0, MAXTASKS);
	CHECK_INT(w.n_started, 1);
	CHECK_INT(run_script(&w, ids, sizeof(ids) / sizeof(ids[0])), 0);
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
	static const int ids[] = { 2, 0, -1, 4, -1, 1, 3, 5, -1, 6, -1, 7 };
	struct world	 w;
	int		 i;

	world_init(&w, 3, MAXTASKS);
	submit_range(&w, 0, MAXTASKS);
	CHECK_INT(w.n_started, 3);
	CHECK_INT(run_script(&w, ids, sizeof(ids) / sizeof(ids[0])), 0);
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
	struct world w;

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
	struct world w;
	int	     i;

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
	struct world w;

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
	struct task **slot = arg;
	struct fake  *fk = task_data(*slot);

	(void)future;
	fk->w->freed++;
	task_free(*slot);
	*slot = NULL;
}

struct deadline {
	struct world *w;
	int	      fired;
};

static void
deadline_fired(void *arg)
{
	struct deadline *d = arg;

	d->fired = 1;
	sched_cancel_all(d->w->sched, "deadline");
}

/* Records each task's outcome before free_task drops it. */
struct outcome {
	enum future_state state;
	const char	 *reason;
	int		  seen;
};

static void
note_outcome(struct future *future, void *arg)
{
	struct outcome *o = arg;

	o->state = future_state(future);
	o->reason = future_cancel_reason(future);
	o->seen = 1;
}

static void
test_deadline(void)
{
	struct world	w;
	struct deadline d;
	struct outcome	out[6] = { { 0 } };
	int		i;

	world_init(&w, 2, 6);
	d = (struct deadline){ &w, 0 };
	for (i = 0; i < 6; i++) {
		sched_submit(w.sched, w.tasks[i]);
		future_add_done_callback(
		    task_future(w.tasks[i]), note_outcome, &out[i]);
		future_add_done_callback(
		    task_future(w.tasks[i]), free_task, &w.tasks[i]);
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
	struct world w;

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

/*
 * A queued task cancelled directly whose callback has not run yet is at
 * the head when a slot frees: it is passed over, not given the slot.
 */
static void
test_cancelled_head_skipped(void)
{
	struct world w;

	world_init(&w, 1, 3);
	submit_range(&w, 0, 3);
	finish(&w, 0);
	CHECK_INT(task_cancel(w.tasks[1], "first"), 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.fakes[1]->starts, 0);
	CHECK_INT(w.fakes[2]->starts, 1);
	CHECK_INT(sched_running(w.sched), 1);
	CHECK_INT(sched_queued(w.sched), 0);
	/* One slot freed, one on_slot, and task 2 had started by then. */
	CHECK_INT(w.slots, 1);
	CHECK_INT(w.started_at_slot[0], 2);
	finish(&w, 2);
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

/* per_host holds for each of three hosts, and each host starts in FIFO. */
static void
test_per_host_three_hosts(void)
{
	struct world w;
	int	     h, i;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 10, .per_host = 2 }, 15);
	for (h = 1; h <= 3; h++)
		world_tasks(&w, (h - 1) * 5, h * 5, h, 0.01);
	submit_range(&w, 0, 15);
	/* Two per host start at once, though ten global slots are free. */
	CHECK_INT(w.n_started, 6);
	CHECK_INT(sched_running(w.sched), 6);
	CHECK_INT(sched_queued(w.sched), 9);
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(sched_hosts(w.sched), 3);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 15);
	CHECK_INT(w.max_in_flight, 6);
	for (h = 1; h <= 3; h++) {
		CHECK_INT(w.host_max[h], 2);
		for (i = (h - 1) * 5 + 1; i < h * 5; i++)
			CHECK(start_rank(&w, i - 1) < start_rank(&w, i));
	}
	for (i = 0; i < 15; i++)
		CHECK_INT(future_state(task_future(w.tasks[i])), FUTURE_DONE);
	CHECK_INT(w.slots, 15);
	/* Nothing queued, running or pending: no host state is left. */
	CHECK_INT(sched_hosts(w.sched), 0);
	world_free(&w);
}

/*
 * Host A, per_host 1, has ten long tasks queued ahead of host B's five
 * quick ones: B's all run while A's first is still running.
 */
static void
test_fairness(void)
{
	struct world w;
	int	     i;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 2, .per_host = 1 }, 15);
	world_tasks(&w, 0, 10, 1, -1); /* A: never finish by themselves */
	world_tasks(&w, 10, 15, 2, 0); /* B: finish on the next pass */
	submit_range(&w, 0, 15);
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.start_order[0], 0);
	CHECK_INT(w.start_order[1], 10);
	/* Returns once nothing but A's first task is left. */
	CHECK_INT(loop_run(w.loop), 0);
	for (i = 10; i < 15; i++)
		CHECK_INT(future_state(task_future(w.tasks[i])), FUTURE_DONE);
	CHECK_INT(w.n_started, 6);
	CHECK_INT(w.fakes[1]->starts, 0);
	CHECK_INT(w.host_max[1], 1);
	CHECK_INT(w.host_max[2], 1);
	/* What the app sees: 9 queued, none of them could start. */
	CHECK_INT(sched_queued(w.sched), 9);
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(sched_running(w.sched), 1);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

/* With no per-host limit, tasks of several hosts start in submit order. */
static void
test_order_across_hosts(void)
{
	static const int hosts[] = { 1, 1, 2, 1, 3, 2, 2, 1 };
	static const int ids[] = { 0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, 6,
		-1, 7 };
	struct world	 w;
	int		 i;

	world_init(&w, 1, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		w.fakes[i]->host = hosts[i];
	submit_range(&w, 0, MAXTASKS);
	CHECK_INT(run_script(&w, ids, sizeof(ids) / sizeof(ids[0])), 0);
	CHECK_INT(w.n_started, MAXTASKS);
	for (i = 0; i < MAXTASKS; i++)
		CHECK_INT(w.start_order[i], i);
	world_free(&w);
}

/* rate 50/s: ten starts, one every 20 ms, the first at once. */
static void
test_rate_spacing(void)
{
	struct world w;
	size_t	     i;
	double	     span;

	world_init_cfg(&w, (struct sched_config){ .jobs = 10, .rate = 50 }, 10);
	world_tasks(&w, 0, 10, 0, 0);
	submit_range(&w, 0, 10);
	CHECK_INT(w.n_started, 1);
	CHECK_INT(sched_queued(w.sched), 9);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 10);
	/*
	 * Late timer fires are made up from the schedule, so a gap may be
	 * short, but never under half an interval; the span is exact.
	 */
	for (i = 1; i < 10; i++)
		CHECK(w.start_time[i] - w.start_time[i - 1] >= 0.0099);
	span = w.start_time[9] - w.start_time[0];
	CHECK(span >= 0.1799);
	/* Generous: only a loop that lost its timer would be this slow. */
	CHECK(span < 2.0);
	CHECK_INT(w.start_order[9], 9);
	world_free(&w);

	/* Starts from the timer tell on_slot too: the app may read on. */
	world_init_cfg(&w, (struct sched_config){ .jobs = 5, .rate = 50 }, 3);
	submit_range(&w, 0, 3);
	CHECK_INT(w.n_started, 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 3);
	CHECK_INT(w.slots, 2);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

/* host_rate spaces each host on its own: B never waits for A's spacing. */
static void
test_host_rate_independent(void)
{
	struct world w;
	int	     i;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 10, .host_rate = 20 }, 8);
	world_tasks(&w, 0, 4, 1, 0);
	world_tasks(&w, 4, 8, 2, 0);
	submit_range(&w, 0, 8);
	/* A's first and B's first, though B's were submitted after A's. */
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.fakes[4]->starts, 1);
	/* One start now per host at most: A and B are spaced, not ready. */
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 8);
	for (i = 1; i < 4; i++) {
		CHECK(started_at(&w, i) - started_at(&w, i - 1) >= 0.0249);
		CHECK(started_at(&w, 4 + i) - started_at(&w, 3 + i) >= 0.0249);
	}
	CHECK(started_at(&w, 3) - started_at(&w, 0) >= 0.1499);
	CHECK(started_at(&w, 7) - started_at(&w, 4) >= 0.1499);
	/* B's k-th start is A's k-th start's neighbour, not a whole
	 * interval later; the bound is half an interval. */
	for (i = 0; i < 4; i++)
		CHECK(fabs(started_at(&w, 4 + i) - started_at(&w, i)) < 0.025);
	world_free(&w);
}

static void
test_hold_host(void)
{
	struct world w;
	double	     until, until2;

	world_init_cfg(&w, (struct sched_config){ .jobs = 4 }, 6);
	world_tasks(&w, 0, 2, 1, 0);
	world_tasks(&w, 2, 4, 2, 0);
	/* A hold that is over already is nothing. */
	CHECK_INT(sched_hold_host(w.sched, "a.example", loop_now() - 1), 0);
	CHECK_INT(sched_hosts(w.sched), 0);
	until = loop_now() + 0.1;
	CHECK_INT(sched_hold_host(w.sched, "a.example", until), 0);
	/* An earlier hold does not shorten a later one. */
	CHECK_INT(sched_hold_host(w.sched, "a.example", loop_now() + 0.01), 0);
	CHECK_INT(sched_hosts(w.sched), 1);
	submit_range(&w, 0, 4);
	/* Only B's start; A's wait though slots are free. */
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.fakes[2]->starts, 1);
	CHECK_INT(w.fakes[3]->starts, 1);
	CHECK_INT(sched_queued(w.sched), 2);
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 4);
	CHECK(started_at(&w, 0) >= until);
	CHECK(started_at(&w, 1) >= until);
	CHECK(started_at(&w, 2) < until);
	CHECK(started_at(&w, 3) < until);
	CHECK_INT(w.start_order[2], 0);

	/* A hold leaves a running task alone and delays the next one. */
	world_tasks(&w, 4, 6, 1, -1);
	submit_range(&w, 4, 5);
	CHECK_INT(w.fakes[4]->starts, 1);
	until2 = loop_now() + 0.05;
	CHECK_INT(sched_hold_host(w.sched, "a.example", until2), 0);
	submit_range(&w, 5, 6);
	CHECK_INT(w.fakes[5]->starts, 0);
	CHECK_INT(sched_running(w.sched), 1);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.fakes[4]->cancels, 0);
	CHECK_INT(w.fakes[5]->starts, 1);
	CHECK(started_at(&w, 5) >= until2);
	finish(&w, 4);
	finish(&w, 5);
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

/* A blocked host starts nothing until unblocked; others go on. */
static void
test_block_host(void)
{
	struct world w;

	world_init_cfg(&w, (struct sched_config){ .jobs = 4 }, 4);
	world_tasks(&w, 0, 2, 1, 0);
	world_tasks(&w, 2, 4, 2, 0);
	CHECK_INT(sched_block_host(w.sched, "a.example"), 0);
	CHECK_INT(sched_block_host(w.sched, "a.example"), 0);
	submit_range(&w, 0, 4);
	CHECK_INT(w.fakes[2]->starts, 1);
	CHECK_INT(w.fakes[3]->starts, 1);
	CHECK_INT(w.fakes[0]->starts, 0);
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(loop_run(w.loop), 0);
	/* Two blocks: one lifted is not enough. */
	sched_unblock_host(w.sched, "a.example");
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.fakes[0]->starts, 0);
	sched_unblock_host(w.sched, "a.example");
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.fakes[0]->starts, 1);
	CHECK_INT(w.fakes[1]->starts, 1);
	CHECK_INT(sched_hosts(w.sched), 0);
	world_free(&w);
}

/* host_interval spaces one host's starts; the others are not held. */
static double
interval_of(const char *host, void *arg)
{
	(void)arg;
	return host[0] == 'a' ? 0.05 : 0;
}

static void
test_host_interval(void)
{
	struct world w;

	world_init_cfg(&w,
	    (struct sched_config){ .jobs = 4, .host_interval = interval_of },
	    6);
	world_tasks(&w, 0, 3, 1, 0);
	world_tasks(&w, 3, 6, 2, 0);
	submit_range(&w, 0, 6);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 6);
	CHECK(started_at(&w, 1) - started_at(&w, 0) >= 0.05 / 2);
	CHECK(started_at(&w, 2) - started_at(&w, 1) >= 0.05 / 2);
	CHECK(started_at(&w, 5) < started_at(&w, 1));
	world_free(&w);
}

/* Queued, held and running tasks all end; the hold's timer goes too. */
static void
test_cancel_all_mixed(void)
{
	struct world w;
	double	     t0;
	int	     i;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 2, .per_host = 1 }, 6);
	world_tasks(&w, 0, 3, 1, -1);
	world_tasks(&w, 3, 4, 3, -1);
	world_tasks(&w, 4, 6, 2, -1);
	CHECK_INT(sched_hold_host(w.sched, "b.example", loop_now() + 5), 0);
	submit_range(&w, 0, 6);
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.fakes[0]->starts, 1);
	CHECK_INT(w.fakes[3]->starts, 1);
	CHECK_INT(sched_queued(w.sched), 4);
	sched_cancel_all(w.sched, "deadline");
	CHECK_INT(sched_queued(w.sched), 0);
	CHECK_INT(sched_running(w.sched), 0);
	CHECK_INT(sched_ready(w.sched), 0);
	for (i = 0; i < 6; i++) {
		struct future *f = task_future(w.tasks[i]);

		CHECK_INT(future_state(f), FUTURE_CANCELLED);
		CHECK_STR(future_cancel_reason(f), "deadline");
		CHECK_INT(w.fakes[i]->cancels, i == 0 || i == 3);
		CHECK_INT(w.fakes[i]->starts, i == 0 || i == 3);
	}
	/* No timer is left for the 5 s hold: the loop ends at once. */
	t0 = loop_now();
	CHECK_INT(loop_run(w.loop), 0);
	CHECK(loop_now() - t0 < 1.0);
	CHECK_INT(w.n_started, 2);
	CHECK_INT(w.slots, 2);
	CHECK_INT(w.in_flight, 0);
	/* The hold itself is kept (sched_free frees it). */
	CHECK_INT(sched_hosts(w.sched), 1);
	world_free(&w);
}

/* sched_ready: what could start at once if global slots were free. */
static void
test_ready(void)
{
	struct world w;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 1, .per_host = 2 }, 8);
	world_tasks(&w, 0, 5, 1, -1);
	world_tasks(&w, 5, 6, 2, -1);
	world_tasks(&w, 6, 8, 3, -1);
	CHECK_INT(sched_hold_host(w.sched, "c.example", loop_now() + 5), 0);
	submit_range(&w, 0, 8);
	CHECK_INT(w.n_started, 1);
	CHECK_INT(sched_queued(w.sched), 7);
	/* A: 4 queued, room for 1 more; B: 1; C: held. */
	CHECK_INT(sched_ready(w.sched), 2);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);

	world_init_cfg(&w, (struct sched_config){ .jobs = 1 }, 6);
	world_tasks(&w, 0, 4, 1, -1);
	world_tasks(&w, 4, 6, 2, -1);
	submit_range(&w, 0, 6);
	CHECK_INT(sched_ready(w.sched), 5);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 1, .host_rate = 1 }, 6);
	world_tasks(&w, 0, 4, 1, -1);
	world_tasks(&w, 4, 6, 2, -1);
	submit_range(&w, 0, 6);
	/* A started and is spaced; B may start one now. */
	CHECK_INT(sched_ready(w.sched), 1);
	sched_cancel_all(w.sched, "signal");
	CHECK_INT(loop_run(w.loop), 0);
	world_free(&w);
}

static void
nothing(void *arg)
{
	(void)arg;
}

/* Host state goes once nothing about the host matters any more. */
static void
test_host_state_freed(void)
{
	struct world w;

	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 2, .per_host = 1 }, 9);
	world_tasks(&w, 0, 3, 1, 0);
	world_tasks(&w, 3, 6, 2, 0);
	world_tasks(&w, 6, 9, 3, 0);
	submit_range(&w, 0, 9);
	CHECK_INT(sched_hosts(w.sched), 3);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 9);
	CHECK_INT(sched_hosts(w.sched), 0);
	world_free(&w);

	/* Spacing and holds outlive the tasks, then go too. */
	world_init_cfg(
	    &w, (struct sched_config){ .jobs = 4, .host_rate = 20 }, 3);
	world_tasks(&w, 0, 1, 1, 0);
	world_tasks(&w, 1, 2, 2, 0);
	world_tasks(&w, 2, 3, 3, 0);
	submit_range(&w, 0, 3);
	CHECK_INT(sched_hold_host(w.sched, "", loop_now() + 0.03), 0);
	CHECK_INT(sched_hosts(w.sched), 4);
	/* No timer is armed just to drop state: the loop ends. */
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(w.n_started, 3);
	CHECK(loop_call_later(w.loop, 0.06, nothing, NULL) != NULL);
	CHECK_INT(loop_run(w.loop), 0);
	CHECK_INT(sched_ready(w.sched), 0);
	CHECK_INT(sched_hosts(w.sched), 0);
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
	RUN(test_cancelled_head_skipped);
	RUN(test_per_host_three_hosts);
	RUN(test_fairness);
	RUN(test_order_across_hosts);
	RUN(test_rate_spacing);
	RUN(test_host_rate_independent);
	RUN(test_hold_host);
	RUN(test_block_host);
	RUN(test_host_interval);
	RUN(test_cancel_all_mixed);
	RUN(test_ready);
	RUN(test_host_state_freed);
	return harness_result();
}
