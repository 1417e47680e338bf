/* Providers: the named backends flint knows (built in, plus the settings file's `providers`),
 * and the choice of one from the command line, the settings and the environment.
 *
 *   built in   openai (wss://api.openai.com/v1, responses), xai (wss://api.x.ai/v1,
 *              responses), cerebras (https://api.cerebras.ai/v1, chat), ollama, llamacpp,
 *              vllm (their default local ports, chat, no key)
 *   settings   `providers` adds a provider or overrides fields of a built-in one by name;
 *              `provider` names the default
 *   choice     --provider NAME, else the settings' provider; --url, --api, --model override
 *              its fields. With neither, the old rules: FLINT_API_KEY or OPENAI_API_KEY ->
 *              openai (or --url's server), no key and no URL -> the demo
 *   keys       from the provider's key_env, or its key_file: a regular file (not a link),
 *              owned by the user, mode 0600 or stricter. A key is never logged or shown:
 *              listings name the variable or the file and say whether it is set.
 *
 * Pure logic apart from getenv and the key file's read, so that the rules are unit-tested. */
#ifndef FLINT_APP_PROVIDERS_H
#define FLINT_APP_PROVIDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app_api.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "session/settings.h"

typedef struct Provider {
    const char *name;       /* all strings borrowed: static built-ins or the Settings' */
    const char *base_url;
    AppApi api;
    const char *model;
    const char *key_env;    /* NULL: none */
    const char *key_file;   /* NULL: none */
    const SettingsHeader *headers;
    size_t n_headers;
    int lifetime_s;         /* 0: the default */
    bool insecure;          /* "insecure": true: the key may go over plain text to a host that
                             * is not loopback (as --insecure) */
} Provider;

typedef struct Providers {
    Provider *v;
    size_t n;
} Providers;

/* The built-ins overridden and extended by s (NULL: the built-ins only). The Settings must
 * outlive the list. A settings provider without a base_url that names no built-in one is
 * skipped with a "PATH:LINE: ..." line in warn (when non-NULL). */
void providers_init(Providers *p, const Settings *s, StrBuf *warn);
void providers_free(Providers *p);
const Provider *providers_find(const Providers *p, const char *name);
/* "openai, xai, ..." for messages. */
void providers_names(const Providers *p, StrBuf *out);

/* The provider's key: true with *key (malloc'd, trimmed; NULL when none is set or the
 * provider has no key source); false with a message naming the file (and its mode) when the
 * key file is refused. */
bool provider_key(const Provider *p, char **key, ErrorBuf *err);
/* Where the key comes from ("$CEREBRAS_API_KEY", "file ~/.k", "none") and whether it is set;
 * never the key. */
void provider_key_source(const Provider *p, char *out, size_t size, bool *set);

/* flint --list-providers: one line per provider (name, api, base URL, model, key source). */
void providers_list(const Providers *p, StrBuf *out);

/* The command line's say. NULL: not given. */
typedef struct ProviderFlags {
    const char *provider;
    const char *url;
    const char *api;        /* "responses" or "chat" */
    const char *model;
    bool demo;
} ProviderFlags;

typedef struct ProviderChoice {
    const Provider *provider; /* NULL: none chosen (--url alone, or the demo) */
    const char *url;          /* NULL: the demo */
    AppApi api;
    const char *model;
    char *api_key;            /* owned; NULL: none */
    bool demo;
} ProviderChoice;

/* Applies the rules above. default_name is the settings' provider (or NULL). False with the
 * reason in err (the caller exits 2): an unknown name (the message lists the names), a key
 * file refused, --demo with --url or --provider, chat over https:// (the SSE transport cannot
 * do TLS yet). warn gets a line for a provider that needs a key that is not set. */
bool providers_resolve(const Providers *p, const char *default_name, const ProviderFlags *f,
                       ProviderChoice *out, StrBuf *warn, ErrorBuf *err);
void provider_choice_clear(ProviderChoice *c);

#endif
