/* The App headless (app/app.h: app_new_headless), in the way of dte's headless tests: real
 * key bytes go through the real decoder, key tables and command table, into the real Session
 * and out through an in-memory Transport (tests/support/transport_fake.h); the test plays the
 * terminal (app_feed), the server (transport_fake_set_state / _receive) and the clock
 * (app_tick fires whatever timer the App armed: the Esc window, the frame clock). No
 * terminal, no socket, and no assertion about time: every step happens inside a call.
 *
 * Covered: typing, Enter, undo; a question sent as a response.create; the answer's events
 * landing in the transcript and on the screen; interrupts (Ctrl-G at once, a lone Esc after
 * its window) reaching the transport; F5 asking again; a question asked while the transport
 * is down waiting until it is up; Ctrl-S opening Save As and saving; a bracketed paste; a
 * settings file's rebinding and unbinding; unbound keys leaving the buffer alone; with
 * --api chat, a Chat Completions request, its SSE answer fed in odd splits (the transport
 * hands the dialect raw body bytes) ending at the transport's end hook, and a 401 refusal
 * shown to the user. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/clock.h"
#include "net/transport_ws.h"
#include "session/transcript.h"
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

/* ---- the rig: an App over a fake transport ---------------------------------------------- */

/* An App with settings_json as its settings file (NULL: none), on an unnamed buffer. The
 * transport has been started (CONNECTING); up says whether the server is up already. */
static bool rig_open_api(AppRig *r, const char *settings_json, bool up, AppApi api)
{
    app_rig_init(r);
    r->cfg.api = api;
    if (settings_json)
        app_rig_settings(r, settings_json);
    if (!app_rig_start(r, false))
        return false;
    CHECK_INT_EQ(r->fake->starts, 1);
    CHECK_INT_EQ(transport_state(&r->fake->base), TRANSPORT_CONNECTING);
    if (up)
        transport_fake_set_state(r->fake, TRANSPORT_UP, "");
    return true;
}

static bool rig_open(AppRig *r, const char *settings_json, bool up)
{
    return rig_open_api(r, settings_json, up, APP_API_RESPONSES);
}

static const Transcript *transcript(AppRig *r) { return session_transcript(app_session(r->app)); }

static const TranscriptEntry *last_entry(AppRig *r)
{
    size_t n = transcript_count(transcript(r));
    return n ? transcript_entry(transcript(r), n - 1) : NULL;
}

/* Is there an entry of kind whose text holds s? */
static bool transcript_has(AppRig *r, EntryKind kind, const char *s)
{
    for (size_t i = 0; i < transcript_count(transcript(r)); i++) {
        const TranscriptEntry *e = transcript_entry(transcript(r), i);
        if (e->kind == kind && strstr(sb_cstr(&e->text), s))
            return true;
    }
    return false;
}

/* The i-th message the transport sent, parsed: a response.create whose input ends with a
 * user item holding want (the question, after the file's context). */
static void check_sent_question(AppRig *r, int i, const char *want)
{
    size_t len = 0;
    const char *raw = transport_fake_sent(r->fake, i, &len);
    CHECK(raw != NULL);
    if (!raw)
        return;
    cJSON *j = cJSON_ParseWithLength(raw, len);
    CHECK(j != NULL);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    CHECK(cJSON_IsString(type) && strcmp(type->valuestring, "response.create") == 0);
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(j, "input");
    const cJSON *item = cJSON_GetArrayItem(input, cJSON_GetArraySize(input) - 1);
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(item, "role");
    CHECK(cJSON_IsString(role) && strcmp(role->valuestring, "user") == 0);
    char *text = cJSON_PrintUnformatted(item);
    if (!text || !strstr(text, want)) {
        fprintf(stderr, "  sent #%d lacks \"%s\": %s\n", i, want, text ? text : "(null)");
        CHECK(0);
    }
    free(text);
    cJSON_Delete(j);
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void test_typing_and_undo(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_rig_keys(&r, "hello");
    CHECK_TEXT(app_rig_buffer(&r), "hello\n"); /* a file ends with a newline */
    app_rig_keys(&r, "\r");
    app_rig_keys(&r, "world");
    CHECK_TEXT(app_rig_buffer(&r), "hello\nworld\n");
    CHECK(buffer_modified(app_rig_buffer(&r)));
    app_rig_keys(&r, "\x1a"); /* Ctrl-Z */
    CHECK_TEXT(app_rig_buffer(&r), "hello\n\n");
    app_rig_keys(&r, "\x19"); /* Ctrl-Y */
    CHECK_TEXT(app_rig_buffer(&r), "hello\nworld\n");
    while (buffer_modified(app_rig_buffer(&r)))
        app_rig_keys(&r, "\x1a");
    CHECK_TEXT(app_rig_buffer(&r), "");
    app_rig_keys(&r, "\x1a");
    CHECK_STR_EQ(app_message(r.app), "Nothing to undo.");
    /* The frame a key draws at once shows the buffer. */
    app_rig_keys(&r, "drawn");
    CHECK(app_rig_screen_has(&r, "drawn"));
    CHECK_INT_EQ(r.fake->nsent, 0); /* typing sends nothing */
    app_rig_close(&r);
}

/* Ctrl-K, a question, Enter: one response.create; the answer's events land in the
 * transcript, and the frame clock draws them. */
static void test_ask_and_answer(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "int x;"); /* (a "\n" here would be Ctrl-J: a line break) */
    app_rig_keys(&r, "\x0b"); /* Ctrl-K */
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK);
    app_rig_keys(&r, "why is x unused?");
    CHECK_TEXT(app_rig_buffer(&r), "int x;\n"); /* the prompt took the keys */
    app_rig_keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK); /* the prompt follows the turn (issue 8) */
    CHECK_INT_EQ(r.fake->nsent, 1);
    check_sent_question(&r, 0, "why is x unused?");
    CHECK(session_busy(app_session(r.app)));
    CHECK(transcript_has(&r, ENTRY_USER, "why is x unused?"));

    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "Nobody ");
    app_rig_server_delta(&r, "reads it.");
    const TranscriptEntry *e = last_entry(&r);
    CHECK(e && e->kind == ENTRY_ANSWER && e->state == ENTRY_OPEN);
    CHECK_STR_EQ(e ? e->text.data : NULL, "Nobody reads it.");
    app_tick(r.app); /* the frame the damage asked for */
    CHECK(app_rig_screen_has(&r, "Nobody reads it."));
    app_rig_server_completed(&r, "resp_1");
    e = last_entry(&r);
    CHECK(e && e->state == ENTRY_DONE);
    CHECK(!session_busy(app_session(r.app)));
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT); /* empty at the turn's end: closed */
    CHECK_INT_EQ(r.fake->interrupts, 0);
    CHECK_TEXT(app_rig_buffer(&r), "int x;\n");
    app_rig_close(&r);
}

/* Ctrl-G stops a streaming answer at once; a lone Esc does once its window has passed
 * (app_tick), not before; F5 asks the last question again. */
static void test_interrupt_and_retry(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "\x0b" "first?" "\r");
    CHECK_INT_EQ(r.fake->nsent, 1);
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "partial");
    app_rig_keys(&r, "\x07"); /* Ctrl-G */
    CHECK_INT_EQ(r.fake->interrupts, 1);
    CHECK(!session_busy(app_session(r.app)));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_INTERRUPTED);
    CHECK(strstr(app_message(r.app), "Interrupted") != NULL);
    CHECK_INT_EQ(transport_state(&r.fake->base), TRANSPORT_CONNECTING);

    /* F5: the question again, on the fresh connection once it is up. */
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    app_rig_keys(&r, "\x1b[15~"); /* F5 */
    CHECK_INT_EQ(r.fake->nsent, 2);
    check_sent_question(&r, 1, "first?");
    app_rig_server_created(&r, "resp_2");
    app_rig_server_delta(&r, "again");

    app_rig_keys(&r, "\x1b"); /* Esc: could still be the start of a sequence */
    CHECK(app_esc_pending(r.app));
    CHECK_INT_EQ(r.fake->interrupts, 1);
    CHECK(session_busy(app_session(r.app)));
    app_tick(r.app); /* the window is over: a lone Esc, the interrupt */
    CHECK(!app_esc_pending(r.app));
    CHECK_INT_EQ(r.fake->interrupts, 2);
    CHECK(!session_busy(app_session(r.app)));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_INTERRUPTED);
    CHECK_TEXT(app_rig_buffer(&r), "");
    app_rig_close(&r);
}

static const char *sent_type(AppRig *r, int i, char *out, size_t cap)
{
    size_t len = 0;
    const char *raw = transport_fake_sent(r->fake, i, &len);
    cJSON *j = raw ? cJSON_ParseWithLength(raw, len) : NULL;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    snprintf(out, cap, "%s", cJSON_IsString(type) ? type->valuestring : "?");
    cJSON_Delete(j);
    return out;
}

/* Issue 8 item 7: while an answer streams, Ctrl-K's prompt queues with Tab (Alt-Backspace
 * drops the last), Enter steers (native response.steer first; refused: interrupt and ask
 * again, the queue not paused by that); a completed turn sends the queue's head; Ctrl-G
 * pauses the queue without dropping it; Enter on an empty prompt resumes it. */
static void test_steer_and_queue(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    char type[64];
    app_rig_keys(&r, "\x0b" "long?" "\r");
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "part");
    app_rig_keys(&r, "\x0b");
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK);
    app_rig_keys(&r, "q1\t" "q2\t" "q3\t");
    CHECK_INT_EQ(r.fake->nsent, 1); /* queued, not sent */
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "queued 3"));
    app_rig_keys(&r, "\x1b\x7f"); /* Alt-Backspace on the empty prompt: drops q3 */
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "queued 2"));
    CHECK(app_rig_screen_has(&r, "2. q2"));
    app_rig_keys(&r, "fix it\r");
    CHECK_INT_EQ(r.fake->nsent, 2);
    CHECK_STR_EQ(sent_type(&r, 1, type, sizeof type), "response.steer");
    CHECK_INT_EQ(r.fake->interrupts, 0);
    app_rig_server_says(&r, "{\"type\":\"response.steer.failed\",\"steer\":{"
                        "\"previous_response_id\":\"resp_1\",\"input\":\"fix it\"},\"error\":"
                        "{\"type\":\"invalid_request_error\",\"code\":\"steering_not_supported\"}}");
    CHECK_INT_EQ(r.fake->interrupts, 1); /* the client-side steer */
    CHECK(transcript_has(&r, ENTRY_USER, "fix it"));
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 3);
    check_sent_question(&r, 2, "fix it");
    app_rig_server_created(&r, "resp_2");
    app_rig_server_delta(&r, "fixed");
    app_rig_server_completed(&r, "resp_2");
    CHECK_INT_EQ(r.fake->nsent, 4); /* the queue went on: q1 */
    check_sent_question(&r, 3, "q1");
    /* The prompt followed the turns; Ctrl-G stops the answer, the queue pauses, q2 stays,
     * and the empty prompt closes. */
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK);
    app_rig_server_created(&r, "resp_3");
    app_rig_keys(&r, "\x07");
    CHECK_INT_EQ(r.fake->interrupts, 2);
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 4);
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "queued 1 (paused"));
    app_rig_keys(&r, "\x0b\r"); /* Enter on an empty prompt: resumes the queue */
    CHECK_INT_EQ(r.fake->nsent, 5);
    check_sent_question(&r, 4, "q2");
    app_rig_server_created(&r, "resp_4");
    app_rig_server_delta(&r, "x");
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK);
    /* Ctrl-K: already open; refused before: client-side at once */
    app_rig_keys(&r, "\x0b" "again\r");
    CHECK_INT_EQ(r.fake->interrupts, 3);
    CHECK(strstr(app_message(r.app), "Steering") != NULL);
    CHECK_INT_EQ(r.fake->nsent, 5); /* waits for the fresh connection */
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 6);
    CHECK_STR_EQ(sent_type(&r, 5, type, sizeof type), "response.create");
    app_rig_close(&r);
}

/* Asked while the transport is down: nothing is sent (and nothing refused: the App does not
 * try); the question goes out when the fake reports UP. */
static void test_question_waits_for_the_link(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, false))
        return;
    app_rig_keys(&r, "\x0b" "are you there?" "\r");
    CHECK_INT_EQ(r.fake->nsent, 0);
    CHECK_INT_EQ(r.fake->refused, 0);
    CHECK(strstr(app_message(r.app), "Waiting for the connection") != NULL);
    /* In the pane: the question, and the turn waiting for the link (not a rate limit). */
    CHECK(transcript_has(&r, ENTRY_USER, "are you there?"));
    CHECK(session_waiting(app_session(r.app)));
    CHECK(session_waiting_for_link(app_session(r.app)));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_OPEN);
    app_rig_keys(&r, "x"); /* a key draws a frame at once */
    CHECK(app_rig_screen_has(&r, "are you there?"));
    CHECK(app_rig_screen_has(&r, "waiting for connection")); /* the pane's title */
    transport_fake_set_state(r.fake, TRANSPORT_WAITING, "connection refused; retry in 0.5 s");
    CHECK_INT_EQ(r.fake->nsent, 0);
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 1);
    check_sent_question(&r, 0, "are you there?");
    CHECK(session_busy(app_session(r.app)));
    app_rig_close(&r);
}

/* Asked while down, then cancelled: Ctrl-G (or Esc) ends the wait, the question stays in the
 * transcript marked interrupted, and nothing goes out when the link comes up. */
static void test_waiting_question_cancelled(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, false))
        return;
    app_rig_keys(&r, "\x0b" "never mind?" "\r");
    CHECK(session_waiting_for_link(app_session(r.app)));
    app_rig_keys(&r, "\x07"); /* Ctrl-G */
    CHECK(!session_waiting(app_session(r.app)));
    CHECK(transcript_has(&r, ENTRY_USER, "never mind?"));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_INTERRUPTED);
    CHECK(strstr(app_message(r.app), "Cancelled") != NULL);
    CHECK_INT_EQ(r.fake->interrupts, 0); /* nothing was in flight: no socket to close */
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 0);

    /* The same with a lone Esc, once its window has passed. */
    transport_fake_set_state(r.fake, TRANSPORT_WAITING, "connection lost; retry in 0.5 s");
    app_rig_keys(&r, "\x0b" "again?" "\r");
    CHECK(session_waiting_for_link(app_session(r.app)));
    app_rig_keys(&r, "\x1b");
    app_tick(r.app);
    CHECK(!session_waiting(app_session(r.app)));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_INTERRUPTED);
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 0);
    app_rig_close(&r);
}

/* The transport stops for good (a 401: STOPPED): a question waiting for it fails at once with
 * the transport's words; asking again makes one new attempt (an interrupt), and F5 too. */
static void test_stopped_link(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, false))
        return;
    static const char why[] = "fake:443 wants an API key (HTTP 401): set OPENAI_API_KEY (or "
                              "FLINT_API_KEY)";
    app_rig_keys(&r, "\x0b" "hello?" "\r");
    CHECK(strstr(app_message(r.app), "Waiting for the connection") != NULL);
    transport_fake_set_state(r.fake, TRANSPORT_STOPPED, why);
    CHECK_INT_EQ(r.fake->nsent, 0);
    CHECK(strstr(app_message(r.app), "Not asked") != NULL);
    CHECK(strstr(app_message(r.app), why) != NULL);
    CHECK_INT_EQ(r.fake->interrupts, 0);
    CHECK(!session_waiting(app_session(r.app)));
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_FAILED);
    CHECK(last_entry(&r)->detail && strcmp(last_entry(&r)->detail, why) == 0);

    /* Asking while stopped: one attempt; refused again, the question fails again. */
    app_rig_keys(&r, "\x0b" "hello again?" "\r");
    CHECK_INT_EQ(r.fake->interrupts, 1);
    CHECK_INT_EQ(transport_state(&r.fake->base), TRANSPORT_CONNECTING);
    CHECK(strstr(app_message(r.app), "Connecting again") != NULL);
    transport_fake_set_state(r.fake, TRANSPORT_STOPPED, why);
    CHECK(strstr(app_message(r.app), why) != NULL);
    CHECK_INT_EQ(r.fake->nsent, 0);

    /* Asked again and this time accepted: it goes out. */
    app_rig_keys(&r, "\x0b" "third?" "\r");
    CHECK_INT_EQ(r.fake->interrupts, 2);
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    CHECK_INT_EQ(r.fake->nsent, 1);
    check_sent_question(&r, 0, "third?");
    app_rig_close(&r);
}

/* Ctrl-S on an unnamed buffer opens Save As; the name typed and Enter save it. */
static void test_save_as(void)
{
    AppRig r;
    if (!tmpdir_create("/tmp/flint-test-app-XXXXXX") || !rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "saved text");
    app_rig_keys(&r, "\x13"); /* Ctrl-S */
    CHECK_INT_EQ(app_mode(r.app), MODE_SAVE_AS);
    char *path = path_in("out.txt");
    app_rig_keys(&r, path);
    app_rig_keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK_FILE(path, "saved text\n");
    CHECK(!buffer_modified(app_rig_buffer(&r)));
    CHECK(strstr(app_message(r.app), "Saved") != NULL);
    app_rig_keys(&r, "\x11"); /* Ctrl-Q: nothing unsaved, so it quits */
    CHECK(app_quit_requested(r.app));
    CHECK_INT_EQ(app_exit_status(r.app), 0);
    free(path);
    app_rig_close(&r);
    tmpdir_remove();
}

/* A bracketed paste is one insertion (CRs become newlines) and one undo step. */
static void test_paste(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "a");
    app_rig_keys(&r, "\x1b[200~line 1\r\nline 2\x1b[201~");
    CHECK_TEXT(app_rig_buffer(&r), "aline 1\nline 2\n");
    app_rig_keys(&r, "\x1a");
    CHECK_TEXT(app_rig_buffer(&r), "a\n");
    /* In the prompt the paste goes to the question. */
    app_rig_keys(&r, "\x0b" "\x1b[200~pasted question\x1b[201~" "\r");
    CHECK_INT_EQ(r.fake->nsent, 1);
    check_sent_question(&r, 0, "pasted question");
    CHECK_TEXT(app_rig_buffer(&r), "a\n");
    app_rig_close(&r);
}

/* The settings file's keys: Ctrl-T asks, Ctrl-Z is unbound, F5 undoes. */
static void test_rebinding(void)
{
    AppRig r;
    if (!rig_open(&r, "{ \"keys\": { \"Ctrl-T\": \"ask\", \"Ctrl-Z\": \"none\", "
                      "\"F5\": \"undo\" } }", true))
        return;
    app_rig_keys(&r, "abc");
    app_rig_keys(&r, "\x1a"); /* Ctrl-Z: bound to nothing now */
    CHECK_TEXT(app_rig_buffer(&r), "abc\n");
    app_rig_keys(&r, "\x1b[15~"); /* F5: undo now, not retry */
    CHECK_TEXT(app_rig_buffer(&r), "");
    CHECK_INT_EQ(r.fake->nsent, 0);
    app_rig_keys(&r, "\x14"); /* Ctrl-T */
    CHECK_INT_EQ(app_mode(r.app), MODE_ASK);
    app_rig_keys(&r, "rebound?\r");
    CHECK_INT_EQ(r.fake->nsent, 1);
    check_sent_question(&r, 0, "rebound?");
    app_rig_close(&r);
}

/* Keys no command is bound to leave the buffer (and its undo history) alone. */
static void test_unknown_keys(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "text");
    static const char *const unbound[] = {
        "\x1b[24~",      /* F12 */
        "\x1b\x10",      /* Alt-Ctrl-P */
        "\x1b[1;8D",     /* Ctrl-Alt-Shift-Left: a move, so the cursor may go; no edit */
        "\x1b[1;7P",     /* Ctrl-Alt-F1: falls back to F1, the help (closed below) */
    };
    for (size_t i = 0; i < sizeof unbound / sizeof *unbound; i++) {
        app_rig_keys(&r, unbound[i]);
        app_tick(r.app);
        CHECK_TEXT(app_rig_buffer(&r), "text\n");
        CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    }
    CHECK_INT_EQ(r.fake->nsent, 0);
    CHECK_INT_EQ(r.fake->interrupts, 0);
    app_rig_keys(&r, "\x1bOP"); /* F1 closes the help (while it is open, Ctrl-Z would not edit) */
    app_rig_keys(&r, "\x1a");
    CHECK_TEXT(app_rig_buffer(&r), ""); /* still one undo step: nothing was recorded in between */
    app_rig_close(&r);
}

/* The construction path's failures come back as messages, and nothing leaks. */
static void test_construction_errors(void)
{
    const char *files[] = {"/nonexistent-dir/x/y.c"};
    AppConfig cfg = {.model = "gpt-test", .files = files, .n_files = 1};
    TransportFake *fake = NULL;
    ErrorBuf err = {{0}};
    App *a = app_new_headless(&cfg, app_rig_make_fake, &fake, &err);
    if (a) { /* a missing file is a new file: that is fine too */
        CHECK_INT_EQ(fake->starts, 1);
        app_free(a);
    }
    cfg = (AppConfig){.model = "gpt-test", .theme_path = "/nonexistent.theme"};
    fake = NULL;
    a = app_new_headless(&cfg, app_rig_make_fake, &fake, &err);
    CHECK(a == NULL);
    CHECK(err.msg[0] != '\0');
    CHECK(fake == NULL); /* failed before the transport was made */
    app_free(NULL);
}

/* Body bytes as an HTTP transport hands them over: in pieces of 1, 2, 3, 5, 8, 13 bytes
 * (and again), so that events, lines, CRLFs and UTF-8 sequences are split everywhere. */
static void server_streams(AppRig *r, const char *body)
{
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13};
    size_t len = strlen(body), off = 0;
    for (int i = 0; off < len; i++) {
        size_t n = sizes[i % 6];
        if (n > len - off)
            n = len - off;
        CHECK(transport_fake_receive(r->fake, body + off, n));
        off += n;
    }
}

/* --api chat: the question goes out as a Chat Completions body; the SSE answer, split
 * anywhere, lands in the transcript and on the screen, and the end hook closes the body. The
 * next question carries the conversation (no chain); a 401 refusal fails the turn with the
 * server's message, shown to the user, and the next question can still be asked. */
static void test_chat_api(void)
{
    AppRig r;
    if (!rig_open_api(&r, NULL, true, APP_API_CHAT))
        return;
    CHECK_STR_EQ(wire_name(session_wire(app_session(r.app))), "chat");
    app_rig_keys(&r, "\x0b");
    app_rig_keys(&r, "why is x unused?\r");
    CHECK_INT_EQ(r.fake->nsent, 1);
    size_t len = 0;
    const char *raw = transport_fake_sent(r.fake, 0, &len);
    cJSON *j = raw ? cJSON_ParseWithLength(raw, len) : NULL;
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "stream")));
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(j, "messages");
    const cJSON *last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(last, "content");
    CHECK(cJSON_IsString(content) && strstr(content->valuestring, "why is x unused?"));
    cJSON_Delete(j);

    server_streams(&r,
        ": keep-alive\n\n"
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":"
        "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        "\"finish_reason\":null}]}\r\n\r\n"
        "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":"
        "{\"content\":\"Nobody \"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":"
        "{\"content\":\"reads it, caf\u00e9 \xc3\xa9t\xc3\xa9.\"},\"finish_reason\":null}]}\n\n");
    const TranscriptEntry *e = last_entry(&r);
    CHECK(e && e->kind == ENTRY_ANSWER && e->state == ENTRY_OPEN);
    server_streams(&r,
        "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},"
        "\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
        "\"completion_tokens\":5,\"total_tokens\":14}}\n\n"
        "data: [DONE]\n\n");
    CHECK(transport_fake_end(r.fake, 200, true, NULL));
    e = last_entry(&r);
    CHECK(e && e->kind == ENTRY_ANSWER && e->state == ENTRY_DONE);
    CHECK_STR_EQ(e ? e->text.data : NULL, "Nobody reads it, caf\xc3\xa9 \xc3\xa9t\xc3\xa9.");
    CHECK(!session_busy(app_session(r.app)));
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "Nobody reads it"));

    /* Refused: the body is the server's error document, never a stream. */
    app_rig_keys(&r, "\x0b");
    app_rig_keys(&r, "and now?\r");
    CHECK_INT_EQ(r.fake->nsent, 2);
    raw = transport_fake_sent(r.fake, 1, NULL);
    CHECK(raw && strstr(raw, "Nobody reads it")); /* the conversation, resent */
    CHECK(transport_fake_end(r.fake, 401, false,
                             "{\"error\":{\"message\":\"Invalid API key provided\","
                             "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
    CHECK(!session_busy(app_session(r.app)));
    e = last_entry(&r);
    CHECK(e && e->state == ENTRY_FAILED);
    app_tick(r.app);
    bool shown = app_rig_screen_has(&r, "Invalid API key") ||
                 strstr(app_message(r.app), "Invalid API key");
    if (!shown) {
        const Grid *g = app_grid(r.app);
        for (int y = 0; y < g->rows; y++)
            fprintf(stderr, "  |%s\n", row_text(g, y));
        fprintf(stderr, "  message: %s\n", app_message(r.app));
    }
    CHECK(shown);

    /* The connection stayed up: the next question goes out. */
    app_rig_keys(&r, "\x0b");
    app_rig_keys(&r, "third?\r");
    CHECK_INT_EQ(r.fake->nsent, 3);
    app_rig_close(&r);
}

/* F1's help (issue 10 item 10): while it is open, typing, Enter, Backspace and a paste never
 * edit the buffer under it; Up/Down scroll it; q and Esc close it; F1 opens and closes it. */
static void test_help_overlay_keys(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    app_rig_keys(&r, "abc");
    app_rig_keys(&r, "\x1bOP"); /* F1 */
    CHECK(app_rig_screen_has(&r, "Down/PgDn: more") || app_rig_screen_has(&r, "ask"));
    app_rig_keys(&r, "xyz\r\x7f");
    app_rig_keys(&r, "\x1b[200~pasted\x1b[201~");
    app_rig_keys(&r, "\x1b[B\x1b[A"); /* Down, Up: scroll */
    CHECK_TEXT(app_rig_buffer(&r), "abc\n");
    CHECK_STR_EQ(app_message(r.app), "The help is open: Esc, q or F1 closes it.");
    app_rig_keys(&r, "q");
    CHECK_TEXT(app_rig_buffer(&r), "abc\n");
    app_rig_keys(&r, "d");
    CHECK_TEXT(app_rig_buffer(&r), "abcd\n"); /* closed: keys edit again */
    app_rig_keys(&r, "\x1bOP");
    app_rig_keys(&r, "e");
    CHECK_TEXT(app_rig_buffer(&r), "abcd\n");
    app_rig_keys(&r, "\x1b"); /* a lone Esc: after its window (app_tick) */
    app_tick(r.app);
    app_rig_keys(&r, "f");
    CHECK_TEXT(app_rig_buffer(&r), "abcdf\n");
    app_rig_keys(&r, "\x1bOP");
    app_rig_keys(&r, "\x1bOP"); /* F1 again closes it */
    app_rig_keys(&r, "g");
    CHECK_TEXT(app_rig_buffer(&r), "abcdfg\n");
    app_rig_close(&r);
}

static uint64_t fake_ns;
static uint64_t fake_clock_now(void) { return fake_ns; }

/* A connection cut mid-answer: the partial text stays, the status line says so once with the
 * key that asks again; the link's "retry in N s" counts down once a second while it waits
 * (issue 9 item 4), and stops with the wait. */
static void test_cut_mid_answer_and_countdown(void)
{
    AppRig r;
    if (!rig_open(&r, NULL, true))
        return;
    fake_ns = clock_now_ns(); /* the link came up on the real clock: no rotation due */
    clock_set_source(fake_clock_now);
    app_rig_keys(&r, "\x0b" "tell me" "\r");
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "partial text");
    transport_fake_set_state(r.fake, TRANSPORT_WAITING, "connection reset; retry in 2.5 s");
    CHECK_INT_EQ(last_entry(&r)->state, ENTRY_NETWORK);
    CHECK(transcript_has(&r, ENTRY_ANSWER, "partial text"));
    CHECK_STR_EQ(app_message(r.app), "Connection lost mid-answer (connection reset); the "
                                     "partial answer is kept. F5 asks again.");
    app_rig_keys(&r, "\x1b[C"); /* a key: the message gives the status line back to the link */
    CHECK(app_rig_screen_has(&r, "offline: connection reset; retry in 3 s"));
    fake_ns += NS_PER_SEC;
    app_tick(r.app); /* the link timer, then the frame it asked for */
    CHECK(app_rig_screen_has(&r, "retry in 2 s"));
    fake_ns += NS_PER_SEC;
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "retry in 1 s"));
    fake_ns += NS_PER_SEC;
    app_tick(r.app);
    CHECK(app_rig_screen_has(&r, "offline: connection reset; retrying"));
    transport_fake_set_state(r.fake, TRANSPORT_UP, "");
    app_tick(r.app);
    CHECK(!app_rig_screen_has(&r, "retry"));
    clock_set_source(NULL);
    app_rig_close(&r);
}

int main(void)
{
    RUN(test_steer_and_queue);
    transport_ws_log_install(); /* the loop's lws_context logs to flint's log, not stderr */
    RUN(test_typing_and_undo);
    RUN(test_help_overlay_keys);
    RUN(test_ask_and_answer);
    RUN(test_interrupt_and_retry);
    RUN(test_question_waits_for_the_link);
    RUN(test_waiting_question_cancelled);
    RUN(test_stopped_link);
    RUN(test_save_as);
    RUN(test_paste);
    RUN(test_rebinding);
    RUN(test_unknown_keys);
    RUN(test_construction_errors);
    RUN(test_chat_api);
    RUN(test_cut_mid_answer_and_countdown);
    return harness_done();
}
