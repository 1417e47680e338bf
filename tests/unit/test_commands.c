/* The command and key tables (app/commands.c, app/keymap.c):
 *  - the table: names unique and well formed, every command works in some real mode, help
 *    written; every default binding names a command that works in its mode; no key twice;
 *  - the defaults do exactly what the switch statements they replaced did (legacy_command
 *    below is that code, kept as the oracle), for every key code, every modifier set and a
 *    spread of characters, in the editor and the prompt;
 *  - the settings file's bindings: applied, the later of two wins with a warning, unknown
 *    commands, keys and modes and commands that do nothing in a mode are warned about with
 *    their file:line; help lists a new key;
 *  - the same from raw bytes through the decoder. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "app/keymap.h"
#include "harness.h"
#include "support/keys_support.h"
#include "ui/key_name.h"

/* ---- the oracle: ui/keybind.c's switches before the tables replaced them ---------------- */

static const char *edit_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 's': return "save";
    case 'q': return "quit";
    case 'z': return "undo";
    case 'y': return "redo";
    case 'k': return "ask";
    case 'g': return "interrupt";
    case 'c': return "interrupt"; /* what Codex and shells taught; never quits (Ctrl-Q does) */
    case 'l': return "redraw";
    case 'h': return "backspace"; /* Ctrl-H from a kitty-protocol terminal */
    case 'o': return "open";      /* several files (issue 7) */
    case 'w': return "close";
    default: return NULL;
    }
}

static const char *prompt_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 'g': return "interrupt";
    case 'c': return "interrupt";
    case 'a': return "home";
    case 'e': return "end";
    case 'q': return "quit";
    case 'l': return "redraw";
    case 'h': return "backspace";
    case 's': return "save"; /* in the Save As a read-only file opens: save it anyway */
    default: return NULL;
    }
}

static const char *edit_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return edit_ctrl_char(k->cp);
        if (alt && !ctrl && k->cp == 'b')
            return "buffer-list";
        return (ctrl || alt) ? NULL : "<insert>";
    case KC_PASTE: return "<paste>";
    case KC_ENTER: return "newline";
    case KC_TAB: return (k->mods & MOD_SHIFT) ? NULL : "tab";
    case KC_BACKSPACE: return "backspace";
    case KC_DELETE: return "delete";
    case KC_UP: return alt ? "model-scroll-up" : "up";
    case KC_DOWN: return alt ? "model-scroll-down" : "down";
    case KC_LEFT: return ctrl ? "word-left" : alt ? "buffer-prev" : "left";
    case KC_RIGHT: return ctrl ? "word-right" : alt ? "buffer-next" : "right";
    case KC_HOME: return ctrl ? "top" : "home";
    case KC_END: return alt ? "model-follow" : ctrl ? "bottom" : "end";
    case KC_PAGE_UP: return alt ? "model-scroll-up" : ctrl ? "buffer-prev" : "page-up";
    case KC_PAGE_DOWN: return alt ? "model-scroll-down" : ctrl ? "buffer-next" : "page-down";
    case KC_ESC: return "interrupt";
    case KC_F1: return "help";
    case KC_F5: return "retry"; /* F5, "reload" everywhere; Ctrl-R is kept for hunks */
    default: return NULL;
    }
}

static const char *prompt_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return prompt_ctrl_char(k->cp);
        return (ctrl || alt) ? NULL : "<insert>";
    case KC_PASTE: return "<paste>";
    case KC_ENTER: return "submit";
    case KC_TAB: return "complete"; /* paths in the open and Save As prompts */
    case KC_ESC: return "cancel";
    case KC_BACKSPACE: return "backspace";
    case KC_DELETE: return "delete";
    case KC_LEFT: return "left";
    case KC_RIGHT: return "right";
    case KC_HOME: return "home";
    case KC_END: return "end";
    case KC_UP: return "history-prev";
    case KC_DOWN: return "history-next";
    default: return NULL;
    }
}

/* What issue 7 (selection, clipboard, editing keys, mouse) changed in the editor's table. */
static const char *issue7_edit(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT, shift = k->mods & MOD_SHIFT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt) {
            switch (k->cp) {
            case 'c': return "copy";
            case 'x': return "cut";
            case 'v': return "paste";
            case 'a': return "select-all";
            case 'j': return "newline";
            case 'd': return "duplicate-line";
            case '/': case '_': return "toggle-comment";
            default: return NULL;
            }
        }
        if (alt && !ctrl && (k->cp == 'm' || k->cp == 'M'))
            return "toggle-mouse";
        if (alt && !ctrl && k->cp == '/')
            return "toggle-comment";
        return NULL;
    case KC_BACKSPACE: return ctrl || alt ? "delete-word-left" : NULL;
    case KC_DELETE: return ctrl || alt ? "delete-word-right" : NULL;
    case KC_TAB: return shift && !ctrl && !alt ? "unindent" : NULL;
    default: break;
    }
    if (!shift || alt)
        return NULL;
    switch (k->code) {
    case KC_LEFT: return ctrl ? "select-word-left" : "select-left";
    case KC_RIGHT: return ctrl ? "select-word-right" : "select-right";
    case KC_UP: return ctrl ? "move-line-up" : "select-up";
    case KC_DOWN: return ctrl ? "move-line-down" : "select-down";
    case KC_HOME: return ctrl ? "select-top" : "select-home";
    case KC_END: return ctrl ? "select-bottom" : "select-end";
    case KC_PAGE_UP: return ctrl ? NULL : "select-page-up";
    case KC_PAGE_DOWN: return ctrl ? NULL : "select-page-down";
    default: return NULL;
    }
}

/* Issue 8 item 6: the ask prompt is multi-line (Alt-Enter and Ctrl-J break the line) and
 * Alt-Backspace drops the last queued question on an empty ask prompt. */
static const char *issue8_prompt(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    if (k->code == KC_ENTER && alt)
        return "newline";
    if (k->code == KC_BACKSPACE && alt)
        return "queue-drop";
    if (k->code == KC_CHAR && ctrl && !alt && k->cp == 'j')
        return "newline";
    if (k->code == KC_CHAR && ctrl && !alt && k->cp == 'x')
        return "editor-prefix";
    if (k->code == KC_CHAR && ctrl && !alt && k->cp == 'k')
        return "ask";
    return NULL;
}

static const char *legacy_command(KeyMode mode, const KeyEvent *k)
{
    if (mode == KEYS_PROMPT) {
        const char *now = issue8_prompt(k);
        return now ? now : prompt_command(k);
    }
    const char *now = issue7_edit(k);
    return now ? now : edit_command(k);
}

/* ---- the new way ------------------------------------------------------------------------- */

/* What the app does with k in mode: a command's name, "<insert>"/"<paste>" for the default
 * action, NULL for nothing ("none" is nothing too). */
static const char *now_command(const Keymap *km, KeyMode mode, const KeyEvent *k)
{
    const Command *c = keymap_lookup(km, mode, k);
    if (c)
        return strcmp(c->name, "none") == 0 ? NULL : c->name;
    if (k->code == KC_PASTE)
        return "<paste>";
    if (k->code == KC_CHAR && !(k->mods & (MOD_CTRL | MOD_ALT)))
        return "<insert>";
    return NULL;
}

/* Commands bound since the oracle was written, to keys it did nothing with (each checked
 * by test_search_bindings below). */
static bool added_since(const char *want, const char *got)
{
    static const char *const added[] = {
        /* issue 7 item 3: search, replace, go to line */
        "search", "search-next", "search-prev", "replace", "goto-line", "search-regex",
        "search-case",
        /* issue 7 item 7: soft wrap (Alt-Z) */
        "toggle-wrap",
        /* issue 8 item 10: using the answer (Alt-A, F6, Alt-Y, Alt-I, Alt-E) */
        "answer-focus", "answer-copy", "answer-insert-block", "export",
        /* issue 8 item 4: the view of the next request (F9), pin a file (Alt-A) */
        "context-view", "context-add",
        /* issue 8 item 3: review the proposed edits (Ctrl-R) */
        "review",
        /* issue 9: the model picker (F8), the reasoning rows (Alt-H) */
        "model-pick", "reasoning-toggle",
        /* issue 10 items 6, 8: the layout and the theme (Alt-F, Alt-S, Alt-T, Alt-L, Alt-=, Alt-<, Alt->) */
        "zoom", "swap", "theme", "divider-forward", "divider-back", "layout-reset", "arrange",
    };
    for (size_t i = 0; !want && got && i < sizeof added / sizeof *added; i++)
        if (strcmp(got, added[i]) == 0)
            return true;
    return false;
}

static void same_as_before(const Keymap *km, KeyMode mode, KeyEvent k)
{
    const char *want = legacy_command(mode, &k), *got = now_command(km, mode, &k);
    if (added_since(want, got))
        return;
    if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0)) {
        char name[64];
        keys_describe(&k, name, sizeof name);
        fprintf(stderr, "%s in %s: was %s, now %s\n", name, keymap_mode_name(mode),
                want ? want : "nothing", got ? got : "nothing");
        CHECK(0);
    }
}

static void test_defaults_as_before(void)
{
    Keymap *km = keymap_new();
    static const uint32_t cps[] = {'a', 'c', 'e', 'g', 'h', 'k', 'l', 'q', 's', 'x', 'y', 'z',
                                   'A', 'K', 'Z', '0', ' ', '-', '[', 0xE9, 0x4E2D, 0x1F600};
    for (int mode = KEYS_EDIT; mode <= KEYS_PROMPT; mode++)
        for (unsigned mods = 0; mods <= MOD_ALL; mods++) {
            for (int code = KC_NONE; code < KC_COUNT_; code++)
                if (code != KC_CHAR)
                    same_as_before(km, (KeyMode)mode, (KeyEvent){.code = (KeyCode)code, .mods = mods});
            for (uint32_t cp = 'a'; cp <= 'z'; cp++)
                same_as_before(km, (KeyMode)mode, (KeyEvent){.code = KC_CHAR, .cp = cp, .mods = mods});
            for (size_t i = 0; i < sizeof cps / sizeof *cps; i++)
                same_as_before(km, (KeyMode)mode,
                               (KeyEvent){.code = KC_CHAR, .cp = cps[i], .mods = mods});
        }
    keymap_free(km);
}

static void test_table(void)
{
    size_t n;
    const Command *all = commands_all(&n);
    CHECK(n > 20);
    for (size_t i = 0; i < n; i++) {
        const Command *c = &all[i];
        CHECK(c->name && c->name[0] && c->run && c->help && c->help[0]);
        CHECK(strspn(c->name, "abcdefghijklmnopqrstuvwxyz-") == strlen(c->name));
        CHECK(c->modes != 0 && (c->modes & ~((1u << MODE_COUNT) - 1)) == 0);
        CHECK(command_find(c->name) == c);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(all[j].name, c->name) != 0);
    }
    CHECK(command_find("no-such-command") == NULL);
    CHECK(command_find(NULL) == NULL);
    CHECK(command_works_in(command_find("ask"), MODE_EDIT));
    CHECK(command_works_in(command_find("ask"), MODE_ASK)); /* open already: nothing */
    CHECK(!command_works_in(command_find("ask"), MODE_SEARCH));
    CHECK(command_works_in(command_find("save"), MODE_SAVE_AS));
    CHECK(!command_works_in(command_find("save"), MODE_ASK));
}

/* Every binding names a command that works in some mode the table serves; no key twice. */
static void check_bindings(const Keymap *km)
{
    for (int m = 0; m < KEYS_COUNT; m++) {
        size_t n = keymap_count(km, (KeyMode)m);
        CHECK(n > 0);
        for (size_t i = 0; i < n; i++) {
            const KeyBinding *b = keymap_binding(km, (KeyMode)m, i);
            CHECK(b->command != NULL);
            bool usable = false;
            for (int am = 0; am < MODE_COUNT; am++)
                if (mode_key_table((AppMode)am) == (KeyMode)m &&
                    command_works_in(b->command, (AppMode)am))
                    usable = true;
            if (!usable)
                fprintf(stderr, "%s bound in %s\n", b->command->name, keymap_mode_name((KeyMode)m));
            CHECK(usable);
            for (size_t j = 0; j < i; j++) {
                const KeyBinding *o = keymap_binding(km, (KeyMode)m, j);
                CHECK(!(o->key.code == b->key.code && o->key.mods == b->key.mods &&
                        o->key.cp == b->key.cp));
            }
        }
    }
    CHECK(keymap_binding(km, KEYS_EDIT, keymap_count(km, KEYS_EDIT)) == NULL);
}

static void test_default_bindings(void)
{
    Keymap *km = keymap_new();
    check_bindings(km);
    char key[32];
    CHECK(keymap_key_for(km, KEYS_EDIT, "ask", key, sizeof key));
    CHECK_STR_EQ(key, "Ctrl-K");
    CHECK(keymap_key_for(km, KEYS_EDIT, "interrupt", key, sizeof key));
    CHECK_STR_EQ(key, "Esc");
    CHECK(!keymap_key_for(km, KEYS_EDIT, "submit", key, sizeof key));
    /* The quit question: y/n (and Y/N, Shift-y) answer; anything else is nobody's binding. */
    KeyEvent y = {.code = KC_CHAR, .cp = 'y'}, Y = {.code = KC_CHAR, .cp = 'Y', .mods = MOD_SHIFT};
    KeyEvent q = {.code = KC_CHAR, .cp = 'q'};
    CHECK_STR_EQ(keymap_lookup(km, KEYS_CONFIRM, &y)->name, "yes");
    CHECK_STR_EQ(keymap_lookup(km, KEYS_CONFIRM, &Y)->name, "yes");
    CHECK(keymap_lookup(km, KEYS_CONFIRM, &q) == NULL);
    KeyMode m;
    CHECK(keymap_mode_from_name("prompt", &m) && m == KEYS_PROMPT);
    CHECK(!keymap_mode_from_name("ask", &m));
    keymap_free(km);
}

static void test_from_bytes(void)
{
    /* Alt-Up via ESC ESC [ A, Ctrl-Right, Ctrl-K */
    Keymap *km = keymap_new();
    Evs e;
    run_whole("\033\033[A\033[1;5C\x0b", 11, false, &e);
    CHECK_INT_EQ(e.n, 3);
    static const char *const want[] = {"model-scroll-up", "word-right", "ask"};
    for (int i = 0; i < 3 && i < e.n; i++) {
        KeyEvent k = {.code = e.ev[i].code, .cp = e.ev[i].cp, .mods = e.ev[i].mods};
        const Command *c = keymap_lookup(km, KEYS_EDIT, &k);
        CHECK(c && strcmp(c->name, want[i]) == 0);
    }
    keymap_free(km);
}

static const char *lookup_name(const Keymap *km, KeyMode mode, const char *key)
{
    KeyEvent k;
    if (!keys_parse(key, &k))
        return "(bad key)";
    const Command *c = keymap_lookup(km, mode, &k);
    return c ? c->name : "(nothing)";
}

static void test_settings_bindings(void)
{
    static const char text[] =
        "{\n"
        "  \"keys\": {\n"
        "    \"F2\": \"ask\",\n"                 /* line 3 */
        "    \"Ctrl-T\": \"no-such\",\n"         /* 4 */
        "    \"Hyper-Q\": \"save\",\n"           /* 5 */
        "    \"Ctrl-E\": \"submit\",\n"          /* 6: a prompt command in the editor */
        "    \"Ctrl-S\": \"none\",\n"            /* 7 */
        "    \"prompt\": { \"Ctrl-J\": \"submit\", \"Ctrl-J\": \"cancel\" },\n" /* 8 */
        "    \"visual\": { \"x\": \"save\" }\n" /* 9 */
        "  }\n"
        "}\n";
    Settings s;
    settings_init(&s);
    ErrorBuf err = {{0}};
    CHECK(settings_parse(&s, "config.json", text, strlen(text), &err));
    CHECK(s.path == NULL || strcmp(s.path, "config.json") == 0);
    Keymap *km = keymap_new();
    StrBuf w = {0};
    size_t n = keymap_apply(km, &s, &w);
    const char *out = sb_cstr(&w);
    fprintf(stderr, "%s", out);
    CHECK_INT_EQ(n, 5);
    CHECK(strstr(out, "config.json:4: unknown command 'no-such'\n") != NULL);
    CHECK(strstr(out, "config.json:5: unknown key 'Hyper-Q'\n") != NULL);
    CHECK(strstr(out, "config.json:6: 'submit' does nothing in the editor\n") != NULL);
    CHECK(strstr(out, "config.json:8: Ctrl-J is bound twice in the prompt (line 8); the later wins\n") != NULL);
    CHECK(strstr(out, "config.json:9: unknown key mode 'visual'") != NULL);
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "F2"), "ask");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-K"), "ask"); /* the default stays */
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-S"), "none");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-T"), "(nothing)");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-E"), "(nothing)");
    CHECK_STR_EQ(lookup_name(km, KEYS_PROMPT, "Ctrl-J"), "cancel");
    check_bindings(km);
    /* Help lists the new key with the old one, and no longer lists Ctrl-S for save. */
    StrBuf help = {0};
    keymap_help(km, &help);
    CHECK(strstr(sb_cstr(&help), "Ctrl-K / F2") != NULL);
    char *cut = strstr(help.data, "\nIn the ask prompt"); /* the editor's section only: the */
    if (cut)                                              /* review keeps its own Ctrl-S */
        *cut = '\0';
    CHECK(strstr(sb_cstr(&help), "\nCtrl-S ") == NULL); /* (Ctrl-Shift-Up stays) */
    CHECK(strstr(sb_cstr(&help), "unbinds") == NULL); /* "none" is not a command to learn */
    sb_free(&help);
    sb_free(&w);
    keymap_free(km);
    settings_clear(&s);
}

static void test_help(void)
{
    Keymap *km = keymap_new();
    StrBuf help = {0};
    keymap_help(km, &help);
    const char *h = sb_cstr(&help);
    CHECK(strncmp(h, "flint keys\n\n", 12) == 0);
    static const char *const keys[] = {"Ctrl-K ", "Esc / Ctrl-G", "Ctrl-C ", "F5 ", "Ctrl-S ",
                                       "Ctrl-Q ", "Ctrl-Z ", "Ctrl-Y ", "Alt-Up / Alt-PgUp",
                                       "Alt-End ", "Ctrl-L ", "F1 "};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (!strstr(h, keys[i]))
            fprintf(stderr, "help lacks '%s':\n%s", keys[i], h);
        CHECK(strstr(h, keys[i]) != NULL);
    }
    CHECK(strstr(h, "Ctrl-Alt-End") == NULL); /* hidden aliases stay out */
    CHECK(strstr(h, "cursor left") == NULL);  /* plain editing too */
    /* Its lines fit an 80-column screen (the overlay scrolls when they outnumber the rows). */
    int lines = 0;
    for (const char *p = h; *p; lines++) {
        size_t len = strcspn(p, "\n");
        CHECK(len + 4 <= 80);
        p += len + (p[len] == '\n');
    }
    CHECK(lines > 2);
    sb_free(&help);
    keymap_free(km);
}

/* issue 7 item 3: the search keys, as tmux and terminals send them, reach their commands. */
static void test_search_bindings(void)
{
    Keymap *km = keymap_new();
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-F"), "search");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "F3"), "search-next");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Shift-F3"), "search-prev");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Ctrl-\\"), "replace");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Alt-g"), "goto-line");
    CHECK_STR_EQ(lookup_name(km, KEYS_EDIT, "Alt-G"), "goto-line");
    CHECK_STR_EQ(lookup_name(km, KEYS_PROMPT, "Alt-r"), "search-regex");
    CHECK_STR_EQ(lookup_name(km, KEYS_PROMPT, "Alt-c"), "search-case");
    CHECK_STR_EQ(lookup_name(km, KEYS_PROMPT, "Shift-F3"), "search-prev");
    CHECK_STR_EQ(lookup_name(km, KEYS_PROMPT, "Enter"), "submit");
    CHECK_STR_EQ(lookup_name(km, KEYS_REPLACE, "y"), "replace-yes");
    CHECK_STR_EQ(lookup_name(km, KEYS_REPLACE, "n"), "replace-no");
    CHECK_STR_EQ(lookup_name(km, KEYS_REPLACE, "a"), "replace-all");
    CHECK_STR_EQ(lookup_name(km, KEYS_REPLACE, "Esc"), "cancel");
    CHECK_STR_EQ(lookup_name(km, KEYS_REPLACE, "x"), "(nothing)");
    CHECK(command_works_in(command_find("submit"), MODE_SEARCH));
    CHECK(command_works_in(command_find("cancel"), MODE_REPLACE_CONFIRM));
    CHECK(!command_works_in(command_find("search-regex"), MODE_ASK));
    KeyMode m;
    CHECK(keymap_mode_from_name("replace", &m) && m == KEYS_REPLACE);
    /* From the bytes a terminal sends: Ctrl-\ is 0x1c, Shift-F3 CSI 1;2R (xterm, tmux),
     * Alt-r ESC r, Alt-G ESC G, F3 SS3 R. */
    Evs e;
    run_whole("\x1c\033[1;2R\033r\033G\033OR", 14, false, &e);
    CHECK_INT_EQ(e.n, 5);
    static const struct { KeyMode mode; const char *cmd; } want[] = {
        {KEYS_EDIT, "replace"}, {KEYS_EDIT, "search-prev"}, {KEYS_PROMPT, "search-regex"},
        {KEYS_EDIT, "goto-line"}, {KEYS_EDIT, "search-next"},
    };
    for (int i = 0; i < 5 && i < e.n; i++) {
        KeyEvent k = {.code = e.ev[i].code, .cp = e.ev[i].cp, .mods = e.ev[i].mods};
        const Command *c = keymap_lookup(km, want[i].mode, &k);
        if (!c || strcmp(c->name, want[i].cmd) != 0)
            fprintf(stderr, "event %d: %s, want %s\n", i, c ? c->name : "nothing", want[i].cmd);
        CHECK(c && strcmp(c->name, want[i].cmd) == 0);
    }
    keymap_free(km);
}

int main(void)
{
    RUN(test_table);
    RUN(test_default_bindings);
    RUN(test_defaults_as_before);
    RUN(test_from_bytes);
    RUN(test_settings_bindings);
    RUN(test_help);
    RUN(test_search_bindings);
    return harness_done();
}
