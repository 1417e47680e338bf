/* Shared by the session tests (test_session.c, test_session_errors.c, test_session_timers.c):
 * a Session in the Responses dialect over a fake send hook (Outbox: requests kept as bytes,
 * read back as parsed JSON) and a fake clock, with its buffer
 * holding a small C file; helpers that feed it scripted server messages.
 * Set FLINT_DUMP_REQUESTS=DIR to write every request sent to DIR/<stem>-NNN.json (for
 * tests/check_schema.sh); a program sets its stem with SESSION_DUMP_STEM before
 * including this (default "req"), so programs sharing a DIR do not overwrite each other:
 * fx_init records it (session_dump_stem) for every later send.
 *
 * Part of flint_test_support (tests/support/session_support.c); fake_now is the fake clock's
 * time, which the tests move. */
#ifndef FLINT_TESTS_SUPPORT_SESSION_SUPPORT_H
#define FLINT_TESTS_SUPPORT_SESSION_SUPPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "support/harness.h"
#include "session/buffer.h"
#include "session/wire_json.h"
#include "session/session.h"
#include "session/transcript.h"

#ifndef SESSION_DUMP_STEM
#define SESSION_DUMP_STEM "req"
#endif

extern uint64_t fake_now;
uint64_t fake_clock(void);

typedef struct Outbox {
    StrBuf sent[32];
    size_t count;
    bool fail;
} Outbox;

extern size_t dumped;  /* requests dumped so far (numbers the files) */
extern const char *session_dump_stem;

bool outbox_send(void *ud, const char *json, size_t len);

void outbox_free(Outbox *w);

typedef struct Fixture {
    Outbox out;
    Session *s;
    char dir[64];
    char path[128];
} Fixture;

static const char FILE_TEXT[] = "#include <stdio.h>\n"
                                "\n"
                                "int main(void)\n"
                                "{\n"
                                "    printf(\"héllo 日本\\n\");\n"
                                "    return 0;\n"
                                "}\n";

/* A session whose buffer holds FILE_TEXT loaded from DIR/hello.c, cursor at line 5 col 5. */
void session_fx_init(Fixture *fx, size_t max_context, const char *dump_stem);
#define fx_init(fx, max_context) session_fx_init((fx), (max_context), SESSION_DUMP_STEM)

void fx_free(Fixture *fx);

void feed(Fixture *fx, const char *json);

void feed_created(Fixture *fx, const char *id);

void feed_delta(Fixture *fx, const char *text);

void feed_completed(Fixture *fx, const char *id, int output_tokens);

static const char NOT_FOUND[] =
    "{\"type\":\"error\",\"status\":400,\"error\":{\"type\":\"invalid_request_error\",\"code\":"
    "\"previous_response_not_found\",\"message\":\"Previous response with id 'resp_1' not "
    "found.\",\"param\":\"previous_response_id\"}}";

bool ask(Fixture *fx, const char *q);

/* One full turn: ask, created, the deltas, completed. */
void turn(Fixture *fx, const char *q, const char *id, const char *answer);

const TranscriptEntry *entry(Fixture *fx, size_t i);

size_t entries(Fixture *fx);

/* The n-th request as parsed JSON (the caller deletes it). */
cJSON *request(Fixture *fx, size_t n);

const char *jstr(const cJSON *o, const char *key);

const cJSON *input_item(const cJSON *req, int i);

int input_count(const cJSON *req);

/* The text of an input message: user items hold [{type:input_text,text}], assistant a string. */
const char *item_text(const cJSON *item);

void check_item(const cJSON *req, int i, const char *role,
                              const char *text_exact, const char *text_contains);

#endif
