/* main: the command line and environment -> AppConfig. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "session/session.h"

#define OPENAI_URL "wss://api.openai.com/v1"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: flint [options] [FILE]\n"
            "\n"
            "A terminal editor with a fast coding model beside it. The left pane edits FILE;\n"
            "Ctrl-K asks the model about it; the answer streams into the right pane.\n"
            "\n"
            "options:\n"
            "  --url URL        backend base URL, e.g. wss://api.openai.com/v1 or\n"
            "                   ws://127.0.0.1:8787/v1 (flint connects to URL/responses)\n"
            "  --model NAME     model name (default " SESSION_DEFAULT_MODEL ")\n"
            "  --demo           start the bundled offline backend and use it\n"
            "  --demo-rate N    demo answer speed in tokens/s (default 1000; 0 = unthrottled)\n"
            "  --theme FILE     colour theme file (see themes/*.theme)\n"
            "  --ca-file FILE   extra CA certificates for wss://\n"
            "  --insecure       allow sending the API key over plain ws:// (or http://) to a\n"
            "                   host that is not loopback (127.0.0.0/8, ::1, localhost)\n"
            "  --stall SECS     end an answer as stalled after SECS without data from the\n"
            "                   server (default 30; 0 = never); F5 asks again\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n"
            "\n"
            "environment:\n"
            "  FLINT_API_KEY, OPENAI_API_KEY  API key, sent as 'Authorization: Bearer'\n"
            "  FLINT_LOG                      write a diagnostic log to this file\n"
            "\n"
            "With no --url and no API key, flint starts on the demo backend.\n"
            "keys: Ctrl-K ask  Esc/Ctrl-G interrupt  F5 ask again  Ctrl-S save  Ctrl-Q quit\n"
            "      F1 help\n");
}

int main(int argc, char **argv)
{
    enum { OPT_URL = 256, OPT_MODEL, OPT_DEMO, OPT_DEMO_RATE, OPT_THEME, OPT_CA, OPT_INSECURE, OPT_STALL };
    static const struct option opts[] = {
        {"url", required_argument, NULL, OPT_URL},
        {"model", required_argument, NULL, OPT_MODEL},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"demo-rate", required_argument, NULL, OPT_DEMO_RATE},
        {"theme", required_argument, NULL, OPT_THEME},
        {"ca-file", required_argument, NULL, OPT_CA},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"stall", required_argument, NULL, OPT_STALL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    AppConfig cfg = {.model = SESSION_DEFAULT_MODEL, .demo_rate = 1000};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
        switch (c) {
        case OPT_URL: cfg.url = optarg; break;
        case OPT_MODEL: cfg.model = optarg; break;
        case OPT_DEMO: cfg.demo = true; break;
        case OPT_DEMO_RATE: {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v > 10000000ul) {
                fprintf(stderr, "flint: --demo-rate wants a number of tokens/s, not '%s'\n", optarg);
                return 2;
            }
            cfg.demo_rate = (unsigned)v;
            break;
        }
        case OPT_THEME: cfg.theme_path = optarg; break;
        case OPT_CA: cfg.ca_file = optarg; break;
        case OPT_INSECURE: cfg.allow_insecure = true; break;
        case OPT_STALL: {
            /* Parsed before setlocale(): strtod reads a '.' here whatever the locale. */
            char *end;
            double v = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(v >= 0) || v > 86400) {
                fprintf(stderr, "flint: --stall wants seconds (0 = never, up to 86400), not '%s'\n",
                        optarg);
                return 2;
            }
            cfg.stall_ns = v == 0 ? SESSION_STALL_NEVER : (uint64_t)(v * 1e9);
            if (cfg.stall_ns == 0)
                cfg.stall_ns = 1;
            break;
        }
        case 'h': usage(stdout); return 0;
        case 'V': printf("flint %s\n", FLINT_VERSION); return 0;
        case ':':
            fprintf(stderr, "flint: option '%s' needs a value (see flint --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "flint: unknown option '%s' (see flint --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "flint: one file at a time (got %d; see flint --help)\n", argc - optind);
        return 2;
    }
    if (optind < argc)
        cfg.file = argv[optind];
    if (cfg.model[0] == '\0') {
        fprintf(stderr, "flint: --model needs a name\n");
        return 2;
    }

    const char *key = getenv("FLINT_API_KEY");
    if (!key || !*key)
        key = getenv("OPENAI_API_KEY");
    cfg.api_key = key && *key ? key : NULL;
    if (cfg.demo && cfg.url) {
        fprintf(stderr, "flint: --demo and --url exclude each other\n");
        return 2;
    }
    if (!cfg.demo && !cfg.url) {
        if (cfg.api_key)
            cfg.url = OPENAI_URL;
        else
            cfg.demo = true; /* no account, no network: the offline demo */
    }

    setlocale(LC_ALL, "");
    /* Text is UTF-8 inside flint; with a non-UTF-8 locale (often just LANG unset over SSH)
     * ncursesw would draw every non-ASCII character as an escape. */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    log_open_env();
    return app_run(&cfg);
}
