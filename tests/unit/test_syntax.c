/* Syntax rules (themes/syntax) and the incremental highlighter (session/highlight): every
 * shipped rule file loads; each sample in tests/data/syntax matches its golden token classes;
 * broken rule files report file:line and leave the language plain; language detection by
 * name, extension, shebang and modeline; and incremental re-highlighting after random edits
 * equals highlighting from scratch (fixed seed).
 *
 * Goldens: SAMPLE.golden holds each line of the sample followed by a line of class letters,
 * one per byte ('.' none, k keyword, t type, s string, c comment, n number, p preproc,
 * f function, o operator, C constant, e escape, v variable, K key, h heading, m emphasis,
 * l link, + added, - removed, @ hunk). FLINT_WRITE_GOLDEN=1 rewrites them (review the diff). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "harness.h"
#include "session/highlight.h"
#include "themes/syntax.h"

#define SYNTAX_DATA FLINT_TEST_DATA "/syntax"

static SyntaxSet *load_shipped(void)
{
    char dir[4096];
    SyntaxSet *set = syntax_set_new();
    CHECK(syntax_default_dir(dir, sizeof dir));
    size_t loaded = 0;
    ErrorBuf err;
    CHECK(syntax_set_load_dir(set, dir, &loaded, &err));
    return set;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(&sb, buf, n);
    fclose(f);
    *len = sb.len;
    sb_append(&sb, "", 1);
    return sb.data;
}

static void test_shipped_rules_load(void)
{
    SyntaxSet *set = load_shipped();
    for (size_t i = 0; i < syntax_set_error_count(set); i++)
        fprintf(stderr, "  %s\n", syntax_set_error(set, i));
    CHECK_INT_EQ(syntax_set_error_count(set), 0);
    const char *want[] = {"c", "cpp", "python", "javascript", "typescript", "go", "rust",
                          "sh", "markdown", "json", "yaml", "toml", "make", "diff"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!syntax_set_find(set, want[i], strlen(want[i])))
            fprintf(stderr, "  missing language %s\n", want[i]);
        CHECK(syntax_set_find(set, want[i], strlen(want[i])) != NULL);
    }
    syntax_set_free(set);
}

/* The golden text of a sample: each line, then its class letters. */
static void render_golden(const Syntax *sy, const char *text, size_t len, StrBuf *out)
{
    SyntaxTokens tk = {0};
    unsigned state = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        tk.n = 0;
        state = syntax_line(sy, state, line, ll, &tk);
        char *cls = xmalloc(ll + 1);
        memset(cls, '.', ll);
        for (size_t i = 0; i < tk.n; i++) {
            CHECK(tk.v[i].start < tk.v[i].end && tk.v[i].end <= ll);
            CHECK(i == 0 || tk.v[i - 1].end <= tk.v[i].start);
            for (size_t b = tk.v[i].start; b < tk.v[i].end && b < ll; b++)
                cls[b] = syntax_class_letter((SyntaxClass)tk.v[i].cls);
        }
        sb_append(out, line, ll);
        sb_append(out, "\n", 1);
        sb_append(out, cls, ll);
        sb_append(out, "\n", 1);
        free(cls);
        pos += ll + 1;
    }
    syntax_tokens_free(&tk);
}

static void test_goldens(void)
{
    SyntaxSet *set = load_shipped();
    DIR *d = opendir(SYNTAX_DATA);
    CHECK(d != NULL);
    if (!d)
        return;
    bool write = getenv("FLINT_WRITE_GOLDEN") != NULL;
    int samples = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (e->d_name[0] == '.' || (nl > 7 && strcmp(e->d_name + nl - 7, ".golden") == 0))
            continue;
        char path[4096], gpath[4200];
        snprintf(path, sizeof path, "%s/%s", SYNTAX_DATA, e->d_name);
        snprintf(gpath, sizeof gpath, "%s.golden", path);
        size_t len;
        char *text = read_all(path, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        const char *first = text;
        size_t flen = strcspn(text, "\n");
        const Syntax *sy = syntax_set_detect(set, path, &first, &flen, 1);
        if (!sy)
            fprintf(stderr, "  %s: no language detected\n", e->d_name);
        CHECK(sy != NULL);
        if (sy) {
            StrBuf got = {0};
            render_golden(sy, text, len, &got);
            if (write) {
                FILE *f = fopen(gpath, "wb");
                CHECK(f != NULL);
                if (f) {
                    fwrite(got.data, 1, got.len, f);
                    fclose(f);
                }
            }
            size_t glen;
            char *want = read_all(gpath, &glen);
            if (!want || glen != got.len || memcmp(want, got.data, glen) != 0) {
                fprintf(stderr, "  %s (%s) differs from its golden; got:\n%.*s", e->d_name,
                        syntax_name(sy), (int)got.len, got.data);
                CHECK(!"golden mismatch");
            }
            free(want);
            sb_free(&got);
            samples++;
        }
        free(text);
    }
    closedir(d);
    CHECK(samples >= 13);
    syntax_set_free(set);
}

static void check_error(const char *rules, const char *want_prefix)
{
    ErrorBuf err = {{0}};
    Syntax *sy = syntax_parse(rules, strlen(rules), "x.syntax", &err);
    CHECK(sy == NULL);
    syntax_free(sy);
    if (strncmp(err.msg, want_prefix, strlen(want_prefix)) != 0)
        fprintf(stderr, "  got \"%s\", want \"%s...\"\n", err.msg, want_prefix);
    CHECK(strncmp(err.msg, want_prefix, strlen(want_prefix)) == 0);
}

static void test_broken_rules(void)
{
    check_error("name x\ntoken keyword \\bif\\b\ntoken bogus x\n", "x.syntax:3: unknown class 'bogus'");
    check_error("name x\n\ntoken keyword (if\n", "x.syntax:3: regex: missing closing parenthesis at offset 3");
    check_error("token keyword if\n", "x.syntax:1: the first directive must be 'name WORD'");
    check_error("# nothing\n", "x.syntax:1: no 'name WORD' line");
    check_error("name x\nregion string \"\n", "x.syntax:2: expected 'region CLASS START END");
    check_error("name x\nregion string a b escape\n", "x.syntax:2: expected a regex after 'escape'");
    check_error("name x\nregion string a b wat\n", "x.syntax:2: unexpected 'wat'");
    check_error("name x\nregion string a (b\n", "x.syntax:2: regex: missing closing parenthesis");
    check_error("name x\nfrobnicate\n", "x.syntax:2: unknown directive 'frobnicate'");
    check_error("name x\ncomment // /*\n", "x.syntax:2: expected 'comment LINE");
    check_error("name x y\n", "x.syntax:1: expected one 'name WORD' line");

    /* In a set: the broken language stays plain (absent), the message is kept, others load. */
    SyntaxSet *set = syntax_set_new();
    ErrorBuf err;
    const char *good = "name good\nfiles *.good\ntoken keyword \\bif\\b\n";
    const char *bad = "name bad\nfiles *.bad\ntoken keyword (\n";
    CHECK(syntax_set_add(set, good, strlen(good), "good.syntax", &err));
    CHECK(!syntax_set_add(set, bad, strlen(bad), "bad.syntax", &err));
    CHECK_INT_EQ(syntax_set_count(set), 1);
    CHECK_INT_EQ(syntax_set_error_count(set), 1);
    CHECK(strncmp(syntax_set_error(set, 0), "bad.syntax:3: regex: ", 21) == 0);
    CHECK(syntax_set_detect(set, "a.bad", NULL, NULL, 0) == NULL);
    CHECK(syntax_set_detect(set, "a.good", NULL, NULL, 0) != NULL);
    syntax_set_free(set);
}

static const char *detect(const SyntaxSet *set, const char *path, const char *l0,
                          const char *l1)
{
    const char *lines[2] = {l0 ? l0 : "", l1 ? l1 : ""};
    size_t lens[2] = {strlen(lines[0]), strlen(lines[1])};
    const Syntax *sy = syntax_set_detect(set, path, lines, lens, 2);
    return sy ? syntax_name(sy) : "none";
}

static void test_detection(void)
{
    SyntaxSet *set = load_shipped();
    CHECK_STR_EQ(detect(set, "/src/Makefile", NULL, NULL), "make");
    CHECK_STR_EQ(detect(set, "GNUmakefile", NULL, NULL), "make");
    CHECK_STR_EQ(detect(set, "rules.mk", NULL, NULL), "make");
    CHECK_STR_EQ(detect(set, "x/y.c", NULL, NULL), "c");
    CHECK_STR_EQ(detect(set, "y.h", NULL, NULL), "c");
    CHECK_STR_EQ(detect(set, "y.hpp", NULL, NULL), "cpp");
    CHECK_STR_EQ(detect(set, "a.py", NULL, NULL), "python");
    CHECK_STR_EQ(detect(set, "a.tsx", NULL, NULL), "javascript");
    CHECK_STR_EQ(detect(set, "main.go", NULL, NULL), "go");
    CHECK_STR_EQ(detect(set, "lib.rs", NULL, NULL), "rust");
    CHECK_STR_EQ(detect(set, "README.md", NULL, NULL), "markdown");
    CHECK_STR_EQ(detect(set, "Cargo.toml", NULL, NULL), "toml");
    CHECK_STR_EQ(detect(set, "ci.yml", NULL, NULL), "yaml");
    CHECK_STR_EQ(detect(set, "package.json", NULL, NULL), "json");
    CHECK_STR_EQ(detect(set, "fix.patch", NULL, NULL), "diff");
    CHECK_STR_EQ(detect(set, ".bashrc", NULL, NULL), "sh");
    /* shebangs */
    CHECK_STR_EQ(detect(set, "tool", "#!/usr/bin/env python3", NULL), "python");
    CHECK_STR_EQ(detect(set, "tool", "#!/usr/bin/python3.12 -u", NULL), "python");
    CHECK_STR_EQ(detect(set, "tool", "#!/bin/bash -e", NULL), "sh");
    CHECK_STR_EQ(detect(set, "tool", "#!/usr/bin/env -S node --harmony", NULL), "javascript");
    CHECK_STR_EQ(detect(set, "tool", "#! /bin/sh", NULL), "sh");
    /* the name wins over the shebang */
    CHECK_STR_EQ(detect(set, "x.c", "#!/bin/sh", NULL), "c");
    /* modelines */
    CHECK_STR_EQ(detect(set, "notes", "hello", "/* vim: set ft=c: */"), "c");
    CHECK_STR_EQ(detect(set, "notes", "# vi: filetype=sh", NULL), "sh");
    CHECK_STR_EQ(detect(set, "notes", "# -*- mode: python -*-", NULL), "python");
    CHECK_STR_EQ(detect(set, "notes", "# -*- coding: utf-8; mode: yaml -*-", NULL), "yaml");
    CHECK_STR_EQ(detect(set, "notes", "// -*- C++ -*-", NULL), "cpp");
    CHECK_STR_EQ(detect(set, "notes", "novim: ft=c", NULL), "none");
    CHECK_STR_EQ(detect(set, "notes", "plain", "text"), "none");
    CHECK_STR_EQ(detect(set, NULL, NULL, NULL), "none");
    /* fence tags */
    CHECK(syntax_set_find(set, "C++", 3) == syntax_set_find(set, "cpp", 3));
    CHECK(syntax_set_find(set, "ts", 2) == syntax_set_find(set, "javascript", 10));
    CHECK(syntax_set_find(set, "nosuch", 6) == NULL);
    syntax_set_free(set);
}

/* --- incremental == from scratch ---------------------------------------------------------- */

static unsigned step(const void *lang, unsigned state, const char *s, size_t len)
{
    return syntax_line(lang, state, s, len, NULL);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const pieces[] = {"/*", "*/", "\"", "x", " ", "int ", "\n", "\n", "//",
                                     "\\", "'", "a\nb", "\n\n\n", "*/\n/*", "0x1f"};

static void check_all(Highlighter *h, const Text *t, const Syntax *sy)
{
    unsigned want = 0;
    for (size_t i = 0; i < text_line_count(t); i++) {
        size_t budget = (size_t)-1;
        unsigned got = 99;
        CHECK(highlighter_state(h, t, i, &budget, &got));
        if (got != want) {
            fprintf(stderr, "  line %zu: state %u, from scratch %u\n", i, got, want);
            CHECK_INT_EQ(got, want);
            return;
        }
        size_t len;
        const char *s = text_line(t, i, &len);
        want = syntax_line(sy, want, s, len, NULL);
    }
}

static void test_incremental_equals_scratch(void)
{
    SyntaxSet *set = load_shipped();
    const Syntax *sy = syntax_set_find(set, "c", 1);
    CHECK(sy != NULL);
    if (!sy) {
        syntax_set_free(set);
        return;
    }
    Text *t = text_new();
    Highlighter *h = highlighter_new(step, sy);
    for (int round = 0; round < 3000; round++) {
        size_t lines = text_line_count(t);
        int op = (int)(rnd() % 10);
        if (op < 6 || lines < 3) {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            size_t ln = rnd() % lines;
            TextPos at = {ln, rnd() % (text_line_len(t, ln) + 1)};
            text_insert(t, at, p, strlen(p));
        } else {
            size_t a = rnd() % lines, b = a + rnd() % 4;
            if (b >= lines)
                b = lines - 1;
            TextPos from = {a, rnd() % (text_line_len(t, a) + 1)};
            TextPos to = {b, rnd() % (text_line_len(t, b) + 1)};
            if (text_pos_cmp(from, to) > 0) {
                TextPos x = from;
                from = to;
                to = x;
            }
            text_delete(t, from, to);
        }
        if (rnd() % 3 == 0)
            continue; /* several edits between two syncs */
        highlighter_sync(h, t);
        /* Lazy and budgeted queries: a random visible line, maybe in small slices. */
        size_t q = rnd() % text_line_count(t);
        unsigned st;
        size_t budget = 1 + rnd() % 64;
        for (int tries = 0; tries < 10000; tries++) {
            if (highlighter_state(h, t, q, &budget, &st))
                break;
            budget = 1 + rnd() % 64;
        }
        if (round % 7 == 0)
            check_all(h, t, sy);
    }
    highlighter_sync(h, t);
    check_all(h, t, sy);
    /* A load resets. */
    text_set(t, "/*\nx\n", 5);
    highlighter_sync(h, t);
    check_all(h, t, sy);
    highlighter_free(h);
    text_free(t);
    syntax_set_free(set);
}

/* An edit re-validates only until the states agree again. */
static void test_edit_stops_early(void)
{
    SyntaxSet *set = load_shipped();
    const Syntax *sy = syntax_set_find(set, "c", 1);
    Text *t = text_new();
    StrBuf sb = {0};
    for (int i = 0; i < 10000; i++)
        sb_append(&sb, "int x = 1; /* c */\n", 19);
    text_set(t, sb.data, sb.len);
    Highlighter *h = highlighter_new(step, sy);
    highlighter_sync(h, t);
    size_t budget = (size_t)-1;
    unsigned st;
    CHECK(highlighter_state(h, t, 9999, &budget, &st));
    text_insert(t, (TextPos){10, 0}, "y", 1);
    highlighter_sync(h, t);
    CHECK_INT_EQ(highlighter_settled(h), 11);
    budget = 1000; /* a handful of lines */
    CHECK(highlighter_state(h, t, 9999, &budget, &st));
    CHECK_INT_EQ(highlighter_settled(h), 10000);
    /* An unclosed string changes everything after it: sliced over several calls. */
    text_insert(t, (TextPos){5, 0}, "\"", 1);
    highlighter_sync(h, t);
    budget = 20000;
    CHECK(!highlighter_state(h, t, 9999, &budget, &st));
    int calls = 1;
    for (budget = 20000; !highlighter_state(h, t, 9999, &budget, &st); budget = 20000)
        calls++;
    CHECK(calls > 5);
    check_all(h, t, sy);
    highlighter_free(h);
    text_free(t);
    sb_free(&sb);
    syntax_set_free(set);
}

int main(void)
{
    RUN(test_shipped_rules_load);
    RUN(test_goldens);
    RUN(test_broken_rules);
    RUN(test_detection);
    RUN(test_incremental_equals_scratch);
    RUN(test_edit_stops_early);
    return harness_done();
}
