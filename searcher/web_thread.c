/* web_thread.c — /sag/JOURNAL: a case thread ("sagsforløb") on the web.
 *
 * Every punkt with the journal number, across committees and years, oldest
 * first, each with its outcome: the search page of "*" filtered by the
 * journal number (sag=JOURNAL), so paging, facets, exports and the feed of
 * a thread work as for any search. */
#include "web_internal.h"

void ref_web_thread_params(const ref_web_params *p, const char *journal, ref_web_params *out)
{
    *out = *p; /* borrows P's strings; nothing to free */
    out->q = (char *)"*";
    out->journal = (char *)journal;
    out->sort = REF_SORT_DATE;
}
