/*
 * gather: hands tasks back in the order they were added, as each one and
 * every one before it have finished (asyncio.gather, streamed).
 *
 * At most `window` tasks may be outstanding (added, not yet handed back),
 * which bounds memory however slow the oldest task is: the caller checks
 * gather_has_room() before it admits more work.
 */
#ifndef AFETCH_GATHER_H
#define AFETCH_GATHER_H

#include <stddef.h>

#include "rterr.h"

struct gather;
struct task;

/* Receives a finished task; the callee owns it from then on. */
typedef void (*gather_emit_fn)(struct task *task, void *arg);

/* Returns a gather for up to window (>= 1) outstanding tasks, or NULL. */
struct gather *gather_new(size_t window, gather_emit_fn emit, void *arg);

/*
 * Frees the gather. Every added task must have been handed back first
 * (gather_outstanding() == 0): pending callbacks point into it.
 */
void gather_free(struct gather *gather);

/*
 * Adds a task as the next in order; the gather owns it until it is handed
 * back through emit. Returns RT_OK, or RT_ERR_FULL (no room) or
 * RT_ERR_NOMEM; the task then stays the caller's.
 */
enum rt_err gather_add(struct gather *gather, struct task *task);

/* Returns 1 when another task may be added, else 0. */
int gather_has_room(const struct gather *gather);

/* Returns the number of tasks added and not yet handed back. */
size_t gather_outstanding(const struct gather *gather);

#endif
