/* HttpRx: the response side of an HTTP/1.1 client connection (RFC 9112), as a pure state
 * machine over the bytes that arrive (no sockets, no lws: the fuzzer drives it). Used by
 * transport_sse.c, which writes its requests itself on a raw lws socket.
 *
 * http_rx_feed() consumes a prefix of the bytes it is given and reports at most one event:
 *   HTTP_RX_MORE   everything consumed, nothing to report (part of a head, chunk framing)
 *   HTTP_RX_HEAD   a final response's head is complete: rx->status, rx->keep_alive,
 *                  rx->location, rx->retry_after are set (1xx interim responses are skipped,
 *                  RFC 9112 and RFC 9110 15.2)
 *   HTTP_RX_BODY   ev->data / ev->len: body bytes in order (a slice of the input: no copy),
 *                  with chunked transfer coding removed (RFC 9112 7.1)
 *   HTTP_RX_END    the body ended as its framing says (last chunk and trailers, Content-Length
 *                  reached, or no body for 204/304); the parser is ready for the next response
 *   HTTP_RX_ERROR  the bytes are not HTTP/1.x, or a limit was crossed: rx->error says what;
 *                  the connection cannot be used any more (every later feed returns ERROR)
 * The caller loops, advancing by the consumed count, until feed reports MORE (the input is
 * used up and nothing is pending) or ERROR: an END can follow a BODY or HEAD with no input
 * left (the last Content-Length byte, a Content-Length of 0), so feed is called once more.
 * http_rx_eof() says what the end of the connection means: END for a close-delimited body
 * (no Content-Length, not chunked: RFC 9112 6.3 item 8), MORE between responses, ERROR
 * ("connection closed mid-response") anywhere else.
 *
 * Lines end in CRLF or a bare LF (RFC 9112 2.2 lets a recipient accept LF). The head is
 * capped at 64 KiB, a chunk-size line at 1 KiB. Transfer-Encoding with chunked last wins over
 * Content-Length (6.3 item 3); a Content-Length that is not one number (or a list of equal
 * ones) is an error (6.3 item 5). keep_alive: HTTP/1.1 without "Connection: close", and a
 * body whose end is known; an HTTP/1.0 response is never kept alive.
 *
 * Ownership: rx owns its buffers; http_rx_free releases them. Error tier 3 (a message). */
#ifndef FLINT_NET_HTTP_RX_H
#define FLINT_NET_HTTP_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

typedef enum HttpRxEventKind {
    HTTP_RX_MORE,
    HTTP_RX_HEAD,
    HTTP_RX_BODY,
    HTTP_RX_END,
    HTTP_RX_ERROR,
} HttpRxEventKind;

typedef struct HttpRxEvent {
    HttpRxEventKind kind;
    const char *data; /* HTTP_RX_BODY: within the input */
    size_t len;
} HttpRxEvent;

typedef struct HttpRx {
    int phase;            /* private: where in a response the parser is */
    StrBuf head;          /* private: the head being read */
    size_t line_start;    /* private: offset in head of the line being read */
    uint64_t left;        /* private: body or chunk bytes still to come */
    bool chunked;         /* private */
    bool close_delimited; /* private */
    /* of the last HEAD: */
    unsigned status;
    bool keep_alive;
    char location[512];   /* Location header ("" if none); untrusted */
    char retry_after[32]; /* Retry-After header ("" if none); untrusted */
    char error[96];       /* with HTTP_RX_ERROR */
} HttpRx;

void http_rx_init(HttpRx *rx); /* a zeroed HttpRx is ready too */
void http_rx_free(HttpRx *rx);
/* Consumes a prefix of data[0..len) (len may be 0) and fills *ev; returns the number of
 * bytes consumed. */
size_t http_rx_feed(HttpRx *rx, const char *data, size_t len, HttpRxEvent *ev);
HttpRxEventKind http_rx_eof(HttpRx *rx);
/* Between responses: no byte of a response has arrived since the last END (or ever). */
bool http_rx_idle(const HttpRx *rx);

#endif
