/* Fuzz target: raw tty bytes -> key events, fed in random-sized pieces with timeouts; every
 * event's name parses back to the same key (ui/key_name.h's round trip). */
#include <stddef.h>
#include <stdint.h>

#include "core/xalloc.h"
#include "ui/key_name.h"
#include "ui/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    KeyDecoder d;
    keys_init(&d);
    size_t i = 0;
    while (i < size) {
        size_t piece = 1 + data[i] % 7; /* the first byte of each piece picks its length */
        if (piece > size - i)
            piece = size - i;
        keys_feed(&d, (const char *)data + i, piece);
        i += piece;
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
