/*
 * Fuzz target: URL checking (src/http/url.c).
 *
 * url_normalise() answers most lines on a fast path of its own and the
 * rest with libcurl's parser, and promises the same answers as libcurl in
 * both cases. The reference (tests/common/url_reference.h) asks libcurl
 * for every line, by the steps url.h describes, so a fast path that
 * strays from libcurl shows as a mismatch: the result, the URL handed on and the host must all agree.
 * url_scheme_allowed() is checked against its own rule too.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../common/url_reference.h"
#include "fuzz.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char     *line = (const char *)data, *why = NULL;
	char	       *out, *host, *rout, *rhost, *z;
	enum url_result r, want;
	size_t		i, sl;
	int		plain = 1;

	for (i = 0; i < size; i++)
		if (data[i] <= ' ' || data[i] == 0x7f)
			plain = 0;

	r = url_normalise(line, size, &out, &host, &why);
	if (r != URL_OK) {
		FUZZ_CHECK(out == NULL && host == NULL);
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	} else {
		FUZZ_CHECK(out != NULL && host != NULL && host[0] != '\0');
		/* The line as written, behind the default scheme if any. */
		FUZZ_CHECK(strlen(out) >= size &&
		    memcmp(out + strlen(out) - size, line, size) == 0);
		for (i = 0; host[i] != '\0'; i++)
			FUZZ_CHECK(!(host[i] >= 'A' && host[i] <= 'Z'));
		FUZZ_CHECK(url_scheme_allowed(out));
	}
	if (!plain) {
		/* NUL, white space and control bytes are refused up front. */
		FUZZ_CHECK(r == URL_INVALID);
	} else {
		want = url_reference(line, size, &rout, &rhost);
		if (!(want == URL_INVALID && r == URL_INVALID)) {
			FUZZ_CHECK(r == want);
			if (r == URL_OK) {
				FUZZ_CHECK(strcmp(out, rout) == 0);
				FUZZ_CHECK(strcmp(host, rhost) == 0);
			}
		}
		free(rout);
		free(rhost);
	}
	free(out);
	free(host);

	/* url_scheme_allowed on the same bytes as a C string. */
	if ((z = malloc(size + 1)) != NULL) {
		memcpy(z, data, size);
		z[size] = '\0';
		sl = url_reference_scheme_len(z, strlen(z));
		FUZZ_CHECK(url_scheme_allowed(z) ==
		    (sl > 0 && z[sl] == ':' && url_reference_is_http(z, sl)));
		free(z);
	}
	return 0;
}
