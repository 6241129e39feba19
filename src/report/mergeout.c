/*
 * mergeout: picks each index's record as --merge's final merge delivers
 * them in order, writes it, counts what is missing, duplicated or in
 * conflict, and reports the counts. merge owns the one mergeout of a run.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonscan.h"
#include "mergeout.h"
#include "msgs.h"

/* Longest record held (the longest line merge reads). */
#define MERGEOUT_MAX_LINE ((size_t)64 * 1024 * 1024)

void
mergeout_init(struct mergeout *mo, int fd, struct merge_stats *st)
{
	memset(mo, 0, sizeof(*mo));
	mo->st = st;
	mergeio_writer_init(&mo->out, fd);
	buf_init(&mo->best, MERGEOUT_MAX_LINE);
	buf_init(&mo->url, MERGEOUT_MAX_LINE);
}

void
mergeout_free(struct mergeout *mo)
{
	mergeio_writer_free(&mo->out);
	buf_free(&mo->best);
	buf_free(&mo->url);
}

/* Keeps the first failure; returns it as the layer's error. */
static enum report_err
fail(struct mergeout *mo, int err)
{
	if (mo->failed == 0)
		mo->failed = err;
	errno = mo->failed;
	return report_err_of(mo->failed, REPORT_ERR_WRITE);
}

/* Writes the group's winner: the done record, else the last one read. */
static enum report_err
end_group(struct mergeout *mo)
{
	if (!mo->in_group)
		return REPORT_OK;
	mo->st->written++;
	if (mergeio_write(&mo->out, mo->best.data, mo->best.len) != REPORT_OK ||
	    mergeio_write(&mo->out, "\n", 1) != REPORT_OK)
		return fail(mo, mo->out.failed);
	return REPORT_OK;
}

/* Keeps the url literal of the len bytes at line (none: url_absent). */
static int
keep_url(struct mergeout *mo, const char *line, size_t len)
{
	const char *lit;
	size_t	    litlen;

	buf_clear(&mo->url);
	mo->url_absent =
	    jsonscan_find_string(line, len, "url", &lit, &litlen) != BASE_OK;
	mo->url_known = 1;
	return mo->url_absent ? 0 : buf_append(&mo->url, lit, litlen);
}

static int
same_url(const struct mergeout *mo, const char *line, size_t len)
{
	const char *lit;
	size_t	    litlen;

	if (jsonscan_find_string(line, len, "url", &lit, &litlen) != BASE_OK)
		return mo->url_absent;
	return !mo->url_absent && litlen == mo->url.len &&
	    memcmp(lit, mo->url.data, litlen) == 0;
}

static void
list_add(uint64_t *list, uint64_t *count, uint64_t index)
{
	if (*count < MERGE_LIST)
		list[*count] = index;
	(*count)++;
}

/* Counts the indexes from next_index up to (not including) index. */
static void
count_missing(struct mergeout *mo, uint64_t index)
{
	struct merge_stats *st = mo->st;

	while (mo->next_index < index && st->missing < MERGE_LIST)
		list_add(st->missing_list, &st->missing, mo->next_index++);
	st->missing += index - mo->next_index;
	mo->next_index = index + 1;
}

enum report_err
mergeout_put(const struct merge_item *it, void *arg)
{
	struct mergeout *mo = arg;

	if (mo->failed)
		return report_err_of(mo->failed, REPORT_ERR_WRITE);
	if (mo->in_group && it->index == mo->group) {
		mo->st->duplicates++;
		/* The first record is still the best when the second comes. */
		if (!mo->url_known &&
		    keep_url(mo, mo->best.data, mo->best.len) == -1)
			return fail(mo, ENOMEM);
		if (!mo->conflict && !same_url(mo, it->data, it->len)) {
			mo->conflict = 1;
			list_add(mo->st->conflict_list, &mo->st->conflicts,
			    it->index);
		}
		if (mo->best_done && !it->done)
			return REPORT_OK;
	} else {
		if (end_group(mo) != REPORT_OK)
			return report_err_of(mo->failed, REPORT_ERR_WRITE);
		count_missing(mo, it->index);
		mo->in_group = 1;
		mo->group = it->index;
		mo->url_known = mo->conflict = 0;
	}
	buf_clear(&mo->best);
	if (buf_append(&mo->best, it->data, it->len) == -1)
		return fail(mo, ENOMEM);
	mo->best_done = it->done;
	return REPORT_OK;
}

enum report_err
mergeout_finish(struct mergeout *mo)
{
	if (mo->failed || end_group(mo) != REPORT_OK)
		return report_err_of(mo->failed, REPORT_ERR_WRITE);
	mo->in_group = 0;
	if (mergeio_flush(&mo->out) != REPORT_OK)
		return fail(mo, mo->out.failed);
	return REPORT_OK;
}

/* "3, 17, 99" and ", ..." when the list was cut short. */
static void
format_list(char *s, size_t size, const uint64_t *list, uint64_t count)
{
	size_t	 used = 0;
	uint64_t i;

	s[0] = '\0';
	for (i = 0; i < count && i < MERGE_LIST && used < size; i++)
		used += (size_t)snprintf(s + used, size - used, "%s%llu",
		    i ? ", " : "", (unsigned long long)list[i]);
	if (count > MERGE_LIST && used < size)
		snprintf(s + used, size - used, ", ...");
}

static int
add_list(cJSON *obj, const char *name, const uint64_t *list, uint64_t count)
{
	cJSON	*a = cJSON_AddArrayToObject(obj, name);
	uint64_t i;

	if (a == NULL)
		return -1;
	for (i = 0; i < count && i < MERGE_LIST; i++) {
		cJSON *n = cJSON_CreateNumber((double)list[i]);

		if (n == NULL || !cJSON_AddItemToArray(a, n)) {
			cJSON_Delete(n);
			return -1;
		}
	}
	return 0;
}

static enum report_err
write_json(const struct merge_stats *st, const char *path)
{
	const struct {
		const char *name;
		uint64_t    value;
	} counts[] = {
		{ "inputs", st->inputs },
		{ "records_read", st->read },
		{ "records_written", st->written },
		{ "duplicates", st->duplicates },
		{ "conflicts", st->conflicts },
		{ "missing", st->missing },
		{ "cut_lines", st->cut },
		{ "lines_without_index", st->no_index },
		{ "lines_too_long", st->too_long },
		{ "spill_files", st->spills },
		{ "records_in_order", st->in_order },
	};
	cJSON *obj = cJSON_CreateObject();
	char  *text = NULL;
	FILE  *f;
	size_t i;
	int    ok;

	ok = obj != NULL;
	for (i = 0; ok && i < sizeof(counts) / sizeof(counts[0]); i++)
		ok = cJSON_AddNumberToObject(
			 obj, counts[i].name, (double)counts[i].value) != NULL;
	ok = ok &&
	    add_list(obj, "conflict_indexes", st->conflict_list,
		st->conflicts) == 0 &&
	    add_list(obj, "missing_indexes", st->missing_list, st->missing) ==
		0 &&
	    (text = cJSON_PrintUnformatted(obj)) != NULL;
	cJSON_Delete(obj);
	if (!ok) {
		msgs_warnx("%s: out of memory", path);
		return REPORT_ERR_NOMEM;
	}
	if ((f = fopen(path, "w")) == NULL) {
		msgs_warnc(errno, "%s", path);
		cJSON_free(text);
		return REPORT_ERR_WRITE;
	}
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	cJSON_free(text);
	if (fclose(f) != 0 || !ok) {
		msgs_warnc(errno, "%s", path);
		return REPORT_ERR_WRITE;
	}
	return REPORT_OK;
}

enum report_err
mergeout_report(const struct merge_stats *st, const char *path)
{
	char list[256];

	msgs_warnx("merged %llu records from %llu files into %llu: "
		   "%llu duplicates resolved, %llu conflicts, %llu missing, "
		   "%llu lines skipped",
	    (unsigned long long)st->read, (unsigned long long)st->inputs,
	    (unsigned long long)st->written, (unsigned long long)st->duplicates,
	    (unsigned long long)st->conflicts, (unsigned long long)st->missing,
	    (unsigned long long)(st->cut + st->no_index + st->too_long));
	if (st->missing > 0) {
		format_list(list, sizeof(list), st->missing_list, st->missing);
		msgs_warnx("missing indexes: %s", list);
	}
	if (st->conflicts > 0) {
		format_list(
		    list, sizeof(list), st->conflict_list, st->conflicts);
		msgs_warnx("indexes with records of different urls: %s", list);
	}
	return path != NULL ? write_json(st, path) : REPORT_OK;
}
