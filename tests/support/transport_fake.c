/* TransportFake (see transport_fake.h). Data structure: the Transport base (state, counters,
 * hooks), a growing array of copies of the sent messages, and one counter per verb.
 * Invariants: sent holds the nsent messages sent since the last transport_fake_clear_sent,
 * each recorded only while UP (and counted in base.stats); the fake's own verbs never report
 * a state other than CONNECTING (the test reports the rest). */
#include "support/transport_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

static TransportFake *fake_of(Transport *t) { return (TransportFake *)(void *)t; }

static void fake_start(Transport *t)
{
    TransportFake *f = fake_of(t);
    f->starts++;
    if (t->state == TRANSPORT_IDLE)
        transport_report_state(t, TRANSPORT_CONNECTING, "");
}

static bool fake_send(Transport *t, const char *data, size_t len)
{
    TransportFake *f = fake_of(t);
    if (t->state != TRANSPORT_UP) {
        f->refused++;
        return false;
    }
    f->sent = xrealloc(f->sent, (size_t)(f->nsent + 1) * sizeof *f->sent);
    f->sent_len = xrealloc(f->sent_len, (size_t)(f->nsent + 1) * sizeof *f->sent_len);
    char *copy = xmalloc(len + 1);
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    f->sent[f->nsent] = copy;
    f->sent_len[f->nsent] = len;
    f->nsent++;
    t->stats.messages_out++;
    t->stats.bytes_out += len;
    return true;
}

/* Interrupt and rotation: nothing is queued, so nothing to drop; the old connection is gone
 * and a fresh one is on its way (the test reports it UP). */
static void fake_restart(TransportFake *f, const char *reason)
{
    Transport *t = &f->base;
    if (t->state == TRANSPORT_UP)
        t->stats.interrupt_ns = clock_now_ns();
    if (t->state != TRANSPORT_IDLE)
        transport_report_state(t, TRANSPORT_CONNECTING, reason);
}

static void fake_interrupt(Transport *t)
{
    fake_of(t)->interrupts++;
    fake_restart(fake_of(t), "interrupted");
}

static void fake_rotate(Transport *t)
{
    fake_of(t)->rotations++;
    fake_restart(fake_of(t), "rotating");
}

static void fake_hold(Transport *t, bool on)
{
    TransportFake *f = fake_of(t);
    f->held = on;
    if (on)
        f->holds++;
}

static void fake_free(Transport *t)
{
    TransportFake *f = fake_of(t);
    transport_fake_clear_sent(f);
    free(f);
}

static const TransportOps fake_ops = {
    .name = "fake",
    .start = fake_start,
    .send = fake_send,
    .interrupt = fake_interrupt,
    .rotate = fake_rotate,
    .hold = fake_hold,
    .free = fake_free,
};

TransportFake *transport_fake_new(const TransportHooks *hooks, void *ud, const char *endpoint)
{
    TransportFake *f = xcalloc(1, sizeof *f);
    snprintf(f->endpoint, sizeof f->endpoint, "%s", endpoint ? endpoint : "fake:0");
    transport_init(&f->base, &fake_ops, hooks, ud, f->endpoint);
    return f;
}

void transport_fake_set_state(TransportFake *f, TransportState s, const char *detail)
{
    if (s == TRANSPORT_UP)
        f->base.stats.connects++;
    transport_report_state(&f->base, s, detail);
}

bool transport_fake_receive(TransportFake *f, const char *data, size_t len)
{
    if (f->base.state != TRANSPORT_UP)
        return false;
    char *copy = xmalloc(len + 1); /* the hook may rely on data[len] == '\0' */
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    transport_report_message(&f->base, copy, len);
    free(copy);
    return true;
}

bool transport_fake_end(TransportFake *f, unsigned status, bool complete, const char *body)
{
    if (f->base.state != TRANSPORT_UP)
        return false;
    char detail[64] = "";
    if (!(complete && status >= 200 && status < 300))
        snprintf(detail, sizeof detail, "HTTP %u", status);
    bool refused = status && (status < 200 || status >= 300);
    TransportEnd e = {.status = status, .complete = complete,
                      .body = refused && body ? body : "",
                      .body_len = refused && body ? strlen(body) : 0, .detail = detail};
    transport_report_end(&f->base, &e);
    return true;
}

const char *transport_fake_sent(const TransportFake *f, int i, size_t *len)
{
    if (i < 0 || i >= f->nsent)
        return NULL;
    if (len)
        *len = f->sent_len[i];
    return f->sent[i];
}

void transport_fake_clear_sent(TransportFake *f)
{
    for (int i = 0; i < f->nsent; i++)
        free(f->sent[i]);
    free(f->sent);
    free(f->sent_len);
    f->sent = NULL;
    f->sent_len = NULL;
    f->nsent = 0;
}
