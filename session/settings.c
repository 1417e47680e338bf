/* Settings: config.json (JSON with comments) -> typed values.
 *
 * The file is read whole (capped at SETTINGS_MAX_FILE), then copied and cleaned in place:
 * comments and trailing commas become spaces, newlines stay. Every byte keeps its offset, so
 * cJSON's error position and the places of keys map back to the user's own line numbers
 * (cJSON_Minify would also strip whitespace and lose them). cJSON keeps no positions, so a
 * key's line is found by searching the cleaned text for `"key"` followed by `:` from the line
 * of the object that holds it: exact for keys written once, the first place otherwise.
 *
 * Parsing works on a fresh Settings and moves it into the caller's only when the whole file
 * is valid (error tier 3: parsers commit on success). */
#include "session/settings.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define SETTINGS_MAX_FILE (1u << 20)

typedef struct Parse {
    Settings *s;
    const char *path;
    const char *text; /* cleaned */
    size_t len;
    ErrorBuf *err;
} Parse;

void settings_init(Settings *s)
{
    memset(s, 0, sizeof *s);
    s->tab_width = SETTINGS_TAB_WIDTH;
    s->osc52 = true;
    s->mouse = true;
    s->editorconfig = true;
    s->window_tokens = SETTINGS_WINDOW_TOKENS;
    s->warmup = true;
}

static void provider_clear(SettingsProvider *p)
{
    free(p->name);
    free(p->base_url);
    free(p->api);
    free(p->model);
    free(p->key_env);
    free(p->key_file);
    for (size_t i = 0; i < p->n_headers; i++) {
        free(p->headers[i].name);
        free(p->headers[i].value);
    }
    free(p->headers);
}

void settings_clear(Settings *s)
{
    free(s->path);
    free(s->theme);
    free(s->provider);
    for (size_t i = 0; i < s->n_bindings; i++) {
        free(s->bindings[i].mode);
        free(s->bindings[i].key);
        free(s->bindings[i].command);
    }
    free(s->bindings);
    for (size_t i = 0; i < s->n_providers; i++)
        provider_clear(&s->providers[i]);
    free(s->providers);
    for (size_t i = 0; i < s->n_warnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    settings_init(s);
}

bool settings_default_path(char *out, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(out, size, "%s/flint/config.json", xdg);
    else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return false;
        n = snprintf(out, size, "%s/.config/flint/config.json", home);
    }
    return n > 0 && (size_t)n < size;
}

/* --- comments and trailing commas -------------------------------------------------------- */

/* If t[i] opens a JSON string, the index of its closing quote (or len when it never closes);
 * otherwise i. Both cleaning passes skip strings with it: "//" in a URL is not a comment. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
    if (t[i] != '"')
        return i;
    for (i++; i < len && t[i] != '"'; i++)
        if (t[i] == '\\' && i + 1 < len)
            i++;
    return i;
}

/* Blanks comments; returns false (with the offset) on an unterminated block comment. */
static bool strip_comments(char *t, size_t len, size_t *bad_off)
{
    for (size_t i = 0; i < len; i++) {
        i = skip_string(t, len, i);
        if (i >= len)
            break;
        if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
            for (; i < len && t[i] != '\n'; i++)
                t[i] = ' ';
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
            size_t start = i;
            t[i] = t[i + 1] = ' ';
            for (i += 2; i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'); i++)
                if (t[i] != '\n')
                    t[i] = ' ';
            if (i + 1 >= len) {
                *bad_off = start;
                return false;
            }
            t[i] = t[i + 1] = ' ';
            i++;
        }
    }
    return true;
}

/* A comma followed only by blanks and then } or ] becomes a blank (what editors' settings
 * files allow and RFC 8259 does not). */
static void strip_trailing_commas(char *t, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        i = skip_string(t, len, i);
        if (i >= len || t[i] != ',')
            continue;
        size_t j = i + 1;
        while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
            j++;
        if (j < len && (t[j] == '}' || t[j] == ']'))
            t[i] = ' ';
    }
}

/* --- positions ------------------------------------------------------------------------------ */

static int line_at(const char *t, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (t[i] == '\n')
            line++;
    return line;
}

/* Offset of `"key"` followed by optional blanks and ':' at or after from; from if none. */
static size_t key_offset(const Parse *p, size_t from, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = from; i + klen + 2 <= p->len; i++) {
        if (p->text[i] != '"' || memcmp(p->text + i + 1, key, klen) != 0 || p->text[i + 1 + klen] != '"')
            continue;
        size_t j = i + klen + 2;
        while (j < p->len && (p->text[j] == ' ' || p->text[j] == '\t' || p->text[j] == '\n' || p->text[j] == '\r'))
            j++;
        if (j < p->len && p->text[j] == ':')
            return i;
    }
    return from;
}

static bool fail_at(const Parse *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail_at(const Parse *p, size_t off, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(p->err, "%s:%d: %s", p->path, line_at(p->text, off), msg);
}

static void warn_at(const Parse *p, size_t off, const char *what, const char *name)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s:%d: unknown %s '%s' (ignored)", p->path, line_at(p->text, off),
             what, name);
    Settings *s = p->s;
    s->warnings = xrealloc(s->warnings, (s->n_warnings + 1) * sizeof *s->warnings);
    s->warnings[s->n_warnings++] = xstrdup(buf);
}

/* --- typed values ------------------------------------------------------------------------- */

static bool get_string(const Parse *p, size_t off, const cJSON *v, const char *name, char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return fail_at(p, off, "%s must be a string", name);
    free(*out);
    *out = xstrdup(v->valuestring);
    return true;
}

static bool get_int(const Parse *p, size_t off, const cJSON *v, const char *name, int lo, int hi,
                    int *out)
{
    char range[64];
    snprintf(range, sizeof range, "%d to %d", lo, hi);
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble || v->valuedouble < lo ||
        v->valuedouble > hi)
        return fail_at(p, off, "%s must be a whole number from %s", name, range);
    *out = (int)v->valuedouble;
    return true;
}

static bool get_bool(const Parse *p, size_t off, const cJSON *v, const char *name, bool *out)
{
    if (!cJSON_IsBool(v))
        return fail_at(p, off, "%s must be true or false", name);
    *out = cJSON_IsTrue(v);
    return true;
}

/* --- sections ------------------------------------------------------------------------------ */

/* The editor's plain true/false settings, by name (NULL: not one of them). */
static bool *editor_bool(Settings *s, const char *name)
{
    if (strcmp(name, "osc52") == 0)
        return &s->osc52;
    if (strcmp(name, "mouse") == 0)
        return &s->mouse;
    if (strcmp(name, "soft_wrap") == 0)
        return &s->soft_wrap;
    if (strcmp(name, "answer_code_scroll") == 0)
        return &s->answer_code_scroll;
    if (strcmp(name, "trim_trailing_whitespace") == 0)
        return &s->trim_trailing_whitespace;
    if (strcmp(name, "insert_final_newline") == 0)
        return &s->insert_final_newline;
    if (strcmp(name, "editorconfig") == 0)
        return &s->editorconfig;
    return NULL;
}

static bool parse_editor(const Parse *p, size_t off, const cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "editor must be an object");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        if (strcmp(v->string, "tab_width") == 0) {
            if (!get_int(p, at, v, "editor.tab_width", 1, SETTINGS_TAB_MAX, &p->s->tab_width))
                return false;
        } else if (strcmp(v->string, "expand_tabs") == 0) {
            if (!get_bool(p, at, v, "editor.expand_tabs", &p->s->expand_tabs))
                return false;
        } else if (editor_bool(p->s, v->string)) {
            char name[64];
            snprintf(name, sizeof name, "editor.%s", v->string);
            if (!get_bool(p, at, v, name, editor_bool(p->s, v->string)))
                return false;
        } else {
            warn_at(p, at, "setting", v->string);
        }
    }
    return true;
}

static bool parse_terminal(const Parse *p, size_t off, const cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "terminal must be an object");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        if (strcmp(v->string, "esc_timeout_ms") == 0) {
            if (!get_int(p, at, v, "terminal.esc_timeout_ms", 0, SETTINGS_ESC_TIMEOUT_MAX,
                         &p->s->esc_timeout_ms))
                return false;
        } else if (strcmp(v->string, "slow") == 0) {
            if (!get_bool(p, at, v, "terminal.slow", &p->s->slow))
                return false;
        } else {
            warn_at(p, at, "setting", v->string);
        }
    }
    return true;
}

/* "context": { "window_tokens": 128000, "warmup": true } */
static bool parse_context(const Parse *p, size_t off, const cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "context must be an object");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        if (strcmp(v->string, "window_tokens") == 0) {
            if (!get_int(p, at, v, "context.window_tokens", 1024, 100000000,
                         &p->s->window_tokens))
                return false;
        } else if (strcmp(v->string, "warmup") == 0) {
            if (!get_bool(p, at, v, "context.warmup", &p->s->warmup))
                return false;
        } else {
            warn_at(p, at, "setting", v->string);
        }
    }
    return true;
}

static void add_binding(Settings *s, const char *mode, const char *key, const char *cmd, int line)
{
    s->bindings = xrealloc(s->bindings, (s->n_bindings + 1) * sizeof *s->bindings);
    s->bindings[s->n_bindings++] = (SettingsBinding){
        .mode = xstrdup(mode), .key = xstrdup(key), .command = xstrdup(cmd), .line = line};
}

static bool parse_keys(const Parse *p, size_t off, const cJSON *obj, const char *mode)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "keys%s%s must be an object", mode ? "." : "", mode ? mode : "");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        if (cJSON_IsObject(v) && !mode) {
            if (!parse_keys(p, at, v, v->string))
                return false;
        } else if (cJSON_IsString(v) && v->valuestring[0] && v->string[0]) {
            add_binding(p->s, mode ? mode : "edit", v->string, v->valuestring, line_at(p->text, at));
        } else {
            return fail_at(p, at, "keys: '%s' must name a command (a string)%s", v->string,
                           mode ? "" : ", or be an object of a mode's bindings");
        }
    }
    return true;
}

static bool parse_provider(const Parse *p, size_t off, const cJSON *obj, SettingsProvider *pv)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "providers.%s must be an object", obj->string);
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        const char *k = v->string;
        bool ok = true;
        if (strcmp(k, "base_url") == 0)
            ok = get_string(p, at, v, "base_url", &pv->base_url);
        else if (strcmp(k, "api") == 0) {
            ok = get_string(p, at, v, "api", &pv->api);
            if (ok && strcmp(pv->api, "responses") != 0 && strcmp(pv->api, "chat") != 0)
                return fail_at(p, at, "api must be \"responses\" or \"chat\", not \"%s\"", pv->api);
        } else if (strcmp(k, "model") == 0)
            ok = get_string(p, at, v, "model", &pv->model);
        else if (strcmp(k, "key_env") == 0)
            ok = get_string(p, at, v, "key_env", &pv->key_env);
        else if (strcmp(k, "key_file") == 0)
            ok = get_string(p, at, v, "key_file", &pv->key_file);
        else if (strcmp(k, "lifetime") == 0)
            ok = get_int(p, at, v, "lifetime (seconds)", 0, 24 * 3600, &pv->lifetime_s);
        else if (strcmp(k, "insecure") == 0)
            ok = get_bool(p, at, v, "insecure", &pv->insecure);
        else if (strcmp(k, "headers") == 0) {
            if (!cJSON_IsObject(v))
                return fail_at(p, at, "headers must be an object of strings");
            for (const cJSON *h = v->child; h; h = h->next) {
                size_t hat = key_offset(p, at, h->string);
                if (!cJSON_IsString(h) || strpbrk(h->valuestring, "\r\n") || strpbrk(h->string, "\r\n: "))
                    return fail_at(p, hat, "header '%s' must be a one-line string", h->string);
                pv->headers = xrealloc(pv->headers, (pv->n_headers + 1) * sizeof *pv->headers);
                pv->headers[pv->n_headers++] =
                    (SettingsHeader){xstrdup(h->string), xstrdup(h->valuestring)};
            }
        } else
            warn_at(p, at, "provider setting", k);
        if (!ok)
            return false;
    }
    return true;
}

static bool parse_providers(const Parse *p, size_t off, const cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, off, "providers must be an object (name -> settings)");
    for (const cJSON *v = obj->child; v; v = v->next) {
        size_t at = key_offset(p, off, v->string);
        Settings *s = p->s;
        s->providers = xrealloc(s->providers, (s->n_providers + 1) * sizeof *s->providers);
        SettingsProvider *pv = &s->providers[s->n_providers++];
        *pv = (SettingsProvider){.name = xstrdup(v->string), .line = line_at(p->text, at)};
        if (!parse_provider(p, at, v, pv))
            return false;
    }
    return true;
}

static bool parse_root(const Parse *p, const cJSON *root)
{
    if (!cJSON_IsObject(root))
        return fail_at(p, 0, "the settings must be one JSON object { ... }");
    for (const cJSON *v = root->child; v; v = v->next) {
        size_t at = key_offset(p, 0, v->string);
        const char *k = v->string;
        bool ok = true;
        if (strcmp(k, "theme") == 0)
            ok = get_string(p, at, v, "theme", &p->s->theme);
        else if (strcmp(k, "provider") == 0)
            ok = get_string(p, at, v, "provider", &p->s->provider);
        else if (strcmp(k, "editor") == 0)
            ok = parse_editor(p, at, v);
        else if (strcmp(k, "terminal") == 0)
            ok = parse_terminal(p, at, v);
        else if (strcmp(k, "keys") == 0)
            ok = parse_keys(p, at, v, NULL);
        else if (strcmp(k, "context") == 0)
            ok = parse_context(p, at, v);
        else if (strcmp(k, "providers") == 0)
            ok = parse_providers(p, at, v);
        else
            warn_at(p, at, "setting", k);
        if (!ok)
            return false;
    }
    return true;
}

bool settings_parse(Settings *s, const char *path, const char *text, size_t len, ErrorBuf *err)
{
    char *t = xmalloc(len + 1);
    if (len)
        memcpy(t, text, len);
    t[len] = '\0';
    Settings fresh;
    settings_init(&fresh);
    Parse p = {.s = &fresh, .path = path, .text = t, .len = len, .err = err};
    bool ok = false;
    size_t bad;
    if (memchr(t, '\0', len)) {
        error_set(err, "%s:%d: a NUL byte: not a text file", path,
                  line_at(t, (size_t)((char *)memchr(t, '\0', len) - t)));
    } else if (!strip_comments(t, len, &bad)) {
        error_set(err, "%s:%d: a comment that never ends (/* without */)", path, line_at(t, bad));
    } else {
        strip_trailing_commas(t, len);
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithLengthOpts(t, len, &end, false);
        if (!root) {
            size_t off = end && end >= t && end <= t + len ? (size_t)(end - t) : 0;
            error_set(err, "%s:%d: not valid JSON near '%.20s'", path, line_at(t, off),
                      off < len ? t + off : "end of file");
        } else {
            ok = parse_root(&p, root);
            cJSON_Delete(root);
        }
    }
    free(t);
    if (!ok) {
        settings_clear(&fresh);
        return false;
    }
    fresh.path = xstrdup(path);
    settings_clear(s);
    *s = fresh;
    return true;
}

bool settings_load(Settings *s, const char *path, bool missing_ok, ErrorBuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT && missing_ok)
            return true;
        return error_errno(err, "%s", path);
    }
    char *buf = xmalloc(SETTINGS_MAX_FILE + 1);
    size_t n = fread(buf, 1, SETTINGS_MAX_FILE + 1, f);
    bool rerr = ferror(f);
    fclose(f);
    bool ok;
    if (rerr)
        ok = error_set(err, "%s: cannot read it", path);
    else if (n > SETTINGS_MAX_FILE)
        ok = error_set(err, "%s: over %u bytes: not a settings file", path, SETTINGS_MAX_FILE);
    else
        ok = settings_parse(s, path, buf, n, err);
    free(buf);
    return ok;
}

/* --- printing ------------------------------------------------------------------------------ */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}

void settings_print(const Settings *s, StrBuf *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "theme", s->theme ? s->theme : "default");
    add_str(root, "provider", s->provider);
    cJSON *ed = cJSON_AddObjectToObject(root, "editor");
    cJSON_AddNumberToObject(ed, "tab_width", s->tab_width);
    cJSON_AddBoolToObject(ed, "expand_tabs", s->expand_tabs);
    cJSON_AddBoolToObject(ed, "trim_trailing_whitespace", s->trim_trailing_whitespace);
    cJSON_AddBoolToObject(ed, "insert_final_newline", s->insert_final_newline);
    cJSON_AddBoolToObject(ed, "soft_wrap", s->soft_wrap);
    cJSON_AddBoolToObject(ed, "answer_code_scroll", s->answer_code_scroll);
    cJSON_AddBoolToObject(ed, "editorconfig", s->editorconfig);
    cJSON_AddBoolToObject(ed, "osc52", s->osc52);
    cJSON_AddBoolToObject(ed, "mouse", s->mouse);
    cJSON *term = cJSON_AddObjectToObject(root, "terminal");
    cJSON_AddNumberToObject(term, "esc_timeout_ms", s->esc_timeout_ms);
    cJSON_AddBoolToObject(term, "slow", s->slow);
    cJSON *cx = cJSON_AddObjectToObject(root, "context");
    cJSON_AddNumberToObject(cx, "window_tokens", s->window_tokens);
    cJSON_AddBoolToObject(cx, "warmup", s->warmup);
    cJSON *keys = cJSON_AddObjectToObject(root, "keys");
    for (size_t i = 0; i < s->n_bindings; i++) {
        const SettingsBinding *b = &s->bindings[i];
        cJSON *mode = cJSON_GetObjectItemCaseSensitive(keys, b->mode);
        if (!mode)
            mode = cJSON_AddObjectToObject(keys, b->mode);
        cJSON_DeleteItemFromObjectCaseSensitive(mode, b->key);
        cJSON_AddStringToObject(mode, b->key, b->command);
    }
    cJSON *provs = cJSON_AddObjectToObject(root, "providers");
    for (size_t i = 0; i < s->n_providers; i++) {
        const SettingsProvider *pv = &s->providers[i];
        cJSON_DeleteItemFromObjectCaseSensitive(provs, pv->name);
        cJSON *o = cJSON_AddObjectToObject(provs, pv->name);
        add_str(o, "base_url", pv->base_url);
        add_str(o, "api", pv->api);
        add_str(o, "model", pv->model);
        add_str(o, "key_env", pv->key_env);
        add_str(o, "key_file", pv->key_file);
        if (pv->lifetime_s)
            cJSON_AddNumberToObject(o, "lifetime", pv->lifetime_s);
        if (pv->insecure)
            cJSON_AddBoolToObject(o, "insecure", true);
        if (pv->n_headers) {
            /* Header values may be credentials: shown by name only. */
            cJSON *h = cJSON_AddObjectToObject(o, "headers");
            for (size_t j = 0; j < pv->n_headers; j++)
                cJSON_AddStringToObject(h, pv->headers[j].name, "(set)");
        }
    }
    char *txt = cJSON_Print(root);
    sb_puts(out, txt);
    sb_putc(out, '\n');
    cJSON_free(txt);
    cJSON_Delete(root);
}
