#include "referat/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REF_TEXTDOMAIN "referat"

/* Set once by ref_i18n_init, before any thread starts. */
static int catalogue_bound;

/* The locale value the user asked messages in: POSIX's order. */
static const char *wanted_language(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    return "";
}

/* The folder holding en/LC_MESSAGES/referat.mo, into OUT (SIZE bytes);
 * 0 when there is none. */
static int find_localedir(char *out, size_t size)
{
    const char *env = getenv("REFERAT_LOCALEDIR");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    /* bin/ of a checkout (build/locale), build/san/bin/, an installed
     * PREFIX/bin (PREFIX/share/locale). */
    static const char *const rel[] = {"/../build/locale", "/../../locale", "/../share/locale"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char probe[PATH_MAX + 64];
        struct stat sb;
        snprintf(probe, sizeof probe, "%s%s/en/LC_MESSAGES/" REF_TEXTDOMAIN ".mo", exe, rel[i]);
        if (stat(probe, &sb) == 0) {
            snprintf(out, size, "%s%s", exe, rel[i]);
            return 1;
        }
    }
    return 0;
}

void ref_i18n_init(const char *argv0)
{
    (void)argv0;
    /* Character classes and the like from the environment; when its
     * locale is not installed, C.UTF-8 (glibc then still honours LANGUAGE
     * for messages, which plain "C" does not). */
    if (!setlocale(LC_ALL, ""))
        setlocale(LC_ALL, "C.UTF-8");
    /* Numbers are printed for programs too (scores, CSV): keep '.'. */
    setlocale(LC_NUMERIC, "C");
    if (strncmp(wanted_language(), "en", 2) != 0)
        return; /* no catalogue bound: the Danish msgids themselves */
    char dir[PATH_MAX + 64];
    if (!find_localedir(dir, sizeof dir))
        return;
    /* glibc reads LANGUAGE, but not in the plain "C" locale. */
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", "en", 1);
    bindtextdomain(REF_TEXTDOMAIN, dir);
    bind_textdomain_codeset(REF_TEXTDOMAIN, "UTF-8");
    textdomain(REF_TEXTDOMAIN);
    catalogue_bound = 1;
}

const char *ref_i18n_text(const char *msgid)
{
    return catalogue_bound ? gettext(msgid) : msgid;
}

const char *ref_i18n_plural(const char *singular, const char *plural, unsigned long n)
{
    if (catalogue_bound)
        return ngettext(singular, plural, n);
    return n == 1 ? singular : plural;
}
