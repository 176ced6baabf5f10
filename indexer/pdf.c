/* pdf.c — the text of a PDF, page by page, through poppler-glib (see
 * formats.h). poppler_page_get_text() gives the text in reading order with
 * line breaks where the layout has them, which is what the minutes parser
 * reads; pages are kept apart so a passage can name its page. */
#include "formats.h"

#include <poppler.h>
#include <string.h>

ref_status ref_pdf_to_text(const void *bytes, size_t len, ref_buf *out, size_t *npages,
                           const char **detail)
{
    *npages = 0;
    GBytes *gb = g_bytes_new(bytes, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(gb, NULL, &err);
    g_bytes_unref(gb);
    if (!doc) {
        /* poppler says "PDF document is damaged" or asks for a password;
         * its message is not static, so the detail is ours. */
        int encrypted = err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED;
        *detail = encrypted ? "PDF is encrypted" : "PDF could not be read (damaged?)";
        if (err)
            g_error_free(err);
        return REF_EBINARY;
    }
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        if (i > 0)
            ref_buf_puts(out, "\n\f");
        if (text) {
            size_t tn = strlen(text);
            /* A page's own form feeds would be counted as pages. */
            for (size_t k = 0; k < tn; k++)
                if (text[k] == '\f')
                    text[k] = '\n';
            ref_buf_append(out, text, tn);
        }
        g_free(text);
        if (page)
            g_object_unref(page);
    }
    g_object_unref(doc);
    *npages = (size_t)n;
    if (ref_buf_status(out) != REF_OK) {
        *detail = "out of memory while extracting PDF text";
        return REF_ENOMEM;
    }
    return REF_OK;
}
