#include <stdlib.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "curlev.h"
#include "loop.h"

/*
 * One watch per socket libcurl asks about. Its event is re-armed in place
 * with event_assign() when libcurl changes the interest set, rather than
 * freed and allocated again, because that happens several times per
 * transfer.
 */
struct watch {
	struct watch  *prev, *next; /* all live watches, for cleanup */
	struct curlev *ce;
	curl_socket_t  fd;
	struct event   ev;
	int	       armed;
};

struct curlev {
	struct loop   *loop;
	CURLM	      *multi;
	struct event  *timer;
	curlev_done_fn done;
	void	      *arg;
	CURLMcode      last_error;
	struct watch  *watches;
};

static void
watch_free(struct curlev *ce, struct watch *watch)
{
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

static void
on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct watch  *watch = arg;
	struct curlev *ce = watch->ce;
	int	       mask = 0, running;

	if (what & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	/* watch may be freed inside this call: do not touch it afterwards. */
	curl_multi_socket_action(ce->multi, fd, mask, &running);
	check_finished(ce);
}

static void
on_timer_event(evutil_socket_t fd, short what, void *arg)
{
	struct curlev *ce = arg;
	int	       running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(ce->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_finished(ce);
}

/* CURLMOPT_SOCKETFUNCTION: start, change or stop watching one socket. */
static int
socket_cb(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
	struct curlev *ce = userp;
	struct watch  *watch = socketp;
	short	       events = EV_PERSIST;

	(void)easy;
	if (action == CURL_POLL_REMOVE) {
		if (watch != NULL) {
			curl_multi_assign(ce->multi, fd, NULL);
			watch_free(ce, watch);
		}
		return 0;
	}
	if (watch == NULL) {
		if ((watch = calloc(1, sizeof(*watch))) == NULL)
			return -1;
		watch->ce = ce;
		watch->fd = fd;
		watch->next = ce->watches;
		if (ce->watches != NULL)
			ce->watches->prev = watch;
		ce->watches = watch;
		curl_multi_assign(ce->multi, fd, watch);
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
	    event_add(&watch->ev, NULL) == -1)
		return -1;
	watch->armed = 1;
	return 0;
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
	return evtimer_add(ce->timer, &tv) == -1 ? -1 : 0;
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
	free(ce);
}

CURLM *
curlev_multi(struct curlev *ce)
{
	return ce->multi;
}

int
curlev_add(struct curlev *ce, CURL *easy)
{
	/* libcurl arms the timer from here; the loop then kicks it off. */
	ce->last_error = curl_multi_add_handle(ce->multi, easy);
	return ce->last_error == CURLM_OK ? 0 : -1;
}

void
curlev_remove(struct curlev *ce, CURL *easy)
{
	curl_multi_remove_handle(ce->multi, easy);
}

const char *
curlev_error(const struct curlev *ce)
{
	return curl_multi_strerror(ce->last_error);
}
