/*
 * savefile: one response body saved under -o, written to a hidden
 * temporary file and renamed into place only when the transfer is done,
 * so a failed or cancelled transfer leaves nothing behind. response.c
 * feeds it; it owns the descriptor and both names.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savefile.h"

/* Names tried before giving up when temporary names keep existing. */
#define TEMP_TRIES 16
/* ".afetch-" + 20 digits + '-' + 16 hex digits + ".tmp" + NUL. */
#define TEMP_NAME_MAX (8 + 20 + 1 + 16 + 4 + 1)

struct savedir {
	int   fd;
	char *path;
};

struct savefile {
	struct savedir *dir;
	int		fd;
	char		temp[TEMP_NAME_MAX];
	char		name[SAVEFILE_NAME_MAX];
};

/* Creates path and its missing parents, as mkdir -p. */
static int
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

struct savedir *
savefile_dir_open(const char *path)
{
	struct savedir *dir;
	size_t		len = strlen(path);
	int		saved;

	if ((dir = calloc(1, sizeof(*dir))) == NULL)
		return NULL;
	dir->fd = -1;
	if ((dir->path = strdup(path)) == NULL)
		goto fail;
	/* "out/" names files "out/NAME", and "/" stays "/". */
	while (len > 1 && dir->path[len - 1] == '/')
		dir->path[--len] = '\0';
	if (make_dirs(dir->path) == -1)
		goto fail;
	if ((dir->fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		goto fail;
	return dir;
fail:
	saved = errno;
	savefile_dir_close(dir);
	errno = saved;
	return NULL;
}

void
savefile_dir_close(struct savedir *dir)
{
	if (dir == NULL)
		return;
	if (dir->fd != -1)
		close(dir->fd);
	free(dir->path);
	free(dir);
}

static int
safe_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

size_t
savefile_name(char *out, size_t size, size_t index, const char *url)
{
	const char *p = url, *auth, *auth_end, *at, *s;
	size_t	    n, part = 0;
	int	    in_path = 0;

	n = (size_t)snprintf(out, size, "%06zu-", index);
	if (n >= size)
		return size > 0 ? size - 1 : 0;
	if ((s = strstr(p, "://")) != NULL)
		p = s + 3;
	/* The authority ends at the path, query or fragment. */
	auth = p;
	auth_end = auth + strcspn(auth, "/?#");
	/* User info may hold a password: never in a file name. */
	for (at = auth_end; at > auth && at[-1] != '@'; at--)
		;
	for (s = at > auth ? at : auth; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (s == auth_end)
			in_path = 1;
		if (in_path && (c == '?' || c == '#'))
			break;
		if (part == SAVEFILE_PART_MAX || n + 1 >= size)
			break;
		if (!safe_byte(c) || (c == '.' && out[n - 1] == '.'))
			c = '_';
		out[n++] = (char)c;
		part++;
	}
	out[n] = '\0';
	return n;
}

struct savefile *
savefile_new(
    struct savedir *dir, size_t index, const char *url, uint64_t random)
{
	struct savefile *f;
	int		 i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->dir = dir;
	f->fd = -1;
	savefile_name(f->name, sizeof(f->name), index, url);
	for (i = 0; i < TEMP_TRIES; i++) {
		snprintf(f->temp, sizeof(f->temp), ".afetch-%zu-%016llx.tmp",
		    index, (unsigned long long)random);
		f->fd = openat(dir->fd, f->temp,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (f->fd != -1 || errno != EEXIST)
			break;
		/* Knuth's MMIX LCG step: another name, no shared state. */
		random =
		    random * 6364136223846793005ULL + 1442695040888963407ULL;
	}
	if (f->fd == -1) {
		int saved = errno;

		free(f);
		errno = saved;
		return NULL;
	}
	return f;
}

enum http_err
savefile_write(struct savefile *f, const void *data, size_t len)
{
	const char *p = data;
	ssize_t	    n;

	while (len > 0) {
		if ((n = write(f->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return HTTP_ERR_SYSTEM;
		}
		p += n;
		len -= (size_t)n;
	}
	return HTTP_OK;
}

char *
savefile_commit(struct savefile *f)
{
	char  *path = NULL;
	size_t len;
	int    rc, saved;

	rc = close(f->fd);
	f->fd = -1;
	if (rc == -1)
		goto fail;
	len = strlen(f->dir->path) + 1 + strlen(f->name) + 1;
	if ((path = malloc(len)) == NULL)
		goto fail;
	snprintf(path, len, "%s%s%s", f->dir->path,
	    strcmp(f->dir->path, "/") == 0 ? "" : "/", f->name);
	if (renameat(f->dir->fd, f->temp, f->dir->fd, f->name) == -1)
		goto fail;
	free(f);
	return path;
fail:
	saved = errno;
	free(path);
	savefile_abort(f);
	errno = saved;
	return NULL;
}

void
savefile_abort(struct savefile *f)
{
	int saved = errno;

	if (f == NULL)
		return;
	if (f->fd != -1)
		close(f->fd);
	unlinkat(f->dir->fd, f->temp, 0);
	free(f);
	errno = saved;
}

const char *
savefile_temp_name(const struct savefile *f)
{
	return f->temp;
}
