/* Settings: the user's config file, $XDG_CONFIG_HOME/flint/config.json (default
 * ~/.config/flint/config.json), parsed into typed values. JSON with comments: // and
 * block comments, and a trailing comma before } or ], as editors' own settings files allow.
 *
 *   {
 *     "theme": "light",                      // a name under themes/ or a path
 *     "editor": { "tab_width": 4, "expand_tabs": false, "osc52": true, "mouse": true,
 *                 "soft_wrap": false, "trim_trailing_whitespace": false,
 *                 "insert_final_newline": false, "editorconfig": true },
 *     "context": { "window_tokens": 128000,  // the model's window: old turns are dropped
 *                  "warmup": true },         // generate:false on each new Responses socket
 *     "keys": { "F2": "ask", "prompt": { "Ctrl-J": "submit" } },
 *     "providers": { "local": { "base_url": "http://127.0.0.1:8080/v1", "api": "chat",
 *                               "model": "qwen", "key_env": "LOCAL_KEY" } }
 *   }
 *
 * `keys` maps a key's name to a command's name; a nested object names a key mode ("edit",
 * "prompt", ...) and holds that mode's bindings; top-level bindings are the editor's. Settings
 * checks only the shape: the app checks key and command names against its command table.
 * `providers` maps a provider's name to its connection settings (the backends use them).
 *
 * Errors (tier 3): settings_load returns false with "PATH:LINE: message" for a file that is
 * not valid JSON or a value of the wrong type; *s then holds the defaults, so flint starts all
 * the same. An unknown key is a warning ("PATH:LINE: unknown setting 'x'"), collected in
 * s->warnings; the rest of the file applies.
 *
 * Ownership: a Settings owns every string in it; settings_clear frees them and leaves the
 * defaults. settings_init/settings_clear on a zeroed Settings are both valid. */
#ifndef FLINT_SESSION_SETTINGS_H
#define FLINT_SESSION_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/strbuf.h"

#define SETTINGS_TAB_WIDTH 4
#define SETTINGS_TAB_MAX 16
#define SETTINGS_ESC_TIMEOUT_MAX 1000
#define SETTINGS_WINDOW_TOKENS 128000

typedef struct SettingsBinding {
    char *mode;     /* "edit" for top-level bindings */
    char *key;      /* as written: "Ctrl-K", "F2", "Alt-x" */
    char *command;  /* as written: "ask" */
    int line;       /* where it was written, for the app's own messages */
} SettingsBinding;

typedef struct SettingsHeader {
    char *name, *value;
} SettingsHeader;

typedef struct SettingsProvider {
    char *name;
    char *base_url;       /* NULL: the built-in one of that name */
    char *api;            /* "responses" or "chat"; NULL: the built-in one's */
    char *model;
    char *key_env;        /* environment variable holding the key */
    char *key_file;       /* file holding the key (must be mode 0600; checked when used) */
    SettingsHeader *headers;
    size_t n_headers;
    int lifetime_s;       /* reconnect a connection older than this between turns; 0: default */
    bool insecure;        /* the key may cross plain http:// or ws:// to a non-loopback host */
    int line;
} SettingsProvider;

typedef struct Settings {
    char *path;           /* the file read, or NULL */
    char *theme;          /* NULL: the default theme */
    int tab_width;        /* 1..SETTINGS_TAB_MAX */
    bool expand_tabs;
    bool trim_trailing_whitespace; /* on save (the file's .editorconfig may say so too) */
    bool insert_final_newline;     /* on save */
    bool soft_wrap;       /* the editor wraps long lines at the pane's width (Alt-Z toggles) */
    bool answer_code_scroll; /* long code lines in answers scroll sideways (w toggles) */
    bool editorconfig;    /* read .editorconfig files (default on) */
    bool osc52;           /* copies also go to the terminal's clipboard (default on) */
    bool mouse;           /* mouse reporting at start (default on; Alt-M toggles) */
    int esc_timeout_ms;   /* terminal.esc_timeout_ms: 0 (default) a lone ESC is Esc at once;
                           * N waits N ms for the rest of a sequence a slow link split */
    bool slow;            /* terminal.slow: fewer frames while an answer streams (as --slow) */
    int window_tokens;    /* context.window_tokens: the model's window (default 128000) */
    bool warmup;          /* context.warmup: a generate:false warm-up on each new Responses
                           * connection (default on) */
    char *provider;       /* the default provider's name, or NULL */
    SettingsBinding *bindings;
    size_t n_bindings;
    SettingsProvider *providers;
    size_t n_providers;
    char **warnings;      /* "PATH:LINE: ..." lines */
    size_t n_warnings;
} Settings;

void settings_init(Settings *s);   /* the defaults */
void settings_clear(Settings *s);  /* frees everything; leaves the defaults */

/* The default path: $XDG_CONFIG_HOME/flint/config.json (an absolute XDG_CONFIG_HOME only),
 * else $HOME/.config/flint/config.json. False when neither is usable. */
bool settings_default_path(char *out, size_t size);

/* Reads path into *s (which must be initialised). A missing file is not an error when
 * missing_ok (the default path); it is for a file the user named (--config). */
bool settings_load(Settings *s, const char *path, bool missing_ok, ErrorBuf *err);
/* The same from memory; path only names the text in messages. */
bool settings_parse(Settings *s, const char *path, const char *text, size_t len, ErrorBuf *err);

/* The effective settings as JSON with the same keys (for flint --print-config). */
void settings_print(const Settings *s, StrBuf *out);

#endif
