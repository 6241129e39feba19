/*
 * as_completed: hands tasks back in the order they finish
 * (asyncio.as_completed), counting those still outstanding.
 */
#ifndef AFETCH_AS_COMPLETED_H
#define AFETCH_AS_COMPLETED_H

#include <stddef.h>

#include "rterr.h"

struct as_completed;
struct task;

/* Receives a finished task; the callee owns it from then on. */
typedef void (*as_completed_emit_fn)(struct task *task, void *arg);

/* Returns a new collector, or NULL when out of memory. */
struct as_completed *as_completed_new(as_completed_emit_fn emit, void *arg);

/* Frees it; every added task must have been handed back first. */
void as_completed_free(struct as_completed *ac);

/*
 * Adds a task, owned by the collector until it is handed back.
 * Returns RT_OK, or RT_ERR_NOMEM (the task stays the caller's).
 */
enum rt_err as_completed_add(struct as_completed *ac, struct task *task);

/* Returns the number of tasks added and not yet handed back. */
size_t as_completed_outstanding(const struct as_completed *ac);

#endif
