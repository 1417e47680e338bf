/* WireModels (see wire_models.h): cJSON over a copy of the bytes (cJSON wants a string);
 * ids collected, then sorted and de-duplicated. */
#include "session/wire_models.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > WIRE_MODEL_ID_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static int cmp_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The error document's message, when it is one. */
static bool error_doc(const cJSON *root, ErrorBuf *err)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (!e)
        return false;
    const cJSON *msg = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
    if (cJSON_IsString(msg) && msg->valuestring[0])
        error_set(err, "the server said: %.200s", msg->valuestring);
    else
        error_set(err, "the server answered with an error");
    return true;
}

bool wire_models_parse(const char *json, size_t len, WireModels *out, ErrorBuf *err)
{
    *out = (WireModels){0};
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return error_set(err, "the model list is not JSON");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "data");
    const char *key = "id";
    if (!cJSON_IsArray(list)) {
        list = cJSON_GetObjectItemCaseSensitive(root, "models"); /* Ollama's /api/tags */
        key = "name";
    }
    if (!cJSON_IsArray(list)) {
        if (!error_doc(root, err))
            error_set(err, "the answer holds no model list");
        cJSON_Delete(root);
        return false;
    }
    size_t cap = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        if (out->n >= WIRE_MODELS_MAX)
            break;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, key);
        if (!cJSON_IsString(id) && strcmp(key, "name") == 0)
            id = cJSON_GetObjectItemCaseSensitive(item, "model");
        if (!cJSON_IsString(id) || !id_ok(id->valuestring))
            continue;
        out->ids = xgrow(out->ids, &cap, out->n + 1, sizeof *out->ids);
        out->ids[out->n++] = xstrdup(id->valuestring);
    }
    cJSON_Delete(root);
    if (out->n > 1) {
        qsort(out->ids, out->n, sizeof *out->ids, cmp_ids);
        size_t w = 1;
        for (size_t r = 1; r < out->n; r++) {
            if (strcmp(out->ids[r], out->ids[w - 1]) == 0)
                free(out->ids[r]);
            else
                out->ids[w++] = out->ids[r];
        }
        out->n = w;
    }
    return true;
}

void wire_models_free(WireModels *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->ids[i]);
    free(m->ids);
    *m = (WireModels){0};
}
