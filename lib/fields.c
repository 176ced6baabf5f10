#include "referat/fields.h"

#include <string.h>
#include <strings.h>

/* Weights (the last column of REF_FIELD_LIST in fields.h): a word in the
 * title counts three times, in the decision twice, elsewhere once. BM25 saturates wdf, so these favour title and decision
 * matches without letting them swamp a punkt that discusses the topic at
 * length. Judged by the relevance tests in tests/. */
const ref_field ref_fields[] = {
#define REF_FIELD_ROW(id, name, prefix, type, section, weight)                                     \
    {id, name, prefix, type, section, weight},
    REF_FIELD_LIST(REF_FIELD_ROW)
#undef REF_FIELD_ROW
    {REF_FIELD_COUNT, NULL, NULL, REF_FIELD_TEXT, -1, 0},
};

static const struct {
    const char *alias;
    ref_field_id id;
} aliases[] = {
    {"title", REF_FIELD_TITEL},       {"aar", REF_FIELD_AAR},
    {"year", REF_FIELD_AAR},          {"date", REF_FIELD_DATO},
    {"body", REF_FIELD_UDVALG},       {"journal", REF_FIELD_SAGSNR},
    {"jnr", REF_FIELD_SAGSNR},        {"decision", REF_FIELD_BESLUTNING},
    {"attachment", REF_FIELD_BILAG},  {"sag", REF_FIELD_SAGSNR},
    {"beslutninger", REF_FIELD_BESLUTNING}, {"municipality", REF_FIELD_KOMMUNE},
    {"outcome", REF_FIELD_UDFALD},
};

const ref_field *ref_field_of(ref_field_id id)
{
    return &ref_fields[id];
}

/* The field named NAME exactly as in the table. */
static const ref_field *field_named(const char *name)
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
    const ref_field *f = field_named(key);
    if (f)
        return f;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].alias, key) == 0)
            return ref_field_of(aliases[i].id);
    return NULL;
}

const ref_field *ref_field_for_section(ref_section_kind kind)
{
    for (const ref_field *f = ref_fields; f->name; f++)
        if (f->section == (int)kind)
            return f;
    return ref_field_of(REF_FIELD_ANDET);
}
