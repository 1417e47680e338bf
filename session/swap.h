/* Swap files: the unsaved text of a buffer, written about a second after typing pauses so
 * that a kill -9, a crash or a power cut loses at most a moment of typing (vim's .swp, as
 * one plain file). Where: "STATE/flint/swap/NAME.HASH.swp" (buffer_swap_path: matched to the
 * file by its full path, like recovery files).
 *
 * Format: a text header, a blank line, then the buffer's bytes exactly as a save would write
 * them:
 *
 *     flint swap 1
 *     path /home/me/src/a.c      the file it belongs to (absolute, as the buffer names it)
 *     size 1234                  the file on disk it was based on: size (-1: no file yet)
 *     mtime 1700000000123456789  and mtime in ns
 *     pid 4242                   the flint that wrote it
 *     time 1700000003            when (seconds since the epoch)
 *     length 1250                bytes after the blank line
 *
 * Writes are atomic (a temp file in the same directory, then rename), never fsynced: a
 * kill -9 keeps the page cache, and an fsync per pause would stall the loop on a slow disk.
 * A failed write (a full disk, an unwritable state directory) removes its temp file and says
 * why; the previous swap, if any, stays.
 *
 * Errors: tier 3 (bool + ErrorBuf). */
#ifndef FLINT_SESSION_SWAP_H
#define FLINT_SESSION_SWAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"

typedef struct SwapInfo {
    char path[4096];     /* the file it belongs to */
    long long size;      /* -1: the file did not exist */
    long long mtime_ns;
    long pid;
    long long time;      /* seconds since the epoch */
} SwapInfo;

/* Writes h and t to swap_path (creating its directory, 0700; the file 0600). */
bool swap_write(const char *swap_path, const SwapInfo *h, const Text *t, ErrorBuf *err);
/* The same from a snapshot of the text's bytes (text_serialize): for a worker thread, which
 * must not read a Text the loop thread keeps editing. */
bool swap_write_bytes(const char *swap_path, const SwapInfo *h, const char *data, size_t len,
                      ErrorBuf *err);
/* Reads a swap: its header into h, its text into text (appended). A truncated or foreign
 * file is an error. */
bool swap_read(const char *swap_path, SwapInfo *h, StrBuf *text, ErrorBuf *err);
/* The flint that wrote it still runs (and is not this process). */
bool swap_pid_alive(long pid);
/* A unified diff of two texts with one hunk: the common first and last lines are cut off
 * and what lies between is shown as removed and added lines (not a minimal diff: enough to
 * see what recovering would change). Appends to out; nothing when they are equal. */
void swap_diff(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
               const char *name_b, StrBuf *out);

#endif
