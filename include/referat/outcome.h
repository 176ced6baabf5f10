/* outcome.h — what a punkt's decision says was done with the case ("udfald").
 *
 * Pure functions over decision text: no parser, no Xapian. The indexer
 * stores the labels as terms and a value (fields.h); the searcher derives
 * them again from a stored record to show them, with the same function.
 *
 * A punkt's own decision is the last Beslutning section of the punkt in
 * this meeting: a section whose heading names another meeting's date
 * ("Beslutning i Børne- og Ungdomsudvalget den 26-03-2019" in minutes of
 * 10 April 2019) is an earlier body's decision quoted in the case, and so
 * is what follows a history line ("Sagens forløb …") inside the text.
 * Within the decision, the rules read sentence by sentence the formulaic
 * Danish wordings:
 *   godkendt               "Godkendt", "Tiltrådt", "Anbefales godkendt", "X besluttede
 *                          at …", "vedtaget", votes ("16 stemmer for og 2 imod")
 *   afvist                 "Ikke godkendt", "forkastet", "kan ikke tiltræde",
 *                          "besluttede ikke at imødekomme"
 *   udsat                  "Udsat", "Sagen udsættes", "besluttede at udsætte"
 *   oversendt              "oversendes til X", "Anbefales over for X", "Fremsendes til X":
 *                          only when a receiving body X is named
 *   taget_til_efterretning "Taget til efterretning", "Til orientering"
 *   droeftet               "Drøftet", "X drøftede …"
 *   andet                  "Intet", "Ingen bemærkninger", "trukket", a decision
 *                          text that states none of the above
 * Sentences that are not the punkt's decision are skipped: bullet lines
 * (remarks), sentences about another agenda item ("Punkt 15 udgår …", "Sag
 * nr. 7 udsættes"), and intentions ("skal drøftes", "vil blive godkendt").
 * A punkt carries every label its decision states; droeftet and andet give
 * way when another label is present. No decision, no labels. */
#ifndef REFERAT_OUTCOME_H
#define REFERAT_OUTCOME_H

#include <stddef.h>

#include "referat/buf.h"
#include "referat/record.h"

/* X(enum name, key as in JSON and queries, Danish word for people) */
#define REF_OUTCOME_LIST(X)                                                                        \
    X(REF_OUTCOME_GODKENDT, "godkendt", "Godkendt")                                                \
    X(REF_OUTCOME_TAGET_TIL_EFTERRETNING, "taget_til_efterretning", "Taget til efterretning")     \
    X(REF_OUTCOME_UDSAT, "udsat", "Udsat")                                                         \
    X(REF_OUTCOME_AFVIST, "afvist", "Afvist")                                                      \
    X(REF_OUTCOME_OVERSENDT, "oversendt", "Oversendt")                                             \
    X(REF_OUTCOME_DROEFTET, "droeftet", "Drøftet")                                                 \
    X(REF_OUTCOME_ANDET, "andet", "Andet")

typedef enum ref_outcome {
#define REF_OUTCOME_ENUM(name, key, word) name,
    REF_OUTCOME_LIST(REF_OUTCOME_ENUM)
#undef REF_OUTCOME_ENUM
    REF_OUTCOME_COUNT
} ref_outcome;

/* A set of labels: bit (1u << label). 0 = no decision. */
typedef unsigned ref_outcome_set;

/* "godkendt", "taget_til_efterretning", …; static. */
const char *ref_outcome_key(ref_outcome label);
/* "Godkendt", "Taget til efterretning", …; static. */
const char *ref_outcome_word(ref_outcome label);
/* The label whose key is the LEN bytes at KEY (ASCII case-insensitive;
 * "drøftet" is accepted for droeftet); 0 if none, else 1 with *OUT set. */
int ref_outcome_by_key(const char *key, size_t len, ref_outcome *out);

/* The labels one decision TEXT (LEN bytes of UTF-8) states; 0 when the
 * text has no letter ("-"); at least one label (andet) when it has one. */
ref_outcome_set ref_outcome_of_text(const char *text, size_t len);

/* The labels of a punkt with sections SECS[0..N) held at a meeting on
 * MEETING_DATE ("YYYY-MM-DD", or "" or NULL when unknown): those of its own
 * decision as described above. */
ref_outcome_set ref_outcome_of_punkt(const ref_record_section *secs, size_t n,
                                     const char *meeting_date);

/* The labels of a stored punkt: ref_outcome_of_punkt over its sections
 * and meeting date (what the indexer stored as terms, derived again). */
ref_outcome_set ref_outcome_of_record(const ref_record *rec);

/* Append the keys of SET to OUT in label order, separated by SEP. */
void ref_outcome_keys(ref_outcome_set set, const char *sep, ref_buf *out);
/* Append the Danish words of SET ("Godkendt, Oversendt") to OUT. */
void ref_outcome_words(ref_outcome_set set, ref_buf *out);

#endif
