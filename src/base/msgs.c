/*
 * msgs: the one way afetch speaks on stderr. Every diagnostic of every
 * layer comes here, gets the "afetch: " prefix, and goes out in one write
 * so that lines of concurrent writers never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msgs.h"

/*
 * Each message is formatted first and written with one call, so a message
 * is never interleaved with another writer of the same stderr.
 */
static void
vmessage(int errnum, const char *fmt, va_list ap)
{
	char text[1024];
	int  n;

	n = snprintf(text, sizeof(text), "afetch: ");
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	if (errnum != 0) {
		size_t used = strlen(text);
		snprintf(
		    text + used, sizeof(text) - used, ": %s", strerror(errnum));
	}
	fprintf(stderr, "%s\n", text);
}

void
msgs_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, fmt, ap);
	va_end(ap);
}

void
msgs_warnc(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(errnum, fmt, ap);
	va_end(ap);
}
