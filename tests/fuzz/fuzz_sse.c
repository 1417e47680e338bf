/* Fuzz target: the Chat Completions SSE dialect (session/wire_chat.c) over arbitrary bytes.
 * The first input byte seeds how the rest is split into feeds; the events of the split
 * feeding (with a wire_end at the end) must equal those of one whole feed, byte for byte
 * (split invariance, PROTOCOL.md 4: "buffer across TCP reads"), and nothing may crash. The
 * same bytes are also handed over as a non-200 reply body (wire_http_error). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "session/wire.h"
#include "session/wire_chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void describe(StrBuf *o, const WireEvent *ev)
{
    sb_printf(o, "%s|%s|%s|", wire_kind_name(ev->kind), ev->type,
              ev->response_id ? ev->response_id : "-");
    if (ev->text)
        sb_append(o, ev->text, ev->text_len);
    sb_printf(o, "|%s|%d|%llu/%llu/%llu|%.3f|%d|%s|%s|%lld|%s\n",
              ev->incomplete_reason ? ev->incomplete_reason : "-", (int)ev->usage.present,
              (unsigned long long)ev->usage.input_tokens,
              (unsigned long long)ev->usage.output_tokens,
              (unsigned long long)ev->usage.cached_tokens, ev->usage.server_tokens_per_sec,
              ev->error.status, ev->error.code ? ev->error.code : "-",
              ev->error.message ? ev->error.message : "-", (long long)ev->error.retry_after_ms,
              ev->kind == WIRE_MALFORMED ? ev->reason : "-");
    if (ev->raw_len) { /* raw must be readable */
        volatile char sink = ev->raw[ev->raw_len - 1];
        (void)sink;
    }
}

static void drain(Wire *w, StrBuf *out)
{
    WireEvent ev;
    while (wire_next(w, &ev)) {
        describe(out, &ev);
        (void)wire_classify(w, &ev.error);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned seed = data[0];
    const char *s = (const char *)data + 1;
    size_t len = size - 1;

    StrBuf whole = {0}, split = {0};
    Wire *w = wire_chat_new();
    wire_feed(w, s, len);
    drain(w, &whole);
    wire_end(w);
    drain(w, &whole);
    wire_free(w);

    w = wire_chat_new();
    for (size_t i = 0; i < len;) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 17;
        if (n > len - i)
            n = len - i;
        wire_feed(w, s + i, n);
        drain(w, &split);
        i += n;
    }
    wire_end(w);
    drain(w, &split);
    if (whole.len != split.len || (whole.len && memcmp(whole.data, split.data, whole.len) != 0)) {
        fprintf(stderr, "split feeding differs:\nwhole:\n%s\nsplit:\n%s\n", sb_cstr(&whole),
                sb_cstr(&split));
        abort();
    }
    WireHttpError h = {.status = 400 + seed % 200, .body = s, .len = len, .retry_after = "1"};
    wire_http_error(w, &h);
    drain(w, &split);
    wire_free(w);
    sb_free(&whole);
    sb_free(&split);
    return 0;
}
