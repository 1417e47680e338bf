/* Fuzz target: a Session driven by any sequence of server messages, interleaved with the
 * user's and the link's actions, all chosen by the input.
 *
 * Input: a list of operations. Byte 0 of each picks the operation; messages carry a length
 * byte and then that many bytes (raw: any bytes at all; or the text of a delta, a response
 * id, a question). The fake clock moves only when the input says so, so timer actions
 * (rate-limit deadlines, stalls) are reproducible.
 *
 * Invariants checked after every operation (abort on violation, so libFuzzer reports it):
 *   - the state machine is sane: at most one OPEN entry, it is the last answer, and it exists
 *     exactly while in a turn (busy or waiting);
 *   - finished entries never change (text, state);
 *   - the answer's text is exactly the concatenation of the deltas the session took for the
 *     current response: a message that is not a delta never changes it, a delta adds exactly
 *     its text (after a "\n\n" when a new part starts), and no delta is taken before a
 *     response.created arrived for the current request;
 *   - nothing is sent before a rate limit's deadline. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "session/wire.h"
#include "session/wire_json.h"
#include "session/wire_responses.h"
#include "session/session.h"
#include "session/transcript.h"

static uint64_t now_ns;
static uint64_t fake_clock(void) { return now_ns; }

static size_t sent;
static bool wire_down;
static bool fake_send(void *ud, const char *json, size_t len)
{
    (void)ud;
    (void)json;
    (void)len;
    if (wire_down)
        return false;
    sent++;
    return true;
}

typedef struct Reader {
    const uint8_t *p, *end;
} Reader;

static unsigned take(Reader *r)
{
    return r->p < r->end ? *r->p++ : 0;
}

/* A length byte, then up to that many bytes. */
static size_t take_bytes(Reader *r, const char **out)
{
    size_t n = take(r);
    if (n > (size_t)(r->end - r->p))
        n = (size_t)(r->end - r->p);
    *out = (const char *)r->p;
    r->p += n;
    return n;
}

static void message(Session *s, const StrBuf *m) { session_on_message(s, m->data, m->len); }

/* A snapshot of the finished entries, to prove they never change. */
typedef struct Snap {
    StrBuf text;
    EntryState state;
} Snap;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    now_ns = NS_PER_SEC;
    sent = 0;
    wire_down = false;
    clock_set_source(fake_clock);
    SessionHooks hooks = {.send = fake_send};
    SessionConfig cfg = {.model = "m", .stall_ns = 5 * NS_PER_SEC};
    Session *s = session_new(&cfg, &hooks, NULL);
    Wire *dec = wire_responses_new(); /* the test's own decoder, for what it expects */
    session_on_link_up(s);

    Reader r = {data, data + size};
    StrBuf m = {0}, expect = {0};
    Snap snaps[64];
    size_t nsnaps = 0;
    bool created_since_ask = false;
    static const char *const ids[] = {"resp_a", "resp_b", "resp_c"};

    for (int steps = 0; r.p < r.end && steps < 2000; steps++) {
        unsigned op = take(&r) % 21;
        const Transcript *t = session_transcript(s);
        size_t count_before = transcript_count(t);
        bool in_turn_before = session_busy(s) || session_waiting(s);
        size_t answer = count_before ? count_before - 1 : 0;
        size_t len_before = in_turn_before ? transcript_entry(t, answer)->text.len : 0;
        size_t sent_before = sent;
        bool limited = now_ns < session_wait_until_ns(s);
        bool is_delta = false;
        const char *text = NULL;
        size_t text_len = 0;
        sb_reset(&m);
        switch (op) {
        case 0: { /* raw bytes: anything at all */
            const char *b;
            size_t n = take_bytes(&r, &b);
            sb_append(&m, b, n);
            message(s, &m);
            WireEvent ev;
            WireKind k = wire_decode(dec, m.data ? m.data : "", m.len, &ev);
            if (k == WIRE_DELTA || k == WIRE_REFUSAL_DELTA) {
                is_delta = true;
                sb_reset(&expect); /* kept below only if the text grew */
                sb_append(&expect, ev.text, ev.text_len);
            }
            if (k == WIRE_CREATED)
                created_since_ask = true;
            wire_drain(dec);
            if (is_delta) {
                text = sb_cstr(&expect);
                text_len = expect.len;
            }
            break;
        }
        case 1: case 2: /* response.created */
            sb_printf(&m, "{\"type\":\"response.created\",\"response\":{\"id\":\"%s\"}}",
                      ids[take(&r) % 3]);
            message(s, &m);
            created_since_ask = true;
            break;
        case 3: case 4: case 5: { /* a delta, in part (output, content) chosen by the input */
            unsigned part = take(&r);
            sb_printf(&m, "{\"type\":\"response.output_text.delta\",\"output_index\":%u,"
                          "\"content_index\":%u,\"delta\":", part & 1, (part >> 1) & 1);
            text_len = take_bytes(&r, &text);
            wire_json_string(&m, text, text_len);
            sb_putc(&m, '}');
            message(s, &m);
            is_delta = true;
            /* What the session receives is the encoder's valid-UTF-8 form. */
            WireEvent ev;
            REQUIRE(wire_decode(dec, m.data, m.len, &ev) == WIRE_DELTA);
            sb_reset(&expect);
            sb_append(&expect, ev.text, ev.text_len);
            wire_drain(dec);
            text = sb_cstr(&expect);
            text_len = expect.len;
            break;
        }
        case 6: /* completed */
            sb_printf(&m, "{\"type\":\"response.completed\",\"response\":{\"id\":\"%s\","
                          "\"usage\":{\"output_tokens\":%u}}}", ids[take(&r) % 3], take(&r));
            message(s, &m);
            break;
        case 7: /* failed / incomplete */
            sb_printf(&m, "{\"type\":\"response.%s\",\"response\":{\"id\":\"%s\"}}",
                      take(&r) & 1 ? "failed" : "incomplete", ids[take(&r) % 3]);
            message(s, &m);
            break;
        case 8: { /* an error: 429 with headers, not found, connection limit, other */
            static const char *const errs[][2] = {
                {"{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"rate_limit_exceeded\","
                 "\"headers\":{\"retry-after\":\"", "\"}}}"},
                {"{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"rate_limit_exceeded\","
                 "\"headers\":{\"x-ratelimit-reset-tokens\":\"", "ms\"}}}"},
                {"{\"type\":\"error\",\"status\":400,\"error\":{\"code\":"
                 "\"previous_response_not_found\"},\"n\":", "}"},
                {"{\"type\":\"error\",\"error\":{\"code\":\"websocket_connection_limit_reached\"},"
                 "\"n\":", "}"},
                {"{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"insufficient_quota\"},"
                 "\"n\":", "}"},
                {"{\"type\":\"error\",\"sequence_number\":", "}"},
            };
            unsigned which = take(&r) % 6;
            sb_puts(&m, errs[which][0]);
            sb_printf(&m, "%u", take(&r));
            sb_puts(&m, errs[which][1]);
            message(s, &m);
            break;
        }
        case 9: case 10: { /* the user asks (a steer while busy, as the app does it) */
            const char *q;
            size_t n = take_bytes(&r, &q);
            char *qs = malloc(n + 2);
            for (size_t i = 0; i < n; i++)
                qs[i] = q[i] ? q[i] : 'x'; /* a C string: no NULs */
            qs[n] = 'q'; /* never blank */
            qs[n + 1] = '\0';
            if (session_busy(s) || session_waiting(s))
                session_interrupt(s);
            in_turn_before = false;
            limited = now_ns < session_wait_until_ns(s);
            sent_before = sent;
            ErrorBuf err;
            bool ok = session_ask(s, qs, &err);
            free(qs);
            REQUIRE(ok || wire_down);
            REQUIRE(sent == sent_before + (ok && !limited));
            created_since_ask = false;
            break;
        }
        case 11: session_interrupt(s); break;
        case 12: session_on_link_lost(s, "fuzz"); break;
        case 13: session_on_link_up(s); break;
        case 14: wire_down = !wire_down; break;
        case 15: case 16: { /* time passes; the app's timer fires */
            now_ns += (uint64_t)take(&r) * (take(&r) & 1 ? NS_PER_SEC : 10 * NS_PER_MS);
            bool due = session_waiting(s) && now_ns >= session_wait_until_ns(s) && !wire_down;
            size_t before = sent;
            session_tick(s);
            REQUIRE(sent == before + due);
            if (due)
                created_since_ask = false; /* a new request: only its created counts */
            break;
        }
        case 17: { /* the retry key: the last question again */
            const char *q = session_last_question(s);
            if (q) {
                char *copy = strdup(q);
                if (session_busy(s) || session_waiting(s))
                    session_interrupt(s);
                ErrorBuf err;
                if (copy[strspn(copy, " \t\r\n")] != '\0')
                    session_ask(s, copy, &err);
                free(copy);
                created_since_ask = false;
            }
            in_turn_before = false;
            break;
        }
        case 18: /* output_text.done and unknown events change nothing */
            sb_puts(&m, take(&r) & 1 ? "{\"type\":\"response.output_text.done\",\"text\":\"zz\"}"
                                      : "{\"type\":\"response.in_progress\"}");
            message(s, &m);
            break;
        case 19: { /* native steering: a steer, its replies, a steered end */
            static const char *const replies[] = {
                "{\"type\":\"response.steer.accepted\",\"steer\":{\"id\":\"s\"}}",
                "{\"type\":\"response.steer.failed\",\"error\":{\"code\":"
                "\"steering_not_supported\"}}",
                "{\"type\":\"response.steer.failed\",\"error\":{\"code\":\"response_not_found\"}}",
                "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_a\","
                "\"incomplete_details\":{\"reason\":\"steered\"}}}",
            };
            unsigned which = take(&r) % 5;
            if (which == 4) {
                ErrorBuf err;
                bool ok = session_steer(s, "fuzz steer", &err);
                REQUIRE(!ok || !wire_down);
                REQUIRE(sent == sent_before + (ok ? 1u : 0u));
                REQUIRE(!ok || !limited);
            } else {
                sb_puts(&m, replies[which]);
                message(s, &m);
            }
            free(session_take_steer_fallback(s));
            break;
        }
        default: /* a malformed message */
            sb_puts(&m, "{\"type\":");
            message(s, &m);
            break;
        }
        session_take_damage(s);
        session_take_reconnect(s);

        /* Nothing is sent before a rate limit's deadline (asks checked above). */
        if (op != 9 && op != 10 && op != 15 && op != 16 && op != 17 && limited)
            REQUIRE(sent == sent_before);

        /* The state machine. */
        t = session_transcript(s);
        size_t n = transcript_count(t), open = 0, open_at = 0;
        for (size_t i = 0; i < n; i++)
            if (transcript_entry(t, i)->state == ENTRY_OPEN)
                open++, open_at = i;
        bool in_turn = session_busy(s) || session_waiting(s);
        REQUIRE(open <= 1);
        REQUIRE(open == (in_turn ? 1u : 0u));
        if (open) {
            REQUIRE(open_at == n - 1);
            REQUIRE(transcript_entry(t, open_at)->kind == ENTRY_ANSWER);
        }
        REQUIRE(session_turn(s) <= TURN_STALLED);

        /* The answer grows only by the delta just received, and only once a created came. */
        if (in_turn_before && n == count_before) {
            const TranscriptEntry *e = transcript_entry(t, answer);
            size_t grown = e->text.len - len_before;
            REQUIRE(e->text.len >= len_before);
            const char *mark = "\xe2\x86\xaa steer: "; /* a steered successor's marker */
            bool marker = grown >= 11 && !is_delta &&
                          (memcmp(e->text.data + len_before, mark, 11) == 0 ||
                           (grown >= 13 && memcmp(e->text.data + len_before + 2, mark, 11) == 0));
            if (grown && !marker) {
                REQUIRE(is_delta && created_since_ask);
                const char *add = e->text.data + len_before;
                if (grown == text_len + 2 && len_before && memcmp(add, "\n\n", 2) == 0)
                    add += 2, grown -= 2;
                REQUIRE(grown == text_len && memcmp(add, text, text_len) == 0);
            }
        }

        /* Finished entries never change. */
        for (size_t i = 0; i < nsnaps && i < n; i++) {
            const TranscriptEntry *e = transcript_entry(t, i);
            REQUIRE(e->state == snaps[i].state && e->text.len == snaps[i].text.len &&
                    memcmp(e->text.data ? e->text.data : "", snaps[i].text.data ? snaps[i].text.data : "",
                           e->text.len) == 0);
        }
        while (nsnaps < n && nsnaps < 64 && transcript_entry(t, nsnaps)->state != ENTRY_OPEN) {
            const TranscriptEntry *e = transcript_entry(t, nsnaps);
            snaps[nsnaps].text = (StrBuf){0};
            sb_append(&snaps[nsnaps].text, e->text.data ? e->text.data : "", e->text.len);
            snaps[nsnaps].state = e->state;
            nsnaps++;
        }
    }
    for (size_t i = 0; i < nsnaps; i++)
        sb_free(&snaps[i].text);
    sb_free(&m);
    sb_free(&expect);
    session_free(s);
    wire_free(dec);
    clock_set_source(NULL);
    return 0;
}
