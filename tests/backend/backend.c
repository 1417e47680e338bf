/* flint-backend: a local Responses-API WebSocket peer (or, with --api chat, a Chat
 * Completions SSE server: tests/backend/chat.h) for flint's tests, benchmark and
 * `flint --demo`. The command line and the log lines are a contract with those callers:
 *
 *   flint-backend [--port N] [--rate TOKENS_PER_SEC] [--tokens N] [--log FILE]
 *                 [--dump FILE] [--quiet] [--exit-on-eof] [--limit N:SECS]
 *                 [--stall N:DELTAS] [--api responses|chat]
 *                 [--variant llamacpp|vllm|ollama|cerebras] [--crlf] [--no-done]
 *                 [--prefill-ms N] [--models ID,ID...]
 *
 * stdout carries exactly one line, "listening 127.0.0.1:PORT", flushed at start-up; the
 * parent reads the port from it. Everything else goes to the log (stderr by default; with
 * --quiet nothing unless --log names a file). SIGTERM, SIGINT and SIGHUP end the process
 * cleanly (exit 0); so does EOF on stdin with --exit-on-eof, so a parent that dies takes
 * the backend along. Signals are read through a signalfd in the lws loop: no handler
 * races with lws_service().
 *
 * --tokens is at most 1,000,000 (MAX_TOKENS): the terminal events (output_text.done,
 * content_part.done, output_item.done, response.completed) each repeat the whole text. A
 * piece is at most 8 bytes once JSON-escaped (tokenize.c: four tabs), so a million pieces
 * keep every event under 8 MB, well inside the 16 MiB a client such as flint accepts per
 * message (PROTOCOL.md 7.1; over it flint closes with 1009). Typical pieces are 4-5 bytes,
 * so 3-4 million would already break that cap, and building the text would take gigabytes
 * long before INT_MAX. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"
#include "tests/backend/chat.h"
#include "tests/backend/dump.h"
#include "tests/backend/server.h"
#include "tests/backend/fault.h"
#include "tests/backend/steer.h"

#define MAX_TOKENS 1000000L /* see the header comment */

typedef struct Options {
    ServerConfig server;
    const char *log_path;
    const char *dump_path;
    bool quiet;
    bool exit_on_eof;
} Options;

static void usage(FILE *to)
{
    fputs("usage: flint-backend [--port N] [--rate TOKENS_PER_SEC] [--tokens N] [--log FILE]\n"
          "                     [--dump FILE] [--quiet] [--exit-on-eof] [--limit N:SECS]\n"
          "                     [--stall N:DELTAS] [--api responses|chat]\n"
          "                     [--variant llamacpp|vllm|ollama|cerebras] [--crlf] [--no-done]\n"
          "                     [--steer ignore|refuse|accept]\n"
          "                     [--fault NAME[:N]] [--gateway queue|strict]\n"
          "  --port N        listen on 127.0.0.1:N (default 0: a free port)\n"
          "  --rate R        output_text.delta events per second (default 1000; 0: as fast\n"
          "                  as the socket takes them)\n"
          "  --tokens N      make every answer exactly N deltas (repeat/truncate the script);\n"
          "                  N is 1..1000000, since the final events repeat the whole text\n"
          "                  and must stay under a client's 16 MiB message cap\n"
          "  --log FILE      log file (default: stderr)\n"
          "  --dump FILE     write every sent event (\"S \") and received message (\"R \"),\n"
          "                  one JSON per line\n"
          "  --quiet         no log on stderr\n"
          "  --exit-on-eof   exit when stdin reaches EOF\n"
          "  --limit N:SECS  answer the first N creates with a 429 rate_limit_exceeded error\n"
          "                  whose headers say retry-after SECS (logged as \"error conn=C\n"
          "                  code=rate_limit_exceeded\")\n"
          "  --stall N:K     the first N responses go silent after K deltas (never finish;\n"
          "                  pings are still answered; logged as \"stall conn=C ...\")\n"
          "  --api A         responses (default): the Responses WebSocket mode at .../responses;\n"
          "                  chat: HTTP/1.1 POST .../chat/completions answered with an SSE\n"
          "                  stream (keep-alive), GET .../models (no --stall in this mode)\n"
          "  --variant V     chat stream shape: llamacpp (usage + timings on the finish chunk,\n"
          "                  the default), vllm / ollama (usage in a separate choices:[]\n"
          "                  chunk), cerebras (usage + time_info on the finish chunk)\n"
          "  --steer MODE    response.steer: ignore (default), refuse (response.steer.failed,\n"
          "                  steering_not_supported) or accept (steer.accepted, then the\n"
          "                  response ends as incomplete \"steered\" and a successor answers\n"
          "                  the steer's text; logged as \"steer conn=C ...\")\n"
          "  --fault NAME[:N] the first N creates (default 1) meet a scripted fault: hang,\n"
          "                  rst-before, rst-mid, drop-before, drop-mid, huge, big, frag,\n"
          "                  limit, limit-idle, prev-lost (also chosen per question by the\n"
          "                  keyword fault:NAME; see tests/backend/fault.h)\n"
          "  --gateway G     queue (default): a create sent while another runs waits for it;\n"
          "                  strict: it is refused with response_already_in_flight\n"
          "  --crlf          chat: CRLF line ends in the event stream (default LF)\n"
          "  --no-done       chat: no final \"data: [DONE]\" (as ik_llama.cpp)\n"
          "  --prefill-ms N  model prefill: the first delta of a request whose prefix was not\n"
          "                  warmed on its connection (no previous_response_id, instructions\n"
          "                  not those of the last response there) waits N ms; a generate:\n"
          "                  false warm-up pays it before its completed (logged \"create ...\n"
          "                  warmed=0|1\")\n"
          "  --models LIST   GET .../models lists these ids (comma-separated; default\n"
          "                  flint-backend), in both modes\n"
          "Prints \"listening 127.0.0.1:PORT\" on stdout once it accepts connections.\n",
          to);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || v > 1e9)
        return false;
    *out = v;
    return true;
}

/* Returns 0 to run, 1 for a usage error, 2 after --help. */
static int parse_args(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    o->server.rate = 1000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 2;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--exit-on-eof")) {
            o->exit_on_eof = true;
        } else if (!strcmp(a, "--crlf")) {
            o->server.chat.crlf = true;
        } else if (!strcmp(a, "--no-done")) {
            o->server.chat.no_done = true;
        } else if (strcmp(a, "--port") && strcmp(a, "--rate") && strcmp(a, "--tokens") &&
                   strcmp(a, "--log") && strcmp(a, "--dump") && strcmp(a, "--limit") &&
                   strcmp(a, "--stall") && strcmp(a, "--api") && strcmp(a, "--variant") &&
                   strcmp(a, "--steer") && strcmp(a, "--fault") && strcmp(a, "--gateway") &&
                   strcmp(a, "--prefill-ms") && strcmp(a, "--models")) {
            fprintf(stderr, "flint-backend: unknown option %s (see --help)\n", a);
            return 1;
        } else if (!v) {
            fprintf(stderr, "flint-backend: %s needs a value\n", a);
            return 1;
        } else if (!strcmp(a, "--port")) {
            if (!parse_long(v, 0, 65535, &n)) {
                fprintf(stderr, "flint-backend: --port %s: expected 0..65535\n", v);
                return 1;
            }
            o->server.port = (int)n;
            i++;
        } else if (!strcmp(a, "--rate")) {
            if (!parse_rate(v, &o->server.rate)) {
                fprintf(stderr, "flint-backend: --rate %s: expected a number >= 0\n", v);
                return 1;
            }
            i++;
        } else if (!strcmp(a, "--tokens")) {
            if (!parse_long(v, 1, MAX_TOKENS, &n)) {
                fprintf(stderr,
                        "flint-backend: --tokens %s: expected 1..%ld (the final events repeat "
                        "the whole text; more would exceed a client's 16 MiB message cap)\n",
                        v, MAX_TOKENS);
                return 1;
            }
            o->server.tokens = n;
            i++;
        } else if (!strcmp(a, "--limit") || !strcmp(a, "--stall")) {
            /* N:X, both parts plain numbers (X may have a fraction for --limit) */
            const char *colon = strchr(v, ':');
            char count[32];
            double x;
            bool ok = colon && (size_t)(colon - v) < sizeof count;
            if (ok) {
                memcpy(count, v, (size_t)(colon - v));
                count[colon - v] = '\0';
                ok = parse_long(count, 0, 1000000, &n) && parse_rate(colon + 1, &x) &&
                     x <= 86400 && (a[2] == 'l' || x == (double)(long)x);
            }
            if (!ok) {
                fprintf(stderr, "flint-backend: %s %s: expected COUNT:%s\n", a, v,
                        a[2] == 'l' ? "SECONDS" : "DELTAS");
                return 1;
            }
            if (a[2] == 'l') {
                o->server.limit_count = n;
                o->server.limit_secs = x;
            } else {
                o->server.stall_count = n;
                o->server.stall_after = (long)x;
            }
            i++;
        } else if (!strcmp(a, "--api")) {
            if (strcmp(v, "responses") && strcmp(v, "chat")) {
                fprintf(stderr, "flint-backend: --api %s: expected responses or chat\n", v);
                return 1;
            }
            o->server.api_chat = !strcmp(v, "chat");
            i++;
        } else if (!strcmp(a, "--steer")) {
            SteerMode m;
            if (!steer_mode_parse(v, &m)) {
                fprintf(stderr, "flint-backend: --steer %s: expected ignore, refuse or accept\n", v);
                return 1;
            }
            o->server.steer = (int)m;
            i++;
        } else if (!strcmp(a, "--fault")) {
            char name[32];
            const char *colon = strchr(v, ':');
            size_t nl = colon ? (size_t)(colon - v) : strlen(v);
            FaultKind k = FAULT_NONE;
            bool ok = nl < sizeof name;
            if (ok) {
                memcpy(name, v, nl);
                name[nl] = '\0';
                ok = fault_parse(name, &k);
            }
            n = 1;
            if (ok && colon)
                ok = parse_long(colon + 1, 0, 1000000, &n);
            if (!ok) {
                fprintf(stderr, "flint-backend: --fault %s: expected NAME[:COUNT] (see --help)\n", v);
                return 1;
            }
            o->server.fault = (int)k;
            o->server.fault_count = n;
            i++;
        } else if (!strcmp(a, "--gateway")) {
            if (strcmp(v, "queue") && strcmp(v, "strict")) {
                fprintf(stderr, "flint-backend: --gateway %s: expected queue or strict\n", v);
                return 1;
            }
            o->server.strict = !strcmp(v, "strict");
            i++;
        } else if (!strcmp(a, "--variant")) {
            if (!chat_variant_parse(v, &o->server.chat.variant)) {
                fprintf(stderr, "flint-backend: --variant %s: expected llamacpp, vllm, ollama "
                                "or cerebras\n", v);
                return 1;
            }
            i++;
        } else if (!strcmp(a, "--prefill-ms")) {
            if (!parse_long(v, 0, 60000, &n)) {
                fprintf(stderr, "flint-backend: --prefill-ms %s: expected 0..60000\n", v);
                return 1;
            }
            o->server.prefill_ms = n;
            i++;
        } else if (!strcmp(a, "--models")) {
            if (strpbrk(v, "\"\\ \t")) {
                fprintf(stderr, "flint-backend: --models %s: comma-separated ids\n", v);
                return 1;
            }
            o->server.models = v;
            i++;
        } else if (!strcmp(a, "--log")) {
            o->log_path = v;
            i++;
        } else {
            o->dump_path = v;
            i++;
        }
    }
    return 0;
}

/* A separate open file description for stdin: lws makes adopted fds non-blocking, which
 * must not leak into a stdin/stdout shared with the parent (ARCHITECTURE.md). */
static int open_stdin_watch(void)
{
    int fd = open("/proc/self/fd/0", O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : dup(0);
}

int main(int argc, char **argv)
{
    Options o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == 2 ? 0 : 2;

    if (o.log_path) {
        if (!log_open(o.log_path)) {
            fprintf(stderr, "flint-backend: cannot open log %s: %s\n", o.log_path,
                    strerror(errno));
            return 1;
        }
    } else if (!o.quiet) {
        log_open("/dev/stderr");
    }

    /* Signals become readable bytes on a signalfd serviced by the lws loop. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) {
        fprintf(stderr, "flint-backend: signalfd: %s\n", strerror(errno));
        return 1;
    }

    ErrorBuf err;
    Dump *dump = NULL;
    if (o.dump_path && !(dump = dump_open(o.dump_path, &err))) {
        fprintf(stderr, "flint-backend: %s\n", err.msg);
        return 1;
    }
    o.server.dump = dump;
    Server *srv = server_new(&o.server, &err);
    if (!srv) {
        fprintf(stderr, "flint-backend: %s\n", err.msg);
        log_msg("exit: %s", err.msg);
        dump_close(dump);
        return 1;
    }
    if (!server_watch_fd(srv, sfd, SERVER_WATCH_SIGNALS, &err) ||
        (o.exit_on_eof && !server_watch_fd(srv, open_stdin_watch(), SERVER_WATCH_EOF, &err))) {
        fprintf(stderr, "flint-backend: %s\n", err.msg);
        server_free(srv);
        dump_close(dump);
        return 1;
    }

    double rate = o.server.rate;
    log_msg("start port=%d rate=%.*f tokens=%ld dump=%s api=%s%s%s%s", server_port(srv),
            rate == (double)(long long)rate ? 0 : 3, rate, o.server.tokens,
            o.dump_path ? o.dump_path : "-", o.server.api_chat ? "chat" : "responses",
            o.server.api_chat ? " variant=" : "",
            o.server.api_chat ? chat_variant_name(o.server.chat.variant) : "",
            o.server.api_chat ? (o.server.chat.crlf ? " crlf" : "") : "");
    printf("listening 127.0.0.1:%d\n", server_port(srv));
    fflush(stdout);

    bool ok = server_run(srv);
    server_free(srv);
    dump_close(dump);
    log_msg("exit status=%d", ok ? 0 : 1);
    log_close();
    return ok ? 0 : 1;
}
