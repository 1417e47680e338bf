/* AskQueue: the questions the user queued while an answer streams (Tab in the ask prompt),
 * asked one by one, in order, as each turn ends. Plain data: the app decides when the head
 * goes out (app/questions.c), the Ui shows it under the answer (ui/queue_view.h), the journal
 * can record it from the app's hook (app_on_queue_changed).
 *
 * `paused`: after a turn that did not complete (interrupted, failed, stalled, lost link) the
 * queue waits for the user instead of going on by itself; nothing in it is ever dropped
 * except by ask_queue_drop_last (the user's own key) or ask_queue_take (it is being asked).
 *
 * Ownership: the queue owns copies of its texts. Errors: none (allocation failure aborts). */
#ifndef FLINT_SESSION_ASK_QUEUE_H
#define FLINT_SESSION_ASK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct AskQueue AskQueue;

AskQueue *ask_queue_new(void);
void ask_queue_free(AskQueue *q);  /* accepts NULL */
size_t ask_queue_count(const AskQueue *q);
const char *ask_queue_at(const AskQueue *q, size_t i);  /* i < count; 0 is the next asked */
void ask_queue_push(AskQueue *q, const char *text);       /* at the end */
void ask_queue_push_front(AskQueue *q, const char *text); /* asked next (a steer kept) */
/* Removes the head and gives it to the caller (free); NULL when empty. */
char *ask_queue_take(AskQueue *q);
/* Removes the last item; false when empty. */
bool ask_queue_drop_last(AskQueue *q);
bool ask_queue_paused(const AskQueue *q);
void ask_queue_set_paused(AskQueue *q, bool paused);

#endif
