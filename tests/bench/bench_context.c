/* bench_context: what a conversation costs on the wire (issue 8 items 4-5). A 50 KB C file,
 * 10 turns; before each question after the first, one line of the file changes (as an
 * accepted hunk would change it). Printed, never asserted:
 *
 *   1. bytes sent per turn, in both dialects: Responses over a WebSocket (chained by
 *      previous_response_id: only the new message goes) and Chat Completions (every request
 *      carries the whole conversation); and what the file went as (whole / diff / unchanged).
 *   2. the shared prefix (bytes and % of the earlier request up to its closing "]}") of the
 *      requests before and after an interrupt, after a steer (client side: interrupt, then
 *      ask again with the correction), after a reconnect (the link drops mid-answer, the
 *      question is asked again), in the Chat dialect, where every request is whole and the
 *      provider's prefix cache is all that saves the resend; and the Responses request after
 *      a reconnect against the whole request before it. Target: 100% (only the new part
 *      differs). Before issue 8 an interrupt shared about 150 tokens (the instructions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/session.h"
#include "session/wire_chat.h"
#include "session/wire_json.h"

#define MAX_REQ 64

typedef struct Sent {
    StrBuf req[MAX_REQ];
    size_t n;
} Sent;

static bool send_hook(void *ud, const char *data, size_t len)
{
    Sent *s = ud;
    if (s->n == MAX_REQ)
        return false;
    sb_append(&s->req[s->n++], data, len);
    return true;
}

static void feed(Session *s, const char *m) { session_on_message(s, m, strlen(m)); }

static const char ANSWER[] =
    "The loop reads one byte past the end: `i <= n` should be `i < n`. Here is the change:\n\n"
    "```diff\n@@ -120,3 +120,3 @@\n-    for (size_t i = 0; i <= n; i++)\n+    for (size_t i = 0; "
    "i < n; i++)\n```\n\nWith that, the last iteration no longer touches `buf[n]`.";

/* The server's answer, in the session's dialect; partial: only half of it, no end. */
static void answer(Session *s, bool chat, int turn, bool partial)
{
    size_t len = partial ? sizeof ANSWER / 2 : sizeof ANSWER - 1;
    StrBuf m = {0};
    if (chat) {
        sb_printf(&m, "data: {\"id\":\"c%d\",\"choices\":[{\"index\":0,\"delta\":{\"content\":", turn);
        wire_json_string(&m, ANSWER, len);
        sb_puts(&m, "}}]}\n\n");
        if (!partial)
            sb_printf(&m, "data: {\"id\":\"c%d\",\"choices\":[{\"index\":0,\"delta\":{},"
                          "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", turn);
        feed(s, m.data);
    } else {
        sb_printf(&m, "{\"type\":\"response.created\",\"response\":{\"id\":\"r%d\"}}", turn);
        feed(s, m.data);
        sb_reset(&m);
        sb_puts(&m, "{\"type\":\"response.output_text.delta\",\"output_index\":0,"
                    "\"content_index\":0,\"delta\":");
        wire_json_string(&m, ANSWER, len);
        sb_putc(&m, '}');
        feed(s, m.data);
        if (!partial) {
            sb_reset(&m);
            sb_printf(&m, "{\"type\":\"response.completed\",\"response\":{\"id\":\"r%d\","
                          "\"status\":\"completed\"}}", turn);
            feed(s, m.data);
        }
    }
    sb_free(&m);
}

static Session *new_session(bool chat, const char *path, Sent *sent)
{
    SessionConfig cfg = {.wire = chat ? wire_chat_new() : NULL, .stall_ns = SESSION_STALL_NEVER};
    SessionHooks hooks = {.send = send_hook};
    Session *s = session_new(&cfg, &hooks, sent);
    ErrorBuf err;
    if (!buffer_open(session_buffer(s), path, &err)) {
        fprintf(stderr, "bench_context: %s\n", err.msg);
        exit(1);
    }
    buffer_set_cursor(session_buffer(s), (TextPos){.line = 300, .col = 4});
    session_on_link_up(s);
    return s;
}

static void ask(Session *s, const char *q)
{
    ErrorBuf err;
    if (!session_ask(s, q, &err)) {
        fprintf(stderr, "bench_context: %s\n", err.msg);
        exit(1);
    }
}

/* One line of the file changes, as an accepted hunk would change it. */
static void edit(Session *s, int turn)
{
    Buffer *b = session_buffer(s);
    size_t line = (size_t)(turn * 137) % text_line_count(buffer_text(b));
    buffer_set_cursor(b, (TextPos){.line = line, .col = 0});
    char ins[64];
    int n = snprintf(ins, sizeof ins, "/* fixed in turn %d */ ", turn);
    buffer_insert(b, ins, (size_t)n);
}

static const char *file_went_as(const StrBuf *req)
{
    if (strstr(req->data, "Unchanged since you last saw it"))
        return "unchanged";
    const char *last_q = NULL; /* the newest message decides */
    for (const char *p = req->data; (p = strstr(p, "Context from the editor")); p++)
        last_q = p;
    if (!last_q)
        return "?";
    if (strstr(last_q, "unified diff against that version"))
        return "diff";
    if (strstr(last_q, "The whole file"))
        return "whole";
    return "window";
}

static size_t common_prefix(const StrBuf *a, const StrBuf *b)
{
    size_t i = 0;
    while (i < a->len && i < b->len && a->data[i] == b->data[i])
        i++;
    return i;
}

static void print_prefix(const char *what, const StrBuf *before, const StrBuf *after)
{
    size_t shared = common_prefix(before, after), whole = before->len - 2; /* up to "]}" */
    if (shared > whole)
        shared = whole;
    printf("%-44s %9zu %9zu %6.1f%%    100%%\n", what, whole, shared, 100.0 * (double)shared / (double)whole);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/flint-bench-context-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/big.c", dir);
    StrBuf file = {0};
    for (int i = 0; file.len < 50 * 1024; i++)
        sb_printf(&file, "static int step_%04d(struct state *s, size_t n) { return s->v[n %% %d] + %d; }\n",
                  i, i + 7, i);
    FILE *f = fopen(path, "wb");
    fwrite(file.data, 1, file.len, f);
    fclose(f);

    Sent rs = {0}, cs = {0};
    Session *r = new_session(false, path, &rs), *c = new_session(true, path, &cs);
    printf("\nbench_context: a 10-turn conversation on a %zu-byte file (one line edited per turn)\n\n",
           file.len);
    printf("%-5s %14s %-10s %16s %-10s\n", "turn", "Responses (B)", "file as", "Chat (B)", "file as");
    size_t total_r = 0, total_c = 0;
    for (int t = 1; t <= 10; t++) {
        if (t > 1) {
            edit(r, t);
            edit(c, t);
        }
        char q[64];
        snprintf(q, sizeof q, "Turn %d: what is wrong with step_%04d?", t, t * 13);
        ask(r, q);
        ask(c, q);
        const StrBuf *rq = &rs.req[rs.n - 1], *cq = &cs.req[cs.n - 1];
        printf("%-5d %14zu %-10s %16zu %-10s\n", t, rq->len, file_went_as(rq), cq->len,
               file_went_as(cq));
        total_r += rq->len;
        total_c += cq->len;
        answer(r, false, t, false);
        answer(c, true, t, false);
    }
    printf("%-5s %14zu %-10s %16zu\n", "total", total_r, "", total_c);
    printf("target: the file goes out once (turn 1); a later Responses turn under 5%% of it "
           "(question, diff, instructions): %.1f%% at turn 10\n",
           100.0 * (double)rs.req[rs.n - 1].len / (double)file.len);

    printf("\n%-44s %9s %9s %7s %7s\n", "shared prefix (Chat: every request whole)", "before B",
           "shared B", "shared", "target");
    /* interrupt: a question, half an answer, Esc, a new question */
    ask(c, "Turn 11: and step_0200?");
    answer(c, true, 11, true);
    session_interrupt(c);
    session_on_link_up(c); /* Chat's interrupt closes the connection; a fresh one is up */
    size_t before = cs.n - 1;
    ask(c, "Turn 12: never mind, what about step_0300?");
    print_prefix("after an interrupt (Esc, new question)", &cs.req[before], &cs.req[cs.n - 1]);
    answer(c, true, 12, false);
    /* steer, client side: interrupt mid-answer, ask again with the correction */
    ask(c, "Turn 13: rewrite step_0400");
    answer(c, true, 13, true);
    session_interrupt(c);
    session_on_link_up(c);
    before = cs.n - 1;
    ask(c, "Turn 13 (steer): keep the signature");
    print_prefix("after a steer (interrupt + correction)", &cs.req[before], &cs.req[cs.n - 1]);
    answer(c, true, 14, false);
    /* reconnect: the link drops mid-answer; the question is asked again on the new one */
    ask(c, "Turn 15: and step_0500?");
    answer(c, true, 15, true);
    session_on_link_lost(c, "closed");
    session_on_link_up(c);
    before = cs.n - 1;
    ask(c, "Turn 15: and step_0500?");
    print_prefix("after a reconnect (asked again)", &cs.req[before], &cs.req[cs.n - 1]);

    /* Responses: its requests are chained, so compare whole with whole: the first request
     * and the whole one a reconnect forces. */
    ask(r, "Turn 11: and step_0200?");
    answer(r, false, 11, true);
    session_on_link_lost(r, "closed");
    session_on_link_up(r);
    ask(r, "Turn 11: and step_0200?");
    print_prefix("Responses: after a reconnect vs turn 1", &rs.req[0], &rs.req[rs.n - 1]);
    SessionPreview pv;
    StrBuf json = {0};
    session_preview_request(r, "next", &json, NULL, &pv);
    printf("\nnext Responses request (F9): %zu bytes, ~%zu tokens, %zu%% of the %zu-token window "
           "(estimate: bytes/4)\n", pv.bytes, pv.tokens, pv.tokens * 100 / pv.window_tokens,
           pv.window_tokens);
    sb_free(&json);

    session_free(r);
    session_free(c);
    for (size_t i = 0; i < MAX_REQ; i++) {
        sb_free(&rs.req[i]);
        sb_free(&cs.req[i]);
    }
    sb_free(&file);
    unlink(path);
    rmdir(dir);
    return 0;
}
