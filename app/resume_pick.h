/* ResumePick: which earlier conversation `flint --resume` / `--continue` reopens, chosen
 * before the terminal becomes flint's (a plain numbered list on the terminal, as a shell
 * user reads it: newest first, when, how many questions, the first question; Enter takes the
 * newest, a number picks, q cancels).
 *
 * Errors: tier 3 in the small: a message on `out`'s stream (stderr for errors) and a status. */
#ifndef FLINT_APP_RESUME_PICK_H
#define FLINT_APP_RESUME_PICK_H

#include <stdbool.h>
#include <stdio.h>

#include "core/strbuf.h"

typedef enum ResumeHow {
    RESUME_PICK,    /* --resume: the list, then the user's choice */
    RESUME_LATEST,  /* --continue: the newest for this directory */
    RESUME_ID,      /* --resume ID: that one (an ID or the start of one) */
} ResumeHow;

/* The journal to reopen, into path. Returns 0 (chosen), 1 (nothing to resume, or cancelled:
 * said on out) or 2 (an error: said on stderr). dir is the sessions directory, cwd the
 * directory flint runs in; in is where the choice is read. */
int resume_pick(ResumeHow how, const char *dir, const char *cwd, const char *id, FILE *in,
                FILE *out, StrBuf *path);

/* Is arg (the word after --resume) a conversation ID rather than a file to open? IDs are
 * digits, a-f and '-', and start with a digit; a file of that name wins. */
bool resume_looks_like_id(const char *arg);

#endif
