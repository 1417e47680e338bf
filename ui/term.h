/* Term: the terminal, and the ONLY user of curses (term.c includes curses.h).
 *
 * A render thread owns all curses output after term_start(): the input/network thread only
 * calls term_publish(), which copies the rows of a Grid that differ from the last published
 * frame into a shared front buffer under a mutex and signals a condition variable. The render
 * thread copies the dirty rows out, paints them into curses and ends with one doupdate(). A
 * slow terminal (SSH at 50 KB/s) therefore blocks only the render thread; frames published
 * meanwhile coalesce into the next paint. The terminal cursor is left at the grid's cursor,
 * or, when the grid asks for a soft cursor, hidden, with the caret's cell in reverse video.
 *
 * Keys are not read through curses (see ui/keys.h): term_start puts the tty in raw mode and
 * enables bracketed paste; term_stop restores everything and is idempotent. */
#ifndef FLINT_UI_TERM_H
#define FLINT_UI_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "themes/palette.h"
#include "themes/theme.h"
#include "ui/grid.h"

typedef struct Term Term;

typedef struct TermStats {
    uint64_t frames_published;  /* term_publish calls that changed something */
    uint64_t frames_painted;    /* doupdate() calls by the render thread */
    uint64_t rows_painted;
} TermStats;

/* Initialises curses on stdout (the terminal), applies the theme, starts the render thread.
 * SIGTSTP gets an action of flint's first (if it had the default), so that curses never
 * touches it: the caller blocks it and reads it from a signalfd, and a pending one survives
 * the frames painted meanwhile. */
Term *term_start(const Theme *theme, ErrorBuf *err);
/* Stops the render thread, restores the terminal. Safe to call more than once. */
void term_stop(Term *t);
void term_free(Term *t);  /* term_stop + free; accepts NULL */
/* The size curses has, or the size of a resize asked for (term_resize) that the render
 * thread has not applied yet. */
void term_size(const Term *t, int *cols, int *rows);
/* Asks the render thread to resize curses to cols x rows before its next paint, which clears
 * and repaints the whole screen (the terminal has reflowed it). The next term_publish wakes
 * the thread for it even when the frame is unchanged (SIGWINCHes coalescing A -> B -> A). */
void term_resize(Term *t, int cols, int rows);
/* Copies the rows of g that differ from the last published frame and wakes the render thread
 * when anything changed (rows, cursor, a pending resize). */
void term_publish(Term *t, const Grid *g);
/* Gives the terminal back to another program (the question in $EDITOR) until term_resume
 * (see term_suspend below: the same as before SIGSTOP); term_resume puts curses' modes,
 * paste, mouse and the kitty flags back and repaints everything (term_redraw_all, as after
 * SIGCONT). Frames published meanwhile are kept for that repaint. */
void term_resume(Term *t);
/* The next paint clears and repaints everything (Ctrl-L, SIGCONT); before it the render
 * thread restores curses' tty modes and re-enables bracketed paste, which whatever ran while
 * we were stopped may have reset. */
void term_redraw_all(Term *t);
/* Rings the terminal's bell (BEL, from the render thread). Nothing else: no desktop
 * notification is sent. */
void term_bell(Term *t);
/* Writes bytes (a desktop notification built by ui/notify.h, at most 511 bytes; longer is
 * dropped) to the terminal after the next frame, from the render thread. */
void term_notify(Term *t, const char *bytes, size_t len);
TermStats term_stats(Term *t);
/* Mouse reporting (xterm modes 1000 press/release, 1002 drags, 1006 SGR coordinates) on or
 * off. The render thread writes the mode between two frames; term_stop turns it off again
 * (exit, crash, the fatal hook), and after SIGCONT (term_redraw_all) it is put back. */
void term_set_mouse(Term *t, bool on);
/* The kitty keyboard protocol's "disambiguate escape codes" flag pushed (CSI > 1 u: Esc then
 * arrives as CSI 27 u, never a lone ESC) or popped (CSI < u). Written by the render thread
 * between frames; term_stop and term_suspend pop it before leaving the alternate screen
 * (kitty keeps a stack per screen), SIGCONT's term_redraw_all pushes it again once back on
 * it (after a pop, so the stack holds one entry at most). Only for a terminal that answered
 * the query (ui/keys.h's KeysReplies). */
void term_set_kitty_keys(Term *t, bool on);
/* Our flags are on the terminal's stack now. Async-signal-safe (an atomic load): the crash
 * handler asks it to pop them. */
bool term_kitty_keys_on(const Term *t);
/* The terminal erases in the current background colour (terminfo bce), so a row shaded to
 * its end costs one erase rather than a run of spaces. False for NULL. */
bool term_has_bce(const Term *t);
/* Before the process stops (SIGTSTP): the render thread leaves the terminal as found (curses'
 * modes, bracketed paste, mouse, kitty flags) and this returns once it has. SIGCONT's
 * term_redraw_all puts everything back. */
/* term_suspend returns once it has; nothing is painted while suspended. No-op when
 * stopped. */
void term_suspend(Term *t);

/* What terminfo says about a terminal type, read without drawing (flint --doctor). */
typedef struct TermCaps {
    bool known;       /* terminfo has the type */
    int colors;       /* its colours (-1: none) */
    bool rgb;         /* the RGB or Tc flag: direct colour */
    bool bce;         /* background colour erase */
    bool cup;         /* it can place the cursor */
    bool kmous;       /* it has a mouse key (xterm mouse reports) */
    bool alt_screen;  /* smcup */
} TermCaps;
/* False (and *out zeroed) when terminfo does not know term. Never uses the screen. */
bool term_caps(const char *term, TermCaps *out);
/* With COLORTERM=truecolor (or 24bit) and a $TERM that is not a *-direct type: the direct type
 * of its family that terminfo has (xterm-256color -> xterm-direct), written to out, which
 * term_start then uses; else NULL. Reads terminfo, never the screen. */
const char *term_direct_type(char *out, size_t size);

/* Another theme while running: the render thread sets the colour pairs up again before its
 * next paint, which repaints the whole screen. Copied. */
void term_set_theme(Term *t, const Theme *theme);
/* The colour depth term_start decided (themes/palette.h): NO_COLOR or no colours is
 * COLOUR_MONO; COLORTERM=truecolor uses the *-direct terminfo type of $TERM's family when
 * terminfo has one. */
ColourMode term_colour_mode(const Term *t);

/* Writes a control string the app built (an OSC 52 clipboard sequence, possibly wrapped for
 * tmux) from the render thread between two frames, never into the middle of curses' output.
 * Copied; queued in order. */
void term_send_control(Term *t, const char *seq);

#endif
