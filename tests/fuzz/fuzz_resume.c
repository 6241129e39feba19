/*
 * Fuzz target: the --resume reader (src/resume.c, src/jsonscan.c).
 *
 * The payload is the file given to --resume. Checked against cJSON, line
 * by line: jsonscan finds a string member exactly when cJSON's
 * case-sensitive lookup does, and decodes it to cJSON's bytes (cJSON's
 * string ends at the first NUL, jsonscan's does not); every line that is
 * a done record makes its URL resumable; the set holds no more URLs than
 * there are such lines; and a file cut off mid-line says so.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "fuzz.h"
#include "jsonscan.h"
#include "jsonstr.h"
#include "resume.h"

/*
 * Whether the text has what cJSON lets through and jsonscan refuses: a \u
 * escape without four hex digits (cJSON takes it as U+0000) or a raw
 * control byte in a string. resume skips such a line; afetch never writes
 * one.
 */
static int
cjson_lenient(const char *s, size_t len)
{
	size_t i, j;

	for (i = 0; i + 1 < len; i++) {
		/* White space between tokens too: simpler, and still fine. */
		if ((unsigned char)s[i] < 0x20)
			return 1;
		if (s[i] != '\\')
			continue;
		if (s[++i] != 'u')
			continue;
		for (j = 1; j <= 4; j++)
			if (i + j >= len ||
			    strchr("0123456789abcdefABCDEF", s[i + j]) ==
				NULL ||
			    s[i + j] == '\0')
				return 1;
	}
	return 0;
}

/* Does jsonscan read member key of the line as cJSON does? */
static void
check_member(const cJSON *root, const char *line, size_t len, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
	const char  *lit;
	size_t	     litlen, n;
	struct buf   dec;
	int	     found;

	found = jsonscan_find_string(line, len, key, &lit, &litlen) == BASE_OK;
	/*
	 * cJSON cuts member names at a NUL ("url\u0000x" is "url" to it),
	 * where jsonscan decodes them whole; such a line is one afetch never
	 * wrote, and resume only asks jsonscan after cJSON found the member.
	 */
	if (memmem(line, len, "\\u0000", 6) != NULL || cjson_lenient(line, len))
		return;
	FUZZ_CHECK(found == (cJSON_IsString(item) && item->valuestring));
	if (!found)
		return;
	buf_init(&dec, len);
	if (jsonscan_decode_string(lit, litlen, &dec) != BASE_OK) {
		FUZZ_CHECK(cjson_lenient(lit, litlen));
		buf_free(&dec);
		return;
	}
	n = strlen(item->valuestring);
	FUZZ_CHECK(n <= dec.len);
	FUZZ_CHECK(
	    memcmp(dec.len > 0 ? dec.data : "", item->valuestring, n) == 0);
	FUZZ_CHECK(n == dec.len || dec.data[n] == '\0');
	buf_free(&dec);
}

/*
 * Checks one line; returns 1 when it is a done record (cJSON's view), with
 * its URL decoded into url.
 */
static int
check_line(const char *line, size_t len, struct buf *url)
{
	const cJSON *state, *item;
	cJSON	    *root;
	const char  *end = NULL, *lit;
	size_t	     litlen, i;
	int	     done = 0;

	if (len == 0 || memchr(line, '\0', len) != NULL)
		return 0;
	if ((root = cJSON_ParseWithLengthOpts(line, len, &end, 0)) == NULL)
		return 0;
	for (i = (size_t)(end - line); i < len; i++)
		if (strchr(" \t\r\n", line[i]) == NULL)
			goto out;
	if (!cJSON_IsObject(root))
		goto out;
	check_member(root, line, len, "url");
	check_member(root, line, len, "state");
	state = cJSON_GetObjectItemCaseSensitive(root, "state");
	item = cJSON_GetObjectItemCaseSensitive(root, "url");
	if (cJSON_IsString(state) && strcmp(state->valuestring, "done") == 0 &&
	    cJSON_IsString(item)) {
		buf_clear(url);
		done = jsonscan_find_string(line, len, "url", &lit, &litlen) ==
			BASE_OK &&
		    jsonscan_decode_string(lit, litlen, url) == BASE_OK;
	}
out:
	cJSON_Delete(root);
	return done;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char    *p = (const char *)data, *end = p + size, *nl;
	struct resume *r;
	struct buf     url;
	char	       path[64], err[256];
	size_t	       lines = 0, len;
	int	       fd;

	if ((fd = memfd_create("resume", 0)) == -1)
		return 0;
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = resume_load(path, err, sizeof(err));
	close(fd);
	if (r == NULL)
		return 0;
	FUZZ_CHECK(resume_unterminated(r) == (size > 0 && end[-1] != '\n'));

	buf_init(&url, size + 1);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (check_line(p, len, &url)) {
			lines++;
			/*
			 * A record afetch wrote holds valid UTF-8; a URL that
			 * is not would be looked up as its U+FFFD form.
			 */
			if (jsonstr_valid_utf8(
				url.data ? url.data : "", url.len))
				FUZZ_CHECK(
				    resume_done(r, url.data ? url.data : "",
					url.len) == 1);
		}
		/* Any bytes may be asked about. */
		FUZZ_CHECK(resume_done(r, p, len) >= 0);
	}
	FUZZ_CHECK(resume_count(r) <= lines);
	FUZZ_CHECK(lines == 0 || resume_count(r) > 0);
	buf_free(&url);
	resume_free(r);
	return 0;
}
