/*
 * tlstrust: the certificate authorities TLS peers are verified against,
 * loaded once per run and shared by every connection.
 *
 * Left to itself, libcurl (7.88 and 8.x, OpenSSL) fills a new X509 store
 * for every TLS connection. Its CA cache would spare that, but only when
 * no CA directory is set, and Debian's libcurl always has one
 * (/etc/ssl/certs): decoding the 140-odd certificates of the system
 * bundle again costs about 22 ms of CPU per connection under OpenSSL 3.0,
 * on the loop's thread. Here the store is built once, when the first TLS
 * connection needs it, and each new SSL_CTX is handed a reference to it
 * through CURLOPT_SSL_CTX_FUNCTION, with libcurl told to load nothing
 * itself. A CA file that is there but holds no certificate then fails
 * every TLS transfer as CURLE_SSL_CACERT_BADFILE, with one warning.
 *
 * Where sharing cannot be done safely (libcurl not built on the OpenSSL
 * afetch links) or the CA file cannot be read, the easy handles get plain
 * CURLOPT_CAINFO / CURLOPT_CAPATH instead: correct, and libcurl then
 * reports a bad file per transfer as it always did.
 *
 * Not thread-safe until loaded: one trust per loop, or one loaded with
 * tlstrust_load() shared by loops on several threads.
 */
#ifndef AFETCH_TLSTRUST_H
#define AFETCH_TLSTRUST_H

#include <curl/curl.h>

#include "httperr.h"

struct tlstrust;

/*
 * Returns the trust for cafile and capath (either may be NULL). With
 * neither given, it is libcurl's built-in default (on Debian the
 * ca-certificates bundle and /etc/ssl/certs); with one or both given, it
 * is exactly those. Nothing is loaded yet. Returns NULL only when out of
 * memory; a file that cannot be loaded is not an error here (see above).
 * The strings are copied.
 */
struct tlstrust *tlstrust_new(const char *cafile, const char *capath);

/*
 * Makes easy verify its TLS peers with t: a shared store when there is
 * one, or libcurl's own loading of the same files. t must outlive the
 * handle. Returns HTTP_OK, or HTTP_ERR_CURL with libcurl's refusal of an
 * option in errbuf (CURL_ERROR_SIZE bytes).
 */
enum http_err tlstrust_apply(struct tlstrust *t, CURL *easy, char *errbuf);

/*
 * Returns 1 when connections share one store, loaded once, 0 when libcurl
 * loads the CAs per connection (the fallback).
 */
int tlstrust_shared(const struct tlstrust *t);

/*
 * Makes the shared store now, as the first TLS connection would (the
 * warning included when nothing can be loaded). From then on connections
 * only take references to it (atomic in OpenSSL), so t may serve loops
 * on several threads. Nothing happens for a fallback trust.
 */
void tlstrust_load(struct tlstrust *t);

/* Frees t (NULL is fine); SSL_CTXs still alive keep their references. */
void tlstrust_free(struct tlstrust *t);

#endif
