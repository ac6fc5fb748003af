/* SPDX-License-Identifier: MIT */
/*
 * Internal time zones: IANA TZif files (versions 1 to 4; the 64-bit section when present, and
 * the POSIX TZ footer for instants past the table) read from a zoneinfo directory, cached in a
 * per-owner table (no global state, never setenv("TZ") or localtime()). Plus the proleptic
 * Gregorian calendar arithmetic the consent rules need. Nothing here is exported.
 */
#ifndef MKT_TZ_PRIVATE_H
#define MKT_TZ_PRIVATE_H

#include <stdint.h>

#include "core-private.h"

/* One rule of a POSIX TZ string: "Mm.w.d", "Jn" or "n", with a time of day in seconds. */
struct mkt__tz_date_rule {
    char kind;      /* 'M', 'J' (1..365, no Feb 29) or 'D' (0..365, counting Feb 29) */
    int month, week, wday, day;
    int32_t secs;   /* local time of the change, -167h..167h */
};

/* The footer: standard offset, and when has_dst a DST offset with its start/end rules. */
struct mkt__tz_posix {
    int32_t std_off, dst_off; /* seconds EAST of UTC (the TZ string's sign inverted) */
    int has_dst;
    struct mkt__tz_date_rule start, end;
};

typedef struct mkt__tz {
    char *name;
    int64_t *trans;     /* UTC instants of the transitions, ascending */
    uint8_t *trans_type;
    uint32_t ntrans;
    int32_t *type_off;  /* UTC offset of each local time type, seconds east */
    uint32_t ntypes;
    int has_footer;
    struct mkt__tz_posix footer;
    /* The span [memo_lo, memo_hi) found last and its offset (a span of the table, or a
     * footer year cut at its two changes): consecutive questions are mostly about the same
     * months, and the binary search would touch ~8 cache lines, the footer's rules cost a
     * calendar computation or three (~40 ns a decision).
     * Written by lookups on a const zone: a zone belongs to one cache, used by one thread. */
    int64_t memo_lo, memo_hi;
    int32_t memo_off;
} mkt__tz;

typedef struct mkt__tz_cache {
    mkt_ctx *ctx;
    char *dir;          /* zoneinfo directory */
    mkt__tz **zones;
    uint32_t count, cap;
    uint32_t last;      /* index of the zone found last: the common case asks for it again */
} mkt__tz_cache;

/* dir NULL means "/usr/share/zoneinfo". Returns MKT_OK or MKT_ENOMEM. */
int mkt__tz_cache_init(mkt__tz_cache *c, mkt_ctx *ctx, const char *dir);
void mkt__tz_cache_free(mkt__tz_cache *c);
/* Find or load zone @name ("UTC", "Europe/Paris"). Errors (recorded on the context):
 * MKT_EINVAL (a name that is not a zone name: "..", absolute, odd bytes), MKT_ENOTFOUND (no
 * such file), MKT_EPARSE (not a valid TZif file), MKT_EIO, MKT_ENOMEM. */
int mkt__tz_get(mkt__tz_cache *c, const char *name, const mkt__tz **out);
/* Parse a TZif image (exposed for tests and the fuzz target). */
int mkt__tz_parse(mkt_ctx *ctx, const char *name, const unsigned char *data, size_t len,
                  mkt__tz **out);
void mkt__tz_free(mkt_ctx *ctx, mkt__tz *z);
/* Parse a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"). MKT_OK or MKT_EPARSE (no message). */
int mkt__tz_parse_posix(const char *s, size_t len, struct mkt__tz_posix *out);

/* mkt__tz_offset() past the memo: looks the offset up and remembers its span. */
int32_t mkt__tz_offset_lookup(const mkt__tz *z, int64_t t);
/* UTC offset (seconds east) in effect at UTC instant @t. Inline: a memo hit is three
 * instructions, and the lookup's register saves would cost more than that. */
static inline int32_t mkt__tz_offset(const mkt__tz *z, int64_t t)
{
    return t >= z->memo_lo && t < z->memo_hi ? z->memo_off : mkt__tz_offset_lookup(z, t);
}
/* The UTC instant of local civil time @local (seconds since 1970-01-01 00:00 local).
 * Gap (spring forward: the time does not exist): moved forward by the gap, e.g. Paris
 * 02:30 on the last Sunday of March is 03:30 CEST. Fold (autumn: the time exists twice):
 * the earlier instant (the DST one). Assumes transitions at least two days apart. */
int64_t mkt__tz_local_to_utc(const mkt__tz *z, int64_t local);

/* ---- calendar (values.c; the day of the week: tz-posix.c) -------------------------------- */
/* Days since 1970-01-01 of y-m-d (proleptic Gregorian; month 1..12). */
int64_t mkt__days_from_civil(int64_t y, int m, int d);
void mkt__civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Day of the week of a day number: 0 Monday .. 6 Sunday. */
int mkt__weekday(int64_t days);
/* floor(a / b) for b > 0. */
static inline int64_t mkt__floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

#endif /* MKT_TZ_PRIVATE_H */
