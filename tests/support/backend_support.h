/* Shared by test_backend.c and test_backend_requests.c: flint-backend as a child process
 * (spawned with --log, --exit-on-eof and optionally --dump; its one "listening" stdout line
 * parsed; stopped and cleaned up), its log polled for a line, a minimal libwebsockets client
 * of its own (one lws_context per Client) that collects every event as cJSON, and the checks
 * on one streamed answer (event order, sequence numbers, deltas adding up to the text).
 * Part of flint_test_support (tests/support/backend_support.c); it has no state of its own
 * (each Client carries its context). read_text was read_file while this was a header:
 * buffer_support.h has a read_file of its own, and one library cannot hold both. */
#ifndef FLINT_TESTS_SUPPORT_BACKEND_SUPPORT_H
#define FLINT_TESTS_SUPPORT_BACKEND_SUPPORT_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "support/harness.h"

/* ---- the backend process ------------------------------------------------------------ */

typedef struct Backend {
    pid_t pid;
    int port;
    int stdin_fd;   /* our end of its stdin: closing it ends a --exit-on-eof backend */
    int stdout_fd;  /* its stdout after the "listening" line: must stay silent */
    char dir[64];
    char log[128];
    char dump[128];
    double cpu_secs; /* user + system time of the exited process */
} Backend;


bool backend_start(Backend *b, const char *const *extra, bool with_dump);

/* Waits up to timeout_ms for the process to exit; returns its wait status or -1. */
int backend_wait(Backend *b, int timeout_ms);

void backend_stop(Backend *b);

void backend_cleanup(Backend *b);

/* Starts a backend for a test; on failure records it and cleans up. */
bool start_or_fail(Backend *b, const char *const *extra, bool with_dump);

char *read_text(const char *path);  /* the file's text, "" when unreadable; free it */

/* Polls the backend log for up to timeout_ms for a line containing needle. */
bool log_has(const Backend *b, const char *needle, int timeout_ms);

/* ---- a minimal lws client ----------------------------------------------------------- */

typedef struct OutFrame {
    struct OutFrame *next;
    bool binary;
    size_t len;
    unsigned char buf[]; /* LWS_PRE + payload */
} OutFrame;

typedef struct Client {
    struct lws_context *ctx;
    struct lws *wsi;
    lws_sorted_usec_list_t tick;
    bool established, closed, failed;
    char fail_msg[256];
    OutFrame *out_head, *out_tail;
    bool want_close;
    StrBuf rx;
    cJSON **events;       /* every event, except deltas when count_only */
    size_t nevents, cap;
    bool count_only;      /* throughput mode: count deltas, keep the rest */
    size_t deltas;
    uint64_t first_delta_ns, last_delta_ns;
    size_t max_message;   /* largest message received, in bytes */
} Client;

/* Services the client until done(cl, arg) or timeout; returns done's last answer. */
bool client_run(Client *cl, bool (*done)(Client *, const void *), const void *arg,
                              int timeout_ms);

bool is_up_or_down(Client *cl, const void *arg);

bool client_connect(Client *cl, int port, const char *path);

void client_free(Client *cl);

void client_send_raw(Client *cl, const void *data, size_t len, bool binary);

void client_send(Client *cl, const char *json);

/* A response.create in the shape flint sends: store:false, one user message. */
void client_create(Client *cl, const char *question, const char *prev_id);

const char *ev_type(const cJSON *ev);

/* done() for client_run: `arg` events of a terminal type (completed/incomplete/failed/error)
 * have arrived in total. */
bool has_terminals(Client *cl, const void *arg);

bool wait_terminals(Client *cl, size_t n);

bool is_closed(Client *cl, const void *arg);

void client_close(Client *cl);

bool has_deltas(Client *cl, const void *arg);

/* ---- checks on one answer ----------------------------------------------------------- */

/* The value at a dot-separated path; digits index arrays ("response.output.0.id"). */
const cJSON *json_at(const cJSON *o, const char *path);

const char *str_at(const cJSON *o, const char *path);

double num_at(const cJSON *o, const char *path);

/* Checks events[from..] hold exactly one complete text answer; returns the index after its
 * terminal event, stores the response id in id (if non-NULL) and the text in text. */
size_t check_answer(Client *cl, size_t from, const char *want_text, char *id,
                                  size_t idcap);

/* test_backend* [NAME-SUBSTRING]: runs every test, or those whose name contains the word. */
#define RUN_IF(fn)                                    \
    do {                                              \
        if (argc < 2 || strstr(#fn, argv[1]))         \
            RUN(fn);                                  \
    } while (0)

#endif
