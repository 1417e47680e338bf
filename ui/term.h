/* Term: the terminal, and the ONLY user of curses (term.c includes curses.h).
 *
 * A render thread owns all curses output after term_start(): the input/network thread only
 * calls term_publish(), which copies the rows of a Grid that differ from the last published
 * frame into a shared front buffer under a mutex and signals a condition variable. The render
 * thread copies the dirty rows out, paints them into curses and ends with one doupdate(). A
 * slow terminal (SSH at 50 KB/s) therefore blocks only the render thread; frames published
 * meanwhile coalesce into the next paint. The terminal cursor is left at the grid's cursor.
 *
 * Keys are not read through curses (see ui/keys.h): term_start puts the tty in raw mode and
 * enables bracketed paste; term_stop restores everything and is idempotent. */
#ifndef FLINT_UI_TERM_H
#define FLINT_UI_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "themes/theme.h"
#include "ui/grid.h"

typedef struct Term Term;

typedef struct TermStats {
    uint64_t frames_published;  /* term_publish calls that changed something */
    uint64_t frames_painted;    /* doupdate() calls by the render thread */
    uint64_t rows_painted;
} TermStats;

/* Initialises curses on stdout (the terminal), applies the theme, starts the render thread. */
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
/* Gives the terminal to another program (the question in $EDITOR): the render thread
 * leaves curses (endwin), turns bracketed paste and mouse reporting off, and paints nothing
 * until term_resume, which puts curses' tty modes, paste and mouse back and repaints
 * everything (as after SIGCONT). Frames published meanwhile are kept for that repaint.
 * term_suspend returns once the terminal is given back. No-ops when stopped. */
void term_suspend(Term *t);
void term_resume(Term *t);
/* The next paint clears and repaints everything (Ctrl-L, SIGCONT); before it the render
 * thread restores curses' tty modes and re-enables bracketed paste, which whatever ran while
 * we were stopped may have reset. */
void term_redraw_all(Term *t);
/* Rings the terminal's bell (BEL, from the render thread). Nothing else: no desktop
 * notification is sent. */
void term_bell(Term *t);
TermStats term_stats(Term *t);
/* Mouse reporting (xterm modes 1000 press/release, 1002 drags, 1006 SGR coordinates) on or
 * off. The render thread writes the mode between two frames; term_stop turns it off again
 * (exit, crash, the fatal hook), and after SIGCONT (term_redraw_all) it is put back. */
void term_set_mouse(Term *t, bool on);
/* Writes a control string the app built (an OSC 52 clipboard sequence, possibly wrapped for
 * tmux) from the render thread between two frames, never into the middle of curses' output.
 * Copied; queued in order. */
void term_send_control(Term *t, const char *seq);

#endif
