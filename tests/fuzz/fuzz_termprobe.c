/* Fuzz target: what flint reads about its terminal, as bytes from outside: `tmux show` output
 * (tmux_options_parse) and the terminal's answers to --doctor's queries
 * (doctor_parse_answers). Neither may read past its input or leave a string unterminated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/doctor.h"
#include "app/tmux_opts.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1); /* exact size: ASan sees any read past the end */
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    TmuxOptions o;
    tmux_options_parse(copy, size, &o);
    BUG_ON(strlen(o.extended_keys) >= sizeof o.extended_keys);
    BUG_ON(strlen(o.set_clipboard) >= sizeof o.set_clipboard);
    BUG_ON(strlen(o.allow_passthrough) >= sizeof o.allow_passthrough);
    BUG_ON(strlen(o.default_terminal) >= sizeof o.default_terminal);
    BUG_ON(o.escape_time_ms < -1);
    char msg[256];
    if (tmux_esc_notice(&o, false, msg, sizeof msg))
        BUG_ON(strlen(msg) >= sizeof msg);
    DoctorAnswers a;
    doctor_parse_answers(copy, size, &a);
    BUG_ON(a.paste_mode < -1 || a.sgr_mouse_mode < -1);
    free(copy);
    return 0;
}
