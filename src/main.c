/*
 * afetch: fetch many URLs concurrently, one JSON line per URL.
 */
#include <curl/curl.h>

#include "app.h"
#include "cli.h"
#include "msgs.h"
#include "url.h"

int
main(int argc, char *argv[])
{
	struct config cfg;
	int	      status;

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
	/* Non-ASCII host names reach libcurl's IDN code as UTF-8. */
	(void)url_global_init();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		msgs_warnx("libcurl failed to initialise");
		config_free(&cfg);
		return EXIT_SOME_FAILED;
	}
	status = app_run(&cfg);
	curl_global_cleanup();
	config_free(&cfg);
	return status;
}
