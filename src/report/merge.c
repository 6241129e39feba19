/*
 * merge: the --merge mode: reads every input once, keeps the parts that
 * are in order where they are, sorts the rest in runs spilled to temporary
 * files, and merges all of them into one record per index. cli calls
 * merge_run() instead of a run; merge owns everything it opens.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge.h"
#include "mergeout.h"
#include "mergerec.h"
#include "mergerun.h"
#include "mergesrc.h"
#include "msgs.h"

/*
 * An input whose in-order start holds fewer records than this is sorted
 * whole: a source for a few records is not worth a descriptor.
 */
#define PREFIX_MIN 1024

/* Notes about skipped lines printed before the rest are only counted. */
#define NOTES_MAX 10

struct merger {
	const struct merge_options *o;
	struct merge_stats	   *st;
	struct mergerun		   *run;
	struct mergesrc		  **spills; /* oldest first */
	size_t			    nspills, spills_cap;
	struct mergesrc		  **ordered; /* inputs' in-order parts */
	size_t			    nordered, ordered_cap;
	uint64_t		    seq; /* the next record's */
	uint64_t		    notes;
};

static int
push(struct mergesrc ***v, size_t *n, size_t *cap, struct mergesrc *src)
{
	struct mergesrc **grown;

	if (*n == *cap) {
		size_t ncap = *cap == 0 ? 16 : *cap * 2;

		if ((grown = realloc(*v, ncap * sizeof(*grown))) == NULL)
			return -1;
		*v = grown;
		*cap = ncap;
	}
	(*v)[(*n)++] = src;
	return 0;
}

static enum report_err
sink_spill(const struct merge_item *it, void *arg)
{
	return mergesrc_write_item(arg, it);
}

/*
 * Merges the n sources at srcs (taking them) into one new spill file.
 * Returns its source, or NULL with a message printed.
 */
static struct mergesrc *
merge_to_spill(struct merger *m, struct mergesrc **srcs, size_t n)
{
	struct mergeio_writer w;
	struct mergesrc	     *src = NULL;
	int		      fd;

	if ((fd = mergeio_tempfile()) == -1) {
		msgs_warnc(errno, "merge: temporary file");
		while (n > 0)
			mergesrc_free(srcs[--n]);
		return NULL;
	}
	mergeio_writer_init(&w, fd);
	if (mergesrc_merge(srcs, n, sink_spill, &w) == REPORT_OK &&
	    mergeio_flush(&w) == REPORT_OK)
		src = mergesrc_spill(fd, MERGE_MAX_LINE);
	if (src == NULL) {
		msgs_warnc(w.failed ? w.failed
			: errno	    ? errno
				    : ENOMEM,
		    "merge: temporary file");
		close(fd);
	} else
		m->st->spills++;
	mergeio_writer_free(&w);
	return src;
}

/*
 * Merges the newest MERGE_FANIN spill files into one while they share a
 * level, so their number stays logarithmic in the input's size.
 */
static int
cascade(struct merger *m)
{
	struct mergesrc *merged;
	size_t		 i, first;
	int		 level;

	while (m->nspills >= MERGE_FANIN) {
		first = m->nspills - MERGE_FANIN;
		level = mergesrc_level(m->spills[first]);
		for (i = first + 1; i < m->nspills; i++)
			if (mergesrc_level(m->spills[i]) != level)
				return 0;
		m->nspills = first;
		if ((merged = merge_to_spill(
			 m, m->spills + first, MERGE_FANIN)) == NULL)
			return -1;
		mergesrc_set_level(merged, level + 1);
		m->spills[m->nspills++] = merged;
	}
	return 0;
}

static int
add_spill(struct merger *m, struct mergesrc *src)
{
	if (push(&m->spills, &m->nspills, &m->spills_cap, src) == -1) {
		mergesrc_free(src);
		msgs_warnx("merge: out of memory");
		return -1;
	}
	return cascade(m);
}

static int
spill_run(struct merger *m)
{
	struct mergesrc *src = mergerun_spill(m->run, MERGE_MAX_LINE);

	if (src == NULL) {
		msgs_warnc(errno, "merge: temporary file");
		return -1;
	}
	m->st->spills++;
	return add_spill(m, src);
}

/* Copies one record into the run in memory, spilling it when full. */
static int
add_item(struct merger *m, const struct merge_item *it)
{
	int r = mergerun_add(m->run, it);

	if (r == 1) {
		if (spill_run(m) == -1)
			return -1;
		r = mergerun_add(m->run, it);
	}
	if (r == -1) {
		msgs_warnx("merge: out of memory");
		return -1;
	}
	return 0;
}

/* Keeps an input's in-order part as a source; a few of them at most. */
static int
add_ordered(struct merger *m, struct mergesrc *src)
{
	struct mergesrc *merged;

	if (push(&m->ordered, &m->nordered, &m->ordered_cap, src) == -1) {
		mergesrc_free(src);
		msgs_warnx("merge: out of memory");
		return -1;
	}
	if (m->nordered < MERGE_FANIN)
		return 0;
	merged = merge_to_spill(m, m->ordered, m->nordered);
	m->nordered = 0;
	return merged == NULL ? -1 : add_spill(m, merged);
}

static void
note(struct merger *m, const char *path, uint64_t line, const char *what)
{
	if (m->notes++ < NOTES_MAX)
		msgs_warnx("%s: line %llu: %s: skipped", path,
		    (unsigned long long)line, what);
}

struct scan {
	int	 in_order;
	uint64_t count, last, first_seq;
	off_t	 end;
};

/*
 * Reads one input whole: counts, notes, and sorts what is out of order.
 * Returns REPORT_OK, REPORT_ERR_READ when the input could not be read, or
 * REPORT_ERR_NOMEM or REPORT_ERR_WRITE (a spill file); each reported.
 */
static enum report_err
scan_input(struct merger *m, const char *path, int fd)
{
	struct mergeio_reader rd;
	struct scan	      sc = { 1, 0, 0, m->seq, 0 };
	struct merge_item     it;
	struct mergerec	      rec;
	struct mergesrc	     *src;
	const char	     *line;
	size_t		      len;
	uint64_t	      lineno = 0;
	int		      terminated, got = 0;
	enum mergeio_status   st;

	if (mergeio_reader_init(&rd, fd, 0, -1, MERGE_MAX_LINE) != REPORT_OK)
		goto unreadable;
	while (
	    (st = mergeio_line(&rd, &line, &len, &terminated)) != MERGEIO_END) {
		lineno++;
		if (st == MERGEIO_ERROR)
			goto unreadable;
		if (st == MERGEIO_LONG) {
			m->st->too_long++;
			note(m, path, lineno, "longer than the longest line");
			continue;
		}
		switch (mergerec_parse(line, len, &rec)) {
		case MERGEREC_CUT:
			m->st->cut++;
			note(m, path, lineno, "cut off");
			continue;
		case MERGEREC_NO_INDEX:
			m->st->no_index++;
			note(m, path, lineno, "no index");
			continue;
		case MERGEREC_OK:
			break;
		}
		m->st->read++;
		it.index = rec.index;
		it.seq = m->seq++;
		it.done = rec.done;
		it.data = line;
		it.len = len;
		if (sc.in_order && (sc.count == 0 || rec.index >= sc.last)) {
			sc.count++;
			sc.last = rec.index;
			sc.end = mergeio_offset(&rd);
			continue;
		}
		sc.in_order = 0;
		if (add_item(m, &it) == -1)
			goto fail;
	}
	mergeio_reader_free(&rd);
	if (sc.count == 0) {
		close(fd);
		return REPORT_OK;
	}
	if (!sc.in_order && sc.count < PREFIX_MIN) {
		/* Too few to keep apart: sort them with the rest. */
		if ((src = mergesrc_lines(fd, 1, 0, sc.end, sc.first_seq,
			 MERGE_MAX_LINE)) == NULL)
			goto nomem;
		while ((got = mergesrc_next(src)) == 1)
			if (add_item(m, mergesrc_item(src)) == -1)
				break;
		mergesrc_free(src);
		if (got == REPORT_ERR_NOMEM)
			msgs_warnx("merge: out of memory");
		else if (got < 0)
			msgs_warnc(errno, "%s", path);
		if (got == 1)
			return report_err_of(errno, REPORT_ERR_WRITE);
		return got == 0 ? REPORT_OK : (enum report_err)got;
	}
	m->st->in_order += sc.count;
	if ((src = mergesrc_lines(
		 fd, 1, 0, sc.end, sc.first_seq, MERGE_MAX_LINE)) == NULL)
		goto nomem;
	return add_ordered(m, src) == 0
	    ? REPORT_OK
	    : report_err_of(errno, REPORT_ERR_WRITE);

unreadable:
	if (errno == ENOMEM || errno == 0) {
		msgs_warnx("merge: out of memory");
		mergeio_reader_free(&rd);
		close(fd);
		return REPORT_ERR_NOMEM;
	}
	msgs_warnc(errno, "%s", path);
	mergeio_reader_free(&rd);
	close(fd);
	return REPORT_ERR_READ;
nomem:
	/* Only an allocation fails there: the file was just read to its end. */
	msgs_warnx("merge: out of memory");
	close(fd);
	return REPORT_ERR_NOMEM;
fail:
	/* add_item() reported it: memory or a spill file. */
	mergeio_reader_free(&rd);
	close(fd);
	return report_err_of(errno, REPORT_ERR_WRITE);
}

/* Cuts the sources down to MERGE_FINAL, then merges them to the output. */
static int
final_merge(struct merger *m)
{
	struct mergesrc *src, **all;
	struct mergeout	 out;
	size_t		 n = 0, i;
	enum report_err	 r;

	/* Room for every source, so that moving them here cannot fail. */
	all = calloc(m->nspills + m->nordered + 1, sizeof(*all));
	if (all == NULL) {
		msgs_warnx("merge: out of memory");
		return -1;
	}
	for (i = 0; i < m->nspills; i++)
		all[n++] = m->spills[i];
	for (i = 0; i < m->nordered; i++)
		all[n++] = m->ordered[i];
	m->nspills = m->nordered = 0;
	if (mergerun_count(m->run) > 0) {
		if ((src = mergesrc_memory(m->run)) == NULL) {
			msgs_warnx("merge: out of memory");
			goto fail;
		}
		m->run = NULL;
		all[n++] = src;
	}
	while (n > MERGE_FINAL) {
		if ((src = merge_to_spill(m, all, MERGE_FANIN)) == NULL) {
			memmove(all, all + MERGE_FANIN,
			    (n - MERGE_FANIN) * sizeof(*all));
			n -= MERGE_FANIN;
			goto fail;
		}
		memmove(
		    all, all + MERGE_FANIN, (n - MERGE_FANIN) * sizeof(*all));
		n -= MERGE_FANIN;
		all[n++] = src;
	}
	mergeout_init(&out, m->o->out_fd, m->st);
	r = mergesrc_merge(all, n, mergeout_put, &out);
	if (r == REPORT_OK)
		r = mergeout_finish(&out);
	if (r == REPORT_ERR_NOMEM)
		msgs_warnx("merge: out of memory");
	else if (r == REPORT_ERR_READ)
		msgs_warnc(errno, "merge: reading a spill file or an input");
	else if (r != REPORT_OK)
		msgs_warnc(out.failed, "merge: standard output");
	mergeout_free(&out);
	free(all);
	return r == REPORT_OK ? 0 : -1;
fail:
	for (i = 0; i < n; i++)
		mergesrc_free(all[i]);
	free(all);
	return -1;
}

static void
merger_free(struct merger *m)
{
	size_t i;

	for (i = 0; i < m->nspills; i++)
		mergesrc_free(m->spills[i]);
	for (i = 0; i < m->nordered; i++)
		mergesrc_free(m->ordered[i]);
	free(m->spills);
	free(m->ordered);
	mergerun_free(m->run);
}

enum merge_result
merge_run(const struct merge_options *o, struct merge_stats *st)
{
	struct merger	  m;
	enum merge_result result = MERGE_FAILED;
	size_t		  i;
	int		  fd;
	enum report_err	  r;

	memset(st, 0, sizeof(*st));
	memset(&m, 0, sizeof(m));
	m.o = o;
	m.st = st;
	st->inputs = o->nfiles;
	if ((m.run = mergerun_new(o->budget ? o->budget : MERGE_BUDGET)) ==
	    NULL) {
		msgs_warnx("merge: out of memory");
		return MERGE_FAILED;
	}
	for (i = 0; i < o->nfiles; i++) {
		if ((fd = open(o->files[i], O_RDONLY | O_CLOEXEC)) == -1) {
			msgs_warnc(errno, "%s", o->files[i]);
			result = MERGE_UNREADABLE;
			goto out;
		}
		if ((r = scan_input(&m, o->files[i], fd)) != REPORT_OK) {
			result = r == REPORT_ERR_READ ? MERGE_UNREADABLE
						      : MERGE_FAILED;
			goto out;
		}
	}
	if (m.notes > NOTES_MAX)
		msgs_warnx("%llu more lines skipped",
		    (unsigned long long)(m.notes - NOTES_MAX));
	if (final_merge(&m) == -1)
		goto out;
	result = st->missing || st->conflicts || st->too_long ? MERGE_INCOMPLETE
							      : MERGE_COMPLETE;
out:
	merger_free(&m);
	if (result != MERGE_UNREADABLE &&
	    mergeout_report(st, o->summary_json) != REPORT_OK &&
	    result == MERGE_COMPLETE)
		result = MERGE_FAILED;
	return result;
}
