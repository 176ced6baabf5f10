#include "referat/citation.h"

#include <string.h>

#define TITLE_MAX_BYTES 90

static const char *const months[] = {"januar",  "februar", "marts",    "april",
                                     "maj",     "juni",    "juli",     "august",
                                     "september", "oktober", "november", "december"};

void ref_citation_date(const char *date, ref_buf *out)
{
    int ok = date && strlen(date) == 10 && date[4] == '-' && date[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
            ok = 0;
    int m = ok ? (date[5] - '0') * 10 + (date[6] - '0') : 0;
    int d = ok ? (date[8] - '0') * 10 + (date[9] - '0') : 0;
    if (!ok || m < 1 || m > 12 || d < 1) {
        ref_buf_puts(out, date ? date : "");
        return;
    }
    ref_buf_printf(out, "%d. %s %.4s", d, months[m - 1], date);
}

const char *ref_citation_anchor(ref_section_kind kind) { return ref_section_kind_key(kind); }

/* A town's name alone ("Albertslund") is cited as its municipality; a name
 * that already says what it is ("Region Hovedstaden", "Aarhus Kommune") is
 * left as written. */
static void put_municipality(const char *m, ref_buf *out)
{
    ref_buf_puts(out, m);
    if (!strstr(m, "Kommune") && !strstr(m, "kommune") && !strstr(m, "Region") &&
        !strstr(m, "region"))
        ref_buf_puts(out, " Kommune");
}

/* TITLE cut at a space before TITLE_MAX_BYTES, with "…". */
static void put_title(const char *title, ref_buf *out)
{
    size_t n = strlen(title);
    if (n <= TITLE_MAX_BYTES) {
        ref_buf_puts(out, title);
        return;
    }
    size_t cut = TITLE_MAX_BYTES;
    while (cut > 0 && title[cut] != ' ')
        cut--;
    if (cut == 0) /* one long word: cut before a UTF-8 continuation byte */
        for (cut = TITLE_MAX_BYTES; cut > 0 && ((unsigned char)title[cut] & 0xC0) == 0x80; cut--)
            ;
    ref_buf_append(out, title, cut);
    ref_buf_puts(out, " …");
}

void ref_citation(const ref_record *rec, int section, ref_buf *out)
{
    int parts = 0;
#define SEP() (parts++ ? ref_buf_puts(out, ", ") : (void)0)
    if (rec->municipality && *rec->municipality) {
        SEP();
        put_municipality(rec->municipality, out);
    }
    if (rec->body && *rec->body) {
        SEP();
        ref_buf_puts(out, rec->body);
    }
    if (rec->date && *rec->date) {
        SEP();
        ref_citation_date(rec->date, out);
    }
    int has_title = rec->title && *rec->title;
    if (rec->punkt > 0 || has_title) {
        SEP();
        if (rec->punkt > 0)
            ref_buf_printf(out, "punkt %d%s", rec->punkt, has_title ? ": " : "");
        if (has_title)
            put_title(rec->title, out);
    }
    if (section >= 0 && (size_t)section < rec->nsections) {
        const char *key = ref_section_kind_key(rec->sections[section].kind);
        SEP();
        /* The section's name with a capital, as a heading reads. */
        if (key[0] >= 'a' && key[0] <= 'z') {
            ref_buf_putc(out, (char)(key[0] - 32));
            ref_buf_puts(out, key + 1);
        } else {
            ref_buf_puts(out, key);
        }
    }
#undef SEP
}
