/* ListView: lines as an array of owned strings; drawn centred, a title row, then as many
 * lines as fit, `top` moved just enough to keep the selection in view. */
#include "ui/list_view.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "themes/theme.h"

static void clear_lines(ListView *lv)
{
    for (size_t i = 0; i < lv->n; i++)
        free(lv->lines[i]);
    free(lv->lines);
    lv->lines = NULL;
    lv->n = 0;
}

void list_view_set(ListView *lv, const char *title, const char *lines, size_t selected)
{
    clear_lines(lv);
    size_t cap = 0;
    for (const char *p = lines ? lines : ""; *p;) {
        size_t len = strcspn(p, "\n");
        lv->lines = xgrow(lv->lines, &cap, lv->n + 1, sizeof *lv->lines);
        lv->lines[lv->n++] = xstrndup(p, len);
        p += len + (p[len] == '\n');
    }
    snprintf(lv->title, sizeof lv->title, "%s", title ? title : "");
    lv->selected = selected == SIZE_MAX || lv->n == 0 ? SIZE_MAX
                   : selected < lv->n ? selected : lv->n - 1;
    lv->top = 0;
    lv->active = true;
}

void list_view_move(ListView *lv, int delta)
{
    if (lv->selected == SIZE_MAX || lv->n == 0)
        return;
    if (delta < 0)
        lv->selected = (size_t)-delta > lv->selected ? 0 : lv->selected - (size_t)-delta;
    else
        lv->selected = lv->selected + (size_t)delta >= lv->n ? lv->n - 1 : lv->selected + (size_t)delta;
}

void list_view_free(ListView *lv)
{
    clear_lines(lv);
    lv->active = false;
}

void list_view_draw(ListView *lv, Grid *g)
{
    int inner = grid_text_width(lv->title, strlen(lv->title), 0, 0);
    for (size_t i = 0; i < lv->n; i++) {
        int w = grid_text_width(lv->lines[i], strlen(lv->lines[i]), 0, 0);
        if (w > inner)
            inner = w;
    }
    int bw = inner + 4, bh = (int)lv->n + 3; /* border, title, lines, border */
    if (bw > g->cols)
        bw = g->cols;
    if (bh > g->rows - 1)
        bh = g->rows - 1; /* the status line stays visible: it asks the question */
    if (bw < 4 || bh < 4)
        return;
    int rows = bh - 3;
    if (lv->selected != SIZE_MAX) {
        if (lv->selected < lv->top)
            lv->top = lv->selected;
        if (lv->selected >= lv->top + (size_t)rows)
            lv->top = lv->selected + 1 - (size_t)rows;
    }
    int x0 = (g->cols - bw) / 2, y0 = (g->rows - 1 - bh) / 2;
    int x1 = x0 + bw - 1;
    grid_box(g, x0, y0, bw, bh, STYLE_PANE_TITLE);
    grid_put_text(g, x0 + 2, y0 + 1, x1 - 1, lv->title, strlen(lv->title), STYLE_PANE_TITLE,
                  STYLE_CONTROL, x0 + 2, 0);
    for (int r = 0; r < rows && lv->top + (size_t)r < lv->n; r++) {
        size_t i = lv->top + (size_t)r;
        uint16_t style = i == lv->selected ? STYLE_STATUS_ACCENT : STYLE_PANE_TITLE;
        int y = y0 + 2 + r;
        if (i == lv->selected)
            grid_fill(g, x0 + 1, y, bw - 2, 1, style);
        grid_put_text(g, x0 + 2, y, x1 - 1, lv->lines[i], strlen(lv->lines[i]), style,
                      STYLE_CONTROL, x0 + 2, 0);
    }
}
