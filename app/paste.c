/* Paste: one pass over the bytes into a copy (CR LF -> LF, CR -> LF), inserted inside one
 * undo group. */
#include "app/paste.h"

#include <stdlib.h>

#include "core/xalloc.h"

void paste_into_buffer(Buffer *b, const char *s, size_t n)
{
    char *copy = xmalloc(n ? n : 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            copy[m++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            copy[m++] = s[i];
        }
    }
    buffer_group_begin(b);
    buffer_insert(b, copy, m);
    buffer_group_end(b);
    free(copy);
}
