/* The backend's "model": canned code answers, picked by keywords in the user's question.
 *
 * script_pick() returns the text to stream for one response. Only the question counts: text
 * after a "\n\n---\n" rule (where flint appends the editor's file as context) is ignored.
 *   - if the question contains "echo:", the text after it, verbatim (one space right after
 *     the colon is dropped), so tests can ask for a known answer;
 *   - if it contains "hostile", an answer full of terminal escape sequences (for tests);
 *   - if the context is the demo file (tests/data/demo/hello.c), an apply_patch to it
 *     (tests/backend/demo_patch.h);
 *   - else the first script whose keywords occur in the question (ASCII case-insensitive);
 *   - else the next script in rotation (*rotation is advanced; the caller owns it).
 * The returned text points into static data or into question. Error tier: none. */
#ifndef FLINT_BACKEND_SCRIPT_H
#define FLINT_BACKEND_SCRIPT_H

#include <stddef.h>

typedef struct ScriptPick {
    const char *name; /* "echo", "linked-list", "python", "shell", "refactor", "unicode" */
    const char *text;
    size_t len;
} ScriptPick;

ScriptPick script_pick(const char *question, size_t qlen, unsigned *rotation);
/* The index-th canned script (mod the number of scripts); used when an answer is empty but
 * a fixed --tokens length was asked for. */
ScriptPick script_builtin(unsigned index);

#endif
