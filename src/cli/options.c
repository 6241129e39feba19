/*
 * options: the table of afetch's options, each with the small function
 * that applies its value to the config, and the parsers of values they
 * share. cli builds getopt_long's tables, --help and the usage line from
 * it; nothing else reads it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "scope.h"
#include "shard.h"
#include "workers.h"

#define MAX_JOBS 100000

/*
 * Parses a decimal number (seconds, or a rate): finite, at most 1e9, and
 * 0 or more, or with positive set, more than 0.
 */
static int
parse_decimal(const char *s, int positive, double *out)
{
	char  *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0 ||
	    (positive && v == 0) || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

/* Parses a whole number in [min, max]. */
static int
parse_count(const char *s, long long min, long long max, long long *out)
{
	char	 *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->jobs = 50;
	cfg->workers = 1;
	cfg->order = ORDER_COMPLETED;
	cfg->timeout = 30;
	cfg->connect_timeout = 10;
	cfg->follow_redirects = 1;
	cfg->max_redirects = 10;
	cfg->user_agent = "afetch/" AFETCH_VERSION;
	cfg->max_size = -1;
	cfg->retry_delay = 0.5;
	cfg->retry_max_delay = 30;
	cfg->progress = -1;
	cfg->depth = 5;
	cfg->scope = SCOPE_HOST;
}

void
config_free(struct config *cfg)
{
	free(cfg->headers);
	cfg->headers = NULL;
	cfg->nheaders = 0;
	free(cfg->includes);
	cfg->includes = NULL;
	cfg->nincludes = 0;
	free(cfg->excludes);
	cfg->excludes = NULL;
	cfg->nexcludes = 0;
}

#define COUNT_SETTER(fn, field, type, min, max)                                \
	static int fn(struct config *cfg, const char *arg)                     \
	{                                                                      \
		long long n;                                                   \
                                                                               \
		if (parse_count(arg, min, max, &n) == -1)                      \
			return -1;                                             \
		cfg->field = (type)n;                                          \
		return 0;                                                      \
	}
#define DECIMAL_SETTER(fn, field, positive)                                    \
	static int fn(struct config *cfg, const char *arg)                     \
	{                                                                      \
		return parse_decimal(arg, positive, &cfg->field);              \
	}
#define STRING_SETTER(fn, field)                                               \
	static int fn(struct config *cfg, const char *arg)                     \
	{                                                                      \
		cfg->field = arg;                                              \
		return 0;                                                      \
	}
#define FLAG_SETTER(fn, field, value)                                          \
	static int fn(struct config *cfg, const char *arg)                     \
	{                                                                      \
		(void)arg;                                                     \
		cfg->field = value;                                            \
		return 0;                                                      \
	}

COUNT_SETTER(set_jobs, jobs, size_t, 1, MAX_JOBS)
COUNT_SETTER(set_per_host, per_host, size_t, 1, MAX_JOBS)
COUNT_SETTER(set_window, window, size_t, 1, 100000000)
COUNT_SETTER(set_first, first, long, 1, LONG_MAX)
COUNT_SETTER(set_max_redirs, max_redirects, long, 0, 1000)
COUNT_SETTER(set_max_size, max_size, long long, 0, LLONG_MAX)
COUNT_SETTER(set_retries, retries, int, 0, 1000)
COUNT_SETTER(set_merge_buffer, merge_buffer, size_t, 65536, SIZE_MAX / 2)
DECIMAL_SETTER(set_timeout, timeout, 0)
DECIMAL_SETTER(set_connect_timeout, connect_timeout, 0)
DECIMAL_SETTER(set_deadline, deadline, 1)
DECIMAL_SETTER(set_rate, rate, 1)
DECIMAL_SETTER(set_host_rate, host_rate, 1)
DECIMAL_SETTER(set_retry_delay, retry_delay, 0)
DECIMAL_SETTER(set_retry_max_delay, retry_max_delay, 0)
STRING_SETTER(set_input, input_file)
STRING_SETTER(set_resume, resume_file)
STRING_SETTER(set_agent, user_agent)
STRING_SETTER(set_data, data)
STRING_SETTER(set_cacert, cacert)
STRING_SETTER(set_capath, capath)
STRING_SETTER(set_proxy, proxy)
STRING_SETTER(set_summary_json, summary_json)
FLAG_SETTER(set_fail, fail, 1)
FLAG_SETTER(set_insecure, insecure, 1)
FLAG_SETTER(set_http11, http1_only, 1)
FLAG_SETTER(set_no_follow, follow_redirects, 0)
FLAG_SETTER(set_headers, want_headers, 1)
FLAG_SETTER(set_body, want_body, 1)
FLAG_SETTER(set_progress, progress, 1)
FLAG_SETTER(set_no_progress, progress, 0)
FLAG_SETTER(set_summary, summary, 1)
FLAG_SETTER(set_merge, merge, 1)

static int
set_order(struct config *cfg, const char *arg)
{
	if (strcmp(arg, "completed") == 0)
		cfg->order = ORDER_COMPLETED;
	else if (strcmp(arg, "input") == 0)
		cfg->order = ORDER_INPUT;
	else
		return -1;
	return 0;
}

/* A count, or `auto`: as many as the cores the process may use. */
static int
set_workers(struct config *cfg, const char *arg)
{
	long long n;

	if (strcmp(arg, "auto") == 0) {
		cfg->workers = 0;
		return 0;
	}
	if (parse_count(arg, 1, WORKERS_MAX, &n) == -1)
		return -1;
	cfg->workers = (size_t)n;
	return 0;
}

static int
set_shard(struct config *cfg, const char *arg)
{
	return shard_parse(arg, &cfg->shard_k, &cfg->shard_n) == RUN_OK ? 0
									: -1;
}

/* A method is one token: no blanks, which would split the request line. */
static int
set_method(struct config *cfg, const char *arg)
{
	if (*arg == '\0' || strpbrk(arg, " \t\r\n") != NULL)
		return -1;
	cfg->method = arg;
	return 0;
}

static int
set_output_dir(struct config *cfg, const char *arg)
{
	if (*arg == '\0')
		return -1;
	cfg->output_dir = arg;
	return 0;
}

/*
 * A header is "Name: value" (value may be empty) or "Name;" for an empty
 * one, as curl takes them; the name is a token and nothing may hold a
 * line break, which would smuggle another header in.
 */
static int
valid_header(const char *h)
{
	const char *p;

	for (p = h; *p != '\0' && *p != ':' && *p != ';'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	if (p == h || *p == '\0')
		return 0;
	return strpbrk(h, "\r\n") == NULL;
}

static int
set_header(struct config *cfg, const char *arg)
{
	const char **grown;

	if (!valid_header(arg))
		return -1;
	grown =
	    realloc(cfg->headers, (cfg->nheaders + 1) * sizeof(*cfg->headers));
	if (grown == NULL)
		return -1;
	cfg->headers = grown;
	cfg->headers[cfg->nheaders++] = arg;
	return 0;
}

/* Appends s to the owned list *list of *n strings. */
static int
list_append(const char ***list, size_t *n, const char *s)
{
	const char **grown;

	if ((grown = realloc(*list, (*n + 1) * sizeof(**list))) == NULL)
		return -1;
	*list = grown;
	(*list)[(*n)++] = s;
	return 0;
}

/*
 * The crawl options note that one was given: without --crawl they are a
 * usage error (cli's check), not silently ignored.
 */
static int
set_crawl(struct config *cfg, const char *arg)
{
	(void)arg;
	cfg->crawl = 1;
	return 0;
}

static int
set_depth(struct config *cfg, const char *arg)
{
	long long n;

	if (parse_count(arg, 0, 1000000, &n) == -1)
		return -1;
	cfg->depth = (long)n;
	cfg->crawl_only = "--depth";
	return 0;
}

static int
set_scope(struct config *cfg, const char *arg)
{
	enum scope_kind kind;

	if (scope_kind_parse(arg, &kind) != CRAWL_OK)
		return -1;
	cfg->scope = (int)kind;
	cfg->crawl_only = "--scope";
	return 0;
}

/* A POSIX extended expression that regcomp() takes, as scope will. */
static int
valid_regex(const char *arg)
{
	regex_t re;

	if (regcomp(&re, arg, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	regfree(&re);
	return 1;
}

static int
set_include(struct config *cfg, const char *arg)
{
	if (!valid_regex(arg))
		return -1;
	cfg->crawl_only = "--include";
	return list_append(&cfg->includes, &cfg->nincludes, arg);
}

static int
set_exclude(struct config *cfg, const char *arg)
{
	if (!valid_regex(arg))
		return -1;
	cfg->crawl_only = "--exclude";
	return list_append(&cfg->excludes, &cfg->nexcludes, arg);
}

static int
set_max_urls(struct config *cfg, const char *arg)
{
	long long n;

	if (parse_count(arg, 1, LLONG_MAX, &n) == -1)
		return -1;
	cfg->max_urls = (size_t)n;
	cfg->crawl_only = "--max-urls";
	return 0;
}

static int
set_no_robots(struct config *cfg, const char *arg)
{
	(void)arg;
	cfg->no_robots = 1;
	cfg->crawl_only = "--no-robots";
	return 0;
}

static int
set_sitemaps(struct config *cfg, const char *arg)
{
	(void)arg;
	cfg->sitemaps = 1;
	cfg->crawl_only = "--sitemaps";
	return 0;
}

const struct option_spec options[] = {
	/* Input */
	{ "input", 'i', "file", "read URLs from file (- is stdin)", set_input },
	{ "resume", 0, "file", "skip URLs with a done record in file",
	    set_resume },
	{ "shard", 0, "k/n", "fetch only URLs whose host is in shard k of n",
	    set_shard },
	/* Concurrency and pacing */
	{ "jobs", 'j', "n", "at most n transfers in flight (50)", set_jobs },
	{ "per-host", 0, "n", "at most n transfers in flight per host",
	    set_per_host },
	{ "rate", 0, "r", "start at most r requests per second", set_rate },
	{ "host-rate", 0, "r", "start at most r requests per second per host",
	    set_host_rate },
	{ "workers", 'w', "n | auto",
	    "run transfers on n event loops, one per thread (1)", set_workers },
	/* Timeouts and endings */
	{ "timeout", 't', "secs", "limit for one attempt (30; 0: none)",
	    set_timeout },
	{ "connect-timeout", 0, "secs", "limit for connecting (10)",
	    set_connect_timeout },
	{ "deadline", 0, "secs", "cancel whatever is unfinished after secs",
	    set_deadline },
	{ "first", 0, "n", "stop once n tasks finished with a 2xx status",
	    set_first },
	{ "fail", 0, NULL, "exit 1 when a status is 400 or more", set_fail },
	/* Retries */
	{ "retries", 0, "n", "retry transient failures n times (0)",
	    set_retries },
	{ "retry-delay", 0, "secs",
	    "first retry backoff, doubled each time (0.5)", set_retry_delay },
	{ "retry-max-delay", 0, "secs", "longest wait before a retry (30)",
	    set_retry_max_delay },
	/* Requests */
	{ "request", 'X', "method", "request method (GET; POST with -d)",
	    set_method },
	{ "header", 'H', "'name: value'",
	    "add or replace a header (repeatable)", set_header },
	{ "data", 'd', "data | @file",
	    "send data (or @file's bytes) as the body", set_data },
	{ "user-agent", 'A', "agent", "User-Agent (afetch/VERSION)",
	    set_agent },
	{ "insecure", 'k', NULL, "do not verify TLS certificates",
	    set_insecure },
	{ "cacert", 0, "file", "verify TLS peers with the CAs in file",
	    set_cacert },
	{ "capath", 0, "dir", "verify TLS peers with the CAs in dir (hashed)",
	    set_capath },
	{ "proxy", 0, "url", "send requests through the proxy at url",
	    set_proxy },
	{ "http1.1", 0, NULL, "use HTTP/1.1 only (no HTTP/2)", set_http11 },
	{ "max-redirs", 0, "n", "follow at most n redirects (10)",
	    set_max_redirs },
	{ "no-follow", 0, NULL, "do not follow redirects", set_no_follow },
	/* Responses */
	{ "headers", 0, NULL, "add the response headers to records",
	    set_headers },
	{ "body", 0, NULL, "add the response body to records", set_body },
	{ "output-dir", 'o', "dir", "save each body in a file in dir",
	    set_output_dir },
	{ "max-size", 0, "bytes",
	    "abort bodies larger than bytes (--body: 1 MiB)", set_max_size },
	/* Crawl mode */
	{ "crawl", 'r', NULL, "follow links from the URLs, breadth first",
	    set_crawl },
	{ "depth", 0, "n", "follow links from pages up to depth n (5)",
	    set_depth },
	{ "scope", 0, "kind", "which links: host, domain, prefix or any (host)",
	    set_scope },
	{ "include", 0, "regex", "follow only links that match (repeatable)",
	    set_include },
	{ "exclude", 0, "regex", "never follow links that match (repeatable)",
	    set_exclude },
	{ "max-urls", 0, "n", "at most n tasks in the crawl, seeds included",
	    set_max_urls },
	{ "no-robots", 0, NULL, "ignore robots.txt and nofollow",
	    set_no_robots },
	{ "sitemaps", 0, NULL, "take the sitemaps' URLs as seeds too",
	    set_sitemaps },
	/* Output and progress */
	{ "order", 0, "completed | input",
	    "records as tasks finish, or in input order", set_order },
	{ "window", 0, "n", "at most n tasks read but unwritten (4 x -j)",
	    set_window },
	{ "progress", 0, NULL, "show a progress line on stderr", set_progress },
	{ "no-progress", 0, NULL, "never show a progress line",
	    set_no_progress },
	{ "summary", 0, NULL, "print a summary on stderr at the end",
	    set_summary },
	{ "summary-json", 0, "file", "write the summary to file as JSON",
	    set_summary_json },
	/* Merging outputs */
	{ "merge", 0, NULL,
	    "merge output files (operands) into one record per index",
	    set_merge },
	{ "merge-buffer", 0, "bytes",
	    "sort at most bytes of records in memory (64 MiB)",
	    set_merge_buffer },
	/* Help and version */
	{ "help", 'h', NULL, "print this help and exit", NULL },
	{ "version", 'V', NULL, "print versions and exit", NULL },
};

const size_t noptions = sizeof(options) / sizeof(options[0]);

_Static_assert(sizeof(options) / sizeof(options[0]) <= OPTIONS_MAX,
    "more options than cli's tables hold (OPTIONS_MAX)");
