/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the SMS keyword parser (mkt_sms_keyword_parse). The input is a message.
 * Properties: the keyword and the action agree (no keyword <=> no action); opt-in and help
 * keywords are only ever exact; ASCII case does not matter; adding whitespace and punctuation
 * around the text does not change the answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const char *text = (const char *)data;
    int32_t kw = -1, exact = -1;
    int32_t action = mkt_sms_keyword_parse(text, size, &kw, &exact);
    CHECK(action >= MKT_SMS_ACTION_NONE && action <= MKT_SMS_ACTION_HELP);
    CHECK((kw == MKT_SMS_NONE) == (action == MKT_SMS_ACTION_NONE));
    CHECK(exact == 0 || exact == 1);
    if (action == MKT_SMS_ACTION_OPT_IN || action == MKT_SMS_ACTION_HELP)
        CHECK(exact == 1);
    if (action == MKT_SMS_ACTION_NONE)
        CHECK(exact == 0);
    char *copy = malloc(size + 4);
    CHECK(copy != NULL);
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        copy[i + 2] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c >= 'A' && c <= 'Z'
                                                   ? (char)(c + 32) : c;
    }
    copy[0] = ' ';
    copy[1] = '"';
    copy[size + 2] = '!';
    copy[size + 3] = '\n';
    int32_t kw2 = -1, exact2 = -1;
    CHECK(mkt_sms_keyword_parse(copy, size + 4, &kw2, &exact2) == action);
    CHECK(kw2 == kw && exact2 == exact);
    free(copy);
    return 0;
}
