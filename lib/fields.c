#include "referat/fields.h"

#include <string.h>
#include <strings.h>

/* Weights: a word in the title counts three times, in the decision twice,
 * elsewhere once. BM25 saturates wdf, so these favour title and decision
 * matches without letting them swamp a punkt that discusses the topic at
 * length. Judged by the relevance tests in tests/. */
const ref_field ref_fields[] = {
    {"titel", "S", REF_FIELD_TEXT, -1, 3},
    {"tekst", "XT", REF_FIELD_TEXT, REF_SECTION_NONE, 1},
    {"anledning", "XA", REF_FIELD_TEXT, REF_SECTION_ANLEDNING, 1},
    {"baggrund", "XG", REF_FIELD_TEXT, REF_SECTION_BAGGRUND, 1},
    {"sagsfremstilling", "XS", REF_FIELD_TEXT, REF_SECTION_SAGSFREMSTILLING, 1},
    {"indstilling", "XI", REF_FIELD_TEXT, REF_SECTION_INDSTILLING, 1},
    {"beslutning", "XB", REF_FIELD_TEXT, REF_SECTION_BESLUTNING, 2},
    {"historik", "XH", REF_FIELD_TEXT, REF_SECTION_HISTORIK, 1},
    {"bilag", "XL", REF_FIELD_TEXT, REF_SECTION_BILAG, 1},
    {"andet", "XO", REF_FIELD_TEXT, REF_SECTION_OTHER, 1},
    {"udvalg", "B", REF_FIELD_BOOLEAN, -1, 0},
    {"sagsnr", "J", REF_FIELD_BOOLEAN, -1, 0},
    {"år", "Y", REF_FIELD_BOOLEAN, -1, 0},
    {"dato", "D", REF_FIELD_BOOLEAN, -1, 0},
    {"kommune", "K", REF_FIELD_BOOLEAN, -1, 0},
    {"udfald", "XU", REF_FIELD_BOOLEAN, -1, 0}, /* outcome.h's label keys */
    {NULL, NULL, REF_FIELD_TEXT, -1, 0},
};

static const struct {
    const char *alias;
    const char *name;
} aliases[] = {
    {"title", "titel"},     {"aar", "år"},         {"year", "år"},       {"date", "dato"},
    {"body", "udvalg"},     {"journal", "sagsnr"}, {"jnr", "sagsnr"},    {"decision", "beslutning"},
    {"attachment", "bilag"}, {"sag", "sagsnr"},     {"beslutninger", "beslutning"},
    {"municipality", "kommune"}, {"outcome", "udfald"},
};

const ref_field *ref_field_get(const char *name)
{
    for (const ref_field *f = ref_fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

const ref_field *ref_field_by_name(const char *name, size_t len)
{
    char key[64];
    if (len == 0 || len >= sizeof key)
        return NULL;
    /* Users type "Titel:" or "ÅR:"; fold ASCII and the Danish capitals. */
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < sizeof key; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)name[i + 1];
            if (d == 0x85 || d == 0x86 || d == 0x98) /* Å Æ Ø */
                d += 0x20;
            key[k++] = (char)c;
            if (k + 1 < sizeof key)
                key[k++] = (char)d;
            i++;
            continue;
        }
        key[k++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    key[k] = '\0';
    const ref_field *f = ref_field_get(key);
    if (f)
        return f;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].alias, key) == 0)
            return ref_field_get(aliases[i].name);
    return NULL;
}

const ref_field *ref_field_for_section(ref_section_kind kind)
{
    for (const ref_field *f = ref_fields; f->name; f++)
        if (f->section == (int)kind)
            return f;
    return ref_field_get("andet");
}
