/* Keymap: per mode, an array of KeyBinding with at most one entry per key (keymap_bind
 * replaces), in the order the defaults and then the settings file listed them; that order is
 * the order help lists keys in. The default tables below are plain data: key names as
 * keys_describe writes them, command names as app/commands.c has them; a test checks that
 * every name in them is known (keymap_new would BUG_ON otherwise).
 *
 * Lookup is a linear scan: a mode has a few dozen bindings and a key costs a handful of
 * comparisons, far below a frame. */
#include "app/keymap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ui/key_name.h"

typedef struct KeyDefault {
    const char *key;
    const char *command;
    bool hidden;
} KeyDefault;

/* Listing order is help's order for keys of one command. */
static const KeyDefault edit_defaults[] = {
    {"Ctrl-K", "ask", false},
    {"Esc", "interrupt", false},
    {"Ctrl-G", "interrupt", false},
    /* Ctrl-C (what Codex and shells taught; never quits, Ctrl-Q does) is "copy" below: with
     * nothing selected it stops the answer as before. */
    {"F5", "retry", false},         /* "reload" everywhere; Ctrl-R is kept for hunks */
    {"F9", "context-view", false},
    {"Alt-p", "context-add", false}, /* "pin": Alt-A is the answer pane's */
    {"Alt-P", "context-add", true},
    {"Ctrl-S", "save", false},
    {"Ctrl-Q", "quit", false},
    {"Ctrl-Z", "undo", false},
    {"Ctrl-Y", "redo", false},
    {"Alt-Up", "model-scroll-up", false},
    {"Alt-PgUp", "model-scroll-up", false},
    {"Alt-Down", "model-scroll-down", false},
    {"Alt-PgDn", "model-scroll-down", false},
    {"Alt-End", "model-follow", false},
    {"Ctrl-Alt-End", "model-follow", true}, /* Alt wins over Ctrl for End, as before */
    {"Ctrl-L", "redraw", false},
    {"F1", "help", false},
    {"Enter", "newline", false},
    {"Tab", "tab", false},
    {"Ctrl-Shift-Tab", "none", true},
    {"Alt-Shift-Tab", "none", true},
    {"Ctrl-Alt-Shift-Tab", "none", true},
    {"Backspace", "backspace", false},
    {"Ctrl-H", "backspace", true},          /* Ctrl-H from a kitty-protocol terminal */
    {"Delete", "delete", false},
    {"Left", "left", false},
    {"Right", "right", false},
    {"Up", "up", false},
    {"Down", "down", false},
    {"Ctrl-Left", "word-left", false},
    {"Ctrl-Right", "word-right", false},
    {"Home", "home", false},
    {"End", "end", false},
    {"PgUp", "page-up", false},
    {"PgDn", "page-down", false},
    {"Ctrl-Home", "top", false},
    {"Ctrl-End", "bottom", false},
    /* search, replace, go to line (issue 7 item 3): micro's Ctrl-F and F3, nano's Ctrl-\ and
     * Alt-G; a letter with Alt is bound in both cases (Caps Lock, Shift held) */
    {"Ctrl-F", "search", false},
    {"F3", "search-next", false},
    {"Shift-F3", "search-prev", false},
    {"Ctrl-\\", "replace", false},
    {"Alt-g", "goto-line", false},
    {"Alt-G", "goto-line", true},
    /* --- selection, clipboard, line and word edits, mouse (issue 7 items 2, 7, 8) --- */
    {"Ctrl-C", "copy", false},
    {"Ctrl-X", "cut", false},
    {"Ctrl-V", "paste", false},
    {"Ctrl-A", "select-all", false},
    {"Shift-Tab", "unindent", false},
    {"Ctrl-J", "newline", true},            /* what a terminal sends for Ctrl-Enter, too */
    {"Ctrl-Backspace", "delete-word-left", false},
    {"Alt-Backspace", "delete-word-left", false},
    {"Ctrl-Delete", "delete-word-right", false},
    {"Alt-Delete", "delete-word-right", true},
    /* Alt-Up/Down scroll the answer pane, so moving lines takes Sublime Text's chord */
    {"Ctrl-Shift-Up", "move-line-up", false},
    {"Ctrl-Shift-Down", "move-line-down", false},
    {"Ctrl-D", "duplicate-line", false},    /* micro's key */
    {"Ctrl-/", "toggle-comment", false},    /* kitty-protocol terminals */
    {"Ctrl-_", "toggle-comment", true},     /* what most terminals send for Ctrl-/ */
    {"Alt-/", "toggle-comment", true},
    {"Alt-m", "toggle-mouse", false},
    {"Alt-M", "toggle-mouse", true},        /* with Caps Lock or Shift */
    {"Alt-z", "toggle-wrap", false},        /* micro's and VS Code's chord */
    {"Alt-Z", "toggle-wrap", true},
    {"Shift-Left", "select-left", false},
    {"Shift-Right", "select-right", false},
    {"Shift-Up", "select-up", false},
    {"Shift-Down", "select-down", false},
    {"Ctrl-Shift-Left", "select-word-left", false},
    {"Ctrl-Shift-Right", "select-word-right", false},
    {"Shift-Home", "select-home", false},
    {"Shift-End", "select-end", false},
    {"Shift-PgUp", "select-page-up", false},
    {"Shift-PgDn", "select-page-down", false},
    {"Ctrl-Shift-Home", "select-top", false},
    {"Ctrl-Shift-End", "select-bottom", false},
    /* --- end of issue 7 items 2, 7, 8 --- */
    /* several files (app/buffers.c) */
    {"Ctrl-O", "open", false},
    {"Alt-Right", "buffer-next", false},
    {"Ctrl-PgDn", "buffer-next", false},
    {"Alt-Left", "buffer-prev", false},
    {"Ctrl-PgUp", "buffer-prev", false},
    {"Ctrl-Alt-PgUp", "model-scroll-up", true},  /* Alt wins over Ctrl for PgUp/PgDn */
    {"Ctrl-Alt-PgDn", "model-scroll-down", true},
    {"Alt-b", "buffer-list", false},
    {"F8", "model-pick", false},
    {"Alt-h", "reasoning-toggle", false}, /* "thinking": Alt-T is the theme list */
    {"Ctrl-W", "close", false},
    /* using the answer (issue 8 item 10, app/answer_ui.c) */
    {"Alt-a", "answer-focus", false},
    {"Alt-A", "answer-focus", true},
    {"F6", "answer-focus", false},          /* the "next pane" key of many editors */
    {"Alt-y", "answer-copy", false},
    {"Alt-Y", "answer-copy", true},
    {"Alt-i", "answer-insert-block", false},
    {"Alt-I", "answer-insert-block", true},
    {"Alt-e", "export", false},
    {"Alt-E", "export", true},
    /* the model's proposed edits (app/hunks_app.h) */
    {"Ctrl-R", "review", false},
    /* the layout and the theme (app/layout_app.h) */
    {"Alt->", "divider-forward", false},
    {"Alt-.", "divider-forward", true},     /* the same key without Shift */
    {"Alt-<", "divider-back", false},
    {"Alt-,", "divider-back", true},
    {"Alt-f", "zoom", false},
    {"Alt-F", "zoom", true},
    {"Alt-s", "swap", false},
    {"Alt-S", "swap", true},
    {"Alt-=", "layout-reset", false},
    {"Alt-l", "arrange", false},
    {"Alt-L", "arrange", true},
    {"Alt-t", "theme", false},
    {"Alt-T", "theme", true},
};

static const KeyDefault prompt_defaults[] = {
    {"Enter", "submit", false},
    {"F9", "context-view", false}, /* the ask prompt: with the question typed so far */
    {"F8", "model-pick", false},   /* the ask prompt (while an answer streams: refused) */
    {"Alt-h", "reasoning-toggle", false},
    {"Esc", "cancel", false},
    {"Ctrl-G", "interrupt", false},
    {"Ctrl-C", "interrupt", false},
    {"Ctrl-S", "save", false}, /* in the Save As a read-only file offers: save it anyway */
    {"Ctrl-Q", "quit", false},
    {"Ctrl-L", "redraw", false},
    {"Up", "history-prev", false},
    {"Down", "history-next", false},
    {"Backspace", "backspace", false},
    {"Ctrl-H", "backspace", true},
    {"Delete", "delete", false},
    {"Left", "left", false},
    {"Right", "right", false},
    {"Home", "home", false},
    {"Ctrl-A", "home", false},
    {"End", "end", false},
    {"Ctrl-E", "end", false},
    /* the search and replace prompts (issue 7 item 3); Enter and Esc are submit and cancel */
    {"Alt-r", "search-regex", false},
    {"Alt-R", "search-regex", true},
    {"Alt-c", "search-case", false},
    {"Alt-C", "search-case", true},
    {"F3", "search-next", false},
    {"Shift-F3", "search-prev", false},
    {"Tab", "complete", false}, /* the open and Save As prompts: paths; ask: queue */
    /* the ask prompt is multi-line (issue 8 item 6): Alt-Enter and Ctrl-J break the line */
    {"Alt-Enter", "newline", false},
    {"Ctrl-J", "newline", false},
    {"Alt-Backspace", "queue-drop", false},
    {"Ctrl-X", "editor-prefix", false}, /* Ctrl-X Ctrl-E: readline's edit-and-execute */
    {"Ctrl-K", "ask", true},  /* the ask prompt is open already: nothing, never "unbound" */
};

/* Anything else cancels (commands_default). */
static const KeyDefault confirm_defaults[] = {
    {"y", "yes", false},
    {"Y", "yes", true},
    {"n", "no", false},
    {"N", "no", true},
    {"Esc", "cancel", false},
    /* the swap question (app/swap_app.c) */
    {"r", "swap-recover", false},
    {"d", "swap-diff", false},
    {"x", "swap-delete", false},
};

/* The lists: buffers (Alt-B), conversations (flint --resume); any other key closes them. */
static const KeyDefault list_defaults[] = {
    {"Up", "list-up", false},
    {"Down", "list-down", false},
    {"Enter", "list-choose", false},
    {"Esc", "list-cancel", false},
    {"Ctrl-W", "list-close", false},
};

/* The focused answer pane (app/answer_ui.h); a key not here goes back to the editor, a typed
 * one only says what these are. */
static const KeyDefault answer_defaults[] = {
    {"Up", "answer-up", false},
    {"Down", "answer-down", false},
    {"k", "answer-up", true},
    {"j", "answer-down", true},
    {"PgUp", "answer-page-up", false},
    {"PgDn", "answer-page-down", false},
    {"Home", "answer-top", false},
    {"End", "answer-end", false},
    {"w", "answer-code-wrap", false},
    {"Left", "answer-code-left", false},
    {"Right", "answer-code-right", false},
    {"Esc", "answer-leave", false},
    {"Alt-a", "answer-focus", false},
    {"Alt-A", "answer-focus", true},
    {"F6", "answer-focus", false},
    {"F8", "model-pick", false},
    {"Alt-h", "reasoning-toggle", false},
    {"Ctrl-F", "answer-search", false},
    {"/", "answer-search", true},
    {"F3", "answer-search-next", false},
    {"n", "answer-search-next", true},
    {"Shift-F3", "answer-search-prev", false},
    {"N", "answer-search-prev", true},
    {"Tab", "answer-block-next", false},
    {"Shift-Tab", "answer-block-prev", false},
    {"y", "answer-copy", false},
    {"Alt-y", "answer-copy", true},
    {"c", "answer-copy-block", false},
    {"Enter", "answer-copy-block", false},
    {"i", "answer-insert-block", false},
    {"e", "export", false},
    {"Alt-Up", "model-scroll-up", true},    /* the editor's keys for the pane work here too */
    {"Alt-PgUp", "model-scroll-up", true},
    {"Alt-Down", "model-scroll-down", true},
    {"Alt-PgDn", "model-scroll-down", true},
    {"Alt-End", "model-follow", true},
    {"Ctrl-G", "interrupt", false},
    {"Ctrl-Q", "quit", false},
    {"Ctrl-L", "redraw", false},
    {"F1", "help", false},
    {"Alt->", "divider-forward", true},     /* the layout's keys work here too */
    {"Alt-.", "divider-forward", true},
    {"Alt-<", "divider-back", true},
    {"Alt-,", "divider-back", true},
    {"Alt-f", "zoom", false},
    {"Alt-F", "zoom", true},
    {"Alt-s", "swap", true},
    {"Alt-S", "swap", true},
    {"Alt-=", "layout-reset", true},
    {"Alt-l", "arrange", true},
    {"Alt-L", "arrange", true},
    {"Alt-t", "theme", true},
    {"Alt-T", "theme", true},
};

/* "Replace? (y)es (n)o (a)ll (Esc) stop" for each match (app/search_ui.h); anything else is
 * ignored. */
static const KeyDefault replace_defaults[] = {
    {"y", "replace-yes", false},
    {"Y", "replace-yes", true},
    {"n", "replace-no", false},
    {"N", "replace-no", true},
    {"a", "replace-all", false},
    {"A", "replace-all", true},
    {"Esc", "cancel", false},
};

/* Reviewing the model's proposed edits (Ctrl-R); other keys are ignored. */
static const KeyDefault review_defaults[] = {
    {"y", "hunk-accept", false},
    {"Y", "hunk-accept", true},
    {"n", "hunk-reject", false},
    {"N", "hunk-reject", true},
    {"a", "hunk-accept-all", false},
    {"A", "hunk-accept-all", true},
    {"r", "hunk-reject-all", false},
    {"R", "hunk-reject-all", true},
    {"Down", "hunk-next", false},
    {"Tab", "hunk-next", false},
    {"Up", "hunk-prev", false},
    {"Shift-Tab", "hunk-prev", false},
    {"Esc", "review-leave", false},
    {"Ctrl-G", "review-leave", true},
    {"Ctrl-Z", "undo", false},
    {"Ctrl-Y", "redo", false},
    {"Ctrl-S", "save", false},
    {"Ctrl-Q", "quit", false},
};

static const struct {
    const char *name, *title;
    const KeyDefault *defaults;
    size_t n;
} modes[KEYS_COUNT] = {
    [KEYS_EDIT] = {"edit", "the editor", edit_defaults, sizeof edit_defaults / sizeof *edit_defaults},
    [KEYS_PROMPT] = {"prompt", "the prompt", prompt_defaults,
                     sizeof prompt_defaults / sizeof *prompt_defaults},
    [KEYS_CONFIRM] = {"confirm", "the quit question", confirm_defaults,
                      sizeof confirm_defaults / sizeof *confirm_defaults},
    [KEYS_REPLACE] = {"replace", "the replace question", replace_defaults,
                      sizeof replace_defaults / sizeof *replace_defaults},
    [KEYS_LIST] = {"list", "the lists (buffers, conversations, models)", list_defaults,
                   sizeof list_defaults / sizeof *list_defaults},
    [KEYS_ANSWER] = {"answer", "the answer pane", answer_defaults,
                     sizeof answer_defaults / sizeof *answer_defaults},
    [KEYS_REVIEW] = {"review", "the review of proposed edits", review_defaults,
                     sizeof review_defaults / sizeof *review_defaults},
};

struct Keymap {
    KeyBinding *b[KEYS_COUNT];
    size_t n[KEYS_COUNT], cap[KEYS_COUNT];
};

static bool same_key(const KeyEvent *a, const KeyEvent *b)
{
    return a->code == b->code && a->mods == b->mods && (a->code != KC_CHAR || a->cp == b->cp);
}

static KeyBinding *find(const Keymap *km, KeyMode mode, KeyCode code, uint32_t cp, unsigned mods)
{
    KeyEvent k = {.code = code, .cp = cp, .mods = mods};
    for (size_t i = 0; i < km->n[mode]; i++)
        if (same_key(&km->b[mode][i].key, &k))
            return &km->b[mode][i];
    return NULL;
}

void keymap_bind(Keymap *km, KeyMode mode, const KeyEvent *key, const Command *command,
                 bool hidden, int line)
{
    KeyBinding nb = {.key = {.code = key->code, .cp = key->code == KC_CHAR ? key->cp : 0,
                             .mods = key->mods & MOD_ALL},
                     .command = command, .hidden = hidden, .line = line};
    KeyBinding *old = find(km, mode, nb.key.code, nb.key.cp, nb.key.mods);
    if (old) {
        *old = nb;
        return;
    }
    km->b[mode] = xgrow(km->b[mode], &km->cap[mode], km->n[mode] + 1, sizeof *km->b[mode]);
    km->b[mode][km->n[mode]++] = nb;
}

Keymap *keymap_new(void)
{
    Keymap *km = xcalloc(1, sizeof *km);
    for (int m = 0; m < KEYS_COUNT; m++) {
        for (size_t i = 0; i < modes[m].n; i++) {
            const KeyDefault *d = &modes[m].defaults[i];
            KeyEvent k;
            const Command *c = command_find(d->command);
            BUG_ON(!keys_parse(d->key, &k) || !c);
            keymap_bind(km, (KeyMode)m, &k, c, d->hidden, 0);
        }
    }
    return km;
}

void keymap_free(Keymap *km)
{
    if (!km)
        return;
    for (int m = 0; m < KEYS_COUNT; m++)
        free(km->b[m]);
    free(km);
}

const Command *keymap_lookup(const Keymap *km, KeyMode mode, const KeyEvent *k)
{
    uint32_t cp = k->code == KC_CHAR ? k->cp : 0;
    unsigned mods = k->mods & MOD_ALL;
    const KeyBinding *b = find(km, mode, k->code, cp, mods);
    if (!b && (mods & MOD_SHIFT))
        b = find(km, mode, k->code, cp, mods &= ~(unsigned)MOD_SHIFT);
    if (!b && k->code != KC_CHAR && k->code != KC_PASTE && mods) {
        if ((mods & MOD_CTRL) && (mods & MOD_ALT)) {
            b = find(km, mode, k->code, cp, MOD_CTRL);
            if (!b)
                b = find(km, mode, k->code, cp, MOD_ALT);
        }
        if (!b)
            b = find(km, mode, k->code, cp, 0);
    }
    return b ? b->command : NULL;
}

const char *keymap_mode_name(KeyMode m) { return modes[m].name; }

bool keymap_mode_from_name(const char *name, KeyMode *out)
{
    for (int m = 0; m < KEYS_COUNT; m++)
        if (name && strcmp(name, modes[m].name) == 0) {
            *out = (KeyMode)m;
            return true;
        }
    return false;
}

/* The command works in some AppMode whose keys this table is. */
static bool usable_in(const Command *c, KeyMode km)
{
    for (int m = 0; m < MODE_COUNT; m++)
        if (mode_key_table((AppMode)m) == km && command_works_in(c, (AppMode)m))
            return true;
    return false;
}

__attribute__((format(printf, 2, 3))) static void warn(StrBuf *out, const char *fmt, ...);

static void warn(StrBuf *out, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sb_puts(out, buf);
    sb_putc(out, '\n');
}

size_t keymap_apply(Keymap *km, const Settings *s, StrBuf *warnings)
{
    const char *path = s->path ? s->path : "config.json";
    size_t n = 0;
    for (size_t i = 0; i < s->n_bindings; i++) {
        const SettingsBinding *sb = &s->bindings[i];
        KeyMode mode;
        KeyEvent k;
        const Command *c = command_find(sb->command);
        n++;
        if (!keymap_mode_from_name(sb->mode ? sb->mode : "edit", &mode)) {
            warn(warnings,
                 "%s:%d: unknown key mode '%s' (edit, prompt, confirm, replace, list, answer, "
                 "review)", path, sb->line, sb->mode);
        } else if (!keys_parse(sb->key, &k)) {
            warn(warnings, "%s:%d: unknown key '%s'", path, sb->line, sb->key);
        } else if (!c) {
            warn(warnings, "%s:%d: unknown command '%s'", path, sb->line, sb->command);
        } else if (!usable_in(c, mode)) {
            warn(warnings, "%s:%d: '%s' does nothing in %s", path, sb->line, sb->command,
                 modes[mode].title);
        } else {
            n--;
            const KeyBinding *old = find(km, mode, k.code, k.code == KC_CHAR ? k.cp : 0, k.mods);
            if (old && old->line > 0) {
                char name[64];
                keys_describe(&k, name, sizeof name);
                warn(warnings, "%s:%d: %s is bound twice in %s (line %d); the later wins", path,
                     sb->line, name, modes[mode].title, old->line);
                n++;
            }
            keymap_bind(km, mode, &k, c, false, sb->line);
        }
    }
    return n;
}

size_t keymap_count(const Keymap *km, KeyMode mode) { return km->n[mode]; }

const KeyBinding *keymap_binding(const Keymap *km, KeyMode mode, size_t i)
{
    return i < km->n[mode] ? &km->b[mode][i] : NULL;
}

bool keymap_key_for(const Keymap *km, KeyMode mode, const char *command, char *out, size_t size)
{
    for (size_t i = 0; i < km->n[mode]; i++) {
        const KeyBinding *b = &km->b[mode][i];
        if (!b->hidden && strcmp(b->command->name, command) == 0) {
            keys_describe(&b->key, out, size);
            return true;
        }
    }
    return false;
}

/* "Esc / Ctrl-G / Ctrl-C": the listed keys of a command in mode. */
static void keys_of(const Keymap *km, KeyMode mode, const Command *c, StrBuf *out)
{
    for (size_t i = 0; i < km->n[mode]; i++) {
        const KeyBinding *b = &km->b[mode][i];
        if (b->hidden || b->command != c)
            continue;
        char name[64];
        keys_describe(&b->key, name, sizeof name);
        if (out->len)
            sb_puts(out, " / ");
        sb_puts(out, name);
    }
}

typedef bool (*HelpFilter)(const Command *c);

static bool help_not_basic(const Command *c) { return !(c->flags & CMD_BASIC); }
static bool help_answer(const Command *c)
{
    return strncmp(c->name, "answer-", 7) == 0 || strcmp(c->name, "export") == 0;
}
static bool help_any(const Command *c) { (void)c; return true; }
/* The ask prompt: its own keys (a new line, Tab's completion and queue, dropping the last
 * queued question), not the line editing every prompt shares. */
static bool help_prompt(const Command *c)
{
    return help_not_basic(c) || strcmp(c->name, "newline") == 0 ||
           strcmp(c->name, "complete") == 0 || strcmp(c->name, "queue-drop") == 0;
}

/* One section of the help: the commands that work in mode (and pass keep), with the keys
 * the table km_mode binds to them, aligned; nothing when none is bound. */
static void help_section(const Keymap *km, StrBuf *out, const char *title, KeyMode km_mode,
                         AppMode mode, HelpFilter keep)
{
    size_t n;
    const Command *all = commands_all(&n);
    StrBuf *keys = xcalloc(n, sizeof *keys);
    size_t width = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep(&all[i]) && command_works_in(&all[i], mode))
            keys_of(km, km_mode, &all[i], &keys[i]);
        if (keys[i].len > width)
            width = keys[i].len;
        shown += keys[i].len > 0;
    }
    if (shown)
        sb_puts(out, title);
    for (size_t i = 0; i < n; i++) {
        if (!keys[i].len)
            continue;
        char line[256];
        snprintf(line, sizeof line, "%-*s  %s\n", (int)width, sb_cstr(&keys[i]), all[i].help);
        sb_puts(out, line);
        sb_free(&keys[i]);
    }
    free(keys);
}

void keymap_help(const Keymap *km, StrBuf *out)
{
    help_section(km, out, "flint keys\n\n", KEYS_EDIT, MODE_EDIT, help_not_basic);
    help_section(km, out, "\nIn the ask prompt (Ctrl-K; it stays open while the answer "
                 "streams):\n\n", KEYS_PROMPT, MODE_ASK, help_prompt);
    help_section(km, out, "\nReviewing proposed edits (Ctrl-R):\n\n", KEYS_REVIEW, MODE_REVIEW,
                 help_any);
    /* The focused answer pane's own keys (issue 8 item 10). */
    help_section(km, out, "\nIn the answer pane (a click, Alt-A or F6 focuses it):\n\n",
                 KEYS_ANSWER, MODE_ANSWER, help_answer);
}
