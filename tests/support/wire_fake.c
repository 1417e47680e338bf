/* WireFake (see wire_fake.h). Data: `in` holds the bytes fed and not yet taken as lines
 * (`at` is where the next line starts); `line` is the current line decoded, and the
 * event's strings point into it (or into `in`'s line for raw), so they stay valid until the
 * next call. Invariant: in[at..len) holds no complete line once next returned false. */
#include "support/wire_fake.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

typedef struct WireFake {
    Wire base;
    StrBuf in;
    size_t at;
    bool ended;       /* wire_end: the unterminated tail is a line too */
    StrBuf line;      /* the current line, fields NUL-separated */
    StrBuf text;      /* the current line's text, unescaped */
    unsigned encoded;
    WireOps ops;
} WireFake;

static void put_escaped(StrBuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            sb_append(out, "\\n", 2);
        else if (s[i] == '\\')
            sb_append(out, "\\\\", 2);
        else
            sb_putc(out, s[i]);
    }
}

static void fake_encode(Wire *w, const WireRequest *req, StrBuf *out)
{
    WireFake *f = (WireFake *)w;
    f->encoded++;
    sb_printf(out, "Q %s %s %zu\n", req->model ? req->model : "-",
              req->chain_id ? req->chain_id : "-", req->n_input);
    if (req->prompt_cache_key)
        sb_printf(out, "K %s\n", req->prompt_cache_key);
    if (req->instructions) {
        sb_puts(out, "I ");
        put_escaped(out, req->instructions, strlen(req->instructions));
        sb_putc(out, '\n');
    }
    for (size_t i = 0; i < req->n_input; i++) {
        sb_puts(out, req->input[i].role == WIRE_ROLE_USER ? "U " : "A ");
        put_escaped(out, req->input[i].text, req->input[i].len);
        sb_putc(out, '\n');
    }
}

static void fake_feed(Wire *w, const char *data, size_t len)
{
    WireFake *f = (WireFake *)w;
    if (f->at) { /* drop the lines already taken */
        memmove(f->in.data, f->in.data + f->at, f->in.len - f->at);
        sb_truncate(&f->in, f->in.len - f->at);
        f->at = 0;
    }
    sb_append(&f->in, data, len);
    f->ended = false;
}

static void fake_end(Wire *w) { ((WireFake *)w)->ended = true; }

static void fake_reset(Wire *w)
{
    WireFake *f = (WireFake *)w;
    sb_reset(&f->in);
    f->at = 0;
    f->ended = false;
}

/* The next space-separated field of the line at *p (NUL-terminated in place); NULL if none. */
static char *field(char **p)
{
    char *s = *p;
    if (!s || !*s)
        return NULL;
    char *sp = strchr(s, ' ');
    if (sp) {
        *sp = '\0';
        *p = sp + 1;
    } else {
        *p = s + strlen(s);
    }
    return s;
}

static void unescape(StrBuf *out, const char *s)
{
    sb_reset(out);
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n')
            sb_putc(out, '\n'), s++;
        else if (s[0] == '\\' && s[1] == '\\')
            sb_putc(out, '\\'), s++;
        else
            sb_putc(out, *s);
    }
}

static bool number(const char *s, int64_t *v)
{
    if (!s || !*s)
        return false;
    char *end;
    long long n = strtoll(s, &end, 10);
    if (*end)
        return false;
    *v = n;
    return true;
}

static void parse(WireFake *f, WireEvent *ev)
{
    char *p = f->line.data;
    char *letter = field(&p);
    ev->kind = WIRE_MALFORMED;
    ev->reason = "not a fake event";
    if (!letter || strlen(letter) != 1)
        return;
    ev->type = letter;
    int64_t n;
    switch (letter[0]) {
    case '#':
        ev->kind = WIRE_IGNORED;
        return;
    case 'C':
        ev->kind = WIRE_CREATED;
        ev->response_id = field(&p);
        return;
    case 'D':
    case 'R':
    case 'T':
        unescape(&f->text, p);
        ev->kind = letter[0] == 'D' ? WIRE_DELTA : letter[0] == 'R' ? WIRE_REFUSAL_DELTA
                                                                    : WIRE_TEXT_DONE;
        ev->text = sb_cstr(&f->text);
        ev->text_len = f->text.len;
        ev->output_index = 0;
        ev->content_index = letter[0] == 'R';
        return;
    case 'F': {
        char *id = field(&p);
        ev->kind = WIRE_DONE;
        ev->response_id = id && strcmp(id, "-") ? id : NULL;
        if (number(field(&p), &n) && n >= 0) {
            ev->usage.present = true;
            ev->usage.output_tokens = (uint64_t)n;
        }
        return;
    }
    case 'I':
        ev->kind = WIRE_INCOMPLETE;
        ev->incomplete_reason = *p ? p : NULL;
        return;
    case 'X':
        ev->kind = WIRE_FAILED;
        ev->error.code = field(&p);
        ev->error.message = *p ? p : NULL;
        return;
    case 'E': {
        int64_t status, retry;
        char *code = NULL;
        if (!number(field(&p), &status) || !(code = field(&p)) || !number(field(&p), &retry)) {
            ev->reason = "E needs status, code and retry_ms";
            return;
        }
        ev->kind = WIRE_ERROR;
        ev->error.status = (int)status;
        ev->error.code = strcmp(code, "-") ? code : NULL;
        ev->error.retry_after_ms = retry;
        ev->error.message = *p ? p : NULL;
        return;
    }
    default:
        return;
    }
}

static bool fake_next(Wire *w, WireEvent *ev)
{
    WireFake *f = (WireFake *)w;
    size_t left = f->in.len - f->at;
    if (!left)
        return false;
    const char *start = f->in.data + f->at;
    const char *nl = memchr(start, '\n', left);
    size_t n;
    if (nl)
        n = (size_t)(nl - start);
    else if (f->ended)
        n = left;
    else
        return false;
    f->at += nl ? n + 1 : n;
    sb_reset(&f->line);
    sb_append(&f->line, start, n);
    wire_event_init(ev);
    ev->raw = start;
    ev->raw_len = n;
    parse(f, ev);
    return true;
}

static WireAction fake_classify(const Wire *w, const WireError *e)
{
    if (e->status == 429)
        return WIRE_ACT_WAIT;
    if (e->code && strcmp(e->code, "chain_lost") == 0)
        return WIRE_ACT_RESEND;
    if (e->code && strcmp(e->code, "retired") == 0)
        return WIRE_ACT_RECONNECT;
    return WIRE_ACT_FAIL;
}

static void fake_free(Wire *w)
{
    WireFake *f = (WireFake *)w;
    sb_free(&f->in);
    sb_free(&f->line);
    sb_free(&f->text);
    free(f);
}

Wire *wire_fake_new(bool can_chain, bool abandoned_answer)
{
    WireFake *f = xcalloc(1, sizeof *f);
    f->ops = (WireOps){
        .name = "fake",
        .can_chain = can_chain,
        .abandoned_answer = abandoned_answer,
        .encode = fake_encode,
        .feed = fake_feed,
        .next = fake_next,
        .end = fake_end,
        .reset = fake_reset,
        .classify = fake_classify,
        .free = fake_free,
    };
    f->base.ops = &f->ops;
    return &f->base;
}

unsigned wire_fake_encoded(const Wire *w) { return ((const WireFake *)w)->encoded; }

WireEvent wire_fake_event(WireKind kind, const char *id)
{
    WireEvent ev;
    wire_event_init(&ev);
    ev.kind = kind;
    ev.type = wire_kind_name(kind);
    ev.response_id = id;
    return ev;
}
