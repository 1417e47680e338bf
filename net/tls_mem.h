/* TlsMem: a TLS client over memory buffers (OpenSSL with two memory BIOs), for a transport
 * that owns its socket's bytes. The caller moves ciphertext between the socket and this
 * object; TLS never touches a file descriptor, so it works on any socket lws hands us.
 *
 * Why it exists: transport_sse speaks HTTP/1.1 itself over a raw lws client socket, and
 * Debian's libwebsockets 4.1.6 starts TLS on a raw client before its TCP connect has
 * finished (core-net/connect.c without LWS_WITH_SYS_ASYNC_DNS), so https:// through lws' own
 * TLS fails with no reason. lws' HTTP client would do TLS, but it has no pre-connected idle
 * socket, hands a kept-alive socket from request to request through its pipelining queue and
 * closes an idle one after keep_warm_secs (transport_sse.h): the keep-alive, pre-connect and
 * cancel-by-close properties would be lost. So the transport lets lws do TCP only and runs
 * TLS here. OpenSSL is no new dependency: libwebsockets-dev depends on libssl-dev and lws
 * itself is built on it (CMake links libssl/libcrypto through pkg-config "openssl").
 *
 * Use:
 *   TlsCtx  tls_ctx_new(ca_file)  the client context: peer verification on, TLS 1.2 at least,
 *                                 the system CAs (OpenSSL's default paths, Debian's
 *                                 /etc/ssl/certs) plus ca_file when given. Parsing the CA
 *                                 bundle costs ~20 ms: make it when the first https:// connect
 *                                 needs it, not at start-up. One per transport.
 *   TlsMem  tls_mem_new(ctx, host, alpn)  one connection: SNI and the certificate check use
 *                                 host (a name: DNS SAN/CN; an IP literal: IP SAN; no SNI
 *                                 then); alpn a single protocol ("http/1.1") or NULL.
 *   after TCP connects:   tls_mem_step() (sends the ClientHello into the out buffer)
 *   bytes from the socket: tls_mem_feed(), then tls_mem_step() until it says TLS_MEM_UP,
 *                          then tls_mem_read() until it returns 0
 *   bytes to send:         tls_mem_write() (plaintext in)
 *   after any call:        tls_mem_out() says what ciphertext is waiting for the socket;
 *                          write it and tls_mem_out_consume() what was written.
 *
 * Errors: a failed handshake or a corrupt record is TLS_MEM_FAILED / -1, and tls_mem_error
 * says why in words a user can act on ("certificate verify failed: unable to get local
 * issuer certificate", "certificate does not match HOST", an alert from the server). Nothing
 * here logs; nothing here ever holds the key (it is just bytes passing through).
 * Allocation failure aborts (xalloc), as elsewhere. Not thread-safe: one thread per object. */
#ifndef FLINT_NET_TLS_MEM_H
#define FLINT_NET_TLS_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct TlsCtx TlsCtx;
typedef struct TlsMem TlsMem;

typedef enum TlsMemState {
    TLS_MEM_HANDSHAKE,  /* in progress: feed more bytes (and flush tls_mem_out) */
    TLS_MEM_UP,         /* handshake done, peer verified */
    TLS_MEM_FAILED,     /* see tls_mem_error */
} TlsMemState;

/* NULL with err filled when OpenSSL cannot make the context or ca_file cannot be loaded. */
TlsCtx *tls_ctx_new(const char *ca_file, char *err, size_t err_size);
void tls_ctx_free(TlsCtx *ctx);  /* accepts NULL; after every TlsMem made from it */

TlsMem *tls_mem_new(TlsCtx *ctx, const char *host, const char *alpn);
void tls_mem_free(TlsMem *t);    /* accepts NULL */

/* Ciphertext that arrived from the socket. */
void tls_mem_feed(TlsMem *t, const void *in, size_t len);
/* Drives the handshake as far as the bytes fed allow. */
TlsMemState tls_mem_step(TlsMem *t);
/* Plaintext: >0 bytes read, 0 nothing more for now (or the peer's close_notify), -1 failed
 * (tls_mem_error). Only once UP. */
ssize_t tls_mem_read(TlsMem *t, void *buf, size_t size);
/* Encrypts len plaintext bytes into the out buffer (all of them); false once failed. */
bool tls_mem_write(TlsMem *t, const void *data, size_t len);
/* Ciphertext waiting for the socket (*len bytes at the returned pointer; NULL when none),
 * valid until the next call on t. */
const void *tls_mem_out(TlsMem *t, size_t *len);
void tls_mem_out_consume(TlsMem *t, size_t len);

TlsMemState tls_mem_state(const TlsMem *t);
const char *tls_mem_error(const TlsMem *t);  /* "" unless failed */
/* The negotiated protocol version and cipher, for the log ("TLSv1.3 TLS_AES_256_GCM_SHA384"). */
void tls_mem_describe(const TlsMem *t, char *out, size_t size);

#endif
