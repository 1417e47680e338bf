/* AskQueue (see ask_queue.h): an array of owned strings, head first. A queue holds what one
 * person types while answers stream, so shifting on take is nothing. */
#include "session/ask_queue.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct AskQueue {
    char **items;
    size_t n, cap;
    bool paused;
};

AskQueue *ask_queue_new(void) { return xcalloc(1, sizeof(AskQueue)); }

void ask_queue_free(AskQueue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->items[i]);
    free(q->items);
    free(q);
}

size_t ask_queue_count(const AskQueue *q) { return q->n; }

const char *ask_queue_at(const AskQueue *q, size_t i)
{
    BUG_ON(i >= q->n);
    return q->items[i];
}

void ask_queue_push(AskQueue *q, const char *text)
{
    q->items = xgrow(q->items, &q->cap, q->n + 1, sizeof *q->items);
    q->items[q->n++] = xstrdup(text);
}

void ask_queue_push_front(AskQueue *q, const char *text)
{
    q->items = xgrow(q->items, &q->cap, q->n + 1, sizeof *q->items);
    memmove(q->items + 1, q->items, q->n * sizeof *q->items);
    q->items[0] = xstrdup(text);
    q->n++;
}

char *ask_queue_take(AskQueue *q)
{
    if (!q->n)
        return NULL;
    char *t = q->items[0];
    memmove(q->items, q->items + 1, (q->n - 1) * sizeof *q->items);
    q->n--;
    return t;
}

bool ask_queue_drop_last(AskQueue *q)
{
    if (!q->n)
        return false;
    free(q->items[--q->n]);
    return true;
}

bool ask_queue_paused(const AskQueue *q) { return q->paused; }
void ask_queue_set_paused(AskQueue *q, bool paused) { q->paused = paused; }
