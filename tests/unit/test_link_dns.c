/* Link's name resolution, against the scripted server of link_support.h: names resolve on a
 * background thread (the test resolver stands in for getaddrinfo to count, delay or script
 * lookups) while the adopted timerfd shows the loop keeps running; the addresses come
 * interleaved by family without duplicates; failures report the resolver's message and retry;
 * reconnects use the cached addresses; the next address is tried on failure; a stale cache is
 * refreshed in the background; link_free during a lookup (and lws_context_destroy, in
 * link_env_close). */
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "link_support.h"
#include "net/link_dns.h"

/* ----- tests ------------------------------------------------------------------------------ */

static double ms_since(uint64_t t0) { return (double)(clock_now_ns() - t0) / 1e6; }

static void sort_u64(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static atomic_int wakes;
static void count_wake(void *arg) { atomic_fetch_add((atomic_int *)arg, 1); }

static bool take_within(LinkDns *d, LinkDnsResult *r, int ms)
{
    for (int i = 0; i < ms; i++) {
        if (link_dns_take(d, r))
            return true;
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

static void test_dns_unit(void)
{
    CHECK(link_dns_literal("127.0.0.1"));
    CHECK(link_dns_literal("::1"));
    CHECK(link_dns_literal("2001:db8::1"));
    CHECK(!link_dns_literal("localhost"));
    CHECK(!link_dns_literal("api.openai.com"));
    CHECK(!link_dns_literal("1.2.3"));

    /* Families interleaved from the first result's, duplicates dropped (RFC 8305 4); wake
     * once, from the resolver thread. */
    atomic_store(&wakes, 0);
    char err[160] = "";
    LinkDns *d = link_dns_start("mix.test", test_resolve, count_wake, &wakes, err, sizeof err);
    CHECK(d != NULL);
    LinkDnsResult r;
    CHECK(d && take_within(d, &r, 2000));
    CHECK_INT_EQ(atomic_load(&wakes), 1);
    CHECK(r.ok);
    char list[256];
    link_addrs_format(&r.addrs, list, sizeof list);
    CHECK_STR_EQ(list, "::1, 127.0.0.1, ::2, 127.0.0.2");
    CHECK_INT_EQ(r.addrs.n, 4);

    d = link_dns_start("no-such-host.invalid", test_resolve, count_wake, &wakes, err,
                       sizeof err);
    CHECK(d && take_within(d, &r, 5000));
    CHECK(!r.ok && r.addrs.n == 0 && r.error[0]);
    CHECK_INT_EQ(atomic_load(&wakes), 2);

    /* Abandoned before it ends: no wake afterwards, and the thread frees the handle. */
    atomic_store(&resolve_delay_ms, 50);
    d = link_dns_start("localhost", test_resolve, count_wake, &wakes, err, sizeof err);
    link_dns_abandon(d);
    link_dns_abandon(NULL);
    wait_resolvers(15000);
    pump(5);
    atomic_store(&resolve_delay_ms, 0);
    CHECK_INT_EQ(atomic_load(&wakes), 2);
}

static void test_dns_failure(void)
{
    /* RFC 6761: .invalid never resolves. The lookup runs on a resolver thread, held at a gate
     * here: link_start returns while it is provably still running, the loop keeps running
     * meanwhile (an adopted 5 ms timerfd goes on ticking), and once the gate opens the failure
     * arrives as WAITING with the resolver's message after exactly one lookup; the retry after
     * the backoff looks the name up again. (Behaviour only: how long each step takes is
     * printed, the benchmarks own speed.) */
    resolver = test_resolve;
    atomic_store(&resolve_gate, 1);
    int started = atomic_load(&resolves_started);
    /* No key with these names: over ws:// Link gives one only to literal loopback hosts and
     * "localhost" (test_key_in_clear in test_link.c). */
    Transport *l = make_link("ws://no-such-host.invalid:8787/v1", NULL, NULL, 0);
    ticker_run(5);
    uint64_t t0 = clock_now_ns();
    transport_start(l);
    double start_ms = ms_since(t0);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    WAIT(atomic_load(&resolves_started) == started + 1, 15000);
    CHECK_INT_EQ(atomic_load(&resolves_started), started + 1);
    CHECK(atomic_load(&resolves_done) < atomic_load(&resolves_started)); /* held: running */
    int ticks0 = T.ticks;
    WAIT(T.ticks >= ticks0 + 10, 15000);
    CHECK(T.ticks >= ticks0 + 10);                                 /* the loop was not blocked */
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);       /* ...and DNS still pending */
    atomic_store(&resolve_gate, 0);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 15000);
    double wait_ms = ms_since(t0);
    uint64_t gap = T.max_gap;
    int ticks = T.ticks;
    ticker_run(0);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    CHECK(w != NULL);
    if (w) {
        printf("  dns detail after %.1f ms (link_start took %.3f ms; meanwhile a 5 ms timerfd "
               "ticked %d times, largest gap %.1f ms): %s\n",
               wait_ms, start_ms, ticks, gap / 1e6, w->detail);
        CHECK_INT_EQ(w->resolves, started + 1);
        CHECK(strstr(w->detail, "cannot resolve no-such-host.invalid: ") != NULL);
        CHECK(strstr(w->detail, "; retry in 0.5") != NULL);
    }
    CHECK_INT_EQ(count_state(TRANSPORT_CONNECTING), 1);
    WAIT(transport_stats(l)->dns_lookups == 2, 15000);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 2);
    WAIT(count_state(TRANSPORT_WAITING) == 2, 15000);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 2);
    transport_free(l);

    /* The real getaddrinfo says the same. */
    resolver = NULL;
    l = make_link("ws://no-such-host.invalid:8787/v1", NULL, NULL, 0);
    t0 = clock_now_ns();
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    w = last_state(TRANSPORT_WAITING);
    if (w) {
        printf("  dns detail, getaddrinfo (%.1f ms): %s\n", (w->t - t0) / 1e6, w->detail);
        CHECK(strstr(w->detail, "no-such-host.invalid") != NULL);
        CHECK(strstr(w->detail, "resolve") != NULL);
    }
    transport_free(l);
    wait_resolvers(15000);
    pump(5);
}

static uint64_t clock_skew;
static uint64_t skewed_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec + clock_skew;
}

static void test_dns_localhost(void)
{
    /* "localhost" resolved in the background (getaddrinfo, through the counting stand-in);
     * interrupts and a dropped connection reconnect to the cached address, no lookup. */
    srv_reset();
    resolver = test_resolve;
    int started = atomic_load(&resolves_started);
    char url[96], host[64];
    snprintf(url, sizeof url, "ws://localhost:%d/v1", srv_port);
    snprintf(host, sizeof host, "localhost:%d", srv_port);
    Transport *l = make_link(url, "k", NULL, 0);
    CHECK_STR_EQ(transport_endpoint(l), host);
    uint64_t t0 = clock_now_ns();
    transport_start(l);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 15000);
    double up_ms = ms_since(t0);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    CHECK_INT_EQ(atomic_load(&resolves_started), started + 1);
    CHECK_INT_EQ(count_state(TRANSPORT_CONNECTING), 1);
    if (S.nrecs == 1)
        CHECK_STR_EQ(S.recs[0].host, host); /* the name, not the address */

    enum { ROUNDS = 20 };
    uint64_t lat[ROUNDS];
    int n = 0;
    for (int i = 0; i < ROUNDS; i++) {
        int nrecs = S.nrecs;
        uint64_t t1 = clock_now_ns();
        transport_interrupt(l);
        WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == nrecs + 1, 15000);
        CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
        lat[n++] = clock_now_ns() - t1;
    }
    SrvRec *r = &S.recs[S.nrecs - 1];
    int nrecs = S.nrecs;
    srv_push(r, (SrvFrame){F_DROP, 0, NULL, 0, 0});
    srv_go(r);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == nrecs + 1, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    CHECK_INT_EQ(atomic_load(&resolves_started), started + 1);
    CHECK_INT_EQ(transport_stats(l)->connects, ROUNDS + 2);
    sort_u64(lat, n);
    printf("  localhost: lookup %.3f ms, link_start -> up %.2f ms; interrupt -> up again with the "
           "cached address: median %.2f ms, max %.2f ms (%d rounds, 1 lookup in all)\n",
           transport_stats(l)->dns_last_ns / 1e6, up_ms, lat[n / 2] / 1e6, lat[n - 1] / 1e6, n);

    /* Five minutes later the cache is stale: the reconnect still goes to it at once, and a
     * refresh runs in the background; the next reconnect needs no lookup again. */
    clock_skew = 0;
    clock_set_source(skewed_clock);
    clock_skew = 301 * NS_PER_SEC;
    nrecs = S.nrecs;
    transport_interrupt(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == nrecs + 1, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 2);
    wait_resolvers(15000);
    pump(10);
    CHECK_INT_EQ(atomic_load(&resolves_started), started + 2);
    nrecs = S.nrecs;
    transport_interrupt(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == nrecs + 1, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 2);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 1);
    clock_set_source(NULL);
    clock_skew = 0;

    /* Esc while the first lookup is still running: it goes on, then connects. */
    transport_free(l);
    pump(10);
    srv_reset();
    atomic_store(&resolve_delay_ms, 500); /* longer than pump(20) on a loaded machine */
    l = make_link(url, "k", NULL, 0);
    transport_start(l);
    transport_interrupt(l);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);
    pump(20);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    atomic_store(&resolve_delay_ms, 0);
    transport_free(l);
    pump(10);
    resolver = NULL;
}

static void test_dns_next_address(void)
{
    /* two.test -> 127.0.0.1, ::1, and only [::1] listens on srv6_port: the first address
     * is refused, the second is tried at once with no WAITING, and kept for reconnects. (The
     * server vhost "on 127.0.0.1" really listens on every address, so it cannot serve here.) */
    if (!srv6_port) {
        printf("  next address: skipped (no [::1] listener)\n");
        return;
    }
    srv_reset();
    resolver = test_resolve;
    char url[96], host[64];
    snprintf(url, sizeof url, "ws://two.test:%d/v1", srv6_port);
    snprintf(host, sizeof host, "two.test:%d", srv6_port);
    Transport *l = make_link(url, NULL, NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    CHECK_INT_EQ(count_state(TRANSPORT_CONNECTING), 1);
    if (S.nrecs == 1)
        CHECK_STR_EQ(S.recs[0].host, host);
    for (int i = 0; i < 3; i++) {
        int nrecs = S.nrecs;
        transport_interrupt(l);
        WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == nrecs + 1, 15000);
        CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    }
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    transport_free(l);
    pump(10);

    /* dead.test -> 127.0.0.1 only: every address failed, so back off, and look the name up
     * again in the background meanwhile. */
    snprintf(url, sizeof url, "ws://dead.test:%d/v1", srv6_port);
    snprintf(host, sizeof host, "dead.test:%d", srv6_port);
    l = make_link(url, NULL, NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 15000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    if (w) {
        printf("  all addresses failed: %s\n", w->detail);
        CHECK(strstr(w->detail, "refused") != NULL && strstr(w->detail, host) != NULL);
    }
    WAIT(transport_stats(l)->dns_lookups == 2, 15000);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 2);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    transport_free(l);
    wait_resolvers(15000);
    pump(5);
    resolver = NULL;
}

static void test_dns_free_during_lookup(void)
{
    /* link_free neither waits for a lookup nor leaks it: the resolver thread finishes on its
     * own and frees the handle (the sanitizer build checks both). The lookups are held at a
     * gate, so "link_free returned while they still ran" holds on any machine. */
    resolver = test_resolve;
    atomic_store(&resolve_gate, 1);
    int started = atomic_load(&resolves_started);
    Transport *l = make_link("ws://localhost:1/v1", "k", NULL, 0);
    transport_start(l);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_CONNECTING);
    uint64_t t0 = clock_now_ns();
    transport_free(l);
    double free_ms = ms_since(t0);
    l = make_link("ws://localhost:1/v1", "k", NULL, 0);
    transport_start(l);
    transport_interrupt(l);
    pump(20);
    transport_free(l);
    WAIT(atomic_load(&resolves_started) == started + 2, 15000);
    CHECK_INT_EQ(atomic_load(&resolves_started), started + 2);
    CHECK(atomic_load(&resolves_done) < atomic_load(&resolves_started)); /* still running */
    atomic_store(&resolve_gate, 0);
    wait_resolvers(15000);
    CHECK_INT_EQ(atomic_load(&resolves_done), atomic_load(&resolves_started));
    pump(20);
    printf("  link_free during a lookup took %.3f ms\n", free_ms);
    resolver = NULL;
}

/* ----- main ---------------------------------------------------------------------------------- */

int main(void)
{
    if (!link_env_open(NULL))
        return 1;

    RUN(test_dns_unit);
    RUN(test_dns_failure);
    RUN(test_dns_localhost);
    RUN(test_dns_next_address);
    RUN(test_dns_free_during_lookup);

    link_env_close();
    return harness_done();
}
