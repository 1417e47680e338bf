/* Shared by the Buffer tests (test_buffer.c: editing, cursor, undo; test_buffer_file.c: save,
 * changed on disk, recovery): a fresh mkdtemp directory under /tmp for the files a test makes,
 * helpers to write and read files there, and checks on a buffer's whole text.
 *
 * Header-only on purpose: every tests/unit/test_*.c is its own program (CMake globs them) and
 * this header is not one. Functions are static inline so a program using only some of them
 * still builds warning-free. */
#ifndef FLINT_TESTS_UNIT_BUFFER_SUPPORT_H
#define FLINT_TESTS_UNIT_BUFFER_SUPPORT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "harness.h"
#include "session/buffer.h"

/* The directory every test file lives in (made by tmpdir_create, removed by tmpdir_remove). */
static char tmpdir[64];

/* Creates tmpdir from a mkdtemp template ("/tmp/NAME-XXXXXX", under 64 bytes) with umask 022
 * set first; false (and a message) when it cannot. */
static inline bool tmpdir_create(const char *template)
{
    umask(022);
    strcpy(tmpdir, template);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return false;
    }
    return true;
}

/* Leave nothing behind. */
static inline void tmpdir_remove(void)
{
    StrBuf cmd = {0};
    sb_printf(&cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd.data) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    sb_free(&cmd);
}

static inline char *path_in(const char *name)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%s/%s", tmpdir, name);
    return sb_steal(&sb, NULL);
}

static inline void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, data, len) == (ssize_t)len);
    close(fd);
}

/* The file's bytes; NULL when it cannot be read. */
static inline char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    StrBuf sb = {0};
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        sb_append(&sb, buf, (size_t)n);
    close(fd);
    return sb_steal(&sb, len);
}

#define CHECK_FILE(path, lit)                                                                 \
    do {                                                                                      \
        size_t fl_;                                                                           \
        char *fd_ = read_file(path, &fl_);                                                    \
        CHECK(fd_ != NULL);                                                                   \
        if (fd_)                                                                              \
            CHECK_MEM_EQ(fd_, fl_, lit, sizeof lit - 1);                                      \
        free(fd_);                                                                            \
    } while (0)

/* The whole buffer as it would be saved. */
static inline char *contents(const Buffer *b)
{
    StrBuf sb = {0};
    text_serialize(buffer_text(b), &sb);
    return sb_steal(&sb, NULL);
}

#define CHECK_TEXT(b, lit)                                                                    \
    do {                                                                                      \
        char *ct_ = contents(b);                                                              \
        CHECK_STR_EQ(ct_, lit);                                                               \
        free(ct_);                                                                            \
    } while (0)

static inline void type(Buffer *b, const char *s)
{
    /* One UTF-8 character at a time, as keys arrive. */
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = 1;
        while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n++;
        if (s[i] == '\n')
            buffer_newline(b);
        else
            buffer_insert(b, s + i, n);
        i += n;
    }
}

/* A buffer holding data (as if loaded, unmodified), cursor at the start. */
static inline Buffer *buffer_with(const char *data)
{
    char *p = path_in("scratch.txt");
    write_file(p, data, strlen(data));
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    free(p);
    return b;
}

#endif
