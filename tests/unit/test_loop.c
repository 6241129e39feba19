/* Unit tests for loop: call_soon order and turns, timers, stop. */
#include <stddef.h>

#include "harness.h"
#include "loop.h"

HARNESS_MAIN;

/* A log of small integers that callbacks append to, in call order. */
struct log {
	struct loop *loop;
	int	     seen[2048];
	size_t	     n;
};

struct entry {
	struct log *log;
	int	    value;
	int	    stop; /* stop the loop after logging */
};

static void
log_value(void *arg)
{
	struct entry *e = arg;

	if (e->log->n < sizeof(e->log->seen) / sizeof(e->log->seen[0]))
		e->log->seen[e->log->n] = e->value;
	e->log->n++;
	if (e->stop)
		loop_stop(e->log->loop);
}

static void
test_new_free(void)
{
	struct loop *loop = loop_new();

	CHECK(loop != NULL);
	CHECK(loop_base(loop) != NULL);
	/* Nothing to wait for: loop_run returns at once. */
	CHECK_INT(loop_run(loop), 0);
	loop_free(loop);
	loop_free(NULL);
}

static void
test_call_soon_fifo(void)
{
	struct log   log = { 0 };
	struct entry e[5];
	int	     i;

	log.loop = loop_new();
	for (i = 0; i < 5; i++) {
		e[i] = (struct entry){ &log, i, 0 };
		CHECK_INT(loop_call_soon(log.loop, log_value, &e[i]), 0);
	}
	/* Never inline. */
	CHECK_INT(log.n, 0);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 5);
	for (i = 0; i < 5; i++)
		CHECK_INT(log.seen[i], i);
	loop_free(log.loop);
}

/*
 * A callback that reschedules itself a number of times; on its first call
 * it also starts a zero-delay timer. The timer must get its turn while
 * the rescheduling goes on: call_soon callbacks queued from inside a
 * callback wait for a later turn of the loop.
 */
struct spin {
	struct loop	  *loop;
	int		   count;
	int		   limit;
	int		   timer_fired;
	int		   count_at_timer;
	struct loop_timer *timer;
};

static void
spin_timer(void *arg)
{
	struct spin *sp = arg;

	sp->timer_fired = 1;
	sp->timer = NULL;
	sp->count_at_timer = sp->count;
}

static void
spin_step(void *arg)
{
	struct spin *sp = arg;

	if (sp->count == 0)
		sp->timer = loop_call_later(sp->loop, 0, spin_timer, sp);
	if (++sp->count < sp->limit)
		loop_call_soon(sp->loop, spin_step, sp);
	else
		loop_stop(sp->loop);
}

static void
test_resched_not_same_batch(void)
{
	struct spin sp = { 0 };

	sp.loop = loop_new();
	sp.limit = 1000;
	CHECK_INT(loop_call_soon(sp.loop, spin_step, &sp), 0);
	CHECK_INT(loop_run(sp.loop), 0);
	CHECK_INT(sp.count, 1000);
	CHECK_INT(sp.timer_fired, 1);
	CHECK(sp.count_at_timer > 0);
	CHECK(sp.count_at_timer < 1000);
	loop_timer_cancel(sp.timer);
	loop_free(sp.loop);
}

/* Entries queued by a callback run after the whole current batch. */
struct batch {
	struct log  *log;
	struct entry later;
};

static void
queue_later(void *arg)
{
	struct batch *b = arg;

	b->log->seen[b->log->n++] = 100;
	loop_call_soon(b->log->loop, log_value, &b->later);
}

static void
test_resched_runs_after_batch(void)
{
	struct log   log = { 0 };
	struct batch b;
	struct entry e[2];

	log.loop = loop_new();
	b.log = &log;
	b.later = (struct entry){ &log, 200, 0 };
	e[0] = (struct entry){ &log, 1, 0 };
	e[1] = (struct entry){ &log, 2, 0 };
	loop_call_soon(log.loop, queue_later, &b);
	loop_call_soon(log.loop, log_value, &e[0]);
	loop_call_soon(log.loop, log_value, &e[1]);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 4);
	CHECK_INT(log.seen[0], 100);
	CHECK_INT(log.seen[1], 1);
	CHECK_INT(log.seen[2], 2);
	CHECK_INT(log.seen[3], 200);
	loop_free(log.loop);
}

static void
test_call_later_order(void)
{
	struct log   log = { 0 };
	struct entry e[3];

	log.loop = loop_new();
	/* Added out of order; they fire by delay, the last one stops. */
	e[0] = (struct entry){ &log, 20, 1 };
	e[1] = (struct entry){ &log, 0, 0 };
	e[2] = (struct entry){ &log, 10, 0 };
	CHECK(loop_call_later(log.loop, 0.02, log_value, &e[0]) != NULL);
	CHECK(loop_call_later(log.loop, 0, log_value, &e[1]) != NULL);
	CHECK(loop_call_later(log.loop, 0.01, log_value, &e[2]) != NULL);
	CHECK_INT(log.n, 0);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 3);
	CHECK_INT(log.seen[0], 0);
	CHECK_INT(log.seen[1], 10);
	CHECK_INT(log.seen[2], 20);
	loop_free(log.loop);
}

static void
test_call_later_negative(void)
{
	struct log   log = { 0 };
	struct entry e = { &log, 7, 0 };

	log.loop = loop_new();
	/* Negative means 0; the loop ends when nothing is left. */
	CHECK(loop_call_later(log.loop, -5, log_value, &e) != NULL);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 1);
	CHECK_INT(log.seen[0], 7);
	loop_free(log.loop);
}

static void
test_timer_cancel(void)
{
	struct log	   log = { 0 };
	struct entry	   cancelled = { &log, 1, 0 };
	struct entry	   last = { &log, 2, 1 };
	struct loop_timer *t;

	log.loop = loop_new();
	t = loop_call_later(log.loop, 0.01, log_value, &cancelled);
	CHECK(t != NULL);
	CHECK(loop_call_later(log.loop, 0.02, log_value, &last) != NULL);
	loop_timer_cancel(t);
	loop_timer_cancel(NULL);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 1);
	CHECK_INT(log.seen[0], 2);
	loop_free(log.loop);
}

/* Stops the loop and queues one more entry, which belongs to a later turn. */
struct stopper {
	struct log  *log;
	struct entry next;
	int	     ran;
};

static void
stop_and_queue(void *arg)
{
	struct stopper *st = arg;

	st->ran = 1;
	loop_call_soon(st->log->loop, log_value, &st->next);
	loop_stop(st->log->loop);
}

static void
test_stop(void)
{
	struct log	   log = { 0 };
	struct stopper	   st = { 0 };
	struct entry	   never = { &log, 99, 0 };
	struct loop_timer *far;

	log.loop = loop_new();
	st.log = &log;
	st.next = (struct entry){ &log, 5, 0 };
	/* Without the stop, loop_run would wait a minute for this timer. */
	far = loop_call_later(log.loop, 60, log_value, &never);
	CHECK(far != NULL);
	loop_call_soon(log.loop, stop_and_queue, &st);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(st.ran, 1);
	CHECK_INT(log.n, 0);
	/* The queued entry is still there for the next run. */
	loop_timer_cancel(far);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 1);
	CHECK_INT(log.seen[0], 5);
	loop_free(log.loop);
}

/* Dropped without running: loop_free must not leak or call them. */
static void
test_free_with_queued(void)
{
	struct log   log = { 0 };
	struct entry e = { &log, 1, 0 };
	int	     i;

	log.loop = loop_new();
	for (i = 0; i < 100; i++)
		loop_call_soon(log.loop, log_value, &e);
	loop_free(log.loop);
	CHECK_INT(log.n, 0);
}

static void
test_ring_growth(void)
{
	struct log   log = { 0 };
	struct entry e[1000];
	int	     i, ok = 1;

	log.loop = loop_new();
	for (i = 0; i < 1000; i++) {
		e[i] = (struct entry){ &log, i, 0 };
		if (loop_call_soon(log.loop, log_value, &e[i]) != RT_OK)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 1000);
	for (i = 0; i < 1000 && log.seen[i] == i; i++)
		;
	CHECK_INT(i, 1000);
	loop_free(log.loop);
}

/*
 * Growth while the ring has wrapped: run part of a batch, so head is past
 * the start, then queue past the capacity from inside a callback.
 */
struct wrap {
	struct log  *log;
	struct entry more[200];
};

static void
queue_many(void *arg)
{
	struct wrap *w = arg;
	int	     i;

	for (i = 0; i < 200; i++) {
		w->more[i] = (struct entry){ w->log, 1000 + i, 0 };
		loop_call_soon(w->log->loop, log_value, &w->more[i]);
	}
}

static void
test_ring_growth_wrapped(void)
{
	struct log   log = { 0 };
	struct wrap  w;
	struct entry e[60];
	int	     i, ok = 1;

	log.loop = loop_new();
	w.log = &log;
	for (i = 0; i < 30; i++) {
		e[i] = (struct entry){ &log, i, 0 };
		loop_call_soon(log.loop, log_value, &e[i]);
	}
	loop_call_soon(log.loop, queue_many, &w);
	for (i = 30; i < 60; i++) {
		e[i] = (struct entry){ &log, i, 0 };
		loop_call_soon(log.loop, log_value, &e[i]);
	}
	CHECK_INT(loop_run(log.loop), 0);
	CHECK_INT(log.n, 260);
	for (i = 0; i < 60; i++)
		if (log.seen[i] != i)
			ok = 0;
	for (i = 0; i < 200; i++)
		if (log.seen[60 + i] != 1000 + i)
			ok = 0;
	CHECK(ok);
	loop_free(log.loop);
}

static void
test_now(void)
{
	double a = loop_now(), b = loop_now();

	CHECK(a > 0);
	CHECK(b >= a);
}

/* Queues one more entry until a count is reached. */
struct chain {
	struct loop *loop;
	int	     n, limit;
};

static void
chain_step(void *arg)
{
	struct chain *c = arg;

	if (++c->n < c->limit)
		(void)loop_call_soon(c->loop, chain_step, c);
}

static void
test_run_queued(void)
{
	struct log	   log = { 0 };
	struct entry	   e[3];
	struct chain	   c = { 0 }, forever = { 0 };
	struct loop_timer *timer;
	int		   i;

	log.loop = loop_new();
	for (i = 0; i < 3; i++) {
		e[i] = (struct entry){ &log, i, 0 };
		CHECK_INT(loop_call_soon(log.loop, log_value, &e[i]), 0);
	}
	c = (struct chain){ log.loop, 0, 5 };
	CHECK_INT(loop_call_soon(log.loop, chain_step, &c), 0);
	/* A timer is not run, however short. */
	timer = loop_call_later(log.loop, 0, log_value, &e[2]);
	CHECK(timer != NULL);
	loop_run_queued(log.loop);
	CHECK_INT(log.n, 3);
	for (i = 0; i < 3; i++)
		CHECK_INT(log.seen[i], i);
	/* What the entries queue runs too, in the same call. */
	CHECK_INT(c.n, 5);
	/* An entry that never stops queueing is given up on. */
	forever = (struct chain){ log.loop, 0, 1 << 30 };
	CHECK_INT(loop_call_soon(log.loop, chain_step, &forever), 0);
	loop_run_queued(log.loop);
	CHECK_INT(forever.n, LOOP_QUEUED_PASSES);
	loop_timer_cancel(timer);
	loop_free(log.loop);
}

int
main(void)
{
	RUN(test_new_free);
	RUN(test_call_soon_fifo);
	RUN(test_resched_not_same_batch);
	RUN(test_resched_runs_after_batch);
	RUN(test_call_later_order);
	RUN(test_call_later_negative);
	RUN(test_timer_cancel);
	RUN(test_stop);
	RUN(test_free_with_queued);
	RUN(test_ring_growth);
	RUN(test_ring_growth_wrapped);
	RUN(test_now);
	RUN(test_run_queued);
	return harness_result();
}
