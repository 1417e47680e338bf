/* A scripted answer cut into delta-sized pieces, the way a BPE tokenizer would cut it.
 *
 * Answer owns a copy of the text, the piece boundaries and each piece already escaped as
 * the body of a JSON string, so the delta hot path is a few memcpy's per event.
 * Pieces are 1..6 bytes and never split a UTF-8 sequence (a JSON string cannot carry half
 * a character). Error tier: none (allocation aborts). */
#ifndef FLINT_BACKEND_TOKENIZE_H
#define FLINT_BACKEND_TOKENIZE_H

#include <stddef.h>

#define TOK_MAX_BYTES 6

typedef struct Answer {
    char *text;       /* NUL-terminated copy */
    size_t len;
    size_t ntok;
    size_t *off;      /* ntok + 1 offsets into text; piece i is text[off[i] .. off[i+1]) */
    char *esc;        /* all pieces JSON-escaped, back to back */
    size_t *esc_off;  /* ntok + 1 offsets into esc */
} Answer;

/* Splits text into pieces; never returns NULL. */
Answer *answer_new(const char *text, size_t len);
void answer_free(Answer *a);

/* Piece i of an answer that repeats cyclically (i may exceed ntok; ntok must be > 0). */
static inline const char *answer_piece(const Answer *a, size_t i, size_t *len)
{
    i %= a->ntok;
    *len = a->off[i + 1] - a->off[i];
    return a->text + a->off[i];
}

static inline const char *answer_piece_esc(const Answer *a, size_t i, size_t *len)
{
    i %= a->ntok;
    *len = a->esc_off[i + 1] - a->esc_off[i];
    return a->esc + a->esc_off[i];
}

/* Cuts s[0..len) into pieces; writes up to len + 1 boundaries to off (off[0] = 0,
 * off[n] = len) and returns n. off must have room for len + 1 entries. */
size_t tok_split(const char *s, size_t len, size_t *off);

/* Appends s[0..len) escaped for the inside of a JSON string (RFC 8259 section 7): quote,
 * backslash and C0 controls are escaped; other bytes (UTF-8) pass through. Returns the
 * number of bytes written; dst needs room for 6 * len bytes. */
size_t json_escape(char *dst, const char *s, size_t len);

#endif
