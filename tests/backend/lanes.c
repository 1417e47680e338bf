/* Per-lane response chains of one connection (see lanes.h). */
#include "tests/backend/lanes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

const Lane *lanes_by_id(const Lanes *l, const char *id)
{
    for (size_t i = 0; id && i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

static Lane *find(const Lanes *l, const char *name)
{
    if (!name)
        name = "";
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

const Lane *lanes_by_name(const Lanes *l, const char *name) { return find(l, name); }

void lanes_set(Lanes *l, const char *name, const char *id, long total_tokens)
{
    Lane *lane = find(l, name);
    if (!lane) {
        if (l->n == LANES_MAX) { /* forget the least recently used lane */
            size_t old = 0;
            for (size_t i = 1; i < l->n; i++)
                if (l->v[i].used < l->v[old].used)
                    old = i;
            l->v[old] = l->v[--l->n];
        }
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 4;
            l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        }
        lane = &l->v[l->n++];
        snprintf(lane->name, sizeof lane->name, "%s", name ? name : "");
    }
    snprintf(lane->id, sizeof lane->id, "%s", id);
    lane->total_tokens = total_tokens;
    lane->used = ++l->clock;
}

void lanes_evict(Lanes *l, const char *name, const char *id)
{
    Lane *lane = find(l, name);
    if (lane && id && strcmp(lane->id, id) == 0)
        *lane = l->v[--l->n];
}

void lanes_free(Lanes *l)
{
    free(l->v);
    *l = (Lanes){0};
}
