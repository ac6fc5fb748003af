/* SPDX-License-Identifier: MIT */
/*
 * The small text forms of journey definitions: durations ("1 day 12 hours"), times of day
 * ("09:30"), ids, zone names and field references, and the names of node types, ports and
 * channels used by messages and by the text drawing. Durations are read strictly (a number
 * then a unit, repeated) because a typo in "24 hours" silently meaning something else is
 * exactly the kind of broken journey the loader exists to catch.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "journey-private.h"

static const struct unit {
    const char *name;
    int64_t seconds;
} units[] = {
    {"seconds", 1},    {"second", 1},    {"secs", 1},  {"sec", 1},  {"s", 1},
    {"minutes", 60},   {"minute", 60},   {"mins", 60}, {"min", 60}, {"m", 60},
    {"hours", 3600},   {"hour", 3600},   {"h", 3600},  {"days", 86400},
    {"day", 86400},    {"d", 86400},     {"weeks", 604800}, {"week", 604800},
    {"w", 604800},
};

static int unit_seconds(const char *s, size_t len, int64_t *out)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && strncmp(units[i].name, s, len) == 0) {
            *out = units[i].seconds;
            return 1;
        }
    return 0;
}

#define DURATION_MAX MKT__J_MAX_SECONDS

int mkt__j_duration_parse(const char *text, int64_t *out)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (strcmp(p, "immediate") == 0 || strcmp(p, "0") == 0) {
        *out = 0;
        return MKT_OK;
    }
    int neg = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    int64_t total = 0;
    int parts = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (!isdigit((unsigned char)*p))
            return MKT_EINVAL;
        int64_t n = 0;
        while (isdigit((unsigned char)*p)) {
            n = n * 10 + (*p++ - '0');
            if (n > DURATION_MAX)
                return MKT_EINVAL;
        }
        while (*p == ' ')
            p++;
        size_t len = 0;
        while (isalpha((unsigned char)p[len]))
            len++;
        int64_t unit;
        if (!unit_seconds(p, len, &unit))
            return MKT_EINVAL;
        p += len;
        if (n > DURATION_MAX / unit || total + n * unit > DURATION_MAX)
            return MKT_EINVAL;
        total += n * unit;
        parts++;
    }
    if (parts == 0)
        return MKT_EINVAL;
    *out = neg ? -total : total;
    return MKT_OK;
}

void mkt__j_duration_format(int64_t s, char *buf, size_t size)
{
    static const struct { char c; int64_t n; } parts[] = {
        {'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    size_t at = 0;
    if (s < 0 && size > 1) {
        buf[at++] = '-';
        s = -s;
    }
    if (s == 0)
        snprintf(buf + at, size - at, "0s");
    else
        buf[at] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && s > 0; i++) {
        int64_t k = s / parts[i].n;
        if (k == 0 || at >= size)
            continue;
        int w = snprintf(buf + at, size - at, "%s%lld%c", at > 0 && buf[at - 1] != '-' ? " " : "",
                         (long long)k, parts[i].c);
        at = w < 0 ? size : at + (size_t)w;
        s -= k * parts[i].n;
    }
}

int mkt__j_time_parse(const char *text, int32_t *out)
{
    int h, m, sec = 0, used = 0;
    size_t len = strlen(text);
    if ((len != 5 && len != 8) || !isdigit((unsigned char)text[0]))
        return MKT_EINVAL;
    if (len == 5 ? sscanf(text, "%2d:%2d%n", &h, &m, &used) != 2
                 : sscanf(text, "%2d:%2d:%2d%n", &h, &m, &sec, &used) != 3)
        return MKT_EINVAL;
    if ((size_t)used != len || h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
        return MKT_EINVAL;
    *out = h * 3600 + m * 60 + sec;
    return MKT_OK;
}

void mkt__j_time_format(int32_t tod, char *buf, size_t size)
{
    if (tod % 60)
        snprintf(buf, size, "%02d:%02d:%02d", tod / 3600, tod / 60 % 60, tod % 60);
    else
        snprintf(buf, size, "%02d:%02d", tod / 3600, tod / 60 % 60);
}

int mkt__j_id_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && !strchr("_.-", s[n]))
            return 0;
    return n >= 1 && n <= MKT__J_MAX_ID;
}

int mkt__j_zone_ok(const char *s)
{
    if (strcmp(s, "UTC") == 0)
        return 1;
    size_t n = 0;
    int slash = 0;
    for (; s[n]; n++) {
        if (s[n] == '/')
            slash++;
        else if (!isalnum((unsigned char)s[n]) && !strchr("_-+", s[n]))
            return 0;
    }
    return n >= 3 && n <= 64 && slash >= 1 && s[0] != '/' && s[n - 1] != '/';
}

int mkt__j_field_ok(const char *s)
{
    const char *rest = strncmp(s, "customer.", 9) == 0 ? s + 9
                       : strncmp(s, "event.", 6) == 0  ? s + 6
                                                       : NULL;
    if (!rest || !*rest || strlen(rest) > MKT__J_MAX_ID)
        return 0;
    for (; *rest; rest++)
        if (!isalnum((unsigned char)*rest) && *rest != '_')
            return 0;
    return 1;
}

const char *mkt__j_type_name(int32_t type, int32_t kind)
{
    static const char *const actions[] = {"action", "send", "update", "add-tag", "remove-tag",
                                          "emit"};
    switch (type) {
    case MKT_JOURNEY_ENTRY: return "entry";
    case MKT_JOURNEY_WAIT: return "wait";
    case MKT_JOURNEY_DECISION: return "decision";
    case MKT_JOURNEY_SPLIT: return "split";
    case MKT_JOURNEY_ACTION: return kind >= 1 && kind <= 5 ? actions[kind] : actions[0];
    case MKT_JOURNEY_GOAL: return "goal";
    case MKT_JOURNEY_EXIT: return "exit";
    default: return "node";
    }
}

const char *mkt__j_port_name(int32_t port)
{
    switch (port) {
    case MKT_JOURNEY_PORT_NEXT: return "next";
    case MKT_JOURNEY_PORT_EVENT: return "on-event";
    case MKT_JOURNEY_PORT_TIMEOUT: return "on-timeout";
    case MKT_JOURNEY_PORT_BRANCH: return "branch";
    case MKT_JOURNEY_PORT_DEFAULT: return "otherwise";
    default: return "?";
    }
}

static const char *const channels[] = {NULL, "email", "sms", "push", "in_app", "web", "social"};

const char *mkt__j_channel_name(int32_t channel)
{
    return channel >= 1 && channel <= 6 ? channels[channel] : "?";
}

int32_t mkt__j_channel_from_name(const char *name)
{
    for (int32_t i = 1; i <= 6; i++)
        if (strcmp(channels[i], name) == 0)
            return i;
    return 0;
}
