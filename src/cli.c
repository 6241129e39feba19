#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <event2/event.h>

#include "cli.h"
#include "msgs.h"
#include "shard.h"

#define AFETCH_VERSION "0.1.0"
#define MAX_JOBS       100000

enum opt_id {
	OPT_JOBS = 'j',
	OPT_INPUT = 'i',
	OPT_TIMEOUT = 't',
	OPT_AGENT = 'A',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_CONNECT_TIMEOUT = 256,
	OPT_DEADLINE,
	OPT_FIRST,
	OPT_ORDER,
	OPT_WINDOW,
	OPT_MAX_REDIRS,
	OPT_NO_FOLLOW,
	OPT_MAX_SIZE,
	OPT_HTTP11,
	OPT_FAIL,
	OPT_PER_HOST,
	OPT_RATE,
	OPT_HOST_RATE,
	OPT_RETRIES,
	OPT_RETRY_DELAY,
	OPT_RETRY_MAX_DELAY,
	OPT_CACERT,
	OPT_PROXY,
	OPT_HEADERS,
	OPT_BODY,
	OPT_RESUME,
	OPT_SHARD,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_SUMMARY,
	OPT_SUMMARY_JSON,
	OPT_METHOD = 'X',
	OPT_HEADER = 'H',
	OPT_DATA = 'd',
	OPT_INSECURE = 'k',
	OPT_OUTPUT_DIR = 'o',
};

/* The one table of options: getopt_long's and --help's. */
static const struct option_spec {
	const char *name;
	int	    id;
	const char *arg; /* NULL: takes no argument */
	const char *help;
} options[] = {
	/* Input */
	{ "input", OPT_INPUT, "FILE", "read URLs from FILE (- is stdin)" },
	{ "resume", OPT_RESUME, "FILE",
	    "skip URLs with a done record in FILE" },
	{ "shard", OPT_SHARD, "K/N",
	    "fetch only URLs whose host is in shard K of N" },
	/* Concurrency and pacing */
	{ "jobs", OPT_JOBS, "N", "at most N transfers in flight (50)" },
	{ "per-host", OPT_PER_HOST, "N",
	    "at most N transfers in flight per host" },
	{ "rate", OPT_RATE, "R", "start at most R requests per second" },
	{ "host-rate", OPT_HOST_RATE, "R",
	    "start at most R requests per second per host" },
	/* Timeouts and endings */
	{ "timeout", OPT_TIMEOUT, "SECS",
	    "limit for one attempt (30; 0: none)" },
	{ "connect-timeout", OPT_CONNECT_TIMEOUT, "SECS",
	    "limit for connecting (10)" },
	{ "deadline", OPT_DEADLINE, "SECS",
	    "cancel whatever is unfinished after SECS" },
	{ "first", OPT_FIRST, "N",
	    "stop once N tasks finished with a 2xx status" },
	{ "fail", OPT_FAIL, NULL, "exit 1 when a status is 400 or more" },
	/* Retries */
	{ "retries", OPT_RETRIES, "N", "retry transient failures N times (0)" },
	{ "retry-delay", OPT_RETRY_DELAY, "SECS",
	    "first retry backoff, doubled each time (0.5)" },
	{ "retry-max-delay", OPT_RETRY_MAX_DELAY, "SECS",
	    "longest wait before a retry (30)" },
	/* Requests */
	{ "request", OPT_METHOD, "METHOD",
	    "request method (GET; POST with -d)" },
	{ "header", OPT_HEADER, "'NAME: VALUE'",
	    "add or replace a header (repeatable)" },
	{ "data", OPT_DATA, "DATA|@FILE",
	    "send DATA (or FILE's bytes) as the body" },
	{ "user-agent", OPT_AGENT, "AGENT", "User-Agent (afetch/VERSION)" },
	{ "insecure", OPT_INSECURE, NULL, "do not verify TLS certificates" },
	{ "cacert", OPT_CACERT, "FILE",
	    "verify TLS peers with the CAs in FILE" },
	{ "proxy", OPT_PROXY, "URL", "send requests through the proxy at URL" },
	{ "http1.1", OPT_HTTP11, NULL, "use HTTP/1.1 only (no HTTP/2)" },
	{ "max-redirs", OPT_MAX_REDIRS, "N",
	    "follow at most N redirects (10)" },
	{ "no-follow", OPT_NO_FOLLOW, NULL, "do not follow redirects" },
	/* Responses */
	{ "headers", OPT_HEADERS, NULL, "add the response headers to records" },
	{ "body", OPT_BODY, NULL, "add the response body to records" },
	{ "output-dir", OPT_OUTPUT_DIR, "DIR",
	    "save each body in a file in DIR" },
	{ "max-size", OPT_MAX_SIZE, "BYTES",
	    "abort bodies larger than BYTES (--body: 1 MiB)" },
	/* Output and progress */
	{ "order", OPT_ORDER, "completed|input",
	    "records as tasks finish, or in input order" },
	{ "window", OPT_WINDOW, "N",
	    "at most N tasks read but unwritten (4 x -j)" },
	{ "progress", OPT_PROGRESS, NULL, "show a progress line on stderr" },
	{ "no-progress", OPT_NO_PROGRESS, NULL, "never show a progress line" },
	{ "summary", OPT_SUMMARY, NULL,
	    "print a summary on stderr at the end" },
	{ "summary-json", OPT_SUMMARY_JSON, "FILE",
	    "write the summary to FILE as JSON" },
	/* Help and version */
	{ "help", OPT_HELP, NULL, "print this help and exit" },
	{ "version", OPT_VERSION, NULL, "print versions and exit" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void
usage(FILE *f)
{
	size_t i;
	char   left[64];

	fprintf(f,
	    "usage: afetch [options] [URL ...] [< urls.txt]\n\n"
	    "Fetches URLs concurrently and writes one JSON line per URL.\n\n");
	for (i = 0; i < NOPTIONS; i++) {
		const struct option_spec *o = &options[i];

		if (o->id < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->id,
			    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-30s %s\n", left, o->help);
	}
	fprintf(f, "\nSee afetch(1) for the record format and exit status.\n");
}

static void
version(void)
{
	curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);

	printf("afetch %s\n", AFETCH_VERSION);
	printf("libcurl %s%s%s\n", cv->version, cv->ssl_version ? " " : "",
	    cv->ssl_version ? cv->ssl_version : "");
	printf("libevent %s\n", event_get_version());
	printf("cJSON %s\n", cJSON_Version());
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

static void
defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->jobs = 50;
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
}

void
config_free(struct config *cfg)
{
	free(cfg->headers);
	cfg->headers = NULL;
	cfg->nheaders = 0;
}

/* Applies one option. Returns 0, or -1 after printing a usage error. */
static int
apply(struct config *cfg, int id, const char *arg, const char *name)
{
	long long n;

	switch (id) {
	case OPT_JOBS:
		if (parse_count(arg, 1, MAX_JOBS, &n) == -1)
			goto bad;
		cfg->jobs = (size_t)n;
		break;
	case OPT_INPUT:
		cfg->input_file = arg;
		break;
	case OPT_ORDER:
		if (strcmp(arg, "completed") == 0)
			cfg->order = ORDER_COMPLETED;
		else if (strcmp(arg, "input") == 0)
			cfg->order = ORDER_INPUT;
		else
			goto bad;
		break;
	case OPT_WINDOW:
		if (parse_count(arg, 1, 100000000, &n) == -1)
			goto bad;
		cfg->window = (size_t)n;
		break;
	case OPT_TIMEOUT:
		if (parse_decimal(arg, 0, &cfg->timeout) == -1)
			goto bad;
		break;
	case OPT_CONNECT_TIMEOUT:
		if (parse_decimal(arg, 0, &cfg->connect_timeout) == -1)
			goto bad;
		break;
	case OPT_DEADLINE:
		if (parse_decimal(arg, 1, &cfg->deadline) == -1)
			goto bad;
		break;
	case OPT_FIRST:
		if (parse_count(arg, 1, LONG_MAX, &n) == -1)
			goto bad;
		cfg->first = (long)n;
		break;
	case OPT_MAX_REDIRS:
		if (parse_count(arg, 0, 1000, &n) == -1)
			goto bad;
		cfg->max_redirects = (long)n;
		break;
	case OPT_NO_FOLLOW:
		cfg->follow_redirects = 0;
		break;
	case OPT_MAX_SIZE:
		if (parse_count(arg, 0, LLONG_MAX, &n) == -1)
			goto bad;
		cfg->max_size = n;
		break;
	case OPT_AGENT:
		cfg->user_agent = arg;
		break;
	case OPT_HTTP11:
		cfg->http1_only = 1;
		break;
	case OPT_FAIL:
		cfg->fail = 1;
		break;
	case OPT_PER_HOST:
		if (parse_count(arg, 1, MAX_JOBS, &n) == -1)
			goto bad;
		cfg->per_host = (size_t)n;
		break;
	case OPT_RATE:
		if (parse_decimal(arg, 1, &cfg->rate) == -1)
			goto bad;
		break;
	case OPT_HOST_RATE:
		if (parse_decimal(arg, 1, &cfg->host_rate) == -1)
			goto bad;
		break;
	case OPT_RETRIES:
		if (parse_count(arg, 0, 1000, &n) == -1)
			goto bad;
		cfg->retries = (int)n;
		break;
	case OPT_RETRY_DELAY:
		if (parse_decimal(arg, 0, &cfg->retry_delay) == -1)
			goto bad;
		break;
	case OPT_RETRY_MAX_DELAY:
		if (parse_decimal(arg, 0, &cfg->retry_max_delay) == -1)
			goto bad;
		break;
	case OPT_METHOD:
		if (*arg == '\0' || strpbrk(arg, " \t\r\n") != NULL)
			goto bad;
		cfg->method = arg;
		break;
	case OPT_HEADER: {
		const char **grown;

		if (!valid_header(arg))
			goto bad;
		grown = realloc(
		    cfg->headers, (cfg->nheaders + 1) * sizeof(*cfg->headers));
		if (grown == NULL) {
			msgs_warnx("out of memory");
			return -1;
		}
		cfg->headers = grown;
		cfg->headers[cfg->nheaders++] = arg;
		break;
	}
	case OPT_DATA:
		cfg->data = arg;
		break;
	case OPT_INSECURE:
		cfg->insecure = 1;
		break;
	case OPT_CACERT:
		cfg->cacert = arg;
		break;
	case OPT_PROXY:
		cfg->proxy = arg;
		break;
	case OPT_HEADERS:
		cfg->want_headers = 1;
		break;
	case OPT_BODY:
		cfg->want_body = 1;
		break;
	case OPT_OUTPUT_DIR:
		if (*arg == '\0')
			goto bad;
		cfg->output_dir = arg;
		break;
	case OPT_RESUME:
		cfg->resume_file = arg;
		break;
	case OPT_SHARD:
		if (shard_parse(arg, &cfg->shard_k, &cfg->shard_n) == -1)
			goto bad;
		break;
	case OPT_PROGRESS:
		cfg->progress = 1;
		break;
	case OPT_NO_PROGRESS:
		cfg->progress = 0;
		break;
	case OPT_SUMMARY:
		cfg->summary = 1;
		break;
	case OPT_SUMMARY_JSON:
		cfg->summary_json = arg;
		break;
	}
	return 0;
bad:
	msgs_warnx("bad value for --%s: '%s' (see afetch --help)", name, arg);
	return -1;
}

static const struct option_spec *
find_spec(int id)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (options[i].id == id)
			return &options[i];
	return NULL;
}

enum cli_result
cli_parse(int argc, char *argv[], struct config *cfg)
{
	struct option		  longopts[NOPTIONS + 1];
	char			  shortopts[2 * NOPTIONS + 2];
	size_t			  i, ns = 0;
	int			  c, help = 0, show_version = 0;
	const struct option_spec *spec;

	defaults(cfg);
	/*
	 * GNU-style: options may follow URLs. A leading ':' makes getopt
	 * report a missing value as ':' rather than '?'.
	 */
	shortopts[ns++] = ':';
	for (i = 0; i < NOPTIONS; i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg =
		    options[i].arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = options[i].id;
		if (options[i].id < 256) {
			shortopts[ns++] = (char)options[i].id;
			if (options[i].arg)
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[NOPTIONS], 0, sizeof(longopts[0]));
	shortopts[ns] = '\0';

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *what = argv[optind - 1];

			if (c == '?' && optopt != 0 && optopt < 256 &&
			    strncmp(what, "--", 2) != 0)
				msgs_warnx("unknown option -%c (see afetch "
					   "--help)",
				    optopt);
			else if (c == '?')
				msgs_warnx("unknown option %s (see afetch "
					   "--help)",
				    what);
			else
				msgs_warnx("option %s needs a value (see "
					   "afetch --help)",
				    what);
			return CLI_USAGE;
		}
		if (c == OPT_HELP) {
			help = 1;
			continue;
		}
		if (c == OPT_VERSION) {
			show_version = 1;
			continue;
		}
		spec = find_spec(c);
		if (apply(cfg, c, optarg, spec ? spec->name : "?") == -1)
			return CLI_USAGE;
	}
	if (help) {
		usage(stdout);
		return CLI_EXIT;
	}
	if (show_version) {
		version();
		return CLI_EXIT;
	}
	cfg->urls = argv + optind;
	cfg->nurls = argc - optind;
	if (cfg->nurls > 0 && cfg->input_file != NULL) {
		msgs_warnx("URLs given both as arguments and with -i");
		return CLI_USAGE;
	}
	if (cfg->window == 0)
		cfg->window = cfg->jobs * 4;
	return CLI_RUN;
}
