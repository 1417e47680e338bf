/* File rules: settings first, then .editorconfig for the buffer's absolute path (a relative
 * path is taken from the current directory, as the file was opened). indent_size sets the
 * width when tab_width is not given (the buffer has one width for both). */
#include "app/file_rules.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "session/editorconfig.h"

void file_rules_apply(Buffer *b, const Settings *s)
{
    int width = s ? s->tab_width : SETTINGS_TAB_WIDTH;
    bool expand = s && s->expand_tabs;
    bool trim = s && s->trim_trailing_whitespace, final_nl = s && s->insert_final_newline;
    const char *path = buffer_path(b);
    if (path && (!s || s->editorconfig)) {
        char abs[PATH_MAX], cwd[PATH_MAX];
        int n = -1;
        if (path[0] == '/')
            n = snprintf(abs, sizeof abs, "%s", path);
        else if (getcwd(cwd, sizeof cwd))
            n = snprintf(abs, sizeof abs, "%s/%.*s", cwd, (int)(sizeof abs / 2), path);
        if (n < 0 || (size_t)n >= sizeof abs)
            abs[0] = '\0'; /* too long to look up: no .editorconfig */
        EditorConfig ec;
        editorconfig_init(&ec);
        if (abs[0])
            editorconfig_for(abs, &ec);
        if (ec.indent_style != EC_UNSET)
            expand = ec.indent_style == 1;
        if (ec.tab_width != EC_UNSET)
            width = ec.tab_width;
        else if (ec.indent_size > 0)
            width = ec.indent_size;
        if (ec.trim_trailing_whitespace != EC_UNSET)
            trim = ec.trim_trailing_whitespace == 1;
        if (ec.insert_final_newline != EC_UNSET)
            final_nl = ec.insert_final_newline == 1;
    }
    buffer_set_tab_width(b, width);
    buffer_set_expand_tabs(b, expand);
    buffer_set_save_rules(b, trim, final_nl);
}
