/* SPDX-License-Identifier: MIT */
/*
 * Layout of the columnar customer table and the internal helpers its files share: row and
 * column storage, the booking and event stores, staging marks for all-or-nothing loads, and
 * value parsing. Nothing here is exported.
 *
 * Invariants:
 * - customer ids are interned in row order, so the id of row r is intern id r;
 * - every column holds row_cap values; its `valid` bitmap (row_cap bits) has a 1 for each row
 *   holding a value, and bits at rows >= nrows are always 0 (new rows start null);
 * - booking and event ids are kept in load order in a struct mkt__idstore: the id of booking i
 *   is mkt__idstore_str(&t->bk.ids, i, &len).
 */
#ifndef MKT_DATA_TABLE_PRIVATE_H
#define MKT_DATA_TABLE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core-private.h"
#include "csv-private.h"
#include "libmarketing/data.h"
#include "libmarketing/values.h"
#include "util.h"

/* Fixed positions of the standard and derived columns. */
enum {
    MKT__COL_CUSTOMER_ID = 0,
    MKT__COL_DATE_OF_BIRTH = 5, /* input of the as-of field customer.age */
    MKT__COL_EMAIL_OPEN_RATE = 21,
    MKT__COL_NPS = 22,
    MKT__COL_LAST_PROFILE = 23,
    MKT__COL_BK_COUNT = 24,
    MKT__COL_BK_SPEND,
    MKT__COL_BK_ANCILLARY,
    MKT__COL_BK_CURRENCY,
    MKT__COL_BK_FIRST,
    MKT__COL_BK_LAST,
    MKT__COL_BK_CANCELLED,
    MKT__COL_BK_PASSENGERS,
    MKT__COL_EV_COUNT,
    MKT__COL_EV_LAST,
    MKT__COL_STANDARD /* first custom column */
};

/* booking.currency of a customer whose bookings span several currencies (the value is null). */
#define MKT__CURRENCY_MIXED (UINT32_MAX - 1)
/* A null string id in the booking and event stores. */
#define MKT__NO_STR UINT32_MAX

/* LIST values of one row: items[off .. off + len) of its column (derive-list.c). */
struct mkt__span {
    uint32_t off, len;
};

struct mkt__col {
    char *name;
    int32_t type;
    int is_custom, is_derived;
    union {
        void *any;
        int64_t *i64; /* INT, MONEY, TIME */
        int32_t *i32; /* DATE */
        uint8_t *u8;  /* BOOL */
        double *f64;  /* NUMBER */
        uint32_t *u32; /* STRING: ids in *dict */
        struct mkt__span *span; /* LIST: each row's run of ids (in *dict) in items */
    } v;
    mkt__bitmap valid;
    mkt__intern *dict; /* STRING: own, or the table's currency dictionary */
    mkt__intern own;
    uint32_t mark_dict; /* dict count when the current load started */
    uint32_t *items;    /* LIST: the rows' item ids back to back (derive-list.c) */
    int as_of;          /* an as-of field (derive.c): unreadable while t->as_of_dirty */
};

/* Booking or event ids by index, with a hash set for duplicates (idstore.c). */
struct mkt__idstore {
    mkt_ctx *ctx;
    char *bytes;      /* ids back to back, each NUL-terminated */
    size_t nbytes, bytes_cap;
    uint64_t *off;    /* off[i]: start of id i in bytes; off[len] == nbytes */
    size_t len, cap;  /* ids stored; cap counts off[] entries */
    size_t indexed;   /* ids [0, indexed) are in the duplicate set */
    uint64_t *slots;  /* hash >> 32 << 32 | (index + 1); 0 = empty */
    uint32_t mask;
};

struct mkt__bookings {
    size_t len, cap;
    uint32_t *cust;
    int64_t *time;
    int32_t *dep;
    uint32_t *origin, *dest, *route, *trip, *cabin, *fare, *channel, *currency;
    int32_t *pax;
    uint8_t *status;
    int64_t *total, *anc;
    struct mkt__idstore ids; /* booking_id of booking i: mkt__idstore_str(&ids, i, &len) */
};

struct mkt__events {
    size_t len, cap;
    uint32_t *cust;
    int64_t *ts;
    uint32_t *type, *campaign, *channel, *props;
    int64_t *value;
    struct mkt__idstore ids; /* event_id of event i: mkt__idstore_str(&ids, i, &len) */
};

/* What a load may roll back to. */
struct mkt__mark {
    size_t nrows, ncols, bookings, events;
    uint32_t strings, currencies;
    int64_t amount_guard;
    int as_of_dirty;
};

struct mkt__idx_slot {
    uint64_t key;  /* the id bytes (<= 8) or their hash */
    uint32_t row1; /* row + 1; 0 = empty */
    uint32_t len;
};

/* dense-ids.c: customer ids of one shape (prefix + fixed-width number) mapped straight to
 * rows by their number. */
struct mkt__dense_ids {
    char prefix[16];
    size_t plen, len;  /* prefix bytes; whole id bytes (0: no shape taken yet) */
    int64_t lo;        /* the number of row1[0] */
    size_t n;          /* numbers lo .. lo + n - 1 have an entry */
    int64_t min, max;  /* the smallest and largest number given to mkt__dense_cover() */
    uint32_t *row1;    /* row + 1 by number - lo; 0: no such customer */
};

/* The customer-id index (idindex.c): dense while the ids allow, else hashed. */
struct mkt__idindex {
    int hashed;
    struct mkt__dense_ids dense; /* !hashed */
    struct mkt__idx_slot *slots; /* hashed */
    uint32_t mask;
};

struct mkt_table {
    mkt_ctx *ctx;
    struct mkt__idstore ids; /* customer id of row r: mkt__table_id(t, r, &len) */
    struct mkt__idindex index; /* customer id -> row, one cache miss per lookup */
    size_t row_cap;
    MKT__VEC(struct mkt__col *) cols;
    mkt__bitmap stub;             /* rows created id-only by a booking/event load */
    MKT__VEC(uint32_t) filled;    /* stubs filled by the running customers load */
    int customers_loaded;         /* rows from a customers file exist (AUTO rule) */
    struct mkt__mark mark;

    struct mkt__bookings bk;
    struct mkt__events ev;
    mkt__intern strings;          /* categorical booking and event text */
    mkt__intern currencies;       /* booking currencies in order of first appearance */
    MKT__VEC(uint64_t) cur_bookings;
    MKT__VEC(int64_t) cur_amount;
    int64_t amount_guard;         /* sum of every amount ever added: bounds all other sums */
    uint64_t bookings_cancelled, customers_with_bookings;
    mkt_date first_booking, last_booking;
    mkt_time first_event, last_event;
    struct mkt__as_of *as_of;     /* derive.c: the as-of fields, NULL until computed */
    struct mkt__fold *fold;       /* fold.c: bookings folded without their records, or NULL */
    int as_of_dirty;              /* records or dates of birth changed since: stale */
    struct mkt__strcache *scache; /* strcache.c: categorical text -> id, NULL until used */
};

/* A string given to the stores: p == NULL means null. */
struct mkt__str {
    const char *p;
    size_t n;
};

/* A booking or event on its way into the table (from a file or the host). */
struct mkt__bk_in {
    struct mkt__str id, cust, origin, dest, route, trip, cabin, fare, channel, currency;
    mkt_time time;
    mkt_date dep;
    int32_t pax, status;
    int64_t total, anc;
    uint32_t row1; /* the customer's row + 1 when already looked up, else 0 */
};

struct mkt__ev_in {
    struct mkt__str id, cust, type, campaign, channel, props;
    mkt_time ts;
    int64_t value;
    uint32_t row1; /* as in struct mkt__bk_in */
};

/* Which input field a staging failure is about. */
enum { MKT__BAD_ID = 1, MKT__BAD_CUSTOMER, MKT__BAD_AMOUNT };

static inline size_t mkt__table_rows(const mkt_table *t)
{
    return t->ids.len;
}

/* strcache.c: mkt__str_id() through a cache (@c may be NULL); cleared on rollback. */
struct mkt__strcache;
size_t mkt__strcache_size(void); /* for mkt__calloc(ctx, 1, size): starts empty */
int mkt__strcache_id(struct mkt__strcache *c, mkt__intern *dict, struct mkt__str s,
                     uint32_t *id);
void mkt__strcache_clear(struct mkt__strcache *c);

/* idstore.c (see there) */
void mkt__idstore_init(struct mkt__idstore *s, mkt_ctx *ctx);
void mkt__idstore_free(struct mkt__idstore *s);
/* Room for @ids more ids of @bytes bytes in all (NULs included). */
int mkt__idstore_reserve(struct mkt__idstore *s, size_t ids, size_t bytes);
/* Append an id without looking for duplicates (mkt__idstore_index() does). */
int mkt__idstore_append(struct mkt__idstore *s, const char *p, size_t n);
/* Id @i (NUL-terminated; *len may be NULL), or NULL when out of range. */
const char *mkt__idstore_str(const struct mkt__idstore *s, size_t i, size_t *len);
/* Add the ids appended since the last call to the duplicate set. MKT_EEXIST when id *dup
 * equals the earlier id *dup_of (the first such id in append order; later ids are not
 * indexed); MKT_ENOMEM / MKT_ETOOBIG. */
int mkt__idstore_index(struct mkt__idstore *s, size_t *dup_of, size_t *dup);
/* 1 when an indexed id equals [p, p+n). */
int mkt__idstore_find(const struct mkt__idstore *s, const char *p, size_t n);
/* Forget ids >= n. Never fails. */
void mkt__idstore_truncate(struct mkt__idstore *s, size_t n);

/* The customer id of row @r (NUL-terminated; *len may be NULL), NULL past the last row. */
static inline const char *mkt__table_id(const mkt_table *t, size_t r, size_t *len)
{
    return mkt__idstore_str(&t->ids, r, len);
}

/* idindex.c: the customer-id index (see there). */
int mkt__idindex_find(const mkt_table *t, const char *s, size_t len, uint32_t *row);
/* Start loading the slot of an id that mkt__idindex_find() will look up soon: a booking's
 * customer is prefetched before its other fields are parsed, hiding most of a cache miss. */
void mkt__idindex_prefetch(const mkt_table *t, const char *s, size_t len);
/* Room for @rows customers in a hashed index (a dense one grows by mkt__idindex_make_room()). */
int mkt__idindex_reserve(mkt_table *t, size_t rows);
/* Make sure mkt__idindex_add() of id @s for the next row cannot fail. */
int mkt__idindex_make_room(mkt_table *t, const char *s, size_t len);
void mkt__idindex_add(mkt_table *t, const char *s, size_t len, uint32_t row);
void mkt__idindex_free(mkt_table *t);
/* Forget rows >= n; call before truncating the ids. */
void mkt__idindex_truncate(mkt_table *t, uint32_t n);

/* table-rows.c */
int mkt__table_reserve_rows(mkt_table *t, size_t n);
/* Append a customer (id not present yet); its row is the new intern id. */
int mkt__table_append_row(mkt_table *t, const char *id, size_t len, uint32_t *row);
/* Find a customer for a booking/event, creating an id-only stub when @unknown allows it. */
int mkt__table_customer_for(mkt_table *t, struct mkt__str id, int32_t unknown, uint32_t *row);
void mkt__table_mark(mkt_table *t);
void mkt__table_rollback(mkt_table *t);
void mkt__col_set_valid(struct mkt__col *c, size_t row, int valid);

/* table-values.c: range rules of the standard columns (MKT_OK or MKT_ERANGE). */
int mkt__col_check_int(uint32_t column, int32_t type, int64_t v);
int mkt__col_check_number(uint32_t column, double v);

/* The parallel arrays of a record store (bookings, events): where each array pointer lives and
 * its element size, so that growing and freeing them is written once. */
struct mkt__arrays {
    void *slots[16];
    size_t sizes[16];
    size_t n;
};
/* Make room in every array for @need elements (growth by half, at least 1024), updating
 * @cap. A failure leaves some arrays larger, which is harmless. */
int mkt__grow_arrays(mkt_ctx *ctx, const struct mkt__arrays *a, size_t need, size_t *cap);
void mkt__free_arrays(mkt_ctx *ctx, const struct mkt__arrays *a);
/* The id of a string in @dict, MKT__NO_STR for null. */
int mkt__str_id(mkt__intern *dict, struct mkt__str s, uint32_t *id);
/* 1 for an ISO 4217-looking code: three ASCII capital letters. */
int mkt__currency_valid(const char *s, size_t n);

/* The positions 0..n-1 of @cust (customer rows) stably ordered by row, as an array the caller
 * frees with mkt__free(); NULL in *order when n is small enough that order does not matter.
 * Folding records into the per-customer columns in row order turns random memory access into
 * a sequential sweep, which matters a lot at millions of rows. */
int mkt__order_by_customer(mkt_table *t, const uint32_t *cust, size_t n, uint32_t **order);

/* table-columns.c */
int mkt__table_add_column(mkt_table *t, const char *name, size_t len, int32_t type,
                          int is_custom, int is_derived, uint32_t *index);
void mkt__col_free(mkt_ctx *ctx, struct mkt__col *c);
/* Grow a column's values and validity bitmap to @cap rows. */
int mkt__col_resize(mkt_ctx *ctx, struct mkt__col *c, size_t cap);
int mkt__table_column_lookup(const mkt_table *t, const char *name, size_t len, uint32_t *index);

/* table-bookings.c / table-events.c */
int mkt__bookings_reserve(mkt_table *t, size_t extra);
int mkt__events_reserve(mkt_table *t, size_t extra);
int mkt__bookings_stage(mkt_table *t, const struct mkt__bk_in *in, int32_t unknown, int *bad);
/* The commit indexes the new ids first: MKT_EEXIST when booking *dup repeats *dup_of. */
int mkt__bookings_commit(mkt_table *t, size_t *dup_of, size_t *dup);
void mkt__bookings_free(mkt_ctx *ctx, struct mkt__bookings *b);
int mkt__events_stage(mkt_table *t, const struct mkt__ev_in *in, int32_t unknown, int *bad);
int mkt__events_commit(mkt_table *t, size_t *dup_of, size_t *dup);
void mkt__events_free(mkt_ctx *ctx, struct mkt__events *e);

/* Loaders on an open reader (used by the public loaders and the fuzz target). */
/* @o: the load options (its column projection); @threads parse a plain file. */
int mkt__load_customers_csv(mkt_table *t, mkt__csv *r, const mkt_load_options *o,
                            size_t threads);
int mkt__load_bookings_csv(mkt_table *t, mkt__csv *r, int32_t unknown);
int mkt__load_events_csv(mkt_table *t, mkt__csv *r, int32_t unknown);
/* dense-ids.c (see there). Take the shape of id @s (its non-digit prefix, then digits to the
 * end): 1, or 0 when it has none. The number of an id of that shape, or -1 for an id of
 * another shape. */
int mkt__dense_shape(struct mkt__dense_ids *d, const char *s, size_t len);
int64_t mkt__dense_number(const struct mkt__dense_ids *d, const char *s, size_t len);
/* Make row1 cover id @s, the id of customer number @rows (counting from 1), taking the shape
 * from the first id: MKT_OK with *fits 1, or 0 when @s has another shape or the numbers would
 * be too sparse (nothing changed); MKT_ENOMEM. */
int mkt__dense_cover(mkt_ctx *ctx, struct mkt__dense_ids *d, const char *s, size_t len,
                     size_t rows, int *fits);
/* The row + 1 of id @s, or 0 when no customer has it. */
uint32_t mkt__dense_ids_find(const struct mkt__dense_ids *d, const char *s, size_t len);
void mkt__dense_ids_prefetch(const struct mkt__dense_ids *d, const char *s, size_t len);
void mkt__dense_ids_free(mkt_ctx *ctx, struct mkt__dense_ids *d);

/* fold.c: MKT_ESTATE (error set, naming @fn) when the table holds folded bookings. */
int mkt__fold_refuse(mkt_table *t, const char *fn);
/* The same parsing with up to @threads threads (see load-parallel.c). */
int mkt__load_bookings_mt(mkt_table *t, mkt__csv *r, int32_t unknown, size_t threads);
int mkt__load_events_mt(mkt_table *t, mkt__csv *r, int32_t unknown, size_t threads);

/* value-parse.c: strict parsers of field text (no surrounding space). MKT_OK / MKT_EPARSE /
 * MKT_ERANGE. */
int mkt__parse_int64(const char *s, size_t n, int64_t *out);
int mkt__parse_number(const char *s, size_t n, double *out);
int mkt__parse_bool(const char *s, size_t n, uint8_t *out);
/* Money with @decimals digits; @round: round excess digits half to even instead of failing. */
int mkt__parse_money_round(const char *s, size_t n, int32_t decimals, int round, int64_t *out);

/* derive.c: the as-of fields (see derive-private.h). Anything that changes their inputs
 * (bookings, events, customer rows, date_of_birth) calls mkt__as_of_invalidate(); reading an
 * as-of column while stale is MKT_ESTATE until mkt_table_set_as_of() runs again. */
static inline void mkt__as_of_invalidate(mkt_table *t)
{
    t->as_of_dirty = 1;
}
static inline int mkt__col_stale(const mkt_table *t, const struct mkt__col *c)
{
    return c->as_of && t->as_of_dirty;
}
/* MKT_ESTATE with a message naming the column and @fn. */
int mkt__as_of_stale_error(const mkt_table *t, const struct mkt__col *c, const char *fn);
void mkt__as_of_free(mkt_table *t);

#endif /* MKT_DATA_TABLE_PRIVATE_H */
