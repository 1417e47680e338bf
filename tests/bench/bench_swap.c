/* bench_swap: the time one swap write takes (header + text to a temp file, rename) for a
 * 1 MB and a 10 MB buffer, median of 7, in a fresh directory under $TMPDIR (default /tmp).
 * The swap timer writes on the loop thread; this says what that costs a frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/swap.h"

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/flint-bench-swap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    static const size_t sizes[] = {1u << 20, 10u << 20};
    printf("%-28s %10s\n", "swap write (median of 7)", "ms");
    for (size_t s = 0; s < 2; s++) {
        StrBuf sb = {0};
        while (sb.len < sizes[s])
            sb_puts(&sb, "    if (x->next && x->next->value > limit) return lookup(x, key);\n");
        Text *t = text_new();
        text_set(t, sb.data, sb.len);
        char path[512];
        snprintf(path, sizeof path, "%s/f.swp", dir);
        SwapInfo h = {.size = (long long)sb.len, .pid = (long)getpid()};
        snprintf(h.path, sizeof h.path, "/bench/f.c");
        double ms[7];
        for (int i = 0; i < 7; i++) {
            ErrorBuf err;
            double t0 = now_ms();
            if (!swap_write(path, &h, t, &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            ms[i] = now_ms() - t0;
        }
        sort_ms(ms, 7);
        printf("%-28s %10.2f\n", s ? "10 MB buffer" : "1 MB buffer", ms[3]);
        unlink(path);
        text_free(t);
        sb_free(&sb);
    }
    rmdir(dir);
    return 0;
}
