/* Writing a whole buffer to a file descriptor: the loop over short writes and EINTR that the
 * journal, the in-place save and the swap file each need; and a small file replaced
 * atomically (the export and the remembered look), with the directories it needs.
 *
 * Errors: the fd calls return false with errno set (ENOSPC when the descriptor takes no more
 * bytes, write(2)'s errno otherwise); the caller says what could not be written.
 * fdio_replace_file is tier 3 ("cannot write PATH: Permission denied (is the directory
 * read-only?)"). Nothing is kept. */
#ifndef FLINT_CORE_FDIO_H
#define FLINT_CORE_FDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/* write(2) or a stand-in with its contract (a test's fault injection: session/journal.h). */
typedef ssize_t (*FdioWriteFn)(int fd, const void *buf, size_t n);

/* Every byte of buf[0, n) to fd with write(2); false (errno set) when it cannot. */
bool fdio_write_all(int fd, const void *buf, size_t n);
/* The same through write_fn. */
bool fdio_write_all_with(FdioWriteFn write_fn, int fd, const void *buf, size_t n);

/* Reads fd into buf until end of file or cap bytes (EINTR and short reads retried); *got says
 * how many. False (errno set) on a read error. A file of exactly cap bytes or more fills buf:
 * callers that want to tell "too big" read into cap = their limit + 1. */
bool fdio_read_upto(int fd, void *buf, size_t cap, size_t *got);
/* mkdir -p of dir, each directory it makes with mode (0700 for flint's state). False (errno
 * set) when one cannot be made or dir is not a directory at the end. */
bool fdio_make_dirs(const char *dir, mode_t mode);
/* Replaces path with data[0, len) atomically: a temp file beside it (mkstemp), written, given
 * mode less the umask, fsynced when durable, renamed over path (then the directory fsynced
 * when durable). A failure leaves no temp file and path untouched. */
bool fdio_replace_file(const char *path, const void *data, size_t len, mode_t mode,
                       bool durable, ErrorBuf *err);

#endif
