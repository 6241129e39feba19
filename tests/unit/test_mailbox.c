/*
 * Unit tests for mailbox: order, never inline, one loop fed by several
 * threads at once (each thread's messages in its order, none lost),
 * taking what is left without handing it over, and waiting for messages
 * without the loop.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "harness.h"
#include "loop.h"
#include "mailbox.h"

HARNESS_MAIN;

#define PRODUCERS    4
#define PER_PRODUCER 20000

struct note {
	struct mail mail;
	int	    from; /* producer */
	int	    seq;
};

struct sink {
	struct loop *loop;
	int	     got;
	int	     want;
	int	     last[PRODUCERS];
	int	     out_of_order;
};

static void
on_note(struct mail *m, void *arg)
{
	struct sink *s = arg;
	struct note *n = (struct note *)(void *)m;

	if (n->seq != s->last[n->from] + 1)
		s->out_of_order++;
	s->last[n->from] = n->seq;
	if (++s->got == s->want)
		loop_stop(s->loop);
}

static void
sink_init(struct sink *s, int want)
{
	int i;

	s->loop = loop_new();
	s->got = 0;
	s->want = want;
	s->out_of_order = 0;
	for (i = 0; i < PRODUCERS; i++)
		s->last[i] = -1;
}

static void
test_order_not_inline(void)
{
	struct sink	s;
	struct mailbox *mb;
	struct note	n[3];
	int		i;

	sink_init(&s, 3);
	mb = mailbox_new(s.loop, on_note, &s);
	CHECK(mb != NULL);
	for (i = 0; i < 3; i++) {
		n[i] = (struct note){ .from = 0, .seq = i };
		CHECK_INT(mailbox_post(mb, &n[i].mail), 0);
	}
	/* Handed over by the loop, never by the post. */
	CHECK_INT(s.got, 0);
	CHECK_INT(loop_run(s.loop), 0);
	CHECK_INT(s.got, 3);
	CHECK_INT(s.out_of_order, 0);
	mailbox_free(mb);
	loop_free(s.loop);
}

struct producer {
	struct mailbox *mb;
	struct note    *notes;
	int		from;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	int		 i;

	for (i = 0; i < PER_PRODUCER; i++) {
		p->notes[i].from = p->from;
		p->notes[i].seq = i;
		if (mailbox_post(p->mb, &p->notes[i].mail) == -1)
			return p;
	}
	return NULL;
}

static void
test_threads(void)
{
	struct sink	s;
	struct mailbox *mb;
	struct producer p[PRODUCERS];
	pthread_t	t[PRODUCERS];
	void	       *rc;
	int		i;

	sink_init(&s, PRODUCERS * PER_PRODUCER);
	mb = mailbox_new(s.loop, on_note, &s);
	CHECK(mb != NULL);
	for (i = 0; i < PRODUCERS; i++) {
		p[i].mb = mb;
		p[i].from = i;
		p[i].notes = calloc(PER_PRODUCER, sizeof(struct note));
		CHECK(p[i].notes != NULL);
		CHECK_INT(pthread_create(&t[i], NULL, produce, &p[i]), 0);
	}
	/* The loop stops at the last note, however the posts interleave. */
	CHECK_INT(loop_run(s.loop), 0);
	for (i = 0; i < PRODUCERS; i++) {
		CHECK_INT(pthread_join(t[i], &rc), 0);
		CHECK(rc == NULL);
		CHECK_INT(s.last[i], PER_PRODUCER - 1);
	}
	CHECK_INT(s.got, PRODUCERS * PER_PRODUCER);
	CHECK_INT(s.out_of_order, 0);
	CHECK(mailbox_take_all(mb) == NULL);
	mailbox_free(mb);
	loop_free(s.loop);
	for (i = 0; i < PRODUCERS; i++)
		free(p[i].notes);
}

static void
test_take_all(void)
{
	struct sink	s;
	struct mailbox *mb;
	struct note	n[2];
	struct mail    *m;

	sink_init(&s, 2);
	mb = mailbox_new(s.loop, on_note, &s);
	CHECK_INT(mailbox_post(mb, &n[0].mail), 0);
	CHECK_INT(mailbox_post(mb, &n[1].mail), 0);
	m = mailbox_take_all(mb);
	CHECK(m == &n[0].mail);
	CHECK(m->next == &n[1].mail);
	CHECK(m->next->next == NULL);
	CHECK(mailbox_take_all(mb) == NULL);
	/* The wake-up left behind finds nothing: the loop has nothing to
	 * stop it but its own end, so a later post must still wake it. */
	n[0] = (struct note){ .from = 0, .seq = 0 };
	n[1] = (struct note){ .from = 0, .seq = 1 };
	CHECK_INT(mailbox_post(mb, &n[0].mail), 0);
	CHECK_INT(mailbox_post(mb, &n[1].mail), 0);
	CHECK_INT(loop_run(s.loop), 0);
	CHECK_INT(s.got, 2);
	mailbox_free(mb);
	loop_free(s.loop);
}

static void *
post_two(void *arg)
{
	struct producer *p = arg;

	(void)mailbox_post(p->mb, &p->notes[0].mail);
	(void)mailbox_post(p->mb, &p->notes[1].mail);
	return NULL;
}

static void
test_wait(void)
{
	struct sink	s;
	struct mailbox *mb;
	struct note	n[2];
	struct producer p;
	struct mail    *m;
	pthread_t	t;
	int		got = 0;

	sink_init(&s, 2);
	mb = mailbox_new(s.loop, on_note, &s);
	CHECK(mb != NULL);
	/* Something there already: returned at once. */
	CHECK_INT(mailbox_post(mb, &n[0].mail), 0);
	m = mailbox_wait(mb);
	CHECK(m == &n[0].mail);
	CHECK(m->next == NULL);
	/* Posted from another thread while waiting (or before): both come,
	 * in order, in one or two waits. */
	p.mb = mb;
	p.notes = n;
	CHECK_INT(pthread_create(&t, NULL, post_two, &p), 0);
	while (got < 2)
		for (m = mailbox_wait(mb); m != NULL; m = m->next)
			CHECK(m == &n[got++].mail);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK(mailbox_take_all(mb) == NULL);
	mailbox_free(mb);
	loop_free(s.loop);
}

int
main(void)
{
	RUN(test_order_not_inline);
	RUN(test_threads);
	RUN(test_take_all);
	RUN(test_wait);
	return harness_result();
}
