/* Fuzz target: one server message -> proto_decode (the untrusted bytes of the WebSocket). */
#include <stddef.h>
#include <stdint.h>

#include "session/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ProtoEvent ev;
    proto_decode(&ev, (const char *)data, size);
    if (ev.text && ev.text_len) {
        volatile char sink = ev.text[ev.text_len - 1];
        (void)sink;
    }
    proto_event_clear(&ev);
    return 0;
}
