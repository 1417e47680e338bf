/* Providers: the built-in table, the settings' overrides, the choice of one, and its key.
 *
 * The list is built once at start: the built-ins first (in a fixed order, so that
 * --list-providers reads the same everywhere), then each settings provider either patches
 * the built-in of its name field by field or is appended. Strings are borrowed (static or the
 * Settings'), so the list costs no copies and cannot outlive what it points at.
 *
 * Keys are read late (only the chosen provider's) and checked hard: a key file that another
 * user could read or replace (group/other bits, not ours, a symlink, not a regular file) is
 * refused with the file's name and mode rather than used, because using it would quietly
 * teach the user that such a file is fine. The key itself never reaches a message. */
#include "app/providers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdio.h"
#include "core/xalloc.h"
#include "session/session.h"

#define KEY_FILE_MAX 4096

static const Provider BUILTINS[] = {
    {.name = "openai", .base_url = "wss://api.openai.com/v1", .api = APP_API_RESPONSES,
     .model = SESSION_DEFAULT_MODEL, .key_env = "OPENAI_API_KEY"},
    /* PROTOCOL.md 2: xAI's WebSocket mode and the model its examples name. */
    {.name = "xai", .base_url = "wss://api.x.ai/v1", .api = APP_API_RESPONSES,
     .model = "grok-4.20-reasoning", .key_env = "XAI_API_KEY"},
    /* PROTOCOL.md 3: a model in Cerebras' public list (its catalogue changes quickly). */
    {.name = "cerebras", .base_url = "https://api.cerebras.ai/v1", .api = APP_API_CHAT,
     .model = "gpt-oss-120b", .key_env = "CEREBRAS_API_KEY"},
    /* Local servers: they serve whatever model they were started with; the names are the
     * usual ones, and --model or the settings say otherwise. */
    {.name = "ollama", .base_url = "http://127.0.0.1:11434/v1", .api = APP_API_CHAT,
     .model = "qwen2.5-coder"},
    {.name = "llamacpp", .base_url = "http://127.0.0.1:8080/v1", .api = APP_API_CHAT,
     .model = "default"},
    {.name = "vllm", .base_url = "http://127.0.0.1:8000/v1", .api = APP_API_CHAT,
     .model = "default"},
};
#define N_BUILTINS (sizeof BUILTINS / sizeof BUILTINS[0])

static const char *api_name(AppApi api)
{
    return api == APP_API_CHAT ? "chat" : "responses";
}

static Provider *find_mut(Providers *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

void providers_init(Providers *p, const Settings *s, StrBuf *warn)
{
    size_t cap = N_BUILTINS + (s ? s->n_providers : 0);
    p->v = xmalloc(cap * sizeof *p->v);
    p->n = N_BUILTINS;
    memcpy(p->v, BUILTINS, sizeof BUILTINS);
    for (size_t i = 0; s && i < s->n_providers; i++) {
        const SettingsProvider *sp = &s->providers[i];
        Provider *v = find_mut(p, sp->name);
        if (!v) {
            if (!sp->base_url) {
                /* A new provider needs somewhere to connect to; a typo of a built-in's name
                 * lands here too, and is told rather than guessed at. */
                if (warn)
                    sb_printf(warn, "%s:%d: provider '%s' has no base_url (and is not a "
                                    "built-in one); skipped\n",
                              s->path ? s->path : "config.json", sp->line, sp->name);
                continue;
            }
            v = &p->v[p->n++];
            *v = (Provider){.name = sp->name, .api = APP_API_RESPONSES,
                            .model = SESSION_DEFAULT_MODEL};
        }
        if (sp->base_url)
            v->base_url = sp->base_url;
        if (sp->api)
            v->api = strcmp(sp->api, "chat") == 0 ? APP_API_CHAT : APP_API_RESPONSES;
        if (sp->model)
            v->model = sp->model;
        /* One key source: naming either replaces the built-in's. */
        if (sp->key_env || sp->key_file) {
            v->key_env = sp->key_env;
            v->key_file = sp->key_file;
        }
        if (sp->n_headers) {
            v->headers = sp->headers;
            v->n_headers = sp->n_headers;
        }
        if (sp->lifetime_s)
            v->lifetime_s = sp->lifetime_s;
        if (sp->insecure)
            v->insecure = true;
    }
}

void providers_free(Providers *p)
{
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

const Provider *providers_find(const Providers *p, const char *name)
{
    return find_mut((Providers *)p, name);
}

void providers_names(const Providers *p, StrBuf *out)
{
    for (size_t i = 0; i < p->n; i++)
        sb_printf(out, "%s%s", i ? ", " : "", p->v[i].name);
}

/* --- keys ---------------------------------------------------------------------------------- */

/* ~/ in a key file's name is the user's home (settings files are written by hand). */
static void expand_home(const char *path, char *out, size_t size)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && path[1] == '/' && home && *home)
        snprintf(out, size, "%s%s", home, path + 1);
    else
        snprintf(out, size, "%s", path);
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    return n ? xstrndup(s, n) : NULL;
}

static bool read_key_file(const char *name, char **key, ErrorBuf *err)
{
    char path[4096];
    expand_home(name, path, sizeof path);
    struct stat st;
    if (lstat(path, &st) != 0)
        return error_errno(err, "key file %s", name);
    if (S_ISLNK(st.st_mode))
        return error_set(err, "key file %s is a symbolic link; flint reads only a regular "
                              "file of mode 0600", name);
    if (!S_ISREG(st.st_mode))
        return error_set(err, "key file %s is not a regular file (mode %04o)", name,
                         (unsigned)(st.st_mode & 07777));
    /* O_NOFOLLOW and the fstat below: the file checked is the file read. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_errno(err, "key file %s", name);
    bool ok = fstat(fd, &st) == 0;
    if (!ok || !S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, "key file %s is not a regular file", name);
    }
    if (st.st_uid != geteuid()) {
        close(fd);
        return error_set(err, "key file %s is owned by uid %u, not by you; refused", name,
                         (unsigned)st.st_uid);
    }
    if (st.st_mode & 077) {
        close(fd);
        return error_set(err, "key file %s has mode %04o: others can read it; "
                              "chmod 600 %s", name, (unsigned)(st.st_mode & 07777), name);
    }
    char buf[KEY_FILE_MAX];
    size_t n = 0;
    if (!fdio_read_upto(fd, buf, sizeof buf, &n)) {
        int e = errno;
        memset(buf, 0, sizeof buf);
        close(fd);
        errno = e;
        return error_errno(err, "key file %s", name);
    }
    close(fd);
    if (n == sizeof buf)
        return error_set(err, "key file %s is larger than %d bytes; not a key", name,
                         KEY_FILE_MAX - 1);
    *key = trimmed(buf, n);
    memset(buf, 0, sizeof buf);
    if (!*key)
        return error_set(err, "key file %s is empty", name);
    return true;
}

bool provider_key(const Provider *p, char **key, ErrorBuf *err)
{
    *key = NULL;
    if (p->key_env) {
        const char *v = getenv(p->key_env);
        if (v && *v) {
            *key = trimmed(v, strlen(v));
            return true;
        }
    }
    if (p->key_file)
        return read_key_file(p->key_file, key, err);
    return true;
}

void provider_key_source(const Provider *p, char *out, size_t size, bool *set)
{
    *set = false;
    if (p->key_env) {
        const char *v = getenv(p->key_env);
        *set = v && *v;
        if (*set || !p->key_file) {
            snprintf(out, size, "$%s", p->key_env);
            return;
        }
    }
    if (p->key_file) {
        char path[4096];
        expand_home(p->key_file, path, sizeof path);
        *set = access(path, R_OK) == 0; /* listed as present; its mode is checked when used */
        snprintf(out, size, "file %s", p->key_file);
        return;
    }
    snprintf(out, size, "none");
}

void providers_list(const Providers *p, StrBuf *out)
{
    sb_printf(out, "%-10s %-9s %-30s %-22s %s\n", "NAME", "API", "BASE URL", "MODEL", "KEY");
    for (size_t i = 0; i < p->n; i++) {
        const Provider *v = &p->v[i];
        char src[300];
        bool set;
        provider_key_source(v, src, sizeof src, &set);
        sb_printf(out, "%-10s %-9s %-30s %-22s %s%s\n", v->name, api_name(v->api), v->base_url,
                  v->model, src,
                  strcmp(src, "none") == 0 ? "" : set ? " (set)" : " (not set)");
    }
}

/* --- the choice ---------------------------------------------------------------------------- */

static bool parse_api(const char *s, AppApi *api, ErrorBuf *err)
{
    if (strcmp(s, "responses") == 0)
        *api = APP_API_RESPONSES;
    else if (strcmp(s, "chat") == 0)
        *api = APP_API_CHAT;
    else
        return error_set(err, "--api wants 'responses' or 'chat', not '%s'", s);
    return true;
}

static bool unknown(const Providers *p, const char *how, const char *name, ErrorBuf *err)
{
    StrBuf names = {0};
    providers_names(p, &names);
    error_set(err, "%s %s: no such provider (known: %s)", how, name, sb_cstr(&names));
    sb_free(&names);
    return false;
}

bool providers_resolve(const Providers *p, const char *default_name, const ProviderFlags *f,
                       ProviderChoice *out, StrBuf *warn, ErrorBuf *err)
{
    *out = (ProviderChoice){.api = APP_API_RESPONSES, .model = SESSION_DEFAULT_MODEL};
    if (f->api && !parse_api(f->api, &out->api, err))
        return false;
    if (f->demo && f->url)
        return error_set(err, "--demo and --url exclude each other");
    if (f->demo && f->provider)
        return error_set(err, "--demo and --provider exclude each other");
    const Provider *pv = NULL;
    if (f->provider) {
        if (!(pv = providers_find(p, f->provider)))
            return unknown(p, "--provider", f->provider, err);
    } else if (default_name && !f->demo && !f->url) {
        /* The settings' default gives way to --url and --demo: they say where to connect. */
        if (!(pv = providers_find(p, default_name)))
            return unknown(p, "settings: provider", default_name, err);
    }
    if (f->model)
        out->model = f->model;
    if (pv) {
        out->provider = pv;
        out->url = f->url ? f->url : pv->base_url;
        if (!f->api)
            out->api = pv->api;
        if (!f->model)
            out->model = pv->model;
        if (!provider_key(pv, &out->api_key, err))
            return false;
        if (!out->api_key && (pv->key_env || pv->key_file) && warn) {
            if (pv->key_env)
                sb_printf(warn, "%s needs %s (no key is set)\n", pv->name, pv->key_env);
            else
                sb_printf(warn, "%s needs its key file %s\n", pv->name, pv->key_file);
        }
    } else {
        /* Today's rules: the generic variables, then OpenAI's. */
        const char *key = getenv("FLINT_API_KEY");
        if (!key || !*key)
            key = getenv("OPENAI_API_KEY");
        out->api_key = key && *key ? trimmed(key, strlen(key)) : NULL;
        out->url = f->url;
        out->demo = f->demo;
        if (!out->demo && !out->url) {
            if (!out->api_key) {
                out->demo = true; /* no account, no network: the offline demo */
            } else if (out->api == APP_API_CHAT) {
                /* no default Chat Completions server: say where */
                provider_choice_clear(out);
                return error_set(err, "--api chat needs --url (e.g. http://127.0.0.1:8080/v1), "
                                      "--provider or --demo");
            } else {
                const Provider *openai = providers_find(p, "openai");
                out->url = openai->base_url;
                if (!f->model)
                    out->model = openai->model;
            }
        }
    }
    if (out->model[0] == '\0') {
        provider_choice_clear(out);
        return error_set(err, "--model needs a name");
    }
    return true;
}

void provider_choice_clear(ProviderChoice *c)
{
    if (c->api_key) {
        memset(c->api_key, 0, strlen(c->api_key));
        free(c->api_key);
    }
    c->api_key = NULL;
}
