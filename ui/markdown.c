/* Markdown: line classification and inline attributes (see markdown.h).
 *
 * md_inline runs two passes over the line. Pass 1, left to right: a backslash before ASCII
 * punctuation hides itself and makes the next byte literal; a run of k backticks opens a code
 * span closed by the next run of exactly k (else the run is literal). Pass 2 skips code,
 * hidden and literal bytes: links, then ~~, ** / __, * / _ runs, each paired with the first
 * closer after it on the line (an opener must be followed by a non-space, a closer preceded
 * by one; '_' never opens or closes inside a word, so snake_case stays as it is).
 *
 * Linear cost: each closer search that fails records where it started (fail_from, per
 * delimiter kind); a later opener of that kind after it cannot find a closer either, so it
 * is not searched again. A successful search hides its closer, and scanning resumes after
 * the opener; the bytes between are scanned once more for nested markup. */
#include "ui/markdown.h"

#include <string.h>

#define A_LIT 0x80 /* internal: a byte that is literal text (escaped, unmatched delimiter) */

static bool is_sp(char c) { return c == ' ' || c == '\t'; }
static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c >= 0x80;
}
static bool is_punct(unsigned char c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
}

/* ---- blocks --------------------------------------------------------------------------- */

static size_t skip_sp(const char *s, size_t i, size_t n, size_t *cols)
{
    size_t c = 0;
    while (i < n && is_sp(s[i])) {
        c += s[i] == '\t' ? 4 - c % 4 : 1;
        i++;
    }
    if (cols)
        *cols = c;
    return i;
}

static bool is_hr(const char *s, size_t i, size_t n)
{
    char ch = s[i];
    if (ch != '-' && ch != '*' && ch != '_')
        return false;
    int cnt = 0;
    for (; i < n; i++) {
        if (s[i] == ch)
            cnt++;
        else if (!is_sp(s[i]))
            return false;
    }
    return cnt >= 3;
}

static bool is_table_sep(const char *s, size_t i, size_t n)
{
    bool dash = false;
    for (; i < n; i++) {
        if (s[i] == '-')
            dash = true;
        else if (s[i] != '|' && s[i] != ':' && !is_sp(s[i]))
            return false;
    }
    return dash;
}

void md_block(const char *s, size_t n, MdBlock *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    for (;;) { /* block quotes: "> > x" */
        size_t cols, j = skip_sp(s, i, n, &cols);
        if (cols > 3 || j >= n || s[j] != '>')
            break;
        out->quote++;
        i = j + 1;
        if (i < n && s[i] == ' ')
            i++;
    }
    out->prefix = i;
    size_t cols, j = skip_sp(s, i, n, &cols);
    if (j >= n) {
        out->kind = MD_BLANK;
        out->prefix = n;
        return;
    }
    char c = s[j];
    if (c == '#' && cols <= 3) {
        size_t k = j;
        while (k < n && s[k] == '#')
            k++;
        if (k - j <= 6 && (k == n || is_sp(s[k]))) {
            out->kind = MD_HEADING;
            out->level = (int)(k - j);
            out->prefix = skip_sp(s, k, n, NULL);
            return;
        }
    }
    if (cols <= 3 && is_hr(s, j, n)) {
        out->kind = MD_HR;
        out->prefix = n;
        return;
    }
    if ((c == '-' || c == '+' || c == '*') && (j + 1 == n || is_sp(s[j + 1]))) {
        out->kind = MD_BULLET;
        out->indent = (int)(cols / 2);
        out->prefix = skip_sp(s, j + 1, n, NULL);
        return;
    }
    if (c >= '0' && c <= '9') {
        size_t k = j;
        while (k < n && k - j < 9 && s[k] >= '0' && s[k] <= '9')
            k++;
        if (k < n && (s[k] == '.' || s[k] == ')') && (k + 1 == n || is_sp(s[k + 1]))) {
            out->kind = MD_ORDERED;
            out->indent = (int)(cols / 2);
            memcpy(out->marker, s + j, k + 1 - j); /* at most 10 bytes */
            out->marker[k + 1 - j] = '\0';
            out->prefix = skip_sp(s, k + 1, n, NULL);
            return;
        }
    }
    if (c == '|') {
        out->kind = is_table_sep(s, j, n) ? MD_TABLE_SEP : MD_TABLE;
        out->prefix = i;
        return;
    }
    out->kind = MD_PARA;
}

/* ---- inline --------------------------------------------------------------------------- */

static bool skip_byte(const uint8_t *attr, size_t i)
{
    return attr[i] & (MD_A_CODE | MD_A_HIDE | MD_A_URL | A_LIT);
}

/* Pass 1: escapes and code spans. */
static void pass_code(const char *s, size_t n, uint8_t *attr)
{
    size_t fail_from[9]; /* a search for a closing run of k (<= 8) backticks from here fails */
    for (int k = 0; k < 9; k++)
        fail_from[k] = (size_t)-1;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\\' && i + 1 < n && is_punct((unsigned char)s[i + 1])) {
            attr[i] |= MD_A_HIDE;
            attr[i + 1] |= A_LIT;
            i += 2;
            continue;
        }
        if (s[i] != '`') {
            i++;
            continue;
        }
        size_t k = i;
        while (k < n && s[k] == '`')
            k++;
        size_t len = k - i, j = k, found = n;
        if (len > 8 || fail_from[len] > i) {
            while (j < n) {
                if (s[j] != '`') {
                    j++;
                    continue;
                }
                size_t e = j;
                while (e < n && s[e] == '`')
                    e++;
                if (e - j == len) {
                    found = j;
                    break;
                }
                j = e;
            }
        }
        if (found == n) {
            if (len <= 8 && fail_from[len] > i)
                fail_from[len] = i;
            for (size_t x = i; x < k; x++)
                attr[x] |= A_LIT;
            i = k;
            continue;
        }
        for (size_t x = i; x < k; x++)
            attr[x] |= MD_A_HIDE;
        for (size_t x = k; x < found; x++)
            attr[x] |= MD_A_CODE;
        for (size_t x = found; x < found + len; x++)
            attr[x] |= MD_A_HIDE;
        i = found + len;
    }
}

/* Can the run s[i, i+len) of ch close? (preceded by a non-space; '_' not followed by a word) */
static bool can_close(const char *s, size_t n, size_t i, size_t len, char ch, size_t open_end)
{
    if (i <= open_end || is_sp(s[i - 1]))
        return false;
    if (ch == '_' && i + len < n && is_alnum((unsigned char)s[i + len]))
        return false;
    return true;
}

/* The first closing run of at least len ch after from (bytes not skipped); n: none. */
static size_t find_closer(const char *s, size_t n, const uint8_t *attr, size_t from, char ch,
                          size_t len)
{
    size_t j = from;
    while (j < n) {
        if (s[j] != ch || skip_byte(attr, j)) {
            j++;
            continue;
        }
        size_t e = j;
        while (e < n && s[e] == ch && !skip_byte(attr, e))
            e++;
        if (e - j >= len && can_close(s, n, j, len, ch, from - 1))
            return j;
        j = e;
    }
    return n;
}

enum { F_LINK_BRACKET, F_LINK_PAREN, F_STRIKE, F_STAR1, F_STAR2, F_STAR3, F_UND1, F_UND2,
       F_UND3, F__COUNT };

/* [text](url) at i: true when it was marked. */
static bool try_link(const char *s, size_t n, uint8_t *attr, size_t i, size_t *fail)
{
    if (fail[F_LINK_BRACKET] <= i)
        return false;
    size_t j = i + 1;
    int depth = 0;
    while (j < n) {
        if (!skip_byte(attr, j)) {
            if (s[j] == '[')
                depth++;
            else if (s[j] == ']' && depth-- == 0)
                break;
        }
        j++;
    }
    if (j >= n) {
        fail[F_LINK_BRACKET] = i;
        return false;
    }
    if (j + 1 >= n || s[j + 1] != '(' || fail[F_LINK_PAREN] <= j)
        return false;
    size_t k = j + 2;
    while (k < n && s[k] != ')' && !is_sp(s[k]))
        k++;
    if (k >= n || s[k] != ')') {
        if (k >= n)
            fail[F_LINK_PAREN] = j;
        return false;
    }
    attr[i] |= MD_A_HIDE;
    for (size_t x = i + 1; x < j; x++)
        attr[x] |= MD_A_LINK;
    for (size_t x = j; x <= k; x++) /* "](url)": the ']' is drawn as a space (MD_A_URL) */
        attr[x] |= MD_A_URL;
    return true;
}

static int fail_slot(char ch, size_t len)
{
    if (ch == '~')
        return F_STRIKE;
    return (ch == '*' ? F_STAR1 : F_UND1) + (int)(len > 3 ? 2 : len - 1);
}

void md_inline(const char *s, size_t n, uint8_t *attr)
{
    memset(attr, 0, n);
    pass_code(s, n, attr);
    size_t fail[F__COUNT];
    for (int k = 0; k < F__COUNT; k++)
        fail[k] = (size_t)-1;
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        if (skip_byte(attr, i)) {
            i++;
            continue;
        }
        if (ch == '[') {
            try_link(s, n, attr, i, fail);
            i++;
            continue;
        }
        if (ch != '*' && ch != '_' && ch != '~') {
            i++;
            continue;
        }
        size_t k = i;
        while (k < n && s[k] == ch && !skip_byte(attr, k))
            k++;
        size_t run = k - i, len = run > 3 ? 3 : run;
        bool opens = k < n && !is_sp(s[k]);
        if (ch == '_' && i > 0 && is_alnum((unsigned char)s[i - 1]))
            opens = false;
        if (ch == '~' && run != 2)
            opens = false;
        int slot = fail_slot(ch, len);
        size_t j = n;
        if (opens && fail[slot] > i) {
            j = find_closer(s, n, attr, i + len, ch, len);
            if (j == n)
                fail[slot] = i;
        }
        if (j == n) {
            for (size_t x = i; x < k; x++)
                attr[x] |= A_LIT;
            i = k;
            continue;
        }
        uint8_t a = ch == '~' ? MD_A_STRIKE
                    : len == 1 ? MD_A_EMPH
                    : len == 2 ? MD_A_STRONG
                               : (uint8_t)(MD_A_STRONG | MD_A_EMPH);
        size_t open_at = k - len; /* extra run bytes before the opener stay literal */
        for (size_t x = i; x < open_at; x++)
            attr[x] |= A_LIT;
        for (size_t x = open_at; x < k; x++)
            attr[x] |= MD_A_HIDE;
        for (size_t x = k; x < j; x++)
            attr[x] |= a;
        for (size_t x = j; x < j + len; x++)
            attr[x] |= MD_A_HIDE;
        i = k;
    }
    for (size_t x = 0; x < n; x++)
        attr[x] &= (uint8_t)~A_LIT;
}

/* ---- tables --------------------------------------------------------------------------- */

size_t md_table_cells(const char *s, size_t n, MdCell *cells, size_t max)
{
    size_t i = skip_sp(s, 0, n, NULL);
    if (i < n && s[i] == '|')
        i++;
    size_t count = 0;
    while (i < n) {
        size_t a = i;
        while (i < n && s[i] != '|') {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            i++;
        }
        if (i > n)
            i = n;
        size_t b = i;
        bool last = i >= n;
        size_t ta = skip_sp(s, a, b, NULL), tb = b;
        while (tb > ta && is_sp(s[tb - 1]))
            tb--;
        if (last && ta == tb)
            break; /* after the closing pipe */
        if (count < max)
            cells[count] = (MdCell){ta, tb};
        count++;
        if (!last)
            i++; /* the pipe */
    }
    return count;
}

char md_table_align(const char *s, const MdCell *cell)
{
    if (cell->end <= cell->start)
        return 'l';
    bool left = s[cell->start] == ':', right = s[cell->end - 1] == ':';
    return left && right ? 'c' : right ? 'r' : 'l';
}
