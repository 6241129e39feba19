/*
 * fdlimit: sets -j by the descriptors a run will really have, before
 * anything starts: it counts those open, reserves the run's own and two
 * per transfer, raises the soft limit where it may, and says in one line
 * when -j must come down.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/resource.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>

#include "fdlimit.h"
#include "msgs.h"

/* Probing more descriptors than this one by one would cost start-up. */
#define PROBE_MAX 65536

size_t
fdlimit_open_now(void)
{
	DIR	      *dir;
	struct dirent *de;
	struct rlimit  rl;
	size_t	       n = 0;
	int	       fd, top;

	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(dir)) != NULL)
			if (de->d_name[0] != '.')
				n++;
		closedir(dir);
		/* The directory's own descriptor was counted too. */
		return n > 0 ? n - 1 : 0;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	top = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > PROBE_MAX
	    ? PROBE_MAX
	    : (int)rl.rlim_cur;
	for (fd = 0; fd < top; fd++)
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			n++;
	return n;
}

/* Descriptors a transfer holds. */
static rlim_t
per_transfer(int saving_files)
{
	return FDLIMIT_PER_TRANSFER + (saving_files ? 1 : 0);
}

size_t
fdlimit_fit_jobs(size_t jobs, int saving_files)
{
	struct rlimit rl;
	rlim_t	      per = per_transfer(saving_files);
	rlim_t	      fixed = (rlim_t)fdlimit_open_now() + FDLIMIT_RUN;
	rlim_t	      need = (rlim_t)jobs * per + fixed;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return jobs;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return jobs;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	jobs = rl.rlim_cur > fixed + per ? (size_t)((rl.rlim_cur - fixed) / per)
					 : 1;
	msgs_warnx("open file limit is %llu: using -j %zu (%llu descriptors "
		   "a transfer, %llu for the run)",
	    (unsigned long long)rl.rlim_cur, jobs, (unsigned long long)per,
	    (unsigned long long)fixed);
	return jobs;
}

size_t
fdlimit_fit_idle(size_t jobs, int saving_files, size_t want)
{
	struct rlimit rl;
	rlim_t	      need = (rlim_t)jobs * per_transfer(saving_files) +
	    (rlim_t)fdlimit_open_now() + FDLIMIT_RUN;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need + want &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur =
		    rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need + want
		    ? need + want
		    : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
		    getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return 0;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need + want)
		return want;
	return rl.rlim_cur > need ? (size_t)(rl.rlim_cur - need) : 0;
}
