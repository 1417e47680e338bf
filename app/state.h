/* AppState: the App's fields, shared by the app/ files that act on them (commands, the
 * question flow, saving, the screen, the crash path). Only app/ includes this; the rest of
 * flint knows nothing of the App.
 *
 * Ownership: app.c creates and frees everything here (app_run, app_new_headless, app_free);
 * the other files borrow. A headless App has no tty, Term or signal watch (NULL, -1).
 * Invariants: mode is MODE_ASK, MODE_SAVE_AS, a search mode (app/search_ui.h) or the answer's
 * search or export prompt (app/answer_ui.h) exactly while the Ui's prompt is open; the answer
 * pane has the focus in MODE_ANSWER and its search (answer_ui keeps the view in step);
 * pending_question is the one question not yet handed to the session (owned, or NULL);
 * message_error marks a message that stays until the next keypress. */
#ifndef FLINT_APP_STATE_H
#define FLINT_APP_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "app/rx_batch.h"
#include "app/clipboard.h"
#include "app/demo.h"
#include "app/loop.h"
#include "app/mode.h"
#include "net/transport.h"
#include "session/ask_queue.h"
#include "session/journal.h"
#include "session/look.h"
#include "session/recovery.h"
#include "session/session.h"
#include "session/settings.h"
#include "themes/theme.h"
#include "ui/keys.h"
#include "ui/term.h"
#include "ui/ui.h"

typedef struct Keymap Keymap;
typedef struct SearchUi SearchUi;
typedef struct JournalApp JournalApp;
typedef struct AnswerUi AnswerUi;
typedef struct HunksApp HunksApp;
struct lws_context;

/* The server flint talks to now, as the model picker needs it: where (url: the demo's too;
 * NULL when unknown), with which key and headers, and the providers it can switch to. All
 * borrowed from the AppConfig in use (or the provider switched to). */
typedef struct AppLink {
    const char *url;
    const char *api_key;
    const SettingsHeader *headers;
    size_t n_headers;
    const char *ca_file;
    bool allow_insecure;
    const char *provider_name;     /* NULL: none (--url alone) */
    const struct Providers *providers; /* NULL: none listed */
} AppLink;

typedef struct App {
    const struct AppConfig *cfg;  /* app/app.h (not included: app.c includes this) */
    const Settings *settings;     /* cfg's settings file, or NULL: the defaults */
    Demo demo;
    int tty_fd;            /* -1 in a headless App */
    bool loop_owns_tty;    /* tty_fd was handed to the loop (it closes it) */
    Loop *loop;
    Transport *transport;
    /* How the transport was made (app_connect's make and make_ud), for a provider switch. */
    Transport *(*make)(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                       void *hooks_ud, ErrorBuf *err);
    void *make_ud;
    AppLink link;          /* the server now (app.c keeps it current) */
    /* Switches to provider i of link.providers (app.c: a new Wire and Transport, its key,
     * URL and model), wired in so that the picker need not include app.h; false with why. */
    bool (*switch_provider)(struct App *a, size_t i, ErrorBuf *err);
    struct ModelPick *model_pick; /* F8's list (app/model_pick.h), NULL until first used */
    struct AppConfig *switched_cfg; /* after a provider switch: what cfg points to (owned) */
    char *switched_key;             /* its key (owned) */
    LoopWatch *tty_watch, *signals;
    LoopTimer *frame_timer;  /* damage -> at most one frame per frame interval */
    LoopTimer *esc_timer;    /* a lone ESC waiting for the rest of a sequence */
    LoopTimer *turn_timer;   /* the session's deadlines (app/turn_timer.h) */
    Session *session;
    Theme theme;
    Term *term;
    Ui *ui;
    KeyDecoder keys;
    Keymap *keymap;
    SearchUi *search_ui;   /* search, replace, go to line (app/search_ui.h) */
    AnswerUi *answer_ui;   /* the focused answer pane, its search, copy, export (app/answer_ui.h) */
    HunksApp *hunks;       /* the model's proposed edits (app/hunks_app.h) */
    /* The status line's standing text when there is no message (hunks_app_status), wired in
     * so that the screen need not know who says it; false: nothing to say. Called before
     * every frame (it re-checks the proposed edits the frame shows). */
    bool (*status_note)(struct App *a, char *out, size_t size);
    /* Where a hunk decision is recorded when it is made (journal_app_hunk), wired in by
     * app.c so that the hunks need not know the journal (no include circle); NULL: nowhere. */
    void (*journal_hunk)(struct App *a, const char *file, const char *id, JournalHunkDecision d);
    /* --plain (app/plain.c): after each frame the new text is printed as lines; NULL in
     * the full-screen App. */
    void (*after_frame)(struct App *a);
    struct Plain *plain;
    /* Sliced work run before each frame (search_ui_step); true asks for another frame. */
    bool (*frame_work)(struct App *a);
    AppMode mode;
    TransportState link_state;
    char link_text[192];
    /* The transport's retry countdown (WAITING only): its reason and deadline; link_timer
     * redraws link_text once a second until then (app/transport_events.c), never idle. */
    char link_why[128];
    uint64_t link_retry_ns;
    LoopTimer *link_timer;
    RxBatch rx;            /* a fast stream's messages read in batches (app/rx_batch.h) */
    char message[512];
    unsigned message_seq;  /* counts app_say calls: which message the status line holds */
    unsigned greeting_seq; /* message_seq of the greeting (the keys hint at start) */
    bool message_error;
    char *pending_question;
    AskQueue *queue;       /* questions queued behind the answer (Tab; app/questions.h) */
    bool chord_ctrl_x;     /* the ask prompt had Ctrl-X: Ctrl-E next runs $EDITOR */
    bool steering;         /* a client-side steer is interrupting: the queue does not pause */
    bool quit_after_save;
    bool was_busy;
    bool was_waiting;      /* a rate-limited question was waiting at the last look */
    uint64_t last_frame_ns;
    uint64_t first_delta_drawn_for; /* sent_ns of the turn whose first delta was drawn (log) */
    uint64_t frames;
    uint64_t stream_frame_ns; /* pace of frames that only show streamed text (app/screen.h) */
    uint64_t rotate_after_ns;
    bool interrupted;      /* an interrupt in this batch of keys: draw after the Close */
    int exit_status;
    struct termios saved_tios;
    bool have_tios;
    Clipboard clip;        /* Ctrl-C/X fill it, Ctrl-V pastes it (app/clipboard.h) */
    /* The terminal's answers and tmux's options (app/terminal_app.h). */
    TmuxOptions term_tmux;
    struct TermTmuxJob *term_job; /* `tmux show` running on a worker, or NULL */
    LoopTimer *term_timer;        /* polls for its end */
    bool term_queried;     /* the kitty + DA1 queries went out */
    bool term_decided;     /* DA1 came: the Esc mode is chosen */
    bool term_kitty;       /* the kitty disambiguate flag is pushed */
    bool term_notice_told; /* the escape-time notice was given */
    uint64_t term_notice_seq; /* message_seq when the notice was said (0: never) */
    /* The theme (app/theme_app.h); the Theme itself is `theme` above. */
    bool theme_auto;       /* no theme was set: dark, light on a light background */
    bool theme_bg_seen;    /* OSC 11's answer was acted on */
    bool theme_changed;    /* the user chose another theme while running */
    Theme theme_before;    /* MODE_THEME_LIST: the theme before the list's previews */
    /* The split (app/layout_app.h): share, swap and zoom live in the Ui's LayoutOpts. */
    bool divider_drag;     /* a left press on the divider: drags move it */
    /* The remembered look (app/look_app.h). */
    const char *look_path; /* its file (AppConfig.look_path), or NULL: none kept */
    bool look_overridden;  /* the settings or --theme chose a theme: they win at start */
    Look look;             /* as read at start, then as last written */
    bool look_told;        /* a save failed and the user was told (once a session) */
    bool mouse_on;         /* mouse reporting asked of the terminal (Alt-M toggles) */
    int focus;             /* focus events (CSI I / CSI O): 1 in, 0 out, -1 none came yet */
    uint64_t key_ns;       /* when the last key came (the soft cursor: UiStatus.typing) */
    bool dragging;         /* a left press in the editor: drags select (app/pointer.c) */
    RecoveryReport recovery;   /* after a fatal signal: told on stderr once the terminal is back */

    /* Several files (app/buffers.c) and swap files (app/swap_app.c). */
    bool close_after_save;     /* the close question's "yes" went on to a Save As */
    Buffer *swap_buffer;       /* MODE_SWAP: the buffer the question is about */
    Buffer *swap_diff_buffer;  /* the diff it showed, or NULL */
    char swap_question[400];   /* MODE_SWAP: "Swap file found for NAME (from pid N, DATE)" */
    /* What the model sees (app/context_app.c). */
    Buffer *context_view_buffer; /* F9's view of the next request, or NULL */
    Buffer *context_view_from;   /* the buffer it was opened from (F9 there goes back) */
    bool open_for_context;       /* MODE_OPEN's prompt adds a file to the context (Alt-A) */
    LoopTimer *swap_timer;     /* armed while some buffer has edits not in its swap yet */
    uint64_t swap_first_ns, swap_last_ns; /* the first and last such edit */
    struct SwapMark *swap_marks;          /* per buffer: what its swap holds */
    size_t n_swap_marks, swap_marks_cap;
    bool swap_failure_shown;   /* a failed swap write was told; quiet until one works */
    struct SwapJob *swap_job;  /* a large buffer's swap being written by a worker, or NULL */

    /* The conversation journal (app/journal_app.c). */
    JournalApp *journal;
    LoopTimer *journal_timer;  /* armed only while streamed text waits to be written */
} App;

#endif
