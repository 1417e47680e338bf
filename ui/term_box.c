/* The main thread's side of a Term (ui/term.h): term_publish and the other calls that only
 * touch the TermBox it shares with the render thread (ui/term_internal.h). No curses. */
#include "ui/term_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* A Term begins with its TermBox (ui/term.c). */
static TermBox *box_of(Term *t) { return (TermBox *)(void *)t; }

void term_box_init(TermBox *b)
{
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
}

void term_box_destroy(TermBox *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b->front);
    free(b->dirty);
    while (b->controls) {
        TermControl *next = b->controls->next;
        free(b->controls);
        b->controls = next;
    }
    free(b->theme_next);
}

static void wake(TermBox *t)
{
    t->work = true;
    pthread_cond_signal(&t->cv);
}

void term_size(const Term *t, int *cols, int *rows)
{
    if (!t)
        return;
    TermBox *m = box_of((Term *)t); /* the lock is not part of the value */
    pthread_mutex_lock(&m->mu);
    *cols = m->resize_pending ? m->resize_cols : m->curses_cols;
    *rows = m->resize_pending ? m->resize_rows : m->curses_rows;
    pthread_mutex_unlock(&m->mu);
}

void term_resize(Term *term, int cols, int rows)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped || cols <= 0 || rows <= 0)
        return;
    pthread_mutex_lock(&t->mu);
    t->resize_pending = true;
    t->resize_cols = cols;
    t->resize_rows = rows;
    /* No wake: the frame composed for the new size follows (ui_resize + publish), and both
     * go out in one doupdate instead of the old frame being painted at the new size first. */
    pthread_mutex_unlock(&t->mu);
}

void term_publish(Term *term, const Grid *g)
{
    TermBox *t = box_of(term);
    if (!t || !g || t->stopped || g->cols <= 0 || g->rows <= 0 || !g->cells)
        return;
    int cols = g->cols, rows = g->rows;
    size_t n = (size_t)cols * (size_t)rows;
    Cell *new_front = NULL, *old_front = NULL;
    bool *new_dirty = NULL, *old_dirty = NULL;
    if (cols != t->front_cols || rows != t->front_rows) { /* allocate before locking */
        new_front = xmalloc(n * sizeof *new_front);
        new_dirty = xcalloc((size_t)rows, sizeof *new_dirty);
    }
    pthread_mutex_lock(&t->mu);
    bool changed = false;
    if (new_front) {
        old_front = t->front;
        old_dirty = t->dirty;
        t->front = new_front;
        t->dirty = new_dirty;
        t->front_cols = cols;
        t->front_rows = rows;
        memcpy(t->front, g->cells, n * sizeof *t->front);
        for (int y = 0; y < rows; y++)
            t->dirty[y] = true;
        t->repaint_all = true; /* the old frame's cells outside the new one must go */
        changed = true;
    } else {
        for (int y = 0; y < rows; y++) {
            Cell *dst = t->front + (size_t)y * cols;
            const Cell *src = g->cells + (size_t)y * cols;
            /* Cell has no padding holes and the grid zeroes pad (grid.h): memcmp is exact. */
            if (memcmp(dst, src, (size_t)cols * sizeof *dst) != 0) {
                memcpy(dst, src, (size_t)cols * sizeof *dst);
                t->dirty[y] = true;
                changed = true;
            }
        }
    }
    if (g->cursor_x != t->cursor_x || g->cursor_y != t->cursor_y ||
        g->cursor_visible != t->cursor_visible || g->cursor_soft != t->cursor_soft) {
        t->cursor_x = g->cursor_x;
        t->cursor_y = g->cursor_y;
        t->cursor_visible = g->cursor_visible;
        t->cursor_soft = g->cursor_soft;
        changed = true;
    }
    /* A resize is a change even when the frame is not: SIGWINCHes that coalesce A -> B -> A
     * leave the grid's size and rows as they were, but the terminal has reflowed (or
     * cleared) its screen, which only the resize's full repaint puts right. */
    if (t->resize_pending)
        changed = true;
    if (changed) {
        t->stats.frames_published++;
        wake(t);
    }
    pthread_mutex_unlock(&t->mu);
    free(old_front);
    free(old_dirty);
}

void term_resume(Term *t)
{
    term_redraw_all(t); /* everything repainted, the modes put back (as after SIGCONT) */
}

void term_redraw_all(Term *term)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped)
        return;
    pthread_mutex_lock(&t->mu);
    t->suspended = false;
    t->repaint_all = true;
    t->clear_screen = true;
    wake(t);
    pthread_mutex_unlock(&t->mu);
}

void term_notify(Term *term, const char *bytes, size_t len)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped || len >= sizeof t->notify)
        return;
    pthread_mutex_lock(&t->mu);
    memcpy(t->notify, bytes, len);
    t->notify_len = len;
    wake(t);
    pthread_mutex_unlock(&t->mu);
}

void term_bell(Term *term)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped)
        return;
    pthread_mutex_lock(&t->mu);
    t->bells++;
    wake(t);
    pthread_mutex_unlock(&t->mu);
}

TermStats term_stats(Term *term)
{
    TermBox *t = box_of(term);
    TermStats s = {0};
    if (!t)
        return s;
    pthread_mutex_lock(&t->mu);
    s = t->stats;
    pthread_mutex_unlock(&t->mu);
    return s;
}

/* A terminal mode the render thread writes between frames (mouse reporting, kitty flags):
 * wanted on or off; dirty until it is written. */
static void set_mode(TermBox *t, bool *want, bool *dirty, bool on)
{
    if (!t || t->stopped)
        return;
    pthread_mutex_lock(&t->mu);
    if (*want != on) {
        *want = on;
        *dirty = true;
        wake(t);
    }
    pthread_mutex_unlock(&t->mu);
}

void term_set_mouse(Term *term, bool on)
{
    TermBox *t = box_of(term);
    if (t)
        set_mode(t, &t->mouse_want, &t->mouse_dirty, on);
}

void term_set_kitty_keys(Term *term, bool on)
{
    TermBox *t = box_of(term);
    if (t)
        set_mode(t, &t->kitty_want, &t->kitty_dirty, on);
}

bool term_has_bce(const Term *t) { return t && box_of((Term *)t)->bce; }

bool term_kitty_keys_on(const Term *t)
{
    return t && atomic_load(&box_of((Term *)t)->kitty_on);
}

void term_suspend(Term *term)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped || !t->thread_running)
        return;
    pthread_mutex_lock(&t->mu);
    t->suspended = false;
    t->suspend_req = true;
    wake(t);
    while (!t->suspended && !t->quit)
        pthread_cond_wait(&t->cv, &t->mu);
    pthread_mutex_unlock(&t->mu);
}

void term_send_control(Term *term, const char *seq)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped || !seq || !*seq)
        return;
    size_t n = strlen(seq);
    TermControl *c = xmalloc(sizeof *c + n); /* before the lock: xmalloc may abort */
    c->next = NULL;
    c->len = n;
    memcpy(c->bytes, seq, n);
    pthread_mutex_lock(&t->mu);
    TermControl **tail = &t->controls;
    while (*tail)
        tail = &(*tail)->next;
    *tail = c;
    wake(t);
    pthread_mutex_unlock(&t->mu);
}

void term_set_theme(Term *term, const Theme *theme)
{
    TermBox *t = box_of(term);
    if (!t || t->stopped || !theme)
        return;
    Theme *copy = xmalloc(sizeof *copy); /* before the lock: xmalloc may abort */
    *copy = *theme;
    pthread_mutex_lock(&t->mu);
    Theme *old = t->theme_next;
    t->theme_next = copy;
    t->repaint_all = true;
    wake(t);
    pthread_mutex_unlock(&t->mu);
    free(old);
}

ColourMode term_colour_mode(const Term *t)
{
    return t ? box_of((Term *)t)->mode : COLOUR_MONO; /* set once before the render thread */
}

