/* Buffer test helpers (buffer_support.h). State: tmpdir, the one directory of the program's
 * test files, set by tmpdir_create. */
#include "support/buffer_support.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char tmpdir[64];

bool tmpdir_create(const char *template)
{
    umask(022);
    strcpy(tmpdir, template);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return false;
    }
    return true;
}

void tmpdir_remove(void)
{
    StrBuf cmd = {0};
    sb_printf(&cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd.data) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    sb_free(&cmd);
}

char *path_in(const char *name)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%s/%s", tmpdir, name);
    return sb_steal(&sb, NULL);
}

void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, data, len) == (ssize_t)len);
    close(fd);
}

char *read_file(const char *path, size_t *len)
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

char *contents(const Buffer *b)
{
    StrBuf sb = {0};
    text_serialize(buffer_text(b), &sb);
    return sb_steal(&sb, NULL);
}

void type(Buffer *b, const char *s)
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

Buffer *buffer_with(const char *data)
{
    char *p = path_in("scratch.txt");
    write_file(p, data, strlen(data));
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    free(p);
    return b;
}
