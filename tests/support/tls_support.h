/* A throwaway CA and one server certificate it signed, made with the openssl CLI in a fresh
 * /tmp directory, for the TLS tests of the transports (test_transport_sse_tls.c,
 * test_transport_sse_proxy.c, test_link_tunnel.c): EC P-256, valid two days, the server's
 * subjectAltName as given ("IP:127.0.0.1", "DNS:chat.example.test"). test_ca_make returns
 * false when the CLI is missing or fails (the caller skips); test_ca_sign adds another server
 * certificate from the same CA (dir/STEM.pem, dir/STEM.key; test_link_tls.c's DNS:localhost
 * one); test_ca_remove deletes the lot. */
#ifndef FLINT_TESTS_SUPPORT_TLS_SUPPORT_H
#define FLINT_TESTS_SUPPORT_TLS_SUPPORT_H

#include <stdbool.h>

typedef struct TestCa {
    char dir[64];
    char ca[128], cert[128], key[128]; /* dir/ca.pem, dir/server.pem, dir/server.key */
} TestCa;

typedef struct TestCert {
    char cert[128], key[128];
} TestCert;

bool test_ca_make(TestCa *ca, const char *cn, const char *san);
bool test_ca_sign(const TestCa *ca, const char *stem, const char *cn, const char *san,
                  TestCert *out);
void test_ca_remove(TestCa *ca);

#endif
