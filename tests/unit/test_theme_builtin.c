/* Built-in themes: every one parses (theme_builtin never fails for a listed name) and has its
 * own name; the list is what theme_builtin_name gives; "terminal" is theme_default() and
 * themes/default.theme; "light" is themes/light.theme; unknown names are refused. */
#include <string.h>

#include "harness.h"
#include "themes/theme.h"
#include "themes/theme_builtin.h"

#define THEMES_DIR FLINT_TEST_DATA "/../../themes"

static bool same_slots(const Theme *a, const Theme *b)
{
    for (int s = 0; s < STYLE__COUNT; s++)
        if (memcmp(&a->slot[s], &b->slot[s], sizeof a->slot[s]) != 0) {
            fprintf(stderr, "slot %s differs\n", theme_slot_name((StyleSlot)s));
            return false;
        }
    return true;
}

static void test_all_parse(void)
{
    CHECK(theme_builtin_count() >= 6);
    for (size_t i = 0; i < theme_builtin_count(); i++) {
        const char *n = theme_builtin_name(i);
        Theme t;
        memset(&t, 0, sizeof t);
        CHECK(theme_builtin(n, &t));
        CHECK_STR_EQ(t.name, n);
    }
    CHECK(theme_builtin_name(theme_builtin_count()) == NULL);
    static const char *const want[] = {"dark", "light", "solarized-dark", "solarized-light",
                                       "high-contrast", "terminal"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        Theme t;
        CHECK(theme_builtin(want[i], &t));
    }
    Theme t;
    CHECK(!theme_builtin("nope", &t));
    CHECK(!theme_builtin(NULL, &t));
    CHECK(!theme_builtin("", &t));
    CHECK(!theme_builtin("default", &t)); /* the app's "dark or light by the background" */
}

static void test_same_as_files(void)
{
    Theme def, term, file;
    ErrorBuf err = {{0}};
    theme_default(&def);
    CHECK(theme_builtin("terminal", &term));
    CHECK(same_slots(&def, &term));
    theme_default(&file);
    CHECK(theme_load_file(&file, THEMES_DIR "/default.theme", &err));
    CHECK(same_slots(&file, &term));
    Theme light;
    CHECK(theme_builtin("light", &light));
    theme_default(&file);
    CHECK(theme_load_file(&file, THEMES_DIR "/light.theme", &err));
    CHECK(same_slots(&file, &light));
}

/* The themes differ from each other (a copy-paste slip would make two the same). */
static void test_distinct(void)
{
    for (size_t i = 0; i < theme_builtin_count(); i++)
        for (size_t j = i + 1; j < theme_builtin_count(); j++) {
            Theme a, b;
            CHECK(theme_builtin(theme_builtin_name(i), &a));
            CHECK(theme_builtin(theme_builtin_name(j), &b));
            CHECK(memcmp(a.slot, b.slot, sizeof a.slot) != 0);
        }
}

int main(void)
{
    RUN(test_all_parse);
    RUN(test_same_as_files);
    RUN(test_distinct);
    return harness_done();
}
