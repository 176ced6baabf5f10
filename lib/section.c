#include "referat/section.h"

const char *ref_section_kind_key(ref_section_kind kind)
{
    switch (kind) {
#define REF_SECTION_CASE(name, key)                                                                \
    case name:                                                                                     \
        return key;
        REF_SECTION_LIST(REF_SECTION_CASE)
#undef REF_SECTION_CASE
    case REF_SECTION_COUNT:
        break;
    }
    return "andet";
}
