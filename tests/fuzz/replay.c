/*
 * replay: runs a fuzz target over files without libFuzzer, so the corpus
 * is a regression test in the normal build.
 *
 *   fuzz_TARGET_replay PATH...
 *
 * Each PATH is a file or a directory of files (not recursed); each file
 * is handed to LLVMFuzzerTestOneInput() once, in name order so that a
 * failure is reproducible. The target aborts on a broken contract; this
 * program exits 1 when a file cannot be read or no file was found.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Reads the whole file at path into a new buffer of exactly its size. */
static int
run_file(const char *path)
{
	FILE	*f;
	uint8_t *data;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fprintf(stderr, "replay: %s: cannot size\n", path);
		fclose(f);
		return -1;
	}
	/* An exact-size copy: the sanitizers see a read one byte past it. */
	if ((data = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
	    fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir; returns the count, or -1 on error. */
static int
run_dir(const char *dir)
{
	DIR	      *d;
	struct dirent *e;
	char	     **names = NULL, **more, path[4096];
	size_t	       n = 0, cap = 0, i;
	int	       rc = 0;
	struct stat    st;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((more = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				rc = -1;
				break;
			}
			names = more;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) == -1)
				rc = -1;
			else
				rc++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	int	    i, n, total = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no input files\n");
		return 1;
	}
	printf("replay: %d inputs, contract kept\n", total);
	return 0;
}
