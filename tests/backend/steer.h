/* Scripted native steering for flint-backend (PROTOCOL.md 1.3, 1.7, 7.3 #5), chosen with
 * --steer:
 *   ignore (default): response.steer gets no answer (the stable schema has neither the
 *     message nor its replies, see request.h);
 *   refuse: response.steer.failed {steer{previous_response_id, input}, error{type
 *     invalid_request_error, code steering_not_supported}} (what Spark answers, 1.3);
 *   accept: for the running response it names, response.steer.accepted {steer{id,
 *     previous_response_id}}; a few deltas later the response ends with
 *     response.incomplete (incomplete_details.reason "steered") and a successor starts on
 *     its own (response.created ... deltas ... completed) whose answer is the script's for
 *     the steer's text (so "echo: X" continues with X). A steer for any other response is
 *     refused with response_not_active; a second one before the successor with
 *     too_many_pending_steers.
 * Log lines: "steer conn=C accepted resp=R", "steer conn=C refused code=CODE",
 * "steer conn=C steered resp=R successor follows".
 * The connection side (ending the response, starting the successor) is conn.c's
 * (conn_steer_*). Error tier: none (a malformed steer is refused with invalid_input). */
#ifndef FLINT_BACKEND_STEER_H
#define FLINT_BACKEND_STEER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum SteerMode { STEER_IGNORE, STEER_REFUSE, STEER_ACCEPT } SteerMode;

struct Conn;

bool steer_mode_parse(const char *s, SteerMode *out);
/* A response.steer message received on c (its whole JSON text). */
void steer_on_message(struct Conn *c, const char *data, size_t len);

/* Deltas the steered response still sends after the acceptance (the current item ends). */
#define STEER_TAIL_DELTAS 3

#endif
