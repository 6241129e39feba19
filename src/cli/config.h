/*
 * config: everything the command line decides, as plain data. cli fills
 * it; app reads it. Nothing else touches argv.
 */
#ifndef AFETCH_CONFIG_H
#define AFETCH_CONFIG_H

#include <stddef.h>

#define AFETCH_VERSION "0.1.0"

enum order {
	ORDER_COMPLETED, /* as each task finishes */
	ORDER_INPUT	 /* in input order, streamed */
};

struct config {
	size_t	     jobs;
	size_t	     workers;	 /* event loops, one per thread; 0: auto */
	const char  *input_file; /* NULL: stdin, or the arguments */
	char *const *urls;	 /* URLs given as arguments */
	int	     nurls;
	enum order   order;
	size_t	     window;  /* 0: 4 x jobs */
	double	     timeout; /* seconds; 0: none */
	double	     connect_timeout;
	double	     deadline; /* seconds; 0: none */
	long	     first;    /* 0: off */
	int	     follow_redirects;
	long	     max_redirects;
	const char  *user_agent;
	long long    max_size; /* < 0: none */
	int	     http1_only;
	int	     fail; /* --fail: status >= 400 fails the run */

	/* Pacing (0: no limit). */
	size_t per_host;
	double rate;	  /* requests per second, overall */
	double host_rate; /* requests per second, per host */

	/* Retries. */
	int    retries;
	double retry_delay;
	double retry_max_delay;

	/* Requests. */
	const char  *method;  /* -X; NULL: GET, or POST with -d */
	const char **headers; /* -H, in order; owned (config_free) */
	size_t	     nheaders;
	const char  *data; /* -d as given: text, or @FILE */
	int	     insecure;
	const char  *cacert;
	const char  *capath;
	const char  *proxy;

	/* Responses. */
	int	    want_headers;
	int	    want_body;
	const char *output_dir;

	/* Resume and sharding. */
	const char *resume_file;
	unsigned    shard_k;
	unsigned    shard_n; /* 0: no sharding */

	/* Crawl mode (section 13 of the contract). */
	int	     crawl;    /* -r, --crawl */
	long	     depth;    /* links followed from pages above it */
	int	     scope;    /* enum scope_kind */
	const char **includes; /* --include, in order; owned */
	size_t	     nincludes;
	const char **excludes; /* --exclude, in order; owned */
	size_t	     nexcludes;
	size_t	     max_urls;	 /* 0: no limit */
	int	     no_robots;	 /* --no-robots */
	int	     sitemaps;	 /* --sitemaps */
	const char  *crawl_only; /* a crawl option given, for the check */
	/* --merge: the operands are output files to merge, not URLs. */
	int    merge;
	size_t merge_buffer; /* bytes; 0: merge's default */

	/* Progress and summary. */
	int	    progress; /* -1: when stderr is a terminal */
	int	    summary;
	const char *summary_json;
};

/* Frees what the config owns (not the strings, which point into argv). */
void config_free(struct config *cfg);

#endif
