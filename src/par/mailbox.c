/*
 * mailbox: a mutex-guarded FIFO of messages and the eventfd that wakes
 * its consumer's loop. workers.c runs one per worker (work in) and one on
 * the main loop (results and host holds out).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "loop.h"
#include "mailbox.h"

struct mailbox {
	pthread_mutex_t lock;
	struct mail    *head, *tail; /* under lock */
	int		woken;	     /* under lock: the eventfd was written */
	int		fd;
	struct event   *ev;
	mailbox_fn	fn;
	void	       *arg;
};

/*
 * The eventfd is readable: take the whole list under the lock, then hand
 * each message over without it, so a consumer that posts back (or a
 * producer that posts meanwhile) never waits on the lock for long.
 */
static void
on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct mailbox *mb = arg;
	struct mail    *m, *next;
	uint64_t	n;

	(void)what;
	/* Non-blocking: a spurious wake-up reads EAGAIN and finds nothing. */
	(void)read(fd, &n, sizeof(n));
	m = mailbox_take_all(mb);
	for (; m != NULL; m = next) {
		next = m->next;
		m->next = NULL;
		mb->fn(m, mb->arg);
	}
}

struct mailbox *
mailbox_new(struct loop *loop, mailbox_fn fn, void *arg)
{
	struct mailbox *mb;

	if ((mb = calloc(1, sizeof(*mb))) == NULL)
		return NULL;
	mb->fn = fn;
	mb->arg = arg;
	if ((mb->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		free(mb);
		return NULL;
	}
	if (pthread_mutex_init(&mb->lock, NULL) != 0) {
		close(mb->fd);
		free(mb);
		return NULL;
	}
	mb->ev = event_new(
	    loop_base(loop), mb->fd, EV_READ | EV_PERSIST, on_wake, mb);
	if (mb->ev == NULL || event_add(mb->ev, NULL) == -1) {
		mailbox_free(mb);
		errno = ENOMEM;
		return NULL;
	}
	return mb;
}

enum par_err
mailbox_post(struct mailbox *mb, struct mail *mail)
{
	static const uint64_t one = 1;
	int		      wake;

	mail->next = NULL;
	pthread_mutex_lock(&mb->lock);
	if (mb->tail != NULL)
		mb->tail->next = mail;
	else
		mb->head = mail;
	mb->tail = mail;
	wake = !mb->woken;
	mb->woken = 1;
	pthread_mutex_unlock(&mb->lock);
	if (wake && write(mb->fd, &one, sizeof(one)) != sizeof(one))
		return PAR_ERR_WAKE;
	return PAR_OK;
}

struct mail *
mailbox_take_all(struct mailbox *mb)
{
	struct mail *m;

	pthread_mutex_lock(&mb->lock);
	m = mb->head;
	mb->head = mb->tail = NULL;
	mb->woken = 0;
	pthread_mutex_unlock(&mb->lock);
	return m;
}

struct mail *
mailbox_wait(struct mailbox *mb)
{
	struct pollfd pfd;
	struct mail  *m;
	uint64_t      n;

	pfd.fd = mb->fd;
	pfd.events = POLLIN;
	/*
	 * take_all() clears woken, so a post after it writes the eventfd
	 * again; a post before it leaves a count that wakes one poll for
	 * nothing, and the box is then found empty.
	 */
	while ((m = mailbox_take_all(mb)) == NULL) {
		(void)poll(&pfd, 1, -1);
		(void)read(mb->fd, &n, sizeof(n));
	}
	return m;
}

void
mailbox_free(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	if (mb->ev != NULL)
		event_free(mb->ev);
	close(mb->fd);
	pthread_mutex_destroy(&mb->lock);
	free(mb);
}
