/* AppApi: which API a server speaks, as vocabulary only (like app/mode.h), so that the
 * providers (app/providers.h) and the model picker can name it without including app.h:
 * the Responses WebSocket mode (transport_ws, wire_responses), or Chat Completions over HTTP
 * SSE (transport_sse, wire_chat; PROTOCOL.md 4). */
#ifndef FLINT_APP_APP_API_H
#define FLINT_APP_APP_API_H

typedef enum AppApi { APP_API_RESPONSES, APP_API_CHAT } AppApi;

#endif
