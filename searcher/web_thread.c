/* web_thread.c — /sag/JOURNAL: a case thread ("sagsforløb") on the web.
 *
 * Every punkt with the journal number, across committees and years, oldest
 * first, each with its outcome: the search page of "*" filtered by the
 * journal number (sag=JOURNAL), so paging, facets, exports and the feed of
 * a thread work as for any search. */
#include "web_internal.h"

void ref_web_page_thread(ref_web *w, const char *journal, const ref_web_params *p,
                         ref_web_response *out)
{
    ref_web_params thread = *p; /* borrows P's strings; nothing to free */
    thread.q = (char *)"*";
    thread.journal = (char *)journal;
    thread.sort = REF_SORT_DATE;
    ref_web_page_search(w, &thread, out);
}
