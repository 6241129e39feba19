/*
 * afetch: fetch many URLs concurrently, one JSON line per URL.
 */
#include <stdlib.h> /* defines __GLIBC__ where it applies */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <curl/curl.h>

#include "app.h"
#include "cli.h"
#include "msgs.h"

int
main(int argc, char *argv[])
{
	struct config cfg;
	int	      status;

#ifdef M_MMAP_THRESHOLD
	/*
	 * Every transfer in flight has libcurl's 64 KiB receive buffer (see
	 * transfer.c), of which a small response touches one page. Taken from
	 * the heap, the buffers lie between the transfers' small blocks and
	 * spread them over more pages; mapped on their own, only the page a
	 * response touches is resident (bench M: about 2 KiB less per
	 * transfer in flight). Handles are pooled, so a buffer is mapped once
	 * per handle, not once per request.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 64 * 1024);
#endif
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
