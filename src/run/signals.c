/*
 * signals: SIGINT and SIGTERM as events on the loop, so the first one
 * cancels the run in order, and the raw handler that makes a second one
 * exit at once, waiting only while a record may be half out.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "loop.h"
#include "signals.h"

/*
 * The only process-wide state in afetch: what the raw handler for a second
 * signal needs, and a handler can reach nothing else.
 */
static volatile sig_atomic_t writing;
static volatile sig_atomic_t exit_pending;
static volatile sig_atomic_t restore_fd = -1;
static volatile sig_atomic_t restore_flags;

struct signals {
	struct event *ev_int;
	struct event *ev_term;
	void (*on_signal)(int, void *);
	void *arg;
};

/* Only async-signal-safe calls here: fcntl(2) and _exit(2). */
static void
exit_now(int status)
{
	if (restore_fd >= 0)
		fcntl(restore_fd, F_SETFL, restore_flags);
	_exit(status);
}

static void
second_signal(int signo)
{
	if (writing)
		exit_pending = 128 + signo;
	else
		exit_now(128 + signo);
}

void
signals_writing(int on)
{
	writing = on;
	if (!on && exit_pending)
		exit_now(exit_pending);
}

void
signals_restore_on_exit(int fd, int flags)
{
	restore_flags = flags;
	restore_fd = fd;
}

/*
 * After the first signal, the loop's handlers give way to the raw one: a
 * second signal must act even while the loop is busy or blocked in write.
 */
static void
arm_second(struct signals *sig)
{
	struct sigaction sa;

	if (sig->ev_int != NULL) {
		event_free(sig->ev_int);
		sig->ev_int = NULL;
	}
	if (sig->ev_term != NULL) {
		event_free(sig->ev_term);
		sig->ev_term = NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = second_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
on_first(evutil_socket_t signo, short what, void *arg)
{
	struct signals *sig = arg;

	(void)what;
	arm_second(sig);
	sig->on_signal((int)signo, sig->arg);
}

struct signals *
signals_new(struct loop *loop, void (*on_signal)(int, void *), void *arg)
{
	struct signals	  *sig;
	struct event_base *base = loop_base(loop);

	signal(SIGPIPE, SIG_IGN);
	/* Past a file-size limit a write fails (EFBIG) instead of killing
	 * us, so a saved body becomes a `write` error record. */
	signal(SIGXFSZ, SIG_IGN);
	if ((sig = calloc(1, sizeof(*sig))) == NULL)
		return NULL;
	sig->on_signal = on_signal;
	sig->arg = arg;
	sig->ev_int = evsignal_new(base, SIGINT, on_first, sig);
	sig->ev_term = evsignal_new(base, SIGTERM, on_first, sig);
	if (sig->ev_int == NULL || sig->ev_term == NULL ||
	    evsignal_add(sig->ev_int, NULL) == -1 ||
	    evsignal_add(sig->ev_term, NULL) == -1) {
		signals_free(sig);
		return NULL;
	}
	return sig;
}

void
signals_free(struct signals *sig)
{
	if (sig == NULL)
		return;
	if (sig->ev_int != NULL)
		event_free(sig->ev_int);
	if (sig->ev_term != NULL)
		event_free(sig->ev_term);
	free(sig);
}
