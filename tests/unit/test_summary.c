/* Unit tests for summary: counts, percentiles, histogram, text and JSON. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "harness.h"
#include "record.h"
#include "summary.h"

HARNESS_MAIN;

/* The bound summary.h promises for a percentile (1/64), plus rounding. */
#define REL_ERR (1.0 / 64 + 1e-9)

static void
add(struct summary *s, enum record_state state, long status,
    enum record_error error, long long size, double total)
{
	struct record rec;

	record_init(&rec);
	rec.state = state;
	rec.status = status;
	rec.error = error;
	rec.size = size;
	rec.time[TIME_TOTAL] = total;
	summary_add(s, &rec);
}

static int
near(double got, double want)
{
	int ok = fabs(got - want) <= want * REL_ERR + 1e-12;

	if (!ok)
		fprintf(stderr, "got %.9g, want %.9g within %.2f%%\n", got,
		    want, REL_ERR * 100);
	return ok;
}

static void
test_percentiles(void)
{
	struct summary *s = summary_new();
	int		i;

	CHECK(s != NULL);
	CHECK(summary_percentile(s, 0.5) == -1);
	/* 1 ms .. 1000 ms, shuffled a little: order must not matter. */
	for (i = 0; i < 1000; i++)
		add(s, RECORD_DONE, 200, ERROR_NONE, 0,
		    (double)((i * 7919) % 1000 + 1) / 1000);
	CHECK(near(summary_percentile(s, 0.5), 0.500));
	CHECK(near(summary_percentile(s, 0.9), 0.900));
	CHECK(near(summary_percentile(s, 0.99), 0.990));
	CHECK(near(summary_percentile(s, 0.001), 0.001));
	CHECK(summary_percentile(s, 1) == 1.0);
	CHECK(summary_percentile(s, 0) == -1);
	summary_free(s);

	/* One value: exact, by the clamp to the extremes. */
	s = summary_new();
	for (i = 0; i < 10; i++)
		add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.123456);
	CHECK(summary_percentile(s, 0.5) == 0.123456);
	CHECK(summary_percentile(s, 0.99) == 0.123456);
	summary_free(s);

	/* The ends of the range and beyond. */
	s = summary_new();
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.000001);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.0000173);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.000987);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 1000);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 5000);
	CHECK(near(summary_percentile(s, 0.2), 0.000001));
	CHECK(near(summary_percentile(s, 0.4), 0.0000173));
	CHECK(near(summary_percentile(s, 0.6), 0.000987));
	CHECK(near(summary_percentile(s, 0.8), 1000));
	CHECK(summary_percentile(s, 1) == 5000);
	summary_free(s);
}

/* Every value from 1 us to 1000 s lands within the bound. */
static void
test_error_bound(void)
{
	struct summary *s;
	double		v;
	int		bad = 0;

	for (v = 1e-6; v <= 1000; v *= 1.0137) {
		s = summary_new();
		/* Two samples so the clamp to min and max does not help. */
		add(s, RECORD_DONE, 200, ERROR_NONE, 0, v / 2);
		add(s, RECORD_DONE, 200, ERROR_NONE, 0, v);
		add(s, RECORD_DONE, 200, ERROR_NONE, 0, v * 2);
		if (!near(summary_percentile(s, 0.5), v))
			bad++;
		summary_free(s);
	}
	CHECK_INT(bad, 0);
}

/* Constant memory: many records, counts stay exact. */
static void
test_many(void)
{
	struct summary *s = summary_new();
	long		i;

	for (i = 0; i < 2000000; i++)
		add(s, RECORD_DONE, 200 + i % 3, ERROR_NONE, 10,
		    (double)(i % 5000 + 1) * 1e-4);
	summary_set_elapsed(s, 10);
	CHECK(near(summary_percentile(s, 0.5), 0.25));
	CHECK(summary_percentile(s, 1) == 0.5);
	summary_free(s);
}

static struct summary *
sample_run(void)
{
	struct summary *s = summary_new();
	int		i;

	CHECK(s != NULL);
	for (i = 0; i < 90; i++)
		add(s, RECORD_DONE, 200, ERROR_NONE, 1000, 0.010 + i * 1e-4);
	for (i = 0; i < 7; i++)
		add(s, RECORD_DONE, 404, ERROR_NONE, 50, 0.5);
	add(s, RECORD_DONE, 503, ERROR_NONE, 0, 2.5);
	add(s, RECORD_ERROR, 0, ERROR_TIMEOUT, 0, 30);
	add(s, RECORD_ERROR, 0, ERROR_TIMEOUT, 0, -1);
	add(s, RECORD_ERROR, 0, ERROR_DNS, 0, 0.001);
	/* A body too large: an error with a status, bytes counted. */
	add(s, RECORD_ERROR, 200, ERROR_TOO_LARGE, 4096, 0.2);
	add(s, RECORD_CANCELLED, 0, ERROR_CANCELLED, 0, 1);
	/* A done record without a total time: no latency. */
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, -1);
	summary_set_elapsed(s, 4);
	return s;
}

static double
num(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	CHECK(cJSON_IsNumber(item));
	return cJSON_IsNumber(item) ? item->valuedouble : -12345;
}

static cJSON *
read_json(const char *path)
{
	char   text[8192];
	FILE  *f = fopen(path, "r");
	size_t n;

	CHECK(f != NULL);
	if (f == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	CHECK(n > 0 && text[n - 1] == '\n');
	CHECK(strchr(text, '\n') == text + n - 1);
	return cJSON_Parse(text);
}

static void
test_json(void)
{
	struct summary *s = sample_run();
	char		dir[] = "/tmp/afetch-summary-XXXXXX";
	char		path[64], tmp[80];
	cJSON	       *root, *obj, *hist, *row;
	double		sum = 0, prev = 0;
	int		i, n;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK_INT(summary_write_json(s, path), 0);
	CHECK(access(tmp, F_OK) == -1);
	root = read_json(path);
	CHECK(root != NULL);
	CHECK(num(root, "records") == 104);
	obj = cJSON_GetObjectItemCaseSensitive(root, "states");
	CHECK(num(obj, "done") == 99);
	CHECK(num(obj, "error") == 4);
	CHECK(num(obj, "cancelled") == 1);
	CHECK_INT(cJSON_GetArraySize(obj), 3);
	obj = cJSON_GetObjectItemCaseSensitive(root, "statuses");
	CHECK(num(obj, "200") == 92);
	CHECK(num(obj, "404") == 7);
	CHECK(num(obj, "503") == 1);
	CHECK_INT(cJSON_GetArraySize(obj), 3);
	obj = cJSON_GetObjectItemCaseSensitive(root, "errors");
	CHECK(num(obj, "timeout") == 2);
	CHECK(num(obj, "dns") == 1);
	CHECK(num(obj, "too_large") == 1);
	CHECK(num(obj, "cancelled") == 1);
	CHECK_INT(cJSON_GetArraySize(obj), 4);
	CHECK(num(root, "bytes") == 90 * 1000 + 7 * 50 + 4096);
	CHECK(num(root, "elapsed") == 4);
	CHECK(num(root, "records_per_second") == 26);
	CHECK(
	    num(root, "bytes_per_second") == (90 * 1000 + 7 * 50 + 4096) / 4.0);
	obj = cJSON_GetObjectItemCaseSensitive(root, "latency");
	CHECK(cJSON_IsObject(obj));
	CHECK(near(num(obj, "p50"), 0.010 + 48 * 1e-4));
	CHECK(near(num(obj, "p90"), 0.010 + 88 * 1e-4));
	CHECK(near(num(obj, "p99"), 2.5));
	CHECK(num(obj, "max") == 2.5);
	hist = cJSON_GetObjectItemCaseSensitive(root, "histogram");
	CHECK(cJSON_IsArray(hist));
	n = cJSON_GetArraySize(hist);
	CHECK(n >= 1 && n <= SUMMARY_ROWS);
	for (i = 0; i < n; i++) {
		row = cJSON_GetArrayItem(hist, i);
		CHECK(num(row, "le") > prev);
		prev = num(row, "le");
		sum += num(row, "count");
	}
	/*
	 * 98 timed done records; 10 ms shares its bucket with 10.1 ms, so
	 * the rows run 1-2-5 from 20 ms (90 of them) to 5 s (past 2.5 s).
	 */
	CHECK(sum == 98);
	CHECK_INT(n, 8);
	CHECK(num(cJSON_GetArrayItem(hist, 0), "le") == 0.02);
	CHECK(num(cJSON_GetArrayItem(hist, 0), "count") == 90);
	CHECK(num(cJSON_GetArrayItem(hist, 4), "le") == 0.5);
	CHECK(num(cJSON_GetArrayItem(hist, 4), "count") == 7);
	CHECK(num(cJSON_GetArrayItem(hist, 7), "count") == 1);
	CHECK(prev == 5);
	cJSON_Delete(root);

	/* Written again over the old one. */
	CHECK_INT(summary_write_json(s, path), 0);
	root = read_json(path);
	CHECK(root != NULL);
	cJSON_Delete(root);
	unlink(path);
	summary_free(s);

	/* Empty: nulls and an empty histogram. */
	s = summary_new();
	CHECK_INT(summary_write_json(s, path), 0);
	root = read_json(path);
	CHECK(num(root, "records") == 0);
	CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "latency")));
	CHECK(cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(root, "records_per_second")));
	CHECK_INT(cJSON_GetArraySize(
		      cJSON_GetObjectItemCaseSensitive(root, "histogram")),
	    0);
	CHECK_INT(cJSON_GetArraySize(
		      cJSON_GetObjectItemCaseSensitive(root, "statuses")),
	    0);
	cJSON_Delete(root);
	unlink(path);

	/* A directory that does not exist: a write error, errno, nothing left
	 * over. */
	snprintf(path, sizeof(path), "%s/no/s.json", dir);
	errno = 0;
	CHECK_INT(summary_write_json(s, path), REPORT_ERR_WRITE);
	CHECK_INT(errno, ENOENT);
	summary_free(s);
	CHECK_INT(rmdir(dir), 0);
}

/* The histogram stays within its rows for the widest spread of times. */
static void
test_rows(void)
{
	struct summary *s = summary_new();
	char		dir[] = "/tmp/afetch-summary-XXXXXX", path[64];
	cJSON	       *root, *hist;
	double		sum = 0;
	int		i, n;

	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.0000004);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 0.003);
	add(s, RECORD_DONE, 200, ERROR_NONE, 0, 1e7);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.json", dir);
	CHECK_INT(summary_write_json(s, path), 0);
	root = read_json(path);
	hist = cJSON_GetObjectItemCaseSensitive(root, "histogram");
	n = cJSON_GetArraySize(hist);
	CHECK(n >= 2 && n <= SUMMARY_ROWS);
	for (i = 0; i < n; i++)
		sum += num(cJSON_GetArrayItem(hist, i), "count");
	CHECK(sum == 4);
	CHECK(num(cJSON_GetArrayItem(hist, 0), "le") == 1e-6);
	CHECK(num(cJSON_GetArrayItem(hist, 0), "count") == 2);
	CHECK(num(cJSON_GetArrayItem(hist, n - 1), "le") >= 1e7);
	CHECK(num(cJSON_GetArrayItem(hist, n - 1), "count") == 1);
	cJSON_Delete(root);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
	summary_free(s);
}

static void
test_print(void)
{
	struct summary *s = sample_run();
	char	       *text = NULL, *p, *line;
	size_t		size = 0, rows = 0, bar;
	FILE	       *f = open_memstream(&text, &size);

	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_INT(summary_print(s, f), 0);
	fclose(f);
	fputs(text, stderr);
	CHECK(strstr(text, "afetch: summary: 104 records in 4 s") != NULL);
	CHECK(strstr(text, "99 done, 4 error, 1 cancelled") != NULL);
	CHECK(strstr(text, "200: 92, 404: 7, 503: 1") != NULL);
	CHECK(strstr(text, "dns: 1, timeout: 2, too_large: 1, cancelled: 1") !=
	    NULL);
	CHECK(strstr(text, "bytes       94446") != NULL);
	CHECK(strstr(text, "26.0 records/s, 23612 bytes/s") != NULL);
	CHECK(strstr(text, "p50 14.8 ms") != NULL);
	CHECK(strstr(text, "max 2.5 s") != NULL);
	CHECK(strstr(text, "(98 done)") != NULL);
	/* Rows: at most SUMMARY_ROWS, bars at most 40 wide, 90 the longest. */
	for (p = text; (line = strstr(p, "    <= ")) != NULL; p = line + 1) {
		rows++;
		bar = strspn(strchr(line, '#') != NULL &&
			    strchr(line, '#') < strchr(line, '\n')
			? strchr(line, '#')
			: "",
		    "#");
		CHECK(bar <= 40);
	}
	CHECK(rows >= 1 && rows <= SUMMARY_ROWS);
	CHECK(strstr(text, "<= 20 ms") != NULL);
	CHECK(strstr(text, "90 ########################################\n") !=
	    NULL);
	free(text);
	summary_free(s);

	/* Empty. */
	s = summary_new();
	text = NULL;
	f = open_memstream(&text, &size);
	CHECK_INT(summary_print(s, f), 0);
	fclose(f);
	CHECK(strstr(text, "0 records") != NULL);
	CHECK(strstr(text, "statuses    none") != NULL);
	CHECK(strstr(text, "latency     none") != NULL);
	CHECK(strstr(text, "throughput  -") != NULL);
	free(text);
	summary_free(s);
	summary_free(NULL);
}

int
main(void)
{
	RUN(test_percentiles);
	RUN(test_error_bound);
	RUN(test_many);
	RUN(test_json);
	RUN(test_rows);
	RUN(test_print);
	return harness_result();
}
