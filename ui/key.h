/* Key: the vocabulary every key module shares: KeyCode, the MOD_* bits and KeyEvent. It has
 * no functions and includes nothing of flint's, so the decoder (ui/keys.h, ui/key_decode.h),
 * the names (ui/key_name.h) and the app's key tables can all use it without including each
 * other. */
#ifndef FLINT_UI_KEY_H
#define FLINT_UI_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* KC_ prefix: curses.h owns KEY_*, and term.c sees both headers. */
typedef enum KeyCode {
    KC_NONE,
    KC_CHAR,      /* cp holds the character; Ctrl-A..Z arrive as cp 'a'..'z' + MOD_CTRL */
    KC_ENTER,
    KC_TAB,
    KC_BACKSPACE,
    KC_DELETE,
    KC_INSERT,
    KC_ESC,
    KC_UP,
    KC_DOWN,
    KC_LEFT,
    KC_RIGHT,
    KC_HOME,
    KC_END,
    KC_PAGE_UP,
    KC_PAGE_DOWN,
    KC_F1,        /* KC_F1 + n - 1 for Fn, n <= 12 */
    KC_F5 = KC_F1 + 4,
    KC_F12 = KC_F1 + 11,
    KC_PASTE,     /* text/text_len hold the pasted bytes */
    KC_FOCUS_IN,
    KC_FOCUS_OUT,
    KC_MOUSE,     /* a mouse report: mouse holds what and where */
    KC_COUNT_     /* one past the last code */
} KeyCode;

enum { MOD_SHIFT = 1u << 0, MOD_ALT = 1u << 1, MOD_CTRL = 1u << 2 };
#define MOD_ALL (MOD_SHIFT | MOD_ALT | MOD_CTRL)

typedef enum MouseKind {
    MOUSE_PRESS,      /* button 0 left, 1 middle, 2 right */
    MOUSE_RELEASE,
    MOUSE_DRAG,       /* motion with a button held (mode 1002) */
    MOUSE_MOVE,       /* motion with none (mode 1003; not asked for) */
    MOUSE_WHEEL_UP,
    MOUSE_WHEEL_DOWN,
} MouseKind;

typedef struct MouseEvent {
    MouseKind kind;
    int button;
    int x, y;         /* 0-based cell */
} MouseEvent;

typedef struct KeyEvent {
    KeyCode code;
    uint32_t cp;        /* KC_CHAR */
    unsigned mods;      /* MOD_* */
    const char *text;   /* KC_PASTE: valid until the next keys_next() */
    size_t text_len;
    MouseEvent mouse;   /* KC_MOUSE; mods hold Shift/Alt/Ctrl as reported */
} KeyEvent;

/* C0 controls, DEL and C1 controls: never a character key. */
static inline bool cp_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

#endif
