/* fuzz_outcome — decision outcomes (outcome.h) of arbitrary decision text.
 * The input is a section heading line, then the decision text. Checks
 * outcome.h's promises: only known labels; droeftet and andet give way to
 * any other label and never stand together; text with a letter has a label;
 * the same text gives the same labels; a punkt whose one decision section
 * holds the text has the text's labels, or none when its heading names
 * another meeting's date. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "referat/outcome.h"

#define GIVE_WAY ((1u << REF_OUTCOME_DROEFTET) | (1u << REF_OUTCOME_ANDET))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : 0;
    size_t tlen = nl ? size - hlen - 1 : size;
    /* The text exactly as given (no NUL to lean on), and NUL-terminated
     * copies for the section. */
    char *text = malloc(tlen ? tlen : 1);
    char *ctext = malloc(tlen + 1), *heading = malloc(hlen + 1);
    if (!text || !ctext || !heading) {
        free(text), free(ctext), free(heading);
        return 0;
    }
    const uint8_t *t = nl ? nl + 1 : data;
    if (tlen)
        memcpy(text, t, tlen);
    memcpy(ctext, t, tlen);
    ctext[tlen] = '\0';
    memcpy(heading, data, hlen);
    heading[hlen] = '\0';

    ref_outcome_set set = ref_outcome_of_text(text, tlen);
    FUZZ_CHECK(set < (1u << REF_OUTCOME_COUNT));
    FUZZ_CHECK((set & GIVE_WAY) != GIVE_WAY);
    if (set & ~GIVE_WAY)
        FUZZ_CHECK(!(set & GIVE_WAY));
    int letter = 0;
    for (size_t i = 0; i < tlen && !letter; i++)
        letter = (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z');
    if (letter)
        FUZZ_CHECK(set != 0);
    FUZZ_CHECK(ref_outcome_of_text(text, tlen) == set);

    if (!memchr(ctext, '\0', tlen) && !memchr(heading, '\0', hlen)) {
        ref_record_section sec = {REF_SECTION_BESLUTNING, heading, ctext};
        ref_outcome_set own = ref_outcome_of_punkt(&sec, 1, "2019-04-10");
        FUZZ_CHECK(own == 0 || own == ref_outcome_of_text(ctext, strlen(ctext)));
        if (tlen)
            FUZZ_CHECK(ref_outcome_of_punkt(&sec, 1, NULL) == set);
    }
    free(text);
    free(ctext);
    free(heading);
    return 0;
}
