/*
 * errmap: the contract's error code and afetch's own wording for a failed
 * transfer, from libcurl's result code and the flags the fetch raised.
 * Codes libcurl added after 7.88 are known by number, so one build serves
 * every libcurl from 7.88 on; attempt.c calls it once per failed attempt.
 */
#include <string.h>

#include "errmap.h"

/*
 * Codes libcurl added after 7.88, by number: an enum member cannot be
 * tested with #ifdef, and a build against older headers may run with a
 * newer libcurl (the soname is the same).
 */
enum {
	CODE_TOO_LARGE = 100,	 /* CURLE_TOO_LARGE, 8.6.0 */
	CODE_ECH_REQUIRED = 101, /* CURLE_ECH_REQUIRED, 8.8.0 */
};

/*
 * Returns 1 when a receive error in a chunked body is libcurl refusing the
 * chunked framing. Every libcurl from 7.88 to 8.x reports that as
 * CURLE_RECV_ERROR, as it does a reset connection, with no other code or
 * info to tell them apart (CURLINFO_OS_ERRNO is not cleared between
 * transfers before 8.x); all its texts for it name the chunk ("Illegal or
 * missing hexadecimal sequence in chunked-encoding", "chunk hex-length char
 * not a hex digit: 0x7a", "invalid chunk size: ...").
 */
static int
bad_chunk(const char *errbuf, int flags)
{
	return (flags & ERRMAP_CHUNKED) &&
	    (strstr(errbuf, "chunk") != NULL ||
		strstr(errbuf, "Chunk") != NULL);
}

/*
 * Returns 1 when libcurl's text says an HTTP/2 header block was refused for
 * its size. Over HTTP/2 no header reaches afetch's own count first: libcurl
 * 7.88 gathers a stream's whole block in a 128 KiB buffer, and when it is
 * full its nghttp2 callback fails ("nghttp2_session_mem_recv() returned
 * -902:The user callback function failed"); nghttp2 itself refuses a field
 * over 64 KiB or a block in too many CONTINUATION frames and ends the
 * connection (libcurl 8 says "nghttp2 recv error -905: Too many
 * CONTINUATION frames following a HEADER frame" or "... error 9:
 * COMPRESSION_ERROR", as the bytes happen to arrive). These texts
 * name the whole connection, so a sibling stream still waiting for its
 * headers on it is reported the same way.
 */
static int
h2_headers_refused(const char *errbuf, int flags)
{
	return (flags & ERRMAP_IN_HEADERS) &&
	    (strstr(errbuf, "nghttp2_session_mem_recv() returned -902") !=
		    NULL ||
		strstr(errbuf, "COMPRESSION_ERROR") != NULL ||
		strstr(errbuf, "Too many CONTINUATION frames") != NULL);
}

enum record_error
errmap_classify(CURLcode result, const char *errbuf, int flags)
{
	if (result == CURLE_OK)
		return ERROR_NONE;
	/* Our own reasons for stopping come first: libcurl only saw a "no". */
	if (flags & (ERRMAP_TOO_LARGE | ERRMAP_HEADERS_TOO_LARGE))
		return ERROR_TOO_LARGE;
	if (flags & ERRMAP_NO_MEMORY)
		return ERROR_INTERNAL;
	if (flags & ERRMAP_WRITE_FAILED)
		return ERROR_WRITE;
	if (flags & ERRMAP_BAD_FRAMING)
		return ERROR_PROTOCOL;

	if (h2_headers_refused(errbuf, flags))
		return ERROR_TOO_LARGE;

	switch ((int)result) {
	case CODE_TOO_LARGE:
		/* Response headers past a limit, in every HTTP version. */
		return ERROR_TOO_LARGE;
	case CODE_ECH_REQUIRED:
		return ERROR_TLS;
	default:
		break;
	}
	switch (result) {
	case CURLE_UNSUPPORTED_PROTOCOL:
		return (flags & ERRMAP_BAD_REDIRECT) ? ERROR_UNSUPPORTED_SCHEME
						     : ERROR_PROTOCOL;
	case CURLE_URL_MALFORMAT:
		return (flags & ERRMAP_BAD_REDIRECT) ? ERROR_UNSUPPORTED_SCHEME
						     : ERROR_INVALID_URL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return ERROR_DNS;
	case CURLE_COULDNT_CONNECT:
	case CURLE_INTERFACE_FAILED:
	case CURLE_NO_CONNECTION_AVAILABLE:
	case CURLE_QUIC_CONNECT_ERROR:
	case CURLE_PROXY:
		return ERROR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return ERROR_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return ERROR_TLS;
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return ERROR_RESET;
	case CURLE_RECV_ERROR:
		return bad_chunk(errbuf, flags) ? ERROR_PROTOCOL : ERROR_RESET;
	case CURLE_TOO_MANY_REDIRECTS:
		return ERROR_TOO_MANY_REDIRECTS;
	case CURLE_FILESIZE_EXCEEDED:
		return ERROR_TOO_LARGE;
	case CURLE_OUT_OF_MEMORY:
		/*
		 * Before 8.6 libcurl refuses a response header line over
		 * 100 KiB with this code, mostly with no text; otherwise it
		 * is what it says.
		 */
		return (flags & ERRMAP_OOM_MEANS_LONG_LINE) ? ERROR_TOO_LARGE
							    : ERROR_INTERNAL;
	case CURLE_WRITE_ERROR:
		/*
		 * Our callbacks refuse data only with a flag (handled above):
		 * without one, libcurl's content decoder refused the body
		 * (7.88 says so for some corrupt brotli and zstd streams).
		 */
	case CURLE_BAD_CONTENT_ENCODING:
		return ERROR_PROTOCOL;
	case CURLE_ABORTED_BY_CALLBACK:
		return ERROR_CANCELLED;
	case CURLE_FAILED_INIT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_READ_ERROR:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_SETOPT_OPTION_SYNTAX:
	case CURLE_SEND_FAIL_REWIND:
	case CURLE_AGAIN:
	case CURLE_RECURSIVE_API_CALL:
	case CURLE_UNRECOVERABLE_POLL:
		/* afetch asked libcurl something it could not do. */
		return ERROR_INTERNAL;
	default:
		/* Everything else is the peer speaking something not HTTP. */
		return ERROR_PROTOCOL;
	}
}

const char *
errmap_message(CURLcode result, enum record_error error, int flags)
{
	if (flags &
	    (ERRMAP_TOO_LARGE | ERRMAP_HEADERS_TOO_LARGE | ERRMAP_WRITE_FAILED |
		ERRMAP_BAD_FRAMING | ERRMAP_NO_MEMORY))
		return NULL;
	switch (error) {
	case ERROR_TOO_LARGE:
		if (result == CURLE_OUT_OF_MEMORY)
			return "response header line over libcurl's limit "
			       "(100 KiB)";
		if ((int)result == CODE_TOO_LARGE)
			return "response headers over libcurl's limits";
		if ((flags & ERRMAP_IN_HEADERS) &&
		    result != CURLE_FILESIZE_EXCEEDED)
			return "response headers over HTTP/2's limits in "
			       "libcurl and nghttp2";
		return NULL;
	case ERROR_PROTOCOL:
		if (result == CURLE_WRITE_ERROR ||
		    result == CURLE_BAD_CONTENT_ENCODING)
			return "corrupt compressed body";
		if (result == CURLE_RECV_ERROR)
			return "bad chunked encoding";
		/* libcurl 8 refuses more by itself (a signed Content-Length)
		 * and says so in words of its own version. */
		if (result == CURLE_WEIRD_SERVER_REPLY)
			return "not a valid HTTP response";
		return NULL;
	case ERROR_INTERNAL:
		if (result == CURLE_OUT_OF_MEMORY)
			return "out of memory in libcurl";
		return "libcurl failed";
	default:
		return NULL;
	}
}

int
errmap_oom_for_long_header(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v != NULL && v->version_num < 0x080600;
}
