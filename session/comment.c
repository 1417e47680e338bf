/* Comment prefixes by file name, then by extension (case-insensitive), as one table. */
#include "session/comment.h"

#include <string.h>
#include <strings.h>

typedef struct CommentRule {
    const char *match;   /* a whole file name (names[]) or an extension with its dot (exts[]) */
    const char *prefix;
} CommentRule;

static const CommentRule names[] = {
    {"Makefile", "#"}, {"makefile", "#"}, {"GNUmakefile", "#"}, {"CMakeLists.txt", "#"},
    {"Dockerfile", "#"}, {".editorconfig", "#"}, {".gitignore", "#"},
};

static const CommentRule exts[] = {
    {".c", "//"}, {".h", "//"}, {".cc", "//"}, {".cpp", "//"}, {".cxx", "//"}, {".hpp", "//"},
    {".hh", "//"}, {".m", "//"}, {".java", "//"}, {".js", "//"}, {".mjs", "//"}, {".cjs", "//"},
    {".ts", "//"}, {".tsx", "//"}, {".jsx", "//"}, {".go", "//"}, {".rs", "//"}, {".swift", "//"},
    {".kt", "//"}, {".scala", "//"}, {".cs", "//"}, {".dart", "//"}, {".zig", "//"},
    {".proto", "//"}, {".jsonc", "//"}, {".php", "//"}, {".glsl", "//"},
    {".sh", "#"}, {".bash", "#"}, {".zsh", "#"}, {".fish", "#"}, {".py", "#"}, {".rb", "#"},
    {".pl", "#"}, {".yaml", "#"}, {".yml", "#"}, {".toml", "#"}, {".ini", ";"}, {".conf", "#"},
    {".cmake", "#"}, {".mk", "#"}, {".r", "#"}, {".nix", "#"}, {".tf", "#"}, {".ps1", "#"},
    {".sql", "--"}, {".lua", "--"}, {".hs", "--"}, {".elm", "--"}, {".ada", "--"},
    {".lisp", ";"}, {".el", ";"}, {".clj", ";"}, {".scm", ";"}, {".asm", ";"}, {".s", "#"},
    {".tex", "%"}, {".erl", "%"}, {".vim", "\""}, {".bat", "REM"},
};

const char *comment_prefix_for_path(const char *path)
{
    if (!path)
        return "#";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(base, names[i].match) == 0)
            return names[i].prefix;
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
            if (strcasecmp(dot, exts[i].match) == 0)
                return exts[i].prefix;
    return "#";
}

const char *comment_prefix_for(const Buffer *b) { return comment_prefix_for_path(buffer_path(b)); }
