/*
 * Unit tests for tlstrust: when connections share one store and when
 * libcurl is left to load the CAs itself, and that either way the easy
 * handle takes the options.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "harness.h"
#include "tlstrust.h"

HARNESS_MAIN;

/* Returns 1 when libcurl's TLS backend is OpenSSL (what sharing needs). */
static int
curl_on_openssl(void)
{
	const char *s = curl_version_info(CURLVERSION_NOW)->ssl_version;

	return s != NULL && strncmp(s, "OpenSSL/", 8) == 0;
}

static void
check_applies(struct tlstrust *t)
{
	CURL *easy = curl_easy_init();
	char  errbuf[CURL_ERROR_SIZE] = "";

	CHECK(easy != NULL);
	if (easy == NULL)
		return;
	CHECK_INT(tlstrust_apply(t, easy, errbuf), HTTP_OK);
	CHECK_STR(errbuf, "");
	curl_easy_cleanup(easy);
}

static void
test_given_directory_is_shared(void)
{
	/* A directory is looked up lazily: any path will do here. */
	struct tlstrust *t = tlstrust_new(NULL, "/nonexistent-ca-dir");

	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK_INT(tlstrust_shared(t), curl_on_openssl());
	check_applies(t);
	tlstrust_free(t);
}

static void
test_readable_file_is_shared(void)
{
	char		 path[] = "/tmp/afetch-tlstrust-XXXXXX";
	int		 fd = mkstemp(path);
	struct tlstrust *t;

	CHECK(fd != -1);
	if (fd == -1)
		return;
	close(fd);
	/* Not loaded until a connection needs it: any content will do. */
	t = tlstrust_new(path, NULL);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT(tlstrust_shared(t), curl_on_openssl());
		check_applies(t);
	}
	tlstrust_free(t);
	unlink(path);
}

static void
test_unreadable_file_falls_back(void)
{
	struct tlstrust *t = tlstrust_new("/nonexistent/ca.pem", NULL);

	CHECK(t != NULL);
	if (t == NULL)
		return;
	/* libcurl reports the missing file per transfer, as it always did. */
	CHECK_INT(tlstrust_shared(t), 0);
	check_applies(t);
	tlstrust_free(t);
}

static void
test_free_null(void)
{
	tlstrust_free(NULL);
	CHECK(1);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_given_directory_is_shared);
	RUN(test_readable_file_is_shared);
	RUN(test_unreadable_file_falls_back);
	RUN(test_free_null);
	curl_global_cleanup();
	return harness_result();
}
