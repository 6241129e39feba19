#include <string.h>

#include "errmap.h"

enum record_error
errmap_classify(CURLcode result, const char *errbuf, int flags)
{
	if (result == CURLE_OK)
		return ERROR_NONE;
	/* Our own reasons for stopping come first: libcurl only saw a "no". */
	if (flags & ERRMAP_CANCELLED)
		return ERROR_CANCELLED;
	if (flags & ERRMAP_TOO_LARGE)
		return ERROR_TOO_LARGE;
	if (flags & ERRMAP_WRITE_FAILED)
		return ERROR_WRITE;

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
	case CURLE_USE_SSL_FAILED:
		return ERROR_TLS;
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return ERROR_RESET;
	case CURLE_RECV_ERROR:
		/*
		 * libcurl 7.88 reports a malformed chunk as a receive error,
		 * like a reset connection; only its text tells them apart.
		 */
		if (strstr(errbuf, "chunk") != NULL ||
		    strstr(errbuf, "Chunk") != NULL)
			return ERROR_PROTOCOL;
		return ERROR_RESET;
	case CURLE_TOO_MANY_REDIRECTS:
		return ERROR_TOO_MANY_REDIRECTS;
	case CURLE_FILESIZE_EXCEEDED:
		return ERROR_TOO_LARGE;
	case CURLE_OUT_OF_MEMORY:
		/*
		 * libcurl 7.88 refuses response headers over 100 KiB with
		 * this code ("Avoided giant realloc for header"), often with
		 * no text; a real allocation failure is far rarer.
		 */
		return ERROR_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return ERROR_WRITE;
	case CURLE_ABORTED_BY_CALLBACK:
		return ERROR_CANCELLED;
	default:
		/* Everything else is the peer speaking something not HTTP. */
		return ERROR_PROTOCOL;
	}
}
