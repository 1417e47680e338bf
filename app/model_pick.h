/* ModelPick: the model picker (F8, command model-pick). One list (ui/list_view.c, like the
 * buffer list) with two parts:
 *
 *   models     the server's `GET {base}/models` (net/http_get.c on a worker thread, read by
 *              session/wire_models.c), for either API: a WebSocket provider's base URL is
 *              asked over https:// (http:// for ws://). The list opens at once and fills in
 *              when the answer comes (a poll timer runs only while the request does); a
 *              server without the endpoint, or no answer, is said in the list's first row.
 *   providers  the providers flint knows (app/providers.c: built-ins and the settings'),
 *              when the App was given them (flint's main; not headless tests).
 *
 * Enter on a model switches the session to it (session_set_model); on a provider, switches
 * the API, URL, key and model to that provider's (a new Transport and Wire: app.c's
 * a->switch_provider, session_set_wire). The conversation stays either way and goes whole
 * with the next question (the chain is reset; Chat never has one). Neither is allowed while
 * an answer is open or a question waits: the picker says so instead of opening. The status
 * line names the model (ui/status_line.c reads session_model).
 *
 * It reads the server from a->link (app/state.h), never app.h (app.c includes this file).
 * Ownership: the ModelPick is the App's (a->model_pick), made on first use, freed by
 * model_pick_free. Errors: said in the status line or the list's first row; nothing is fatal. */
#ifndef FLINT_APP_MODEL_PICK_H
#define FLINT_APP_MODEL_PICK_H

#include <stdbool.h>

struct App;

/* F8: opens the list and starts asking the server for its models. */
void model_pick_open(struct App *a);
/* Enter / Esc in MODE_MODEL_LIST; false in any other mode (the caller tries the next list). */
bool model_pick_choose(struct App *a);
bool model_pick_cancel(struct App *a);
/* For app_tick (a headless App): runs the poll timer's handler now if it is armed. */
void model_pick_tick(struct App *a);
/* Cancels a request still running. Accepts an App whose picker was never opened. */
void model_pick_free(struct App *a);

#endif
