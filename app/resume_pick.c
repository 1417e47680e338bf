/* ResumePick (see resume_pick.h): session/journal's listing and lookup for the command line. */
#include "app/resume_pick.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "session/journal.h"

#define QUESTION_COLS 60

static void when(time_t t, time_t now, char *out, size_t n)
{
    long long ago = (long long)(now - t);
    if (ago < 60) {
        snprintf(out, n, "just now");
    } else if (ago < 3600) {
        snprintf(out, n, "%lld min ago", ago / 60);
    } else if (ago < 86400) {
        snprintf(out, n, "%lld h ago", ago / 3600);
    } else {
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(out, n, "%Y-%m-%d %H:%M", &tm);
    }
}

/* The first line of q, at most QUESTION_COLS bytes on a character boundary, "..." if cut. */
static void first_line(const char *q, StrBuf *out)
{
    size_t n = strcspn(q, "\n");
    bool cut = n < strlen(q);
    if (n > QUESTION_COLS) {
        n = QUESTION_COLS;
        while (n > 0 && ((unsigned char)q[n] & 0xc0) == 0x80)
            n--;
        cut = true;
    }
    for (size_t i = 0; i < n; i++) /* nothing from a journal drives the terminal */
        sb_putc(out, (unsigned char)q[i] < 0x20 || q[i] == 0x7f ? ' ' : q[i]);
    if (cut)
        sb_puts(out, "...");
}

void resume_pick_line(const JournalInfo *info, time_t now, StrBuf *out)
{
    char w[32];
    when(info->mtime, now, w, sizeof w);
    sb_printf(out, "%-16s  %3zu question%s  ", w, info->turns, info->turns == 1 ? " " : "s");
    first_line(info->first_question, out);
}

int resume_pick(ResumeHow how, const char *dir, const char *cwd, const char *id, FILE *out,
                StrBuf *path)
{
    if (how == RESUME_ID) {
        ErrorBuf err;
        if (!journal_find(dir, id, path, &err)) {
            fprintf(stderr, "flint: --resume: %s\n", err.msg);
            return 2;
        }
        return 0;
    }
    JournalInfo *infos;
    size_t n = journal_list(dir, cwd, 1, &infos);
    if (n == 0) {
        fprintf(out, "flint: no earlier conversation in %s to %s (they are kept in %s)\n", cwd,
                how == RESUME_LATEST ? "continue" : "resume", dir);
        return 1;
    }
    if (how == RESUME_LATEST)
        sb_puts(path, infos[0].path);
    journal_list_free(infos, n);
    return 0;
}

bool resume_looks_like_id(const char *arg)
{
    if (!arg || arg[0] < '0' || arg[0] > '9')
        return false;
    for (const char *p = arg; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-'))
            return false;
    struct stat st;
    return stat(arg, &st) != 0;
}
