/*
 * reqdata: the request body of -d, as given or read whole from @FILE,
 * byte for byte. The run loads it once and every request points at it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "msgs.h"
#include "reqdata.h"

int
reqdata_load(const char *arg, struct buf *out)
{
	char	chunk[65536];
	ssize_t n;
	int	fd;

	buf_init(out, REQDATA_LIMIT);
	if (arg == NULL)
		return 0;
	if (arg[0] != '@') {
		if (buf_puts(out, arg) == -1) {
			msgs_warnx("-d: out of memory");
			return -1;
		}
		return 0;
	}
	if ((fd = open(arg + 1, O_RDONLY | O_CLOEXEC)) == -1) {
		msgs_warnc(errno, "%s", arg + 1);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_append(out, chunk, (size_t)n) == -1) {
			msgs_warnc(n == -1 ? errno : EFBIG, "%s", arg + 1);
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}
