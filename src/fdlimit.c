#define _POSIX_C_SOURCE 200809L

#include <sys/resource.h>

#include "fdlimit.h"
#include "msgs.h"

size_t
fdlimit_fit_jobs(size_t jobs)
{
	struct rlimit rl;
	rlim_t	      need = (rlim_t)jobs * 2 + FDLIMIT_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return jobs;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return jobs;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur <= FDLIMIT_RESERVE * 2)
		jobs = 1;
	else
		jobs = (size_t)(rl.rlim_cur - FDLIMIT_RESERVE) / 2;
	msgs_warnx("open file limit is %llu: using -j %zu",
	    (unsigned long long)rl.rlim_cur, jobs);
	return jobs;
}
