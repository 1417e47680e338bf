/* LinkDns: one host name lookup on a thread of its own, so that the lws service thread (which
 * also reads the user's keys) never waits for DNS. This lws build resolves names synchronously
 * inside lws_client_connect_via_info; Link therefore resolves here first and hands lws a
 * numeric address only.
 *
 * link_dns_start() copies the name and starts a detached thread that runs getaddrinfo(3)
 * (AF_UNSPEC, SOCK_STREAM, AI_ADDRCONFIG: both families, but only those the host has
 * addresses of). When the lookup ends, the thread stores the result and, if the caller has not
 * abandoned the lookup, calls wake(wake_arg) -- on the resolver thread, with the handle's lock
 * held -- so wake must be thread-safe and quick (Link passes lws_cancel_service, the one
 * thread-safe lws call). The caller collects the result on its own thread with link_dns_take()
 * or drops it with link_dns_abandon(). Neither ever waits for the lookup: the handle is
 * reference counted under its mutex (one reference for the caller, one for the thread) and
 * freed by whichever side lets go last, so an abandoned lookup finishes and frees itself.
 *
 * Addresses come back numeric (getnameinfo NI_NUMERICHOST; IPv6 without brackets, a scope as
 * "%if"), duplicates dropped, families interleaved starting with the resolver's first choice
 * (RFC 8305 section 4), at most LINK_DNS_MAX.
 *
 * Error tier 3: a failed lookup is a result with a message (gai_strerror). Out of memory aborts. */
#ifndef FLINT_NET_LINK_DNS_H
#define FLINT_NET_LINK_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addrinfo;

#define LINK_DNS_MAX 8
#define LINK_DNS_ADDR_LEN 64 /* INET6_ADDRSTRLEN plus "%" and an interface name */

typedef struct LinkAddrs {
    int n;
    char addr[LINK_DNS_MAX][LINK_DNS_ADDR_LEN];
} LinkAddrs;

typedef struct LinkDnsResult {
    bool ok;              /* at least one address */
    LinkAddrs addrs;
    char error[160];      /* when !ok: gai_strerror (strerror for EAI_SYSTEM) */
    uint64_t elapsed_ns;  /* time spent inside the resolver */
} LinkDnsResult;

/* getaddrinfo(3) or a stand-in with its contract (tests inject slow or scripted ones). The
 * list it returns is released with freeaddrinfo. */
typedef int (*LinkResolveFn)(const char *node, const char *service, const struct addrinfo *hints,
                             struct addrinfo **res);

typedef struct LinkDns LinkDns;

/* Starts resolving host (resolve NULL: getaddrinfo). Returns NULL and fills err when no thread
 * can be started. The caller owns one reference, released by link_dns_take (when it returns
 * true) or link_dns_abandon. */
LinkDns *link_dns_start(const char *host, LinkResolveFn resolve, void (*wake)(void *),
                        void *wake_arg, char *err, size_t err_size);

/* Never blocks. false: still running. true: *out is filled and the caller's reference is gone. */
bool link_dns_take(LinkDns *d, LinkDnsResult *out);

/* Gives up on the result without waiting; wake will not be called after this returns.
 * Accepts NULL. */
void link_dns_abandon(LinkDns *d);

/* host is an IPv4 or IPv6 literal (no brackets): nothing to resolve. */
bool link_dns_literal(const char *host);

/* "a, b, c" for logs. */
void link_addrs_format(const LinkAddrs *a, char *out, size_t size);

#endif
