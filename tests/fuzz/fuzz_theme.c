/* Fuzz target: theme files. */
#include <stddef.h>
#include <stdint.h>

#include "themes/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Theme t;
    theme_default(&t);
    ErrorBuf err;
    (void)theme_parse(&t, (const char *)data, size, "fuzz.theme", &err);
    return 0;
}
