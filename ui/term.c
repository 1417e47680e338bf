/* Term: curses behind a render thread. The only file in flint that includes curses.h.
 *
 * Threads. After term_start() exactly one thread calls curses: the render thread. The main
 * (input/network) thread calls term_publish & co. (ui/term_box.c), which only touch the
 * shared TermBox (ui/term_internal.h: the published frame's rows with a dirty flag each, the
 * cursor, requests, statistics) under its `mu` and signal `cv`; they never block on the
 * terminal. A slow terminal (SSH at 50 KB/s) blocks only the render thread inside doupdate();
 * frames published meanwhile coalesce, because a published row simply overwrites the shared
 * copy and stays dirty.
 *
 * One frame on the render thread: wait until there is work; under the lock, copy the dirty
 * rows (all rows after a resize or redraw) and the cursor into the thread's private `paint`
 * buffer and clear the flags; unlock; resizeterm() if asked; write the cells of those rows that
 * differ from `shown` (what the thread last wrote into stdscr) with the wide API; place the
 * cursor; one doupdate(). Writing only changed cells keeps both our loop and curses' own
 * comparison in doupdate proportional to what changed, not to the rows touched. curses
 * compares stdscr with what it believes is on the screen and sends only the difference, so a
 * frame never clears the screen except after a resize, Ctrl-L or SIGCONT (clearok), when the
 * terminal's contents are unknown. A pending resize always wakes the thread, even if the
 * frame did not change. After Ctrl-L / SIGCONT the thread also puts back curses' tty modes,
 * bracketed paste and mouse reporting (written between two doupdates, never into the middle
 * of curses' output). The same goes for the app's control strings (OSC 52,
 * term_send_control) and mouse mode changes: queued under mu, written by the render thread
 * after a doupdate. term_stop turns mouse reporting off with bracketed paste, on every way
 * out (exit, fatal hook).
 *
 * The soft cursor (Grid.cursor_soft, while an answer streams): the terminal's cursor stays
 * hidden and the caret is its cell drawn in reverse video. curses places the hardware cursor
 * at the end of every doupdate, so a visible one costs a move to the caret and one back to the
 * text per frame (~16 bytes, 30 times a second); hidden (leaveok) it stays where the text
 * ends and the next frame goes on from there. The caret is a flag in the style of the `paint`
 * copy of its cell (SOFT_CARET), so `shown` remembers it like any other cell: a caret that
 * stays costs nothing, one that moves repaints the two cells.
 *
 * Cells arrive already made safe by Grid (ui/grid.h), but this is the last stop before the
 * terminal, so anything that could still drive it (C0, DEL, C1, surrogates, invalid code
 * points) is drawn as '?', and a character whose width disagrees with the cell's is replaced,
 * so that the terminal's cursor and ours never drift apart. Combining marks are painted only if
 * grid_is_mark() (never bidi controls, ZWJ, variation selectors or skin tones).
 *
 * Colours: one colour pair per StyleSlot (pair = slot + 1), mapped by themes/palette.h in the
 * mode decided once at start: direct colour (COLORS >= 2^24, TERM=*-direct, or COLORTERM=
 * truecolor with a *-direct type in terminfo) gets #rrggbb as is; 256-colour terminals the
 * nearest palette entry; 16- and 8-colour terminals the nearest ANSI colour (bright ones as
 * bold on 8). COLOR_DEFAULT is -1 (use_default_colors), so the terminal's own fg/bg show
 * through. NO_COLOR (no-color.org) keeps the attributes and drops the colours; without
 * colours a slot that has a background colour (a bar) is drawn in reverse video instead.
 * term_set_theme hands the render thread a new theme; it sets the pairs up again between
 * two frames and repaints everything. */
#include "ui/term.h"

#include <curses.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "core/fdio.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "themes/palette.h"
#include "ui/paint_cells.h"
#include "ui/term_internal.h"

struct Term {
    TermBox box; /* first: what the main thread shares with the render thread */

    /* --- the thread that started it --- */
    SCREEN *screen;
    pthread_t thread;
    int out_fd;

    /* --- render thread only (set up before it starts) --- */
    Cell *paint;
    bool *paint_dirty;
    Cell *shown; /* what stdscr holds, cell by cell (valid unless shown_valid is false) */
    bool shown_valid;
    int paint_cols, paint_rows;
    int cursor_shown; /* -1 unknown, 0 hidden, 1 visible */
    int soft_x, soft_y; /* the cell of `paint` holding SOFT_CARET, or -1 */
    bool mouse_on;    /* what the terminal was last told (render thread; term_stop after it) */
    short pair[STYLE__COUNT];
    attr_t attr[STYLE__COUNT];
    PaintLooks looks; /* which slots look alike, what their spaces show (paint_cells.h) */
    int palette;          /* COLOUR_DIRECT: low numbers that are palette indexes */
    int def_fg, def_bg;   /* the colours a style's "default" gets (-1: the terminal's own) */
};

/* --- colours ---------------------------------------------------------------------------- */

/* How many low colour numbers a direct-colour terminal treats as palette indexes rather than
 * packed RGB: xterm-direct sends 0-7 as SGR 30-37 and everything from 8 up as 38:2::r:g:b,
 * xterm-direct16 keeps 0-15, xterm-direct256 0-255. Found by expanding setaf. */
static int palette_size(void)
{
    const char *setaf = tigetstr("setaf");
    if (!setaf || setaf == (char *)-1)
        return 8;
    static const int sizes[] = {256, 16, 8};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const char *s = tiparm(setaf, sizes[k] - 1);
        if (s && !strstr(s, "38:2") && !strstr(s, "38;2"))
            return sizes[k];
    }
    return 0;
}

static attr_t style_attrs(uint8_t a)
{
    attr_t r = A_NORMAL;
    if (a & ATTR_BOLD) r |= A_BOLD;
    if (a & ATTR_DIM) r |= A_DIM;
    if (a & ATTR_ITALIC) r |= A_ITALIC;
    if (a & ATTR_UNDERLINE) r |= A_UNDERLINE;
    if (a & ATTR_REVERSE) r |= A_REVERSE;
    return r;
}

/* Once, at start: colours on (start_color, use_default_colors) and the mode decided. */
static void start_colours(Term *t)
{
    const char *no_color = getenv("NO_COLOR");
    bool nc = no_color && *no_color;
    bool colour = !nc && has_colors() && start_color() != ERR;
    t->def_fg = t->def_bg = -1;
    if (colour && use_default_colors() == ERR) {
        t->def_fg = COLOR_WHITE;
        t->def_bg = COLOR_BLACK;
    }
    bool direct = tigetflag("RGB") > 0 || tigetflag("Tc") > 0;
    t->box.mode = colour_mode_pick(colour ? COLORS : 0, direct && COLORS >= 0x1000000, nc);
    if (t->box.mode != COLOUR_MONO && COLOR_PAIRS <= STYLE__COUNT)
        t->box.mode = COLOUR_MONO;
    t->palette = t->box.mode == COLOUR_DIRECT ? palette_size() : 0;
    log_msg("term: COLORS=%d pairs=%d mode=%s palette=%d", colour ? COLORS : 0,
            colour ? COLOR_PAIRS : 0, colour_mode_name(t->box.mode), t->palette);
}

/* One colour pair per slot (pair = slot + 1), from the theme mapped in the mode. At start
 * and on term_set_theme (render thread: it owns curses then). Slots that look alike share the
 * first one's pair through looks.canon; never pair 0 for a slot that has a pair, though it
 * may show the same: curses resets everything (sgr0) to go to pair 0. */
static void setup_colours(Term *t, const Theme *theme)
{
    int looks[STYLE__COUNT][3];
    for (int s = 0; s < STYLE__COUNT; s++) {
        PaletteEntry e = palette_map(&theme->slot[s], t->box.mode, t->palette);
        t->attr[s] = style_attrs(e.attrs);
        t->pair[s] = 0;
        int space_bg = PAINT_BG_DEFAULT; /* no pair: the terminal's own background */
        looks[s][0] = looks[s][1] = -1000; /* pair 0 */
        if (e.coloured) {
            int fg = e.fg < 0 ? t->def_fg : e.fg, bg = e.bg < 0 ? t->def_bg : e.bg;
            if (init_extended_pair(s + 1, fg, bg) == OK) {
                t->pair[s] = (short)(s + 1);
                space_bg = bg < 0 ? PAINT_BG_DEFAULT : bg;
                looks[s][0] = fg;
                looks[s][1] = bg;
            } else {
                t->attr[s] = style_attrs(palette_map(&theme->slot[s], COLOUR_MONO, 0).attrs);
            }
        }
        if (t->attr[s] & (A_UNDERLINE | A_REVERSE))
            space_bg = PAINT_BG_VISIBLE;
        looks[s][2] = (int)t->attr[s];
        paint_looks_set(&t->looks, s, (const int(*)[3])looks, space_bg);
    }
}

/* --- painting (render thread) ----------------------------------------------------------- */

/* A control string, whole (short writes and EINTR are fdio's); a failed write is left to the
 * next frame, as curses' own output would be. */
static void write_all(int fd, const char *str)
{
    (void)fdio_write_all(fd, str, strlen(str));
}

/* Bracketed paste and focus events (CSI ? 1004 h: CSI I / CSI O among the keys) go on and off
 * together: at start and after SIGCONT, off on exit, suspend and crash. */
#define PASTE_FOCUS_ON "\033[?2004h\033[?1004h"
#define PASTE_FOCUS_OFF "\033[?2004l\033[?1004l"
#define MOUSE_ON "\033[?1000h\033[?1002h\033[?1006h"
#define MOUSE_OFF "\033[?1006l\033[?1002l\033[?1000l"
/* The kitty keyboard protocol's progressive enhancement stack
 * (https://sw.kovidgoyal.net/kitty/keyboard-protocol/): push "disambiguate escape codes" (1),
 * pop one entry. */
#define KITTY_PUSH "\033[>1u"
#define KITTY_POP "\033[<u"

static bool cp_drawable(uint32_t cp)
{
    return cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f) && cp <= 0x10FFFF &&
           !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* In a `paint` cell's style: the soft cursor's cell (never in a published grid, whose styles
 * are StyleSlots). */
#define SOFT_CARET 0x8000u

static void put_cell(Term *t, int y, int x, const wchar_t *wch, uint16_t style)
{
    int slot = (style & ~SOFT_CARET) < STYLE__COUNT ? (int)(style & ~SOFT_CARET) : STYLE_TEXT;
    attr_t attr = t->attr[slot] ^ (style & SOFT_CARET ? A_REVERSE : 0);
    cchar_t cc;
    if (setcchar(&cc, wch, attr, t->pair[slot], NULL) == ERR) {
        static const wchar_t q[] = {L'?', L'\0'};
        setcchar(&cc, q, attr, t->pair[slot], NULL);
    }
    /* ERR at the bottom-right corner only means the cursor could not advance. */
    mvwadd_wch(stdscr, y, x, &cc);
}

static bool cell_eq(const Cell *a, const Cell *b) { return memcmp(a, b, sizeof *a) == 0; }

/* Cell x of row must be written: it differs from old, or it is one half of a wide character
 * whose other half does (a pair is always written whole). old NULL: every cell. */
static bool cell_needed(const Cell *row, const Cell *old, int x, int width)
{
    if (!old || !cell_eq(&row[x], &old[x]))
        return true;
    if (row[x].width == 0 && x > 0 && !cell_eq(&row[x - 1], &old[x - 1]))
        return true;
    if (row[x].width >= 2 && x + 1 < width && !cell_eq(&row[x + 1], &old[x + 1]))
        return true;
    return false;
}

/* Writes row into stdscr's line y: the cells that differ from old (NULL: all of them). */
static void paint_row(Term *t, const Cell *row, const Cell *old, int y, int width)
{
    bool after_wide = false; /* the previous cell was drawn as a wide character */
    for (int x = 0; x < width; x++) {
        const Cell *c = &row[x];
        if (!cell_needed(row, old, x, width)) {
            after_wide = false;
            continue;
        }
        uint16_t style = c->style;
        wchar_t wch[4] = {L' ', L'\0', L'\0', L'\0'};
        if (c->width == 0) {
            if (after_wide) { /* covered by the wide character to its left */
                after_wide = false;
                continue;
            }
            put_cell(t, y, x, wch, style); /* a stray right half */
            continue;
        }
        after_wide = false;
        int want = c->width >= 2 ? 2 : 1;
        if (want == 2 && !(x + 1 < width && row[x + 1].width == 0)) {
            put_cell(t, y, x, wch, style); /* a wide character without room: a space */
            continue;
        }
        if (!cp_drawable(c->cp) || wcwidth((wchar_t)c->cp) != want) {
            wch[0] = L'?'; /* the right half (if any) is then drawn as a space */
            put_cell(t, y, x, wch, style);
            continue;
        }
        wch[0] = (wchar_t)c->cp;
        int n = 1;
        for (int k = 0; k < 2; k++) {
            /* Only what the grid keeps as a mark: never a bidi control, nor a ZWJ, variation
             * selector or skin tone, which clustering terminals (kitty, WezTerm, foot) would
             * draw at another width than the grid counted. */
            uint32_t m = c->comb[k];
            if (m && cp_drawable(m) && grid_is_mark(m))
                wch[n++] = (wchar_t)m;
        }
        put_cell(t, y, x, wch, style);
        after_wide = want == 2;
    }
}

/* Makes the private buffer cols x rows. Called without the lock (it allocates). */
static void paint_reserve(Term *t, int cols, int rows)
{
    if (cols == t->paint_cols && rows == t->paint_rows)
        return;
    free(t->paint);
    free(t->paint_dirty);
    free(t->shown);
    t->paint = xcalloc((size_t)cols * (size_t)rows, sizeof *t->paint);
    t->paint_dirty = xcalloc((size_t)rows, sizeof *t->paint_dirty);
    t->shown = xcalloc((size_t)cols * (size_t)rows, sizeof *t->shown);
    t->shown_valid = false;
    t->soft_x = t->soft_y = -1;
    t->paint_cols = cols;
    t->paint_rows = rows;
}

/* What term_stop and a suspend write on the way out, before endwin leaves the alternate
 * screen (kitty keeps a flag stack per screen): the kitty flags popped, mouse reporting and
 * bracketed paste off (the render thread is stopped, or is us). */
static void leave_modes(Term *t)
{
    if (atomic_exchange(&t->box.kitty_on, false))
        write_all(t->out_fd, KITTY_POP);
    write_all(t->out_fd, PASTE_FOCUS_OFF);
    if (t->mouse_on || t->box.mouse_want) {
        write_all(t->out_fd, MOUSE_OFF);
        t->mouse_on = false;
    }
}

/* Puts our entry on the terminal's kitty flag stack (on) or takes it off. After SIGCONT
 * (resumed) the terminal may or may not still hold it: pop first (a pop of an empty stack
 * only resets the flags), so that one entry stays at most. */
static void kitty_flags(Term *t, bool on, bool resumed)
{
    /* kitty_on is what the crash handler pops: it is set before the push is written and
     * cleared before the pop, so a crash in between pops at most once (an extra pop of an
     * empty stack only resets the flags; a missing one would leave them on). */
    bool was = atomic_exchange(&t->box.kitty_on, false);
    if (was || (resumed && on))
        write_all(t->out_fd, KITTY_POP);
    if (on) {
        atomic_store(&t->box.kitty_on, true);
        write_all(t->out_fd, KITTY_PUSH);
    }
}

/* Moves the soft cursor's flag in `paint` to cell (x, y) (x < 0: none), marking the rows it
 * leaves and enters dirty. A recopied row has lost the flag already. On the right half of a
 * wide character the caret is the whole character. */
static void soft_caret(Term *t, int x, int y)
{
    int cols = t->paint_cols;
    if (x > 0 && t->paint[(size_t)y * cols + x].width == 0)
        x--;
    if (x == t->soft_x && y == t->soft_y && (x < 0 || !t->paint_dirty[y]))
        return;
    if (t->soft_x >= 0) {
        t->paint[(size_t)t->soft_y * cols + t->soft_x].style &= (uint16_t)~SOFT_CARET;
        t->paint_dirty[t->soft_y] = true;
    }
    t->soft_x = x;
    t->soft_y = x >= 0 ? y : -1;
    if (x >= 0) {
        t->paint[(size_t)y * cols + x].style |= SOFT_CARET;
        t->paint_dirty[y] = true;
    }
}

static void *render_main(void *arg)
{
    Term *t = arg;
    for (;;) {
        pthread_mutex_lock(&t->box.mu);
        while (!t->box.quit && !t->box.suspend_req && (!t->box.work || t->box.suspended))
            pthread_cond_wait(&t->box.cv, &t->box.mu);
        if (t->box.quit) {
            pthread_mutex_unlock(&t->box.mu);
            break;
        }
        if (t->box.front_cols != t->paint_cols || t->box.front_rows != t->paint_rows) {
            int cols = t->box.front_cols, rows = t->box.front_rows;
            pthread_mutex_unlock(&t->box.mu);
            paint_reserve(t, cols, rows);
            continue; /* the size may have changed again meanwhile: look once more */
        }
        t->box.work = false;
        bool resize = t->box.resize_pending;
        int rcols = t->box.resize_cols, rrows = t->box.resize_rows;
        t->box.resize_pending = false;
        bool all = t->box.repaint_all || resize;
        bool modes = t->box.clear_screen; /* Ctrl-L or SIGCONT: the terminal may have been reset */
        bool clear = t->box.clear_screen || resize;
        t->box.repaint_all = t->box.clear_screen = false;
        unsigned bells = t->box.bells;
        t->box.bells = 0;
        char notify[sizeof t->box.notify];
        size_t notify_len = t->box.notify_len;
        memcpy(notify, t->box.notify, notify_len);
        t->box.notify_len = 0;
        bool mouse = t->box.mouse_want, mouse_dirty = t->box.mouse_dirty || modes;
        t->box.mouse_dirty = false;
        bool kitty = t->box.kitty_want, kitty_dirty = t->box.kitty_dirty || modes;
        t->box.kitty_dirty = false;
        if (t->box.suspend_req) {
            /* Leave the terminal as we found it (curses' modes, paste, mouse, kitty flags);
             * SIGCONT's term_redraw_all puts everything back. */
            t->box.suspend_req = false;
            pthread_mutex_unlock(&t->box.mu);
            leave_modes(t);
            endwin();
            pthread_mutex_lock(&t->box.mu);
            t->box.suspended = true;
            t->box.mouse_dirty = t->box.mouse_want;
            t->box.kitty_dirty = t->box.kitty_want;
            pthread_cond_broadcast(&t->box.cv);
            pthread_mutex_unlock(&t->box.mu);
            continue;
        }
        TermControl *controls = t->box.controls;
        t->box.controls = NULL;
        Theme *theme = t->box.theme_next;
        t->box.theme_next = NULL;
        if (theme)
            all = clear = true; /* every cell's pair means something else now */
        int cols = t->paint_cols, rows = t->paint_rows;
        for (int y = 0; y < rows; y++) {
            if (all || t->box.dirty[y]) {
                memcpy(t->paint + (size_t)y * cols, t->box.front + (size_t)y * cols,
                       (size_t)cols * sizeof *t->paint);
                t->paint_dirty[y] = true;
                t->box.dirty[y] = false;
            }
        }
        int cx = t->box.cursor_x, cy = t->box.cursor_y;
        bool cvis = t->box.cursor_visible, soft = t->box.cursor_soft;
        pthread_mutex_unlock(&t->box.mu);

        if (modes) {
            /* After SIGCONT whatever ran meanwhile may have reset the tty and the terminal's
             * modes: put curses' tty settings back and re-enable bracketed paste. Written
             * here, between doupdates, so it never lands inside curses' output. */
            reset_prog_mode();
            write_all(t->out_fd, PASTE_FOCUS_ON);
        }
        if (mouse_dirty && (mouse || t->mouse_on)) {
            write_all(t->out_fd, mouse ? MOUSE_ON : MOUSE_OFF);
            t->mouse_on = mouse;
        }
        /* kitty keeps a flag stack per screen: after SIGCONT the push waits for the doupdate
         * that re-enters the alternate screen. */
        if (kitty_dirty && !modes)
            kitty_flags(t, kitty, false);
        while (controls) { /* between frames: curses has flushed everything before them */
            TermControl *next = controls->next;
            (void)fdio_write_all(t->out_fd, controls->bytes, controls->len);
            free(controls);
            controls = next;
        }
        if (theme) {
            setup_colours(t, theme);
            free(theme);
        }
        if (resize && rcols > 0 && rrows > 0 && (rcols != COLS || rrows != LINES))
            resizeterm(rrows, rcols);
        if (clear)
            clearok(curscr, TRUE);
        if (all)
            werase(stdscr);
        int h = rows < LINES ? rows : LINES, w = cols < COLS ? cols : COLS;
        bool show = cvis && cx >= 0 && cy >= 0 && cx < COLS && cy < LINES;
        soft_caret(t, show && soft && cx < w && cy < h ? cx : -1, cy);
        /* After an erase, a resize or a new size, stdscr no longer holds `shown`. */
        bool whole = all || !t->shown_valid || w != cols;
        uint64_t painted = 0;
        for (int y = 0; y < rows; y++) {
            if (!t->paint_dirty[y])
                continue;
            t->paint_dirty[y] = false;
            if (y < h && w > 0) {
                Cell *row = t->paint + (size_t)y * cols, *old = t->shown + (size_t)y * cols;
                paint_cells_prepare(&t->looks, row, whole ? NULL : old, w);
                paint_row(t, row, whole ? NULL : old, y, w);
                memcpy(old, row, (size_t)cols * sizeof *old);
                painted++;
            }
        }
        /* `shown` holds every row only if the whole frame fitted and it held the others. */
        t->shown_valid = w == cols && h == rows && (all || t->shown_valid);
        if (show && !soft) {
            if (t->cursor_shown != 1)
                curs_set(1);
            t->cursor_shown = 1;
            leaveok(stdscr, FALSE);
            wmove(stdscr, cy, cx);
        } else {
            if (t->cursor_shown != 0)
                curs_set(0);
            t->cursor_shown = 0;
            leaveok(stdscr, TRUE);
        }
        wnoutrefresh(stdscr);
        if (bells)
            beep();
        doupdate();
        if (notify_len) { /* between frames, never inside curses' output */
            notify[notify_len] = '\0';
            write_all(t->out_fd, notify);
        }
        if (kitty_dirty && modes)
            kitty_flags(t, kitty, true);

        pthread_mutex_lock(&t->box.mu);
        if (t->box.stats.frames_painted == 0)
            log_msg("term: first frame painted"); /* start-up to first frame (make bench) */
        t->box.stats.frames_painted++;
        t->box.stats.rows_painted += painted;
        t->box.curses_cols = COLS;
        t->box.curses_rows = LINES;
        pthread_mutex_unlock(&t->box.mu);
    }
    return NULL;
}

/* --- the main thread's side ------------------------------------------------------------- */


/* COLORTERM=truecolor (or 24bit) says the terminal takes 24-bit colour, which curses only
 * sends when terminfo's entry says so (the *-direct types, from ncurses-term). For such a
 * terminal whose $TERM is not a direct type, the direct type of the same family
 * (xterm-256color -> xterm-direct, tmux-256color -> tmux-direct) when terminfo has it; else
 * NULL ($TERM as is: 256 colours, the nearest palette entry). */
const char *term_direct_type(char *out, size_t size)
{
    const char *term = getenv("TERM");
    if (!colour_env_truecolor(getenv("COLORTERM")) || !term || !*term || strstr(term, "direct"))
        return NULL;
    size_t base = strcspn(term, "-");
    if (base == 0 || base + sizeof "-direct" > size)
        return NULL;
    snprintf(out, size, "%.*s-direct", (int)base, term);
    TermCaps caps;
    if (!term_caps(out, &caps) || !caps.cup)
        return NULL;
    return out;
}

/* ncurses, when SIGTSTP's action is the default at newterm, installs a handler of its own and
 * sets SIGTSTP to SIG_IGN around every doupdate(). Setting SIG_IGN discards a pending SIGTSTP
 * even while it is blocked (POSIX sigaction), so a kill -TSTP that came while the render
 * thread painted a frame, before the loop read it from its signalfd, was lost: flint never
 * stopped. With an action of ours in place ncurses leaves SIGTSTP alone. The handler never
 * runs (the signal stays blocked in every thread; the app reads it from a signalfd), and exec
 * resets it for children. An inherited SIG_IGN is kept (ncurses leaves that alone too). */
static void tstp_unused(int signo)
{
    (void)signo;
}

static void keep_tstp_from_curses(void)
{
    struct sigaction now;
    if (sigaction(SIGTSTP, NULL, &now) != 0 || now.sa_handler != SIG_DFL)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tstp_unused;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
}

Term *term_start(const Theme *theme, ErrorBuf *err)
{
    Term *t = xcalloc(1, sizeof *t);
    keep_tstp_from_curses();
    t->out_fd = fileno(stdout);
    t->cursor_shown = -1;
    t->soft_x = t->soft_y = -1;
    char direct[64];
    const char *type = term_direct_type(direct, sizeof direct);
    t->screen = type ? newterm(type, stdout, stdin) : NULL;
    if (t->screen)
        log_msg("term: COLORTERM asks for truecolor: terminfo type %s", type);
    else
        t->screen = newterm(NULL, stdout, stdin);
    if (!t->screen) {
        const char *term = getenv("TERM");
        error_set(err, "cannot drive terminal type '%s' (is it in terminfo? try TERM=xterm-256color)",
                  term ? term : "(unset)");
        free(t);
        return NULL;
    }
    set_term(t->screen);
    /* A terminal that cannot place the cursor (TERM=dumb, emacs' shell, a pipe-like tty)
     * gives a blank screen that never updates: refuse it, as an unknown type is refused. */
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        const char *term = getenv("TERM");
        error_set(err, "cannot drive terminal type '%s': it cannot move the cursor "
                       "(try TERM=xterm-256color, or flint --plain)", term ? term : "(unset)");
        endwin();
        delscreen(t->screen);
        free(t);
        return NULL;
    }
    raw();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    noqiflush();
    typeahead(-1); /* we read keys elsewhere: never postpone an update because input waits */
    scrollok(stdscr, FALSE);
    leaveok(stdscr, FALSE);
    curs_set(1);
    start_colours(t);
    setup_colours(t, theme);
    t->box.bce = tigetflag("bce") > 0;
    t->box.curses_cols = COLS;
    t->box.curses_rows = LINES;
    t->box.cursor_visible = true;
    write_all(t->out_fd, PASTE_FOCUS_ON); /* bracketed paste */

    term_box_init(&t->box);
    t->box.work = true; /* the first frame clears the screen even before anything is published */
    t->box.repaint_all = true;

    /* The render thread takes no asynchronous signals (the app reads them from a signalfd);
     * faults still reach the crash handler. */
    sigset_t all, old;
    sigfillset(&all);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
        sigdelset(&all, faults[k]);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&t->thread, NULL, render_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        write_all(t->out_fd, PASTE_FOCUS_OFF);
        endwin();
        delscreen(t->screen);
        term_box_destroy(&t->box);
        free(t);
        errno = rc;
        error_errno(err, "cannot start the render thread");
        return NULL;
    }
    t->box.thread_running = true;
    return t;
}

void term_stop(Term *t)
{
    if (!t || t->box.stopped)
        return;
    t->box.stopped = true;
    if (t->box.thread_running) {
        if (pthread_equal(pthread_self(), t->thread)) {
            /* A fatal error on the render thread itself: it owns curses, restore from here. */
        } else {
            pthread_mutex_lock(&t->box.mu);
            t->box.quit = true;
            pthread_cond_signal(&t->box.cv);
            pthread_mutex_unlock(&t->box.mu);
            pthread_join(t->thread, NULL);
            t->box.thread_running = false;
        }
    }
    if (t->box.suspended)
        return; /* already left as found */
    leave_modes(t); /* before endwin: kitty's flags belong to the alternate screen */
    endwin();
}

void term_free(Term *t)
{
    if (!t)
        return;
    term_stop(t);
    if (t->box.thread_running)
        return; /* stopped from the render thread: the process is going down */
    delscreen(t->screen);
    term_box_destroy(&t->box);
    free(t->paint);
    free(t->paint_dirty);
    free(t->shown);
    free(t);
}

/* --- describing a terminal type (flint --doctor) --------------------------------------- */

static bool cap_str(const char *name)
{
    const char *v = tigetstr(name);
    return v && v != (char *)-1;
}

bool term_caps(const char *term, TermCaps *out)
{
    memset(out, 0, sizeof *out);
    if (!term || !*term)
        return false;
    /* A screen that writes nowhere: only terminfo is read. */
    FILE *sink = fopen("/dev/null", "w");
    FILE *src = fopen("/dev/null", "r");
    SCREEN *sc = sink && src ? newterm(term, sink, src) : NULL;
    if (sc) {
        SCREEN *old = set_term(sc);
        out->known = true;
        out->colors = tigetnum("colors");
        out->rgb = tigetflag("RGB") > 0 || tigetflag("Tc") > 0;
        out->bce = tigetflag("bce") > 0;
        out->cup = cap_str("cup");
        out->kmous = cap_str("kmous");
        out->alt_screen = cap_str("smcup");
        endwin();
        if (old)
            set_term(old);
        delscreen(sc);
    }
    if (sink)
        fclose(sink);
    if (src)
        fclose(src);
    return out->known;
}
