/*
 * sched: when each task starts. It owns a node per submitted task, the
 * global queue and running list, the global slots and rate, and the one
 * timer; which host goes next is hostq's. app submits tasks and asks how
 * many could start; the task's done-callback gives its slot back.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "future.h"
#include "hostq.h"
#include "loop.h"
#include "sched.h"
#include "task.h"

/*
 * A node per submitted task. While queued it is on two lists, the global
 * queue (submission order, for sched_cancel_all) and its host's queue
 * (in hostq); once started, on the global running list only. Lists are
 * doubly linked, so a node leaves in O(1). The node is the argument of
 * the task's done-callback and is freed there; a node that has left every
 * list (cancel_all, or a queued task found finished) is "unlisted" and
 * only waits for that callback.
 */
struct node;

struct list {
	struct node *head, *tail;
	size_t	     count;
};

struct node {
	struct node	 *prev, *next; /* on the global queue or running */
	struct hostq_item item;	       /* on its host's queue */
	struct sched	 *sched;
	struct host	 *host; /* NULL once unlisted */
	struct task	 *task;
	int		  running; /* has been started */
	int		  listed;
};

struct sched {
	struct loop	   *loop;
	struct sched_config cfg;
	double		    interval;	/* 1 / rate, or 0 */
	double		    next_start; /* rate: no start before */
	struct hostq	   *hosts;
	struct list	    queue; /* every queued node */
	struct list	    running;
	uint64_t	    seq;
	struct loop_timer  *timer; /* at most one */
	double		    timer_at;
	int		    cancelling;
	int		    dispatching;
};

#define NODE_OF_ITEM(it)                                                       \
	((struct node *)(void *)((char *)(it)-offsetof(struct node, item)))

static void
list_append(struct list *l, struct node *n)
{
	n->next = NULL;
	n->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	l->count++;
}

static void
list_remove(struct list *l, struct node *n)
{
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	l->count--;
	n->prev = n->next = NULL;
}

/* Takes a queued node off both queues; it only awaits its callback. */
static void
unlist_queued(struct sched *s, struct node *n, double now)
{
	struct host *h = n->host;

	list_remove(&s->queue, n);
	n->listed = 0;
	n->host = NULL;
	hostq_unqueue(s->hosts, h, &n->item, now);
}

static void
unlist_running(struct sched *s, struct node *n, double now)
{
	struct host *h = n->host;

	list_remove(&s->running, n);
	n->listed = 0;
	n->host = NULL;
	hostq_finish(s->hosts, h, now);
}

static void on_timer(void *);

/*
 * Keeps the one timer armed for the earliest time a task could start, if
 * a global slot is free and nothing can start before then; else disarms
 * it. A timer that fires early only leads to a dispatch that re-arms.
 */
static void
arm_timer(struct sched *s)
{
	double want = INFINITY;

	if (s->dispatching)
		return;
	if (s->running.count < s->cfg.jobs) {
		if (hostq_first_ready(s->hosts) != NULL)
			want = -INFINITY;
		else
			want = hostq_next_wait(s->hosts);
		if (want != INFINITY && s->interval > 0 && s->next_start > want)
			want = s->next_start;
	}
	if (s->timer != NULL && (want == INFINITY || want != s->timer_at)) {
		loop_timer_cancel(s->timer);
		s->timer = NULL;
	}
	if (want == INFINITY || s->timer != NULL)
		return;
	/*
	 * Out of memory, work stalls until the next submit or finish: there
	 * is no one to tell from here.
	 */
	s->timer = loop_call_later(s->loop, want - loop_now(), on_timer, s);
	s->timer_at = want;
}

/*
 * Starts the first queued task of host h. Every list, count and heap is
 * updated before task_start(), so the work may call back in.
 */
static void
start(struct sched *s, struct host *h, double now)
{
	struct node *n = NODE_OF_ITEM(hostq_start(s->hosts, h, now));

	list_remove(&s->queue, n);
	list_append(&s->running, n);
	n->running = 1;
	if (s->interval > 0)
		s->next_start =
		    hostq_next_slot(s->next_start, now, s->interval);
	/* A task that fails to start is finished already: no matter. */
	task_start(n->task);
}

/*
 * Starts what may start now: while a global slot is free and the global
 * rate allows, the first task of the READY host whose first task is
 * oldest. Returns the number started. Cost: O(log H) per start.
 */
static size_t
dispatch(struct sched *s)
{
	struct host *h;
	struct node *n;
	size_t	     started = 0;
	double	     now;

	if (s->cancelling || s->dispatching)
		return 0;
	s->dispatching = 1;
	now = loop_now();
	hostq_promote(s->hosts, now);
	while (s->running.count < s->cfg.jobs &&
	    (h = hostq_first_ready(s->hosts)) != NULL) {
		if (s->interval > 0 && now < s->next_start)
			break;
		/* Cancelled while queued, callback not yet run: skip it. */
		n = NODE_OF_ITEM(hostq_head(h));
		if (future_finished(task_future(n->task))) {
			unlist_queued(s, n, now);
			continue;
		}
		start(s, h, now);
		started++;
		now = loop_now();
	}
	s->dispatching = 0;
	arm_timer(s);
	return started;
}

static void
on_timer(void *arg)
{
	struct sched *s = arg;

	s->timer = NULL;
	if (dispatch(s) > 0 && s->cfg.on_slot != NULL)
		s->cfg.on_slot(s->cfg.arg);
}

static void
on_finished(struct future *future, void *arg)
{
	struct node  *n = arg;
	struct sched *s = n->sched;
	int	      was_running = n->running;

	(void)future;
	if (n->listed) {
		if (n->running)
			unlist_running(s, n, loop_now());
		else
			unlist_queued(s, n, loop_now());
	}
	free(n);
	if (was_running) {
		dispatch(s);
		if (s->cfg.on_slot != NULL)
			s->cfg.on_slot(s->cfg.arg);
	}
}

struct sched *
sched_new(struct loop *loop, const struct sched_config *cfg)
{
	struct sched *s;

	if (cfg->jobs == 0 || !(cfg->rate >= 0) || !(cfg->host_rate >= 0))
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->hosts = hostq_new(cfg->per_host,
		 cfg->host_rate > 0 ? 1 / cfg->host_rate : 0,
		 cfg->host_interval, cfg->arg)) == NULL) {
		free(s);
		return NULL;
	}
	s->loop = loop;
	s->cfg = *cfg;
	s->interval = cfg->rate > 0 ? 1 / cfg->rate : 0;
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	loop_timer_cancel(s->timer);
	hostq_free(s->hosts);
	free(s);
}

enum run_err
sched_submit(struct sched *s, struct task *task)
{
	const char  *key = NULL;
	struct host *h;
	struct node *n;

	if (s->cfg.host_of != NULL)
		key = s->cfg.host_of(task);
	if ((h = hostq_get(s->hosts, key != NULL ? key : "")) == NULL)
		return RUN_ERR_NOMEM;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    future_add_done_callback(task_future(task), on_finished, n) !=
		RT_OK) {
		free(n);
		/* A host just made for this task is dropped again. */
		hostq_settle(s->hosts, h, loop_now());
		return RUN_ERR_NOMEM;
	}
	n->sched = s;
	n->host = h;
	n->task = task;
	n->item.seq = s->seq++;
	n->listed = 1;
	list_append(&s->queue, n);
	hostq_push(s->hosts, h, &n->item, loop_now());
	dispatch(s);
	return RUN_OK;
}

enum run_err
sched_hold_host(struct sched *s, const char *host, double until)
{
	double now = loop_now();

	/* A hold that is over already changes nothing. */
	if (!(until > now))
		return RUN_OK;
	if (hostq_hold(s->hosts, host != NULL ? host : "", until, now) == -1)
		return RUN_ERR_NOMEM;
	arm_timer(s);
	return RUN_OK;
}

enum run_err
sched_block_host(struct sched *s, const char *host)
{
	if (hostq_block(s->hosts, host != NULL ? host : "", loop_now()) == -1)
		return RUN_ERR_NOMEM;
	arm_timer(s);
	return RUN_OK;
}

void
sched_unblock_host(struct sched *s, const char *host)
{
	hostq_unblock(s->hosts, host != NULL ? host : "", loop_now());
	arm_timer(s);
}

void
sched_host_changed(struct sched *s, const char *host)
{
	hostq_refresh(s->hosts, host != NULL ? host : "", loop_now());
	arm_timer(s);
}

size_t
sched_queued(const struct sched *s)
{
	return s->queue.count;
}

size_t
sched_running(const struct sched *s)
{
	return s->running.count;
}

/*
 * Hosts whose wait is over are counted without being moved: the timer
 * (armed for the earliest wait whenever a slot is free) or the next
 * dispatch moves them, so asking changes nothing.
 */
size_t
sched_ready(const struct sched *s)
{
	return hostq_ready(s->hosts, loop_now());
}

size_t
sched_hosts(const struct sched *s)
{
	return hostq_count(s->hosts, loop_now());
}

void
sched_cancel_all(struct sched *s, const char *reason)
{
	struct node *n;
	double	     now = loop_now();

	s->cancelling = 1;
	while ((n = s->queue.head) != NULL) {
		unlist_queued(s, n, now);
		task_cancel(n->task, reason);
	}
	while ((n = s->running.head) != NULL) {
		unlist_running(s, n, now);
		task_cancel(n->task, reason);
	}
	s->cancelling = 0;
	arm_timer(s);
}
