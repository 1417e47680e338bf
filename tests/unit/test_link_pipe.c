/* LinkPipe and TlsMem (net/link_pipe.h, net/tls_mem.h) without sockets: the pipe's out bytes
 * go to an in-memory peer (a CONNECT proxy answer written by the test, then an OpenSSL server
 * over memory BIOs with a throwaway CA's certificate), whose bytes come back in pieces of
 * every size. Covered: the CONNECT request (target, Basic credentials) and answers split at
 * every byte (200, 407 naming the variable, 502, not HTTP), bytes of the server arriving in
 * the same read as the proxy's 200, TLS up with the name or the IP checked, data both ways,
 * an unknown CA and a wrong name with their reasons, a close during the tunnel or the
 * handshake, plain direct pipes. Skips the TLS cases without the openssl CLI. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "harness.h"
#include "net/link_pipe.h"
#include "support/tls_support.h"

static TestCa CA;
static bool have_ca;

/* The server side: an OpenSSL server over memory BIOs. */
typedef struct Srv {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *rb, *wb;
} Srv;

static bool srv_open(Srv *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (!s->ctx || SSL_CTX_use_certificate_chain_file(s->ctx, CA.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx, CA.key, SSL_FILETYPE_PEM) != 1)
        return false;
    s->ssl = SSL_new(s->ctx);
    s->rb = BIO_new(BIO_s_mem());
    s->wb = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(s->rb, -1);
    SSL_set_bio(s->ssl, s->rb, s->wb);
    SSL_set_accept_state(s->ssl);
    return true;
}

static void srv_close(Srv *s)
{
    SSL_free(s->ssl);
    SSL_CTX_free(s->ctx);
    memset(s, 0, sizeof *s);
}

/* Server bytes for the client, as the server has them now (after feeding it in[0..n)). */
static void srv_step(Srv *s, const char *in, size_t n, StrBuf *out, StrBuf *plain)
{
    if (n)
        BIO_write(s->rb, in, (int)n);
    ERR_clear_error();
    if (!SSL_is_init_finished(s->ssl))
        SSL_do_handshake(s->ssl);
    char buf[4096];
    int r;
    while (SSL_is_init_finished(s->ssl) && (r = SSL_read(s->ssl, buf, sizeof buf)) > 0)
        sb_append(plain, buf, (size_t)r);
    while ((r = BIO_read(s->wb, buf, sizeof buf)) > 0)
        sb_append(out, buf, (size_t)r);
}

/* Moves bytes both ways until nothing moves: client out -> server, server out -> client in
 * pieces of `piece` bytes (0: whole). Plaintext for the client lands in *cplain. */
static LinkPipeState shuttle(LinkPipe *p, Srv *s, size_t piece, StrBuf *cplain, StrBuf *splain)
{
    for (int round = 0; round < 64; round++) {
        size_t n;
        const char *o = link_pipe_out(p, &n);
        StrBuf sout = {0};
        srv_step(s, o, n, &sout, splain);
        link_pipe_consume(p, n);
        size_t off = 0;
        while (off < sout.len && link_pipe_state(p) != LINK_PIPE_FAILED) {
            size_t k = piece && sout.len - off > piece ? piece : sout.len - off;
            link_pipe_rx(p, sout.data + off, k, cplain);
            off += k;
        }
        bool idle = n == 0 && sout.len == 0;
        sb_free(&sout);
        if (idle || link_pipe_state(p) == LINK_PIPE_FAILED)
            break;
    }
    return link_pipe_state(p);
}

static const char OK_200[] = "HTTP/1.1 200 Connection established\r\n\r\n";

static LinkProxy proxy_of(const char *userpass)
{
    LinkProxy px;
    memset(&px, 0, sizeof px);
    snprintf(px.host, sizeof px.host, "proxy.test");
    px.port = 3128;
    snprintf(px.display, sizeof px.display, "proxy.test:3128");
    snprintf(px.userpass, sizeof px.userpass, "%s", userpass ? userpass : "");
    px.source = "https_proxy";
    return px;
}

static void test_tunnel_answers(void)
{
    LinkProxy px = proxy_of("u:p");
    /* 200 split at every byte, plain (no TLS) after it */
    for (size_t split = 1; split <= sizeof OK_200 - 1; split++) {
        LinkPipe *p = link_pipe_new(&px, NULL, "api.example.test", 443, "api.example.test:443");
        CHECK_INT_EQ(link_pipe_start(p), LINK_PIPE_OPENING);
        size_t n;
        const char *req = link_pipe_out(p, &n);
        CHECK(n > 0 && strncmp(req, "CONNECT api.example.test:443 HTTP/1.1\r\n", 39) == 0);
        CHECK(strstr(req, "Proxy-Authorization: Basic dTpw\r\n") != NULL);
        link_pipe_consume(p, n);
        CHECK(link_pipe_out(p, &n) == NULL && n == 0);
        StrBuf plain = {0};
        link_pipe_rx(p, OK_200, split, &plain);
        link_pipe_rx(p, OK_200 + split, sizeof OK_200 - 1 - split, &plain);
        CHECK_INT_EQ(link_pipe_state(p), LINK_PIPE_UP);
        CHECK_INT_EQ(plain.len, 0);
        CHECK(link_pipe_tx(p, "GET", 3));
        const char *o = link_pipe_out(p, &n);
        CHECK_MEM_EQ(o, n, "GET", 3);
        link_pipe_free(p);
        sb_free(&plain);
    }
    /* the server's first bytes in the same read as the 200 go through */
    LinkPipe *p = link_pipe_new(&px, NULL, "h", 80, "h:80");
    link_pipe_start(p);
    StrBuf plain = {0};
    const char both[] = "HTTP/1.0 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n";
    CHECK_INT_EQ(link_pipe_rx(p, both, sizeof both - 1, &plain), LINK_PIPE_UP);
    CHECK_STR_EQ(sb_cstr(&plain), "HTTP/1.1 200 OK\r\n");
    link_pipe_free(p);
    sb_free(&plain);

    struct {
        const char *answer, *want;
    } bad[] = {
        {"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
         "proxy proxy.test:3128 wants credentials (HTTP 407): put them in https_proxy as "
         "http://USER:PASSWORD@proxy.test:3128"},
        {"HTTP/1.1 502 Bad Gateway\r\n\r\n",
         "proxy proxy.test:3128 refused the tunnel to api.example.test:443 (HTTP 502)"},
        {"SSH-2.0-OpenSSH\r\n\r\n", "proxy proxy.test:3128 did not answer CONNECT with HTTP"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = link_pipe_new(&px, NULL, "api.example.test", 443, "api.example.test:443");
        link_pipe_start(p);
        size_t n;
        link_pipe_out(p, &n);
        link_pipe_consume(p, n);
        StrBuf pl = {0};
        CHECK_INT_EQ(link_pipe_rx(p, bad[i].answer, strlen(bad[i].answer), &pl), LINK_PIPE_FAILED);
        CHECK_STR_EQ(link_pipe_error(p), bad[i].want);
        CHECK(!link_pipe_tx(p, "x", 1));
        link_pipe_free(p);
        sb_free(&pl);
    }
    /* an endless head is refused, a close while waiting is said */
    p = link_pipe_new(&px, NULL, "h", 1, "h:1");
    link_pipe_start(p);
    char junk[9000];
    memset(junk, 'a', sizeof junk);
    StrBuf pl = {0};
    CHECK_INT_EQ(link_pipe_rx(p, junk, sizeof junk, &pl), LINK_PIPE_FAILED);
    link_pipe_free(p);
    p = link_pipe_new(&px, NULL, "h", 1, "h:1");
    link_pipe_start(p);
    CHECK_STR_EQ(link_pipe_closed_early(p),
                 "proxy proxy.test:3128 closed the connection before the tunnel to h:1 was up");
    link_pipe_free(p);
    sb_free(&pl);
    /* direct and plain: up at once, bytes as they are */
    p = link_pipe_new(NULL, NULL, "h", 1, "h:1");
    CHECK_INT_EQ(link_pipe_start(p), LINK_PIPE_UP);
    CHECK_INT_EQ(link_pipe_rx(p, "abc", 3, &pl), LINK_PIPE_UP);
    CHECK_STR_EQ(sb_cstr(&pl), "abc");
    link_pipe_free(p);
    sb_free(&pl);
}

static void test_tls(void)
{
    if (!have_ca) {
        printf("  tls: skipped (no openssl CLI)\n");
        return;
    }
    char err[256];
    TlsCtx *ctx = tls_ctx_new(CA.ca, err, sizeof err);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    /* through a tunnel, the server's records split at every size */
    static const size_t pieces[] = {0, 1, 7, 100};
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        LinkProxy px = proxy_of(NULL);
        LinkPipe *p = link_pipe_new(&px, ctx, "chat.example.test", 443, "chat.example.test:443");
        link_pipe_start(p);
        size_t n;
        link_pipe_out(p, &n);
        link_pipe_consume(p, n);
        StrBuf plain = {0}, splain = {0};
        link_pipe_rx(p, OK_200, sizeof OK_200 - 1, &plain);
        CHECK_INT_EQ(link_pipe_state(p), LINK_PIPE_OPENING); /* now the handshake */
        Srv s;
        CHECK(srv_open(&s));
        CHECK_INT_EQ(shuttle(p, &s, pieces[i], &plain, &splain), LINK_PIPE_UP);
        char d[96];
        link_pipe_describe(p, d, sizeof d);
        CHECK(strncmp(d, "TLSv1.", 6) == 0);
        CHECK(link_pipe_tx(p, "POST /v1 HTTP/1.1\r\n\r\n", 21));
        shuttle(p, &s, pieces[i], &plain, &splain);
        CHECK_STR_EQ(sb_cstr(&splain), "POST /v1 HTTP/1.1\r\n\r\n");
        SSL_write(s.ssl, "HTTP/1.1 200 OK\r\n", 17);
        StrBuf sout = {0};
        srv_step(&s, NULL, 0, &sout, &splain);
        for (size_t off = 0; off < sout.len; off++) /* a byte at a time */
            link_pipe_rx(p, sout.data + off, 1, &plain);
        CHECK_STR_EQ(sb_cstr(&plain), "HTTP/1.1 200 OK\r\n");
        sb_free(&sout);
        srv_close(&s);
        link_pipe_free(p);
        sb_free(&plain);
        sb_free(&splain);
    }
    /* failures, each with its reason */
    struct {
        const char *host, *ca, *want;
    } bad[] = {
        {"other.example.test", CA.ca, "TLS handshake with other.example.test:443 failed: "
                                       "certificate does not match other.example.test"},
        {"10.1.2.3", CA.ca, "TLS handshake with 10.1.2.3:443 failed: certificate does not "
                            "match 10.1.2.3"},
        {"chat.example.test", NULL, "TLS handshake with chat.example.test:443 failed: "
                                    "certificate verify failed: unable to get local issuer "
                                    "certificate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TlsCtx *c2 = bad[i].ca ? ctx : tls_ctx_new(NULL, err, sizeof err); /* system CAs */
        char ep[64];
        snprintf(ep, sizeof ep, "%s:443", bad[i].host);
        LinkPipe *p = link_pipe_new(NULL, c2, bad[i].host, 443, ep);
        CHECK_INT_EQ(link_pipe_start(p), LINK_PIPE_OPENING);
        Srv s;
        CHECK(srv_open(&s));
        StrBuf plain = {0}, splain = {0};
        CHECK_INT_EQ(shuttle(p, &s, 0, &plain, &splain), LINK_PIPE_FAILED);
        CHECK_STR_EQ(link_pipe_error(p), bad[i].want);
        srv_close(&s);
        link_pipe_free(p);
        if (c2 != ctx)
            tls_ctx_free(c2);
        sb_free(&plain);
        sb_free(&splain);
    }
    /* the server goes away during the handshake */
    LinkPipe *p = link_pipe_new(NULL, ctx, "chat.example.test", 443, "chat.example.test:443");
    link_pipe_start(p);
    CHECK_STR_EQ(link_pipe_closed_early(p), "TLS handshake with chat.example.test:443 failed: "
                                            "the server closed the connection");
    link_pipe_free(p);
    /* an unreadable CA file is the context's error */
    CHECK(tls_ctx_new("/nonexistent/ca.pem", err, sizeof err) == NULL);
    CHECK(strstr(err, "CA file /nonexistent/ca.pem") != NULL);
    tls_ctx_free(ctx);
}

static const char *no_env(const char *name)
{
    (void)name;
    return NULL;
}

static const char *proxy_env(const char *name)
{
    return strcmp(name, "https_proxy") == 0 ? "http://u:p@proxy.test:8080" : NULL;
}

static void test_route(void)
{
    LinkUrl u;
    char err[256];
    CHECK(link_url_parse_http("https://api.example.test/v1", "/chat/completions", &u, err,
                              sizeof err));
    LinkRoute r;
    CHECK(link_route_init(&r, &u, NULL, no_env, "test", err, sizeof err));
    CHECK_STR_EQ(r.host, "api.example.test");
    CHECK_INT_EQ(r.port, 443);
    CHECK_STR_EQ(r.via, "api.example.test:443");
    CHECK(r.use_tls && r.tls == NULL); /* no TLS context until a connection needs it */
    link_route_free(&r);
    CHECK(link_route_init(&r, &u, NULL, proxy_env, "test", err, sizeof err));
    CHECK_STR_EQ(r.host, "proxy.test"); /* only the proxy is resolved */
    CHECK_INT_EQ(r.port, 8080);
    CHECK_STR_EQ(r.via, "proxy.test:8080");
    if (have_ca) {
        CHECK(link_route_tls_ready(&r, err, sizeof err));
        CHECK(r.tls != NULL);
        LinkPipe *p = link_route_pipe(&r, &u); /* a tunnel, then TLS */
        CHECK(p != NULL);
        link_pipe_free(p);
    }
    link_route_free(&r);
    CHECK_STR_EQ(r.proxy.userpass, ""); /* wiped */
    link_url_free(&u);
}

int main(void)
{
    have_ca = test_ca_make(&CA, "chat.example.test", "DNS:chat.example.test,IP:127.0.0.1");
    RUN(test_tunnel_answers);
    RUN(test_tls);
    RUN(test_route);
    test_ca_remove(&CA);
    return harness_done();
}
