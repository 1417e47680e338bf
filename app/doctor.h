/* Doctor: flint --doctor, a plain report (stdout, no curses screen, 80 columns) of what flint
 * finds about the terminal it runs in and what to set: TERM and terminfo (colours, true
 * colour from COLORTERM / the RGB or Tc flag), NO_COLOR, bracketed paste and mouse (asked of
 * the terminal with DECRQM), the kitty keyboard protocol (asked, with DA1 so that a terminal
 * that does not know it still answers), what Esc will cost, the OSC 52 clipboard route, tmux's
 * options (app/tmux_opts.h), SSH, the locale.
 *
 * The terminal is asked through /dev/tty in raw mode for at most DOCTOR_ASK_MS (an answer
 * that never comes is "no answer"); the mode is restored before anything is printed.
 * doctor_parse_answers is the pure part. Errors: none (what cannot be found is said). */
#ifndef FLINT_APP_DOCTOR_H
#define FLINT_APP_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "session/settings.h"

#define DOCTOR_ASK_MS 1000

typedef struct DoctorAnswers {
    bool da1;             /* the terminal answered the primary device attributes query */
    bool kitty;           /* CSI ? flags u came */
    unsigned kitty_flags;
    int paste_mode;       /* DECRPM for mode 2004: 0 unknown mode, 1/2 set/reset, 3/4 fixed; -1
                           * no answer */
    int sgr_mouse_mode;   /* the same for mode 1006 */
    bool bg;              /* OSC 11 answered: the background colour */
    uint8_t bg_rgb[3];
} DoctorAnswers;

/* Pure: the answers found in what the terminal sent (b[0..n), in any order and among other
 * bytes). */
void doctor_parse_answers(const char *b, size_t n, DoctorAnswers *out);
/* Writes the report to out; s: the settings (NULL: defaults). Returns 0. */
int doctor_run(FILE *out, const Settings *s);

#endif
