/* The demo's patches (see demo_patch.h). Each is an apply_patch body with "PATH" where the
 * file's path goes; a patch applies when each of its kept and removed lines is a whole line of
 * the context (the file's text in flint's fence). */
#include "tests/backend/demo_patch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct DemoPatch {
    const char *name;
    const char *keywords[8]; /* lower case, NULL-terminated */
    const char *prose;
    const char *body;        /* the lines between "*** Update File: PATH" and "*** End Patch" */
} DemoPatch;

static const DemoPatch patches[] = {
    {"demo-todo",
     {"todo", "reverse", "free", "leak", "finish", "fix", NULL},
     "The TODO in `main` asks to reverse the list and free it. Two small helpers do it: "
     "`reverse` flips the `next` pointers in one pass, `free_list` releases every node.\n",
     "@@ static void print_list(const struct node *head)\n"
     "     for (; head; head = head->next)\n"
     "         printf(\"%d%s\", head->value, head->next ? \" -> \" : \"\\n\");\n"
     " }\n"
     "+\n"
     "+/* Reverses the list in place; returns the new head. */\n"
     "+static struct node *reverse(struct node *head)\n"
     "+{\n"
     "+    struct node *prev = NULL;\n"
     "+    while (head) {\n"
     "+        struct node *next = head->next;\n"
     "+        head->next = prev;\n"
     "+        prev = head;\n"
     "+        head = next;\n"
     "+    }\n"
     "+    return prev;\n"
     "+}\n"
     "+\n"
     "+static void free_list(struct node *head)\n"
     "+{\n"
     "+    while (head) {\n"
     "+        struct node *next = head->next;\n"
     "+        free(head);\n"
     "+        head = next;\n"
     "+    }\n"
     "+}\n"
     "@@ int main(int argc, char **argv)\n"
     "     print_list(list);\n"
     "-    /* TODO: reverse the list in place and free it */\n"
     "+    list = reverse(list);\n"
     "+    print_list(list);\n"
     "+    free_list(list);\n"
     "     return 0;\n"
     " }\n"},
    {"demo-comment",
     {"comment", "document", "doc", "explain", "describe", NULL},
     "Each function gets a one-line comment that says what it does and what it returns.\n",
     "@@\n"
     " \n"
     "+/* Prepends a node holding value; exits when memory runs out. */\n"
     " static struct node *push(struct node *head, int value)\n"
     " {\n"
     "@@\n"
     " \n"
     "+/* Prints the values in order, separated by arrows. */\n"
     " static void print_list(const struct node *head)\n"
     " {\n"},
    {"demo-error",
     {"error", "handling", "check", "atoi", "valid", "input", "robust", NULL},
     "`atoi` turns \"12x\" into 12 and \"x\" into 0 without a word. `strtol` with an end pointer "
     "and `errno` rejects both, and the range check keeps the value an `int`.\n",
     "@@\n"
     "+#include <errno.h>\n"
     "+#include <limits.h>\n"
     " #include <stdio.h>\n"
     "@@ int main(int argc, char **argv)\n"
     "     struct node *list = NULL;\n"
     "-    for (int i = 1; i < argc; i++)\n"
     "-        list = push(list, atoi(argv[i]));\n"
     "+    for (int i = 1; i < argc; i++) {\n"
     "+        char *end;\n"
     "+        errno = 0;\n"
     "+        long v = strtol(argv[i], &end, 10);\n"
     "+        if (errno || end == argv[i] || *end || v < INT_MIN || v > INT_MAX) {\n"
     "+            fprintf(stderr, \"not an int: %s\\n\", argv[i]);\n"
     "+            return 1;\n"
     "+        }\n"
     "+        list = push(list, (int)v);\n"
     "+    }\n"},
    {"demo-rename",
     {"rename", "name", NULL},
     "`list_print` reads better next to the other list operations; the definition and the "
     "one call change.\n",
     "@@\n"
     " \n"
     "-static void print_list(const struct node *head)\n"
     "+static void list_print(const struct node *head)\n"
     " {\n"
     "@@ int main(int argc, char **argv)\n"
     "         list = push(list, atoi(argv[i]));\n"
     "-    print_list(list);\n"
     "+    list_print(list);\n"},
};
enum { PATCH_COUNT = sizeof patches / sizeof patches[0] };

static char answer[16384];

static bool has_ci(const char *hay, size_t hlen, const char *needle)
{
    size_t nlen = strlen(needle);
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
        size_t k = 0;
        while (k < nlen && tolower((unsigned char)hay[i + k]) == needle[k])
            k++;
        if (k == nlen)
            return true;
    }
    return false;
}

/* line[0, len) is a whole line of the context. */
static bool has_line(const char *ctx, size_t clen, const char *line, size_t len)
{
    for (size_t i = 0; i + len <= clen; i++) {
        if ((i == 0 || ctx[i - 1] == '\n') && memcmp(ctx + i, line, len) == 0 &&
            (i + len == clen || ctx[i + len] == '\n' || ctx[i + len] == '\r'))
            return true;
    }
    return false;
}

/* The body with print_list called list_print when the user took the rename already, so the
 * other patches still apply; in out (cap bytes). */
static const char *adapt(const char *body, bool renamed, char *out, size_t cap)
{
    if (!renamed)
        return body;
    size_t n = 0;
    for (const char *s = body; *s && n + 16 < cap;) {
        if (strncmp(s, "print_list", 10) == 0) {
            memcpy(out + n, "list_print", 10);
            n += 10;
            s += 10;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    return out;
}

static bool applies(const char *body, const char *ctx, size_t clen)
{
    for (const char *s = body; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len && (s[0] == ' ' || s[0] == '-') && !has_line(ctx, clen, s + 1, len - 1))
            return false;
        s += len + (nl ? 1 : 0);
    }
    return true;
}

/* The path from "File: NAME (PATH)" or "File: NAME". */
static void context_path(const char *ctx, size_t clen, char *out, size_t size)
{
    snprintf(out, size, "hello.c");
    const char *f = NULL;
    for (size_t i = 0; i + 6 <= clen; i++)
        if ((i == 0 || ctx[i - 1] == '\n') && memcmp(ctx + i, "File: ", 6) == 0) {
            f = ctx + i + 6;
            break;
        }
    if (!f)
        return;
    const char *end = memchr(f, '\n', clen - (size_t)(f - ctx));
    if (!end)
        end = ctx + clen;
    const char *open = memchr(f, '(', (size_t)(end - f));
    if (open && end[-1] == ')' && !has_ci(open, (size_t)(end - open), "not saved")) {
        snprintf(out, size, "%.*s", (int)(end - 1 - open - 1), open + 1);
        return;
    }
    const char *sp = memchr(f, ' ', (size_t)(end - f));
    snprintf(out, size, "%.*s", (int)((sp ? sp : end) - f), f);
}

/* flint sends a file whole once per conversation, then "Unchanged since you last saw it" or
 * a unified diff against that version (session/context.c): like a model, the backend keeps
 * the last context that held the whole demo file (one flint per backend) and brings it up
 * to date with the diff, so a later question still gets a patch for the file as it is. */
static char *seen;
static size_t seen_len;

static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    for (size_t i = 0; nlen && hlen >= nlen && i <= hlen - nlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

/* One hunk's old and new lines (' '/'-' and ' '/'+', prefix dropped): the old run is
 * replaced in seen by the new one (by content: the line numbers are the model's concern). */
static bool apply_hunk(const char *h, size_t hlen)
{
    char *old = malloc(hlen + 1), *new = malloc(hlen + 1);
    size_t olen = 0, nlen = 0;
    for (const char *p = h, *end = h + hlen; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl + 1 : end) - p);
        if (n && (p[0] == ' ' || p[0] == '-')) {
            memcpy(old + olen, p + 1, n - 1);
            olen += n - 1;
        }
        if (n && (p[0] == ' ' || p[0] == '+')) {
            memcpy(new + nlen, p + 1, n - 1);
            nlen += n - 1;
        }
        p += n;
    }
    const char *at = find_bytes(seen, seen_len, old, olen);
    bool ok = at != NULL;
    if (ok) {
        size_t pre = (size_t)(at - seen), post = seen_len - pre - olen;
        char *next = malloc(pre + nlen + post + 1);
        memcpy(next, seen, pre);
        memcpy(next + pre, new, nlen);
        memcpy(next + pre + nlen, at + olen, post);
        free(seen);
        seen = next;
        seen_len = pre + nlen + post;
    }
    free(old);
    free(new);
    return ok;
}

/* The diff block after "Changed since you last saw it", applied hunk by hunk. */
static bool apply_diff(const char *context, size_t clen)
{
    static const char changed[] = "Changed since you last saw it";
    const char *c = find_bytes(context, clen, changed, sizeof changed - 1);
    const char *d = c ? find_bytes(c, clen - (size_t)(c - context), "`diff\n", 6) : NULL;
    if (!d)
        return false;
    d += 6;
    const char *end = context + clen;
    const char *fence = find_bytes(d, (size_t)(end - d), "\n``", 4);
    const char *stop = fence ? fence + 1 : end;
    for (const char *p = d; p < stop;) {
        const char *h = find_bytes(p, (size_t)(stop - p), "@@", 2);
        if (!h)
            break;
        const char *body = memchr(h, '\n', (size_t)(stop - h));
        if (!body)
            break;
        body++;
        const char *next = find_bytes(body, (size_t)(stop - body), "\n@@", 3);
        const char *hend = next ? next + 1 : stop;
        if (!apply_hunk(body, (size_t)(hend - body)))
            return false;
        p = hend;
    }
    return true;
}

bool demo_patch_pick(const char *question, size_t qlen, const char *context, size_t clen,
                     const char **name, const char **text, size_t *len)
{
    static const char marker[] = "static struct node *push(struct node *head, int value)";
    if (context && has_line(context, clen, marker, sizeof marker - 1)) {
        free(seen);
        seen = malloc(clen + 1);
        memcpy(seen, context, clen);
        seen_len = clen;
    } else if (context && seen &&
               (find_bytes(context, clen, "Unchanged since you last saw it", 31) ||
                apply_diff(context, clen))) {
        context = seen;
        clen = seen_len;
    }
    if (!context || !has_line(context, clen, marker, sizeof marker - 1))
        return false;
    static const char renamed_marker[] = "static void list_print(const struct node *head)";
    bool renamed = has_line(context, clen, renamed_marker, sizeof renamed_marker - 1);
    static char bodies[PATCH_COUNT][4096];
    const char *body[PATCH_COUNT];
    for (size_t i = 0; i < PATCH_COUNT; i++)
        body[i] = adapt(patches[i].body, renamed, bodies[i], sizeof bodies[i]);
    size_t chosen = PATCH_COUNT;
    for (size_t i = 0; chosen == PATCH_COUNT && i < PATCH_COUNT; i++)
        for (const char *const *kw = patches[i].keywords; *kw && chosen == PATCH_COUNT; kw++)
            if (has_ci(question, qlen, *kw) && applies(body[i], context, clen))
                chosen = i;
    for (size_t i = 0; chosen == PATCH_COUNT && i < PATCH_COUNT; i++)
        if (applies(body[i], context, clen))
            chosen = i;
    if (chosen == PATCH_COUNT)
        return false;
    char path[512];
    context_path(context, clen, path, sizeof path);
    int n = snprintf(answer, sizeof answer,
                     "%s\n*** Begin Patch\n*** Update File: %s\n%s*** End Patch\n\n"
                     "Ctrl-R reviews it: y accepts a hunk, n rejects it; Ctrl-Z undoes an "
                     "accepted one.\n",
                     patches[chosen].prose, path, body[chosen]);
    if (n < 0 || (size_t)n >= sizeof answer)
        return false;
    *name = patches[chosen].name;
    *text = answer;
    *len = (size_t)n;
    return true;
}
