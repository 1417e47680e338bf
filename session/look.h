/* Look: the theme and the layout the user chose in the app (Alt-T, Alt-L, Alt-S, Alt-< Alt->
 * and the divider's drag), remembered across sessions in a small state file:
 * $XDG_STATE_HOME/flint/look.conf (an absolute XDG_STATE_HOME, else ~/.local/state/flint/).
 *
 *   # flint: the look chosen in the app (settings and --theme win over it)
 *   theme = light
 *   layout = side          # auto (by width), side (side by side) or stacked
 *   split = 60             # the editor's share in percent (0: the default)
 *   swap = yes             # the answer pane first
 *
 * One `key = value` per line; blanks and `#` comments (whole lines or after a value) are
 * skipped, spaces around key and value too; an unknown key is ignored (a newer flint may write
 * more). Each key is optional. Zoom is momentary and never written.
 *
 * Writing: look_save makes the directory (0700) and replaces the file atomically (0600, temp
 * + rename: core/fdio's fdio_replace_file, without fsync: a lost look costs nothing).
 *
 * Ownership: a Look is a plain value (the theme name is inline). Errors (tier 3): look_parse
 * is false for a damaged file ("look.conf:3: ..."): a line without '=', a value that is not
 * one of its key's, a theme name that is no name, a NUL byte, a file over LOOK_FILE_MAX bytes;
 * *out then holds no choice at all (the whole file is ignored). look_load adds the file's
 * read errors; a missing file is no error (found false). look_save: "cannot write PATH: ...". */
#ifndef FLINT_SESSION_LOOK_H
#define FLINT_SESSION_LOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/strbuf.h"

#define LOOK_FILE_MAX 4096   /* a bigger file is not one flint wrote */
#define LOOK_THEME_MAX 64    /* a theme's name, NUL included */

typedef enum LookArrange {
    LOOK_ARRANGE_AUTO,   /* side by side or stacked by the terminal's width */
    LOOK_ARRANGE_SIDE,
    LOOK_ARRANGE_STACK,
} LookArrange;

typedef struct Look {
    char theme[LOOK_THEME_MAX]; /* a built-in theme's name; "" none remembered */
    LookArrange arrange;
    int split;                  /* the editor's share, 1..99 (the app clamps); 0: default */
    bool swapped;
} Look;

/* Parses a look file's bytes (name only labels messages). False (err set, *out cleared) when
 * the file is damaged: see the header. */
bool look_parse(const char *data, size_t len, const char *name, Look *out, ErrorBuf *err);
/* The file's text for l (what look_save writes): a comment line, then every key. */
void look_format(const Look *l, StrBuf *out);
/* The file's path from the environment, appended to out; false when neither XDG_STATE_HOME
 * (absolute) nor HOME is set. */
bool look_default_path(StrBuf *out);
/* Reads and parses path. A missing file: true, *found false, *out cleared. */
bool look_load(const char *path, Look *out, bool *found, ErrorBuf *err);
/* Writes l to path (the directory made 0700, the file 0600, atomically). */
bool look_save(const char *path, const Look *l, ErrorBuf *err);

#endif
