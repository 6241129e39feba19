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

enum run_err
reqdata_load(const char *arg, struct buf *out)
{
	char	chunk[65536];
	ssize_t n;
	int	fd;

	buf_init(out, REQDATA_LIMIT);
	if (arg == NULL)
		return RUN_OK;
	if (arg[0] != '@') {
		if (buf_puts(out, arg) == -1) {
			msgs_warnx("-d: out of memory");
			return RUN_ERR_INPUT;
		}
		return RUN_OK;
	}
	if ((fd = open(arg + 1, O_RDONLY | O_CLOEXEC)) == -1) {
		msgs_warnc(errno, "%s", arg + 1);
		return RUN_ERR_INPUT;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_append(out, chunk, (size_t)n) == -1) {
			msgs_warnc(n == -1 ? errno : EFBIG, "%s", arg + 1);
			close(fd);
			return RUN_ERR_INPUT;
		}
	}
	close(fd);
	return RUN_OK;
}
