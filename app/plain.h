/* Plain mode (--plain): flint without the full-screen UI. Questions are read as lines from the
 * terminal in its own cooked mode (the tty's line editor: Backspace, Ctrl-U, Ctrl-W), and the
 * answer is printed as it arrives, appended, never redrawn: for screen readers, mosh, slow
 * serial links and logs. A line ending in a backslash goes on with the next line (the
 * backslash is dropped); Ctrl-C or Ctrl-G stops the answer (Ctrl-G ends the line at once: it
 * is the tty's second end-of-line character here); Ctrl-D on an empty line quits. With stdin
 * not a terminal, each line is a question, asked in turn, and flint quits after the last
 * answer (a transcript for a pipe or a log). The swap-file question at start is a line
 * answered by the next line typed; with stdin not a terminal it is not asked, and the swap
 * stays (see plain.c).
 *
 * It is the same App as the full-screen one (app.h's construction steps): the Session, the
 * Transport, the journal, the files on the command line as context; the Ui composes frames
 * into its Grid with no Term, and after each frame plain prints what is new in the transcript
 * and the status line's messages ("flint: ..."). Model text is untrusted: control characters
 * other than newline and tab are dropped before it is printed.
 *
 * Errors: plain_run returns the process exit status (0 after Ctrl-D, 1 when it could not
 * start, with the reason on stderr, 2 when the transport could not be made). */
#ifndef FLINT_APP_PLAIN_H
#define FLINT_APP_PLAIN_H

#include <stddef.h>

struct AppConfig;

int plain_run(const struct AppConfig *cfg);

/* Appends to out the bytes of text[0..n) that may reach a terminal: UTF-8 and printable
 * ASCII, newline and tab; every other control (C0, DEL, C1 as UTF-8) is dropped. */
struct StrBuf;
void plain_sanitize(struct StrBuf *out, const char *text, size_t n);

/* The answer to the swap-file question typed as a line (spaces around it and case ignored):
 * 'r' for "r"/"recover", 'd' for "d"/"diff", 'x' for "x"/"delete", 0 (ignore, the full
 * screen's Esc) for an empty line or "i"/"ignore"; -1 for anything else (asked again). */
int plain_swap_choice(const char *s, size_t n);
/* The length of text[0..n) without a UTF-8 sequence cut at its end (a streaming answer's
 * next delta brings the rest): what may be printed now. */
size_t plain_complete(const char *text, size_t n);

#endif
