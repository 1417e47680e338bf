/* StrBuf: a growable byte string, always NUL-terminated (data may also hold NULs).
 * Owns data; sb_free releases it; sb_steal hands it to the caller. Zero-initialised is valid. */
#ifndef FLINT_CORE_STRBUF_H
#define FLINT_CORE_STRBUF_H

#include <stddef.h>

typedef struct StrBuf {
    char *data;
    size_t len;
    size_t cap;
} StrBuf;

void sb_reserve(StrBuf *sb, size_t extra);
void sb_append(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_putc(StrBuf *sb, char c);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_truncate(StrBuf *sb, size_t len);
void sb_reset(StrBuf *sb);  /* len = 0, keeps the allocation */
void sb_free(StrBuf *sb);
char *sb_steal(StrBuf *sb, size_t *len); /* never NULL; sb is left empty */
/* "" when nothing was ever appended, so callers can always read a C string. */
const char *sb_cstr(const StrBuf *sb);

#endif
