/*
 * summary: counts records by state, status and error code, and prints
 * them with their latency percentiles at the end (--summary), or writes
 * them as one JSON object (--summary-json). The run adds each record;
 * latency.c holds the histogram.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "latency.h"
#include "record.h"
#include "summary.h"

#define NSTATES	   3
#define STATUS_MIN 100
#define STATUS_MAX 999
#define NSTATUSES  (STATUS_MAX - STATUS_MIN + 1)
#define NERRORS	   (ERROR_INTERNAL + 1)

/* The widest bar of '#' in the printed histogram. */
#define BAR_MAX 40

struct summary {
	uint64_t       records;
	uint64_t       states[NSTATES];
	uint64_t       statuses[NSTATUSES];
	uint64_t       errors[NERRORS];
	uint64_t       bytes;
	double	       elapsed;
	struct latency lat; /* of done records */
	int	       crawl;
	uint64_t       robots_txt, sitemaps; /* crawl mode's side fetches */
};

struct summary *
summary_new(void)
{
	return calloc(1, sizeof(struct summary));
}

void
summary_free(struct summary *s)
{
	free(s);
}

void
summary_add(struct summary *s, const struct record *rec)
{
	double t = rec->time[TIME_TOTAL];

	s->records++;
	if ((unsigned)rec->state < NSTATES)
		s->states[rec->state]++;
	if (rec->status >= STATUS_MIN && rec->status <= STATUS_MAX)
		s->statuses[rec->status - STATUS_MIN]++;
	if (rec->error != ERROR_NONE && (unsigned)rec->error < NERRORS)
		s->errors[rec->error]++;
	if (rec->size > 0)
		s->bytes += (uint64_t)rec->size;
	if (rec->state == RECORD_DONE)
		latency_add(&s->lat, t);
}

double
summary_percentile(const struct summary *s, double q)
{
	return latency_percentile(&s->lat, q);
}

void
summary_set_elapsed(struct summary *s, double seconds)
{
	s->elapsed = seconds > 0 ? seconds : 0;
}

void
summary_set_crawl(struct summary *s, size_t robots_txt, size_t sitemaps)
{
	s->crawl = 1;
	s->robots_txt = robots_txt;
	s->sitemaps = sitemaps;
}

/* Formats a time in seconds for people: "850 us", "12.3 ms", "1.5 s". */
static void
format_time(char *buf, size_t size, double seconds)
{
	if (seconds < 1e-3)
		snprintf(buf, size, "%.3g us", seconds * 1e6);
	else if (seconds < 1)
		snprintf(buf, size, "%.3g ms", seconds * 1e3);
	else if (seconds < 1000)
		snprintf(buf, size, "%.3g s", seconds);
	else
		snprintf(buf, size, "%.0f s", seconds);
}

static void
print_states(const struct summary *s, FILE *f)
{
	static const enum record_state order[] = { RECORD_DONE, RECORD_ERROR,
		RECORD_CANCELLED };
	size_t			       i;

	fprintf(f, "  states      ");
	for (i = 0; i < NSTATES; i++)
		fprintf(f, "%s%llu %s", i > 0 ? ", " : "",
		    (unsigned long long)s->states[order[i]],
		    record_state_name(order[i]));
	fputc('\n', f);
}

static void
print_statuses(const struct summary *s, FILE *f)
{
	size_t i;
	int    any = 0;

	fprintf(f, "  statuses    ");
	for (i = 0; i < NSTATUSES; i++) {
		if (s->statuses[i] == 0)
			continue;
		fprintf(f, "%s%zu: %llu", any ? ", " : "", i + STATUS_MIN,
		    (unsigned long long)s->statuses[i]);
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : "none");
}

static void
print_errors(const struct summary *s, FILE *f)
{
	size_t i;
	int    any = 0;

	fprintf(f, "  errors      ");
	for (i = 1; i < NERRORS; i++) {
		if (s->errors[i] == 0)
			continue;
		fprintf(f, "%s%s: %llu", any ? ", " : "",
		    record_error_name((enum record_error)i),
		    (unsigned long long)s->errors[i]);
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : "none");
}

static void
print_latency(const struct summary *s, FILE *f)
{
	static const double	 qs[] = { 0.5, 0.9, 0.99, 1 };
	static const char *const names[] = { "p50", "p90", "p99", "max" };
	struct latency_row	 rows[SUMMARY_ROWS];
	char			 t[32];
	size_t			 i, n, w;
	uint64_t		 top = 0;

	if (s->lat.count == 0) {
		fprintf(f, "  latency     none (no done records)\n");
		return;
	}
	fprintf(f, "  latency     ");
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		format_time(t, sizeof(t), summary_percentile(s, qs[i]));
		fprintf(f, "%s%s %s", i > 0 ? ", " : "", names[i], t);
	}
	fprintf(f, " (%llu done)\n", (unsigned long long)s->lat.count);
	n = latency_rows(&s->lat, rows, SUMMARY_ROWS);
	for (i = 0; i < n; i++)
		if (rows[i].count > top)
			top = rows[i].count;
	for (i = 0; i < n; i++) {
		format_time(t, sizeof(t), (double)rows[i].le / 1e9);
		/* Rounded up, so any non-empty row shows at least one '#'. */
		w = (size_t)(((double)rows[i].count * BAR_MAX + (double)top -
				 1) /
		    (double)top);
		if (w > BAR_MAX)
			w = BAR_MAX;
		fprintf(f, "    <= %-8s %10llu", t,
		    (unsigned long long)rows[i].count);
		if (w > 0)
			fprintf(f, " %.*s", (int)w,
			    "########################################");
		fputc('\n', f);
	}
}

enum report_err
summary_print(const struct summary *s, FILE *f)
{
	char t[32];

	format_time(t, sizeof(t), s->elapsed);
	fprintf(f, "afetch: summary: %llu records in %s\n",
	    (unsigned long long)s->records, t);
	print_states(s, f);
	print_statuses(s, f);
	print_errors(s, f);
	fprintf(f, "  bytes       %llu\n", (unsigned long long)s->bytes);
	if (s->crawl)
		fprintf(f, "  crawl       %llu robots.txt, %llu sitemaps\n",
		    (unsigned long long)s->robots_txt,
		    (unsigned long long)s->sitemaps);
	if (s->elapsed > 0)
		fprintf(f, "  throughput  %.1f records/s, %.0f bytes/s\n",
		    (double)s->records / s->elapsed,
		    (double)s->bytes / s->elapsed);
	else
		fprintf(f, "  throughput  -\n");
	print_latency(s, f);
	if (fflush(f) == EOF || ferror(f))
		return REPORT_ERR_WRITE;
	return REPORT_OK;
}

/* Rounds v to 1/scale (scale 1e6: microseconds), as output rounds times. */
static double
round_to(double v, double scale)
{
	/* Past 2^53 there is nothing left to round. */
	if (!(v >= 0 && v * scale < 9e15))
		return v;
	return (double)(long long)(v * scale + 0.5) / scale;
}

static int
add_count(cJSON *obj, const char *key, uint64_t n)
{
	return cJSON_AddNumberToObject(obj, key, (double)n) != NULL ? 0 : -1;
}

static int
add_rate(cJSON *obj, const char *key, uint64_t n, double elapsed)
{
	if (!(elapsed > 0))
		return cJSON_AddNullToObject(obj, key) != NULL ? 0 : -1;
	return cJSON_AddNumberToObject(
		   obj, key, round_to((double)n / elapsed, 1e3)) != NULL
	    ? 0
	    : -1;
}

static int
add_tables(cJSON *root, const struct summary *s)
{
	cJSON *obj;
	char   key[8];
	size_t i;

	if ((obj = cJSON_AddObjectToObject(root, "states")) == NULL)
		return -1;
	for (i = 0; i < NSTATES; i++)
		if (add_count(obj, record_state_name((enum record_state)i),
			s->states[i]) == -1)
			return -1;
	if ((obj = cJSON_AddObjectToObject(root, "statuses")) == NULL)
		return -1;
	for (i = 0; i < NSTATUSES; i++) {
		if (s->statuses[i] == 0)
			continue;
		snprintf(key, sizeof(key), "%zu", i + STATUS_MIN);
		if (add_count(obj, key, s->statuses[i]) == -1)
			return -1;
	}
	if ((obj = cJSON_AddObjectToObject(root, "errors")) == NULL)
		return -1;
	for (i = 1; i < NERRORS; i++) {
		if (s->errors[i] == 0)
			continue;
		if (add_count(obj, record_error_name((enum record_error)i),
			s->errors[i]) == -1)
			return -1;
	}
	return 0;
}

static int
add_latency(cJSON *root, const struct summary *s)
{
	static const double	 qs[] = { 0.5, 0.9, 0.99, 1 };
	static const char *const names[] = { "p50", "p90", "p99", "max" };
	struct latency_row	 rows[SUMMARY_ROWS];
	cJSON			*obj, *hist, *row;
	size_t			 i, n;

	if (s->lat.count == 0) {
		if (cJSON_AddNullToObject(root, "latency") == NULL)
			return -1;
	} else {
		if ((obj = cJSON_AddObjectToObject(root, "latency")) == NULL)
			return -1;
		for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
			if (cJSON_AddNumberToObject(obj, names[i],
				round_to(summary_percentile(s, qs[i]), 1e6)) ==
			    NULL)
				return -1;
	}
	if ((hist = cJSON_AddArrayToObject(root, "histogram")) == NULL)
		return -1;
	n = latency_rows(&s->lat, rows, SUMMARY_ROWS);
	for (i = 0; i < n; i++) {
		/* Added to the array first, so it is freed with the root. */
		if ((row = cJSON_CreateObject()) == NULL)
			return -1;
		if (!cJSON_AddItemToArray(hist, row)) {
			cJSON_Delete(row);
			return -1;
		}
		if (cJSON_AddNumberToObject(row, "le",
			round_to((double)rows[i].le / 1e9, 1e6)) == NULL ||
		    add_count(row, "count", rows[i].count) == -1)
			return -1;
	}
	return 0;
}

/* Returns the summary as JSON text for cJSON_free(), or NULL. */
static char *
to_json(const struct summary *s)
{
	cJSON *root;
	char  *text = NULL;

	if ((root = cJSON_CreateObject()) == NULL)
		return NULL;
	if (add_count(root, "records", s->records) == 0 &&
	    add_tables(root, s) == 0 &&
	    add_count(root, "bytes", s->bytes) == 0 &&
	    cJSON_AddNumberToObject(
		root, "elapsed", round_to(s->elapsed, 1e6)) != NULL &&
	    add_rate(root, "records_per_second", s->records, s->elapsed) == 0 &&
	    add_rate(root, "bytes_per_second", s->bytes, s->elapsed) == 0 &&
	    add_latency(root, s) == 0 &&
	    (!s->crawl ||
		(add_count(root, "robots_txt", s->robots_txt) == 0 &&
		    add_count(root, "sitemaps", s->sitemaps) == 0)))
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* Writes text and a newline to path. Returns 0, or an errno value. */
static int
write_to(const char *path, const char *text)
{
	FILE *f;
	int   saved = 0;

	if ((f = fopen(path, "w")) == NULL)
		return errno;
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF)
		saved = errno;
	if (fclose(f) == EOF && saved == 0)
		saved = errno;
	return saved;
}

enum report_err
summary_write_json(const struct summary *s, const char *path)
{
	char	   *text, *tmp = NULL;
	FILE	   *f = NULL;
	struct stat st;
	size_t	    len;
	int	    saved;

	if ((text = to_json(s)) == NULL) {
		errno = ENOMEM;
		return REPORT_ERR_NOMEM;
	}
	/* A device or pipe (/dev/stderr, a FIFO) is written as it is:
	 * renaming a file over it would replace it. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		saved = write_to(path, text);
		cJSON_free(text);
		errno = saved;
		return saved == 0 ? REPORT_OK : REPORT_ERR_WRITE;
	}
	len = strlen(path) + sizeof(".tmp");
	if ((tmp = malloc(len)) == NULL) {
		saved = ENOMEM;
		goto fail;
	}
	snprintf(tmp, len, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		saved = errno;
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF) {
		saved = errno;
		goto fail;
	}
	saved = fclose(f) == EOF ? errno : 0;
	f = NULL;
	if (saved != 0 || rename(tmp, path) == -1) {
		if (saved == 0)
			saved = errno;
		goto fail;
	}
	free(tmp);
	cJSON_free(text);
	return REPORT_OK;
fail:
	if (f != NULL)
		fclose(f);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	cJSON_free(text);
	errno = saved != 0 ? saved : EIO;
	return report_err_of(errno, REPORT_ERR_WRITE);
}
