/* SPDX-License-Identifier: MIT */
/*
 * SMS keyword recognition (mkt_sms_keyword_parse). CTIA and carrier practice make the
 * keywords case-insensitive and expect "any reasonable means" of opting out to be honoured
 * (the FCC's 2024 TCPA revocation rule says the same of "stop" replies with other words), so:
 *   - the whole message, trimmed of whitespace and ASCII punctuation on both ends and with
 *     inner whitespace removed, equal to a keyword: that keyword ("STOP ALL" is STOPALL);
 *   - otherwise a message whose first word is an opt-out keyword opts out ("stop it");
 *   - opt-in and help keywords count only alone: a false opt-in is the dangerous mistake.
 * Only ASCII is folded: "ＳＴＯＰ" (full-width) is not a keyword.
 */
#include <string.h>

#include "libmarketing/privacy.h"
#include "core-private.h"

struct keyword {
    const char *word;
    int32_t code;
    int32_t action;
};

static const struct keyword KEYWORDS[] = {
    { "STOP", MKT_SMS_STOP, MKT_SMS_ACTION_OPT_OUT },
    { "STOPALL", MKT_SMS_STOPALL, MKT_SMS_ACTION_OPT_OUT },
    { "UNSUBSCRIBE", MKT_SMS_UNSUBSCRIBE, MKT_SMS_ACTION_OPT_OUT },
    { "CANCEL", MKT_SMS_CANCEL, MKT_SMS_ACTION_OPT_OUT },
    { "END", MKT_SMS_END, MKT_SMS_ACTION_OPT_OUT },
    { "QUIT", MKT_SMS_QUIT, MKT_SMS_ACTION_OPT_OUT },
    { "START", MKT_SMS_START, MKT_SMS_ACTION_OPT_IN },
    { "YES", MKT_SMS_YES, MKT_SMS_ACTION_OPT_IN },
    { "UNSTOP", MKT_SMS_UNSTOP, MKT_SMS_ACTION_OPT_IN },
    { "HELP", MKT_SMS_HELP, MKT_SMS_ACTION_HELP },
    { "INFO", MKT_SMS_INFO, MKT_SMS_ACTION_HELP },
};

#define LONGEST_KEYWORD 11 /* UNSUBSCRIBE */

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static int is_trim(unsigned char c)
{
    return is_space(c) || is_punct(c);
}

static const struct keyword *lookup(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof KEYWORDS[0]; i++)
        if (strlen(KEYWORDS[i].word) == len && memcmp(KEYWORDS[i].word, word, len) == 0)
            return &KEYWORDS[i];
    return NULL;
}

/* Upper-case the letters of [p, end) into @out, dropping whitespace; 0 when the text has a
 * byte that no keyword has (punctuation inside, non-ASCII) or is too long. */
static size_t squeeze(const unsigned char *p, const unsigned char *end, char *out)
{
    size_t n = 0;
    for (; p < end; p++) {
        if (is_space(*p))
            continue;
        unsigned char c = *p >= 'a' && *p <= 'z' ? (unsigned char)(*p - 32) : *p;
        if (c < 'A' || c > 'Z' || n == LONGEST_KEYWORD)
            return 0;
        out[n++] = (char)c;
    }
    return n;
}

/* The first word: letters up to whitespace or punctuation. */
static const struct keyword *first_word(const unsigned char *p, const unsigned char *end)
{
    char word[LONGEST_KEYWORD];
    size_t n = 0;
    for (; p < end && !is_trim(*p); p++) {
        unsigned char c = *p >= 'a' && *p <= 'z' ? (unsigned char)(*p - 32) : *p;
        if (c < 'A' || c > 'Z' || n == LONGEST_KEYWORD)
            return NULL;
        word[n++] = (char)c;
    }
    return lookup(word, n);
}

MKT_EXPORT int32_t mkt_sms_keyword_parse(const char *text, size_t len, int32_t *keyword,
                                         int32_t *exact)
{
    if (keyword)
        *keyword = MKT_SMS_NONE;
    if (exact)
        *exact = 0;
    if (text == NULL)
        return MKT_SMS_ACTION_NONE;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end && is_trim(*p))
        p++;
    while (end > p && is_trim(end[-1]))
        end--;
    char word[LONGEST_KEYWORD];
    size_t n = squeeze(p, end, word);
    const struct keyword *k = n ? lookup(word, n) : NULL;
    if (k != NULL) {
        if (exact)
            *exact = 1;
    } else {
        k = first_word(p, end);
        if (k != NULL && k->action != MKT_SMS_ACTION_OPT_OUT)
            k = NULL;
    }
    if (k == NULL)
        return MKT_SMS_ACTION_NONE;
    if (keyword)
        *keyword = k->code;
    return k->action;
}
