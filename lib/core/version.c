/* SPDX-License-Identifier: MIT */
/* The library's own version, compiled in so callers can detect a header/library mismatch. */
#include "core-private.h"

MKT_EXPORT const char *mkt_version(void)
{
    return MKT_VERSION_STRING;
}

MKT_EXPORT int32_t mkt_version_number(void)
{
    return MKT_VERSION_NUMBER;
}
