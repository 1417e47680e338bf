/* QueueView (see queue_view.h). */
#include "ui/queue_view.h"

#include <stdio.h>
#include <string.h>

#include "themes/theme.h"

int queue_view_rows(const AskQueue *q, int pane_rows)
{
    if (!q || ask_queue_count(q) == 0 || pane_rows < 4)
        return 0;
    size_t n = ask_queue_count(q);
    int rows = 1 + (int)(n < QUEUE_VIEW_MAX_ITEMS ? n : QUEUE_VIEW_MAX_ITEMS);
    return rows > pane_rows / 2 ? pane_rows / 2 : rows;
}

void queue_view_draw(const AskQueue *q, Grid *g, Rect r)
{
    if (rect_empty(r) || !q)
        return;
    size_t n = ask_queue_count(q);
    grid_fill(g, r.x, r.y, r.w, r.h, STYLE_MODEL_NOTE);
    char title[128];
    snprintf(title, sizeof title, " queued %zu%s \xc2\xb7 Alt-Backspace drops the last", n,
             ask_queue_paused(q) ? " (paused: Enter on an empty prompt sends the next)" : "");
    grid_put_text(g, r.x, r.y, r.x + r.w, title, strlen(title), STYLE_PANE_TITLE, STYLE_CONTROL,
                  r.x, 0);
    int items = r.h - 1;
    for (int i = 0; i < items && (size_t)i < n; i++) {
        int y = r.y + 1 + i;
        if (i == items - 1 && n > (size_t)items) {
            char more[64];
            snprintf(more, sizeof more, "  +%zu more", n - (size_t)i);
            grid_put_text(g, r.x, y, r.x + r.w, more, strlen(more), STYLE_MODEL_NOTE,
                          STYLE_CONTROL, r.x, 0);
            break;
        }
        char num[16];
        int nl = snprintf(num, sizeof num, " %d. ", i + 1);
        int x = grid_put_text(g, r.x, y, r.x + r.w, num, (size_t)nl, STYLE_MODEL_NOTE,
                              STYLE_CONTROL, r.x, 0);
        const char *t = ask_queue_at(q, (size_t)i);
        size_t len = strcspn(t, "\n");
        x = grid_put_text(g, x, y, r.x + r.w, t, len, STYLE_MODEL_USER, STYLE_CONTROL, x, 4);
        if (t[len] == '\n' && x < r.x + r.w)
            grid_put(g, x, y, r.x + r.w, 0x2026 /* … */, STYLE_MODEL_NOTE);
    }
}
