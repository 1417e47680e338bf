/* Scripted native steering (see steer.h): parse the response.steer, answer it per the mode,
 * and for an accepted one hand the input to the connection (conn_steer_accept), which ends
 * the running response as steered and starts the successor. */
#include "tests/backend/steer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "tests/backend/conn.h"

bool steer_mode_parse(const char *s, SteerMode *out)
{
    if (!strcmp(s, "ignore"))
        *out = STEER_IGNORE;
    else if (!strcmp(s, "refuse"))
        *out = STEER_REFUSE;
    else if (!strcmp(s, "accept"))
        *out = STEER_ACCEPT;
    else
        return false;
    return true;
}

static char *print(cJSON *o, size_t *len)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        abort();
    *len = strlen(s);
    return s;
}

static void refuse(Conn *c, const char *prev, const cJSON *input, const char *code,
                   const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "response.steer.failed");
    cJSON_AddNumberToObject(o, "sequence_number", conn_take_seq(c));
    cJSON *st = cJSON_AddObjectToObject(o, "steer");
    if (prev)
        cJSON_AddStringToObject(st, "previous_response_id", prev);
    else
        cJSON_AddNullToObject(st, "previous_response_id");
    if (input)
        cJSON_AddItemToObject(st, "input", cJSON_Duplicate(input, true));
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "type", "invalid_request_error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    size_t len;
    char *json = print(o, &len);
    conn_queue(c, json, len);
    log_msg("steer conn=%u refused code=%s", c->id, code);
}

static void accept_steer(Conn *c, const char *prev, const char *text)
{
    static unsigned n;
    char id[40];
    snprintf(id, sizeof id, "steer_%u_%u", c->id, ++n);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "response.steer.accepted");
    cJSON_AddNumberToObject(o, "sequence_number", conn_take_seq(c));
    cJSON *st = cJSON_AddObjectToObject(o, "steer");
    cJSON_AddStringToObject(st, "id", id);
    cJSON_AddStringToObject(st, "previous_response_id", prev);
    size_t len;
    char *json = print(o, &len);
    conn_queue(c, json, len);
    conn_steer_accept(c, text, strlen(text));
    log_msg("steer conn=%u accepted resp=%s", c->id, prev);
}

/* The text of the input: a string, or the user messages' input_text parts joined. */
static void input_text(const cJSON *input, StrBuf *out)
{
    if (cJSON_IsString(input)) {
        sb_puts(out, input->valuestring);
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, input) {
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (cJSON_IsString(content)) {
            sb_puts(out, content->valuestring);
            continue;
        }
        const cJSON *p;
        cJSON_ArrayForEach(p, content) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
            if (cJSON_IsString(t))
                sb_puts(out, t->valuestring);
        }
    }
}

void steer_on_message(Conn *c, const char *data, size_t len)
{
    SteerMode mode = (SteerMode)c->env->steer;
    if (mode == STEER_IGNORE)
        return;
    cJSON *root = cJSON_ParseWithLength(data, len);
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(root, "previous_response_id");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    const char *prev_id = cJSON_IsString(prev) ? prev->valuestring : NULL;
    StrBuf text = {0};
    if (input)
        input_text(input, &text);
    if (mode == STEER_REFUSE) {
        refuse(c, prev_id, input, "steering_not_supported",
               "This model does not support steering.");
    } else if (!prev_id || !input || text.len == 0 || cJSON_GetArraySize(root) != 3) {
        refuse(c, prev_id, input, "invalid_input",
               "response.steer takes exactly type, previous_response_id and input.");
    } else if (!conn_active_id(c) || strcmp(conn_active_id(c), prev_id) != 0) {
        refuse(c, prev_id, input, "response_not_active", "That response is not running.");
    } else if (conn_steer_pending(c)) {
        refuse(c, prev_id, input, "too_many_pending_steers", "A steer is already pending.");
    } else {
        accept_steer(c, prev_id, sb_cstr(&text));
    }
    sb_free(&text);
    cJSON_Delete(root);
}
