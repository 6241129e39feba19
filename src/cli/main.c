/*
 * afetch: fetch many URLs concurrently, one JSON line per URL.
 *
 * main() sets up the process (descriptors 0-2, libcurl), parses the
 * command line, runs, and is the one place that turns how the run ended
 * into the exit status.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <curl/curl.h>

#include "app.h"
#include "cli.h"
#include "merge.h"
#include "msgs.h"
#include "outcome.h"
#include "url.h"

/*
 * Opens /dev/null on each of descriptors 0-2 that is closed, so nothing
 * afetch opens later (its epoll descriptor, a socket) takes the place of
 * stdin, stdout or stderr. Returns a bit per descriptor that was closed.
 */
static int
open_closed_stdio(void)
{
	int fd, closed = 0;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free descriptor is this one. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == fd)
			closed |= 1 << fd;
	}
	return closed;
}

/* afetch --merge FILE...: no run, no libcurl; the merge's own statuses. */
static int
run_merge(const struct config *cfg)
{
	struct merge_options o = { 0 };
	struct merge_stats   st;

	o.files = cfg->urls;
	o.nfiles = (size_t)cfg->nurls;
	o.budget = cfg->merge_buffer;
	o.summary_json = cfg->summary_json;
	o.out_fd = STDOUT_FILENO;
	switch (merge_run(&o, &st)) {
	case MERGE_COMPLETE:
		return EXIT_ALL_DONE;
	case MERGE_UNREADABLE:
		return EXIT_USAGE;
	case MERGE_INCOMPLETE:
	case MERGE_FAILED:
		break;
	}
	return EXIT_SOME_FAILED;
}

int
main(int argc, char *argv[])
{
	struct config  cfg;
	struct outcome out = { 0 };
	int	       closed = open_closed_stdio();

	switch (cli_parse(argc, argv, &cfg)) {
	case CLI_EXIT:
		config_free(&cfg);
		return EXIT_ALL_DONE;
	case CLI_USAGE:
		config_free(&cfg);
		return EXIT_USAGE;
	case CLI_RUN:
		break;
	}
	if (closed & (1 << STDOUT_FILENO)) {
		/* Known before anything is fetched: no record could go out. */
		msgs_warnx(
		    "standard output is closed: nowhere to write records");
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if (cfg.merge) {
		int status = run_merge(&cfg);

		config_free(&cfg);
		return status;
	}
	/* Non-ASCII host names reach libcurl's IDN code as UTF-8. */
	(void)url_global_init();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		msgs_warnx("libcurl failed to initialise");
		config_free(&cfg);
		return EXIT_SOME_FAILED;
	}
	app_run(&cfg, &out);
	curl_global_cleanup();
	config_free(&cfg);
	return outcome_exit_status(&out);
}
