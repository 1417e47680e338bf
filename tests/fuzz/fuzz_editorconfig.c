/* Fuzz target: .editorconfig files (and their globs) against a few paths. */
#include <stddef.h>
#include <stdint.h>

#include "session/editorconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"a.c", "src/lib/x.h", "Makefile", "docs/{x}.md", ""};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        EditorConfig ec;
        editorconfig_init(&ec);
        (void)editorconfig_apply(&ec, (const char *)data, size, paths[i]);
    }
    return 0;
}
