/* minutes_furniture.c — the pass before parsing: pages, page furniture
 * (lines repeated at the page edges), and the punkt style of the file (see
 * minutes_int.h). */
#include "minutes_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- before the main pass: pages, furniture, the punkt style ----------- */

/* A raw line as a furniture key: trimmed, white space runs as one space,
 * each run of digits as one '#', so "Side 3 af 9" and "Side 10 af 12" are
 * one key. NULL
 * (REF_ENOMEM in P) on failure. */
static char *furniture_key(parser *p, const char *s, size_t n)
{
    trim(&s, &n);
    char *key = malloc(n + 1);
    if (!key) {
        p->rc = REF_ENOMEM;
        return NULL;
    }
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_space((unsigned char)c)) {
            space = 1;
            continue;
        }
        if (space)
            key[k++] = ' ';
        space = 0;
        if (is_digit(c) && k > 0 && key[k - 1] == '#')
            continue; /* a run of digits is one '#': "Side 9" and "Side 10" */
        key[k++] = is_digit(c) ? '#' : c == '\0' ? ' ' : c;
    }
    key[k] = '\0';
    return key;
}

/* A non-blank line near a page edge; its key is made only for the lines
 * that stay candidates, so the scan allocates nothing per line. */
typedef struct edge_line {
    const char *raw; /* NULL: too long to be furniture */
    size_t nraw;
    char *key;
    size_t line;
    int page;
} edge_line;

typedef struct prescan {
    edge_line *edges;
    size_t nedges, cap;
    size_t page_first; /* index in edges where the current page's lines start */
    int page;
} prescan;

static int cmp_edge_key(const void *a, const void *b)
{
    const edge_line *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->page > y->page) - (x->page < y->page);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* End a page: of its non-blank lines, only the first and last
 * FURNITURE_EDGE_LINES stay candidates. */
static void prescan_end_page(prescan *ps)
{
    ps->page_first = ps->nedges;
}

static void prescan_line(parser *p, prescan *ps, const line *ln)
{
    if (ln->page != ps->page) {
        prescan_end_page(ps);
        ps->page = ln->page;
    }
    if (ln->n == 0)
        return;
    size_t on_page = ps->nedges - ps->page_first;
    /* Keep the first lines of the page and a window of the last ones: a
     * middle line drops out of the window as the page goes on. */
    if (on_page >= 2 * FURNITURE_EDGE_LINES) {
        edge_line *drop = &ps->edges[ps->page_first + FURNITURE_EDGE_LINES];
        memmove(drop, drop + 1, (FURNITURE_EDGE_LINES - 1) * sizeof *drop);
        ps->nedges--;
    }
    if (ps->nedges == ps->cap) {
        size_t ncap = ps->cap ? ps->cap * 2 : 64;
        edge_line *e = realloc(ps->edges, ncap * sizeof *e);
        if (!e) {
            p->rc = REF_ENOMEM;
            return;
        }
        ps->edges = e;
        ps->cap = ncap;
    }
    /* A long line is still a line of the page: it pushes older ones out of
     * the window, but is never furniture itself (structure_line() rules out
     * the rest when the candidates are chosen). */
    int candidate = ln->n <= FURNITURE_MAX_BYTES;
    ps->edges[ps->nedges++] =
        (edge_line){candidate ? ln->raw : NULL, candidate ? ln->nraw : 0, NULL, ln->no, ln->page};
}

/* A punkt line or a known heading is structure, never furniture, even at the
 * top of several pages ("Beslutning"). */
static int structure_line(const line *ln)
{
    punkt_line pl;
    return mn_match_punkt_line(ln, &pl) || mn_match_numbered_punkt(ln, &pl) ||
           mn_classify_heading(ln).role == ROLE_KNOWN;
}

/* Lines whose key stands at a page edge on at least half the pages (and at
 * least two) are furniture: record their line numbers, sorted, and one
 * ref_furniture per key. */
static void choose_furniture(parser *p, prescan *ps)
{
    ref_meeting *mt = &p->m->pub;
    if (p->npages < 2 || ps->nedges == 0)
        return;
    size_t ncand = 0;
    line tmp = {0};
    for (size_t i = 0; i < ps->nedges && p->rc == REF_OK; i++) {
        if (!ps->edges[i].raw)
            continue;
        mn_clean_line(&tmp, ps->edges[i].raw, ps->edges[i].nraw);
        if (structure_line(&tmp))
            continue;
        edge_line e = ps->edges[i];
        e.key = furniture_key(p, e.raw, e.nraw);
        ps->edges[ncand++] = e;
    }
    ps->nedges = ncand;
    if (ref_buf_status(&tmp.buf) != REF_OK)
        p->rc = REF_ENOMEM;
    ref_buf_free(&tmp.buf);
    if (p->rc != REF_OK)
        return;
    qsort(ps->edges, ps->nedges, sizeof *ps->edges, cmp_edge_key);
    size_t cap_lines = 0, cap_f = 0, cap_of = 0;
    for (size_t i = 0; i < ps->nedges && p->rc == REF_OK;) {
        size_t j = i, pages = 0;
        int last_page = 0;
        while (j < ps->nedges && strcmp(ps->edges[j].key, ps->edges[i].key) == 0) {
            if (ps->edges[j].page != last_page)
                pages++;
            last_page = ps->edges[j].page;
            j++;
        }
        if (pages >= 2 && pages * 2 >= p->npages && ps->edges[i].key[0]) {
            if (!mn_grow(p, (void **)&mt->furniture, &cap_f, mt->nfurniture, sizeof *mt->furniture))
                return;
            ref_furniture *f = &mt->furniture[mt->nfurniture];
            f->text = mn_pstrndup(p, ps->edges[i].key, strlen(ps->edges[i].key));
            f->count = 0;
            for (size_t k = i; k < j; k++) {
                if (!mn_grow(p, (void **)&p->furniture_lines, &cap_lines, p->nfurniture_lines,
                             sizeof *p->furniture_lines) ||
                    !mn_grow(p, (void **)&p->furniture_of, &cap_of, p->nfurniture_lines,
                             sizeof *p->furniture_of))
                    return;
                p->furniture_lines[p->nfurniture_lines] = ps->edges[k].line;
                p->furniture_of[p->nfurniture_lines] = mt->nfurniture;
                p->nfurniture_lines++;
            }
            mt->nfurniture++;
        }
        i = j;
    }
    /* Sort the line numbers, carrying each one's furniture index along. */
    size_t n = p->nfurniture_lines;
    size_t *pairs = malloc((n ? n : 1) * 2 * sizeof *pairs);
    if (!pairs) {
        p->rc = REF_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = p->furniture_lines[i];
        pairs[2 * i + 1] = p->furniture_of[i];
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_size);
    for (size_t i = 0; i < n; i++) {
        p->furniture_lines[i] = pairs[2 * i];
        p->furniture_of[i] = pairs[2 * i + 1];
    }
    free(pairs);
}

/* One pass before parsing: count pages, find page furniture, and see
 * whether any keyword punkt line exists (if none, "N. Title" lines are
 * punkter). Uses the same line reader as the main pass, so line numbers
 * agree. */
void mn_prescan_text(parser *p, const char *text, size_t len)
{
    cursor c;
    mn_cursor_init(&c, text, len, 1);
    line ln = {0};
    prescan ps = {0};
    ps.page = 1;
    int keyword_punkt = 0;
    size_t numbered = 0, headings = 0, text_lines = 0;
    /* Each question is asked only until it is answered, so after the first
     * lines the scan costs little more than reading them. */
    for (mn_next_line(&c, &ln); ln.present && p->rc == REF_OK; mn_next_line(&c, &ln)) {
        punkt_line pl;
        if (!keyword_punkt && mn_match_punkt_line(&ln, &pl))
            keyword_punkt = 1;
        if (!numbered && mn_match_numbered_punkt(&ln, &pl))
            numbered++;
        if (ln.n && ln.n <= PLAIN_HEADING_MAX_BYTES && (!headings || !text_lines)) {
            heading_match hm = mn_classify_heading(&ln);
            headings += hm.role == ROLE_KNOWN && hm.kind != REF_SECTION_OTHER;
            text_lines += hm.role != ROLE_KNOWN;
        } else {
            text_lines += ln.n > 0;
        }
        prescan_line(p, &ps, &ln);
    }
    p->numbered_ok = !keyword_punkt;
    /* Minutes published one item per page (København, Ishøj) have section
     * headings but no punkt line: the text after the header is one punkt. */
    p->implicit_ok = !keyword_punkt && numbered == 0 && headings >= 1 && text_lines >= 1;
    p->npages = c.page > 1 ? (size_t)c.page : 0;
    p->m->pub.npages = p->npages;
    if (p->rc == REF_OK)
        choose_furniture(p, &ps);
    for (size_t i = 0; i < ps.nedges; i++)
        free(ps.edges[i].key);
    free(ps.edges);
    ref_buf_free(&ln.buf);
}

/* Is LN page furniture? Lines come in order, so a cursor into the sorted
 * list answers in constant time. */
int mn_is_furniture(parser *p, const line *ln)
{
    while (p->next_furniture < p->nfurniture_lines &&
           p->furniture_lines[p->next_furniture] < ln->no)
        p->next_furniture++;
    if (p->next_furniture < p->nfurniture_lines &&
        p->furniture_lines[p->next_furniture] == ln->no) {
        p->m->pub.furniture[p->furniture_of[p->next_furniture]].count++;
        return 1;
    }
    return 0;
}
