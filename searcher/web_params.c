/* web_params.c — a request's query string, decoded strictly.
 *
 * Browsers send well-formed percent-encoded UTF-8; anything else comes from
 * a broken client or a probe, and is refused with a 400 rather than guessed
 * at, so no later stage ever sees invalid UTF-8 or a NUL byte. */
#include "referat/web.h"

#include <stdlib.h>
#include <string.h>

#include "referat/utf8.h"
static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 1 if LEN bytes at S are UTF-8 (utf8.h's strict reading: no overlong
 * forms, surrogates or code points above U+10FFFF). */
static int valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if ((n = ref_utf8_seq_len(s + i, len - i)) == 0)
            return 0;
    return 1;
}

ref_status ref_web_unescape(const char *s, size_t len, int plus_is_space, ref_buf *out)
{
    size_t start = out->len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return REF_EINVAL;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return REF_EINVAL;
        ref_buf_putc(out, (char)c);
    }
    if (ref_buf_status(out) != REF_OK)
        return REF_ENOMEM;
    if (!valid_utf8(ref_buf_cstr(out) + start, out->len - start))
        return REF_EINVAL;
    return REF_OK;
}

void ref_web_escape(ref_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            ref_buf_putc(out, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            ref_buf_append(out, enc, 3);
        }
    }
}

void ref_web_params_clear(ref_web_params *p)
{
    free(p->q);
    free(p->from);
    free(p->to);
    free(p->municipality);
    free(p->in_field);
    free(p->text);
    free(p->outcome);
    free(p->journal);
    for (size_t i = 0; i < p->nbodies; i++)
        free(p->bodies[i]);
    memset(p, 0, sizeof *p);
    p->page = 1;
}

/* The parameters, each with its aliases. */
typedef enum param_key {
    P_Q,
    P_DECISIONS,
    P_BODY,
    P_FROM,
    P_TO,
    P_MUNICIPALITY,
    P_IN_FIELD,
    P_SORT,
    P_PAGE,
    P_LIMIT,
    P_OFFSET,
    P_TEXT,
    P_OUTCOME,
    P_JOURNAL,
    P_NO_CORRECT,
    P_UNKNOWN
} param_key;

static param_key key_of(const char *name)
{
    static const struct {
        const char *name;
        param_key key;
    } names[] = {
        {"q", P_Q},
        {"beslutninger", P_DECISIONS},
        {"decisions", P_DECISIONS},
        {"udvalg", P_BODY},
        {"body", P_BODY},
        {"fra", P_FROM},
        {"from", P_FROM},
        {"til", P_TO},
        {"to", P_TO},
        {"kommune", P_MUNICIPALITY},
        {"municipality", P_MUNICIPALITY},
        {"felt", P_IN_FIELD},
        {"sort", P_SORT},
        {"side", P_PAGE},
        {"page", P_PAGE},
        {"antal", P_LIMIT},
        {"limit", P_LIMIT},
        {"offset", P_OFFSET},
        {"text", P_TEXT},
        {"udfald", P_OUTCOME},
        {"outcome", P_OUTCOME},
        {"sag", P_JOURNAL},
        {"journal", P_JOURNAL},
        {"ordret", P_NO_CORRECT},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].key;
    return P_UNKNOWN;
}

static char *fail(const char *fmt, const char *name)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_printf(&b, fmt, name);
    return ref_buf_detach(&b);
}

/* A whole number in [MIN, MAX] of at most 9 digits. */
static int parse_number(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
        return -1;
    unsigned long v = strtoul(s, NULL, 10);
    if (v < min || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_sort(const char *s, ref_sort *out)
{
    if (!*s || strcmp(s, "relevans") == 0 || strcmp(s, "relevance") == 0)
        *out = REF_SORT_RELEVANCE;
    else if (strcmp(s, "dato") == 0 || strcmp(s, "date") == 0)
        *out = REF_SORT_DATE;
    else if (strcmp(s, "-dato") == 0 || strcmp(s, "-date") == 0)
        *out = REF_SORT_DATE_DESC;
    else
        return -1;
    return 0;
}

/* Store VALUE (taken over) under KEY; a message on error. */
static char *store(ref_web_params *p, param_key key, const char *name, char *value, int *seen)
{
    char **slot = NULL;
    char *err = NULL;
    if (key != P_BODY && key != P_UNKNOWN && seen[key]++) {
        free(value);
        return fail("Parameteren '%s' er givet mere end én gang.", name);
    }
    switch (key) {
    case P_Q:
        slot = &p->q;
        break;
    case P_FROM:
        slot = &p->from;
        break;
    case P_TO:
        slot = &p->to;
        break;
    case P_TEXT:
        slot = &p->text;
        break;
    case P_OUTCOME:
        slot = &p->outcome;
        break;
    case P_JOURNAL:
        slot = &p->journal;
        break;
    case P_MUNICIPALITY:
        slot = &p->municipality;
        break;
    case P_IN_FIELD:
        slot = &p->in_field;
        break;
    case P_NO_CORRECT:
        p->no_correct = *value && strcmp(value, "0") != 0;
        break;
    case P_DECISIONS:
        /* A checkbox sends "1" (or "on"); "" and "0" mean off. */
        p->decisions = *value && strcmp(value, "0") != 0;
        break;
    case P_BODY:
        if (!*value)
            break; /* "Alle udvalg" */
        if (p->nbodies == REF_WEB_MAX_BODIES) {
            err = fail("Højst %s udvalg ad gangen.", "16");
            break;
        }
        p->bodies[p->nbodies++] = value;
        return NULL;
    case P_SORT:
        if (parse_sort(value, &p->sort) != 0)
            err = fail("Ukendt sortering i '%s': brug relevans, dato eller -dato.", name);
        break;
    case P_PAGE:
        if (*value && parse_number(value, 1, REF_WEB_MAX_OFFSET / REF_WEB_PAGE_SIZE, &p->page))
            err = fail("'%s' skal være et sidetal fra 1 til 10000.", name);
        break;
    case P_LIMIT:
        if (*value && parse_number(value, 1, REF_WEB_MAX_LIMIT, &p->limit))
            err = fail("'%s' skal være et tal fra 1 til 100.", name);
        break;
    case P_OFFSET:
        if (*value && parse_number(value, 0, REF_WEB_MAX_OFFSET, &p->offset))
            err = fail("'%s' skal være et tal fra 0 til 100000.", name);
        p->has_offset = *value != '\0';
        break;
    case P_UNKNOWN:
        break;
    }
    if (slot) {
        *slot = value;
        return NULL;
    }
    free(value);
    return err;
}

ref_status ref_web_params_parse(const char *qs, size_t len, ref_web_params *out, char **errmsg)
{
    *errmsg = NULL;
    memset(out, 0, sizeof *out);
    out->page = 1;
    int seen[P_UNKNOWN + 1] = {0};
    ref_buf name = REF_BUF_INIT, value = REF_BUF_INIT;
    ref_status st = REF_OK;
    size_t i = 0;
    while (st == REF_OK && i < len) {
        size_t end = i;
        while (end < len && qs[end] != '&' && qs[end] != ';')
            end++;
        const char *eq = memchr(qs + i, '=', end - i);
        size_t name_end = eq ? (size_t)(eq - qs) : end;
        ref_buf_reset(&name);
        ref_buf_reset(&value);
        if (end > i) {
            st = ref_web_unescape(qs + i, name_end - i, 1, &name);
            if (st == REF_OK && eq)
                st = ref_web_unescape(eq + 1, end - name_end - 1, 1, &value);
            if (st == REF_EINVAL)
                *errmsg = fail("Ugyldig parameter: %s",
                               "forkert %-kodning eller tekst, der ikke er UTF-8.");
            if (st == REF_OK) {
                char *v = value.len ? ref_buf_detach(&value) : strdup("");
                if (!v)
                    st = REF_ENOMEM;
                else if ((*errmsg = store(out, key_of(ref_buf_cstr(&name)), ref_buf_cstr(&name), v,
                                          seen)))
                    st = REF_EINVAL;
            }
        }
        i = end + 1;
    }
    ref_buf_free(&name);
    ref_buf_free(&value);
    if (st == REF_ENOMEM && !*errmsg)
        *errmsg = strdup("Ikke nok hukommelse.");
    return st;
}
