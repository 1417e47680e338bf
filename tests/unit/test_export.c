/* session/export: the conversation as Markdown (headings and quoted questions, answers
 * verbatim, an answer cut off inside a code block closed, states and notes), the default
 * name, the atomic write (replaces, leaves no temp file), a read-only directory's message. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/export.h"
#include "session/transcript.h"
#include "support/buffer_support.h"

static char *md_of(const Transcript *t)
{
    StrBuf sb = {0};
    export_markdown(t, "gpt-test", "2026-12-07 05:45", &sb);
    size_t n;
    return sb_steal(&sb, &n);
}

static void test_format(void)
{
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "reverse a list\nin C, please", 27);
    const char *a1 = "Here:\n\n```c\nint x;\n```\n";
    size_t e = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, a1, strlen(a1));
    transcript_finish(t, e, ENTRY_DONE, NULL);
    transcript_add(t, ENTRY_NOTE, ENTRY_DONE, "connection lost", 15);
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "and in Python?", 14);
    const char *a2 = "Sure:\n````py\ndef f():\n```\n    pass";
    e = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, a2, strlen(a2));
    transcript_finish(t, e, ENTRY_INTERRUPTED, NULL);
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "again", 5);
    e = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "", 0);
    transcript_finish(t, e, ENTRY_FAILED, "server_error");
    char *md = md_of(t);
    const char *want =
        "# flint conversation\n\n"
        "Model: gpt-test  \nExported: 2026-12-07 05:45\n\n"
        "## 1. reverse a list ...\n\n"
        "> reverse a list\n> in C, please\n\n"
        "Here:\n\n```c\nint x;\n```\n\n"
        "> **flint:** connection lost\n\n"
        "## 2. and in Python?\n\n"
        "> and in Python?\n\n"
        "Sure:\n````py\ndef f():\n```\n    pass\n````\n\n*[interrupted]*\n\n"
        "## 3. again\n\n"
        "> again\n\n"
        "*[failed: server_error]*\n\n";
    CHECK_STR_EQ(md, want);
    free(md);
    transcript_free(t);
    /* Empty lines of a question stay inside the quote; a long first line is shortened. */
    t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "a\n\nb\n", 5);
    const char *lq = "why does this very long question keep going on and on past the heading limit";
    transcript_add(t, ENTRY_USER, ENTRY_DONE, lq, strlen(lq));
    md = md_of(t);
    CHECK(strstr(md, "> a\n>\n> b\n\n") != NULL);
    CHECK(strstr(md, "## 2. why does this very long question keep going on and on past ...\n") != NULL);
    free(md);
    transcript_free(t);
}

static void test_default_name(void)
{
    char name[64];
    export_default_name(0, name, sizeof name);
    CHECK_INT_EQ(strlen(name), strlen("flint-conversation-19700101-0000.md"));
    CHECK(strncmp(name, "flint-conversation-19", 21) == 0);
    CHECK(strcmp(name + strlen(name) - 3, ".md") == 0);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

/* export_write as an ordinary user: root writes into a 0555 directory anyway, so as root the
 * write runs in a child that became nobody (65534). */
static bool write_as_user(const char *path, ErrorBuf *err)
{
    if (geteuid() != 0)
        return export_write(path, "x", 1, err);
    int p[2];
    if (pipe(p) < 0)
        return error_set(err, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (setgid(65534) < 0 || setuid(65534) < 0)
            _exit(2);
        ErrorBuf e = {{0}};
        bool ok = export_write(path, "x", 1, &e);
        if (write(p[1], e.msg, strlen(e.msg)) < 0)
            _exit(3);
        _exit(ok ? 0 : 1);
    }
    close(p[1]);
    ssize_t n = read(p[0], err->msg, sizeof err->msg - 1);
    err->msg[n > 0 ? n : 0] = '\0';
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_write(void)
{
    CHECK(tmpdir_create("/tmp/flint-export-XXXXXX"));
    char path[128];
    snprintf(path, sizeof path, "%s/conv.md", tmpdir);
    ErrorBuf err = {{0}};
    CHECK(export_write(path, "one\n", 4, &err));
    CHECK(export_write(path, "two\n", 4, &err)); /* replaces */
    FILE *f = fopen(path, "r");
    char buf[16] = "";
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR_EQ(buf, "two\n");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    CHECK_INT_EQ(count_entries(tmpdir), 1); /* no temp file left */
    /* A directory that cannot be written: a message that says so, nothing left behind. */
    char ro[128];
    snprintf(ro, sizeof ro, "%s/ro", tmpdir);
    CHECK(mkdir(ro, 0555) == 0);
    CHECK(chmod(tmpdir, 0755) == 0);
    char rop[160];
    snprintf(rop, sizeof rop, "%s/x.md", ro);
    CHECK(!write_as_user(rop, &err));
    CHECK(strstr(err.msg, "cannot write") != NULL);
    CHECK(strstr(err.msg, "Permission denied") != NULL);
    CHECK(strstr(err.msg, "read-only") != NULL);
    CHECK_INT_EQ(count_entries(ro), 0);
    /* A directory that does not exist. */
    snprintf(rop, sizeof rop, "%s/nope/x.md", tmpdir);
    CHECK(!export_write(rop, "x", 1, &err));
    CHECK(strstr(err.msg, "No such file") != NULL);
    CHECK(!export_write("", "x", 1, &err));
    chmod(ro, 0755);
    tmpdir_remove();
}

int main(void)
{
    RUN(test_format);
    RUN(test_default_name);
    RUN(test_write);
    return harness_done();
}
