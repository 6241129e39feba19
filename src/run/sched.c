#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "future.h"
#include "hostmap.h"
#include "loop.h"
#include "pq.h"
#include "sched.h"
#include "task.h"

/*
 * A node per submitted task. While queued it is on two lists, the global
 * queue (submission order, for sched_cancel_all) and its host's queue;
 * once started, on the global running list only. Lists are doubly linked,
 * so a node leaves in O(1). The node is the argument of the task's
 * done-callback and is freed there; a node that has left every list
 * (cancel_all, or a queued task found finished) is "unlisted" and only
 * waits for that callback.
 */
enum { LINK_ALL, LINK_HOST };

struct node;

struct link {
	struct node *prev, *next;
};

struct list {
	struct node *head, *tail;
	size_t	     count;
	int	     which; /* LINK_ALL or LINK_HOST */
};

struct node {
	struct link   link[2];
	struct sched *sched;
	struct host  *host; /* NULL once unlisted */
	struct task  *task;
	uint64_t      seq;     /* submission order */
	int	      running; /* has been started */
	int	      listed;
};

/*
 * Where a host is. Each host with state is in exactly one place:
 *   READY    in s->ready: work queued, under per_host, its time has come;
 *            keyed by the seq of its first queued task (earliest first).
 *   WAITING  in s->waiting: work queued, under per_host, but held or
 *            spaced by host_rate; keyed by the time it may start.
 *   IDLE     in s->idle: nothing queued or running, but a hold or spacing
 *            still ahead; keyed by when that ends, when it is dropped.
 *   NOWHERE  at its per_host limit with work queued, or running with
 *            nothing queued: only a finish can change that.
 * A host with nothing queued, nothing running and nothing ahead has no
 * entry at all, so state follows active hosts, not all hosts ever seen.
 */
enum where { NOWHERE, READY, WAITING, IDLE };

struct host {
	struct list    queue; /* queued nodes, FIFO */
	size_t	       running;
	double	       next_start; /* host_rate: no start before */
	double	       hold_until; /* sched_hold_host: no start before */
	struct pq_item item;
	enum where     where;
	double	       at; /* heap key: time, then seq */
	uint64_t       seq;
	size_t	       nready; /* share of s->nready while READY */
};

struct sched {
	struct loop	   *loop;
	struct sched_config cfg;
	double		    interval;	   /* 1 / rate, or 0 */
	double		    host_interval; /* 1 / host_rate, or 0 */
	double		    next_start;	   /* rate: no start before */
	struct hostmap	   *hosts;
	struct pq	    ready, waiting, idle;
	struct list	    queue; /* every queued node */
	struct list	    running;
	size_t		    nready; /* see sched_ready() */
	uint64_t	    seq;
	struct loop_timer  *timer; /* at most one */
	double		    timer_at;
	int		    cancelling;
	int		    dispatching;
};

#define HOST_OF_ITEM(it)                                                       \
	((struct host *)(void *)((char *)(it)-offsetof(struct host, item)))

static void
list_init(struct list *l, int which)
{
	l->head = l->tail = NULL;
	l->count = 0;
	l->which = which;
}

static void
list_append(struct list *l, struct node *n)
{
	struct link *k = &n->link[l->which];

	k->next = NULL;
	k->prev = l->tail;
	if (l->tail != NULL)
		l->tail->link[l->which].next = n;
	else
		l->head = n;
	l->tail = n;
	l->count++;
}

static void
list_remove(struct list *l, struct node *n)
{
	struct link *k = &n->link[l->which];

	if (k->prev != NULL)
		k->prev->link[l->which].next = k->next;
	else
		l->head = k->next;
	if (k->next != NULL)
		k->next->link[l->which].prev = k->prev;
	else
		l->tail = k->prev;
	l->count--;
	k->prev = k->next = NULL;
}

/* Heap order for all three heaps: earlier time, then earlier task. */
static int
host_less(const struct pq_item *a, const struct pq_item *b)
{
	const struct host *x = HOST_OF_ITEM(a), *y = HOST_OF_ITEM(b);

	if (x->at != y->at)
		return x->at < y->at;
	return x->seq < y->seq;
}

static struct pq *
heap_of(struct sched *s, enum where where)
{
	switch (where) {
	case READY:
		return &s->ready;
	case WAITING:
		return &s->waiting;
	case IDLE:
		return &s->idle;
	default:
		return NULL;
	}
}

/* The earliest time host may start a task, per_host aside. */
static double
host_time(const struct host *h)
{
	return h->next_start > h->hold_until ? h->next_start : h->hold_until;
}

/* How many more tasks host may run now under per_host. */
static size_t
host_room(const struct sched *s, const struct host *h)
{
	if (s->cfg.per_host == 0)
		return SIZE_MAX;
	return h->running < s->cfg.per_host ? s->cfg.per_host - h->running : 0;
}

/*
 * Returns key's host, creating it in place NOWHERE, or NULL when out of
 * memory. Room in every heap is reserved for every host here, so moving a
 * host between heaps later can never fail. Cost: O(1) average.
 */
static struct host *
host_get(struct sched *s, const char *key)
{
	struct host *h;
	size_t	     n;

	if ((h = hostmap_find(s->hosts, key)) != NULL)
		return h;
	n = hostmap_count(s->hosts) + 1;
	if (pq_reserve(&s->ready, n) == -1 ||
	    pq_reserve(&s->waiting, n) == -1 || pq_reserve(&s->idle, n) == -1 ||
	    (h = hostmap_add(s->hosts, key)) == NULL)
		return NULL;
	list_init(&h->queue, LINK_HOST);
	pq_item_init(&h->item);
	h->where = NOWHERE;
	return h;
}

static void
host_unplace(struct sched *s, struct host *h)
{
	struct pq *heap = heap_of(s, h->where);

	if (heap != NULL)
		pq_remove(heap, &h->item);
	if (h->where == READY)
		s->nready -= h->nready;
	h->where = NOWHERE;
}

/*
 * Puts host where its state says it belongs (see enum where), or drops
 * it when nothing about it matters any more; returns 1 if it was dropped
 * (h is then invalid), else 0. Call after any change to the host's queue,
 * running count, hold or spacing. Cost: O(log H).
 */
static int
host_place(struct sched *s, struct host *h, double now)
{
	size_t	   room = host_room(s, h), nready = 0;
	double	   t = host_time(h), at = 0;
	uint64_t   seq = 0;
	enum where where;

	if (h->queue.count > 0) {
		seq = h->queue.head->seq;
		if (room == 0)
			where = NOWHERE;
		else if (t > now) {
			where = WAITING;
			at = t;
		} else {
			where = READY;
			nready = h->queue.count < room ? h->queue.count : room;
			if (s->host_interval > 0 && nready > 1)
				nready = 1;
		}
	} else if (h->running > 0)
		where = NOWHERE;
	else if (t > now) {
		where = IDLE;
		at = t;
	} else {
		host_unplace(s, h);
		hostmap_remove(s->hosts, h);
		/* Give back heap memory after a crawl over many hosts. */
		(void)pq_reserve(&s->ready, hostmap_count(s->hosts));
		(void)pq_reserve(&s->waiting, hostmap_count(s->hosts));
		(void)pq_reserve(&s->idle, hostmap_count(s->hosts));
		return 1;
	}
	if (where != h->where || at != h->at || seq != h->seq) {
		host_unplace(s, h);
		h->where = where;
		h->at = at;
		h->seq = seq;
		/* Cannot fail: host_get() reserved room. */
		if (heap_of(s, where) != NULL)
			(void)pq_push(heap_of(s, where), &h->item);
	} else if (where == READY)
		s->nready -= h->nready;
	if (where == READY) {
		h->nready = nready;
		s->nready += nready;
	}
	return 0;
}

/*
 * Moves hosts whose wait is over from WAITING to READY, and drops IDLE
 * hosts whose hold and spacing have ended. Cost: O(log H) per host moved.
 */
static void
promote(struct sched *s, double now)
{
	struct pq_item *it;

	while (
	    (it = pq_top(&s->waiting)) != NULL && HOST_OF_ITEM(it)->at <= now)
		host_place(s, HOST_OF_ITEM(it), now);
	while ((it = pq_top(&s->idle)) != NULL && HOST_OF_ITEM(it)->at <= now)
		host_place(s, HOST_OF_ITEM(it), now);
}

/* Takes a queued node off both queues; it only awaits its callback. */
static void
unlist_queued(struct sched *s, struct node *n, double now)
{
	struct host *h = n->host;

	list_remove(&s->queue, n);
	list_remove(&h->queue, n);
	n->listed = 0;
	n->host = NULL;
	host_place(s, h, now);
}

static void
unlist_running(struct sched *s, struct node *n, double now)
{
	struct host *h = n->host;

	list_remove(&s->running, n);
	h->running--;
	n->listed = 0;
	n->host = NULL;
	host_place(s, h, now);
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
		if (pq_top(&s->ready) != NULL)
			want = -INFINITY;
		else if (pq_top(&s->waiting) != NULL)
			want = HOST_OF_ITEM(pq_top(&s->waiting))->at;
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
 * The earliest next start after one at now that was allowed from `slot`.
 * Counting from the allowed time, not from now, keeps the average rate
 * exact although the timer always fires a little late (libevent rounds
 * its wait up to the millisecond, and a turn may be busy). Catching up is
 * bounded: two starts are never closer than half an interval, and a stall
 * longer than that is not made up with a burst.
 */
static double
next_slot(double slot, double now, double interval)
{
	double next = slot + interval;

	if (now - slot >= interval)
		return now + interval;
	return next > now + interval / 2 ? next : now + interval / 2;
}

/*
 * Starts the first queued task of host h. Every list, count and heap is
 * updated before task_start(), so the work may call back in.
 */
static void
start(struct sched *s, struct host *h, double now)
{
	struct node *n = h->queue.head;

	list_remove(&s->queue, n);
	list_remove(&h->queue, n);
	list_append(&s->running, n);
	n->running = 1;
	h->running++;
	if (s->host_interval > 0)
		h->next_start = next_slot(h->next_start, now, s->host_interval);
	if (s->interval > 0)
		s->next_start = next_slot(s->next_start, now, s->interval);
	host_place(s, h, now);
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
	struct pq_item *it;
	struct host    *h;
	size_t		started = 0;
	double		now;

	if (s->cancelling || s->dispatching)
		return 0;
	s->dispatching = 1;
	now = loop_now();
	promote(s, now);
	while (s->running.count < s->cfg.jobs &&
	    (it = pq_top(&s->ready)) != NULL) {
		if (s->interval > 0 && now < s->next_start)
			break;
		h = HOST_OF_ITEM(it);
		/* Cancelled while queued, callback not yet run: skip it. */
		if (future_finished(task_future(h->queue.head->task))) {
			unlist_queued(s, h->queue.head, now);
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
	if ((s->hosts = hostmap_new(sizeof(struct host))) == NULL) {
		free(s);
		return NULL;
	}
	s->loop = loop;
	s->cfg = *cfg;
	s->interval = cfg->rate > 0 ? 1 / cfg->rate : 0;
	s->host_interval = cfg->host_rate > 0 ? 1 / cfg->host_rate : 0;
	pq_init(&s->ready, host_less);
	pq_init(&s->waiting, host_less);
	pq_init(&s->idle, host_less);
	list_init(&s->queue, LINK_ALL);
	list_init(&s->running, LINK_ALL);
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	loop_timer_cancel(s->timer);
	hostmap_free(s->hosts);
	pq_free(&s->ready);
	pq_free(&s->waiting);
	pq_free(&s->idle);
	free(s);
}

int
sched_submit(struct sched *s, struct task *task)
{
	const char  *key = NULL;
	struct host *h;
	struct node *n;

	if (s->cfg.host_of != NULL)
		key = s->cfg.host_of(task);
	if ((h = host_get(s, key != NULL ? key : "")) == NULL)
		return -1;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    future_add_done_callback(task_future(task), on_finished, n) == -1) {
		free(n);
		/* A host just made for this task is dropped again. */
		host_place(s, h, loop_now());
		return -1;
	}
	n->sched = s;
	n->host = h;
	n->task = task;
	n->seq = s->seq++;
	n->listed = 1;
	list_append(&s->queue, n);
	list_append(&h->queue, n);
	host_place(s, h, loop_now());
	dispatch(s);
	return 0;
}

int
sched_hold_host(struct sched *s, const char *host, double until)
{
	double	     now = loop_now();
	struct host *h;

	/* A hold that is over already changes nothing. */
	if (!(until > now))
		return 0;
	if ((h = host_get(s, host != NULL ? host : "")) == NULL)
		return -1;
	if (until > h->hold_until)
		h->hold_until = until;
	host_place(s, h, now);
	arm_timer(s);
	return 0;
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

size_t
sched_ready(struct sched *s)
{
	if (!s->dispatching) {
		promote(s, loop_now());
		/* Hosts now READY with a slot free start on the timer. */
		arm_timer(s);
	}
	return s->nready;
}

size_t
sched_hosts(const struct sched *s)
{
	return hostmap_count(s->hosts);
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
