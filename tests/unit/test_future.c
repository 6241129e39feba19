/* Unit tests for future: states, scheduled callbacks, references. */
#include <stddef.h>

#include "future.h"
#include "harness.h"
#include "loop.h"

HARNESS_MAIN;

/* What the callbacks saw, in call order. */
struct seen {
	int		  order[16];
	enum future_state state[16];
	size_t		  n;
};

struct cb_arg {
	struct seen *seen;
	int	     id;
};

static void
record_cb(struct future *future, void *arg)
{
	struct cb_arg *a = arg;

	if (a->seen->n < 16) {
		a->seen->order[a->seen->n] = a->id;
		a->seen->state[a->seen->n] = future_state(future);
	}
	a->seen->n++;
}

static void
test_state_names(void)
{
	CHECK_STR(future_state_name(FUTURE_PENDING), "pending");
	CHECK_STR(future_state_name(FUTURE_RUNNING), "running");
	CHECK_STR(future_state_name(FUTURE_DONE), "done");
	CHECK_STR(future_state_name(FUTURE_CANCELLED), "cancelled");
}

static void
test_pending_running_done(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);

	CHECK(f != NULL);
	CHECK_INT(future_state(f), FUTURE_PENDING);
	CHECK_INT(future_finished(f), 0);
	CHECK(future_cancel_reason(f) == NULL);
	CHECK_INT(future_set_running(f), 0);
	CHECK_INT(future_state(f), FUTURE_RUNNING);
	CHECK_INT(future_finished(f), 0);
	/* Only a pending future may start running. */
	CHECK_INT(future_set_running(f), RT_ERR_STATE);
	CHECK_INT(future_set_done(f), 0);
	CHECK_INT(future_state(f), FUTURE_DONE);
	CHECK_INT(future_finished(f), 1);
	CHECK(future_cancel_reason(f) == NULL);
	/* Final: nothing changes it any more. */
	CHECK_INT(future_set_done(f), RT_ERR_STATE);
	CHECK_INT(future_cancel(f, "late"), RT_ERR_STATE);
	CHECK_INT(future_set_running(f), RT_ERR_STATE);
	CHECK_INT(future_state(f), FUTURE_DONE);
	CHECK(future_cancel_reason(f) == NULL);
	future_unref(f);
	future_unref(NULL);
	loop_free(loop);
}

static void
test_pending_done(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);

	CHECK_INT(future_set_done(f), 0);
	CHECK_INT(future_state(f), FUTURE_DONE);
	future_unref(f);
	loop_free(loop);
}

static void
test_pending_cancelled(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);

	CHECK_INT(future_cancel(f, "deadline"), 0);
	CHECK_INT(future_state(f), FUTURE_CANCELLED);
	CHECK_INT(future_finished(f), 1);
	CHECK_STR(future_cancel_reason(f), "deadline");
	CHECK_INT(future_cancel(f, "signal"), RT_ERR_STATE);
	CHECK_INT(future_set_done(f), RT_ERR_STATE);
	CHECK_INT(future_set_running(f), RT_ERR_STATE);
	CHECK_INT(future_state(f), FUTURE_CANCELLED);
	/* The first reason is kept. */
	CHECK_STR(future_cancel_reason(f), "deadline");
	future_unref(f);
	loop_free(loop);
}

static void
test_running_cancelled(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);

	CHECK_INT(future_set_running(f), 0);
	CHECK_INT(future_cancel(f, "first"), 0);
	CHECK_INT(future_state(f), FUTURE_CANCELLED);
	CHECK_STR(future_cancel_reason(f), "first");
	CHECK_INT(future_set_done(f), RT_ERR_STATE);
	CHECK_INT(future_state(f), FUTURE_CANCELLED);
	future_unref(f);
	loop_free(loop);
}

static void
test_callbacks_not_inline(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a = { &seen, 1 };

	CHECK_INT(future_add_done_callback(f, record_cb, &a), 0);
	CHECK_INT(future_set_running(f), 0);
	CHECK_INT(seen.n, 0);
	CHECK_INT(future_set_done(f), 0);
	/* Scheduled, not run: the caller is not re-entered. */
	CHECK_INT(seen.n, 0);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.order[0], 1);
	CHECK_INT(seen.state[0], FUTURE_DONE);
	future_unref(f);
	loop_free(loop);
}

static void
test_cancel_callbacks_not_inline(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a = { &seen, 1 };

	CHECK_INT(future_add_done_callback(f, record_cb, &a), 0);
	CHECK_INT(future_cancel(f, "signal"), 0);
	CHECK_INT(seen.n, 0);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.state[0], FUTURE_CANCELLED);
	future_unref(f);
	loop_free(loop);
}

static void
test_callback_order(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a[5];
	int	       i;

	for (i = 0; i < 5; i++) {
		a[i] = (struct cb_arg){ &seen, i };
		CHECK_INT(future_add_done_callback(f, record_cb, &a[i]), 0);
	}
	future_set_done(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 5);
	for (i = 0; i < 5; i++)
		CHECK_INT(seen.order[i], i);
	/* They ran once: another run of the loop calls nothing. */
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 5);
	future_unref(f);
	loop_free(loop);
}

static void
test_callback_after_finish(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a = { &seen, 1 }, b = { &seen, 2 };

	future_set_done(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(future_add_done_callback(f, record_cb, &a), 0);
	/* Scheduled at once, still not inline. */
	CHECK_INT(seen.n, 0);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.order[0], 1);
	CHECK_INT(future_add_done_callback(f, record_cb, &b), 0);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 2);
	CHECK_INT(seen.order[1], 2);
	future_unref(f);
	loop_free(loop);
}

/* Drops the last outside reference from inside a callback. */
struct dropper {
	struct future *future;
	struct seen   *seen;
	int	       ran;
};

static void
drop_cb(struct future *future, void *arg)
{
	struct dropper *d = arg;

	d->ran = 1;
	future_unref(d->future);
	d->future = NULL;
	/* Still alive for the rest of the dispatch: ASan would say. */
	CHECK_INT(future_state(future), FUTURE_DONE);
}

static void
test_unref_in_callback(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct dropper d = { f, &seen, 0 };
	struct cb_arg  after = { &seen, 9 };

	CHECK_INT(future_add_done_callback(f, drop_cb, &d), 0);
	/* A callback after the drop still runs, on the surviving future. */
	CHECK_INT(future_add_done_callback(f, record_cb, &after), 0);
	future_set_done(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(d.ran, 1);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.order[0], 9);
	CHECK_INT(seen.state[0], FUTURE_DONE);
	loop_free(loop);
}

/* An extra reference outlives the dispatch, and the callbacks' own. */
static void
test_refcount(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a = { &seen, 1 };

	future_ref(f);
	future_add_done_callback(f, record_cb, &a);
	future_cancel(f, "deadline");
	future_unref(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 1);
	CHECK_STR(future_cancel_reason(f), "deadline");
	future_unref(f);
	loop_free(loop);
}

/* Freed unfinished with callbacks registered: they are dropped, no leak. */
static void
test_free_unfinished(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a = { &seen, 1 };

	future_add_done_callback(f, record_cb, &a);
	future_unref(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 0);
	loop_free(loop);
}

/* A callback that adds another callback to the same future. */
struct adder {
	struct seen  *seen;
	struct cb_arg added;
	int	      ran;
};

static void
add_cb(struct future *future, void *arg)
{
	struct adder *ad = arg;

	ad->ran = 1;
	CHECK_INT(ad->seen->n, 0);
	CHECK_INT(future_add_done_callback(future, record_cb, &ad->added), 0);
	/* Not inline even now. */
	CHECK_INT(ad->seen->n, 0);
}

static void
test_callback_adds_callback(void)
{
	struct loop   *loop = loop_new();
	struct future *f = future_new(loop);
	struct seen    seen = { 0 };
	struct adder   ad = { &seen, { &seen, 2 }, 0 };
	struct cb_arg  second = { &seen, 1 };

	future_add_done_callback(f, add_cb, &ad);
	future_add_done_callback(f, record_cb, &second);
	future_set_done(f);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(ad.ran, 1);
	/* The one added runs after those already registered. */
	CHECK_INT(seen.n, 2);
	CHECK_INT(seen.order[0], 1);
	CHECK_INT(seen.order[1], 2);
	future_unref(f);
	loop_free(loop);
}

/* Adds to its own future and drops the last reference in the same call. */
struct adder_dropper {
	struct future *future;
	struct seen   *seen;
	struct cb_arg  added;
};

static void
add_and_drop_cb(struct future *future, void *arg)
{
	struct adder_dropper *ad = arg;

	future_add_done_callback(future, record_cb, &ad->added);
	future_unref(ad->future);
	ad->future = NULL;
}

static void
test_callback_adds_and_drops(void)
{
	struct loop	    *loop = loop_new();
	struct future	    *f = future_new(loop);
	struct seen	     seen = { 0 };
	struct adder_dropper ad = { f, &seen, { &seen, 3 } };

	future_add_done_callback(f, add_and_drop_cb, &ad);
	future_cancel(f, "first");
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.order[0], 3);
	CHECK_INT(seen.state[0], FUTURE_CANCELLED);
	loop_free(loop);
}

/* Two futures finished in turn dispatch in the order they finished. */
static void
test_two_futures_order(void)
{
	struct loop   *loop = loop_new();
	struct future *f1 = future_new(loop), *f2 = future_new(loop);
	struct seen    seen = { 0 };
	struct cb_arg  a1 = { &seen, 1 }, a2 = { &seen, 2 };

	future_add_done_callback(f1, record_cb, &a1);
	future_add_done_callback(f2, record_cb, &a2);
	future_set_done(f2);
	future_set_done(f1);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(seen.n, 2);
	CHECK_INT(seen.order[0], 2);
	CHECK_INT(seen.order[1], 1);
	future_unref(f1);
	future_unref(f2);
	loop_free(loop);
}

int
main(void)
{
	RUN(test_state_names);
	RUN(test_pending_running_done);
	RUN(test_pending_done);
	RUN(test_pending_cancelled);
	RUN(test_running_cancelled);
	RUN(test_callbacks_not_inline);
	RUN(test_cancel_callbacks_not_inline);
	RUN(test_callback_order);
	RUN(test_callback_after_finish);
	RUN(test_unref_in_callback);
	RUN(test_refcount);
	RUN(test_free_unfinished);
	RUN(test_callback_adds_callback);
	RUN(test_callback_adds_and_drops);
	RUN(test_two_futures_order);
	return harness_result();
}
