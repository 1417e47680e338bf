/* session/editorconfig.c: globs (*, **, ?, [..], {a,b}, paths with '/'), sections in order,
 * unset, root = true stopping the walk, nearer files winning, the app's mapping on open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "session/editorconfig.h"

static void test_globs(void)
{
    CHECK(editorconfig_glob("*", "a.c"));
    CHECK(editorconfig_glob("*", "src/a.c"));        /* no '/': the name, anywhere below */
    CHECK(editorconfig_glob("*.{c,h}", "x/y.h"));
    CHECK(!editorconfig_glob("*.{c,h}", "y.cc"));
    CHECK(editorconfig_glob("Makefile", "sub/Makefile"));
    CHECK(!editorconfig_glob("Makefile", "Makefile.am"));
    CHECK(editorconfig_glob("src/*.c", "src/a.c"));
    CHECK(!editorconfig_glob("src/*.c", "src/x/a.c"));
    CHECK(editorconfig_glob("src/**.c", "src/x/a.c"));
    CHECK(editorconfig_glob("/lib/**/*.h", "lib/a/b/c.h"));
    CHECK(editorconfig_glob("?.md", "a.md"));
    CHECK(!editorconfig_glob("?.md", "ab.md"));
    CHECK(editorconfig_glob("[ab].txt", "b.txt"));
    CHECK(!editorconfig_glob("[!ab].txt", "b.txt"));
    CHECK(editorconfig_glob("{foo,bar}/*.js", "bar/x.js"));
    CHECK(!editorconfig_glob("[unclosed", "u"));
}

static void test_sections(void)
{
    const char *t = "root = true\n"
                    "[*]\nindent_style = space\nindent_size = 4\ntrim_trailing_whitespace = true\n"
                    "[*.{c,h}]\nindent_style = Tab\ntab_width = 8\n"
                    "[Makefile]\nindent_style = tab\ntrim_trailing_whitespace = unset\n"
                    "junk line\n[*.py]\nindent_size = 99\nend_of_line = crlf\n"
                    "insert_final_newline = true\n";
    EditorConfig ec;
    editorconfig_init(&ec);
    CHECK(editorconfig_apply(&ec, t, strlen(t), "src/a.c"));
    CHECK_INT_EQ(ec.indent_style, 0);
    CHECK_INT_EQ(ec.indent_size, 4);
    CHECK_INT_EQ(ec.tab_width, 8);
    CHECK_INT_EQ(ec.trim_trailing_whitespace, 1);
    editorconfig_init(&ec);
    editorconfig_apply(&ec, t, strlen(t), "Makefile");
    CHECK_INT_EQ(ec.indent_style, 0);
    CHECK_INT_EQ(ec.trim_trailing_whitespace, EC_UNSET);
    editorconfig_init(&ec);
    editorconfig_apply(&ec, t, strlen(t), "x.py");
    CHECK_INT_EQ(ec.indent_size, 4); /* 99 is out of range: ignored */
    CHECK_INT_EQ(ec.end_of_line, 1);
    CHECK_INT_EQ(ec.insert_final_newline, 1);
    editorconfig_init(&ec);
    CHECK(!editorconfig_apply(&ec, "[*]\nroot = true\n", 16, "a")); /* root only in the preamble */
}

static void write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    fputs(s, f);
    fclose(f);
}

static void test_walk(void)
{
    char dir[] = "/tmp/flint-ec-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char p[256];
    snprintf(p, sizeof p, "%s/a", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/a/b", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/.editorconfig", dir);
    write_text(p, "root = true\n[*]\ntab_width = 2\nindent_style = space\n");
    snprintf(p, sizeof p, "%s/a/b/.editorconfig", dir);
    write_text(p, "[b/*.c]\ntab_width = 3\n[*.c]\nindent_style = tab\n");
    snprintf(p, sizeof p, "%s/a/b/x.c", dir);
    EditorConfig ec;
    editorconfig_init(&ec);
    editorconfig_for(p, &ec);
    CHECK_INT_EQ(ec.tab_width, 2);    /* "b/STAR.c" is relative to a/b: no match */
    CHECK_INT_EQ(ec.indent_style, 0); /* the nearer file wins */
    /* A root in the middle stops the walk: the top file is not read. */
    snprintf(p, sizeof p, "%s/a/.editorconfig", dir);
    write_text(p, "root=true\n[*.c]\nindent_size=5\n");
    snprintf(p, sizeof p, "%s/a/b/x.c", dir);
    editorconfig_init(&ec);
    editorconfig_for(p, &ec);
    CHECK_INT_EQ(ec.tab_width, EC_UNSET);
    CHECK_INT_EQ(ec.indent_size, 5);
    CHECK_INT_EQ(ec.indent_style, 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(test_globs);
    RUN(test_sections);
    RUN(test_walk);
    return harness_done();
}
