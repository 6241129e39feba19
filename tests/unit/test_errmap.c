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
	CLASSIFY(
	    CURLE_OK, "", ERRMAP_TOO_LARGE | ERRMAP_WRITE_FAILED, ERROR_NONE);
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
		/* Without a flag, libcurl's own: a real allocation failure. */
		{ CURLE_OUT_OF_MEMORY, ERROR_INTERNAL },
		/* Without a flag, libcurl's content decoder refused the body. */
		{ CURLE_WRITE_ERROR, ERROR_PROTOCOL },
		{ CURLE_ABORTED_BY_CALLBACK, ERROR_CANCELLED },
		{ CURLE_INTERFACE_FAILED, ERROR_CONNECT },
		{ CURLE_NO_CONNECTION_AVAILABLE, ERROR_CONNECT },
		{ CURLE_QUIC_CONNECT_ERROR, ERROR_CONNECT },
		{ CURLE_PROXY, ERROR_CONNECT },
		{ CURLE_SSL_CLIENTCERT, ERROR_TLS },
		{ CURLE_FAILED_INIT, ERROR_INTERNAL },
		{ CURLE_NOT_BUILT_IN, ERROR_INTERNAL },
		{ CURLE_READ_ERROR, ERROR_INTERNAL },
		{ CURLE_BAD_FUNCTION_ARGUMENT, ERROR_INTERNAL },
		{ CURLE_UNKNOWN_OPTION, ERROR_INTERNAL },
		{ CURLE_SETOPT_OPTION_SYNTAX, ERROR_INTERNAL },
		{ CURLE_SEND_FAIL_REWIND, ERROR_INTERNAL },
		{ CURLE_AGAIN, ERROR_INTERNAL },
		{ CURLE_RECURSIVE_API_CALL, ERROR_INTERNAL },
		{ CURLE_UNRECOVERABLE_POLL, ERROR_INTERNAL },
		/* Added after 7.88: known by number (8.6 and 8.8). */
		{ (CURLcode)100, ERROR_TOO_LARGE },
		{ (CURLcode)101, ERROR_TLS },
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
	CHECK_STR(record_error_name(ERROR_INTERNAL), "internal");
}

/* Our own reasons for stopping win over whatever libcurl reported. */
static void
test_flags_first(void)
{
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_TOO_LARGE, ERROR_TOO_LARGE);
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_TOO_LARGE, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_WRITE_FAILED, ERROR_WRITE);
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_WRITE_FAILED, ERROR_WRITE);
	/* Too large beats write. */
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_TOO_LARGE | ERRMAP_WRITE_FAILED,
	    ERROR_TOO_LARGE);
	/* No memory to keep the body is afetch's own failure. */
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_NO_MEMORY, ERROR_INTERNAL);
	CHECK(errmap_message(
		  CURLE_WRITE_ERROR, ERROR_INTERNAL, ERRMAP_NO_MEMORY) == NULL);
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

/*
 * A receive error is a reset, unless the body was chunked and libcurl
 * named the chunk: its texts for a bad chunk, 7.88 to 8.x.
 */
static void
test_bad_chunk(void)
{
	CLASSIFY(CURLE_RECV_ERROR, "", 0, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR, "", ERRMAP_CHUNKED, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR, "Recv failure: Connection reset by peer",
	    ERRMAP_CHUNKED, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR,
	    "OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof "
	    "while reading, errno 0",
	    ERRMAP_CHUNKED, ERROR_RESET);
	CLASSIFY(CURLE_RECV_ERROR,
	    "Illegal or missing hexadecimal sequence in chunked-encoding",
	    ERRMAP_CHUNKED, ERROR_PROTOCOL);
	CLASSIFY(CURLE_RECV_ERROR,
	    "chunk hex-length char not a hex digit: 0x7a", ERRMAP_CHUNKED,
	    ERROR_PROTOCOL);
	CLASSIFY(CURLE_RECV_ERROR, "invalid chunk size: '18446744073709551616'",
	    ERRMAP_CHUNKED, ERROR_PROTOCOL);
	/* Not chunked: the text cannot be about a chunk. */
	CLASSIFY(CURLE_RECV_ERROR,
	    "Malformed encoding found in chunked-encoding", 0, ERROR_RESET);
	/* libcurl's total of header bytes, 8.3 to 8.x: we stop it first. */
	CLASSIFY(CURLE_RECV_ERROR,
	    "Too large response headers: 307300 > 307200", 0, ERROR_RESET);
	/* The text matters only for a receive error. */
	CLASSIFY(CURLE_SEND_ERROR, "chunk", ERRMAP_CHUNKED, ERROR_RESET);
	CLASSIFY(CURLE_PARTIAL_FILE, "chunked transfer cut off", ERRMAP_CHUNKED,
	    ERROR_RESET);
}

/*
 * Response headers over libcurl's limits: a line over 100 KiB is
 * CURLE_OUT_OF_MEMORY before 8.6 (the fetch says when), CURLE_TOO_LARGE
 * from 8.6; the total is ours to stop.
 */
static void
test_headers_too_large(void)
{
	CLASSIFY(CURLE_OUT_OF_MEMORY, "", ERRMAP_OOM_MEANS_LONG_LINE,
	    ERROR_TOO_LARGE);
	CLASSIFY(CURLE_OUT_OF_MEMORY, "", 0, ERROR_INTERNAL);
	CLASSIFY(CURLE_OUT_OF_MEMORY, "out of memory", 0, ERROR_INTERNAL);
	CLASSIFY((CURLcode)100, "", 0, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_WRITE_ERROR, "Failed writing header",
	    ERRMAP_HEADERS_TOO_LARGE, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_WEIRD_SERVER_REPLY, "bad header", 0, ERROR_PROTOCOL);
	/*
	 * HTTP/2: libcurl 7.88's 128 KiB header buffer, nghttp2's decoder
	 * (libcurl 8's words); only while a header block was coming in.
	 */
	CLASSIFY(CURLE_RECV_ERROR,
	    "h2_process_pending_input: nghttp2_session_mem_recv() returned "
	    "-902:The user callback function failed",
	    ERRMAP_IN_HEADERS, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_RECV_ERROR,
	    "h2_process_pending_input: nghttp2_session_mem_recv() returned "
	    "-902:The user callback function failed",
	    0, ERROR_RESET);
	CLASSIFY(CURLE_HTTP2,
	    "nghttp2 shuts down connection with error 9: COMPRESSION_ERROR",
	    ERRMAP_IN_HEADERS, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_HTTP2,
	    "nghttp2 shuts down connection with error 9: COMPRESSION_ERROR", 0,
	    ERROR_PROTOCOL);
	CLASSIFY(CURLE_HTTP2,
	    "nghttp2 recv error -905: Too many CONTINUATION frames following "
	    "a HEADER frame",
	    ERRMAP_IN_HEADERS, ERROR_TOO_LARGE);
	CLASSIFY(CURLE_RECV_ERROR, "Connection reset by peer",
	    ERRMAP_IN_HEADERS, ERROR_RESET);
	CHECK_STR(
	    errmap_message(CURLE_HTTP2, ERROR_TOO_LARGE, ERRMAP_IN_HEADERS),
	    "response headers over HTTP/2's limits in libcurl and nghttp2");
	CHECK_STR(errmap_message(CURLE_OUT_OF_MEMORY, ERROR_TOO_LARGE,
		      ERRMAP_OOM_MEANS_LONG_LINE),
	    "response header line over libcurl's limit (100 KiB)");
	CHECK_STR(errmap_message((CURLcode)100, ERROR_TOO_LARGE, 0),
	    "response headers over libcurl's limits");
	CHECK_STR(errmap_message(CURLE_OUT_OF_MEMORY, ERROR_INTERNAL, 0),
	    "out of memory in libcurl");
	/* Our own stop: the fetch words it. */
	CHECK(errmap_message(CURLE_WRITE_ERROR, ERROR_TOO_LARGE,
		  ERRMAP_HEADERS_TOO_LARGE) == NULL);
}

/* A corrupt compressed body is the server's fault; a failed save ours. */
static void
test_decoding(void)
{
	CLASSIFY(CURLE_WRITE_ERROR, "Failure writing output to destination", 0,
	    ERROR_PROTOCOL);
	CLASSIFY(CURLE_BAD_CONTENT_ENCODING,
	    "Error while processing content unencoding: invalid block type", 0,
	    ERROR_PROTOCOL);
	CLASSIFY(CURLE_WRITE_ERROR, "", ERRMAP_WRITE_FAILED, ERROR_WRITE);
	CHECK_STR(errmap_message(CURLE_WRITE_ERROR, ERROR_PROTOCOL, 0),
	    "corrupt compressed body");
	CHECK_STR(errmap_message(CURLE_BAD_CONTENT_ENCODING, ERROR_PROTOCOL, 0),
	    "corrupt compressed body");
	CHECK(errmap_message(
		  CURLE_WRITE_ERROR, ERROR_WRITE, ERRMAP_WRITE_FAILED) == NULL);
}

/* A Content-Length we refused is a protocol error whatever libcurl said. */
static void
test_bad_framing(void)
{
	CLASSIFY(CURLE_WRITE_ERROR, "Failed writing header", ERRMAP_BAD_FRAMING,
	    ERROR_PROTOCOL);
	CLASSIFY(
	    CURLE_ABORTED_BY_CALLBACK, "", ERRMAP_BAD_FRAMING, ERROR_PROTOCOL);
	CHECK(errmap_message(CURLE_WRITE_ERROR, ERROR_PROTOCOL,
		  ERRMAP_BAD_FRAMING) == NULL);
}

int
main(void)
{
	RUN(test_ok);
	RUN(test_plain_codes);
	RUN(test_names);
	RUN(test_flags_first);
	RUN(test_bad_redirect);
	RUN(test_bad_chunk);
	RUN(test_headers_too_large);
	RUN(test_decoding);
	RUN(test_bad_framing);
	return harness_result();
}
