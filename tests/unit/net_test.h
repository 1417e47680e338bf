/* What the network tests' peers and clients share (proxy_peer.h, link_raw_peer.h,
 * sse_peer.h, sse_client.h, link_support.h): a listening socket on 127.0.0.1 for a peer
 * served between lws_service calls, the lws context the transports under test run in, and
 * WAIT.
 *
 * Header-only and static inline, like the peers that include it. loopback_listen returns the
 * socket (the caller closes it) or -1; net_test_context returns the context (the caller
 * destroys it) or NULL, with a line on stderr saying which part failed. */
#ifndef FLINT_TESTS_UNIT_NET_TEST_H
#define FLINT_TESTS_UNIT_NET_TEST_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "core/clock.h"
#include "core/log.h"

/* Serves the context (the includer's service_once: lws_service and its peers' polls) until
 * cond holds or ms have passed; the test then checks cond itself. */
#define WAIT(cond, ms)                                                              \
    do {                                                                            \
        uint64_t dl_ = clock_now_ns() + (uint64_t)(ms) * NS_PER_MS;                 \
        while (!(cond) && clock_now_ns() < dl_)                                     \
            service_once();                                                         \
    } while (0)

/* A non-blocking socket listening on 127.0.0.1 at a free port (*port), with backlog; -1 when
 * it cannot be made. */
static inline int loopback_listen(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, backlog) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* The context as app/loop.c makes it (no vhost carries a client SSL_CTX until a TLS transport
 * adds its own), with a "default" vhost that listens nowhere and speaks protos; $FLINT_LOG
 * opens the log there. */
static inline struct lws_context *net_test_context(const struct lws_protocols *protos)
{
    if (getenv("FLINT_LOG"))
        log_open(getenv("FLINT_LOG"));
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.fd_limit_per_thread = 256;
    struct lws_context *c = lws_create_context(&info);
    if (!c) {
        fprintf(stderr, "no lws context\n");
        return NULL;
    }
    memset(&info, 0, sizeof info);
    info.vhost_name = "default";
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protos;
    if (!lws_create_vhost(c, &info)) {
        fprintf(stderr, "no default vhost\n");
        lws_context_destroy(c);
        return NULL;
    }
    return c;
}

#endif
