/*
 * delayline: a point-to-point link with a delay, between two network
 * namespaces, for bench/run's scenarios at real round-trip times.
 *
 *	delayline READY NETNS_A NETNS_B DELAY_US JITTER_US
 *
 * Opens a TUN device named "afb0" in the network namespace NETNS_A and one
 * named "afb1" in NETNS_B (names as for `ip netns`), then forwards every IP
 * packet read from one to the other DELAY_US microseconds later, plus or
 * minus a uniform JITTER_US. Each direction is a FIFO: a packet never
 * overtakes the one before it (the jitter only spaces them), so TCP sees
 * no reordering. Once both devices exist it writes "ready\n" to the file
 * READY. It runs until SIGTERM or SIGINT, then prints what it forwarded and
 * dropped to stderr.
 *
 * Why not veth and `tc qdisc ... netem`: netem is a kernel option
 * (CONFIG_NET_SCH_NETEM) that some kernels lack; TUN is nearly always
 * there, and this needs nothing else. The cost is one read and one write
 * per packet in this process, outside the measured tool.
 *
 * It runs at a real-time priority (SCHED_FIFO) when it may, else at nice
 * -20: a link's delay is the kernel's work, done in softirq ahead of every
 * process, and must not stretch when the machine is busy. It sleeps in
 * ppoll between packets, so it takes only the CPU the packets need.
 *
 * A direction holds at most QUEUE packets; a packet that finds its queue
 * full is dropped, as a router would, and counted.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE 32768 /* packets per direction */
#define SLOT  1600  /* bytes: the devices' MTU is 1500 */

struct packet {
	long long      due; /* ns, CLOCK_MONOTONIC */
	unsigned short len;
	unsigned char  data[SLOT];
};

struct dir {
	int		   from, to;
	struct packet	  *q; /* ring of QUEUE */
	unsigned	   head, count;
	long long	   last_due;
	unsigned long long forwarded, dropped;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Opens TUN device `name` inside the named network namespace; the
 * descriptor stays bound to that namespace after we leave it. */
static int
open_tun(const char *netns, const char *name)
{
	char	     path[256];
	struct ifreq ifr;
	int	     nsfd, fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", netns);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "delayline: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "delayline: setns %s: %s\n", netns,
		    strerror(errno));
		close(nsfd);
		return -1;
	}
	close(nsfd);
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(
		    stderr, "delayline: /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "delayline: TUNSETIFF %s: %s\n", name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads every packet waiting on d->from into the queue, each due
 * `delay` ± `jitter` ns from now but never before the one ahead of it. */
static void
take(struct dir *d, long long delay, long long jitter)
{
	unsigned char scratch[SLOT];

	for (;;) {
		struct packet *p = NULL;
		unsigned char *buf = scratch;
		ssize_t	       n;
		long long      due;

		if (d->count < QUEUE) {
			p = &d->q[(d->head + d->count) % QUEUE];
			buf = p->data;
		}
		n = read(d->from, buf, SLOT);
		if (n <= 0)
			return; /* EAGAIN, or the device went away */
		if (p == NULL) {
			d->dropped++;
			continue;
		}
		due = now_ns() + delay;
		if (jitter > 0)
			due +=
			    (long long)(random() % (2 * jitter + 1)) - jitter;
		if (due < d->last_due)
			due = d->last_due;
		d->last_due = due;
		p->due = due;
		p->len = (unsigned short)n;
		d->count++;
	}
}

/* Writes the packets that are due; returns the ns until the next one is,
 * or -1 when the queue is empty. */
static long long
give(struct dir *d)
{
	long long t = now_ns();

	while (d->count > 0) {
		struct packet *p = &d->q[d->head];

		if (p->due > t)
			return p->due - t;
		/* A full device queue on the other side drops the packet:
		 * the same as a congested link. */
		if (write(d->to, p->data, p->len) == p->len)
			d->forwarded++;
		else
			d->dropped++;
		d->head = (d->head + 1) % QUEUE;
		d->count--;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	struct dir	 dirs[2];
	struct sigaction sa;
	long long	 delay, jitter;
	int		 a, b, i;
	FILE		*ready;

	if (argc != 6) {
		fprintf(stderr,
		    "usage: delayline READY NETNS_A NETNS_B DELAY_US "
		    "JITTER_US\n");
		return 2;
	}
	delay = strtoll(argv[4], NULL, 10) * 1000;
	jitter = strtoll(argv[5], NULL, 10) * 1000;
	if ((a = open_tun(argv[2], "afb0")) < 0 ||
	    (b = open_tun(argv[3], "afb1")) < 0)
		return 1;
	memset(dirs, 0, sizeof(dirs));
	dirs[0].from = a;
	dirs[0].to = b;
	dirs[1].from = b;
	dirs[1].to = a;
	for (i = 0; i < 2; i++) {
		if ((dirs[i].q = malloc(sizeof(struct packet) * QUEUE)) ==
		    NULL) {
			fprintf(stderr, "delayline: out of memory\n");
			return 1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	srandom((unsigned)now_ns());
	{
		struct sched_param sp = { .sched_priority = 10 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			(void)setpriority(PRIO_PROCESS, 0, -20);
	}
	if ((ready = fopen(argv[1], "w")) == NULL) {
		fprintf(
		    stderr, "delayline: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fputs("ready\n", ready);
	fclose(ready);

	while (!stop) {
		struct pollfd	pfd[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
		struct timespec ts, *tp = NULL;
		long long	wait = -1;

		for (i = 0; i < 2; i++) {
			long long w = give(&dirs[i]);

			if (w >= 0 && (wait < 0 || w < wait))
				wait = w;
		}
		if (wait >= 0) {
			ts.tv_sec = wait / 1000000000LL;
			ts.tv_nsec = wait % 1000000000LL;
			tp = &ts;
		}
		if (ppoll(pfd, 2, tp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(
			    stderr, "delayline: ppoll: %s\n", strerror(errno));
			return 1;
		}
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				take(&dirs[i], delay, jitter);
	}
	fprintf(stderr,
	    "delayline: forwarded %llu + %llu packets, dropped %llu + %llu\n",
	    dirs[0].forwarded, dirs[1].forwarded, dirs[0].dropped,
	    dirs[1].dropped);
	return 0;
}
