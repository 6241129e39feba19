/*
 * allocfail: makes the Nth allocation of a run of afetch fail.
 *
 * Linked into afetch_allocfail (afetch's own main.c and core library) with
 * -Wl,--wrap for malloc, calloc, realloc, strdup and strndup, so every
 * allocation afetch's code makes comes here first. libevent's and cJSON's
 * own allocations are routed here too, through the hooks each library
 * offers (event_set_mem_functions, cJSON_InitHooks), and on request
 * libcurl's (curl_global_init_mem): not by default, because libcurl 7.88
 * itself crashes on some of its own allocation failures (a division by
 * zero in its hash code), which afetch cannot help. What OpenSSL, zlib and
 * libc allocate for themselves is never counted. Works under the
 * sanitizers: __real_malloc is theirs.
 *
 * Environment:
 *   AFETCH_ALLOCFAIL=N          the Nth counted allocation fails (1 is the
 *                               first; 0 or unset: none fails)
 *   AFETCH_ALLOCFAIL_PERSIST=1  every allocation from the Nth on fails
 *   AFETCH_ALLOCFAIL_REPORT=F   at exit, the number of allocations counted
 *                               is written to file F (to size a sweep)
 *   AFETCH_ALLOCFAIL_TRACE=1    the failing call's stack goes to stderr
 *   AFETCH_ALLOCFAIL_CURL=1     libcurl's allocations are counted too
 *
 * Not an allocation, but a fault of the same kind, for --workers: the
 * loop_run() of the first K worker threads to start one (never the main
 * thread's) is made to return -1, as when libevent fails.
 *   AFETCH_FAULT_WORKER_LOOP=S  those loops fail after running S seconds
 *                               (fractions allowed; 0: at once, before
 *                               they ran; unset: never)
 *   AFETCH_FAULT_WORKER_LOOPS=K how many fail (default 1)
 */
#define _GNU_SOURCE

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <event2/event.h>

#include "loop.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void	*__wrap_malloc(size_t n);
void	*__wrap_calloc(size_t n, size_t size);
void	*__wrap_realloc(void *p, size_t n);
char	*__wrap_strdup(const char *s);
char	*__wrap_strndup(const char *s, size_t n);
CURLcode __real_curl_global_init(long flags);
CURLcode __wrap_curl_global_init(long flags);
int	 __real_loop_run(struct loop *loop);
int	 __wrap_loop_run(struct loop *loop);

/*
 * Counting is one thread's business in the runs the sweep makes, but
 * libcurl's resolver threads allocate too: the counter is atomic so that
 * no allocation is counted twice or missed.
 */
static unsigned long fail_at;
static int	     persist, trace, with_curl;
static unsigned long count;

static int
should_fail(void)
{
	unsigned long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);

	if (fail_at == 0 || n < fail_at || (n > fail_at && !persist))
		return 0;
	if (trace) {
		void *frames[32];
		int   depth = backtrace(frames, 32);

		dprintf(2, "allocfail: allocation %lu fails here:\n", n);
		backtrace_symbols_fd(frames, depth, 2);
	}
	errno = ENOMEM;
	return 1;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}

static void
free_hook(void *p)
{
	free(p);
}

/* main.c's curl_global_init, with libcurl's allocations counted if asked. */
CURLcode
__wrap_curl_global_init(long flags)
{
	if (!with_curl)
		return __real_curl_global_init(flags);
	return curl_global_init_mem(flags, __wrap_malloc, free_hook,
	    __wrap_realloc, __wrap_strdup, __wrap_calloc);
}

/* AFETCH_FAULT_WORKER_LOOP: seconds, or -1 for none. */
static double	     fault_loop_after = -1;
static unsigned long fault_loops = 1, fault_loops_taken;

struct fault_loop {
	struct loop *loop;
	int	     fired;
};

/* The fault's timer: ends the loop, which then reports a failure. */
static void
fault_loop_fire(void *arg)
{
	struct fault_loop *f = arg;

	f->fired = 1;
	loop_stop(f->loop);
}

/*
 * A worker's loop_run(), failing as AFETCH_FAULT_WORKER_LOOP says. A loop
 * that main's MSG_STOP ended before the fault's time returns 0, as it
 * would have: only a loop the fault ended fails.
 */
int
__wrap_loop_run(struct loop *loop)
{
	struct fault_loop  f = { loop, 0 };
	struct loop_timer *timer;
	int		   rc;

	if (fault_loop_after < 0 || gettid() == getpid() ||
	    __atomic_add_fetch(&fault_loops_taken, 1, __ATOMIC_RELAXED) >
		fault_loops)
		return __real_loop_run(loop);
	if (fault_loop_after == 0)
		return -1;
	if ((timer = loop_call_later(
		 loop, fault_loop_after, fault_loop_fire, &f)) == NULL)
		return -1;
	rc = __real_loop_run(loop);
	if (f.fired)
		return -1;
	loop_timer_cancel(timer);
	return rc;
}

static unsigned long
env_number(const char *name)
{
	const char *s = getenv(name);

	return s != NULL ? strtoul(s, NULL, 10) : 0;
}

/* Before main: libevent's hooks must be set before its first allocation. */
__attribute__((constructor)) static void
allocfail_init(void)
{
	cJSON_Hooks hooks = { __wrap_malloc, free_hook };

	fail_at = env_number("AFETCH_ALLOCFAIL");
	persist = env_number("AFETCH_ALLOCFAIL_PERSIST") != 0;
	trace = env_number("AFETCH_ALLOCFAIL_TRACE") != 0;
	with_curl = env_number("AFETCH_ALLOCFAIL_CURL") != 0;
	if (getenv("AFETCH_FAULT_WORKER_LOOP") != NULL)
		fault_loop_after =
		    strtod(getenv("AFETCH_FAULT_WORKER_LOOP"), NULL);
	if (getenv("AFETCH_FAULT_WORKER_LOOPS") != NULL)
		fault_loops = env_number("AFETCH_FAULT_WORKER_LOOPS");
	event_set_mem_functions(__wrap_malloc, __wrap_realloc, free_hook);
	cJSON_InitHooks(&hooks);
}

__attribute__((destructor)) static void
allocfail_report(void)
{
	const char *path = getenv("AFETCH_ALLOCFAIL_REPORT");
	char	    line[32];
	int	    fd, n;

	if (path == NULL ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
		-1)
		return;
	n = snprintf(line, sizeof(line), "%lu\n",
	    __atomic_load_n(&count, __ATOMIC_RELAXED));
	if (write(fd, line, (size_t)n) != n)
		n = -1;
	close(fd);
}
