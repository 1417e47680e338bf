/* Keys: a non-blocking decoder from raw tty bytes to key events (KeyEvent, in ui/key.h; their
 * names, keys_describe / keys_parse, are in ui/key_name.h).
 *
 * We never read keys through curses: wget_wch blocks the whole loop for ESCDELAY after a lone
 * Esc. The decoder understands UTF-8 text, C0 control keys, CSI and SS3 sequences as sent by
 * xterm, tmux, screen, rxvt and the Linux console (with xterm modifier parameters, e.g.
 * ESC[1;5C = Ctrl-Right), ESC-prefixed Alt keys, mouse reports (SGR, mode 1006: ESC[<b;x;yM/m,
 * and the old ESC[M b x y; delivered as KC_MOUSE), and bracketed paste (ESC[200~ ... ESC[201~,
 * delivered as one KC_PASTE event). A lone ESC, or a sequence cut off at the end of the
 * bytes fed so far, stays pending: keys_pending() tells the caller to start the Esc timer
 * (~25 ms); keys_timeout() then resolves it (a lone ESC becomes the Esc key; a bare ESC [,
 * ESC O, ESC ] or ESC P becomes Alt-[, Alt-O, Alt-], Alt-P). With keys_set_esc_at_once a
 * lone ESC that ends a read is the Esc key without the timer (see there).
 * The terminal's answers to the kitty keyboard query (CSI ? flags u), to DA1 (CSI ? ... c) and
 * to OSC 11 (the background colour: OSC 11 ; rgb:RRRR/GGGG/BBBB, ended by ST or BEL) are taken
 * out of the keys wherever they fall among them, even split across reads, and recorded in
 * d->replies.
 * Unknown sequences are consumed whole and dropped; they never turn into typed text. So are
 * the terminal's replies: control strings (OSC ESC ], DCS ESC P, APC ESC _, PM ESC ^, SOS
 * ESC X, and their UTF-8 C1 forms C2 9D, C2 90, ...) up to their BEL or ST (ESC \ or C2 9C),
 * in constant memory however long; nF escapes (ESC ( B); C1 CSI (C2 9B ...). A reply cut off
 * after some of its payload stays pending across timeouts for up to a second, so the rest of
 * it is never typed (nor its BEL read as Ctrl-G). */
#ifndef FLINT_UI_KEYS_H
#define FLINT_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "ui/key.h"

/* How long after an Esc decided at once (keys_set_esc_at_once) the rest of a sequence that
 * a slow link split off is still recognised and swallowed: the old Esc timer's 25 ms. */
#define KEYS_ESC_WINDOW_MS 25

/* What the terminal answered to flint's queries (CSI ? u, CSI c, OSC 11 ; ?), seen among the
 * keys. */
typedef struct KeysReplies {
    bool kitty;            /* a kitty keyboard protocol answer came (CSI ? flags u) */
    unsigned kitty_flags;  /* ... with these flags */
    unsigned da1;          /* primary device attributes answers (CSI ? ... c) seen */
    bool bg;               /* OSC 11 answered (OSC 11 ; rgb:RRRR/GGGG/BBBB ST or BEL) */
    uint8_t bg_rgb[3];     /* ... the background colour, 8 bits a component */
} KeysReplies;

typedef struct KeyDecoder {
    unsigned char buf[256]; /* bytes not yet decoded */
    size_t len;
    bool in_paste;
    StrBuf paste;
    bool paste_ready;
    uint64_t fed_ns;          /* clock_now_ns() of the last keys_feed with bytes */
    uint64_t string_since_ns; /* when keys_timeout first found a cut reply waiting; 0: none */
    bool esc_at_once;         /* a lone ESC at the end of a feed is the Esc key at once */
    uint64_t esc_fired_ns;    /* when such an Esc was decided (0: not by the last feed) */
    bool swallow;             /* buf starts with the rest of a split sequence: drop it */
    KeysReplies replies;
} KeyDecoder;

void keys_init(KeyDecoder *d);
void keys_free(KeyDecoder *d);
void keys_feed(KeyDecoder *d, const char *bytes, size_t n);
/* Takes the next complete event; false when none is complete yet. */
bool keys_next(KeyDecoder *d, KeyEvent *out);
/* True when bytes are waiting that only time can resolve (a lone ESC, a cut sequence). */
bool keys_pending(const KeyDecoder *d);
/* Resolves pending bytes as if no more will come. Follow with keys_next(). */
void keys_timeout(KeyDecoder *d);
/* Off (keys_init's default): a lone ESC waits for keys_timeout (the app's Esc timer). On: an
 * ESC (or a run of them) that ends the bytes of one keys_feed is the Esc key at once, since
 * a terminal writes a sequence in one go (crossterm decides the same way); if the next feed
 * comes within KEYS_ESC_WINDOW_MS and starts like the rest of a sequence ('[', 'O', or a
 * control string's introducer), that rest is taken whole and dropped, never typed (a paste's
 * opening ESC [ 2 0 0 ~ still opens the paste). Typed text after it ("Esc" then "x") is kept. */
void keys_set_esc_at_once(KeyDecoder *d, bool on);

#endif
