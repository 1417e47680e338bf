/* Shared by the screen-snapshot tests (test_views.c, test_model_view.c): reading a Grid back as
 * text and style letters, and a Session fixture fed with scripted server messages.
 *
 * Part of flint_test_support (tests/support/views_support.c). The text helpers return
 * rotating static buffers (8 live results each), enough for a CHECK comparing two of them.
 * view_ask was ask() while this was a header: session_support.h has an ask() of its own, and
 * one library cannot hold both. */
#ifndef FLINT_TESTS_SUPPORT_VIEWS_SUPPORT_H
#define FLINT_TESTS_SUPPORT_VIEWS_SUPPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/utf8.h"
#include "support/harness.h"
#include "session/buffer.h"
#include "session/wire_json.h"
#include "session/session.h"
#include "themes/theme.h"
#include "ui/grid.h"

/* ---- a Grid as text ------------------------------------------------------------------- */

/* Columns [x0, x1) of row y as UTF-8: right halves skipped, combining marks appended. */
const char *cells_text(const Grid *g, int y, int x0, int x1);

const char *row_text(const Grid *g, int y);

/* With trailing spaces removed. */
const char *trimmed(const char *s);

/* One letter per column for the style (a right half repeats its left half's letter). */
const char *row_styles(const Grid *g, int y, int x0, int x1);

void dump(const Grid *g);

/* ---- a Session and scripted server messages ------------------------------------------- */

extern int sends;  /* requests rec_send has taken */
bool rec_send(void *ud, const char *json, size_t len);

Session *new_session(void);

void msg(Session *s, const char *json);

/* Asks q and feeds response.created (resp_1). */
void view_ask(Session *s, const char *q);

void delta(Session *s, const char *text, size_t len);

void deltas(Session *s, const char *text);

void complete(Session *s);

void set_file(Session *s, const char *text);

double now_ms(void);

#endif
