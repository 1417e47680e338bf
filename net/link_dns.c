/* Background name lookups for Link (see link_dns.h).
 *
 * A LinkDns is shared by the caller (the lws service thread) and one detached resolver thread.
 * Everything after creation is guarded by d->mu:
 *   - refs counts the holders: 2 while both hold it, then 1, then it is freed by the side that
 *     dropped the last reference, after unlocking (nobody else can reach it by then);
 *   - done is set once, with result, by the thread; the caller reads result only after done;
 *   - wake runs under the lock and only while refs == 2, so once link_dns_abandon has returned
 *     the thread can no longer call it (Link relies on that: its wake touches the lws_context,
 *     which may be destroyed after link_free).
 * The resolver thread touches nothing else of the caller's, and keeps its own clock
 * (CLOCK_MONOTONIC directly: core/clock's source is swappable by tests and not thread-safe). */
#include "net/link_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/xalloc.h"

struct LinkDns {
    pthread_mutex_t mu;
    int refs;
    bool done;
    void (*wake)(void *);
    void *wake_arg;
    LinkResolveFn resolve;
    LinkDnsResult result;
    char host[]; /* NUL-terminated copy */
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool has_addr(const LinkAddrs *a, const char *s)
{
    for (int i = 0; i < a->n; i++)
        if (!strcmp(a->addr[i], s))
            return true;
    return false;
}

/* Numeric forms of res, families interleaved (RFC 8305 4): the first result's family first,
 * then alternating while both families have addresses left, each in the resolver's order
 * (glibc's is RFC 6724's). */
static void collect(const struct addrinfo *res, LinkAddrs *out)
{
    LinkAddrs fam[2]; /* [0]: the first result's family, [1]: the other */
    memset(fam, 0, sizeof fam);
    int first = -1;
    for (const struct addrinfo *p = res; p; p = p->ai_next) {
        if (p->ai_family != AF_INET && p->ai_family != AF_INET6)
            continue;
        if (first < 0)
            first = p->ai_family;
        char s[LINK_DNS_ADDR_LEN];
        if (getnameinfo(p->ai_addr, p->ai_addrlen, s, sizeof s, NULL, 0, NI_NUMERICHOST) != 0)
            continue;
        LinkAddrs *f = &fam[p->ai_family == first ? 0 : 1];
        if (f->n < LINK_DNS_MAX && !has_addr(&fam[0], s) && !has_addr(&fam[1], s))
            memcpy(f->addr[f->n++], s, sizeof s);
    }
    memset(out, 0, sizeof *out);
    for (int i = 0; out->n < LINK_DNS_MAX && (i < fam[0].n || i < fam[1].n); i++)
        for (int k = 0; k < 2; k++)
            if (i < fam[k].n && out->n < LINK_DNS_MAX)
                memcpy(out->addr[out->n++], fam[k].addr[i], LINK_DNS_ADDR_LEN);
}

static void dns_free(LinkDns *d)
{
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* Drops one reference; frees on the last. */
static void dns_release_locked(LinkDns *d)
{
    bool last = --d->refs == 0;
    pthread_mutex_unlock(&d->mu);
    if (last)
        dns_free(d);
}

static void *dns_thread(void *arg)
{
    LinkDns *d = arg;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    struct addrinfo *res = NULL;

    LinkDnsResult r;
    memset(&r, 0, sizeof r);
    uint64_t t0 = mono_ns();
    errno = 0;
    int rc = d->resolve(d->host, NULL, &hints, &res);
    int e = errno;
    r.elapsed_ns = mono_ns() - t0;
    if (rc == 0)
        collect(res, &r.addrs);
    if (res)
        freeaddrinfo(res);
    r.ok = rc == 0 && r.addrs.n > 0;
    if (rc == EAI_SYSTEM && e) {
        char buf[128];
        if (strerror_r(e, buf, sizeof buf) != 0)
            snprintf(buf, sizeof buf, "error %d", e);
        snprintf(r.error, sizeof r.error, "%s", buf);
    } else if (rc) {
        snprintf(r.error, sizeof r.error, "%s", gai_strerror(rc)); /* glibc: static strings */
    } else if (!r.ok) {
        snprintf(r.error, sizeof r.error, "no IPv4 or IPv6 address");
    }

    pthread_mutex_lock(&d->mu);
    d->result = r;
    d->done = true;
    if (d->refs == 2 && d->wake)
        d->wake(d->wake_arg);
    dns_release_locked(d);
    return NULL;
}

LinkDns *link_dns_start(const char *host, LinkResolveFn resolve, void (*wake)(void *),
                        void *wake_arg, char *err, size_t err_size)
{
    size_t n = strlen(host);
    LinkDns *d = xcalloc(1, sizeof *d + n + 1);
    memcpy(d->host, host, n + 1);
    d->refs = 2;
    d->wake = wake;
    d->wake_arg = wake_arg;
    d->resolve = resolve ? resolve : getaddrinfo;
    pthread_mutex_init(&d->mu, NULL);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The thread inherits our signal mask: block everything there, so signals meant for the
     * app (SIGWINCH, SIGTERM: read through a signalfd) are never delivered to it; but not the
     * faults, whose handler restores the terminal and saves the user's text. */
    sigset_t all, old;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t tid;
    int rc = pthread_create(&tid, &attr, dns_thread, d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        char buf[128];
        if (strerror_r(rc, buf, sizeof buf) != 0)
            snprintf(buf, sizeof buf, "error %d", rc);
        snprintf(err, err_size, "cannot start a resolver thread: %s", buf);
        dns_free(d);
        return NULL;
    }
    return d;
}

bool link_dns_take(LinkDns *d, LinkDnsResult *out)
{
    pthread_mutex_lock(&d->mu);
    if (!d->done) {
        pthread_mutex_unlock(&d->mu);
        return false;
    }
    *out = d->result;
    dns_release_locked(d);
    return true;
}

void link_dns_abandon(LinkDns *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    dns_release_locked(d);
}

bool link_dns_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

void link_addrs_format(const LinkAddrs *a, char *out, size_t size)
{
    size_t len = 0;
    if (size)
        out[0] = '\0';
    for (int i = 0; i < a->n && len < size; i++) {
        int w = snprintf(out + len, size - len, "%s%s", i ? ", " : "", a->addr[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}
