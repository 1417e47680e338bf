/* LinkHold: keeping a connection's socket quiet for a moment (transport_hold, transport.h).
 *
 * While held, the socket's receive low-water mark (SO_RCVLOWAT, socket(7)) is raised to
 * LINK_HOLD_BYTES: poll() does not report it readable until that much has arrived, so lws
 * does not wake for every small message and the app reads them all at once when it releases
 * (the mark back to 1, which makes the socket readable at once if anything came). The kernel
 * still receives and acknowledges everything; an EOF or an error is reported at once whatever
 * the mark; lws and OpenSSL know nothing of it (lws' own rx flow control was tried first:
 * in 4.1.6 a release now and then never re-enabled reading). What is already in lws' or
 * OpenSSL's buffers is delivered as usual. Errors: none (a failed setsockopt only means no
 * batching; it is logged once). */
#ifndef FLINT_NET_LINK_HOLD_H
#define FLINT_NET_LINK_HOLD_H

#include <stdbool.h>

#define LINK_HOLD_BYTES (64 * 1024)

void link_hold_socket(int fd, bool on);

#endif
