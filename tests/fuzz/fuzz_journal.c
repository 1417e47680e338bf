/* Fuzz target: a conversation journal as read back by flint --resume (session/journal.c): any
 * bytes (a damaged or hostile file) are parsed or refused, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "session/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    JournalLog log;
    ErrorBuf err;
    if (journal_parse((const char *)data, size, &log, &err))
        journal_log_free(&log);
    return 0;
}
