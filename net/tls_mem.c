/* TlsMem (tls_mem.h): an OpenSSL client SSL whose rbio and wbio are memory BIOs. Ciphertext
 * from the socket goes into rbio (tls_mem_feed); whatever OpenSSL writes to wbio is moved at
 * once into t->out (a StrBuf with a consumed offset), which the caller drains to the socket.
 *
 * Invariants: wbio is empty between calls (pull_out after every OpenSSL call); t->out_off <=
 * t->out.len, and both are reset to 0 when everything has been consumed; once FAILED, no
 * OpenSSL call is made on the SSL again (its error is in t->err). */
#include "net/tls_mem.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct TlsCtx {
    SSL_CTX *ssl_ctx;
};

struct TlsMem {
    SSL *ssl;
    BIO *rbio, *wbio;  /* owned by ssl */
    TlsMemState state;
    StrBuf out;
    size_t out_off;
    char host[256];
    char err[256];
};

/* The first error on OpenSSL's queue in words, and the queue cleared. */
static void openssl_reason(char *out, size_t n, const char *fallback)
{
    unsigned long e = ERR_get_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    snprintf(out, n, "%s", r ? r : fallback);
    ERR_clear_error();
}

TlsCtx *tls_ctx_new(const char *ca_file, char *err, size_t err_size)
{
    ERR_clear_error();
    SSL_CTX *sc = SSL_CTX_new(TLS_client_method());
    if (!sc) {
        char why[160];
        openssl_reason(why, sizeof why, "unknown error");
        snprintf(err, err_size, "cannot make a TLS client context: %s", why);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(sc, TLS1_2_VERSION);
    SSL_CTX_set_verify(sc, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_mode(sc, SSL_MODE_RELEASE_BUFFERS);
    /* The system store (/usr/lib/ssl/cert.pem -> /etc/ssl/certs/ca-certificates.crt, and the
     * hashed directory); failure here only means fewer trusted CAs. */
    SSL_CTX_set_default_verify_paths(sc);
    ERR_clear_error();
    if (ca_file && *ca_file && !SSL_CTX_load_verify_locations(sc, ca_file, NULL)) {
        char why[160];
        openssl_reason(why, sizeof why, "cannot load it");
        snprintf(err, err_size, "CA file %.160s: %s", ca_file, why);
        SSL_CTX_free(sc);
        return NULL;
    }
    TlsCtx *ctx = xcalloc(1, sizeof *ctx);
    ctx->ssl_ctx = sc;
    return ctx;
}

void tls_ctx_free(TlsCtx *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}

static bool is_ip_literal(const char *h)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

TlsMem *tls_mem_new(TlsCtx *ctx, const char *host, const char *alpn)
{
    TlsMem *t = xcalloc(1, sizeof *t);
    size_t hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') /* "[::1]" */
        snprintf(t->host, sizeof t->host, "%.*s", (int)(hl - 2), host + 1);
    else
        snprintf(t->host, sizeof t->host, "%s", host);
    ERR_clear_error();
    t->ssl = SSL_new(ctx->ssl_ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->rbio || !t->wbio) {
        fprintf(stderr, "flint: out of memory (OpenSSL)\n");
        abort();
    }
    BIO_set_mem_eof_return(t->rbio, -1); /* empty means "wait for more", not EOF */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_connect_state(t->ssl);
    if (is_ip_literal(t->host)) {
        /* No SNI for an address (RFC 6066 3); the certificate must name it as an IP SAN. */
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), t->host);
    } else {
        SSL_set_tlsext_host_name(t->ssl, t->host);
        SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(t->ssl, t->host);
    }
    if (alpn && *alpn) {
        size_t n = strlen(alpn);
        unsigned char wire[64];
        if (n < sizeof wire) {
            wire[0] = (unsigned char)n;
            memcpy(wire + 1, alpn, n);
            SSL_set_alpn_protos(t->ssl, wire, (unsigned)(n + 1));
        }
    }
    t->state = TLS_MEM_HANDSHAKE;
    return t;
}

void tls_mem_free(TlsMem *t)
{
    if (!t)
        return;
    SSL_free(t->ssl); /* frees both BIOs */
    sb_free(&t->out);
    free(t);
}

void tls_mem_feed(TlsMem *t, const void *in, size_t len)
{
    if (t->state != TLS_MEM_FAILED && len)
        BIO_write(t->rbio, in, (int)len);
}

/* Moves what OpenSSL wrote into t->out. */
static void pull_out(TlsMem *t)
{
    char buf[16384];
    int n;
    while (BIO_ctrl_pending(t->wbio) > 0 && (n = BIO_read(t->wbio, buf, sizeof buf)) > 0)
        sb_append(&t->out, buf, (size_t)n);
}

static void fail(TlsMem *t, int ssl_err)
{
    t->state = TLS_MEM_FAILED;
    long vr = SSL_get_verify_result(t->ssl);
    if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        snprintf(t->err, sizeof t->err, "certificate does not match %.200s", t->host);
        ERR_clear_error();
    } else if (vr != X509_V_OK) {
        snprintf(t->err, sizeof t->err, "certificate verify failed: %s",
                 X509_verify_cert_error_string(vr));
        ERR_clear_error();
    } else {
        char why[200];
        openssl_reason(why, sizeof why,
                       ssl_err == SSL_ERROR_SYSCALL ? "unexpected end of stream" : "protocol error");
        snprintf(t->err, sizeof t->err, "%s", why);
    }
}

TlsMemState tls_mem_step(TlsMem *t)
{
    if (t->state != TLS_MEM_HANDSHAKE)
        return t->state;
    ERR_clear_error();
    int r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        t->state = TLS_MEM_UP;
    } else {
        int e = SSL_get_error(t->ssl, r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            fail(t, e);
    }
    pull_out(t); /* the ClientHello, the Finished, or an alert telling the server why */
    return t->state;
}

ssize_t tls_mem_read(TlsMem *t, void *buf, size_t size)
{
    if (t->state != TLS_MEM_UP)
        return t->state == TLS_MEM_FAILED ? -1 : 0;
    ERR_clear_error();
    size_t got = 0;
    int r = SSL_read_ex(t->ssl, buf, size, &got);
    ssize_t ret = (ssize_t)got;
    if (r != 1) {
        int e = SSL_get_error(t->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_ZERO_RETURN) {
            ret = 0;
        } else {
            fail(t, e);
            ret = -1;
        }
    }
    pull_out(t); /* a TLS 1.3 key update answer, if any */
    return ret;
}

bool tls_mem_write(TlsMem *t, const void *data, size_t len)
{
    if (t->state != TLS_MEM_UP)
        return false;
    ERR_clear_error();
    size_t done = 0;
    while (done < len) {
        size_t w = 0;
        /* memory BIOs grow: a write never wants more room */
        if (SSL_write_ex(t->ssl, (const char *)data + done, len - done, &w) != 1) {
            fail(t, SSL_get_error(t->ssl, 0));
            pull_out(t);
            return false;
        }
        done += w;
    }
    pull_out(t);
    return true;
}

const void *tls_mem_out(TlsMem *t, size_t *len)
{
    *len = t->out.len - t->out_off;
    return *len ? t->out.data + t->out_off : NULL;
}

void tls_mem_out_consume(TlsMem *t, size_t len)
{
    t->out_off += len;
    if (t->out_off >= t->out.len) {
        t->out_off = 0;
        sb_reset(&t->out);
        if (t->out.cap > (1u << 18))
            sb_free(&t->out);
    }
}

TlsMemState tls_mem_state(const TlsMem *t) { return t->state; }
const char *tls_mem_error(const TlsMem *t) { return t->err; }

void tls_mem_describe(const TlsMem *t, char *out, size_t size)
{
    snprintf(out, size, "%s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
}
