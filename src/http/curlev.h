/*
 * curlev: drives a libcurl multi handle from the libevent loop.
 *
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and
 * when to wake it (CURLMOPT_TIMERFUNCTION); we answer every event with
 * curl_multi_socket_action() and then collect finished transfers. There is
 * no polling loop. Finished transfers are reported from loop context, never
 * from inside a libcurl callback, so the receiver may remove the handle.
 * This module knows nothing of the command line or of JSON.
 */
#ifndef AFETCH_CURLEV_H
#define AFETCH_CURLEV_H

#include <curl/curl.h>

#include "httperr.h"

struct curlev;
struct loop;

/*
 * Called once per finished transfer with libcurl's result. The easy handle
 * is still in the multi handle; the callee removes it with curlev_remove().
 */
typedef void (*curlev_done_fn)(CURL *easy, CURLcode result, void *arg);

/* Returns a bridge on loop, or NULL if libcurl or memory failed. */
struct curlev *curlev_new(struct loop *loop, curlev_done_fn done, void *arg);

/*
 * Frees the bridge: removes nothing, so every transfer must have been
 * removed; cleans up the multi handle (which closes its connections) and
 * then the socket events. Call before loop_free().
 */
void curlev_free(struct curlev *ce);

/*
 * Sizes the connection pool: libcurl keeps up to connections open, in use
 * or idle, and closes the oldest idle one to open one more; an HTTP/2
 * connection carries up to streams transfers at a time (at least 100, as
 * libcurl's default, and never more than the server allows). Returns
 * HTTP_OK, or HTTP_ERR_CURL when libcurl refuses (its text in
 * curlev_error()).
 */
enum http_err curlev_set_pool(
    struct curlev *ce, long connections, long streams);

/*
 * Lets the bridge open and close the sockets of a new easy handle's
 * connections (it then keeps an idle keep-alive socket watched between
 * transfers instead of dropping and adding it each time). Once per handle,
 * before its first transfer; the handle must not outlive the bridge.
 * Returns HTTP_OK, or HTTP_ERR_CURL with libcurl's refusal in errbuf
 * (CURL_ERROR_SIZE bytes).
 */
enum http_err curlev_adopt(struct curlev *ce, CURL *easy, char *errbuf);

/*
 * Starts a transfer on a configured easy handle. Returns HTTP_OK, or
 * HTTP_ERR_NOMEM or HTTP_ERR_CURL with the transfer not started (the text
 * then in curlev_error()).
 */
enum http_err curlev_add(struct curlev *ce, CURL *easy);

/* Stops a transfer (finished or not). Safe from loop context only. */
void curlev_remove(struct curlev *ce, CURL *easy);

/* The text of the last multi-level failure. */
const char *curlev_error(const struct curlev *ce);

/*
 * Returns how many times libcurl has been driven. libcurl begins an added
 * transfer (and resets what it reports of a pooled handle's previous one)
 * only when driven, so a count unchanged since curlev_add() means the
 * handle still speaks of its previous transfer.
 */
unsigned long curlev_drives(const struct curlev *ce);

#endif
