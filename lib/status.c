#include "referat/status.h"

const char *ref_status_str(ref_status status)
{
    switch (status) {
#define REF_STATUS_CASE(name, msg)                                             \
    case name:                                                                 \
        return msg;
        REF_STATUS_LIST(REF_STATUS_CASE)
#undef REF_STATUS_CASE
    }
    return "unknown status";
}
