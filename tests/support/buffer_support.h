/* Shared by the Buffer tests (test_buffer.c: editing, cursor, undo; test_buffer_file.c: save,
 * changed on disk, recovery): a fresh mkdtemp directory under /tmp for the files a test makes,
 * helpers to write and read files there, and checks on a buffer's whole text.
 * Part of flint_test_support (tests/support/buffer_support.c). */
#ifndef FLINT_TESTS_SUPPORT_BUFFER_SUPPORT_H
#define FLINT_TESTS_SUPPORT_BUFFER_SUPPORT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "support/harness.h"
#include "session/buffer.h"

/* The directory every test file lives in (made by tmpdir_create, removed by tmpdir_remove). */
extern char tmpdir[64];

/* Creates tmpdir from a mkdtemp template ("/tmp/NAME-XXXXXX", under 64 bytes) with umask 022
 * set first; false (and a message) when it cannot. */
bool tmpdir_create(const char *template);

/* Leave nothing behind. */
void tmpdir_remove(void);

char *path_in(const char *name);

void write_file(const char *path, const char *data, size_t len);

/* The file's bytes; NULL when it cannot be read. */
char *read_file(const char *path, size_t *len);

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
char *contents(const Buffer *b);

#define CHECK_TEXT(b, lit)                                                                    \
    do {                                                                                      \
        char *ct_ = contents(b);                                                              \
        CHECK_STR_EQ(ct_, lit);                                                               \
        free(ct_);                                                                            \
    } while (0)

void type(Buffer *b, const char *s);

/* A buffer holding data (as if loaded, unmodified), cursor at the start. */
Buffer *buffer_with(const char *data);

#endif
