/* Canned answers of a coding assistant: Markdown prose with fenced code, as a real model
 * writes them. All text here was written for flint; it exercises the renderer with lists,
 * inline code, fences in several languages, long lines, indentation with spaces and tabs,
 * and (in the "unicode" answer) CJK, an emoji and combining accents so that UTF-8 handling
 * and cell widths are tested end to end. Keep the trigraph-like "??" out of the literals
 * (C11 still translates trigraphs). */
#include "tests/backend/script.h"

#include "tests/backend/demo_patch.h"

#include <ctype.h>
#include <string.h>

typedef struct Script {
    const char *name;
    const char *keywords[8]; /* NULL-terminated; lower case */
    const char *text;
} Script;

static const char linked_list_answer[] =
    "Here is an iterative version that reverses a singly linked list in place. It walks the\n"
    "list once and flips each `next` pointer, so it runs in O(n) time and O(1) extra space.\n"
    "\n"
    "```c\n"
    "#include <stddef.h>\n"
    "\n"
    "struct node {\n"
    "    int value;\n"
    "    struct node *next;\n"
    "};\n"
    "\n"
    "/* Reverses the list starting at head and returns the new head. */\n"
    "struct node *list_reverse(struct node *head)\n"
    "{\n"
    "    struct node *prev = NULL;\n"
    "    while (head != NULL) {\n"
    "        struct node *next = head->next; /* remember the rest of the list */\n"
    "        head->next = prev;              /* point this node backwards */\n"
    "        prev = head;\n"
    "        head = next;\n"
    "    }\n"
    "    return prev;\n"
    "}\n"
    "```\n"
    "\n"
    "How it works:\n"
    "\n"
    "1. `prev` is the already-reversed part; it starts empty.\n"
    "2. On each step we detach the current node, point it at `prev`, and move both cursors\n"
    "   one node forward.\n"
    "3. When `head` runs off the end, `prev` is the old tail, which is the new head.\n"
    "\n"
    "A quick test:\n"
    "\n"
    "```c\n"
    "#include <assert.h>\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    struct node c = {3, NULL}, b = {2, &c}, a = {1, &b};\n"
    "    struct node *r = list_reverse(&a);\n"
    "    assert(r == &c && r->next == &b && r->next->next == &a);\n"
    "    assert(a.next == NULL);\n"
    "    return 0;\n"
    "}\n"
    "```\n"
    "\n"
    "If you prefer recursion, `rest = list_reverse(head->next); head->next->next = head;\n"
    "head->next = NULL; return rest;` also works, but it uses O(n) stack, which matters for\n"
    "long lists.\n";

static const char python_answer[] =
    "Here's a small, dependency-free Python script that counts word frequencies across one\n"
    "or more files and prints the most common words:\n"
    "\n"
    "```python\n"
    "#!/usr/bin/env python3\n"
    "\"\"\"Print the N most common words in the given files (or stdin).\"\"\"\n"
    "import argparse\n"
    "import collections\n"
    "import re\n"
    "import sys\n"
    "\n"
    "WORD = re.compile(r\"[\\w']+\")\n"
    "\n"
    "\n"
    "def count_words(lines, counter):\n"
    "    for line in lines:\n"
    "        counter.update(w.lower() for w in WORD.findall(line))\n"
    "\n"
    "\n"
    "def main(argv=None):\n"
    "    parser = argparse.ArgumentParser(description=__doc__)\n"
    "    parser.add_argument(\"files\", nargs=\"*\", help=\"files to read (default: stdin)\")\n"
    "    parser.add_argument(\"-n\", type=int, default=10, help=\"how many words to show\")\n"
    "    args = parser.parse_args(argv)\n"
    "\n"
    "    counter = collections.Counter()\n"
    "    if not args.files:\n"
    "        count_words(sys.stdin, counter)\n"
    "    for path in args.files:\n"
    "        with open(path, encoding=\"utf-8\", errors=\"replace\") as f:\n"
    "            count_words(f, counter)\n"
    "\n"
    "    width = max((len(w) for w, _ in counter.most_common(args.n)), default=0)\n"
    "    for word, n in counter.most_common(args.n):\n"
    "        print(f\"{word:<{width}}  {n}\")\n"
    "    return 0\n"
    "\n"
    "\n"
    "if __name__ == \"__main__\":\n"
    "    sys.exit(main())\n"
    "```\n"
    "\n"
    "Usage:\n"
    "\n"
    "```sh\n"
    "python3 wordfreq.py -n 5 README.md docs/*.md\n"
    "cat notes.txt | python3 wordfreq.py\n"
    "```\n"
    "\n"
    "Notes:\n"
    "\n"
    "- `collections.Counter` does the bookkeeping; `most_common(n)` sorts by count.\n"
    "- The regex keeps apostrophes so that *don't* stays one word.\n"
    "- `errors=\"replace\"` means a stray Latin-1 byte won't crash the run.\n";

static const char shell_answer[] =
    "Let's take the one-liner apart:\n"
    "\n"
    "```sh\n"
    "find . -type f -name '*.log' -mtime +7 -print0 | xargs -0 -r gzip -9\n"
    "```\n"
    "\n"
    "| part | meaning |\n"
    "|------|---------|\n"
    "| `find .` | walk the current directory recursively |\n"
    "| `-type f` | regular files only, no directories or symlinks |\n"
    "| `-name '*.log'` | basename matches the glob; the quotes stop the shell expanding it |\n"
    "| `-mtime +7` | last modified more than 7 whole days ago |\n"
    "| `-print0` | separate names with NUL bytes instead of newlines |\n"
    "| `xargs -0` | read NUL-separated names, so spaces and newlines in names are safe |\n"
    "| `-r` | do nothing when there is no input (GNU extension) |\n"
    "| `gzip -9` | compress each file in place with the best ratio |\n"
    "\n"
    "A few things worth knowing:\n"
    "\n"
    "* `xargs` batches many file names into one `gzip` call, which is much faster than\n"
    "  `-exec gzip {} \\;` (one process per file). `find ... -exec gzip -9 {} +` gives the same\n"
    "  batching without `xargs`.\n"
    "* Try it first with `-print` instead of the pipe to see what would be touched.\n"
    "* Already-compressed files are skipped because they end in `.log.gz`, not `.log`.\n"
    "\n"
    "To delete instead of compress:\n"
    "\n"
    "```sh\n"
    "find . -type f -name '*.log' -mtime +7 -delete\n"
    "```\n"
    "\n"
    "`-delete` implies `-depth`, so put it last: placed before `-name` it would delete\n"
    "everything it visits.\n";

static const char refactor_answer[] =
    "Here's a refactoring of your function. The behaviour is unchanged, but the nesting is\n"
    "gone, every error path frees what it allocated, and the parsing of one field lives in a\n"
    "helper that can be unit-tested on its own.\n"
    "\n"
    "Before, the happy path was four levels deep:\n"
    "\n"
    "```c\n"
    "int load_config(const char *path, struct config *cfg)\n"
    "{\n"
    "\tFILE *f = fopen(path, \"r\");\n"
    "\tif (f) {\n"
    "\t\tchar line[256];\n"
    "\t\twhile (fgets(line, sizeof line, f)) {\n"
    "\t\t\tif (line[0] != '#') {\n"
    "\t\t\t\tchar *eq = strchr(line, '=');\n"
    "\t\t\t\tif (eq) {\n"
    "\t\t\t\t\t*eq = 0;\n"
    "\t\t\t\t\tif (!strcmp(line, \"port\"))\n"
    "\t\t\t\t\t\tcfg->port = atoi(eq + 1);\n"
    "\t\t\t\t}\n"
    "\t\t\t}\n"
    "\t\t}\n"
    "\t\tfclose(f);\n"
    "\t\treturn 0;\n"
    "\t}\n"
    "\treturn -1;\n"
    "}\n"
    "```\n"
    "\n"
    "After, with early returns and a helper:\n"
    "\n"
    "```c\n"
    "/* Parses \"key=value\" into cfg; returns false on a malformed or unknown line. */\n"
    "static bool config_apply_line(struct config *cfg, char *line)\n"
    "{\n"
    "    line[strcspn(line, \"\\r\\n\")] = '\\0';\n"
    "    if (line[0] == '#' || line[0] == '\\0')\n"
    "        return true; /* comment or blank line */\n"
    "\n"
    "    char *eq = strchr(line, '=');\n"
    "    if (eq == NULL)\n"
    "        return false;\n"
    "    *eq = '\\0';\n"
    "    const char *key = line, *value = eq + 1;\n"
    "\n"
    "    if (strcmp(key, \"port\") == 0) {\n"
    "        char *end;\n"
    "        long port = strtol(value, &end, 10);\n"
    "        if (*end != '\\0' || port < 1 || port > 65535)\n"
    "            return false;\n"
    "        cfg->port = (int)port;\n"
    "        return true;\n"
    "    }\n"
    "    return false;\n"
    "}\n"
    "\n"
    "int load_config(const char *path, struct config *cfg)\n"
    "{\n"
    "    FILE *f = fopen(path, \"r\");\n"
    "    if (f == NULL)\n"
    "        return -1;\n"
    "\n"
    "    char line[256];\n"
    "    int lineno = 0, rc = 0;\n"
    "    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {\n"
    "        lineno++;\n"
    "        if (!config_apply_line(cfg, line)) {\n"
    "            fprintf(stderr, \"%s:%d: bad line\\n\", path, lineno);\n"
    "            rc = -1;\n"
    "        }\n"
    "    }\n"
    "    fclose(f);\n"
    "    return rc;\n"
    "}\n"
    "```\n"
    "\n"
    "What changed and why:\n"
    "\n"
    "- **Early return** on `fopen` failure removes one level of nesting.\n"
    "- `atoi` silently turns `\"80x\"` into 80; `strtol` with an end pointer rejects it.\n"
    "- Errors now carry `file:line`, which makes a bad config easy to find.\n"
    "- The trailing newline from `fgets` is stripped before comparing values.\n";

/* UTF-8 on purpose: CJK (3-byte), an emoji (4-byte), precomposed and combining accents
 * (U+0301, U+0308 written as UCNs so they stay visible in this source). */
static const char unicode_answer[] =
    "Terminal width is not the same as byte length or code-point count. Compare these:\n"
    "\n"
    "| text | bytes | code points | columns |\n"
    "|------|-------|-------------|---------|\n"
    "| `cafe\u0301` (e + U+0301) | 6 | 5 | 4 |\n"
    "| `café` (precomposed) | 5 | 4 | 4 |\n"
    "| `日本語` | 9 | 3 | 6 |\n"
    "| `🚀` | 4 | 1 | 2 |\n"
    "| `nai\u0308ve` | 7 | 6 | 5 |\n"
    "\n"
    "So an editor has to decode UTF-8 into code points and then ask `wcwidth()` how many\n"
    "cells each one takes: 2 for wide CJK such as 世界 and for most emoji like 🙂, 0 for\n"
    "combining marks, which attach to the previous cell.\n"
    "\n"
    "```c\n"
    "#define _XOPEN_SOURCE 700\n"
    "#include <locale.h>\n"
    "#include <stdio.h>\n"
    "#include <wchar.h>\n"
    "\n"
    "/* Columns needed to show s, or -1 if it holds a non-printable character. */\n"
    "static int display_width(const char *s)\n"
    "{\n"
    "    mbstate_t st = {0};\n"
    "    int cols = 0;\n"
    "    wchar_t wc;\n"
    "    size_t n;\n"
    "    while ((n = mbrtowc(&wc, s, MB_CUR_MAX, &st)) != 0) {\n"
    "        if (n == (size_t)-1 || n == (size_t)-2)\n"
    "            return -1; /* invalid or truncated UTF-8 */\n"
    "        int w = wcwidth(wc);\n"
    "        if (w < 0)\n"
    "            return -1;\n"
    "        cols += w;\n"
    "        s += n;\n"
    "    }\n"
    "    return cols;\n"
    "}\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    setlocale(LC_ALL, \"C.UTF-8\");\n"
    "    const char *samples[] = {\"cafe\u0301\", \"日本語のテキスト\", \"🙂 ok\", \"Ελληνικά\"};\n"
    "    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)\n"
    "        printf(\"%-20s %d\\n\", samples[i], display_width(samples[i]));\n"
    "    return 0;\n"
    "}\n"
    "```\n"
    "\n"
    "Two practical rules:\n"
    "\n"
    "1. Never cut a string in the middle of a multi-byte sequence: move back to a byte that\n"
    "   is not `10xxxxxx` before splitting.\n"
    "2. Normalise before comparing: `cafe\u0301` and `café` look identical but differ byte\n"
    "   for byte (NFC turns the first into the second). 你好, 世界 — and good luck! 🎉\n";

/* Model output is untrusted: this answer tries every way text can drive a terminal (clear the
 * screen, set the window title, OSC 52 clipboard write, a C1 CSI, bidi override, BEL, a
 * cursor move) so tests can check that flint shows all of it as inert text. Only asked for
 * by name ("hostile"), never in the rotation. */
static const char hostile_answer[] =
    "Hostile output test:\n"
    "clear=\x1b[2J\x1b[H title=\x1b]0;pwned\x07" " clip=\x1b]52;c;cHduZWQ=\x07" "\n"
    "c1=\xc2\x9b" "31m bidi=\xe2\x80\xae" "evil\xe2\x80\xac" " bell=\x07 move=\x1b[10;10H end\n";
static const Script hostile = {"hostile", {"hostile", NULL}, hostile_answer};

/* Every Markdown construct the answer pane renders: headings, nested and numbered lists,
 * emphasis, inline code, a quote, a table, a link, a rule, a code line longer than any pane
 * and a diff block. Only asked for by name ("markdown tour"), never in the rotation. */
static const char markdown_answer[] =
    "# Markdown tour\n"
    "\n"
    "Some **bold words**, some *italic ones* and `inline_code()` in one sentence that goes on "
    "long enough to wrap at a word boundary in a narrow pane.\n"
    "\n"
    "## Lists\n"
    "\n"
    "- first bullet\n"
    "  - nested bullet\n"
    "- second bullet\n"
    "\n"
    "1. step one\n"
    "2. step two\n"
    "\n"
    "> A quoted line of wisdom.\n"
    "\n"
    "| Name | Size | Kind |\n"
    "|------|-----:|------|\n"
    "| alpha | 1 | file |\n"
    "| beta_long_name | 22 | dir |\n"
    "\n"
    "See [the docs](https://example.com/docs) for more.\n"
    "\n"
    "---\n"
    "\n"
    "```c\n"
    "static int compute_the_total(int first_argument, int second_argument, int third_argument_here) "
    "{ return first_argument + second_argument + third_argument_here; }\n"
    "```\n"
    "\n"
    "```diff\n"
    "-old_line();\n"
    "+new_line();\n"
    "```\n"
    "\n"
    "Tour over.\n";
static const Script markdown = {"markdown", {"markdown tour", NULL}, markdown_answer};

static const Script scripts[] = {
    {"linked-list", {"linked list", "linked-list", "reverse", "list", NULL}, linked_list_answer},
    {"python", {"python", ".py", "script", "csv", "count", NULL}, python_answer},
    {"shell", {"shell", "bash", "one-liner", "oneliner", "find ", "xargs", "grep", NULL},
     shell_answer},
    {"refactor", {"refactor", "clean up", "cleanup", "simplify", "improve", "rewrite", NULL},
     refactor_answer},
    {"unicode", {"unicode", "utf-8", "utf8", "emoji", "cjk", "width", "wide char", NULL},
     unicode_answer},
};
enum { SCRIPT_COUNT = sizeof scripts / sizeof scripts[0] };

/* Which script to check first when several match: the most specific topics win. */
static const int match_order[] = {4, 3, 0, 2, 1};

static ScriptPick pick_of(const Script *s)
{
    return (ScriptPick){s->name, s->text, strlen(s->text)};
}

ScriptPick script_builtin(unsigned index)
{
    return pick_of(&scripts[index % SCRIPT_COUNT]);
}

/* ASCII case-insensitive search for needle (lower case) in hay[0..hlen). */
static const char *find_ci(const char *hay, size_t hlen, const char *needle)
{
    size_t nlen = strlen(needle);
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
        size_t k = 0;
        while (k < nlen && tolower((unsigned char)hay[i + k]) == needle[k])
            k++;
        if (k == nlen)
            return hay + i;
    }
    return NULL;
}

ScriptPick script_pick(const char *question, size_t qlen, unsigned *rotation)
{
    /* Clients append editor context after a "---" rule (flint does); answer the question. */
    const char *context = NULL;
    size_t clen = 0;
    for (size_t i = 0; qlen >= 6 && i <= qlen - 6; i++) {
        if (memcmp(question + i, "\n\n---\n", 6) == 0) {
            context = question + i + 6;
            clen = qlen - i - 6;
            qlen = i;
            break;
        }
    }
    const char *echo = NULL;
    for (size_t i = 0; qlen >= 5 && i <= qlen - 5; i++) {
        if (memcmp(question + i, "echo:", 5) == 0) {
            echo = question + i + 5;
            break;
        }
    }
    if (echo) {
        const char *end = question + qlen;
        if (echo < end && *echo == ' ')
            echo++;
        return (ScriptPick){"echo", echo, (size_t)(end - echo)};
    }
    if (find_ci(question, qlen, hostile.keywords[0]))
        return pick_of(&hostile);
    if (find_ci(question, qlen, markdown.keywords[0]))
        return pick_of(&markdown);
    ScriptPick demo; /* the demo file in the context: a patch to review (demo_patch.h) */
    if (demo_patch_pick(question, qlen, context, clen, &demo.name, &demo.text, &demo.len))
        return demo;
    for (size_t m = 0; m < sizeof match_order / sizeof match_order[0]; m++) {
        const Script *s = &scripts[match_order[m]];
        for (const char *const *kw = s->keywords; *kw; kw++)
            if (find_ci(question, qlen, *kw))
                return pick_of(s);
    }
    return pick_of(&scripts[(*rotation)++ % SCRIPT_COUNT]);
}
