/*
 * msgs: every diagnostic afetch prints goes through here, to stderr, with
 * one "afetch: " prefix, shaped like err(3): "afetch: what: why".
 */
#ifndef AFETCH_MSGS_H
#define AFETCH_MSGS_H

#define MSGS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Prints "afetch: <message>\n". */
void msgs_warnx(const char *fmt, ...) MSGS_PRINTF(1, 2);

/* Prints "afetch: <message>: <strerror(errnum)>\n". */
void msgs_warnc(int errnum, const char *fmt, ...) MSGS_PRINTF(2, 3);

#endif
