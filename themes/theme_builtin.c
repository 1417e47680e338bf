/* Built-in themes (see theme_builtin.h): theme-file text compiled in, parsed on demand. */
#include "themes/theme_builtin.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

typedef struct Builtin {
    const char *name;
    const char *text; /* NULL: theme_default() itself */
} Builtin;

/* One Dark's hues: readable on black and on the usual dark greys. */
static const char dark_text[] =
    "name = dark\n"
    "text = fg:default bg:default\n"
    "gutter = fg:#5c6370\n"
    "gutter-current = fg:#abb2bf bold\n"
    "control = fg:#c678dd bold\n"
    "divider = fg:#5c6370\n"
    "pane-title = fg:#abb2bf bg:#2c313a bold\n"
    "model-text = fg:default\n"
    "model-user = fg:#61afef bold\n"
    "model-note = fg:#7f848e italic\n"
    "model-error = fg:#e06c75 bold\n"
    "model-code = fg:default\n"
    "status = fg:#abb2bf bg:#2c313a\n"
    "status-accent = fg:#282c34 bg:#98c379 bold\n"
    "status-warn = fg:#282c34 bg:#e06c75 bold\n"
    "prompt = fg:default\n"
    "prompt-label = fg:#61afef bold\n"
    "match = fg:#282c34 bg:#e5c07b\n"
    "match-current = fg:#282c34 bg:#98c379 bold\n"
    "syntax-keyword = fg:#c678dd\n"
    "syntax-type = fg:#e5c07b\n"
    "syntax-string = fg:#98c379\n"
    "syntax-comment = fg:#7f848e\n"
    "syntax-number = fg:#d19a66\n"
    "syntax-preproc = fg:#c678dd\n"
    "syntax-function = fg:#61afef\n"
    "syntax-operator = fg:default\n"
    "syntax-constant = fg:#d19a66\n"
    "syntax-escape = fg:#56b6c2\n"
    "syntax-variable = fg:#e06c75\n"
    "syntax-key = fg:#e06c75\n"
    "syntax-heading = fg:#61afef bold underline\n"
    "syntax-emphasis = bold\n"
    "syntax-link = fg:#56b6c2 underline\n"
    "syntax-added = fg:#98c379\n"
    "syntax-removed = fg:#e06c75\n"
    "syntax-hunk = fg:#c678dd bold\n"
    "selection = fg:#dcdfe4 bg:#3e4451\n"
    "diff-add = fg:#98c379 bold\n"
    "diff-remove = fg:#e06c75 dim\n"
    "hunk-stale = fg:#e5c07b italic\n"
    "model-thinking = fg:#5c6370 italic\n"
    "md-heading = fg:#61afef bold\n"
    "md-strong = bold\n"
    "md-emphasis = italic\n"
    "md-code = fg:#98c379\n"
    "md-quote = fg:#7f848e italic\n"
    "md-link = fg:#56b6c2 underline\n"
    "md-url = fg:#5c6370\n"
    "md-table = fg:#5c6370\n"
    "md-mark = fg:#e5c07b\n";

/* Same as themes/light.theme (test_theme_builtin checks). */
static const char light_text[] =
    "name = light\n"
    "text = fg:default bg:default\n"
    "gutter = fg:#8a8a8a\n"
    "gutter-current = fg:#303030 bold\n"
    "control = fg:#af00af bold\n"
    "divider = fg:#bcbcbc\n"
    "pane-title = fg:#1c1c1c bg:#e4e4e4 bold\n"
    "model-text = fg:default\n"
    "model-user = fg:#005f87 bold\n"
    "model-note = fg:#6c6c6c italic\n"
    "model-error = fg:#af0000 bold\n"
    "model-code = fg:default\n"
    "status = fg:#1c1c1c bg:#d0d0d0\n"
    "status-accent = fg:#ffffff bg:#005f87 bold\n"
    "status-warn = fg:#ffffff bg:#af0000 bold\n"
    "prompt = fg:default\n"
    "prompt-label = fg:#005f87 bold\n"
    "match = fg:#1c1c1c bg:#ffd75f\n"
    "match-current = fg:#1c1c1c bg:#87d7ff bold\n"
    "syntax-keyword = fg:#005faf\n"
    "syntax-type = fg:#008787\n"
    "syntax-string = fg:#5f8700\n"
    "syntax-comment = fg:#808080\n"
    "syntax-number = fg:#af005f\n"
    "syntax-preproc = fg:#870087\n"
    "syntax-function = fg:#875f00\n"
    "syntax-operator = fg:default\n"
    "syntax-constant = fg:#af005f\n"
    "syntax-escape = fg:#d70000\n"
    "syntax-variable = fg:#005f87 bold\n"
    "syntax-key = fg:#00005f\n"
    "syntax-heading = fg:#005faf bold underline\n"
    "syntax-emphasis = bold\n"
    "syntax-link = fg:#005f87 underline\n"
    "syntax-added = fg:#008700\n"
    "syntax-removed = fg:#af0000\n"
    "syntax-hunk = fg:#5f00af bold\n"
    "selection = fg:#1c1c1c bg:#afd7ff\n"
    "diff-add = fg:#005f00 bg:#d7ffd7\n"
    "diff-remove = fg:#870000 bg:#ffd7d7\n"
    "hunk-stale = fg:#875f00 italic\n"
    "model-thinking = fg:#8a8a8a italic\n"
    "md-heading = fg:#005f87 bold\n"
    "md-strong = bold\n"
    "md-emphasis = italic\n"
    "md-code = fg:#005f00\n"
    "md-quote = fg:#6c6c6c italic\n"
    "md-link = fg:#0087af underline\n"
    "md-url = fg:#8a8a8a\n"
    "md-table = fg:#8a8a8a\n"
    "md-mark = fg:#875f00\n";

/* Solarized (Ethan Schoonover): the accents are shared, the base tones swap. */
#define SOLARIZED_ACCENTS                                                                    \
    "control = fg:#d33682 bold\n"                                                            \
    "model-user = fg:#268bd2 bold\n"                                                         \
    "model-error = fg:#dc322f bold\n"                                                        \
    "status-accent = fg:#fdf6e3 bg:#859900 bold\n"                                           \
    "status-warn = fg:#fdf6e3 bg:#dc322f bold\n"                                             \
    "prompt-label = fg:#268bd2 bold\n"                                                       \
    "syntax-keyword = fg:#859900\n"                                                          \
    "syntax-type = fg:#b58900\n"                                                             \
    "syntax-string = fg:#2aa198\n"                                                           \
    "syntax-number = fg:#d33682\n"                                                           \
    "syntax-preproc = fg:#cb4b16\n"                                                          \
    "syntax-function = fg:#268bd2\n"                                                         \
    "syntax-constant = fg:#6c71c4\n"                                                         \
    "syntax-escape = fg:#dc322f\n"                                                           \
    "syntax-variable = fg:#268bd2\n"                                                         \
    "syntax-key = fg:#268bd2\n"                                                              \
    "syntax-heading = fg:#cb4b16 bold underline\n"                                           \
    "syntax-emphasis = bold\n"                                                               \
    "syntax-link = fg:#6c71c4 underline\n"                                                   \
    "syntax-added = fg:#859900\n"                                                            \
    "syntax-removed = fg:#dc322f\n"                                                          \
    "syntax-hunk = fg:#6c71c4 bold\n"                                                        \
    "diff-add = fg:#859900 bold\n"                                                           \
    "diff-remove = fg:#dc322f dim\n"                                                         \
    "hunk-stale = fg:#b58900 italic\n"                                                      \
    "md-heading = fg:#268bd2 bold\n"                                                         \
    "md-strong = bold\n"                                                                     \
    "md-emphasis = italic\n"                                                                 \
    "md-code = fg:#859900\n"                                                                 \
    "md-link = fg:#2aa198 underline\n"                                                       \
    "md-mark = fg:#b58900\n"

static const char solarized_dark_text[] =
    "name = solarized-dark\n"
    "text = fg:#839496\n"
    "gutter = fg:#586e75\n"
    "gutter-current = fg:#93a1a1 bold\n"
    "divider = fg:#586e75\n"
    "pane-title = fg:#93a1a1 bg:#073642 bold\n"
    "model-text = fg:#839496\n"
    "model-note = fg:#586e75 italic\n"
    "status = fg:#93a1a1 bg:#073642\n"
    "prompt = fg:#839496\n"
    "match = fg:#002b36 bg:#b58900\n"
    "match-current = fg:#002b36 bg:#2aa198 bold\n"
    "syntax-comment = fg:#586e75\n"
    "syntax-operator = fg:#839496\n"
    "model-code = fg:#839496\n"
    "selection = fg:#fdf6e3 bg:#586e75\n"
    "model-thinking = fg:#586e75 italic\n"
    "md-quote = fg:#586e75 italic\n"
    "md-url = fg:#586e75\n"
    "md-table = fg:#586e75\n" SOLARIZED_ACCENTS;

static const char solarized_light_text[] =
    "name = solarized-light\n"
    "text = fg:#657b83\n"
    "gutter = fg:#93a1a1\n"
    "gutter-current = fg:#586e75 bold\n"
    "divider = fg:#93a1a1\n"
    "pane-title = fg:#586e75 bg:#eee8d5 bold\n"
    "model-text = fg:#657b83\n"
    "model-note = fg:#93a1a1 italic\n"
    "status = fg:#586e75 bg:#eee8d5\n"
    "prompt = fg:#657b83\n"
    "match = fg:#fdf6e3 bg:#b58900\n"
    "match-current = fg:#fdf6e3 bg:#2aa198 bold\n"
    "syntax-comment = fg:#93a1a1\n"
    "syntax-operator = fg:#657b83\n"
    "model-code = fg:#657b83\n"
    "selection = fg:#002b36 bg:#eee8d5\n"
    "model-thinking = fg:#93a1a1 italic\n"
    "md-quote = fg:#93a1a1 italic\n"
    "md-url = fg:#93a1a1\n"
    "md-table = fg:#93a1a1\n" SOLARIZED_ACCENTS;

/* For low vision and bright rooms: pure white text, saturated hues, bars in black on white. */
static const char high_contrast_text[] =
    "name = high-contrast\n"
    "text = fg:#ffffff\n"
    "gutter = fg:#c0c0c0\n"
    "gutter-current = fg:#ffffff bold\n"
    "control = fg:#ff00ff bold\n"
    "divider = fg:#ffffff\n"
    "pane-title = fg:#000000 bg:#ffffff bold\n"
    "model-text = fg:#ffffff\n"
    "model-user = fg:#00ffff bold\n"
    "model-note = fg:#d0d0d0 italic\n"
    "model-error = fg:#ff5f5f bold\n"
    "model-code = fg:#87ff87\n"
    "status = fg:#000000 bg:#ffffff\n"
    "status-accent = fg:#000000 bg:#00ff00 bold\n"
    "status-warn = fg:#ffffff bg:#d70000 bold\n"
    "prompt = fg:#ffffff\n"
    "prompt-label = fg:#ffff00 bold\n"
    "match = fg:#000000 bg:#ffff00 bold\n"
    "match-current = fg:#000000 bg:#00ffff bold underline\n"
    "syntax-keyword = fg:#ffff00 bold\n"
    "syntax-type = fg:#00ffff bold\n"
    "syntax-string = fg:#87ff87\n"
    "syntax-comment = fg:#d0d0d0 italic\n"
    "syntax-number = fg:#ff87ff\n"
    "syntax-preproc = fg:#ff87ff bold\n"
    "syntax-function = fg:#87d7ff bold\n"
    "syntax-operator = fg:#ffffff bold\n"
    "syntax-constant = fg:#ff87ff\n"
    "syntax-escape = fg:#ff8700 bold\n"
    "syntax-variable = fg:#87d7ff\n"
    "syntax-key = fg:#87d7ff bold\n"
    "syntax-heading = fg:#ffff00 bold underline\n"
    "syntax-emphasis = fg:#ffffff bold\n"
    "syntax-link = fg:#00ffff underline\n"
    "syntax-added = fg:#00ff00 bold\n"
    "syntax-removed = fg:#ff5f5f bold\n"
    "syntax-hunk = fg:#00ffff bold\n"
    "selection = fg:#000000 bg:#ffffff\n"
    "diff-add = fg:#00ff00 bold\n"
    "diff-remove = fg:#ff5f5f bold\n"
    "hunk-stale = fg:#ffff00 italic underline\n"
    "model-thinking = fg:#c0c0c0 italic\n"
    "md-heading = fg:#ffff00 bold underline\n"
    "md-strong = fg:#ffffff bold\n"
    "md-emphasis = italic underline\n"
    "md-code = fg:#87ff87\n"
    "md-quote = fg:#ffffff italic\n"
    "md-link = fg:#00ffff underline\n"
    "md-url = fg:#c0c0c0\n"
    "md-table = fg:#ffffff\n"
    "md-mark = fg:#ffff00\n";

static const Builtin builtins[] = {
    {"dark", dark_text},
    {"light", light_text},
    {"solarized-dark", solarized_dark_text},
    {"solarized-light", solarized_light_text},
    {"high-contrast", high_contrast_text},
    {"terminal", NULL},
};

size_t theme_builtin_count(void) { return sizeof builtins / sizeof builtins[0]; }

const char *theme_builtin_name(size_t i)
{
    return i < theme_builtin_count() ? builtins[i].name : NULL;
}

bool theme_builtin(const char *name, Theme *out)
{
    if (!name)
        return false;
    for (size_t i = 0; i < theme_builtin_count(); i++) {
        if (strcmp(builtins[i].name, name) != 0)
            continue;
        Theme t;
        theme_default(&t);
        if (!builtins[i].text) {
            snprintf(t.name, sizeof t.name, "%s", builtins[i].name);
        } else {
            ErrorBuf err = {{0}};
            if (!theme_parse(&t, builtins[i].text, strlen(builtins[i].text), name, &err))
                return false; /* never: test_theme_builtin parses every one */
        }
        *out = t;
        return true;
    }
    return false;
}
