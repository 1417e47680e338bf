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
    snprintf(ca->cert, sizeof ca->cert, "%s/server.pem", ca->dir);
    snprintf(ca->key, sizeof ca->key, "%s/server.key", ca->dir);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout ca.key -out ca.pem -days 2 -subj /CN=flint-test-ca "
             "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
             ">/dev/null 2>&1 && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout server.key -out server.csr -subj /CN=%s >/dev/null 2>&1 && "
             "printf 'subjectAltName=%s\\nextendedKeyUsage=serverAuth\\n' > ext.cnf && "
             "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "-out server.pem -days 2 -extfile ext.cnf >/dev/null 2>&1",
             ca->dir, cn, san);
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
