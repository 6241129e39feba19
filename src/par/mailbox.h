/*
 * mailbox: messages from any thread to one event loop, in FIFO order.
 *
 * The consumer's loop watches an eventfd; a post appends the message under
 * a mutex and writes the eventfd only when the box was empty and not yet
 * woken, so a burst of posts costs one wake-up and the consumer takes the
 * whole burst under one lock. Nothing else of the consumer's loop is
 * touched from another thread, so libevent needs no locks of its own
 * (evthread_use_pthreads would put one on every event operation of every
 * loop, the single-worker run's included).
 *
 * Messages are the caller's structs with a struct mail embedded; the box
 * never allocates per message and never frees one.
 */
#ifndef AFETCH_MAILBOX_H
#define AFETCH_MAILBOX_H

#include "parerr.h"

struct loop;
struct mailbox;

/* Embedded in the caller's message; a message is in one box at a time. */
struct mail {
	struct mail *next;
};

/*
 * Called on the consumer's loop for each message, in the order posted;
 * the message is the callee's again.
 */
typedef void (*mailbox_fn)(struct mail *mail, void *arg);

/*
 * Returns a box whose messages are handed to fn(mail, arg) on loop, or
 * NULL when out of memory or descriptors. Call from loop's thread, before
 * any other thread posts.
 */
struct mailbox *mailbox_new(struct loop *loop, mailbox_fn fn, void *arg);

/*
 * Appends mail, from any thread, and wakes the consumer if it was idle.
 * Returns PAR_OK, or PAR_ERR_WAKE when the eventfd cannot be written (not
 * expected: the message is queued all the same and goes with the next
 * wake-up).
 */
enum par_err mailbox_post(struct mailbox *mb, struct mail *mail);

/*
 * Waits, blocking the calling thread, until the box holds a message, and
 * takes them all as mailbox_take_all() does (never NULL). For a consumer
 * whose loop can no longer run; the box's event stays with that loop.
 */
struct mail *mailbox_wait(struct mailbox *mb);

/*
 * Takes every message still in the box, in order, without handing it to
 * fn (for the owner's clean-up, once no thread posts any more). Returns
 * the first, linked by next, or NULL.
 */
struct mail *mailbox_take_all(struct mailbox *mb);

/*
 * Frees the box, from the consumer's thread, before its loop. No thread
 * may post any more; messages still in it are the caller's (take them
 * first).
 */
void mailbox_free(struct mailbox *mb);

#endif
