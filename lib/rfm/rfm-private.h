/* SPDX-License-Identifier: MIT */
/*
 * Internals of the rfm module: the per-customer accumulators that turn a stream of bookings
 * into RFM and lifecycle facts (fed one booking at a time, so that any producer — the table,
 * a streaming CSV scanner — can drive them), the stable sorts NTILE needs, the scoring step,
 * the exchange-rate table and the result objects. Nothing here is exported.
 */
#ifndef MKT_RFM_PRIVATE_H
#define MKT_RFM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core-private.h"
#include "libmarketing/lifecycle.h"
#include "libmarketing/rfm.h"
#include "libmarketing/values.h"
#include "util.h"

__extension__ typedef __int128 mkt__i128;

/* ---- exchange rates (fx.c) -------------------------------------------------------------- */

#define MKT__FX_SCALE 1000000000LL /* rates are integers scaled by 1e9 */

struct mkt_rfm_fx {
    mkt_ctx *ctx;
    mkt__intern codes;          /* currency codes; id == index into rate */
    MKT__VEC(int64_t) rate;     /* rate * 1e9 */
};

/* The scaled rate of a currency, or 0 when the table has none. */
int64_t mkt__fx_rate(const mkt_rfm_fx *fx, const char *code, size_t len);
/* round_half_even(v / 1e9) into *out: MKT_OK or MKT_ERANGE when it does not fit int64. */
int mkt__fx_round(mkt__i128 v, int64_t *out);

/* ---- RFM facts from a stream of bookings (facts.c) ------------------------------------- */

struct mkt__rfm_cust {
    int64_t sum;     /* monetary without fx */
    int32_t last;    /* last booking date in the window; valid when count > 0 */
    uint32_t count;  /* bookings in the window */
};

struct mkt__rfm_acc {
    mkt_ctx *ctx;
    mkt_date as_of, after;      /* window: after < date <= as_of */
    size_t ncust;
    struct mkt__rfm_cust *cust;
    mkt__i128 *scaled;          /* with fx: exact sum of amount * rate per customer */
    const int64_t *rates;       /* with fx: scaled rate by currency id (0 = no rate) */
    size_t nrates;
    uint8_t *seen;              /* currency ids met in the window */
    size_t nseen;
    int overflow;               /* a per-customer sum overflowed */
    int unknown;                /* a customer or currency id past what was made room for */
};

/* Set up accumulators for @ncust customers and the window (as_of - months, as_of].
 * @rates (NULL without fx) gives the scaled rate of each of @nrates currency ids.
 * MKT_ERANGE when the window start is out of range; MKT_ENOMEM. */
int mkt__rfm_acc_init(struct mkt__rfm_acc *a, mkt_ctx *ctx, size_t ncust, mkt_date as_of,
                      int32_t months, const int64_t *rates, size_t nrates);
/* Make room for customers up to @ncust (a streaming producer meets new ones as it goes). */
int mkt__rfm_acc_grow(struct mkt__rfm_acc *a, size_t ncust);
/* One booking: customer index, booking date, amount (minor units), currency id. Bookings that
 * are not confirmed or fall outside the window are ignored here, so producers need not know
 * the rules. Never fails: problems (overflow, a currency id past what init/mark allowed) are
 * remembered and reported by mkt__rfm_acc_check(). */
static inline void mkt__rfm_acc_add(struct mkt__rfm_acc *a, uint32_t cust, mkt_date date,
                                    int64_t amount, uint32_t currency, int confirmed)
{
    if (!confirmed || date > a->as_of || date <= a->after)
        return;
    if (cust >= a->ncust || currency >= a->nseen) {
        a->unknown = 1; /* a producer's bug: reported by mkt__rfm_acc_check() */
        return;
    }
    struct mkt__rfm_cust *c = &a->cust[cust];
    if (c->count == 0 || date > c->last)
        c->last = date;
    c->count++;
    a->seen[currency] = 1;
    if (a->scaled) {
        int64_t rate = currency < a->nrates ? a->rates[currency] : 0;
        a->scaled[cust] += (mkt__i128)amount * rate;
    } else if (__builtin_add_overflow(c->sum, amount, &c->sum)) {
        a->overflow = 1;
    }
}
/* Room in the seen-currency map for ids < @n (call when a producer meets a new currency). */
int mkt__rfm_acc_currencies(struct mkt__rfm_acc *a, size_t n);
/* After the last booking: the currency rule (one currency without fx; a rate for each with
 * fx) and overflow. @names gives a currency id's code for messages. */
int mkt__rfm_acc_check(struct mkt__rfm_acc *a, const char *(*names)(const void *, uint32_t),
                       const void *names_data);
/* Monetary of customer @i (after a successful check). */
int mkt__rfm_acc_monetary(const struct mkt__rfm_acc *a, size_t i, int64_t *out);
void mkt__rfm_acc_free(struct mkt__rfm_acc *a);

/* ---- lifecycle facts from a stream of bookings (lifecycle.c) ---------------------------- */

struct mkt__life_cust {
    int32_t first, last, last_before, first_within; /* MKT_NULL_DATE when unset */
    uint32_t n90, n180;
};

struct mkt__life_acc {
    mkt_date as_of;
    size_t ncust;
    struct mkt__life_cust *cust;
};

/* An entry with no booking. */
extern const struct mkt__life_cust mkt__life_none;

int mkt__life_acc_init(struct mkt__life_acc *a, mkt_ctx *ctx, size_t ncust, mkt_date as_of);
/* Room for customers up to @ncust (a streaming producer meets new ones as it goes). */
int mkt__life_acc_grow(struct mkt__life_acc *a, mkt_ctx *ctx, size_t ncust);
static inline void mkt__life_acc_add(struct mkt__life_acc *a, uint32_t cust, mkt_date date,
                                     int confirmed)
{
    if (!confirmed || date > a->as_of || cust >= a->ncust)
        return;
    struct mkt__life_cust *c = &a->cust[cust];
    int32_t age = a->as_of - date;
    if (c->first == MKT_NULL_DATE || date < c->first)
        c->first = date;
    if (c->last == MKT_NULL_DATE || date > c->last)
        c->last = date;
    if (age <= 90) {
        c->n90++;
        if (c->first_within == MKT_NULL_DATE || date < c->first_within)
            c->first_within = date;
    } else if (c->last_before == MKT_NULL_DATE || date > c->last_before) {
        c->last_before = date;
    }
    if (age <= 180)
        c->n180++;
}

/* ---- sorting (sort.c) ------------------------------------------------------------------- */

/* An id to sort by: bytes and length. */
struct mkt__idref {
    const char *p;
    size_t n;
};
/* A sort key and the index of what it belongs to. */
struct mkt__kv {
    uint64_t key;
    uint32_t idx;
};
/* Work space of the sorts, allocated once for several sorts of up to n entries (fresh memory
 * is slow to touch, so scoring reuses one). */
struct mkt__sortbuf {
    struct mkt__kv *a, *tmp;
    size_t (*count)[256];
};
int mkt__sortbuf_init(mkt_ctx *ctx, struct mkt__sortbuf *b, size_t n);
void mkt__sortbuf_free(mkt_ctx *ctx, struct mkt__sortbuf *b);
/* Stable sort of b->a[0..n) by key (LSD radix). */
void mkt__sort_kv(struct mkt__sortbuf *b, size_t n);
/* Stable sort of idx[0..n) by ids[idx[i]] in byte order (a prefix first). */
void mkt__sort_ids(struct mkt__sortbuf *b, const struct mkt__idref *ids, uint32_t *idx,
                   size_t n);
/* The same with a buffer of its own. */
int mkt__sort_by_id(mkt_ctx *ctx, const struct mkt__idref *ids, uint32_t *idx, size_t n);
/* 100 * PERCENT_RANK() of n pairs sorted by key (ties share the rank of their first) into
 * pct[to[idx]] (pct[idx] when @to is NULL). */
void mkt__percent_ranks(const struct mkt__kv *sorted, size_t n, const uint32_t *to, double *pct);
/* The NTILE(k) bucket (1..k) of 0-based position @pos among @n rows, as SQL assigns it. */
int32_t mkt__ntile(uint64_t pos, uint64_t n, int32_t k);
/* The stage of accumulated lifecycle facts at @as_of (lifecycle.c). */
int32_t mkt__life_stage(const struct mkt__life_cust *c, mkt_date as_of);

/* ---- scoring (score.c, segments.c) ------------------------------------------------------- */

/* Copy the caller's options over the defaults and check them. @fn names the caller. */
int mkt__rfm_options(mkt_ctx *ctx, const mkt_rfm_options *user, mkt_rfm_options *o,
                     const char *fn);
/* Score facts whose ids are already in byte order when @sorted (then no id sort). With
 * @pct (NTILE scoring only), the monetary percentile of each fact too, from the same sort. */
int mkt__rfm_score(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n,
                   const mkt_rfm_options *o, int sorted, mkt_rfm_score *out, double *pct);
extern const int8_t mkt__rfm_default_map[MKT_RFM_MAP_SIZE];

/* ---- results (rfm.c, lifecycle.c) -------------------------------------------------------- */

struct mkt_rfm {
    mkt_ctx *ctx;
    mkt_date as_of;
    size_t n;
    uint32_t *row;          /* table row of each result row */
    char *ids_buf;          /* the ids, NUL-terminated, back to back */
    mkt_rfm_facts *facts;   /* facts[i].customer_id points into ids_buf */
    mkt_rfm_score *score;
    double *pct;            /* monetary percentile of each row */
};

struct mkt_lifecycle {
    mkt_ctx *ctx;
    mkt_date as_of;
    size_t n;
    uint32_t *row;          /* table row of result row i (rows sorted by id) */
    char *ids_buf;          /* the ids, NUL-terminated, back to back */
    size_t *id_off;         /* id i is ids_buf + id_off[i], id_off[i+1] - id_off[i] - 1 bytes */
    int32_t *stage;
    struct mkt__life_cust *facts;
    uint64_t counts[MKT_LIFECYCLE_STAGE_COUNT + 1];
};

/* The id bytes of customer @index (a table row, or a streaming producer's own numbering). */
typedef const char *(*mkt__id_fn)(const void *data, uint32_t index, size_t *len);
/* The mkt__id_fn of a table (@data): its customer ids by row (rfm.c). */
const char *mkt__rfm_table_id(const void *t, uint32_t row, size_t *len);
/* The result of accumulated facts (after a successful mkt__rfm_acc_check()): the scored
 * customers in id order, scored with @o (checked options; @o->as_of is a->as_of), their
 * percentiles and the summaries. The result's rows hold the customer indexes. This is where a
 * streaming producer of bookings hands over. @in_order: the customer indexes are in id order
 * already (no sort, no id array). */
int mkt__rfm_result(mkt_ctx *ctx, const struct mkt__rfm_acc *a, mkt__id_fn id,
                    const void *id_data, int in_order, const mkt_rfm_options *o,
                    mkt_rfm **out);

/* The lifecycle result of accumulated facts: every customer 0..a->ncust-1, sorted by id, with
 * its stage. Takes a->cust over (also on failure). */
int mkt__life_result(mkt_ctx *ctx, struct mkt__life_acc *a, mkt__id_fn id, const void *id_data,
                     mkt_lifecycle **out);
/* Today's UTC date from the context clock when @as_of is MKT_NULL_DATE. */
int mkt__resolve_as_of(mkt_ctx *ctx, mkt_date as_of, mkt_date *out, const char *fn);

#endif /* MKT_RFM_PRIVATE_H */
