/* Unit tests for task, over fake work. */
#include <stdlib.h>

#include "future.h"
#include "harness.h"
#include "loop.h"
#include "task.h"

HARNESS_MAIN;

/* Fake work: counts what the task asked of it. */
struct fake {
	int	    starts;
	int	    cancels;
	const char *cancel_reason;
	int	    fail_start; /* start finishes the task, returns -1 */
	int	    complete_on_cancel; /* cancel finds it done */
	int	   *frees;		/* bumped by fake_free */
	int	    told;		/* fake_cancelled calls */
	const char *told_reason;
};

static int
fake_start(struct task *task, void *data)
{
	struct fake *fk = data;

	fk->starts++;
	if (fk->fail_start) {
		task_done(task);
		return -1;
	}
	return 0;
}

static void
fake_cancel(struct task *task, void *data, const char *reason)
{
	struct fake *fk = data;

	fk->cancels++;
	fk->cancel_reason = reason;
	if (fk->complete_on_cancel)
		task_done(task);
	else
		task_cancelled(task, reason);
}

static void
fake_free(void *data)
{
	struct fake *fk = data;

	if (fk->frees != NULL)
		(*fk->frees)++;
	free(fk);
}

static void
fake_cancelled(void *data, const char *reason)
{
	struct fake *fk = data;

	fk->told++;
	fk->told_reason = reason;
}

static const struct task_ops fake_ops = { fake_start, fake_cancel, fake_free,
	fake_cancelled };

static struct fake *
fake_new(int *frees)
{
	struct fake *fk = calloc(1, sizeof(*fk));

	if (fk != NULL)
		fk->frees = frees;
	return fk;
}

static void
test_start_once(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	CHECK(t != NULL);
	CHECK(task_data(t) == fk);
	CHECK(task_future(t) != NULL);
	CHECK_INT(future_state(task_future(t)), FUTURE_PENDING);
	CHECK_INT(fk->starts, 0);
	CHECK_INT(task_start(t), RT_OK);
	CHECK_INT(fk->starts, 1);
	CHECK_INT(future_state(task_future(t)), FUTURE_RUNNING);
	/* Not pending any more: refused, start not called again. */
	CHECK_INT(task_start(t), RT_ERR_STATE);
	CHECK_INT(fk->starts, 1);
	task_done(t);
	CHECK_INT(future_state(task_future(t)), FUTURE_DONE);
	CHECK_INT(task_start(t), RT_ERR_STATE);
	CHECK_INT(fk->starts, 1);
	task_free(t);
	loop_free(loop);
}

static void
test_start_fails(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	fk->fail_start = 1;
	CHECK_INT(task_start(t), RT_ERR_NOSTART);
	CHECK_INT(fk->starts, 1);
	CHECK_INT(future_state(task_future(t)), FUTURE_DONE);
	task_free(t);
	loop_free(loop);
}

static void
test_cancel_pending(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	CHECK_INT(task_cancel(t, "deadline"), 1);
	/* Never started, so the work is not asked, only told. */
	CHECK_INT(fk->cancels, 0);
	CHECK_INT(fk->starts, 0);
	CHECK_INT(fk->told, 1);
	CHECK_STR(fk->told_reason, "deadline");
	CHECK_INT(future_state(task_future(t)), FUTURE_CANCELLED);
	CHECK_STR(future_cancel_reason(task_future(t)), "deadline");
	/* And it never will start. */
	CHECK_INT(task_start(t), RT_ERR_STATE);
	CHECK_INT(fk->starts, 0);
	CHECK_INT(task_cancel(t, "signal"), 0);
	CHECK_INT(fk->cancels, 0);
	CHECK_INT(fk->told, 1);
	CHECK_STR(future_cancel_reason(task_future(t)), "deadline");
	task_free(t);
	loop_free(loop);
}

static void
test_cancel_running(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	task_start(t);
	CHECK_INT(task_cancel(t, "first"), 1);
	CHECK_INT(fk->cancels, 1);
	CHECK_STR(fk->cancel_reason, "first");
	CHECK_INT(future_state(task_future(t)), FUTURE_CANCELLED);
	CHECK_STR(future_cancel_reason(task_future(t)), "first");
	/* Finished: left alone. */
	CHECK_INT(task_cancel(t, "signal"), 0);
	CHECK_INT(fk->cancels, 1);
	task_free(t);
	loop_free(loop);
}

/* The work may find it had completed after all: done, not cancelled. */
static void
test_cancel_running_completes(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	fk->complete_on_cancel = 1;
	task_start(t);
	CHECK_INT(task_cancel(t, "deadline"), 1);
	CHECK_INT(fk->cancels, 1);
	CHECK_INT(future_state(task_future(t)), FUTURE_DONE);
	CHECK(future_cancel_reason(task_future(t)) == NULL);
	task_free(t);
	loop_free(loop);
}

static void
test_cancel_done(void)
{
	struct loop *loop = loop_new();
	struct fake *fk = fake_new(NULL);
	struct task *t = task_new(loop, &fake_ops, fk);

	task_start(t);
	task_done(t);
	CHECK_INT(task_cancel(t, "deadline"), 0);
	CHECK_INT(fk->cancels, 0);
	CHECK_INT(future_state(task_future(t)), FUTURE_DONE);
	task_free(t);
	loop_free(loop);
}

/*
 * asyncio's "cancel from inside a callback": the done-callback of task a
 * cancels task b (running) and task c (pending). b's and c's callbacks
 * must not run inside a's callback, and must run afterwards.
 */
struct cross {
	struct task *b, *c;
	int	     in_a;
	int	     a_ran;
	int	     b_ran, c_ran;
	int	     b_inline, c_inline;
	int	     b_cancel_rc, c_cancel_rc;
	struct fake *b_fake, *c_fake;
	int	     order[3];
	int	     n;
};

static void
a_done(struct future *future, void *arg)
{
	struct cross *x = arg;

	CHECK_INT(future_state(future), FUTURE_DONE);
	x->in_a = 1;
	x->a_ran = 1;
	x->order[x->n++] = 0;
	x->b_cancel_rc = task_cancel(x->b, "first");
	x->c_cancel_rc = task_cancel(x->c, "first");
	x->in_a = 0;
}

static void
b_done(struct future *future, void *arg)
{
	struct cross *x = arg;

	CHECK_INT(future_state(future), FUTURE_CANCELLED);
	x->b_ran = 1;
	x->b_inline = x->in_a;
	x->order[x->n++] = 1;
}

static void
c_done(struct future *future, void *arg)
{
	struct cross *x = arg;

	CHECK_INT(future_state(future), FUTURE_CANCELLED);
	x->c_ran = 1;
	x->c_inline = x->in_a;
	x->order[x->n++] = 2;
}

static void
test_cancel_from_callback(void)
{
	struct loop *loop = loop_new();
	struct cross x = { 0 };
	struct fake *fa = fake_new(NULL);
	struct task *a = task_new(loop, &fake_ops, fa);

	x.b_fake = fake_new(NULL);
	x.c_fake = fake_new(NULL);
	x.b = task_new(loop, &fake_ops, x.b_fake);
	x.c = task_new(loop, &fake_ops, x.c_fake);
	future_add_done_callback(task_future(a), a_done, &x);
	future_add_done_callback(task_future(x.b), b_done, &x);
	future_add_done_callback(task_future(x.c), c_done, &x);
	task_start(a);
	task_start(x.b);
	task_done(a);
	CHECK_INT(x.a_ran, 0);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(x.a_ran, 1);
	CHECK_INT(x.b_cancel_rc, 1);
	CHECK_INT(x.c_cancel_rc, 1);
	CHECK_INT(x.b_fake->cancels, 1);
	CHECK_INT(x.c_fake->cancels, 0);
	CHECK_INT(x.c_fake->starts, 0);
	CHECK_INT(x.b_ran, 1);
	CHECK_INT(x.c_ran, 1);
	CHECK_INT(x.b_inline, 0);
	CHECK_INT(x.c_inline, 0);
	CHECK_INT(x.n, 3);
	CHECK_INT(x.order[0], 0);
	CHECK_INT(x.order[1], 1);
	CHECK_INT(x.order[2], 2);
	CHECK_STR(future_cancel_reason(task_future(x.b)), "first");
	CHECK_STR(future_cancel_reason(task_future(x.c)), "first");
	task_free(a);
	task_free(x.b);
	task_free(x.c);
	loop_free(loop);
}

/* Sets *arg to 42: proof that a later callback still ran. */
static void
mark_ran(struct future *future, void *arg)
{
	int *rc = arg;

	(void)future;
	*rc = 42;
}

static void
test_free_calls_ops_free(void)
{
	struct loop *loop = loop_new();
	int	     frees = 0;
	struct task *t1 = task_new(loop, &fake_ops, fake_new(&frees));
	struct task *t2 = task_new(loop, &fake_ops, fake_new(&frees));
	static const struct task_ops no_free = { fake_start, fake_cancel, NULL,
		NULL };
	struct fake		     on_stack = { 0 };
	struct task		    *t3 = task_new(loop, &no_free, &on_stack);

	task_start(t1);
	task_done(t1);
	CHECK_INT(frees, 0);
	task_free(t1);
	CHECK_INT(frees, 1);
	/* Freed never started, and freed unfinished: still freed once. */
	task_free(t2);
	CHECK_INT(frees, 2);
	task_free(t3);
	task_free(NULL);
	CHECK_INT(frees, 2);
	CHECK_INT(loop_run(loop), 0);
	loop_free(loop);
}

/* Freed from inside its own done-callback, as the output path does. */
struct self_free {
	struct task *task;
	int	    *frees;
	int	     ran;
};

static void
free_own_task(struct future *future, void *arg)
{
	struct self_free *sf = arg;

	sf->ran = 1;
	task_free(sf->task);
	CHECK_INT(*sf->frees, 1);
	/* The dispatch still holds the future. */
	CHECK_INT(future_state(future), FUTURE_CANCELLED);
}

static void
test_free_in_own_callback(void)
{
	struct loop	*loop = loop_new();
	int		 frees = 0, later = 0;
	struct self_free sf = { NULL, &frees, 0 };

	sf.task = task_new(loop, &fake_ops, fake_new(&frees));
	future_add_done_callback(task_future(sf.task), free_own_task, &sf);
	future_add_done_callback(task_future(sf.task), mark_ran, &later);
	task_start(sf.task);
	task_cancel(sf.task, "signal");
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(sf.ran, 1);
	CHECK_INT(frees, 1);
	CHECK_INT(later, 42);
	loop_free(loop);
}

int
main(void)
{
	RUN(test_start_once);
	RUN(test_start_fails);
	RUN(test_cancel_pending);
	RUN(test_cancel_running);
	RUN(test_cancel_running_completes);
	RUN(test_cancel_done);
	RUN(test_cancel_from_callback);
	RUN(test_free_calls_ops_free);
	RUN(test_free_in_own_callback);
	return harness_result();
}
