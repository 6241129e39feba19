/*
 * signals: SIGINT and SIGTERM as asyncio-style loop events, and the hard
 * exit on a second signal.
 *
 * The first SIGINT or SIGTERM is delivered through the loop (libevent's
 * evsignal), so the run can cancel its tasks and write their records in
 * order. From then on a second one exits at once with 128 + its number,
 * except while a write of whole records is under way: then it exits as
 * soon as that write ends, so no line is ever cut.
 */
#ifndef AFETCH_SIGNALS_H
#define AFETCH_SIGNALS_H

struct loop;
struct signals;

/*
 * Ignores SIGPIPE (a closed reader shows up as EPIPE instead) and SIGXFSZ
 * (a write past the file-size limit fails with EFBIG), and watches SIGINT
 * and SIGTERM. on_signal(signo, arg) runs once, from the loop, for
 * the first of them. Returns NULL when out of memory.
 */
struct signals *signals_new(
    struct loop *loop, void (*on_signal)(int signo, void *arg), void *arg);

/* Stops watching; the default dispositions come back. */
void signals_free(struct signals *sig);

/*
 * Says whether a record may be out in part (1) or only whole records are
 * (0): a second signal waits for the 0.
 */
void signals_writing(int on);

/*
 * Gives fd back the file status flags `flags` should a second signal end
 * the process, as the writer would have on a normal exit.
 */
void signals_restore_on_exit(int fd, int flags);

#endif
