/*
 * sched: starts tasks when a slot is free (at most `jobs` running) and
 * cancels them all on demand.
 *
 * afetch queues work here rather than in libcurl, so a transfer's timeout
 * starts only when it is really dispatched: a long queue never causes a
 * false timeout.
 */
#ifndef AFETCH_SCHED_H
#define AFETCH_SCHED_H

#include <stddef.h>

struct sched;
struct task;

/*
 * Returns a scheduler for at most jobs (>= 1) running tasks, or NULL.
 * on_slot(arg) is called, from loop context, whenever a running task has
 * finished, so the caller may admit more work.
 */
struct sched *sched_new(size_t jobs, void (*on_slot)(void *), void *arg);

/* Frees it; nothing may be queued or running. */
void	sched_free(struct sched *s);

/*
 * Queues a pending task and starts it if a slot is free. The scheduler
 * watches the task's future, so call this before any other code adds
 * done-callbacks that may free the task. The task itself stays the
 * caller's. Returns 0, or -1 when out of memory.
 */
int	sched_submit(struct sched *s, struct task *task);

/* Number of tasks waiting for a slot. */
size_t	sched_queued(const struct sched *s);

/* Number of tasks running. */
size_t	sched_running(const struct sched *s);

/*
 * Cancels every queued task (in queue order), then every running one,
 * with reason. Each has finished when this returns; their callbacks are
 * scheduled as usual. Nothing queued starts in between.
 */
void	sched_cancel_all(struct sched *s, const char *reason);

#endif
