/* SPDX-License-Identifier: MIT */
/*
 * Growth of the typed vectors declared with MKT__VEC in util.h. The array pointer is passed by
 * address as void * and moved with memcpy, so one function serves every element type without
 * type-punning through void **.
 */
#include "util.h"

int mkt__vec_reserve_(mkt_ctx *ctx, void *datap, size_t *cap, size_t have, size_t extra,
                      size_t elem_size)
{
    if (extra > SIZE_MAX - have)
        return mkt__oom(ctx);
    size_t need = have + extra;
    if (need <= *cap)
        return MKT_OK;
    size_t ncap = *cap < 8 ? 8 : *cap;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 3 ? need : ncap + ncap / 2;
    void *old;
    memcpy(&old, datap, sizeof old);
    void *p = mkt__reallocarray(ctx, old, ncap, elem_size);
    if (p == NULL)
        return mkt__oom(ctx);
    memcpy(datap, &p, sizeof p);
    *cap = ncap;
    return MKT_OK;
}
