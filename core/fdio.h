/* Writing a whole buffer to a file descriptor: the loop over short writes and EINTR that the
 * journal, the in-place save and the swap file each need.
 *
 * Errors: false with errno set (ENOSPC when the descriptor takes no more bytes, write(2)'s
 * errno otherwise); the caller says what could not be written. Nothing is allocated. */
#ifndef FLINT_CORE_FDIO_H
#define FLINT_CORE_FDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* write(2) or a stand-in with its contract (a test's fault injection: session/journal.h). */
typedef ssize_t (*FdioWriteFn)(int fd, const void *buf, size_t n);

/* Every byte of buf[0, n) to fd with write(2); false (errno set) when it cannot. */
bool fdio_write_all(int fd, const void *buf, size_t n);
/* The same through write_fn. */
bool fdio_write_all_with(FdioWriteFn write_fn, int fd, const void *buf, size_t n);

#endif
