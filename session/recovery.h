/* Recovery files: where unsaved text goes when flint is killed or crashes, and finding it
 * again at the next start.
 *
 * A RecoveryPlan is worked out ahead of time (recovery_plan_set: at load and save-as, where
 * getenv, realpath and malloc are fine), so recovery_write needs nothing but system calls on
 * the plan's fixed arrays and the stack: it runs from crash handlers and after malloc failed.
 *
 * recovery_write tries, in order, until one works:
 *   1. next to the file: ".NAME.flint-recovery", or ".1" .. ".99" when that exists;
 *   2. the state directory "$XDG_STATE_HOME/flint/recovery" (default ~/.local/state; created):
 *      "NAME.HASH.PID" (then ".1" ..);
 *   3. a private directory "$TMPDIR/flint-recovery-UID" (default /tmp), created 0700 and used
 *      only when it is a real directory owned by this user that no one else may enter:
 *      "NAME.HASH.PID" (then ".1" ..).
 * Every failure counts, not only the create: a short write, ENOSPC, EDQUOT or EIO on write,
 * fsync or close. A candidate that failed is truncated and removed (never left looking
 * complete) and the next one is tried. Files are created with O_EXCL: an earlier recovery,
 * another instance's, or a planted symlink is never opened. HASH is 16 hex digits (FNV-1a) of
 * the file's absolute path with its directory resolved, so recoveries are matched to a file
 * by its full path: two files of the same name in different directories never see each
 * other's. An unnamed buffer has no candidate 1 and is "unnamed.PID" in 2 and 3 (never found
 * again automatically).
 *
 * Errors: recovery_write reports in words (RecoveryReport) whether it worked or not; the
 * finder just says whether there is one. Ownership: the caller owns the plan. */
#ifndef FLINT_SESSION_RECOVERY_H
#define FLINT_SESSION_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/text.h"

typedef struct RecoveryPlan RecoveryPlan;

/* The outcome of one recovery_write, for the user. */
typedef struct RecoveryReport {
    char path[4096];    /* the file written; "" when none could be */
    /* One line without a newline: "unsaved changes written to PATH", plus " (not next to the
     * file: PATH1: REASON; ...)" after a fallback; or "unsaved changes could NOT be saved:
     * PATH1: REASON; DIR2: REASON; DIR3: REASON". */
    char message[3072];
} RecoveryReport;

RecoveryPlan *recovery_plan_new(void);     /* for an unnamed buffer, from the environment now */
void recovery_plan_free(RecoveryPlan *p);  /* accepts NULL */
/* Recomputes the plan for the file at path (NULL: unnamed), reading XDG_STATE_HOME, HOME and
 * TMPDIR now. Not for crash paths. */
void recovery_plan_set(RecoveryPlan *p, const char *path);
/* Writes t to the first candidate that takes it (see above). Async-signal-safe. */
bool recovery_write(const RecoveryPlan *p, const Text *t, RecoveryReport *r);
/* An earlier run's recovery for this file: next to it ".NAME.flint-recovery", else the newest
 * ".NAME.flint-recovery.N"; else the newest "NAME.HASH.*" in the state directory, then in the
 * private temporary directory. Puts its path in out (truncated to fit). False when there is
 * none, and for an unnamed buffer. Not for crash paths. */
bool recovery_find(const RecoveryPlan *p, char *out, size_t out_size);
/* "STATE/flint/backup/NAME.HASH" (STATE as for candidate 2; not created here): where a save
 * that writes the file in place keeps a copy of the old contents. False for an unnamed plan
 * or without a state directory. */
bool recovery_backup_path(const RecoveryPlan *p, char *out, size_t out_size);
/* "STATE/flint/swap/NAME.HASH.swp" (not created here): the file's swap file (session/swap.h).
 * False for an unnamed plan or without a state directory. */
bool recovery_swap_path(const RecoveryPlan *p, char *out, size_t out_size);

#endif
