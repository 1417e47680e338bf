/* Go to line: a small hand-written parser (sign, digits, optional ':' and digits) and the
 * display-column -> byte mapping. Numbers saturate instead of overflowing, so any digits
 * clamp like a too-large line does. No state. */
#include "session/goto_line.h"

#include <stdint.h>

#include "core/utf8.h"

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Digits at *i (at least one); saturates at SIZE_MAX. */
static bool parse_num(const char *s, size_t len, size_t *i, size_t *out)
{
    size_t v = 0, start = *i;
    for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        size_t d = (size_t)(s[*i] - '0');
        v = v > (SIZE_MAX - d) / 10 ? SIZE_MAX : v * 10 + d;
    }
    *out = v;
    return *i > start;
}

bool goto_parse(const char *s, size_t len, size_t cur_line, size_t nlines, GotoTarget *out,
                ErrorBuf *err)
{
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    char sign = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        sign = s[i++];
    size_t n, col = 0;
    bool ok = parse_num(s, len, &i, &n), has_col = false;
    while (ok && i < len && is_blank(s[i]))
        i++;
    if (ok && i < len && s[i] == ':') {
        i++;
        while (i < len && is_blank(s[i]))
            i++;
        ok = parse_num(s, len, &i, &col);
        has_col = true;
    }
    while (ok && i < len && is_blank(s[i]))
        i++;
    if (!ok || i != len)
        return error_set(err, "not a line number: %.*s", (int)(len > 60 ? 60 : len), s);
    size_t line;
    if (sign == '+')
        line = n > SIZE_MAX - cur_line ? SIZE_MAX : cur_line + n;
    else if (sign == '-')
        line = n > cur_line ? 0 : cur_line - n;
    else
        line = n ? n - 1 : 0;
    if (nlines == 0)
        nlines = 1;
    *out = (GotoTarget){.line = line >= nlines ? nlines - 1 : line,
                        .has_col = has_col,
                        .col = col ? col - 1 : 0};
    return true;
}

TextPos goto_resolve(const Buffer *b, GotoTarget target)
{
    const Text *t = buffer_text(b);
    TextPos p = text_clamp(t, (TextPos){target.line, 0});
    if (!target.has_col)
        return p;
    size_t len;
    const char *s = text_line(t, p.line, &len);
    size_t col = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        size_t next = buffer_display_next_col(col, cp, buffer_tab_width(b));
        if (next > target.col)
            break;
        col = next;
        i += n;
    }
    p.col = i;
    return p;
}

bool goto_line(const Buffer *b, const char *s, size_t len, TextPos *out, ErrorBuf *err)
{
    GotoTarget tg;
    if (!goto_parse(s, len, buffer_cursor(b).line, text_line_count(buffer_text(b)), &tg, err))
        return false;
    *out = goto_resolve(b, tg);
    return true;
}
