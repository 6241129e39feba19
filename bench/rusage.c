/*
 * rusage: runs a command and reports what it used, for bench/run.
 *
 *	rusage REPORT COMMAND [ARG ...]
 *
 * Forks, executes COMMAND, waits for it and writes one line to the file
 * REPORT: user and system CPU seconds and peak RSS in KiB of COMMAND and
 * the children it waited for ("%ld.%06ld %ld.%06ld %ld\n"). Exits with
 * COMMAND's status, or 128 + the signal that ended it.
 *
 * Why not wait4 from bench/run itself: Linux carries ru_maxrss across
 * execve, so a process forked from a 15 MiB Python interpreter reports at
 * least 15 MiB whatever it runs. Forked from this small program instead,
 * a tool's peak RSS is its own.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int
main(int argc, char *argv[])
{
	struct rusage ru;
	FILE	     *report;
	pid_t	      pid;
	int	      status;

	if (argc < 3) {
		fprintf(stderr, "usage: rusage REPORT COMMAND [ARG ...]\n");
		return 2;
	}
	pid = fork();
	if (pid == -1) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
#ifdef __linux__
		/* Ends with us: bench/run kills us, not what we started. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rusage: %s: exec failed\n", argv[2]);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 127;
		}
	}
	report = fopen(argv[1], "w");
	if (report == NULL) {
		perror("rusage: report");
		return 127;
	}
	fprintf(report, "%ld.%06ld %ld.%06ld %ld\n", (long)ru.ru_utime.tv_sec,
	    (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
	    (long)ru.ru_stime.tv_usec, ru.ru_maxrss);
	if (fclose(report) != 0) {
		perror("rusage: report");
		return 127;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
