/* Unit tests for errmap: libcurl's codes sorted into the contract's. */
#include "errmap.h"
#include "harness.h"
#include "record.h"

HARNESS_MAIN;

/* Checks the code's name too, so a failure reads as the contract does. */
#define CLASSIFY(result, errbuf, flags, want)                                  \
	do {                                                                   \
		enum record_error got_ =                                       \
		    errmap_classify(result, errbuf, flags);                    \
		CHECK_INT(got_, want);                                         \
		if (got_ != (want))                                            \
			fprintf(stderr, "  %s (%d) gave %s\n", #result,        \
			    (int)(result),                                     \
			    record_error_name(got_) ? record_error_name(got_)  \
						    : "null");                 \
	} while (0)

static void
test_ok(void)
{
	CLASSIFY(CURLE_OK, "", 0, ERROR_NONE);
	/* No error even if we had stopped it: libcurl finished first. */
	CLASSIFY(CURLE_OK, "", ERRMAP_CANCELLED | ERRMAP_TOO_LARGE, ERROR_NONE);
}

static void
test_plain_codes(void)
{
	static const struct {
		CURLcode	  result;
		enum record_error want;
	} table[] = {
		{ CURLE_URL_MALFORMAT, ERROR_INVALID_URL },
		{ CURLE_UNSUPPORTED_PROTOCOL, ERROR_PROTOCOL },
		{ CURLE_COULDNT_RESOLVE_HOST, ERROR_DNS },
		{ CURLE_COULDNT_RESOLVE_PROXY, ERROR_DNS },
		{ CURLE_COULDNT_CONNECT, ERROR_CONNECT },
		{ CURLE_OPERATION_TIMEDOUT, ERROR_TIMEOUT },
		{ CURLE_SSL_CONNECT_ERROR, ERROR_TLS },
		{ CURLE_PEER_FAILED_VERIFICATION, ERROR_TLS },
		{ CURLE_SSL_CERTPROBLEM, ERROR_TLS },
		{ CURLE_SSL_CIPHER, ERROR_TLS },
		{ CURLE_SSL_CACERT_BADFILE, ERROR_TLS },
		{ CURLE_SSL_ENGINE_NOTFOUND, ERROR_TLS },
		{ CURLE_SSL_ENGINE_SETFAILED, ERROR_TLS },
		{ CURLE_SSL_ENGINE_INITFAILED, ERROR_TLS },
		{ CURLE_SSL_SHUTDOWN_FAILED, ERROR_TLS },
		{ CURLE_SSL_CRL_BADFILE, ERROR_TLS },
		{ CURLE_SSL_ISSUER_ERROR, ERROR_TLS },
		{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, ERROR_TLS },
		{ CURLE_SSL_INVALIDCERTSTATUS, ERROR_TLS },
		{ CURLE_USE_SSL_FAILED, ERROR_TLS },
		{ CURLE_GOT_NOTHING, ERROR_RESET },
		{ CURLE_SEND_ERROR, ERROR_RESET },
		{ CURLE_PARTIAL_FILE, ERROR_RESET },
		{ CURLE_HTTP2_STREAM, ERROR_RESET },
		{ CURLE_RECV_ERROR, ERROR_RESET },
		{ CURLE_TOO_MANY_REDIRECTS, ERROR_TOO_MANY_REDIRECTS },
		{ CURLE_FILESIZE_EXCEEDED, ERROR_TOO_LARGE },
		{ CURLE_OUT_OF_MEMORY, ERROR_TOO_LARGE },
		{ CURLE_WRITE_ERROR, ERROR_WRITE },
		{ CURLE_ABORTED_BY_CALLBACK, ERROR_CANCELLED },
		/* Anything else: the peer spoke something not HTTP. */
		{ CURLE_WEIRD_SERVER_REPLY, ERROR_PROTOCOL },
		{ CURLE_HTTP2, ERROR_PROTOCOL },
		{ CURLE_BAD_CONTENT_ENCODING, ERROR_PROTOCOL },
		{ CURLE_HTTP_RETURNED_ERROR, ERROR_PROTOCOL },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		CLASSIFY(table[i].result, "", 0, table[i].want);
}

static void
test_names(void)
{
	CHECK(record_error_name(ERROR_NONE) == NULL);
	CHECK_STR(record_error_name(ERROR_INVALID_URL), "invalid_url");
	CHECK_STR(
	    record_error_name(ERROR_UNSUPPORTED_SCHEME), "unsupported_scheme");
	CHECK_STR(record_error_name(ERROR_DNS), "dns");
	CHECK_STR(record_error_name(ERROR_CONNECT), "connect");
	CHECK_STR(record_error_name(ERROR_TLS), "tls");
	CHECK_STR(record_error_name(ERROR_TIMEOUT), "timeout");
	CHECK_STR(record_error_name(ERROR_RESET), "reset");
	CHECK_STR(record_error_name(ERROR_PROTOCOL), "protocol");
	CHECK_STR(
	    record_error_name(ERROR_TOO_MANY_REDIRECTS), "too_many_redirects");
	CHECK_STR(record_error_name(ERROR_TOO_LARGE), "too_large");
	CHECK_STR(record_error_name(ERROR_WRITE), "write");
	CHECK_STR(record_error_name(ERROR_CANCELLED), "cancelled");
}

/* Our own reasons for stopping win over whatever libcurl reported. */
static void
test_flags_first(void)
{
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_CANCELLED, ERROR_CANCELLED);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_CANCELLED, ERROR_CANCELLED);
	CLASSIFY(CURLE_RECV_ERROR, "", ERRMAP_CANCELLED, ERROR_CANCELLED);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_TOO_LARGE, ERROR_TOO_LARGE);
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_TOO_LARGE, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_WRITE_FAILED, ERROR_WRITE);
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_WRITE_FAILED, ERROR_WRITE);
	/* Cancelled beats too large beats write. */
	CLASSIFY(CURLE_WRITE_ERROR, "",
	    ERRMAP_CANCELLED | ERRMAP_TOO_LARGE | ERRMAP_WRITE_FAILED,
	    ERROR_CANCELLED);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_TOO_LARGE | ERRMAP_WRITE_FAILED,
	    ERROR_TOO_LARGE);
	/* The redirect flag alone does not override. */
	CLASSIFY(CURLE_COULDNT_CONNECT, "", ERRMAP_BAD_REDIRECT, ERROR_CONNECT);
}

/* One code, two faults: a bad status line or a redirect to file://. */
static void
test_bad_redirect(void)
{
	CLASSIFY(CURLE_UNSUPPORTED_PROTOCOL, "", 0, ERROR_PROTOCOL);
	CLASSIFY(CURLE_UNSUPPORTED_PROTOCOL, "Unsupported protocol",
	    ERRMAP_BAD_REDIRECT, ERROR_UNSUPPORTED_SCHEME);
	CLASSIFY(CURLE_URL_MALFORMAT, "", 0, ERROR_INVALID_URL);
	CLASSIFY(CURLE_URL_MALFORMAT, "", ERRMAP_BAD_REDIRECT,
	    ERROR_UNSUPPORTED_SCHEME);
}

/* Only the text tells a bad chunk from a reset connection. */
static void
test_errbuf_chunk(void)
{
	CLASSIFY(CURLE_RECV_ERROR, "", 0, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR, "Connection reset by peer", 0, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR, "Recv failure: Connection reset by peer", 0,
	    ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR,
	    "Malformed encoding found in chunked-encoding", 0, ERROR_PROTOCOL);
	CLASSIFY(CURLE_RECV_ERROR, "Chunk size too large", 0, ERROR_PROTOCOL);
	/* The text matters only for a receive error. */
	CLASSIFY(CURLE_SEND_ERROR, "chunk", 0, ERROR_RESET);
	CLASSIFY(
	    CURLE_PARTIAL_FILE, "chunked transfer cut off", 0, ERROR_RESET);
}

/* libcurl 7.88 reports headers over its limit as out of memory, often
 * with no text: always too_large. */
static void
test_errbuf_header(void)
{
	CLASSIFY(CURLE_OUT_OF_MEMORY,
	    "Avoided giant realloc for header (max is 102400)!", 0,
	    ERROR_TOO_LARGE);
	CLASSIFY(CURLE_OUT_OF_MEMORY, "", 0, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_OUT_OF_MEMORY, "out of memory", 0, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_WEIRD_SERVER_REPLY, "bad header", 0, ERROR_PROTOCOL);
}

int
main(void)
{
	RUN(test_ok);
	RUN(test_plain_codes);
	RUN(test_names);
	RUN(test_flags_first);
	RUN(test_bad_redirect);
	RUN(test_errbuf_chunk);
	RUN(test_errbuf_header);
	return harness_result();
}
