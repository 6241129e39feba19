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
#include <openssl/x509_vfy.h>

#include "msgs.h"
#include "tlstrust.h"

struct tlstrust {
	char	   *cafile; /* as given; NULL: none (the fallback's options) */
	char	   *capath;
	char	   *loadfile; /* what the shared store is made of: the given */
	char	   *loadpath; /* files, or libcurl's defaults */
	int	    shared;   /* connections share a store, made on first use */
	int	    failed;   /* making it was tried, and failed */
	X509_STORE *store;
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
	    (capath != NULL && (t->capath = strdup(capath)) == NULL))
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
 * CURLOPT_SSL_CTX_FUNCTION: runs once per new TLS connection. The SSL_CTX
 * takes a reference to the shared store and drops its own empty one;
 * nothing is read or decoded. The store is made on the first call rather
 * than at start, so that a run without TLS never pays for it (the system
 * bundle costs about 22 ms of CPU).
 */
void
tlstrust_load(struct tlstrust *t)
{
	if (!t->shared || t->store != NULL || t->failed)
		return;
	if ((t->store = store_load(t->loadfile, t->loadpath)) == NULL) {
		t->failed = 1;
		msgs_warnx("%s: no certificate authorities could be loaded",
		    t->loadfile != NULL ? t->loadfile : t->loadpath);
	}
}

static CURLcode
on_ssl_ctx(CURL *easy, void *ssl_ctx, void *arg)
{
	struct tlstrust *t = arg;

	(void)easy;
	tlstrust_load(t);
	if (t->store == NULL)
		return CURLE_SSL_CACERT_BADFILE;
	if (X509_STORE_up_ref(t->store) != 1)
		return CURLE_OUT_OF_MEMORY;
	SSL_CTX_set_cert_store(ssl_ctx, t->store);
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

	if (rc != CURLE_OK) {
		snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
		return HTTP_ERR_CURL;
	}
	return HTTP_OK;
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
	free(t->cafile);
	free(t->capath);
	free(t->loadfile);
	free(t->loadpath);
	free(t);
}
