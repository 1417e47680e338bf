/* Private to the Buffer module (session/buffer_file.c): how a save writes the file.
 *
 * buffer_save_target looks at what is on disk (symlinks followed) and decides:
 *   - read_only: this user may not write the file (for root, which may write anything: the
 *     file has no write bit at all). buffer_file.c refuses such a save once; saving again
 *     tries anyway, which works when the OS allows it (root; an owner's 0444 file).
 *   - in_place: the file has several hard links, belongs to another user, has a group we
 *     could not give a new file, or sits in a directory we may not create files in. A
 *     rename would split it from its other names or change its owner or group, so it is
 *     written in place after a copy of the old contents goes to the state directory
 *     ("$XDG_STATE_HOME/flint/backup/NAME.HASH"), as vim's backupcopy=auto does: links,
 *     owner and inode stay.
 *   - otherwise (and for a new file): the atomic temp + fsync + rename, keeping the mode.
 *
 * Errors: tier 3 (bool + ErrorBuf). */
#ifndef FLINT_SESSION_BUFFER_SAVE_H
#define FLINT_SESSION_BUFFER_SAVE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/text.h"
#include "session/buffer_internal.h"

typedef struct BufferSaveTarget {
    char *target;      /* path with symlinks followed (owned) */
    bool exists;
    struct stat st;    /* of target, when it exists */
    bool read_only;
    bool in_place;
    const char *why;   /* why in place: "hard links", "owner", ... (static) */
} BufferSaveTarget;

/* Fills t for a save to path. False (with the reason) when path cannot be followed, or is a
 * directory or another non-regular file. Free with buffer_save_target_free. */
bool buffer_save_target(const char *path, BufferSaveTarget *t, ErrorBuf *err);
void buffer_save_target_free(BufferSaveTarget *t);

/* Writes text to t->target by the method t chose (path is for messages). On success
 * *written is the identity of the file now at path and backup (when not NULL) holds the
 * path of the copy an in-place write made, or "". */
bool buffer_save_write(const Text *text, const char *path, const BufferSaveTarget *t,
                       BufferDiskId *written, char *backup, size_t backup_size, ErrorBuf *err);

#endif
