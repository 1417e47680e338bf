/* LinkHold (see link_hold.h). */
#include "net/link_hold.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"

void link_hold_socket(int fd, bool on)
{
    static bool told;
    int lowat = on ? LINK_HOLD_BYTES : 1;
    if (fd < 0)
        return;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat) != 0 && !told) {
        told = true;
        log_msg("link: SO_RCVLOWAT: %s (messages are read one by one)", strerror(errno));
    }
}
