/* Link over wss:// against the scripted server of link_support.h on TLS vhosts, with a
 * throwaway CA made by the openssl CLI and full verification: send/receive and interrupt over
 * TLS, an untrusted CA and a missing CA file, and wss://localhost with a DNS:localhost
 * certificate (Host header, SNI and the certificate check use the name, the socket the
 * address; each name/certificate mismatch fails). Skipped without the openssl CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_support.h"
#include "support/tls_support.h"

static int tls_port;

/* ----- wss:// with a throwaway CA ------------------------------------------------------------ */

static TestCa CA;            /* the server's certificate: SAN IP:127.0.0.1 */
static TestCert NAME;        /* SAN DNS:localhost only */
static int tls_name_port;

static void test_wss(void)
{
    if (!tls_port) {
        printf("  wss: skipped (no openssl CLI or TLS vhost)\n");
        return;
    }
    srv_reset();
    Transport *l = make_link(srv_url(tls_port, "wss"), "sk-tls", CA.ca, 0);
    CHECK(l != NULL);
    if (!l)
        return;
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 5000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(S.nrecs, 1);
    if (S.nrecs == 1) {
        CHECK_STR_EQ(S.recs[0].auth, "Bearer sk-tls");
        CHECK(transport_send(l, "over tls", 8));
        srv_text(&S.recs[0], "back over tls");
        srv_go(&S.recs[0]);
        WAIT(C.nmsgs == 1 && S.recs[0].nmsgs == 1, 2000);
        CHECK_INT_EQ(C.nmsgs, 1);
        CHECK_INT_EQ(S.recs[0].nmsgs, 1);
        if (C.nmsgs == 1)
            CHECK_STR_EQ(C.msgs[0], "back over tls");
        /* interrupt works over TLS too */
        S.recs[0].stream = true;
        srv_go(&S.recs[0]);
        WAIT(C.nmsgs > 3, 2000);
        transport_interrupt(l);
        WAIT(S.recs[0].close_code != 0 && transport_state(l) == TRANSPORT_UP && S.nrecs == 2, 3000);
        CHECK_INT_EQ(S.recs[0].close_code, 1000);
        CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    }
    transport_free(l);
    pump(10);

    /* Without the test CA the system store does not trust it: a TLS failure, with a reason. */
    srv_reset();
    l = make_link(srv_url(tls_port, "wss"), "sk-tls", NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 5000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    CHECK_INT_EQ(S.nrecs, 0);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    if (w) {
        printf("  untrusted-CA detail: %s\n", w->detail);
        CHECK(strstr(w->detail, "TLS") != NULL || strstr(w->detail, "cert") != NULL);
    }
    transport_free(l);
    pump(10);

    /* A missing CA file is a link_new error, not a crash. */
    char err[256] = "";
    TransportWsConfig cfg = {.url = srv_url(tls_port, "wss"), .ca_file = "/nonexistent/ca.pem"};
    CHECK(transport_ws_new(ctx, &cfg, &hooks, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/ca.pem") != NULL);
}

static void test_wss_name(void)
{
    if (!tls_name_port) {
        printf("  wss name: skipped (no openssl CLI or TLS vhost)\n");
        return;
    }
    /* wss://localhost, resolved in the background to 127.0.0.1, against a certificate that
     * names only DNS:localhost, with full verification: lws connects to the address and uses
     * the name for the Host header, SNI and the certificate check. */
    srv_reset();
    resolver = test_resolve;
    char url[96], host[64];
    snprintf(url, sizeof url, "wss://localhost:%d/v1", tls_name_port);
    snprintf(host, sizeof host, "localhost:%d", tls_name_port);
    Transport *l = make_link(url, "sk-name", CA.ca, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 5000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(S.nrecs, 1);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    if (S.nrecs == 1) {
        CHECK_STR_EQ(S.recs[0].host, host);
        CHECK_STR_EQ(S.recs[0].sni, "localhost");
        CHECK_STR_EQ(S.recs[0].auth, "Bearer sk-name");
        CHECK(transport_send(l, "named", 5));
        srv_text(&S.recs[0], "back by name");
        srv_go(&S.recs[0]);
        WAIT(C.nmsgs == 1 && S.recs[0].nmsgs == 1, 2000);
        CHECK_INT_EQ(C.nmsgs, 1);
        if (C.nmsgs == 1)
            CHECK_STR_EQ(C.msgs[0], "back by name");
        transport_interrupt(l); /* a TLS reconnect to the cached address */
        WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 2, 5000);
        CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
        if (S.nrecs == 2)
            CHECK_STR_EQ(S.recs[1].sni, "localhost");
        CHECK_INT_EQ(transport_stats(l)->dns_lookups, 1);
    }
    transport_free(l);
    pump(10);

    /* The same name against the IP:127.0.0.1 certificate fails although the socket goes to
     * 127.0.0.1: the check is against "localhost", not the address. */
    srv_reset();
    snprintf(url, sizeof url, "wss://localhost:%d/v1", tls_port);
    l = make_link(url, "sk-name", CA.ca, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 5000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    CHECK_INT_EQ(S.nrecs, 0);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    if (w) {
        printf("  localhost vs an IP-only certificate: %s\n", w->detail);
        CHECK(strstr(w->detail, "TLS") != NULL);
    }
    transport_free(l);
    pump(10);

    /* ... and the IP against the DNS:localhost certificate fails the other way round. */
    snprintf(url, sizeof url, "wss://127.0.0.1:%d/v1", tls_name_port);
    l = make_link(url, "sk-name", CA.ca, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 5000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    CHECK_INT_EQ(S.nrecs, 0);
    CHECK_INT_EQ(transport_stats(l)->dns_lookups, 0);
    transport_free(l);
    wait_resolvers(2000);
    pump(10);
    resolver = NULL;
}


/* The TLS vhosts, made between the plain ones and the adopted timerfd (link_env_open). */
static void add_tls_vhosts(void)
{
    if (test_ca_make(&CA, "127.0.0.1", "IP:127.0.0.1") &&
        test_ca_sign(&CA, "name", "localhost", "DNS:localhost", &NAME)) {
        tls_port = link_tls_vhost("test-tls", CA.cert, CA.key);
        tls_name_port = link_tls_vhost("test-tls-name", NAME.cert, NAME.key);
    }
}

/* ----- main ---------------------------------------------------------------------------------- */

int main(void)
{
    if (!link_env_open(add_tls_vhosts))
        return 1;

    RUN(test_wss);
    RUN(test_wss_name);

    link_env_close();
    test_ca_remove(&CA);
    return harness_done();
}
