/* Parsing of client messages into Requests.
 *
 * The create body is the POST /v1/responses body plus "type" (ResponsesClientEvent in
 * openai-openapi.yml). We read what a scripted model needs - model, input, instructions,
 * previous_response_id, stream_id, max_output_tokens, generate - and tolerate every other
 * field (tools, reasoning, store, stream, include, client_metadata, ...), as PROTOCOL.md 5
 * asks of a server that Codex may talk to.
 *
 * The question is the text the answer is chosen by: the input string, or the text of the
 * last input_text part of the last user message (content may also be a plain string). */
#include "tests/backend/request.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/xalloc.h"

Request *request_error(int status, const char *code, const char *param, const char *message)
{
    Request *r = xcalloc(1, sizeof *r);
    r->kind = REQ_ERROR;
    r->err_status = status;
    r->err_code = code;
    r->err_param = param;
    r->err_message = xstrdup(message);
    r->max_output_tokens = -1;
    return r;
}

void request_free(Request *req)
{
    if (!req)
        return;
    free(req->err_message);
    free(req->model);
    free(req->instructions);
    free(req->prev_id);
    free(req->stream_id);
    free(req->question);
    free(req);
}

/* Copies s into a log field: printable ASCII only, so a hostile id cannot forge log lines. */
static void log_field(char *dst, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        dst[n++] = (*s > 0x20 && *s < 0x7f) ? *s : '?';
    dst[n] = '\0';
    if (n == 0 && cap > 1)
        strcpy(dst, "-");
}

static bool stream_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 256)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* Walks the input items; remembers the last user text and counts all text bytes. */
static void scan_input(const cJSON *input, const char **question, size_t *text_bytes)
{
    if (cJSON_IsString(input)) {
        *question = input->valuestring;
        *text_bytes += strlen(input->valuestring);
        return;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, input) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(item, "role");
        bool user = !cJSON_IsString(role) || strcmp(role->valuestring, "user") == 0;
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(item, "content");
        if (cJSON_IsString(content)) {
            *text_bytes += strlen(content->valuestring);
            if (user)
                *question = content->valuestring;
            continue;
        }
        const cJSON *part;
        cJSON_ArrayForEach(part, content) {
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
            if (!cJSON_IsString(text))
                continue;
            *text_bytes += strlen(text->valuestring);
            const cJSON *ptype = cJSON_GetObjectItemCaseSensitive(part, "type");
            if (user && cJSON_IsString(ptype) && strcmp(ptype->valuestring, "input_text") == 0)
                *question = text->valuestring;
        }
        /* function_call_output and similar items carry "output" text. */
        const cJSON *output = cJSON_GetObjectItemCaseSensitive(item, "output");
        if (cJSON_IsString(output))
            *text_bytes += strlen(output->valuestring);
    }
}

static Request *invalid_type(const char *param, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "Invalid type for '%s': expected %s.", param, what);
    return request_error(400, "invalid_type", param, msg);
}

static Request *missing(const char *param)
{
    char msg[160];
    snprintf(msg, sizeof msg, "Missing required parameter: '%s'.", param);
    return request_error(400, "missing_required_parameter", param, msg);
}

/* max_output_tokens is an integer (the schema's "type: integer"): a JSON number with no
 * fractional part in [1, INT_MAX]. The range is checked on the double before any conversion,
 * since converting 1e300 (or inf, which cJSON makes of 1e400) to an integer type is undefined
 * behaviour (C11 6.3.1.4); inside the range the cast truncates, so comparing it back is the
 * floor() test without libm. cJSON has no integer type of its own: 16.0 and 1.6e1 count as
 * 16, as they do for a JSON Schema "integer". */
static bool max_tokens_ok(const cJSON *v)
{
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    return d >= 1 && d <= (double)INT_MAX && (double)(int)d == d;
}

/* Validates a response.create and builds the Request (a REQ_ERROR if invalid). */
static Request *parse_create(const cJSON *root)
{
    const cJSON *stream_id = cJSON_GetObjectItemCaseSensitive(root, "stream_id");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    const cJSON *instr = cJSON_GetObjectItemCaseSensitive(root, "instructions");
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(root, "previous_response_id");
    const cJSON *maxtok = cJSON_GetObjectItemCaseSensitive(root, "max_output_tokens");
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(root, "generate");
    const cJSON *background = cJSON_GetObjectItemCaseSensitive(root, "background");
    Request *err = NULL;

    if (stream_id && !(cJSON_IsString(stream_id) && stream_id_ok(stream_id->valuestring)))
        err = request_error(400, "invalid_stream_id", "stream_id",
                            "Invalid 'stream_id': expected 1-256 characters from "
                            "[A-Za-z0-9_.-].");
    else if (!model || cJSON_IsNull(model))
        err = missing("model");
    else if (!cJSON_IsString(model) || !*model->valuestring)
        err = invalid_type("model", "a non-empty string");
    else if (!input || cJSON_IsNull(input))
        err = missing("input");
    else if (!cJSON_IsString(input) && !cJSON_IsArray(input))
        err = invalid_type("input", "a string or an array of input items");
    else if (instr && !cJSON_IsString(instr) && !cJSON_IsNull(instr))
        err = invalid_type("instructions", "a string or null");
    else if (prev && !cJSON_IsString(prev) && !cJSON_IsNull(prev))
        err = invalid_type("previous_response_id", "a string or null");
    else if (maxtok && !cJSON_IsNull(maxtok) && !max_tokens_ok(maxtok))
        err = invalid_type("max_output_tokens", "a positive integer or null");
    else if (cJSON_IsTrue(background))
        err = request_error(400, "unsupported_parameter", "background",
                            "'background' is not supported in WebSocket mode.");
    if (err) {
        if (cJSON_IsString(stream_id) && stream_id_ok(stream_id->valuestring))
            err->stream_id = xstrdup(stream_id->valuestring);
        /* Kept so that the connection can evict the id it names (PROTOCOL.md 1.5). */
        if (cJSON_IsString(prev))
            err->prev_id = xstrdup(prev->valuestring);
        return err;
    }

    Request *r = xcalloc(1, sizeof *r);
    r->kind = REQ_CREATE;
    r->model = xstrdup(model->valuestring);
    r->instructions = cJSON_IsString(instr) ? xstrdup(instr->valuestring) : NULL;
    r->prev_id = cJSON_IsString(prev) ? xstrdup(prev->valuestring) : NULL;
    r->stream_id = cJSON_IsString(stream_id) ? xstrdup(stream_id->valuestring) : NULL;
    r->max_output_tokens = cJSON_IsNumber(maxtok) ? (long)maxtok->valuedouble : -1; /* checked */
    r->generate = !cJSON_IsFalse(gen);
    const char *question = "";
    size_t text_bytes = r->instructions ? strlen(r->instructions) : 0;
    scan_input(input, &question, &text_bytes);
    r->question = xstrdup(question);
    r->question_len = strlen(question);
    r->input_tokens = (long)(text_bytes + 3) / 4 + 1;
    return r;
}

void request_parse(const char *data, size_t len, bool binary, Incoming *out)
{
    memset(out, 0, sizeof *out);
    strcpy(out->prev, "-");
    if (binary) {
        strcpy(out->type, "binary");
        out->req = request_error(400, "invalid_message", NULL,
                                 "Binary frames are not supported: send each event as a JSON "
                                 "text message.");
        return;
    }
    cJSON *root = cJSON_ParseWithLength(data, len);
    if (!root) {
        strcpy(out->type, "invalid");
        out->req = request_error(400, "invalid_json", NULL,
                                 "The message is not valid JSON.");
        return;
    }
    out->dump = cJSON_PrintUnformatted(root);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(root, "previous_response_id");
    if (cJSON_IsString(prev))
        log_field(out->prev, sizeof out->prev, prev->valuestring);
    if (!cJSON_IsObject(root)) {
        strcpy(out->type, "invalid");
        out->req = request_error(400, "invalid_json", NULL,
                                 "Expected a JSON object with a 'type' field.");
    } else if (!cJSON_IsString(type)) {
        strcpy(out->type, "-");
        out->req = missing("type");
    } else {
        log_field(out->type, sizeof out->type, type->valuestring);
        if (strcmp(type->valuestring, "response.create") == 0)
            out->req = parse_create(root);
        /* any other type, response.steer included: ignored (see request.h) */
    }
    cJSON_Delete(root);
}
