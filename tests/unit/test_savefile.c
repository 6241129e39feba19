/* Unit tests for savefile: safe distinct names, atomic saving, no leftovers. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "savefile.h"

HARNESS_MAIN;

static char tmpdir[] = "/tmp/afetch-test-savefile-XXXXXX";

/* A name is safe: a digit first, only [A-Za-z0-9._-], no "..", bounded. */
static int
safe_name(const char *name)
{
	const char *p;

	if (name[0] < '0' || name[0] > '9')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
			*p == '-'))
			return 0;
	return strstr(name, "..") == NULL && strlen(name) < SAVEFILE_NAME_MAX;
}

/* Returns the number of entries in path, "." and ".." left out. */
static int
count_entries(const char *path)
{
	DIR	      *d = opendir(path);
	struct dirent *e;
	int	       n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
read_file(const char *path, size_t *len)
{
	static char data[65536];
	int	    fd = open(path, O_RDONLY);
	ssize_t	    n;

	if (fd == -1)
		return NULL;
	n = read(fd, data, sizeof(data));
	close(fd);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return data;
}

static void
test_names(void)
{
	char   name[SAVEFILE_NAME_MAX];
	size_t n;

	n = savefile_name(
	    name, sizeof(name), 3, "http://example.com:8080/a/b.html?q=1#frag");
	CHECK_STR(name, "000003-example.com_8080_a_b.html");
	CHECK_INT(n, strlen(name));
	/* User info never reaches a name. */
	savefile_name(
	    name, sizeof(name), 0, "https://user:secret@host.example/x");
	CHECK_STR(name, "000000-host.example_x");
	/* An index past the padding just grows. */
	savefile_name(name, sizeof(name), 12345678, "http://h/");
	CHECK_STR(name, "12345678-h_");
	/* No scheme, no path. */
	savefile_name(name, sizeof(name), 1, "h");
	CHECK_STR(name, "000001-h");
}

static void
test_hostile_names(void)
{
	static const char *const urls[] = {
		"http://h/../../x",
		"http://h/..",
		"http://../../../etc/passwd",
		"http://h/%2e%2e/%2e%2e/x",
		"http://h/.hidden",
		"http://h/a\x01\x1b[31m\x7f\r\nb",
		"http://h/\xc3\xa9t\xc3\xa9\xff",
		"http://h/a/./b/../c",
		"http://h/...../....",
		"http://h:99999/x y\tz",
		"http://@/",
		"",
		"://",
	};
	char   names[sizeof(urls) / sizeof(urls[0])][SAVEFILE_NAME_MAX];
	size_t i, j;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		savefile_name(names[i], sizeof(names[i]), i, urls[i]);
		CHECK(safe_name(names[i]));
		if (!safe_name(names[i]))
			fprintf(stderr, "  unsafe: %s\n", names[i]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(names[i], names[j]) != 0);
	}
	savefile_name(names[0], sizeof(names[0]), 0, "http://h/../../x");
	CHECK_STR(names[0], "000000-h_.__.__x");
}

static void
test_long_and_same(void)
{
	char *url = malloc(10 * 1024 + 1);
	char  a[SAVEFILE_NAME_MAX], b[SAVEFILE_NAME_MAX];

	if (url == NULL) {
		CHECK(0);
		return;
	}
	memcpy(url, "http://h/", 9);
	memset(url + 9, 'p', 10 * 1024 - 9);
	url[10 * 1024] = '\0';
	savefile_name(a, sizeof(a), 7, url);
	CHECK(safe_name(a));
	CHECK_INT(strlen(a), 7 + SAVEFILE_PART_MAX);
	/* The same URL twice: the index keeps the names apart. */
	savefile_name(b, sizeof(b), 8, url);
	CHECK(strcmp(a, b) != 0);
	/* A buffer too small still ends in a NUL. */
	CHECK(savefile_name(a, 10, 7, url) < 10);
	CHECK_INT(strlen(a), 9);
	free(url);
}

static void
test_commit(void)
{
	char		 dir[512], *path;
	struct savedir	*d;
	struct savefile *f;
	const char	 data[] = "hello\0world";
	size_t		 len;
	char		*got;

	/* Missing parents are created; trailing slashes are dropped. */
	snprintf(dir, sizeof(dir), "%s/a/b//c//", tmpdir);
	CHECK((d = savefile_dir_open(dir)) != NULL);
	if (d == NULL)
		return;
	snprintf(dir, sizeof(dir), "%s/a/b//c", tmpdir);
	CHECK((f = savefile_new(d, 5, "http://h/x", 1)) != NULL);
	if (f == NULL) {
		savefile_dir_close(d);
		return;
	}
	CHECK(strncmp(savefile_temp_name(f), ".afetch-5-", 10) == 0);
	/* While writing, only the temporary name exists. */
	CHECK_INT(savefile_write(f, data, sizeof(data) - 1), 0);
	CHECK_INT(count_entries(dir), 1);
	path = savefile_commit(f);
	CHECK(path != NULL);
	if (path != NULL) {
		char want[600];

		snprintf(want, sizeof(want), "%s/000005-h_x", dir);
		CHECK_STR(path, want);
		got = read_file(path, &len);
		CHECK(got != NULL && len == sizeof(data) - 1 &&
		    memcmp(got, data, len) == 0);
		CHECK_INT(count_entries(dir), 1);
		/* The same name again replaces the file. */
		f = savefile_new(d, 5, "http://h/x", 1);
		CHECK(f != NULL);
		if (f != NULL) {
			free(savefile_commit(f));
			got = read_file(path, &len);
			CHECK(got != NULL && len == 0);
		}
		unlink(path);
		free(path);
	}
	savefile_dir_close(d);
}

static void
test_abort_leaves_nothing(void)
{
	char		 dir[512];
	struct savedir	*d;
	struct savefile *f, *g;

	snprintf(dir, sizeof(dir), "%s/abort", tmpdir);
	if ((d = savefile_dir_open(dir)) == NULL) {
		CHECK(0);
		return;
	}
	f = savefile_new(d, 1, "http://h/x", 99);
	/* The same random draw twice: the second picks another name. */
	g = savefile_new(d, 1, "http://h/x", 99);
	CHECK(f != NULL && g != NULL);
	if (f != NULL && g != NULL)
		CHECK(
		    strcmp(savefile_temp_name(f), savefile_temp_name(g)) != 0);
	CHECK_INT(count_entries(dir), 2);
	if (f != NULL)
		CHECK_INT(savefile_write(f, "partial", 7), 0);
	savefile_abort(f);
	savefile_abort(g);
	savefile_abort(NULL);
	CHECK_INT(count_entries(dir), 0);
	savefile_dir_close(d);
}

static void
test_failures(void)
{
	char		path[512];
	struct savedir *d;
	int		fd;

	/* A file where the directory should be. */
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd != -1);
	if (fd != -1)
		close(fd);
	errno = 0;
	CHECK(savefile_dir_open(path) == NULL);
	CHECK(errno != 0);
	snprintf(path, sizeof(path), "%s/file/sub", tmpdir);
	CHECK(savefile_dir_open(path) == NULL);
	/* A directory that cannot be written: creating the file fails. */
	snprintf(path, sizeof(path), "%s/ro", tmpdir);
	if ((d = savefile_dir_open(path)) != NULL && geteuid() != 0) {
		chmod(path, 0500);
		errno = 0;
		CHECK(savefile_new(d, 0, "http://h/", 1) == NULL);
		CHECK(errno == EACCES);
		chmod(path, 0700);
	}
	savefile_dir_close(d);
	/* The final name taken by a directory: commit fails, no leftover. */
	snprintf(path, sizeof(path), "%s/taken", tmpdir);
	if ((d = savefile_dir_open(path)) != NULL) {
		struct savefile *f;
		char		 sub[600], subsub[700];

		snprintf(sub, sizeof(sub), "%s/000000-h_", path);
		CHECK(mkdir(sub, 0700) == 0);
		snprintf(subsub, sizeof(subsub), "%s/x", sub);
		CHECK(mkdir(subsub, 0700) == 0);
		f = savefile_new(d, 0, "http://h/", 1);
		CHECK(f != NULL);
		if (f != NULL) {
			errno = 0;
			CHECK(savefile_commit(f) == NULL);
			CHECK(errno != 0);
		}
		CHECK_INT(count_entries(path), 1);
		savefile_dir_close(d);
	}
}

/* Removes the test's directory tree. */
static void
cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_names);
	RUN(test_hostile_names);
	RUN(test_long_and_same);
	RUN(test_commit);
	RUN(test_abort_leaves_nothing);
	RUN(test_failures);
	cleanup();
	return harness_result();
}
