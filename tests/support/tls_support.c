/* TestCa (tls_support.h). */
#include "support/tls_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool test_ca_make(TestCa *ca, const char *cn, const char *san)
{
    memset(ca, 0, sizeof *ca);
    strcpy(ca->dir, "/tmp/flint-test-ca-XXXXXX");
    if (!mkdtemp(ca->dir)) {
        ca->dir[0] = '\0';
        return false;
    }
    snprintf(ca->ca, sizeof ca->ca, "%s/ca.pem", ca->dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout ca.key -out ca.pem -days 2 -subj /CN=flint-test-ca "
             "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
             ">/dev/null 2>&1",
             ca->dir);
    if (system(cmd) != 0)
        return false;
    TestCert server;
    if (!test_ca_sign(ca, "server", cn, san, &server))
        return false;
    memcpy(ca->cert, server.cert, sizeof ca->cert);
    memcpy(ca->key, server.key, sizeof ca->key);
    return true;
}

bool test_ca_sign(const TestCa *ca, const char *stem, const char *cn, const char *san,
                  TestCert *out)
{
    snprintf(out->cert, sizeof out->cert, "%s/%s.pem", ca->dir, stem);
    snprintf(out->key, sizeof out->key, "%s/%s.key", ca->dir, stem);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout %s.key -out %s.csr -subj /CN=%s >/dev/null 2>&1 && "
             "printf 'subjectAltName=%s\\nextendedKeyUsage=serverAuth\\n' > %s.cnf && "
             "openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "-out %s.pem -days 2 -extfile %s.cnf >/dev/null 2>&1",
             ca->dir, stem, stem, cn, san, stem, stem, stem, stem);
    return system(cmd) == 0;
}

void test_ca_remove(TestCa *ca)
{
    if (!ca->dir[0])
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ca->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", ca->dir);
    ca->dir[0] = '\0';
}
