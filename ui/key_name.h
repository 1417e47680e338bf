/* Key names: a KeyEvent's name as menus, help texts and config files write it ("Ctrl-K",
 * "Alt-x", "PgDn", "Ctrl-Shift-Right", "F2", "Space", "U+0001"), and back.
 *
 * keys_describe writes the canonical name: modifiers in the order Ctrl-, Alt-, Shift-, then
 * the key; Ctrl + a letter with its letter in upper case (the decoder delivers Ctrl-K as
 * 'k' + MOD_CTRL); a character that cannot be shown as U+XXXX. keys_parse is its inverse:
 * keys_parse(keys_describe(k)) == k for every key it can name. It is lenient where people
 * are: modifiers in any order and any case ("ctrl-shift-left", "Shift-Ctrl-Left"), key names
 * in any case, and the usual other spellings (Escape, Return, PageUp, PageDown, Del, Ins).
 * Errors: keys_parse returns false for a name it does not know (tier 3, no message: the
 * caller says which file and line). */
#ifndef FLINT_UI_KEY_NAME_H
#define FLINT_UI_KEY_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/key.h"

/* Always NUL-terminates when size > 0 (truncating). */
void keys_describe(const KeyEvent *k, char *out, size_t size);
/* name -> *out (code, cp, mods; no text). */
bool keys_parse(const char *name, KeyEvent *out);

#endif
