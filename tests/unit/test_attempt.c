/* Unit tests for attempt: which limit a timed-out attempt is said to hit. */
#include <string.h>

#include "attempt.h"
#include "harness.h"

HARNESS_MAIN;

static const char *
message(double timeout, double connect_timeout, double elapsed)
{
	static char		buf[128];
	struct transfer_options o;

	memset(&o, 0, sizeof(o));
	o.timeout = timeout;
	o.connect_timeout = connect_timeout;
	return attempt_timeout_message(&o, elapsed, buf, sizeof(buf));
}

static void
test_timeout_message(void)
{
	/* No -t: only a connect timeout can have fired. */
	CHECK_STR(message(0, 2, 2.1),
	    "connect timeout after 2 s "
	    "(--connect-timeout)");
	CHECK_STR(message(0, 0, 300),
	    "connect timeout after 300 s "
	    "(libcurl's default)");
	/* Ended before -t's time: the shorter connect timeout fired. */
	CHECK_STR(message(5, 1, 1.01),
	    "connect timeout after 1 s "
	    "(--connect-timeout)");
	/* -t's whole time passed (within libcurl's rounding). */
	CHECK_STR(message(5, 1, 4.999), "timeout after 5 s (-t)");
	/* A connect timeout longer than -t can never fire first. */
	CHECK_STR(message(1, 10, 0.5), "timeout after 1 s (-t)");
	CHECK_STR(message(1, 0, 1.2), "timeout after 1 s (-t)");
}

int
main(void)
{
	RUN(test_timeout_message);
	return harness_result();
}
