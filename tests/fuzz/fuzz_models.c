/* Fuzz target: GET /models answers (session/wire_models.c) on arbitrary bytes. Invariants:
 * a parsed list is sorted, unique, at most WIRE_MODELS_MAX long, and every id is non-empty,
 * at most WIRE_MODEL_ID_MAX bytes and free of control bytes (ids are shown and sent back);
 * a refusal leaves an empty list and a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/wire_models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)   \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    WireModels m;
    ErrorBuf err = {{0}};
    if (wire_models_parse((const char *)data, size, &m, &err)) {
        REQUIRE(m.n <= WIRE_MODELS_MAX);
        for (size_t i = 0; i < m.n; i++) {
            size_t n = strlen(m.ids[i]);
            REQUIRE(n > 0 && n <= WIRE_MODEL_ID_MAX);
            for (const unsigned char *p = (const unsigned char *)m.ids[i]; *p; p++)
                REQUIRE(*p >= 0x20 && *p != 0x7f);
            if (i)
                REQUIRE(strcmp(m.ids[i - 1], m.ids[i]) < 0);
        }
    } else {
        REQUIRE(m.n == 0 && m.ids == NULL && err.msg[0]);
    }
    wire_models_free(&m);
    return 0;
}
