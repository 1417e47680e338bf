/* Fuzz target: one server message -> the Responses dialect's decoder (the untrusted bytes of
 * the WebSocket), through the Wire interface: feed, then every event next yields. */
#include <stddef.h>
#include <stdint.h>

#include "session/wire.h"
#include "session/wire_responses.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Wire *w;
    if (!w)
        w = wire_responses_new();
    WireEvent ev;
    wire_feed(w, (const char *)data, size);
    while (wire_next(w, &ev)) {
        if (ev.text && ev.text_len) {
            volatile char sink = ev.text[ev.text_len - 1];
            (void)sink;
        }
        (void)wire_classify(w, &ev.error);
    }
    return 0;
}
