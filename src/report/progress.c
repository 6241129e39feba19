/*
 * progress: the one-line display on stderr of what a run has done, how
 * fast, and when it will end when the total is known. It redraws at most a
 * few times a second from a timer of its own; the run gives it counts.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "loop.h"
#include "progress.h"

#define DEFAULT_INTERVAL 0.25

/* Samples kept for the rate: a window's worth at 4 Hz, with room to spare. */
#define NSAMPLES 64

/* "\r" before the text, "\033[K" after it. */
#define CLEAR_EOL "\033[K"

struct sample {
	double t;
	size_t finished; /* done + errors at time t */
};

/*
 * The samples form a ring in time order: the oldest at head, count of
 * them. last holds the text of the frame on screen (when drawn), so an
 * unchanged frame is not written again.
 */
struct progress {
	struct loop	      *loop;
	struct event	      *timer; /* NULL: not drawing */
	int		       fd;
	int		       enabled;
	int		       drawn;
	struct progress_counts counts;
	size_t		       total;
	double		       interval;
	struct sample	       samples[NSAMPLES];
	size_t		       head;
	size_t		       nsamples;
	char		       last[PROGRESS_LINE_MAX + 1];
};

struct fmt {
	char  *buf;
	size_t size;
	size_t len; /* of the whole text, even past size */
};

static void fmt_add(struct fmt *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fmt_add(struct fmt *f, const char *format, ...)
{
	va_list ap;
	size_t	room = f->len < f->size ? f->size - f->len : 0;
	int	n;

	va_start(ap, format);
	n = vsnprintf(room > 0 ? f->buf + f->len : NULL, room, format, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

size_t
progress_format(char *buf, size_t size, const struct progress_counts *c,
    size_t total, double rate, double eta)
{
	struct fmt	   f = { buf, size, 0 };
	unsigned long long secs, processed, pct;

	if (size > 0)
		buf[0] = '\0';
	fmt_add(&f, "afetch: %zu done, %zu errors, %zu in flight", c->done,
	    c->errors, c->in_flight);
	if (c->skipped > 0)
		fmt_add(&f, ", %zu skipped", c->skipped);
	if (!(rate >= 0))
		fmt_add(&f, ", -/s");
	else if (rate < 10)
		fmt_add(&f, ", %.1f/s", rate);
	else
		fmt_add(&f, ", %.0f/s", rate > 1e15 ? 1e15 : rate);
	if (total > 0) {
		processed =
		    (unsigned long long)c->done + c->errors + c->skipped;
		pct = processed >= total
		    ? 100
		    : (unsigned long long)((double)processed * 100 /
			  (double)total);
		fmt_add(&f, ", %llu/%zu %llu%%", processed, total, pct);
	}
	if (eta >= 0) {
		/* Past 99999 hours the estimate means nothing anyway. */
		secs = eta > 359999999.0 ? 359999999ULL
					 : (unsigned long long)(eta + 0.5);
		if (secs >= 3600)
			fmt_add(&f, " ETA %llu:%02llu:%02llu", secs / 3600,
			    secs / 60 % 60, secs % 60);
		else
			fmt_add(&f, " ETA %llu:%02llu", secs / 60, secs % 60);
	}
	return f.len;
}

/* Writes it all, or gives up quietly: progress is never worth failing. */
static void
write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

static void
add_sample(struct progress *p, double now)
{
	size_t slot;

	if (p->nsamples == NSAMPLES) {
		p->head = (p->head + 1) % NSAMPLES;
		p->nsamples--;
	}
	slot = (p->head + p->nsamples) % NSAMPLES;
	p->samples[slot].t = now;
	p->samples[slot].finished = p->counts.done + p->counts.errors;
	p->nsamples++;
}

/*
 * Returns records per second between the newest sample and the oldest
 * one still within PROGRESS_WINDOW of it, or -1 when there is no span.
 */
static double
rate(const struct progress *p)
{
	const struct sample *newest, *old = NULL;
	size_t		     i;

	if (p->nsamples < 2)
		return -1;
	newest = &p->samples[(p->head + p->nsamples - 1) % NSAMPLES];
	for (i = 0; i < p->nsamples - 1; i++) {
		old = &p->samples[(p->head + i) % NSAMPLES];
		if (newest->t - old->t <= PROGRESS_WINDOW)
			break;
	}
	if (i == p->nsamples - 1 || newest->t - old->t < 1e-3)
		return -1;
	/* Counts only grow; guard anyway against a caller's reset. */
	if (newest->finished < old->finished)
		return 0;
	return (double)(newest->finished - old->finished) /
	    (newest->t - old->t);
}

/*
 * Returns the terminal's width in columns, or 0 when fd is not a terminal
 * or does not say. Asked on every frame, so a resize is followed.
 */
static size_t
term_width(int fd)
{
#ifdef TIOCGWINSZ
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
		return ws.ws_col;
#else
	(void)fd;
#endif
	return 0;
}

static void
draw(struct progress *p)
{
	char   frame[1 + PROGRESS_LINE_MAX + 1 + sizeof(CLEAR_EOL)];
	char   line[PROGRESS_LINE_MAX + 1];
	double r = rate(p), eta = -1;
	size_t processed, len, cols;

	processed = p->counts.done + p->counts.errors + p->counts.skipped;
	if (p->total > 0 && processed >= p->total)
		eta = 0;
	else if (p->total > 0 && r > 0)
		eta = (double)(p->total - processed) / r;
	len = progress_format(line, sizeof(line), &p->counts, p->total, r, eta);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	/* A line that wraps could no longer be overwritten with '\r'. */
	if ((cols = term_width(p->fd)) > 1 && len > cols - 1) {
		len = cols - 1;
		line[len] = '\0';
	}
	if (p->drawn && strcmp(line, p->last) == 0)
		return;
	memcpy(p->last, line, len + 1);
	frame[0] = '\r';
	memcpy(frame + 1, line, len);
	memcpy(frame + 1 + len, CLEAR_EOL, sizeof(CLEAR_EOL) - 1);
	write_all(p->fd, frame, 1 + len + sizeof(CLEAR_EOL) - 1);
	p->drawn = 1;
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct progress *p = arg;

	(void)fd;
	(void)what;
	add_sample(p, loop_now());
	draw(p);
}

static int
arm(struct progress *p)
{
	struct timeval tv;

	tv.tv_sec = (time_t)p->interval;
	tv.tv_usec = (suseconds_t)((p->interval - (double)tv.tv_sec) * 1e6);
	return event_add(p->timer, &tv);
}

struct progress *
progress_new(struct loop *loop, int fd, int enabled)
{
	struct progress *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->loop = loop;
	p->fd = fd;
	p->enabled = enabled != 0;
	p->interval = DEFAULT_INTERVAL;
	if (!p->enabled)
		return p;
	add_sample(p, loop_now());
	p->timer = event_new(loop_base(loop), -1, EV_PERSIST, tick, p);
	if (p->timer == NULL || arm(p) == -1) {
		progress_free(p);
		return NULL;
	}
	return p;
}

void
progress_update(struct progress *p, const struct progress_counts *c)
{
	p->counts = *c;
}

void
progress_set_total(struct progress *p, size_t total)
{
	p->total = total;
}

enum report_err
progress_set_interval(struct progress *p, double seconds)
{
	if (!(seconds > 0))
		return REPORT_ERR_ARG;
	if (seconds > 3600)
		seconds = 3600;
	p->interval = seconds;
	return p->timer == NULL || arm(p) == 0 ? REPORT_OK : REPORT_ERR_EVENT;
}

void
progress_finish(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->timer != NULL) {
		event_free(p->timer);
		p->timer = NULL;
	}
	if (p->drawn)
		write_all(p->fd, "\r" CLEAR_EOL, sizeof("\r" CLEAR_EOL) - 1);
	p->drawn = 0;
	p->enabled = 0;
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_finish(p);
	free(p);
}
