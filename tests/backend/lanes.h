/* One response chain per stream_id lane of a flint-backend connection (PROTOCOL.md 1.5):
 * store:false semantics per lane, so each lane can continue only its own most recent
 * response, and a create on one lane never evicts another lane's. The default lane (no
 * stream_id) is "". A create may name the latest response of any lane as its parent (a
 * fork); the new response becomes the latest of the create's own lane.
 *
 * Lanes is a small growable table owned by its Conn (zeroed = empty; lanes_free releases).
 * At LANES_MAX lanes the least recently used one is forgotten. Error tier: none. */
#ifndef FLINT_BACKEND_LANES_H
#define FLINT_BACKEND_LANES_H

#include <stddef.h>

typedef struct Lane {
    char name[257];     /* the stream_id; "" for the default lane */
    char id[40];        /* its latest response */
    long total_tokens;  /* that response's input + output tokens (the next one's cache) */
    unsigned long used; /* for LRU eviction */
} Lane;

typedef struct Lanes {
    Lane *v;
    size_t n, cap;
    unsigned long clock;
} Lanes;

#define LANES_MAX 64

/* The lane whose latest response is id (NULL: none; a fork's parent may be on any lane). */
const Lane *lanes_by_id(const Lanes *l, const char *id);
/* The lane named name (NULL or "" for the default); NULL when it has no response. */
const Lane *lanes_by_name(const Lanes *l, const char *name);
/* Records id as the latest response of lane name. */
void lanes_set(Lanes *l, const char *name, const char *id, long total_tokens);
/* Forgets lane name's response if it is id (a failed continuation evicts its parent). */
void lanes_evict(Lanes *l, const char *name, const char *id);
void lanes_free(Lanes *l);

#endif
