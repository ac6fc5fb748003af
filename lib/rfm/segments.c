/* SPDX-License-Identifier: MIT */
/*
 * The 11 RFM segments and the built-in map of all 125 R-F-M codes to them (doc/rfm.md has the
 * same table with the reason for every entry).
 *
 * The seed lists three codes per segment. Every listed code maps to the segment it is listed
 * under; 511 is listed under both Recent Customers and Promising and maps to Recent Customers,
 * because the seed's other Recent codes (512, 521) all have R = 5 and its other Promising codes
 * (421, 412) all have R = 4: R decides between the two.
 *
 * Every other code follows one rule on R and S = F + M (2..10), read from the listed codes so
 * that it agrees with all of them but one (545, which the seed lists under Loyal Customers
 * where the rule says Champions; the seed wins):
 *
 *   R = 5: S <= 3 Recent Customers, S <= 7 Potential Loyalists, else Champions
 *   R = 4: S <= 4 Promising, S <= 6 Needs Attention, S <= 8 Potential Loyalists,
 *          else Loyal Customers
 *   R = 3: S <= 4 About to Sleep, S <= 7 Needs Attention, else At Risk
 *   R = 2: S <= 5 Hibernating, S <= 8 At Risk, else Can't Lose Them
 *   R = 1: S <= 5 Lost, S <= 7 At Risk, else Can't Lose Them
 *
 * Recency comes first because it is what the segment names describe (recent, about to sleep,
 * lost); F and M weigh the same, as in the seed where 435 and 444 share a segment.
 */
#include <string.h>

#include "rfm-private.h"

static const char *const names[MKT_RFM_SEGMENT_COUNT + 1] = {
    "", "Champions", "Loyal Customers", "Potential Loyalists", "Recent Customers",
    "Promising", "Needs Attention", "About to Sleep", "At Risk", "Can't Lose Them",
    "Hibernating", "Lost",
};

enum {
    S_CH = MKT_RFM_CHAMPIONS, S_LC = MKT_RFM_LOYAL_CUSTOMERS,
    S_PL = MKT_RFM_POTENTIAL_LOYALISTS, S_RC = MKT_RFM_RECENT_CUSTOMERS,
    S_PR = MKT_RFM_PROMISING, S_NA = MKT_RFM_NEEDS_ATTENTION, S_AS = MKT_RFM_ABOUT_TO_SLEEP,
    S_AR = MKT_RFM_AT_RISK, S_CL = MKT_RFM_CANT_LOSE_THEM, S_HI = MKT_RFM_HIBERNATING,
    S_LO = MKT_RFM_LOST
};

/* Index (r-1)*25 + (f-1)*5 + (m-1): one line per R and F, M = 1..5 across. */
const int8_t mkt__rfm_default_map[MKT_RFM_MAP_SIZE] = {
    /* 111..115 */ S_LO, S_LO, S_LO, S_LO, S_AR,
    /* 121..125 */ S_LO, S_LO, S_LO, S_AR, S_AR,
    /* 131..135 */ S_LO, S_LO, S_AR, S_AR, S_CL,
    /* 141..145 */ S_LO, S_AR, S_AR, S_CL, S_CL,
    /* 151..155 */ S_AR, S_AR, S_CL, S_CL, S_CL,
    /* 211..215 */ S_HI, S_HI, S_HI, S_HI, S_AR,
    /* 221..225 */ S_HI, S_HI, S_HI, S_AR, S_AR,
    /* 231..235 */ S_HI, S_HI, S_AR, S_AR, S_AR,
    /* 241..245 */ S_HI, S_AR, S_AR, S_AR, S_CL,
    /* 251..255 */ S_AR, S_AR, S_AR, S_CL, S_CL,
    /* 311..315 */ S_AS, S_AS, S_AS, S_NA, S_NA,
    /* 321..325 */ S_AS, S_AS, S_NA, S_NA, S_NA,
    /* 331..335 */ S_AS, S_NA, S_NA, S_NA, S_AR,
    /* 341..345 */ S_NA, S_NA, S_NA, S_AR, S_AR,
    /* 351..355 */ S_NA, S_NA, S_AR, S_AR, S_AR,
    /* 411..415 */ S_PR, S_PR, S_PR, S_NA, S_NA,
    /* 421..425 */ S_PR, S_PR, S_NA, S_NA, S_PL,
    /* 431..435 */ S_PR, S_NA, S_NA, S_PL, S_PL,
    /* 441..445 */ S_NA, S_NA, S_PL, S_PL, S_LC,
    /* 451..455 */ S_NA, S_PL, S_PL, S_LC, S_LC,
    /* 511..515 */ S_RC, S_RC, S_PL, S_PL, S_PL,
    /* 521..525 */ S_RC, S_PL, S_PL, S_PL, S_PL,
    /* 531..535 */ S_PL, S_PL, S_PL, S_PL, S_CH,
    /* 541..545 */ S_PL, S_PL, S_PL, S_CH, S_LC,
    /* 551..555 */ S_PL, S_PL, S_CH, S_CH, S_CH,
};

MKT_EXPORT const char *mkt_rfm_segment_name(int32_t segment)
{
    if (segment < 0 || segment > MKT_RFM_SEGMENT_COUNT)
        return NULL;
    return names[segment];
}

MKT_EXPORT int mkt_rfm_segment_from_name(const char *name, int32_t *segment)
{
    if (!name || !segment)
        return MKT_EINVAL;
    for (int32_t s = 1; s <= MKT_RFM_SEGMENT_COUNT; s++) {
        if (strcmp(names[s], name) == 0) {
            *segment = s;
            return MKT_OK;
        }
    }
    return MKT_ENOTFOUND;
}

MKT_EXPORT int mkt_rfm_default_segment(int32_t r, int32_t f, int32_t m, int32_t *segment)
{
    if (!segment || r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5)
        return MKT_EINVAL;
    *segment = mkt__rfm_default_map[(r - 1) * 25 + (f - 1) * 5 + (m - 1)];
    return MKT_OK;
}
