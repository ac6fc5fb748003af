/* SPDX-License-Identifier: MIT */
/*
 * Output helpers: JSON string escaping, dates and timestamps with their null markers, column
 * type names, and the final flush that turns a write error into a failure instead of a
 * silently truncated report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mkt.h"

void json_string(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                putc(*p, out);
        }
    }
    putc('"', out);
}

void fmt_date(char buf[MKT_DATE_BUFSZ], mkt_date d)
{
    if (d == MKT_NULL_DATE || mkt_date_format(d, buf, MKT_DATE_BUFSZ) != MKT_OK)
        snprintf(buf, MKT_DATE_BUFSZ, "-");
}

void fmt_time(char buf[MKT_TIME_BUFSZ], mkt_time t)
{
    if (t == MKT_NULL_INT64 || mkt_time_format(t, buf, MKT_TIME_BUFSZ) != MKT_OK)
        snprintf(buf, MKT_TIME_BUFSZ, "-");
}

const char *type_name(int32_t type)
{
    switch (type) {
    case MKT_TYPE_STRING: return "string";
    case MKT_TYPE_INT: return "int";
    case MKT_TYPE_NUMBER: return "number";
    case MKT_TYPE_MONEY: return "money";
    case MKT_TYPE_DATE: return "date";
    case MKT_TYPE_TIME: return "time";
    case MKT_TYPE_BOOL: return "bool";
    case MKT_TYPE_LIST: return "list";
    default: return "unknown";
    }
}

int finish_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mkt: cannot write the output: %s\n", strerror(errno));
        return MKT_EXIT_FAIL;
    }
    return MKT_EXIT_OK;
}
