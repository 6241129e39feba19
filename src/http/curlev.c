/*
 * curlev: the bridge between libcurl's multi interface and the loop. It
 * owns the multi handle, one libevent event per socket libcurl watches
 * and the one timer libcurl asks for, and reports each finished transfer
 * from loop context. The fetch context creates it and adds and removes
 * the attempts' easy handles.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "curlev.h"
#include "loop.h"

/*
 * One watch per socket libcurl asks about. Its event is re-armed in place
 * with event_assign() when libcurl changes the interest set, rather than
 * freed and allocated again, because that happens several times per
 * transfer.
 *
 * A keep-alive connection's socket leaves libcurl's interest when its
 * transfer ends and comes back when the next transfer takes the
 * connection: with a pause between transfers (a slow server, a rate),
 * epoll would be told to drop the socket and to add it again every time,
 * two system calls per request. So a socket we opened (and so will see
 * closed) is parked instead: its watch stays armed, unknown to libcurl,
 * until libcurl wants the socket again (nothing to do), the socket stirs
 * while idle (the server closed it: the watch goes; libcurl finds the
 * connection dead when it looks), or libcurl closes it (the watch goes
 * first, while the descriptor is still the same socket).
 */
struct watch {
	struct watch  *prev, *next; /* all live watches, for cleanup */
	struct curlev *ce;
	curl_socket_t  fd;
	struct event   ev;
	int	       armed;
	int	       parked; /* libcurl let go of the socket; still armed */
};

/* What the bridge knows of one descriptor number. */
struct fdslot {
	struct watch *watch; /* its watch, in use or parked; NULL: none */
	int	      ours;  /* opened by open_socket(): its close is seen */
};

struct curlev {
	struct loop   *loop;
	CURLM	      *multi;
	struct event  *timer;
	curlev_done_fn done;
	void	      *arg;
	CURLMcode      last_error;
	unsigned long  drives; /* calls of curl_multi_socket_action */
	struct watch  *watches;
	struct fdslot *fds; /* indexed by descriptor */
	size_t	       nfds;
	/*
	 * The transfers added and not yet removed: when a callback of ours
	 * fails, libcurl gives up on the whole multi handle without
	 * finishing them, so we finish them ourselves (fail_all).
	 */
	CURL **easies;
	size_t neasies, easycap;
	/*
	 * One of our callbacks could not get memory for a socket's watch or
	 * the timer. It tells libcurl all is well, since libcurl 7.88 answers
	 * a failing callback by leaving the multi handle half torn down (it
	 * later divides by zero in its socket hash); every transfer is then
	 * failed here instead, after the call that ran the callback.
	 */
	int starved;
};

/* Returns fd's slot, growing the table; NULL when out of memory. */
static struct fdslot *
fdslot_get(struct curlev *ce, curl_socket_t fd)
{
	struct fdslot *fds;
	size_t	       n;

	if (fd < 0)
		return NULL;
	if ((size_t)fd >= ce->nfds) {
		n = ce->nfds > 0 ? ce->nfds : 64;
		while (n <= (size_t)fd)
			n *= 2;
		if ((fds = realloc(ce->fds, n * sizeof(*fds))) == NULL)
			return NULL;
		memset(fds + ce->nfds, 0, (n - ce->nfds) * sizeof(*fds));
		ce->fds = fds;
		ce->nfds = n;
	}
	return &ce->fds[fd];
}

/* fd's slot if the table reaches it, else NULL; never grows. */
static struct fdslot *
fdslot_find(struct curlev *ce, curl_socket_t fd)
{
	return fd >= 0 && (size_t)fd < ce->nfds ? &ce->fds[fd] : NULL;
}

static void
watch_free(struct curlev *ce, struct watch *watch)
{
	struct fdslot *slot = fdslot_find(ce, watch->fd);

	if (slot != NULL && slot->watch == watch)
		slot->watch = NULL;
	if (watch->armed)
		event_del(&watch->ev);
	if (watch->prev != NULL)
		watch->prev->next = watch->next;
	else
		ce->watches = watch->next;
	if (watch->next != NULL)
		watch->next->prev = watch->prev;
	free(watch);
}

static void check_finished(struct curlev *);
static void fail_all(struct curlev *, CURLMcode);

static void
on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct watch  *watch = arg;
	struct curlev *ce = watch->ce;
	int	       mask = 0, running;

	if (watch->parked) {
		/* An idle connection stirred: libcurl will see to it. */
		watch_free(ce, watch);
		return;
	}
	if (what & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	/* watch may be freed inside this call: do not touch it afterwards. */
	ce->drives++;
	fail_all(ce, curl_multi_socket_action(ce->multi, fd, mask, &running));
	check_finished(ce);
}

static void
on_timer_event(evutil_socket_t fd, short what, void *arg)
{
	struct curlev *ce = arg;
	int	       running;

	(void)fd;
	(void)what;
	ce->drives++;
	fail_all(ce,
	    curl_multi_socket_action(
		ce->multi, CURL_SOCKET_TIMEOUT, 0, &running));
	check_finished(ce);
}

/* CURLMOPT_SOCKETFUNCTION: start, change or stop watching one socket. */
static int
socket_cb(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
	struct curlev *ce = userp;
	struct watch  *watch = socketp;
	struct fdslot *slot = fdslot_find(ce, fd);
	short	       events = EV_PERSIST;

	(void)easy;
	if (action == CURL_POLL_REMOVE) {
		if (watch != NULL) {
			curl_multi_assign(ce->multi, fd, NULL);
			if (slot != NULL && slot->ours && watch->armed)
				watch->parked = 1;
			else
				watch_free(ce, watch);
		}
		return 0;
	}
	if (watch == NULL && slot != NULL && slot->watch != NULL &&
	    slot->watch->parked) {
		watch = slot->watch;
		watch->parked = 0;
		curl_multi_assign(ce->multi, fd, watch);
	}
	if (watch == NULL) {
		if ((watch = calloc(1, sizeof(*watch))) == NULL) {
			ce->starved = 1;
			return 0;
		}
		watch->ce = ce;
		watch->fd = fd;
		watch->next = ce->watches;
		if (ce->watches != NULL)
			ce->watches->prev = watch;
		ce->watches = watch;
		curl_multi_assign(ce->multi, fd, watch);
		if (slot != NULL)
			slot->watch = watch;
	}
	if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
		events |= EV_READ;
	if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
		events |= EV_WRITE;
	/* libcurl often repeats the interest it already has: no syscall. */
	if (watch->armed && event_get_events(&watch->ev) == events)
		return 0;
	if (watch->armed) {
		event_del(&watch->ev);
		watch->armed = 0;
	}
	if (event_assign(&watch->ev, loop_base(ce->loop), fd, events,
		on_socket_event, watch) == -1 ||
	    event_add(&watch->ev, NULL) == -1) {
		ce->starved = 1;
		return 0;
	}
	watch->armed = 1;
	return 0;
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: opens the socket as libcurl would, noting it
 * as one whose close open_socket's partner will see.
 */
static curl_socket_t
open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct curlev *ce = clientp;
	struct fdslot *slot;
	curl_socket_t  fd;

	(void)purpose;
	fd = socket(addr->family, addr->socktype, addr->protocol);
	if (fd == CURL_SOCKET_BAD)
		return fd;
	/* Without a slot the socket is simply never parked. */
	if ((slot = fdslot_get(ce, fd)) != NULL) {
		slot->ours = 1;
		slot->watch = NULL;
	}
	return fd;
}

/*
 * CURLOPT_CLOSESOCKETFUNCTION: the socket's watch goes before the
 * descriptor does, so that a new socket given the same number is never
 * taken for the old one.
 */
static int
close_socket(void *clientp, curl_socket_t fd)
{
	struct curlev *ce = clientp;
	struct fdslot *slot = fdslot_find(ce, fd);

	if (slot != NULL) {
		if (slot->watch != NULL) {
			if (!slot->watch->parked)
				curl_multi_assign(ce->multi, fd, NULL);
			watch_free(ce, slot->watch);
		}
		slot->ours = 0;
	}
	return close(fd);
}

/*
 * CURLMOPT_TIMERFUNCTION: one timer for the whole multi handle. A timeout
 * of 0 is not acted on here: libcurl forbids calling socket_action from
 * this callback, so the timer fires on the next turn of the loop.
 */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct curlev *ce = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(ce->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	if (evtimer_add(ce->timer, &tv) == -1) {
		/* Activating an event needs no memory: the timer runs next
		 * turn, and fail_all() finds the flag. */
		ce->starved = 1;
		event_active(ce->timer, EV_TIMEOUT, 0);
	}
	return 0;
}

/*
 * Reports every finished transfer. Runs after each socket_action call, in
 * loop context, so the receiver may remove and reuse the handle.
 */
static void
check_finished(struct curlev *ce)
{
	CURLMsg *msg;
	int	 left;

	while ((msg = curl_multi_info_read(ce->multi, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE)
			ce->done(msg->easy_handle, msg->data.result, ce->arg);
	}
}

/*
 * After a failed socket_action, or one during which a callback of ours
 * could not get memory (starved), some transfer may never be driven
 * again: each is reported here as failed, so that none waits for ever. From the end, since the receiver removes
 * (swaps out) the handle it is given, and may add new ones at the end.
 */
static void
fail_all(struct curlev *ce, CURLMcode rc)
{
	size_t i;

	if (rc == CURLM_OK && ce->starved)
		rc = CURLM_OUT_OF_MEMORY;
	ce->starved = 0;
	if (rc == CURLM_OK)
		return;
	ce->last_error = rc;
	for (i = ce->neasies; i > 0; i--) {
		if (i > ce->neasies)
			i = ce->neasies;
		if (i == 0)
			break;
		ce->done(ce->easies[i - 1], CURLE_OUT_OF_MEMORY, ce->arg);
	}
}

struct curlev *
curlev_new(struct loop *loop, curlev_done_fn done, void *arg)
{
	struct curlev *ce;

	if ((ce = calloc(1, sizeof(*ce))) == NULL)
		return NULL;
	ce->loop = loop;
	ce->done = done;
	ce->arg = arg;
	if ((ce->timer = evtimer_new(loop_base(loop), on_timer_event, ce)) ==
	    NULL)
		goto fail;
	if ((ce->multi = curl_multi_init()) == NULL)
		goto fail;
	if (curl_multi_setopt(ce->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) !=
		CURLM_OK ||
	    curl_multi_setopt(ce->multi, CURLMOPT_SOCKETDATA, ce) != CURLM_OK ||
	    curl_multi_setopt(ce->multi, CURLMOPT_TIMERFUNCTION, timer_cb) !=
		CURLM_OK ||
	    curl_multi_setopt(ce->multi, CURLMOPT_TIMERDATA, ce) != CURLM_OK)
		goto fail;
	return ce;
fail:
	curlev_free(ce);
	return NULL;
}

void
curlev_free(struct curlev *ce)
{
	if (ce == NULL)
		return;
	/*
	 * The multi handle first: closing its connections may call socket_cb
	 * with CURL_POLL_REMOVE while the event base still exists. Watches
	 * libcurl did not remove are freed after it.
	 */
	if (ce->multi != NULL)
		curl_multi_cleanup(ce->multi);
	while (ce->watches != NULL)
		watch_free(ce, ce->watches);
	if (ce->timer != NULL)
		event_free(ce->timer);
	free(ce->fds);
	free(ce->easies);
	free(ce);
}

enum http_err
curlev_set_pool(struct curlev *ce, long connections, long streams)
{
	/*
	 * Unset, libcurl keeps 4 x the easy handles in the multi at the time
	 * a connection is added: the count dips as each finished handle
	 * leaves before the next comes in, and a pooled connection is closed
	 * and opened again (22-34 connections for -j 20 to one HTTP/1.1
	 * host, 8-12 us of CPU a request in bench S1). Its 100 streams a
	 * connection made transfers 101 to -j each open one, none known to
	 * multiplex before its handshake (CURLOPT_PIPEWAIT waits only for
	 * the first): 401 connections in bench S4b, -j 500, where one does.
	 */
	ce->last_error = curl_multi_setopt(
	    ce->multi, CURLMOPT_MAXCONNECTS, connections < 1 ? 1 : connections);
	if (ce->last_error == CURLM_OK)
		ce->last_error = curl_multi_setopt(ce->multi,
		    CURLMOPT_MAX_CONCURRENT_STREAMS,
		    streams < 100 ? 100 : streams);
	return ce->last_error == CURLM_OK ? HTTP_OK : HTTP_ERR_CURL;
}

/* The options curlev_adopt() sets; returns the first refusal. */
static CURLcode
adopt(struct curlev *ce, CURL *easy)
{
	CURLcode rc;

#if LIBCURL_VERSION_NUM >= 0x075700
	/*
	 * A transfer that ends while its name is still being resolved (a
	 * timeout, a cancel, the deadline) would otherwise have libcurl
	 * join its resolver thread on the loop's thread, blocking the loop
	 * for as long as the resolver takes, all its timeout when it never
	 * answers. With QUICK_EXIT libcurl (7.87 and later) detaches the
	 * thread, which frees its memory when getaddrinfo() returns (or at
	 * exit). An older libcurl refuses the option and joins as before.
	 */
	if ((rc = curl_easy_setopt(easy, CURLOPT_QUICK_EXIT, 1L)) != CURLE_OK &&
	    rc != CURLE_UNKNOWN_OPTION)
		return rc;
#endif
	if ((rc = curl_easy_setopt(
		 easy, CURLOPT_OPENSOCKETFUNCTION, open_socket)) != CURLE_OK ||
	    (rc = curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, ce)) !=
		CURLE_OK ||
	    (rc = curl_easy_setopt(
		 easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket)) != CURLE_OK)
		return rc;
	return curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, ce);
}

enum http_err
curlev_adopt(struct curlev *ce, CURL *easy, char *errbuf)
{
	CURLcode rc = adopt(ce, easy);

	return rc == CURLE_OK ? HTTP_OK : http_err_curl(errbuf, rc);
}

enum http_err
curlev_add(struct curlev *ce, CURL *easy)
{
	CURL **more;
	size_t cap;

	if (ce->neasies == ce->easycap) {
		cap = ce->easycap == 0 ? 64 : ce->easycap * 2;
		if ((more = realloc(ce->easies, cap * sizeof(*more))) == NULL) {
			ce->last_error = CURLM_OUT_OF_MEMORY;
			return HTTP_ERR_NOMEM;
		}
		ce->easies = more;
		ce->easycap = cap;
	}
	/* libcurl arms the timer from here; the loop then kicks it off. */
	ce->last_error = curl_multi_add_handle(ce->multi, easy);
	if (ce->last_error != CURLM_OK)
		return HTTP_ERR_CURL;
	ce->easies[ce->neasies++] = easy;
	return HTTP_OK;
}

void
curlev_remove(struct curlev *ce, CURL *easy)
{
	size_t i;

	/* O(transfers in flight), which -j bounds: a short scan. */
	for (i = ce->neasies; i > 0; i--)
		if (ce->easies[i - 1] == easy) {
			ce->easies[i - 1] = ce->easies[--ce->neasies];
			break;
		}
	curl_multi_remove_handle(ce->multi, easy);
}

unsigned long
curlev_drives(const struct curlev *ce)
{
	return ce->drives;
}

const char *
curlev_error(const struct curlev *ce)
{
	return curl_multi_strerror(ce->last_error);
}
