/*
 * cli: reads the command line into a config. It builds getopt_long's
 * tables and --help, whose usage line is the man page's SYNOPSIS, from the
 * one table in options.c, and answers --help and --version itself; main()
 * calls it once.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
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
#include "options.h"

/* The operands, after every option, in the usage line and SYNOPSIS. */
static const char *const operands[] = { "[URL ...]", "[< urls.txt]" };

/* Where the usage line wraps, and how far its lines are indented. */
#define USAGE_WIDTH 79

/* Compares letters without case, then lower before upper (BSD order). */
static int
letter_order(const void *a, const void *b)
{
	int x = *(const char *)a, y = *(const char *)b;
	int lx = tolower((unsigned char)x), ly = tolower((unsigned char)y);

	return lx != ly ? lx - ly : y - x;
}

static int
spec_order(const void *a, const void *b)
{
	const struct option_spec *x = *(const struct option_spec *const *)a;
	const struct option_spec *y = *(const struct option_spec *const *)b;

	if ((x->letter != 0) != (y->letter != 0))
		return x->letter != 0 ? -1 : 1;
	if (x->letter != 0)
		return letter_order(&x->letter, &y->letter);
	return strcmp(x->name, y->name);
}

/* Appends one bracketed group to the usage text, wrapping before it. */
static void
usage_word(FILE *f, const char *word, size_t *col, size_t indent)
{
	size_t len = strlen(word);

	if (*col + 1 + len > USAGE_WIDTH) {
		fprintf(f, "\n%*s", (int)indent, "");
		*col = indent;
	} else if (*col > indent) {
		fputc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += len;
}

/*
 * The usage line, as in BSD usage(): flags without an argument in one
 * group, then the short options with an argument, then the long-only
 * ones, each sorted; the man page's SYNOPSIS lists the same, in order.
 */
static void
usage_line(FILE *f)
{
	const struct option_spec *sorted[OPTIONS_MAX];
	char			  flags[OPTIONS_MAX + 1], word[128];
	size_t			  i, n = 0, col, indent;

	fputs("usage: afetch ", f);
	col = indent = strlen("usage: afetch ");
	for (i = 0; i < noptions; i++)
		if (options[i].letter != 0 && options[i].arg == NULL)
			flags[n++] = options[i].letter;
	flags[n] = '\0';
	qsort(flags, n, 1, letter_order);
	snprintf(word, sizeof(word), "[-%s]", flags);
	usage_word(f, word, &col, indent);
	for (i = n = 0; i < noptions; i++)
		if (options[i].letter == 0 || options[i].arg != NULL)
			sorted[n++] = &options[i];
	qsort(sorted, n, sizeof(sorted[0]), spec_order);
	for (i = 0; i < n; i++) {
		const struct option_spec *o = sorted[i];

		if (o->letter != 0)
			snprintf(
			    word, sizeof(word), "[-%c %s]", o->letter, o->arg);
		else
			snprintf(word, sizeof(word), "[--%s%s%s]", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		usage_word(f, word, &col, indent);
	}
	for (i = 0; i < sizeof(operands) / sizeof(operands[0]); i++)
		usage_word(f, operands[i], &col, indent);
	fputc('\n', f);
}

static void
usage(FILE *f)
{
	size_t i;
	char   left[64];

	usage_line(f);
	fputs(
	    "\nFetches URLs concurrently and writes one JSON line per URL.\n\n",
	    f);
	for (i = 0; i < noptions; i++) {
		const struct option_spec *o = &options[i];

		if (o->letter != 0)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->letter,
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

/* Reports the getopt error c ('?' or ':') for the word argv[optind - 1]. */
static void
option_error(int c, const char *what)
{
	if (c == '?' && optopt > 0 && optopt < 256 &&
	    strncmp(what, "--", 2) != 0)
		msgs_warnx("unknown option -%c (see afetch --help)", optopt);
	else if (c == '?')
		msgs_warnx("unknown option %s (see afetch --help)", what);
	else
		msgs_warnx("option %s needs a value (see afetch --help)", what);
}

/* The checks across options, once all are read. Returns 0, or -1. */
static int
check_config(struct config *cfg)
{
	if (cfg->merge && cfg->nurls == 0) {
		msgs_warnx("--merge needs the files to merge");
		return -1;
	}
	if (cfg->nurls > 0 && cfg->input_file != NULL) {
		msgs_warnx("URLs given both as arguments and with -i");
		return -1;
	}
	if (!cfg->crawl && cfg->crawl_only != NULL) {
		msgs_warnx("%s needs --crawl", cfg->crawl_only);
		return -1;
	}
	if (cfg->window == 0)
		cfg->window = cfg->jobs * 4;
	return 0;
}

/*
 * getopt_long returns a short option's letter, or for a long option the
 * value we gave it: 256 + its index in the table.
 */
static const struct option_spec *
spec_of(int c)
{
	size_t i;

	if (c >= 256 && (size_t)(c - 256) < noptions)
		return &options[c - 256];
	for (i = 0; i < noptions; i++)
		if (options[i].letter != 0 && options[i].letter == c)
			return &options[i];
	return NULL;
}

enum cli_result
cli_parse(int argc, char *argv[], struct config *cfg)
{
	struct option		  longopts[OPTIONS_MAX + 1];
	char			  shortopts[2 * OPTIONS_MAX + 2];
	size_t			  i, ns = 0;
	int			  c, help = 0, show_version = 0;
	const struct option_spec *spec;

	config_defaults(cfg);
	/*
	 * GNU-style: options may follow URLs. A leading ':' makes getopt
	 * report a missing value as ':' rather than '?'.
	 */
	shortopts[ns++] = ':';
	for (i = 0; i < noptions; i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg =
		    options[i].arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val =
		    options[i].letter != 0 ? options[i].letter : 256 + (int)i;
		if (options[i].letter != 0) {
			shortopts[ns++] = options[i].letter;
			if (options[i].arg)
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[noptions], 0, sizeof(longopts[0]));
	shortopts[ns] = '\0';

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':' || (spec = spec_of(c)) == NULL) {
			option_error(c, argv[optind - 1]);
			return CLI_USAGE;
		}
		if (spec->set == NULL) {
			help |= spec->letter == 'h';
			show_version |= spec->letter == 'V';
			continue;
		}
		if (spec->set(cfg, optarg) == -1) {
			msgs_warnx(
			    "bad value for --%s: '%s' (see afetch --help)",
			    spec->name, optarg);
			return CLI_USAGE;
		}
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
	return check_config(cfg) == -1 ? CLI_USAGE : CLI_RUN;
}
