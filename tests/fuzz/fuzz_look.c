/* Fuzz target: the remembered look's file (session/look.h), read from disk at every start.
 * Whatever the bytes, look_parse returns; what it accepts formats and parses back the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/look.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Look l;
    ErrorBuf err = {{0}};
    if (!look_parse((const char *)data, size, "look.conf", &l, &err))
        return 0;
    StrBuf sb = {0};
    look_format(&l, &sb);
    Look back;
    if (!look_parse(sb.data, sb.len, "look.conf", &back, &err) ||
        strcmp(back.theme, l.theme) != 0 || back.arrange != l.arrange ||
        back.split != l.split || back.swapped != l.swapped)
        abort();
    sb_free(&sb);
    return 0;
}
