/* Keys: raw tty bytes -> KeyEvent, without ever blocking.
 *
 * Data structure. d->buf[0..len) holds bytes not decoded yet; keys_next() decodes from its
 * front, one event per call, and a sequence cut off at the end of buf simply waits for more
 * bytes (keys_pending) or for keys_timeout(). The grammar (CSI, SS3, Alt, control strings,
 * nF escapes, C1 controls) is key_decode()'s, in ui/key_decode.c; this file owns the buffer,
 * the paste, the bursts and the timeouts. Key names are in ui/key_name.c.
 *
 * Invariants of buf:
 *  - Every ESC in buf starts a sequence or prefixes one (ESC ESC [ A = Alt-Up): a byte that
 *    cannot continue a sequence ends it (the sequence is dropped) and is decoded afresh.
 *  - Ordinary bytes fill buf only up to BUF_DATA_MAX. The rest of buf is head-room for the
 *    paste marker (6 bytes) and for keys_timeout()'s rewriting (at most +9 bytes).
 *  - The 6 bytes ESC [ 2 0 0 ~ in buf are a paste marker: keys_feed() turns a bracketed
 *    paste's opening sequence into a marker and diverts everything up to ESC [ 2 0 1 ~ into
 *    d->paste (any byte, ESC included, is paste text there). While in_paste, the marker is the
 *    last thing in buf; once paste_ready, keys_next() delivers KC_PASTE when it reaches the
 *    marker, so keys typed before and after a paste keep their order.
 *  - A CSI sequence longer than CSI_MAX bytes is collapsed in place to ESC [ ? (a private
 *    sequence we never map), so an endless run of parameter bytes costs no memory and is
 *    still dropped whole when its final byte arrives. Likewise an open control string keeps
 *    at most STR_MAX bytes of payload (compact_string: introducer, '.', its last byte) and an
 *    nF escape at most two intermediates.
 *
 * Timeouts. keys_timeout() rewrites the cut tail into complete sequences that mean what the
 * bytes meant on their own: a lone ESC becomes ESC [ 2 7 u (kitty's encoding of Esc),
 * ESC [ becomes Alt-[ (ESC [ 9 1 ; 3 u), ESC O Alt-O, a bare string introducer or nF
 * intermediate Alt + that key (ESC ] Alt-]); cut CSI/SS3 parameters, cut UTF-8 and cut C1
 * sequences are dropped. A control string cut after some payload is a terminal reply split by
 * a slow link: it stays pending until STRING_TIMEOUT_NS after the first timeout that found it
 * (then it is dropped), so the rest of it is never typed and its BEL is never Ctrl-G.
 * An open bracketed paste also counts as pending, but keys_timeout() closes it
 * only after PASTE_TIMEOUT_NS without a byte (a lost ESC [ 2 0 1 ~ must not swallow input
 * forever; a paste trickling in over a slow SSH link must not be split by the 25 ms Esc
 * timer, which the app re-arms for as long as keys_pending() says so).
 *
 * Bursts. A single keys_feed() of text that would overflow buf outside a bracketed paste is an
 * unbracketed paste (typing never delivers 200+ bytes in one read): the bytes of that call
 * still undecoded become one KC_PASTE, so pasted newlines cannot submit the prompt. A burst
 * that holds escape sequences is keys that piled up while the app was busy; it is never made
 * text: the oldest keys are dropped to make room (only when the app feeds without draining).
 * An unbracketed paste is text only up to the first ESC or C1 control of the call (other than
 * a bracketed paste's opening): the paste ends there and the rest of the call is keys, so
 * 240 x 'a' then ESC [ A is a paste of the 'a's and then Up (what of the rest does not fit
 * in buf is dropped from its end, so the keys keep their order).
 *
 * Pasted text is capped at PASTE_CAP bytes; the excess is dropped, but the closing sequence
 * is still recognised. KC_PASTE's text lives in d->paste and stays valid until the next
 * keys_next() (or a keys_feed() that opens another paste). */
#include "ui/keys.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "ui/key_decode.h"

#define BUF_DATA_MAX (sizeof ((KeyDecoder *)0)->buf - 32)
#define CSI_MAX 32
#define STR_MAX 32
#define STRING_TIMEOUT_NS NS_PER_SEC
#define PASTE_CAP ((size_t)16 << 20)
#define PASTE_TIMEOUT_NS (2 * NS_PER_SEC)

static const char PASTE_START[] = "\033[200~";
static const char PASTE_END[] = "\033[201~";
#define MARK_LEN 6

/* --- the paste ------------------------------------------------------------------------- */

/* Appends one byte of paste text; past PASTE_CAP only a 6-byte window is kept, so the closing
 * sequence is still seen. True when the byte completed ESC [ 2 0 1 ~ (then removed). */
static bool paste_put(KeyDecoder *d, unsigned char c)
{
    StrBuf *p = &d->paste;
    if (p->len < PASTE_CAP + MARK_LEN) {
        sb_putc(p, (char)c);
    } else {
        memmove(p->data + PASTE_CAP, p->data + PASTE_CAP + 1, MARK_LEN - 1);
        p->data[PASTE_CAP + MARK_LEN - 1] = (char)c;
    }
    if (c == '~' && p->len >= MARK_LEN &&
        memcmp(p->data + p->len - MARK_LEN, PASTE_END, MARK_LEN) == 0) {
        sb_truncate(p, p->len - MARK_LEN);
        return true;
    }
    return false;
}

static void paste_close(KeyDecoder *d)
{
    sb_truncate(&d->paste, PASTE_CAP);
    d->in_paste = false;
    d->paste_ready = true;
}

/* Opens a paste whose marker belongs at buf[len]. A paste that is complete but not yet
 * taken absorbs the new one (its marker already stands earlier in buf). */
static void paste_open(KeyDecoder *d)
{
    d->in_paste = true;
    if (d->paste_ready) {
        d->paste_ready = false;
        return;
    }
    sb_reset(&d->paste);
    memcpy(d->buf + d->len, PASTE_START, MARK_LEN);
    d->len += MARK_LEN;
}

/* --- feeding ---------------------------------------------------------------------------- */

static size_t pending_start(const KeyDecoder *d);
static void esc_at_end(KeyDecoder *d);

/* After a parameter/intermediate byte: collapse an overlong CSI at the tail to ESC [ ? (or
 * C2 9B ?), and an overlong run of nF intermediates to its first and last byte. */
static void compact_csi(KeyDecoder *d)
{
    size_t j = d->len;
    while (j > 0 && d->buf[j - 1] >= 0x20 && d->buf[j - 1] <= 0x3f)
        j--;
    if (d->len - j <= CSI_MAX || j == 0)
        return;
    if (j >= 2 && ((d->buf[j - 1] == '[' && d->buf[j - 2] == ESC) ||
                   (d->buf[j - 1] == 0x9B && d->buf[j - 2] == 0xC2))) {
        d->buf[j] = '?';
        d->len = j + 1;
        return;
    }
    if (d->buf[j - 1] == ESC) {
        for (size_t i = j; i < d->len; i++)
            if (d->buf[i] > 0x2f)
                return; /* not an open nF escape: it has had its final byte */
        d->buf[j + 1] = d->buf[d->len - 1];
        d->len = j + 2;
    }
}

/* After any byte: an open control string at the tail whose payload passed STR_MAX bytes keeps
 * only its introducer, one neutral byte and its last byte (which may begin ST: ESC or C2), so
 * an endless string costs no memory and is still dropped whole when it ends. The tail's
 * string, if any, starts at the last ESC or C1 in buf (either ends a string), and since this
 * runs after every byte, that is never more than STR_MAX + 4 bytes back. */
static void compact_string(KeyDecoder *d)
{
    size_t len = d->len;
    if (len < STR_MAX + 4)
        return;
    size_t lo = len - (STR_MAX + 4);
    for (size_t p = len - 2;; p--) { /* the last byte cannot start a complete introducer */
        unsigned char a = d->buf[p], b = d->buf[p + 1];
        bool esc = a == ESC, c1 = a == 0xC2 && b >= 0x80 && b <= 0x9f;
        if (esc || c1) {
            if (!(esc ? is_string_intro(b) : is_c1_string_intro(b)))
                return;
            if (len - (p + 2) <= STR_MAX)
                return;
            for (size_t i = p + 2; i < len; i++)
                if (d->buf[i] == BEL || d->buf[i] == CAN || d->buf[i] == SUB)
                    return; /* it has ended */
            d->buf[p + 2] = '.';
            d->buf[p + 3] = d->buf[len - 1];
            d->len = p + 4;
            return;
        }
        if (p == lo)
            return;
    }
}

/* The start of a sequence at b[0..n): ESC, or a C1 control in UTF-8 (C2 80..C2 9F). */
static bool seq_start(const unsigned char *b, size_t n)
{
    return b[0] == ESC || (b[0] == 0xC2 && n >= 2 && b[1] >= 0x80 && b[1] <= 0x9f);
}

/* An ESC or C1 control in buf[from..len) other than a paste marker. */
static bool has_escape(const KeyDecoder *d, size_t from)
{
    for (size_t i = from; i < d->len; i++)
        if (seq_start(d->buf + i, d->len - i) &&
            !(d->len - i >= MARK_LEN && memcmp(d->buf + i, PASTE_START, MARK_LEN) == 0))
            return true;
    return false;
}

/* Removes the first event in buf (the first after a waiting paste's marker, which must stay);
 * returns how many bytes went, from offset *at. */
static size_t drop_oldest(KeyDecoder *d, size_t *at)
{
    KeyEvent ev;
    size_t pos = 0, used = 0;
    DecResult r = key_decode(d->buf, d->len, &ev, &used);
    if (r == DEC_MARK) {
        pos = used;
        r = pos < d->len ? key_decode(d->buf + pos, d->len - pos, &ev, &used) : DEC_MORE;
    }
    if (r == DEC_MORE || used == 0)
        used = 1;
    if (pos + used > d->len)
        used = d->len - pos;
    memmove(d->buf + pos, d->buf + pos + used, d->len - pos - used);
    d->len -= used;
    *at = pos;
    return used;
}

void keys_init(KeyDecoder *d)
{
    memset(d, 0, sizeof *d);
}

void keys_set_esc_at_once(KeyDecoder *d, bool on)
{
    d->esc_at_once = on;
    d->esc_fired_ns = 0;
}

/* The first byte of what follows ESC in a CSI, an SS3 or a control string: what a link that
 * split a sequence right after its ESC delivers next. Never what a person types within
 * KEYS_ESC_WINDOW_MS of Esc. */
static bool continues_sequence(unsigned char c)
{
    return c == '[' || c == 'O' || is_string_intro(c);
}

void keys_free(KeyDecoder *d)
{
    sb_free(&d->paste);
    memset(d, 0, sizeof *d);
}

/* True when s[0..n) begins a sequence that an unbracketed paste must not swallow: any ESC
 * or C1 control except a whole ESC [ 2 0 0 ~ (a bracketed paste right after the burst). */
static bool burst_ends_at(const unsigned char *s, size_t n)
{
    if (!seq_start(s, n))
        return false;
    return !(n >= MARK_LEN && memcmp(s, PASTE_START, MARK_LEN) == 0);
}

void keys_feed(KeyDecoder *d, const char *bytes, size_t n)
{
    const unsigned char *s = (const unsigned char *)bytes;
    bool burst = false;         /* an unbracketed paste opened by this call */
    bool keys_only = false;     /* a burst of this call was cut by a sequence: no more pastes */
    if (n > 0) {
        uint64_t now = clock_now_ns();
        /* The rest of a sequence whose ESC was taken for the Esc key by the last feed: put
         * the ESC back in front, to be decoded and dropped whole (keys_next). */
        if (d->esc_fired_ns && now - d->esc_fired_ns < KEYS_ESC_WINDOW_MS * NS_PER_MS &&
            d->len == 0 && !d->in_paste && !d->paste_ready && continues_sequence(s[0])) {
            d->buf[d->len++] = ESC;
            d->swallow = true;
        }
        d->esc_fired_ns = 0;
        d->fed_ns = now;
    }
    size_t burst_from = d->len; /* where this call's undecoded ordinary bytes begin in buf */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (d->in_paste && burst && burst_ends_at(s + i, n - i)) {
            /* An unbracketed paste is text: it ends where an escape sequence begins, and the
             * rest of this read is decoded as keys (typing behind the paste, a reply). */
            paste_close(d);
            burst = false;
            keys_only = true;
            burst_from = d->len;
        }
        if (d->in_paste) {
            if (paste_put(d, c)) {
                d->in_paste = false;
                d->paste_ready = true;
                burst = false;
                burst_from = d->len;
            } else if (burst && c == '~' && d->paste.len >= MARK_LEN &&
                       memcmp(d->paste.data + d->paste.len - MARK_LEN, PASTE_START, MARK_LEN) ==
                           0) {
                /* A bracketed paste inside a burst: drop its opening, wait for its end. */
                sb_truncate(&d->paste, d->paste.len - MARK_LEN);
                burst = false;
            }
            continue;
        }
        if (d->len < BUF_DATA_MAX) {
            d->buf[d->len++] = c;
            if (c == '~' && d->len >= MARK_LEN &&
                memcmp(d->buf + d->len - MARK_LEN, PASTE_START, MARK_LEN) == 0) {
                d->len -= MARK_LEN;
                paste_open(d);
                burst_from = d->len;
            } else if (c >= 0x20 && c <= 0x3f) {
                compact_csi(d);
            }
            compact_string(d);
            continue;
        }
        /* buf is full. A burst of text is an unbracketed paste: this call's bytes still in
         * buf become the start of the paste text. A burst holding escape sequences is keys
         * piled up while the app was busy (a held arrow key): those are never made text; the
         * oldest key is dropped to make room instead. */
        if (keys_only)
            continue; /* keys behind a cut burst: the ones that do not fit are dropped */
        size_t from = burst_from < d->len ? burst_from : d->len;
        if (has_escape(d, from)) {
            size_t at, gone = drop_oldest(d, &at);
            if (gone > 0) {
                if (at < burst_from)
                    burst_from = burst_from - at < gone ? at : burst_from - gone;
                i--;
                continue;
            }
        }
        bool merge = d->paste_ready;
        if (!merge)
            sb_reset(&d->paste);
        sb_append(&d->paste, (const char *)d->buf + from, d->len - from);
        sb_truncate(&d->paste, PASTE_CAP); /* keeps paste_put's closing-sequence window */
        d->len = from;
        if (merge) {
            d->paste_ready = false;
            d->in_paste = true;
        } else {
            memcpy(d->buf + d->len, PASTE_START, MARK_LEN);
            d->len += MARK_LEN;
            d->in_paste = true;
        }
        burst = true;
        i--; /* this byte is paste text: take it through the branch above */
    }
    if (burst && d->in_paste)
        paste_close(d);
    if (n > 0 && d->esc_at_once)
        esc_at_end(d);
}

/* --- taking events ---------------------------------------------------------------------- */

static void consume(KeyDecoder *d, size_t used)
{
    if (used > d->len)
        used = d->len;
    memmove(d->buf, d->buf + used, d->len - used);
    d->len -= used;
    d->string_since_ns = 0; /* whatever string waited has been taken */
}

/* Records a terminal's answer; false for anything else. */
static bool take_reply(KeyDecoder *d, DecResult r, const KeyEvent *ev)
{
    if (r == DEC_REPLY_KITTY) {
        d->replies.kitty = true;
        d->replies.kitty_flags = ev->cp;
        return true;
    }
    if (r == DEC_REPLY_DA1) {
        d->replies.da1++;
        return true;
    }
    if (r == DEC_REPLY_BG) {
        d->replies.bg = true;
        d->replies.bg_rgb[0] = (uint8_t)(ev->cp >> 16);
        d->replies.bg_rgb[1] = (uint8_t)(ev->cp >> 8);
        d->replies.bg_rgb[2] = (uint8_t)ev->cp;
        return true;
    }
    return false;
}

bool keys_next(KeyDecoder *d, KeyEvent *out)
{
    if (!d->in_paste && !d->paste_ready)
        sb_reset(&d->paste); /* the last KC_PASTE's text expires now */
    while (d->len > 0) {
        KeyEvent ev;
        size_t used = 0;
        DecResult r = key_decode(d->buf, d->len, &ev, &used);
        if (r == DEC_MORE)
            return false;
        if (d->swallow && r != DEC_MARK) {
            /* The rest of a sequence whose ESC was already the Esc key: never typed. An
             * answer to a query is still an answer. */
            d->swallow = false;
            take_reply(d, r, &ev);
            consume(d, used);
            continue;
        }
        d->swallow = false;
        if (take_reply(d, r, &ev)) {
            consume(d, used);
            continue;
        }
        if (r == DEC_MARK) {
            if (d->in_paste)
                return false; /* the paste is still arriving; later keys wait behind it */
            consume(d, used);
            if (!d->paste_ready)
                continue;
            d->paste_ready = false;
            if (d->paste.len == 0)
                continue; /* an empty paste is nothing */
            *out = (KeyEvent){.code = KC_PASTE, .text = d->paste.data, .text_len = d->paste.len};
            return true;
        }
        consume(d, used);
        if (r == DEC_KEY) {
            *out = ev;
            return true;
        }
    }
    return false;
}

/* Start of the cut-off sequence at the end of buf, or len when there is none. An open
 * paste's marker ends the scan (nothing follows it). */
static size_t pending_start(const KeyDecoder *d)
{
    size_t pos = 0;
    while (pos < d->len) {
        KeyEvent ev;
        size_t used = 0;
        DecResult r = key_decode(d->buf + pos, d->len - pos, &ev, &used);
        if (r == DEC_MORE)
            return pos;
        if (r == DEC_MARK && d->in_paste)
            return d->len;
        pos += used;
    }
    return d->len;
}

bool keys_pending(const KeyDecoder *d)
{
    return d->in_paste || pending_start(d) < d->len;
}

/* Alt + the ASCII key c, as kitty encodes it: ESC [ c ; 3 u (at most 8 bytes). */
static size_t put_alt(unsigned char c, unsigned char *out)
{
    char tmp[16];
    int k = snprintf(tmp, sizeof tmp, "\033[%u;3u", (unsigned)c);
    memcpy(out, tmp, (size_t)k);
    return (size_t)k;
}

/* What a cut tail means when nothing more comes; writes at most 16 bytes to out. The tail is
 * one cut sequence, or ESC + one (ESC ESC [). */
static size_t resolve_tail(const unsigned char *t, size_t n, unsigned char *out)
{
    static const char esc_key[] = "\033[27u";
    if (n == 0 || t[0] != ESC)
        return 0; /* cut UTF-8 or a cut C1 sequence: dropped */
    if (n == 1) {
        memcpy(out, esc_key, 5);
        return 5;
    }
    if (t[1] == ESC) {
        memcpy(out, esc_key, 5);
        return 5 + resolve_tail(t + 1, n - 1, out + 5);
    }
    if (t[1] == '[' || t[1] == 'O' || is_string_intro(t[1]) || (t[1] >= 0x20 && t[1] <= 0x2f)) {
        /* ESC [, ESC O, ESC ], ESC P, ESC SP ... alone: Alt + that key */
        if (n == 2)
            return put_alt(t[1], out);
        if (is_string_intro(t[1]) && n == 3 && t[2] == ESC) { /* Alt-], then Esc */
            size_t k = put_alt(t[1], out);
            memcpy(out + k, esc_key, 5);
            return k + 5;
        }
        return 0; /* a cut sequence with parameters or payload: dropped */
    }
    memcpy(out, esc_key, 5); /* ESC + cut UTF-8: Esc */
    return 5;
}

/* A control string cut with some payload (not just ESC ] or ESC ] ESC): the rest of a
 * terminal's reply is on its way, perhaps over a slow link. */
static bool string_waits(const unsigned char *t, size_t n)
{
    if (n < 3 || t[2] == ESC)
        return false;
    return (t[0] == ESC && is_string_intro(t[1])) || (t[0] == 0xC2 && is_c1_string_intro(t[1]));
}

void keys_timeout(KeyDecoder *d)
{
    if (d->in_paste) {
        if (clock_now_ns() - d->fed_ns >= PASTE_TIMEOUT_NS)
            paste_close(d); /* the closing ESC [ 2 0 1 ~ was lost */
        return;
    }
    size_t p = pending_start(d);
    if (p >= d->len) {
        d->string_since_ns = 0;
        return;
    }
    if (string_waits(d->buf + p, d->len - p)) {
        /* A reply cut by a slow link stays pending (its rest would otherwise be typed, and
         * its BEL read as Ctrl-G) until STRING_TIMEOUT_NS after the first timeout saw it. */
        uint64_t now = clock_now_ns();
        if (d->string_since_ns == 0) {
            d->string_since_ns = now ? now : 1;
            return;
        }
        if (now - d->string_since_ns < STRING_TIMEOUT_NS)
            return;
    }
    d->string_since_ns = 0;
    unsigned char out[32];
    size_t k = resolve_tail(d->buf + p, d->len - p, out);
    if (d->swallow && p == 0)
        k = 0; /* the cut rest of a sequence whose ESC was already the Esc key: dropped */
    d->swallow = false;
    /* The tail is at most 3 bytes when it grows (ESC ESC [, ESC ] ESC), and BUF_DATA_MAX
     * leaves room; stay safe anyway. */
    if (k > sizeof d->buf - p)
        k = 0;
    memcpy(d->buf + p, out, k);
    d->len = p + k;
}

/* keys_set_esc_at_once: an ESC, or a run of them, that ends what this feed left undecoded is
 * the Esc key now; the next feed may bring the rest of its sequence (keys_feed swallows it). */
static void esc_at_end(KeyDecoder *d)
{
    if (d->in_paste)
        return;
    size_t p = pending_start(d);
    if (p >= d->len)
        return;
    for (size_t i = p; i < d->len; i++)
        if (d->buf[i] != ESC)
            return;
    if (d->swallow && p == 0)
        return; /* ESC put back by keys_feed and nothing after it: the timer drops it */
    unsigned char out[32];
    size_t k = resolve_tail(d->buf + p, d->len - p, out);
    if (k == 0 || k > sizeof d->buf - p)
        return;
    memcpy(d->buf + p, out, k);
    d->len = p + k;
    uint64_t now = clock_now_ns();
    d->esc_fired_ns = now ? now : 1;
}
