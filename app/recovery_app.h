/* Recovery (the app's side): the user's unsaved text survives a lost terminal, a signal, a
 * crash, BUG_ON and out-of-memory, and flint says where it went; at start, a recovery file
 * from an earlier session is pointed out. The writing itself is session/recovery's.
 *
 * The fatal paths (BUG_ON, out of memory, a crash signal) must restore the terminal and save
 * the text without any context argument: recovery_app_arm stores the App in the one
 * file-scope pointer (atomic), and the crash handler runs on its own stack. */
#ifndef FLINT_APP_RECOVERY_APP_H
#define FLINT_APP_RECOVERY_APP_H

typedef struct App App;

/* Saves a modified buffer to a recovery file once (a->recovery says where, or why not). */
void app_save_recovery(App *a);
/* From here on the fatal paths and crash signals save a's text; disarm before freeing a. */
void recovery_app_arm(App *a);
void recovery_app_disarm(void);
/* A recovery file of this buffer's from an earlier run: say so in the status line. */
void app_tell_earlier_recovery(App *a);

#endif
