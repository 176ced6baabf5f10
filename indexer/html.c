/* html.c — the visible text of an HTML page through libxml2's HTML parser
 * (see formats.h). Markup is never matched with patterns: the parser builds
 * the tree, and a walk over it keeps text nodes, leaves out the elements that
 * are no content, and turns block elements into line breaks so that
 * headings ("Beslutning", "Punkt 3: …") keep lines of their own, which is
 * what the minutes parser looks for. */
#include "formats.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Elements whose content is not minutes text: code, styling, site
 * navigation and page chrome, forms. */
static const char *const skipped[] = {
    "script", "style",  "nav",    "header", "footer", "noscript", "template",
    "form",   "button", "select", "iframe", "svg",    "head",     "object",
};

/* Elements that start and end a line. Headings and paragraphs get a blank
 * line around them, so a heading stands alone the way the parser expects. */
static const char *const blocks[] = {
    "p",          "div",   "li",      "ul",      "ol",         "dl",       "dt",
    "dd",         "tr",    "table",   "section", "article",    "main",     "aside",
    "blockquote", "pre",   "address", "figure",  "figcaption", "fieldset", "hr",
    "tbody",      "thead", "caption", "center",
};
static const char *const paragraph_blocks[] = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, list[i]) == 0)
            return 1;
    return 0;
}
#define IN(name, list) in_list(name, list, sizeof list / sizeof list[0])

typedef struct walker {
    ref_buf *out;
    int space;    /* white space is pending between two words */
    int newlines; /* line breaks at the end of OUT (0, 1, 2) */
} walker;

static void put_break(walker *w, int want)
{
    if (w->out->len == 0)
        return; /* no leading blank lines */
    while (w->newlines < want) {
        ref_buf_putc(w->out, '\n');
        w->newlines++;
    }
    w->space = 0;
}

/* Text as the browser shows it: runs of white space (also no-break space
 * kept as is) become one space; line breaks come only from elements. */
static void put_text(walker *w, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (w->newlines == 0 && w->out->len)
                w->space = 1;
            continue;
        }
        if (w->space) {
            ref_buf_putc(w->out, ' ');
            w->space = 0;
        }
        ref_buf_putc(w->out, (char)c);
        w->newlines = 0;
    }
}

/* The walk is iterative: a page nested 100,000 deep (libxml2 limits depth
 * to 256 without XML_PARSE_HUGE anyway) must not exhaust the stack. */
static void walk(walker *w, xmlNode *root)
{
    xmlNode *n = root;
    while (n) {
        int descend = 0;
        const char *name = (const char *)n->name;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                put_text(w, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && name && !IN(name, skipped)) {
            if (strcasecmp(name, "br") == 0)
                put_break(w, 1);
            else if (IN(name, paragraph_blocks))
                put_break(w, 2);
            else if (IN(name, blocks))
                put_break(w, 1);
            else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
                w->space = w->newlines == 0 && w->out->len;
            descend = n->children != NULL;
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* Leave N and every ancestor that has no next sibling, closing
         * their blocks on the way up. */
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && n->name) {
                const char *pname = (const char *)n->name;
                if (IN(pname, paragraph_blocks))
                    put_break(w, 2);
                else if (IN(pname, blocks))
                    put_break(w, 1);
            }
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

/* libxml2 (2.9) does not always stop at a failed allocation: it may leave
 * a node out and carry on, and the page came out with text missing, with
 * success. So its allocations go through these wrappers, and a failure is
 * remembered for the thread (tests/fault/, parse-html). (Stopping the
 * parser from here is not safe: xmlStopParser frees the buffers the
 * failing call is working on.) */
static _Thread_local int html_oom;

static void html_failed(void)
{
    html_oom = 1;
}

static void *html_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        html_failed();
    return p;
}

static void *html_realloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q && n)
        html_failed();
    return q;
}

static char *html_strdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        html_failed();
    return p;
}

static void html_free(void *p)
{
    free(p);
}

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

static void html_setup(void)
{
    xmlMemSetup(html_free, html_malloc, html_realloc, html_strdup);
    xmlInitParser();
}

ref_status ref_html_to_text(const char *utf8, size_t len, ref_buf *out, const char **detail)
{
    if (len > (size_t)0x7fffffff) {
        *detail = "HTML file too large for the HTML parser";
        return REF_ETOOBIG;
    }
    pthread_once(&html_once, html_setup);
    html_oom = 0;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        *detail = "out of memory while parsing HTML";
        return REF_ENOMEM;
    }
    /* The reader has already decoded the bytes to UTF-8 (its detection is
     * the one every format shares), so a <meta charset> must not make
     * libxml2 decode them a second time. */
    htmlDocPtr doc =
        htmlCtxtReadMemory(ctxt, utf8, (int)len, NULL, "UTF-8",
                           HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NOIMPLIED);
    int oom = html_oom || ctxt->errNo == XML_ERR_NO_MEMORY;
    htmlFreeParserCtxt(ctxt);
    if (oom) {
        xmlFreeDoc(doc);
        *detail = "out of memory while parsing HTML";
        return REF_ENOMEM;
    }
    if (!doc) {
        *detail = "HTML could not be parsed";
        return REF_EBINARY;
    }
    walker w = {out, 0, 0};
    for (xmlNode *n = doc->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE)
            walk(&w, n);
    }
    xmlFreeDoc(doc);
    ref_buf_putc(out, '\n');
    if (ref_buf_status(out) != REF_OK) {
        *detail = "out of memory while extracting HTML text";
        return REF_ENOMEM;
    }
    return REF_OK;
}

int ref_html_sniff(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body"};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t m = strlen(starts[k]);
        if (len - i >= m && strncasecmp(text + i, starts[k], m) == 0)
            return 1;
    }
    return 0;
}
