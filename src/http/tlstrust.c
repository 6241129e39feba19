/*
 * tlstrust: the CA certificates of a run, loaded once and shared by every
 * TLS connection through libcurl's SSL_CTX callback, instead of libcurl
 * reading the whole bundle again per connection. The fetch context owns
 * one; transfer.c hands it to each easy handle.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

#include "msgs.h"
#include "tlstrust.h"

struct tlstrust {
	char *cafile; /* as given; NULL: none (the fallback's options) */
	char *capath;
	char *loadfile; /* what the shared store is made of: the given */
	char *loadpath; /* files, or libcurl's defaults */
	int   shared;	/* connections share a store, made on first use */
	/*
	 * Guards tried and store: the loops of several worker
	 * threads may open their first TLS connections at once. Held once per
	 * new connection, next to a handshake's cost; OpenSSL's own lock, so
	 * that this layer needs no threads library of its own.
	 */
	CRYPTO_RWLOCK *lock;
	int	       tried; /* making the store was tried (NULL: failed) */
	X509_STORE    *store;
};

/*
 * Returns 1 when libcurl's TLS backend is the OpenSSL this program links
 * (the same major version), so that the SSL_CTX it hands to
 * CURLOPT_SSL_CTX_FUNCTION is one our X509_STORE may be given to. A
 * multi-backend libcurl names its inactive backends in parentheses first;
 * only an active OpenSSL counts.
 */
static int
curl_uses_our_openssl(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	const char		     *s = v->ssl_version;
	unsigned long		      major;
	char			     *end;

	if (s == NULL || strncmp(s, "OpenSSL/", 8) != 0)
		return 0;
	major = strtoul(s + 8, &end, 10);
	if (end == s + 8)
		return 0;
	return major == (OpenSSL_version_num() >> 28);
}

/*
 * Sets *cafile and *capath to libcurl's built-in defaults (NULL where it
 * has none), as CURLINFO_CAINFO and CURLINFO_CAPATH tell (7.84 and
 * later). Returns -1 when out of memory or when libcurl cannot say.
 */
static int
curl_default_paths(char **cafile, char **capath)
{
	int result = -1;
#if LIBCURL_VERSION_NUM >= 0x075400
	CURL *easy;
	char *file = NULL, *path = NULL;

	*cafile = *capath = NULL;
	if ((easy = curl_easy_init()) == NULL)
		return -1;
	if (curl_easy_getinfo(easy, CURLINFO_CAINFO, &file) == CURLE_OK &&
	    curl_easy_getinfo(easy, CURLINFO_CAPATH, &path) == CURLE_OK &&
	    (file != NULL || path != NULL)) {
		*cafile = file != NULL ? strdup(file) : NULL;
		*capath = path != NULL ? strdup(path) : NULL;
		if ((file == NULL || *cafile != NULL) &&
		    (path == NULL || *capath != NULL))
			result = 0;
		else {
			free(*cafile);
			free(*capath);
			*cafile = *capath = NULL;
		}
	}
	curl_easy_cleanup(easy);
#else
	*cafile = *capath = NULL;
#endif
	return result;
}

/*
 * Has OpenSSL parse and cache every loaded certificate's extensions now,
 * on this thread. Left to itself, OpenSSL 3.0 does that on a
 * certificate's first use in a verification and later checks whether it
 * did without a lock: with loops on several threads verifying against
 * one store, the first handshake of one would write what another's
 * reads. Done here, before store_get() lets the lock go, every later
 * reader finds it written. (Certificates a CA directory yields later, one
 * by one, are not covered.)
 */
static void
store_cache_extensions(X509_STORE *store)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	X509 *x;
	int   i;

	for (i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if ((x = X509_OBJECT_get0_X509(
			 sk_X509_OBJECT_value(objs, i))) != NULL)
			(void)X509_get_extension_flags(x);
}

/*
 * Builds the store libcurl would build for each connection, flags
 * included: with verification on, libcurl (7.88 and 8.x) sets
 * TRUSTED_FIRST and PARTIAL_CHAIN on every store it fills. Setting them
 * here also means 7.88, which sets them again on the store it finds in
 * the SSL_CTX (ours), changes nothing in a store that is shared.
 * A directory is looked up lazily by OpenSSL, certificate by certificate;
 * in a shared store what it finds stays found. Returns NULL when the
 * files cannot be loaded.
 */
static X509_STORE *
store_load(const char *cafile, const char *capath)
{
	X509_STORE *store;

	if ((store = X509_STORE_new()) == NULL)
		return NULL;
	if (X509_STORE_set_flags(store,
		X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_PARTIAL_CHAIN) != 1 ||
	    X509_STORE_load_locations(store, cafile, capath) != 1) {
		X509_STORE_free(store);
		/* libcurl reads the thread's error queue after a handshake. */
		ERR_clear_error();
		return NULL;
	}
	store_cache_extensions(store);
	return store;
}

struct tlstrust *
tlstrust_new(const char *cafile, const char *capath)
{
	struct tlstrust *t;
	char		*file = NULL, *path = NULL;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((cafile != NULL && (t->cafile = strdup(cafile)) == NULL) ||
	    (capath != NULL && (t->capath = strdup(capath)) == NULL) ||
	    (t->lock = CRYPTO_THREAD_lock_new()) == NULL)
		goto fail;
	if (!curl_uses_our_openssl())
		return t;
	if (cafile != NULL || capath != NULL) {
		if ((cafile != NULL && (file = strdup(cafile)) == NULL) ||
		    (capath != NULL && (path = strdup(capath)) == NULL)) {
			free(file);
			goto fail;
		}
	} else if (curl_default_paths(&file, &path) == -1)
		return t;
	t->loadfile = file;
	t->loadpath = path;
	/*
	 * A CA file that cannot be read is left to libcurl, which then fails
	 * each transfer with its own precise message, as it always did.
	 */
	t->shared = file == NULL || access(file, R_OK) == 0;
	return t;
fail:
	tlstrust_free(t);
	return NULL;
}

/*
 * Returns the shared store with a reference taken for the caller, making
 * it on the first call (once, whichever thread comes first; the warning
 * too); NULL with *rc set when there is none or no reference could be
 * taken. Made on first use rather than at start, so that a run without
 * TLS never pays for it (the system bundle costs about 22 ms of CPU).
 */
static X509_STORE *
store_get(struct tlstrust *t, CURLcode *rc)
{
	X509_STORE *store = NULL;
	int	    warn = 0;

	*rc = CURLE_OUT_OF_MEMORY;
	if (CRYPTO_THREAD_write_lock(t->lock) != 1)
		return NULL;
	if (!t->tried) {
		t->tried = 1;
		if ((t->store = store_load(t->loadfile, t->loadpath)) == NULL)
			warn = 1;
	}
	if (t->store == NULL)
		*rc = CURLE_SSL_CACERT_BADFILE;
	else if (X509_STORE_up_ref(t->store) == 1)
		store = t->store;
	CRYPTO_THREAD_unlock(t->lock);
	if (warn)
		msgs_warnx("%s: no certificate authorities could be loaded",
		    t->loadfile != NULL ? t->loadfile : t->loadpath);
	return store;
}

/*
 * CURLOPT_SSL_CTX_FUNCTION: runs once per new TLS connection, on the
 * thread of the loop that opens it. The SSL_CTX takes the reference
 * store_get() took and drops its own empty store; nothing is read or
 * decoded.
 */
static CURLcode
on_ssl_ctx(CURL *easy, void *ssl_ctx, void *arg)
{
	struct tlstrust *t = arg;
	X509_STORE	*store;
	CURLcode	 rc;

	(void)easy;
	if ((store = store_get(t, &rc)) == NULL)
		return rc;
	SSL_CTX_set_cert_store(ssl_ctx, store);
	return CURLE_OK;
}

/* The options tlstrust_apply() sets; returns the first refusal. */
static CURLcode
set_trust(struct tlstrust *t, CURL *easy)
{
	CURLcode rc;

	if (t->shared) {
		/*
		 * With no CA file or directory set, libcurl loads nothing,
		 * whatever its version: 7.88 fills the store after this
		 * callback ran, 8.x before it, both from these options only.
		 */
		if ((rc = curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION,
			 on_ssl_ctx)) == CURLE_OK &&
		    (rc = curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, t)) ==
			CURLE_OK &&
		    (rc = curl_easy_setopt(
			 easy, CURLOPT_CAINFO, (char *)NULL)) == CURLE_OK)
			rc = curl_easy_setopt(
			    easy, CURLOPT_CAPATH, (char *)NULL);
		return rc;
	}
	/*
	 * The fallback: libcurl loads the files itself. Given ones replace
	 * both defaults (a NULL one is no source at all); with a CA file
	 * alone, libcurl's own CA cache then applies where it has one.
	 */
	if (t->cafile == NULL && t->capath == NULL)
		return CURLE_OK;
	if ((rc = curl_easy_setopt(easy, CURLOPT_CAINFO, t->cafile)) !=
	    CURLE_OK)
		return rc;
	return curl_easy_setopt(easy, CURLOPT_CAPATH, t->capath);
}

enum http_err
tlstrust_apply(struct tlstrust *t, CURL *easy, char *errbuf)
{
	CURLcode rc = set_trust(t, easy);

	return rc == CURLE_OK ? HTTP_OK : http_err_curl(errbuf, rc);
}

int
tlstrust_shared(const struct tlstrust *t)
{
	return t->shared;
}

void
tlstrust_free(struct tlstrust *t)
{
	if (t == NULL)
		return;
	X509_STORE_free(t->store);
	CRYPTO_THREAD_lock_free(t->lock);
	free(t->cafile);
	free(t->capath);
	free(t->loadfile);
	free(t->loadpath);
	free(t);
}
