/* Screen: the app's side of drawing. Handlers only mark damage (app_damage), the frame timer
 * or a keypress draws (app_draw); app_say puts a message in the status line. Frames are at
 * most one per SCREEN_FRAME_NS (ARCHITECTURE: the model must never drive the terminal). */
#ifndef FLINT_APP_SCREEN_H
#define FLINT_APP_SCREEN_H

#include <stdbool.h>

#include "core/clock.h"

#define SCREEN_FRAME_NS (NS_PER_SEC / 60)
/* Frames that only show more of a streaming answer: 30 a second (the byte budget: text that
 * arrives at 1000 tok/s reads the same, and half the frames cost half the bytes), 10 with
 * --slow (SSH over a slow link). Keys and everything else still draw at SCREEN_FRAME_NS. */
#define SCREEN_STREAM_NS (NS_PER_SEC / 30)
#define SCREEN_SLOW_NS (NS_PER_SEC / 10)

typedef struct App App;

/* Something changed: a frame is drawn within SCREEN_FRAME_NS of the last one. */
void app_damage(App *a);
/* Only more streamed text: a frame within a->stream_frame_ns of the last one (an earlier
 * frame asked by app_damage stays earlier). */
void app_damage_stream(App *a);
/* A status line message (error: it stays until the next key); logged too. */
__attribute__((format(printf, 3, 4))) void app_say(App *a, bool error, const char *fmt, ...);
/* Draws a frame now (the countdown of a waiting question included). */
void app_draw(App *a);
/* "Ctrl-T is not bound to anything (F1 lists the keys)." for a key that did nothing. */
struct KeyEvent;
void app_say_unbound(App *a, const struct KeyEvent *k);

#endif
