/* Several files and their safety nets, the pure parts: paths as typed ("~", "file.c:120",
 * "+120", Tab completion on a temporary directory), the Session's buffer list (add, take,
 * the current one following), binary detection, the context of a binary buffer, and swap
 * files (write/read round trip, the header, an unwritable state directory and a write the
 * kernel refuses part-way, with nothing left behind; the one-hunk diff). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "session/context.h"
#include "session/path.h"
#include "session/session.h"
#include "session/swap.h"
#include "harness.h"
#include "support/buffer_support.h"

static void test_expand_home(void)
{
    setenv("HOME", "/home/tester", 1);
    StrBuf out = {0};
    CHECK(path_expand_home("~/src/a.c", &out));
    CHECK_STR_EQ(sb_cstr(&out), "/home/tester/src/a.c");
    sb_reset(&out);
    CHECK(path_expand_home("~", &out));
    CHECK_STR_EQ(sb_cstr(&out), "/home/tester");
    sb_reset(&out);
    CHECK(path_expand_home("a/~b", &out));
    CHECK_STR_EQ(sb_cstr(&out), "a/~b");
    sb_reset(&out);
    CHECK(path_expand_home("~root/x", &out));
    CHECK(strcmp(sb_cstr(&out), "~root/x") != 0 && strstr(sb_cstr(&out), "/x"));
    sb_reset(&out);
    CHECK(!path_expand_home("~no_such_user_flint/x", &out));
    CHECK_STR_EQ(sb_cstr(&out), "~no_such_user_flint/x");
    sb_free(&out);
}

static void parse(const char *arg, const char *want_path, size_t want_line, size_t want_col)
{
    StrBuf p = {0};
    size_t line = 99, col = 99;
    path_parse_location(arg, &p, &line, &col);
    CHECK_STR_EQ(sb_cstr(&p), want_path);
    CHECK_INT_EQ(line, want_line);
    CHECK_INT_EQ(col, want_col);
    sb_free(&p);
}

static void test_locations(void)
{
    parse("file.c:120", "file.c", 120, 0);
    parse("file.c:120:7", "file.c", 120, 7);
    parse("file.c", "file.c", 0, 0);
    parse("file.c:", "file.c:", 0, 0);
    parse("file.c:x", "file.c:x", 0, 0);
    parse("a:b:3", "a:b", 3, 0);
    parse(":12", ":12", 0, 0);
    /* A file whose name really ends in ":12" is that file. */
    char *odd = path_in("odd:12");
    write_file(odd, "x", 1);
    parse(odd, odd, 0, 0);
    free(odd);
    size_t line = 0;
    CHECK(path_parse_plus_line("+120", &line) && line == 120);
    CHECK(!path_parse_plus_line("+", &line));
    CHECK(!path_parse_plus_line("+12x", &line));
    CHECK(!path_parse_plus_line("120", &line));
}

static void complete(const char *typed, const char *want, size_t want_n, const char *want_names)
{
    StrBuf out = {0}, names = {0};
    size_t n = path_complete(typed, &out, &names);
    CHECK_INT_EQ(n, want_n);
    CHECK_STR_EQ(sb_cstr(&out), want);
    if (want_names)
        CHECK_STR_EQ(sb_cstr(&names), want_names);
    sb_free(&out);
    sb_free(&names);
}

static void test_completion(void)
{
    char *d = path_in("tree");
    CHECK(mkdir(d, 0755) == 0);
    StrBuf p = {0};
    const char *files[] = {"main.c", "main.h", "makefile", ".hidden", "unique_name.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        sb_reset(&p);
        sb_printf(&p, "%s/%s", d, files[i]);
        write_file(p.data, "", 0);
    }
    sb_reset(&p);
    sb_printf(&p, "%s/srcdir", d);
    CHECK(mkdir(p.data, 0755) == 0);
    StrBuf t = {0}, w = {0};
#define T(typed) (sb_reset(&t), sb_printf(&t, "%s/%s", d, typed), t.data)
#define W(want) (sb_reset(&w), sb_printf(&w, "%s/%s", d, want), w.data)
    complete(T("uni"), W("unique_name.txt"), 1, "unique_name.txt\n");
    complete(T("mai"), W("main."), 2, "main.c\nmain.h\n");
    complete(T("ma"), W("ma"), 3, "main.c\nmain.h\nmakefile\n");
    complete(T("src"), W("srcdir/"), 1, "srcdir/\n");
    complete(T("zz"), W("zz"), 0, "");
    complete(T(".hi"), W(".hidden"), 1, NULL);
    complete(T(""), W(""), 5, "main.c\nmain.h\nmakefile\nsrcdir/\nunique_name.txt\n");
    /* "~" stays as typed; the listing is of the home directory. */
    setenv("HOME", d, 1);
    complete("~/uni", "~/unique_name.txt", 1, NULL);
#undef T
#undef W
    sb_free(&t);
    sb_free(&w);
    sb_free(&p);
    free(d);
}

static void test_buffer_list(void)
{
    SessionConfig cfg = {0};
    SessionHooks hooks = {0};
    Session *s = session_new(&cfg, &hooks, NULL);
    CHECK_INT_EQ(session_buffer_count(s), 1);
    Buffer *b0 = session_buffer(s), *b1 = buffer_new(), *b2 = buffer_new();
    CHECK_INT_EQ(session_buffer_add(s, b1), 1);
    CHECK_INT_EQ(session_buffer_add(s, b2), 2);
    CHECK_INT_EQ(session_buffer_current(s), 0); /* adding does not switch */
    session_buffer_set_current(s, 2);
    CHECK(session_buffer(s) == b2);
    /* Taking one before the current keeps the current buffer. */
    CHECK(session_buffer_take(s, 0) == b0);
    buffer_free(b0);
    CHECK(session_buffer(s) == b2);
    CHECK_INT_EQ(session_buffer_current(s), 1);
    /* Taking the current one goes to the one before it. */
    CHECK(session_buffer_take(s, 1) == b2);
    buffer_free(b2);
    CHECK(session_buffer(s) == b1);
    /* The last one is replaced by an empty buffer: there is always one. */
    CHECK(session_buffer_take(s, 0) == b1);
    buffer_free(b1);
    CHECK_INT_EQ(session_buffer_count(s), 1);
    CHECK(session_buffer(s) != NULL && buffer_path(session_buffer(s)) == NULL);
    session_free(s);
}

static void test_binary(void)
{
    CHECK(!buffer_looks_binary("hello\n", 6));
    CHECK(!buffer_looks_binary("", 0));
    CHECK(buffer_looks_binary("ab\0cd", 5));
    CHECK(!buffer_looks_binary("caf\xc3\xa9 \xe4\xb8\xad\n", 10));
    /* One Latin-1 byte in a text line is not binary; mostly invalid bytes are. */
    CHECK(!buffer_looks_binary("na\xefve text file here\n", 21));
    char junk[256];
    for (int i = 0; i < 256; i++)
        junk[i] = (char)(0x80 + (i * 37) % 0x7f + 1);
    CHECK(buffer_looks_binary(junk, sizeof junk));
    /* Only the first 8 KiB count. */
    size_t n = 20000;
    char *big = malloc(n);
    memset(big, 'a', n);
    big[15000] = '\0';
    CHECK(!buffer_looks_binary(big, n));
    free(big);

    /* A binary file: named as such, its bytes not sent. */
    char *p = path_in("blob.bin");
    char data[3000];
    memset(data, 0, sizeof data);
    memcpy(data, "SECRET", 6);
    write_file(p, data, sizeof data);
    Buffer *b = buffer_new();
    ErrorBuf err;
    CHECK(buffer_open(b, p, &err));
    CHECK(buffer_binary(b));
    StrBuf msg = {0};
    context_build(b, "what is it?", 0, &msg);
    CHECK(strstr(msg.data, "[binary file, 2 KiB, not sent]") != NULL);
    CHECK(strstr(msg.data, "SECRET") == NULL);
    sb_free(&msg);
    buffer_free(b);
    free(p);
}

static Text *text_of(const char *s)
{
    Text *t = text_new();
    text_set(t, s, strlen(s));
    return t;
}

static void test_swap_round_trip(void)
{
    char *sp = path_in("state/flint/swap/a.c.0123.swp");
    Text *t = text_of("int x;\r\nno final newline");
    SwapInfo h = {.size = 42, .mtime_ns = 1700000000123456789ll, .pid = 4242, .time = 1700000003};
    snprintf(h.path, sizeof h.path, "/src/a.c");
    ErrorBuf err;
    CHECK(swap_write(sp, &h, t, &err));
    struct stat st;
    CHECK(stat(sp, &st) == 0 && (st.st_mode & 0777) == 0600);
    SwapInfo r;
    StrBuf text = {0};
    CHECK(swap_read(sp, &r, &text, &err));
    CHECK_STR_EQ(r.path, "/src/a.c");
    CHECK_INT_EQ(r.size, 42);
    CHECK_INT_EQ(r.mtime_ns, 1700000000123456789ll);
    CHECK_INT_EQ(r.pid, 4242);
    CHECK_INT_EQ(r.time, 1700000003);
    CHECK_MEM_EQ(text.data, text.len, "int x;\r\nno final newline", 24);
    /* Written again: replaced whole (rename), and no temp file is left. */
    text_set(t, "shorter", 7);
    CHECK(swap_write(sp, &h, t, &err));
    sb_reset(&text);
    CHECK(swap_read(sp, &r, &text, &err));
    CHECK_MEM_EQ(text.data, text.len, "shorter", 7);
    char *dir = path_in("state/flint/swap");
    StrBuf ls = {0};
    sb_printf(&ls, "ls %s | wc -l", dir);
    FILE *f = popen(ls.data, "r");
    int files = 0;
    CHECK(f && fscanf(f, "%d", &files) == 1);
    if (f)
        pclose(f);
    CHECK_INT_EQ(files, 1);
    /* A truncated swap is not taken for a complete one. */
    size_t len;
    char *raw = read_file(sp, &len);
    write_file(sp, raw, len - 2);
    free(raw);
    sb_reset(&text);
    CHECK(!swap_read(sp, &r, &text, &err));
    CHECK(strstr(err.msg, "not a complete flint swap file") != NULL);
    CHECK(!swap_pid_alive((long)getpid())); /* our own pid is not "another flint" */
    CHECK(!swap_pid_alive(0));
    sb_free(&ls);
    sb_free(&text);
    text_free(t);
    free(dir);
    free(sp);
}

static void test_swap_failures(void)
{
    Text *t = text_new();
    StrBuf big = {0};
    for (int i = 0; i < 2000; i++)
        sb_puts(&big, "0123456789abcdef0123456789abcdef\n");
    text_set(t, big.data, big.len);
    SwapInfo h = {.size = -1, .pid = 1};
    ErrorBuf err;
    /* The state directory is a file: nothing can be created under it. */
    char *file = path_in("not-a-dir");
    write_file(file, "x", 1);
    StrBuf sp = {0};
    sb_printf(&sp, "%s/flint/swap/x.swp", file);
    CHECK(!swap_write(sp.data, &h, t, &err));
    CHECK(strstr(err.msg, "cannot write the swap file") && strstr(err.msg, "Not a directory"));
    /* The kernel refuses the write part-way (RLIMIT_FSIZE: EFBIG, as a full disk gives
     * ENOSPC): an error, and the half-written temp file is gone. */
    char *full = path_in("full/flint/swap/x.swp");
    struct rlimit old, small;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 8192;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool ok = swap_write(full, &h, t, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK(!ok);
    CHECK(strstr(err.msg, "File too large") != NULL);
    char *dir = path_in("full/flint/swap");
    StrBuf ls = {0};
    sb_printf(&ls, "ls -A %s | wc -l", dir);
    FILE *f = popen(ls.data, "r");
    int files = -1;
    CHECK(f && fscanf(f, "%d", &files) == 1);
    if (f)
        pclose(f);
    CHECK_INT_EQ(files, 0);
    sb_free(&ls);
    sb_free(&sp);
    sb_free(&big);
    text_free(t);
    free(file);
    free(full);
    free(dir);
}

static void test_swap_diff(void)
{
    StrBuf d = {0};
    const char *a = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    const char *b = "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\n";
    swap_diff(a, strlen(a), b, strlen(b), "x (file)", "x (swap)", &d);
    CHECK_STR_EQ(sb_cstr(&d), "--- x (file)\n+++ x (swap)\n@@ -2,6 +2,6 @@\n two\n three\n four\n"
                              "-five\n+FIVE\n six\n seven\n");
    sb_reset(&d);
    swap_diff(a, strlen(a), a, strlen(a), "x", "y", &d);
    CHECK_INT_EQ(d.len, 0);
    swap_diff("", 0, "new\n", 4, "x", "y", &d);
    CHECK_STR_EQ(sb_cstr(&d), "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+new\n");
    sb_free(&d);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-files-XXXXXX"))
        return 1;
    RUN(test_expand_home);
    RUN(test_locations);
    RUN(test_completion);
    RUN(test_buffer_list);
    RUN(test_binary);
    RUN(test_swap_round_trip);
    RUN(test_swap_failures);
    RUN(test_swap_diff);
    tmpdir_remove();
    return harness_done();
}
