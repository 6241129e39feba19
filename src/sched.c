#include <stdlib.h>

#include "future.h"
#include "sched.h"
#include "task.h"

/*
 * One node per submitted task, on either the queue or the running list,
 * both doubly linked so a finished task leaves in O(1). The node is the
 * argument of the task's done-callback and is freed there.
 */
struct node {
	struct node	*prev, *next;
	struct sched	*sched;
	struct task	*task;
	int		 running;
	int		 listed;
};

struct list {
	struct node	*head, *tail;
	size_t		 count;
};

struct sched {
	size_t		 jobs;
	struct list	 queue;
	struct list	 running;
	void		(*on_slot)(void *);
	void		*arg;
	int		 cancelling;
};

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
	n->listed = 1;
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
	n->listed = 0;
}

struct sched *
sched_new(size_t jobs, void (*on_slot)(void *), void *arg)
{
	struct sched	*s;

	if (jobs == 0 || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->jobs = jobs;
	s->on_slot = on_slot;
	s->arg = arg;
	return s;
}

void
sched_free(struct sched *s)
{
	free(s);
}

/* Starts queued tasks while slots are free. */
static void
dispatch(struct sched *s)
{
	struct node	*n;

	while (!s->cancelling && s->running.count < s->jobs &&
	    (n = s->queue.head) != NULL) {
		list_remove(&s->queue, n);
		list_append(&s->running, n);
		n->running = 1;
		/* A task that fails to start is finished already: no matter. */
		task_start(n->task);
	}
}

static void
on_finished(struct future *future, void *arg)
{
	struct node	*n = arg;
	struct sched	*s = n->sched;
	int		 was_running = n->running;

	(void)future;
	if (n->listed)
		list_remove(n->running ? &s->running : &s->queue, n);
	free(n);
	if (was_running) {
		dispatch(s);
		if (s->on_slot != NULL)
			s->on_slot(s->arg);
	}
}

int
sched_submit(struct sched *s, struct task *task)
{
	struct node	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -1;
	n->sched = s;
	n->task = task;
	if (future_add_done_callback(task_future(task), on_finished, n) == -1) {
		free(n);
		return -1;
	}
	list_append(&s->queue, n);
	dispatch(s);
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

void
sched_cancel_all(struct sched *s, const char *reason)
{
	struct node	*n;

	s->cancelling = 1;
	while ((n = s->queue.head) != NULL) {
		list_remove(&s->queue, n);
		task_cancel(n->task, reason);
	}
	while ((n = s->running.head) != NULL) {
		list_remove(&s->running, n);
		task_cancel(n->task, reason);
	}
	s->cancelling = 0;
}
