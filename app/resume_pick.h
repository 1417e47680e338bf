/* ResumePick: which earlier conversation `flint --resume` / `--continue` reopens, decided on
 * the command line before the terminal becomes flint's (--continue: the newest of this
 * directory; --resume ID: that one; --resume: whether there is any, the choice itself is
 * made in flint's list, app/journal_app.c), and how a conversation is shown in that list.
 *
 * Errors: said on stderr (or out, for "nothing to resume"), with a status to exit with. */
#ifndef FLINT_APP_RESUME_PICK_H
#define FLINT_APP_RESUME_PICK_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/strbuf.h"
#include "session/journal.h"

typedef enum ResumeHow {
    RESUME_PICK,    /* --resume: the list (in flint), then the user's choice */
    RESUME_LATEST,  /* --continue: the newest for this directory */
    RESUME_ID,      /* --resume ID: that one (an ID or the start of one) */
} ResumeHow;

/* Returns 0 when there is something to resume (RESUME_LATEST, RESUME_ID: its journal's path
 * into path; RESUME_PICK: path untouched), 1 when there is nothing (said on out) or 2 on an
 * error (said on stderr). dir is the sessions directory, cwd the directory flint runs in. */
int resume_pick(ResumeHow how, const char *dir, const char *cwd, const char *id, FILE *out,
                StrBuf *path);

/* One line of the list: when (relative to now), how many questions, the first line of the
 * first question (cut at a character boundary; control characters made spaces). */
void resume_pick_line(const JournalInfo *info, time_t now, StrBuf *out);

/* Is arg (the word after --resume) a conversation ID rather than a file to open? IDs are
 * digits, a-f and '-', and start with a digit; a file of that name wins. */
bool resume_looks_like_id(const char *arg);

#endif
