/* Unit tests for progress: the line's text, drawing on a loop, clearing. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "loop.h"
#include "progress.h"

HARNESS_MAIN;

static void
test_format(void)
{
	struct progress_counts c = { 1234, 5, 50, 0 };
	char		       buf[PROGRESS_LINE_MAX + 1];
	size_t		       n;

	n = progress_format(buf, sizeof(buf), &c, 10000, 812.4, 10.2);
	CHECK_STR(buf,
	    "afetch: 1234 done, 5 errors, 50 in flight, 812/s, "
	    "1239/10000 12% ETA 0:10");
	CHECK_INT(n, strlen(buf));

	/* Unknown total: no fraction, no ETA. */
	progress_format(buf, sizeof(buf), &c, 0, 812.4, -1);
	CHECK_STR(buf, "afetch: 1234 done, 5 errors, 50 in flight, 812/s");

	/* Unknown rate; slow rates keep a decimal. */
	progress_format(buf, sizeof(buf), &c, 0, -1, -1);
	CHECK_STR(buf, "afetch: 1234 done, 5 errors, 50 in flight, -/s");
	progress_format(buf, sizeof(buf), &c, 0, 0.34, -1);
	CHECK_STR(buf, "afetch: 1234 done, 5 errors, 50 in flight, 0.3/s");

	/* Skipped lines count toward the total. */
	c.skipped = 761;
	progress_format(buf, sizeof(buf), &c, 10000, 20, 3725);
	CHECK_STR(buf,
	    "afetch: 1234 done, 5 errors, 50 in flight, "
	    "761 skipped, 20/s, 2000/10000 20% ETA 1:02:05");

	/* More than the total said: capped at 100%. */
	c = (struct progress_counts){ 12, 0, 0, 0 };
	progress_format(buf, sizeof(buf), &c, 10, 1, 0);
	CHECK_STR(buf,
	    "afetch: 12 done, 0 errors, 0 in flight, 1.0/s, "
	    "12/10 100% ETA 0:00");
	progress_format(buf, sizeof(buf), &c, 10, 1, 1e30);
	CHECK_STR(buf,
	    "afetch: 12 done, 0 errors, 0 in flight, 1.0/s, "
	    "12/10 100% ETA 99999:59:59");

	/* Cut to fit, like snprintf. */
	n = progress_format(buf, 10, &c, 0, 1, -1);
	CHECK_STR(buf, "afetch: 1");
	CHECK(n > 10);
	n = progress_format(NULL, 0, &c, 0, 1, -1);
	CHECK(n > 10);
}

/* Reads whatever the pipe holds (its read end is non-blocking). */
static size_t
drain(int fd, char *buf, size_t size)
{
	size_t	len = 0;
	ssize_t n;

	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void
stop_loop(void *arg)
{
	loop_stop(arg);
}

/* Runs the loop for about seconds: a few ticks at 10 ms. */
static void
run_for(struct loop *loop, double seconds)
{
	CHECK(loop_call_later(loop, seconds, stop_loop, loop) != NULL);
	CHECK_INT(loop_run(loop), 0);
}

static int
open_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

static void
test_draw(void)
{
	struct loop	      *loop = loop_new();
	struct progress	      *p;
	struct progress_counts c = { 3, 1, 2, 0 };
	char		       out[4096];
	int		       fds[2];

	CHECK(loop != NULL);
	CHECK_INT(open_pipe(fds), 0);
	p = progress_new(loop, fds[1], 1);
	CHECK(p != NULL);
	CHECK_INT(progress_set_interval(p, 0.01), 0);
	CHECK_INT(progress_set_interval(p, 0), REPORT_ERR_ARG);
	progress_set_total(p, 8);

	/* Storing counts writes nothing by itself. */
	progress_update(p, &c);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "");

	run_for(loop, 0.05);
	drain(fds[0], out, sizeof(out));
	CHECK(out[0] == '\r');
	CHECK(strstr(out, "afetch: 3 done, 1 errors, 2 in flight, ") != NULL);
	CHECK(strstr(out, "4/8 50%") != NULL);
	CHECK(strstr(out, "\033[K") != NULL);
	CHECK(strchr(out, '\n') == NULL);

	/* Everything finished: the estimate is 0. */
	c = (struct progress_counts){ 7, 1, 0, 0 };
	progress_update(p, &c);
	run_for(loop, 0.05);
	drain(fds[0], out, sizeof(out));
	CHECK(strstr(out, "afetch: 7 done, 1 errors, 0 in flight, ") != NULL);
	CHECK(strstr(out, "8/8 100% ETA 0:00\033[K") != NULL);

	/* Finishing erases the line and stops the timer. */
	progress_finish(p);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "\r\033[K");
	progress_finish(p);
	progress_update(p, &c);
	/* No timer left: the loop has nothing to wait for and returns. */
	CHECK_INT(loop_run(loop), 0);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "");
	progress_free(p);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "");
	close(fds[0]);
	close(fds[1]);
	loop_free(loop);
}

/* A frame that would look the same is not written again. */
static void
test_unchanged(void)
{
	struct loop	      *loop = loop_new();
	struct progress	      *p;
	struct progress_counts c = { 0, 0, 5, 0 };
	char		       out[16384];
	int		       fds[2];

	CHECK_INT(open_pipe(fds), 0);
	p = progress_new(loop, fds[1], 1);
	CHECK(p != NULL);
	CHECK_INT(progress_set_interval(p, 0.01), 0);
	progress_update(p, &c);
	run_for(loop, 0.1);
	drain(fds[0], out, sizeof(out));
	/* Nothing finishes, so the rate stays 0 and the text with it. */
	CHECK_INT(count(out, "\r"), 1);
	CHECK(strstr(out, "afetch: 0 done, 0 errors, 5 in flight, 0.0/s") !=
	    NULL);
	c.in_flight = 4;
	progress_update(p, &c);
	run_for(loop, 0.05);
	drain(fds[0], out, sizeof(out));
	CHECK_INT(count(out, "\r"), 1);
	CHECK(strstr(out, " 4 in flight") != NULL);
	/* Freeing without finishing still erases the line. */
	progress_free(p);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "\r\033[K");
	CHECK_INT(loop_run(loop), 0);
	close(fds[0]);
	close(fds[1]);
	loop_free(loop);
}

static void
test_disabled(void)
{
	struct loop	      *loop = loop_new();
	struct progress	      *p;
	struct progress_counts c = { 1, 2, 3, 4 };
	char		       out[256];
	int		       fds[2];

	CHECK_INT(open_pipe(fds), 0);
	p = progress_new(loop, fds[1], 0);
	CHECK(p != NULL);
	CHECK_INT(progress_set_interval(p, 0.01), 0);
	progress_set_total(p, 100);
	progress_update(p, &c);
	/* No timer at all: the loop returns at once. */
	CHECK_INT(loop_run(loop), 0);
	run_for(loop, 0.05);
	progress_finish(p);
	progress_free(p);
	progress_free(NULL);
	drain(fds[0], out, sizeof(out));
	CHECK_STR(out, "");
	close(fds[0]);
	close(fds[1]);
	loop_free(loop);
}

int
main(void)
{
	RUN(test_format);
	RUN(test_draw);
	RUN(test_unchanged);
	RUN(test_disabled);
	return harness_result();
}
