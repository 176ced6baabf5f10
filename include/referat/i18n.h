/* i18n.h — one language for users: Danish, through GNU gettext.
 *
 * The messages, help texts and headings in the source are Danish; they are
 * the gettext msgids, so Danish needs no catalogue and is what every user
 * sees unless LANG, LC_ALL, LC_MESSAGES or LANGUAGE asks for English, when
 * po/en.po (compiled by msgfmt to build/locale/en/LC_MESSAGES/referat.mo)
 * gives the English. JSON keys and other machine-read names are never
 * translated. Only main() calls ref_i18n_init; library code returns
 * statuses and leaves the words to the front ends. */
#ifndef REFERAT_I18N_H
#define REFERAT_I18N_H

#include <libintl.h>

/* A user-facing string: translated when a catalogue is chosen. */
#define _(s) ref_i18n_text(s)
/* A user-facing string in a static table, translated where it is used. */
#define N_(s) (s)

/* Choose the catalogue from the environment and bind it. English when the
 * first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set starts with
 * "en" (the locale need not be installed: a machine with only C.UTF-8
 * still gets English); else Danish. The catalogue is looked for in
 * $REFERAT_LOCALEDIR, then beside the program (bin/ → build/locale, or an
 * installed ../share/locale). */
void ref_i18n_init(const char *argv0);

/* MSGID itself when no catalogue is bound (Danish, the source language),
 * else gettext(MSGID). Danish then asks glibc nothing: no catalogue search
 * under the locale's name on every message, and none of glibc's own
 * allocations (one of which leaks when malloc fails there) on the way. */
const char *ref_i18n_text(const char *msgid);
/* ngettext's counterpart of ref_i18n_text: SINGULAR when N is 1, else
 * PLURAL, translated when a catalogue is bound. */
const char *ref_i18n_plural(const char *singular, const char *plural, unsigned long n);

#endif
