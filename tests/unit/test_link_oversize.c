/* Link and messages over its 16 MiB cap (PROTOCOL.md 7.3 case 10), from a raw peer that writes
 * hand-made frame headers (link_raw_peer.h): a single frame of 16 MiB + 1 byte, a 20 MiB frame,
 * a frame that declares 17 MiB and stalls after 68 KiB, and a 17 MiB message in 4 KiB
 * fragments must each be refused with Close 1009 and a clear state detail, without the link
 * ever abandoning a frame half-way through lws' parser (libwebsockets 4.1.6 then kept writing
 * the rest of the payload past its 65,556-byte receive buffer); the link then reconnects and
 * works. A legal 5 MiB final event arrives intact.
 *
 * Memory errors inside libwebsockets are invisible to ASan (lws is not instrumented): the
 * ctest entry valgrind_test_link_oversize runs this program under valgrind. One case alone:
 * test_link_oversize NAME (e.g. test_oversize_stall). */
#include "link_raw_peer.h"
#include "link_support.h"

#define MIB (1024u * 1024u)
#define CAP (16u * MIB) /* Link's default max_message */

static RawPeer peer;
static void peer_poll(void) { raw_peer_poll(&peer); }

static bool peer_start(void)
{
    if (!raw_peer_open(&peer)) {
        fprintf(stderr, "raw peer: %s\n", strerror(errno));
        return false;
    }
    extra_poll = peer_poll;
    return true;
}

static void peer_stop(void)
{
    extra_poll = NULL;
    raw_peer_close(&peer);
}

/* Connection 0 gets script; connection 1 (the reconnect) gets one small text message. */
static void expect_refused(const StrBuf *script)
{
    static StrBuf ok;
    sb_reset(&ok);
    raw_frame(&ok, true, 1, 2, 0, 0);
    sb_append(&ok, "ok", 2);

    if (!peer_start())
        return;
    peer.scripts[0] = (RawScript){NULL, (const unsigned char *)script->data, script->len};
    peer.scripts[1] = (RawScript){NULL, (const unsigned char *)ok.data, ok.len};
    Transport *l = make_link(srv_url(peer.port, "ws"), "sk-test", NULL, 0);
    if (!l) {
        peer_stop();
        return;
    }
    transport_start(l);
    WAIT(count_state(TRANSPORT_WAITING) > 0 && peer.close_codes[0] != 0, 120000);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    CHECK(w != NULL);
    if (w) {
        printf("  detail: %s\n", w->detail);
        CHECK(strstr(w->detail, "message over 16777216 bytes") != NULL);
        CHECK(strstr(w->detail, "1009") != NULL);
    }
    CHECK_INT_EQ(peer.close_codes[0], 1009);
    CHECK_INT_EQ(C.nmsgs, 0);
    /* ... and the link comes back and works */
    WAIT(transport_state(l) == TRANSPORT_UP && C.nmsgs == 1, 120000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(peer.accepts, 2);
    CHECK_INT_EQ(C.nmsgs, 1);
    if (C.nmsgs == 1)
        CHECK_MEM_EQ(C.msgs[0], C.msg_len[0], "ok", 2);
    CHECK_INT_EQ(transport_stats(l)->connects, 2);
    transport_free(l);
    pump(5);
    peer_stop();
    sb_free(&ok);
}

/* The message one byte over the cap, as one frame. */
static void test_oversize_cap_plus_one(void)
{
    StrBuf s = {0};
    raw_frame(&s, true, 1, CAP + 1, CAP + 1, 'x');
    expect_refused(&s);
    sb_free(&s);
}

/* PROTOCOL.md 7.3 case 10 as written: a 20 MiB response.completed. */
static void test_oversize_20mib(void)
{
    StrBuf s = {0};
    static const char head[] = "{\"type\":\"response.completed\",\"response\":{\"output\":\"";
    size_t n = 20 * MIB;
    raw_frame(&s, true, 1, n, n, 'A');
    memcpy(s.data + 10, head, sizeof head - 1);
    expect_refused(&s);
    sb_free(&s);
}

/* The header declares 17 MiB; 64 KiB + 4 KiB of payload follow; then nothing. The client must
 * close (1009) without waiting for the rest. */
static void test_oversize_stall(void)
{
    StrBuf s = {0};
    raw_frame(&s, true, 1, 17 * MIB, 64 * 1024 + 4 * 1024, 'A');
    expect_refused(&s);
    sb_free(&s);
}

/* 17 MiB as a text frame and continuations of 4 KiB each. */
static void test_oversize_fragments(void)
{
    StrBuf s = {0};
    size_t frag = 4096, total = 17 * MIB;
    for (size_t off = 0; off < total; off += frag)
        raw_frame(&s, off + frag >= total, off ? 0 : 1, frag, frag, 'f');
    expect_refused(&s);
    sb_free(&s);
}

/* A legal 5 MiB final event: one frame, delivered whole; the link stays up. */
static void test_legal_5mib(void)
{
    if (!peer_start())
        return;
    static const char head[] = "{\"type\":\"response.completed\",\"response\":{\"output\":\"";
    size_t n = 5 * MIB;
    StrBuf s = {0};
    raw_frame(&s, true, 1, n, n, 'o');
    size_t hl = s.len - n;
    memcpy(s.data + hl, head, sizeof head - 1);
    memcpy(s.data + s.len - 4, "\"}}\n", 4);
    peer.scripts[0] = (RawScript){NULL, (const unsigned char *)s.data, s.len};
    Transport *l = make_link(srv_url(peer.port, "ws"), "sk-test", NULL, 0);
    if (l) {
        transport_start(l);
        WAIT(C.nmsgs == 1, 120000);
        CHECK_INT_EQ(C.nmsgs, 1);
        if (C.nmsgs == 1)
            CHECK_MEM_EQ(C.msgs[0], C.msg_len[0], s.data + hl, n);
        CHECK(C.nul_ok);
        CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
        CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
        CHECK_INT_EQ(peer.close_codes[0], 0);
        transport_free(l);
        pump(5);
    }
    peer_stop();
    sb_free(&s);
}

static const char *only;

#define RUN_CASE(fn)                                                                      \
    do {                                                                                  \
        if (!only || strcmp(only, #fn) == 0)                                              \
            RUN(fn);                                                                      \
    } while (0)

int main(int argc, char **argv)
{
    only = argc > 1 ? argv[1] : NULL;
    if (!link_env_open(NULL))
        return 1;

    RUN_CASE(test_legal_5mib);
    RUN_CASE(test_oversize_cap_plus_one);
    RUN_CASE(test_oversize_20mib);
    RUN_CASE(test_oversize_stall);
    RUN_CASE(test_oversize_fragments);

    link_env_close();
    return harness_done();
}
