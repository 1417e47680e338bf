/* Private to the Term module: included by ui/term.c and ui/term_box.c only, never by another
 * file. The module is split by thread: ui/term.c is the render thread, the only user of
 * curses (and term_start/stop/free); ui/term_box.c is the main thread's side of term.h
 * (term_publish, term_resize, term_bell, ...), which needs no curses. What they share:
 *
 * TermBox: what the main (input/network) thread and the render thread share.
 *
 * The main thread only ever touches a Term through this box: it puts a published frame's
 * changed rows in `front` (marking them dirty), the cursor, and requests (a resize, repaint
 * everything, clear the screen, bells, a notification, terminal modes, control strings, a
 * new theme, suspend) under `mu`, and signals `cv`; it never blocks on the terminal. The
 * render thread (ui/term.c, the only user of curses) takes them out under the same lock.
 * Only the main thread replaces `front` (on a size change), so it may read front_cols and
 * front_rows without the lock. Neither thread allocates while holding mu: xmalloc aborts
 * through the fatal hook, which calls term_stop(), which takes mu.
 *
 * A Term begins with its TermBox, so ui/term_box.c reaches it from a Term * without knowing
 * the rest. Set once before the render thread starts and read-only after: bce, mode.
 * Errors: none. */
#ifndef FLINT_UI_TERM_INTERNAL_H
#define FLINT_UI_TERM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "themes/palette.h"
#include "themes/theme.h"
#include "ui/grid.h"
#include "ui/term.h"

/* A control string waiting for the render thread (term_send_control). */
typedef struct TermControl {
    struct TermControl *next;
    size_t len;
    char bytes[];
} TermControl;

typedef struct TermBox {
    /* --- guarded by mu --- */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Cell *front;
    bool *dirty;
    int front_cols, front_rows;
    int cursor_x, cursor_y;
    bool cursor_visible;
    bool cursor_soft;
    bool work; /* something for the render thread to do */
    bool quit;
    bool resize_pending;
    int resize_cols, resize_rows;
    bool repaint_all;
    bool clear_screen;
    unsigned bells;
    char notify[512];  /* a notification's bytes to write after the next frame (term_notify) */
    size_t notify_len;
    bool mouse_want;      /* mouse reporting asked for */
    bool mouse_dirty;     /* ... and not yet written */
    bool kitty_want;      /* kitty keyboard flags pushed (CSI > 1 u) asked for */
    bool kitty_dirty;     /* ... and not yet written */
    bool suspend_req;     /* term_suspend: leave the terminal as found, then say so */
    bool suspended;       /* ... it did: nothing is painted until term_resume / redraw_all */
    TermControl *controls; /* control strings to write, oldest first */
    Theme *theme_next;    /* term_set_theme: the pairs to set up before the next paint */
    int curses_cols, curses_rows; /* the size curses has, for term_size() */
    TermStats stats;

    /* --- the thread that started the Term --- */
    bool thread_running;
    bool stopped;
    /* --- set once before the render thread starts --- */
    bool bce;             /* terminfo bce */
    ColourMode mode;      /* decided in term_start */
    /* our kitty flags are on the terminal's stack (render thread; read by the crash handler) */
    atomic_bool kitty_on;
} TermBox;

void term_box_init(TermBox *b);
/* Frees what the box owns (front, dirty, queued controls, a pending theme). */
void term_box_destroy(TermBox *b);

#endif
