/*
 * frontier_bytes: the crawl frontier's memory per URL (the contract's
 * "bytes per URL are measured in bench/").
 *
 *	frontier_bytes [N]	(default 1,000,000)
 *
 * Pushes N distinct URLs shaped as a crawl meets them (one host of the
 * generated site, "http://www.site.test/site/n1000000b10c3/p/I", about 48
 * bytes) into a frontier, then takes them all off the queue, and prints
 * the frontier's own count of its bytes (frontier_bytes) per URL with
 * every URL seen and queued, and with every URL seen and none queued, and
 * the process's peak RSS. Exits 1 when memory runs out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "frontier.h"

int
main(int argc, char **argv)
{
	struct frontier	    *fr;
	struct frontier_link l;
	struct rusage	     ru;
	size_t	 n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t	 i, len = 0, queued, seen;
	uint32_t key;
	char	 url[128];

	if (n == 0 || (fr = frontier_new()) == NULL ||
	    frontier_key(fr, "www.site.test", &key) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(url, sizeof(url),
		    "http://www.site.test/site/n1000000b10c3/p/%zu", i);
		if (frontier_push(
			fr, url, 1 + i % 7, (long long)i / 10, key, NULL) != 1)
			return 1;
	}
	queued = frontier_bytes(fr);
	while (frontier_pop(fr, &l))
		;
	seen = frontier_bytes(fr);
	getrusage(RUSAGE_SELF, &ru);
	printf("urls %zu, mean length %.1f bytes\n", n, (double)len / n);
	printf("seen and queued: %.1f bytes/URL (%.1f MiB)\n",
	    (double)queued / n, queued / 1048576.0);
	printf("seen only:       %.1f bytes/URL (%.1f MiB)\n", (double)seen / n,
	    seen / 1048576.0);
	printf("peak RSS:        %.1f MiB\n", ru.ru_maxrss / 1024.0);
	frontier_free(fr);
	return 0;
}
