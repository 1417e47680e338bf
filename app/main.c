/* main: the command line, the environment and the settings file (app/config.h) -> AppConfig.
 * The command line wins over the file. */
#include <getopt.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/config.h"
#include "app/doctor.h"
#include "app/keymap.h"
#include "app/plain.h"
#include "app/providers.h"
#include "app/resume_pick.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "session/journal.h"
#include "session/look.h"
#include "session/session.h"
#include "themes/theme_builtin.h"

#ifndef FLINT_COMMIT
#define FLINT_COMMIT "unknown" /* CMake sets it from git describe */
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: flint [options] [FILE[:LINE] | +LINE FILE]...\n"
            "\n"
            "A terminal editor with a fast coding model beside it. The left pane edits the\n"
            "files (one buffer each; Alt-Left/Alt-Right switch); Ctrl-K asks the model about\n"
            "the current one; the answer streams into the right pane (below it, under 100\n"
            "columns; Alt-L, Alt-F zoom, Alt-S swap, Alt-T themes).\n"
            "\n"
            "options:\n"
            "  --url URL        backend base URL, e.g. wss://api.openai.com/v1 or\n"
            "                   ws://127.0.0.1:8787/v1 (flint connects to URL/responses)\n"
            "  --api API        what the server speaks: responses (the Responses WebSocket\n"
            "                   mode, default) or chat (Chat Completions over HTTP SSE:\n"
            "                   llama.cpp, Ollama, vLLM; --url http://HOST:PORT/v1, POSTs to\n"
            "                   URL/chat/completions; ws:// is taken as http://)\n"
            "  --model NAME     model name (default: the provider's, else " SESSION_DEFAULT_MODEL ")\n"
            "  --provider NAME  a named backend: openai, xai, cerebras, ollama, llamacpp,\n"
            "                   vllm, or one from the settings' providers; --url, --api and\n"
            "                   --model override its fields\n"
            "  --list-providers print the providers (never their keys) and exit\n"
            "  --demo           start the bundled offline backend and use it\n"
            "  --demo-rate N    demo answer speed in tokens/s (default 1000; 0 = unthrottled)\n"
            "  --theme THEME    colour theme: dark, light, solarized-dark, solarized-light,\n"
            "                   high-contrast, terminal (16 ANSI colours), or a .theme file\n"
            "  --config FILE    settings file (default $XDG_CONFIG_HOME/flint/config.json,\n"
            "                   else ~/.config/flint/config.json)\n"
            "  --print-config   print the effective settings and exit\n"
            "  --doctor         check the terminal, tmux, clipboard and locale; say what\n"
            "                   to set, and exit\n"
            "  --ca-file FILE   extra CA certificates for wss:// and https:// (added to the\n"
            "                   system's)\n"
            "  --insecure       allow sending the API key over plain ws:// (or http://) to a\n"
            "                   host that is not loopback (127.0.0.0/8, ::1, localhost)\n"
            "  --stall SECS     end an answer as stalled after SECS without data from the\n"
            "                   server (default 30; 0 = never); F5 asks again\n"
            "  --resume [ID]    reopen an earlier conversation of this directory, chosen from\n"
            "                   a list (newest first), or the one named by ID: its questions,\n"
            "                   answers, queue and files; it goes on in the same journal\n"
            "  --continue       reopen the latest conversation of this directory\n"
            "  --plain          no full-screen UI: questions are typed as lines, answers are\n"
            "                   printed as they arrive (screen readers, slow links, logs);\n"
            "                   Ctrl-C/Ctrl-G stop the answer, Ctrl-D quits; TERM=dumb too\n"
            "  --slow           draw a streaming answer 10 times a second instead of 30 (SSH\n"
            "                   over a slow link; the setting terminal.slow does the same)\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n"
            "\n"
            "environment:\n"
            "  FLINT_API_KEY, OPENAI_API_KEY  API key, sent as 'Authorization: Bearer'\n"
            "                                 (a provider reads its own: XAI_API_KEY, ...)\n"
            "  FLINT_LOG                      write a diagnostic log to this file\n"
            "  XDG_STATE_HOME                 conversations are kept in its flint/sessions,\n"
            "                                 the theme and layout chosen in flint in\n"
            "                                 flint/look.conf (default ~/.local/state)\n"
            "  https_proxy, http_proxy        HTTP proxy for wss://+https://, ws://+http://\n"
            "  no_proxy                       hosts that bypass it (upper case too)\n"
            "\n"
            "settings (config.json, JSON with comments; see README \"Settings\"):\n"
            "  theme, editor.tab_width, editor.expand_tabs, keys (per mode: edit, prompt,\n"
            "  confirm; key name -> command name); providers (name -> base_url, api, model,\n"
            "  key_env or key_file, headers, lifetime, insecure) and provider (the\n"
            "  default's name)\n"
            "\n"
            "With no --url and no API key, flint starts on the demo backend.\n"
            "keys: Ctrl-K ask  Esc/Ctrl-G interrupt  F5 ask again  Ctrl-S save  Ctrl-Q quit\n"
            "      Ctrl-O open  Alt-Left/Right switch  Alt-B buffers  Ctrl-W close  F1 help\n");
}

int main(int argc, char **argv)
{
    enum { OPT_URL = 256, OPT_API, OPT_MODEL, OPT_DEMO, OPT_DEMO_RATE, OPT_THEME, OPT_CA, OPT_INSECURE, OPT_STALL,
           OPT_CONFIG, OPT_PRINT_CONFIG, OPT_PROVIDER, OPT_LIST_PROVIDERS, OPT_RESUME,
           OPT_CONTINUE, OPT_DOCTOR, OPT_PLAIN, OPT_SLOW };
    static const struct option opts[] = {
        {"url", required_argument, NULL, OPT_URL},
        {"api", required_argument, NULL, OPT_API},
        {"model", required_argument, NULL, OPT_MODEL},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"demo-rate", required_argument, NULL, OPT_DEMO_RATE},
        {"theme", required_argument, NULL, OPT_THEME},
        {"ca-file", required_argument, NULL, OPT_CA},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"stall", required_argument, NULL, OPT_STALL},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
        {"provider", required_argument, NULL, OPT_PROVIDER},
        {"list-providers", no_argument, NULL, OPT_LIST_PROVIDERS},
        {"resume", optional_argument, NULL, OPT_RESUME},
        {"continue", no_argument, NULL, OPT_CONTINUE},
        {"doctor", no_argument, NULL, OPT_DOCTOR},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"slow", no_argument, NULL, OPT_SLOW},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    AppConfig cfg = {.model = SESSION_DEFAULT_MODEL, .demo_rate = 1000};
    const char *config_file = NULL, *theme = NULL;
    bool print_config = false, list_providers = false;
    ResumeHow resume = RESUME_PICK;
    bool resuming = false;
    const char *resume_id = NULL;
    bool doctor = false;
    ProviderFlags pf = {0};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
        switch (c) {
        case OPT_URL: pf.url = optarg; break;
        case OPT_API:
            if (strcmp(optarg, "responses") != 0 && strcmp(optarg, "chat") != 0) {
                fprintf(stderr, "flint: --api wants 'responses' or 'chat', not '%s'\n", optarg);
                return 2;
            }
            pf.api = optarg;
            break;
        case OPT_MODEL: pf.model = optarg; break;
        case OPT_PROVIDER: pf.provider = optarg; break;
        case OPT_LIST_PROVIDERS: list_providers = true; break;
        case OPT_RESUME:
            resuming = true;
            resume = RESUME_PICK;
            /* --resume=ID, or --resume ID when the next word is an ID and not a file */
            if (optarg)
                resume_id = optarg;
            else if (optind < argc && resume_looks_like_id(argv[optind]))
                resume_id = argv[optind++];
            if (resume_id)
                resume = RESUME_ID;
            break;
        case OPT_CONTINUE:
            resuming = true;
            resume = RESUME_LATEST;
            break;
        case OPT_DEMO: pf.demo = true; break;
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
        case OPT_THEME: theme = optarg; break;
        case OPT_CONFIG: config_file = optarg; break;
        case OPT_PRINT_CONFIG: print_config = true; break;
        case OPT_DOCTOR: doctor = true; break;
        case OPT_PLAIN: cfg.plain = true; break;
        case OPT_SLOW: cfg.slow = true; break;
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
        case 'V': printf("flint %s (commit %s)\n", FLINT_VERSION, FLINT_COMMIT); return 0;
        case ':':
            fprintf(stderr, "flint: option '%s' needs a value (see flint --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "flint: unknown option '%s' (see flint --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    cfg.files = (const char *const *)(argv + optind);
    cfg.n_files = (size_t)(argc - optind);
    if (pf.model && pf.model[0] == '\0') {
        fprintf(stderr, "flint: --model needs a name\n");
        return 2;
    }

    /* The settings file: problems are told (stderr, then the status line), never fatal. */
    Settings settings;
    settings_init(&settings);
    StrBuf notes = {0};
    if (!config_load(config_file, &settings, &notes))
        return 2;
    if (theme) { /* the command line wins */
        free(settings.theme);
        settings.theme = xstrdup(theme);
    }
    if (print_config) {
        Keymap *km = keymap_new(); /* the key names and commands are checked here, too */
        StrBuf out = {0};
        keymap_apply(km, &settings, &out);
        fputs(sb_cstr(&out), stderr);
        keymap_free(km);
        sb_reset(&out);
        settings_print(&settings, &out); /* key_env and key_file are names; no key is read */
        fputs(sb_cstr(&out), stdout);
        sb_free(&out);
        sb_free(&notes);
        settings_clear(&settings);
        return 0;
    }
    if (doctor) { /* a plain report: no screen, no connection */
        int rc = doctor_run(stdout, &settings);
        sb_free(&notes);
        settings_clear(&settings);
        return rc;
    }
    char theme_path[PATH_MAX];
    if (!settings.theme || strcmp(settings.theme, "default") == 0 ||
        strcmp(settings.theme, "auto") == 0) {
        cfg.theme_auto = true; /* dark, or light once the terminal says its background is */
        cfg.theme_explicit = settings.theme != NULL; /* "auto" said: not the remembered one */
    } else if (theme_builtin(settings.theme, &(Theme){0})) {
        cfg.theme_name = settings.theme;
    } else {
        if (config_theme_path(settings.theme, theme_path, sizeof theme_path)) {
            cfg.theme_path = theme_path;
            cfg.theme_soft = theme == NULL;
        } else if (theme) {
            fprintf(stderr, "flint: --theme %s: no such theme (dark, light, solarized-dark, "
                            "solarized-light, high-contrast, terminal, a name from themes/, "
                            "or a file)\n",
                    theme);
            return 2;
        } else {
            char msg[512];
            snprintf(msg, sizeof msg, "%s: theme '%s' not found; using the default",
                     settings.path ? settings.path : "config.json", settings.theme);
            fprintf(stderr, "%s\n", msg);
            sb_printf(&notes, "%s\n", msg);
        }
    }
    cfg.settings = &settings;

    /* The provider: --provider, else the settings' one; --url/--api/--model over it. */
    Providers providers;
    StrBuf pwarn = {0};
    providers_init(&providers, &settings, &pwarn);
    cfg.providers = &providers; /* the model picker lists them (F8) */
    /* The warm-up: the settings' context.warmup; FLINT_WARMUP=0 (the e2e tests, whose
     * backend logs count requests) turns it off too. */
    const char *wenv = getenv("FLINT_WARMUP");
    cfg.warmup = settings.warmup && !(wenv && strcmp(wenv, "0") == 0);
    if (list_providers) {
        StrBuf out = {0};
        fputs(sb_cstr(&pwarn), stderr);
        providers_list(&providers, &out);
        fputs(sb_cstr(&out), stdout);
        sb_free(&out);
        sb_free(&pwarn);
        providers_free(&providers);
        sb_free(&notes);
        settings_clear(&settings);
        return 0;
    }
    ProviderChoice choice;
    ErrorBuf perr = {{0}};
    if (!providers_resolve(&providers, settings.provider, &pf, &choice, &pwarn, &perr)) {
        fprintf(stderr, "flint: %s\n", perr.msg);
        sb_free(&pwarn);
        providers_free(&providers);
        sb_free(&notes);
        settings_clear(&settings);
        return 2;
    }
    if (pwarn.len) { /* "cerebras needs CEREBRAS_API_KEY": said now, not at the first 401 */
        fputs(sb_cstr(&pwarn), stderr);
        sb_append(&notes, pwarn.data, pwarn.len);
    }
    sb_free(&pwarn);
    cfg.notes = sb_cstr(&notes);
    cfg.url = choice.url;
    cfg.api = choice.api;
    cfg.model = choice.model;
    cfg.api_key = choice.api_key;
    cfg.demo = choice.demo;
    if (choice.provider) {
        cfg.headers = choice.provider->headers;
        cfg.n_headers = choice.provider->n_headers;
        cfg.lifetime_s = choice.provider->lifetime_s;
        if (choice.provider->insecure)
            cfg.allow_insecure = true; /* the provider's "insecure": true, as --insecure */
    }

    /* The journal: where conversations are kept; --continue and --resume ID find theirs
     * now, before the terminal is flint's (and --resume whether there is any to list). */
    StrBuf journal_dir = {0}, resume_path = {0};
    if (journal_default_dir(&journal_dir))
        cfg.journal_dir = sb_cstr(&journal_dir);
    cfg.provider_name = choice.provider ? choice.provider->name : cfg.demo ? "demo" : NULL;
    if (resuming) {
        char cwd[PATH_MAX];
        int r = !cfg.journal_dir ? (fprintf(stderr, "flint: no state directory (HOME and "
                                            "XDG_STATE_HOME are unset): nothing to resume\n"), 2)
                : !getcwd(cwd, sizeof cwd) ? (perror("flint: getcwd"), 2)
                : resume_pick(resume, cfg.journal_dir, cwd, resume_id, stdout, &resume_path);
        if (r != 0) {
            sb_free(&journal_dir);
            provider_choice_clear(&choice);
            providers_free(&providers);
            sb_free(&notes);
            settings_clear(&settings);
            return r;
        }
        if (resume == RESUME_PICK)
            cfg.resume_pick = true; /* flint lists them */
        else
            cfg.resume_path = sb_cstr(&resume_path);
    }
    StrBuf look_path = {0}; /* the theme and layout chosen in the app, remembered */
    if (look_default_path(&look_path))
        cfg.look_path = sb_cstr(&look_path);

    setlocale(LC_ALL, "");
    /* Text is UTF-8 inside flint; with a non-UTF-8 locale (often just LANG unset over SSH)
     * ncursesw would draw every non-ASCII character as an escape. */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    log_open_env();
    /* A terminal that cannot move the cursor gets plain mode rather than a refusal; the
     * full screen refuses other such types with a message that names --plain (ui/term.c). */
    const char *term_name = getenv("TERM");
    if (!cfg.plain && (!term_name || !*term_name || strcmp(term_name, "dumb") == 0)) {
        fprintf(stderr, "flint: TERM=%s cannot move the cursor: using --plain\n",
                term_name ? term_name : "");
        cfg.plain = true;
    }
    int status;
    if (cfg.plain && cfg.resume_pick) { /* the list is a full-screen chooser */
        fprintf(stderr, "flint: plain mode cannot show the list of conversations: use "
                        "--resume ID or --continue\n");
        status = 2;
    } else {
        status = cfg.plain ? plain_run(&cfg) : app_run(&cfg);
    }
    sb_free(&journal_dir);
    sb_free(&look_path);
    sb_free(&resume_path);
    provider_choice_clear(&choice);
    providers_free(&providers);
    sb_free(&notes);
    settings_clear(&settings);
    return status;
}
