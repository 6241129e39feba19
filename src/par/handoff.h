/*
 * handoff: what crosses between the main loop and the worker threads, for
 * workers.c (the pool: threads, loops, contexts) and handoff.c (the jobs
 * and the messages). Nothing outside par/ sees it; workers.h is the face.
 *
 * A job is one handed-over task. Who touches what:
 *   main    job->task, worker->inflight (which worker is least busy);
 *   worker  job->wtask and the worker's loop and context, and what
 *           job->carry points to (the main task's, see fetch_hooks.carry)
 *           from MSG_START until the job is finished;
 *   lock    job->finished and job->cancel_pending (worker->lock), which a
 *           cancel on main waits on with worker->cond.
 * The job goes to its worker in the worker's inbox and comes back, once
 * its record is in job->rec, in the main outbox; main frees it then. A
 * cancel posts the job's second message to the worker and waits until the
 * record is there and the worker is done with that message too, so the
 * job outlives everything that points to it.
 *
 * A worker whose loop fails (loop_run() returns -1) loses no job: its
 * transfers are stopped and their records become internal errors, it
 * tells main (which sends it no more work while another worker lives),
 * and its thread goes on answering its inbox without the loop, failing
 * each job it is still given, until main stops it.
 */
#ifndef AFETCH_HANDOFF_H
#define AFETCH_HANDOFF_H

#include <pthread.h>
#include <stddef.h>

#include "fetch.h"
#include "mailbox.h"
#include "record.h"

struct future;
struct loop;
struct task;
struct tlstrust;

enum kind {
	MSG_START,  /* to a worker: fetch the job's URL */
	MSG_CANCEL, /* to a worker: cancel the job's task */
	MSG_STOP,   /* to a worker: end the thread */
	MSG_DONE,   /* to main: the job's record is in */
	MSG_HOLD,   /* to main: a host asked for a pause */
	MSG_FAILED  /* to main: the worker's loop failed */
};

struct msg {
	struct mail mail;
	enum kind   kind;
};

#define MSG_OF(m) ((struct msg *)(void *)(m))
#define CONTAINER(p, type, member)                                             \
	((type *)(void *)((char *)(p)-offsetof(type, member)))

struct worker;

struct job {
	struct msg     msg;    /* MSG_START out, then MSG_DONE back */
	struct msg     cancel; /* MSG_CANCEL */
	struct worker *worker;
	struct task   *task;  /* main's; NULL once its record was taken */
	struct task   *wtask; /* the worker's */
	void	      *carry; /* main task's data for the worker's hooks */
	const char    *reason;
	struct record  rec; /* the worker's record, once finished */
	size_t	       index;
	char	      *line;
	size_t	       len;
	double	       read_at;
	int	       finished;       /* worker->lock */
	int	       cancel_pending; /* worker->lock */
	/* The worker's: its jobs with a task, and whether the loop's
	 * failure stopped this one. */
	struct job *wprev, *wnext;
	int	    lost;
};

struct hold {
	struct msg msg;
	double	   until;
	char	   host[];
};

struct worker {
	struct workers	 *ws;
	pthread_t	  thread;
	int		  started;
	struct loop	 *loop;
	struct fetch_ctx *ctx;
	struct mailbox	 *inbox;
	struct msg	  stop;
	pthread_mutex_t	  lock;
	pthread_cond_t	  cond;
	size_t		  inflight; /* main's count of jobs given */
	int		  dead;	   /* main's: the worker said its loop failed */
	struct job	 *live;	   /* the worker's jobs with a task */
	int		  failed;  /* the worker's: its loop failed */
	struct msg	  failmsg; /* MSG_FAILED */
};

struct workers {
	struct loop	     *main;
	struct mailbox	     *outbox;
	struct fetch_delegate delegate;
	void (*on_host_backoff)(const char *host, double until, void *arg);
	void		*backoff_arg;
	size_t		 n, next;
	struct worker	*w;
	struct tlstrust *trust; /* shared by the workers' contexts */
};

/* Frees a job that came back (or never left). */
void handoff_job_free(struct job *job);

/* A worker's inbox: start or cancel a job, or stop the thread. */
void handoff_worker_mail(struct mail *m, void *arg);

/*
 * On a worker whose loop_run() failed: its jobs get their records (see
 * above), then the thread serves its inbox until MSG_STOP. Returns then.
 */
void handoff_worker_failed(struct worker *w);

/* The main outbox: a finished job, or a host hold. */
void handoff_main_mail(struct mail *m, void *arg);

/* A worker context's on_host_backoff: the hold goes to main. */
void handoff_host_backoff(const char *host, double until, void *arg);

/* The fetch_delegate's operations (see fetch.h), on main. */
enum run_err handoff_start(struct task *task, void *arg, void **handle);
void	     handoff_cancel(
	    struct task *task, void *handle, const char *reason, void *arg);

#endif
