/* Fuzz target: raw tty bytes -> key events, fed in random-sized pieces with timeouts; every
 * event's name parses back to the same key (ui/key_name.h's round trip). The first byte's top
 * bit picks the Esc mode (keys_set_esc_at_once); a fake clock advances 0-30 ms per piece, so
 * the Esc window is both hit and missed, reproducibly. */
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "ui/key_name.h"
#include "ui/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    KeyDecoder d;
    keys_init(&d);
    clock_set_source(fake_clock);
    fake_now = NS_PER_SEC;
    if (size > 0 && (data[0] & 0x80))
        keys_set_esc_at_once(&d, true);
    size_t i = 0;
    while (i < size) {
        size_t piece = 1 + data[i] % 7; /* the first byte of each piece picks its length */
        if (piece > size - i)
            piece = size - i;
        keys_feed(&d, (const char *)data + i, piece);
        i += piece;
        fake_now += (uint64_t)(data[i - 1] % 4) * 10 * NS_PER_MS;
        KeyEvent k;
        while (keys_next(&d, &k)) {
            BUG_ON(k.code == KC_CHAR && (k.cp < 0x20 || k.cp == 0x7f) && !(k.mods & MOD_CTRL));
            char name[64];
            keys_describe(&k, name, sizeof name);
            KeyEvent back;
            bool upper_ctrl = (k.mods & MOD_CTRL) && k.code == KC_CHAR && k.cp >= 'A' && k.cp <= 'Z';
            if (!upper_ctrl) {
                BUG_ON(!keys_parse(name, &back));
                BUG_ON(back.code != k.code || back.mods != k.mods ||
                       (k.code == KC_CHAR && back.cp != k.cp));
            }
        }
        if (keys_pending(&d) && (data[i - 1] & 1)) {
            keys_timeout(&d);
            while (keys_next(&d, &k))
                ;
        }
    }
    keys_free(&d);
    return 0;
}
