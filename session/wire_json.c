/* WireJson (see wire_json.h). A hand-written writer, not cJSON: the text we send comes from an
 * editor buffer and may hold NULs and invalid UTF-8, while a WebSocket text message must be
 * valid UTF-8 (RFC 6455 8.1) and cJSON's strings stop at the first NUL. It copies runs that
 * need no escaping in one append; everything else is escaped per RFC 8259 7. */
#include "session/wire_json.h"

#include <string.h>

#include "core/utf8.h"

static const char HEX[] = "0123456789abcdef";

void wire_json_string(StrBuf *out, const char *s, size_t len)
{
    sb_reserve(out, len + 2);
    sb_putc(out, '"');
    size_t i = 0, run = 0; /* s[run..i) is a stretch that needs no escaping */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (!UTF8_IS_RAW(cp)) {
                i += n;
                continue;
            }
        }
        sb_append(out, s + run, i - run);
        switch (c) {
        case '"': sb_append(out, "\\\"", 2); break;
        case '\\': sb_append(out, "\\\\", 2); break;
        case '\n': sb_append(out, "\\n", 2); break;
        case '\r': sb_append(out, "\\r", 2); break;
        case '\t': sb_append(out, "\\t", 2); break;
        case '\b': sb_append(out, "\\b", 2); break;
        case '\f': sb_append(out, "\\f", 2); break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
                sb_append(out, u, sizeof u);
            } else {
                sb_append(out, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte of invalid UTF-8 */
            }
            break;
        }
        run = ++i;
    }
    sb_append(out, s + run, i - run);
    sb_putc(out, '"');
}

void wire_json_cstring(StrBuf *out, const char *s) { wire_json_string(out, s, strlen(s)); }
