/* Saving and quitting: Ctrl-S, the Save As prompt's answer, Ctrl-Q and its question. A save
 * that needs a name (or that a read-only file refused) opens the Save As prompt; quitting
 * with unsaved changes asks first (MODE_CONFIRM_QUIT), and "save and quit" quits only once
 * the save worked (quit_after_save carries that through a Save As). */
#ifndef FLINT_APP_SAVING_H
#define FLINT_APP_SAVING_H

#include <stdbool.h>

typedef struct App App;

/* True when the file was written. May open the Save As prompt instead. */
bool app_save(App *a);
/* The Save As prompt's text was submitted ("~" expands). True when it was written; a
 * close that waited for it (close_after_save) is the caller's to finish. */
bool app_save_as(App *a, const char *path);
void app_quit(App *a);
/* Saves every modified buffer, then quits; stops at one that needs a name (its Save As
 * open, quit_after_save set) or fails. */
void app_save_all_and_quit(App *a);
/* Quits, or asks about unsaved changes first. */
void app_request_quit(App *a);

#endif
