/* ListView: a small boxed list drawn over the panes, with one selected row: the buffer list
 * (Alt-B) and the open prompt's completions. Lines are owned copies; the box is as wide as
 * the longest line (up to the screen) and scrolls to keep the selection visible.
 * Errors: none (allocation aborts). */
#ifndef FLINT_UI_LIST_VIEW_H
#define FLINT_UI_LIST_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/grid.h"

typedef struct ListView {
    bool active;
    char title[128];
    char **lines;
    size_t n;
    size_t selected;  /* SIZE_MAX: none */
    size_t top;       /* first line shown */
} ListView;

/* Shows lines ('\n'-separated) with selected (clamped; SIZE_MAX: none). */
void list_view_set(ListView *lv, const char *title, const char *lines, size_t selected);
void list_view_move(ListView *lv, int delta);
void list_view_free(ListView *lv);
void list_view_draw(ListView *lv, Grid *g);

#endif
