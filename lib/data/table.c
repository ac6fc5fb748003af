/* SPDX-License-Identifier: MIT */
/*
 * The customer table's life cycle and its schema: creating a table with the standard customer
 * columns of spec/data-formats.md and the derived booking/event aggregates, freeing it, and
 * the lookups by customer id and by column name.
 */
#include <string.h>

#include "table-private.h"

static const struct {
    const char *name;
    int32_t type;
} standard_cols[] = {
    {"customer_id", MKT_TYPE_STRING},
    {"first_name", MKT_TYPE_STRING},
    {"last_name", MKT_TYPE_STRING},
    {"email", MKT_TYPE_STRING},
    {"phone", MKT_TYPE_STRING},
    {"date_of_birth", MKT_TYPE_DATE},
    {"gender", MKT_TYPE_STRING},
    {"country", MKT_TYPE_STRING},
    {"city", MKT_TYPE_STRING},
    {"region", MKT_TYPE_STRING},
    {"language", MKT_TYPE_STRING},
    {"nationality", MKT_TYPE_STRING},
    {"timezone", MKT_TYPE_STRING},
    {"tier", MKT_TYPE_STRING},
    {"frequent_flyer_number", MKT_TYPE_STRING},
    {"signup_date", MKT_TYPE_DATE},
    {"loyalty_member", MKT_TYPE_BOOL},
    {"app_user", MKT_TYPE_BOOL},
    {"corporate_account", MKT_TYPE_BOOL},
    {"referral_participant", MKT_TYPE_BOOL},
    {"social_follower", MKT_TYPE_BOOL},
    {"email_open_rate", MKT_TYPE_NUMBER},
    {"nps_score", MKT_TYPE_INT},
    {"last_complaint_date", MKT_TYPE_DATE},
    {"booking.count", MKT_TYPE_INT},
    {"booking.total_spend", MKT_TYPE_MONEY},
    {"booking.ancillary_spend", MKT_TYPE_MONEY},
    {"booking.currency", MKT_TYPE_STRING},
    {"booking.first_date_all", MKT_TYPE_DATE}, /* the as-of fields own the plain names */
    {"booking.last_date_all", MKT_TYPE_DATE},
    {"booking.cancelled_count", MKT_TYPE_INT},
    {"booking.passengers", MKT_TYPE_INT},
    {"event.count", MKT_TYPE_INT},
    {"event.last_time", MKT_TYPE_TIME},
};

_Static_assert(sizeof standard_cols / sizeof standard_cols[0] == MKT__COL_STANDARD,
               "standard column table out of step with the enum");

static int add_standard_columns(mkt_table *t)
{
    for (uint32_t i = 0; i < MKT__COL_STANDARD; i++) {
        const char *name = standard_cols[i].name;
        int rc = mkt__table_add_column(t, name, strlen(name), standard_cols[i].type, 0,
                                       i >= MKT__COL_BK_COUNT, NULL);
        if (rc)
            return rc;
    }
    /* customer_id reads the id dictionary itself; booking.currency the currency one. */
    struct mkt__col *id = t->cols.data[MKT__COL_CUSTOMER_ID];
    mkt__free(t->ctx, id->v.any);
    id->v.any = NULL;
    mkt__bitmap_free(&id->valid);
    id->dict = NULL;
    t->cols.data[MKT__COL_BK_CURRENCY]->dict = &t->currencies;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_new(mkt_table **out, mkt_ctx *ctx)
{
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_table_new: NULL argument") : MKT_EINVAL;
    *out = NULL;
    mkt_table *t = mkt__calloc(ctx, 1, sizeof *t);
    if (!t)
        return mkt__oom(ctx);
    t->ctx = ctx;
    mkt__idstore_init(&t->ids, ctx);
    mkt__bitmap_init(&t->stub, ctx);
    mkt__idstore_init(&t->bk.ids, ctx);
    mkt__idstore_init(&t->ev.ids, ctx);
    mkt__intern_init(&t->strings, ctx);
    mkt__intern_init(&t->currencies, ctx);
    t->first_booking = t->last_booking = MKT_NULL_DATE;
    t->first_event = t->last_event = MKT_NULL_INT64;
    int rc = add_standard_columns(t);
    if (rc) {
        mkt_table_free(t);
        return rc;
    }
    *out = t;
    return MKT_OK;
}

MKT_EXPORT void mkt_table_free(mkt_table *t)
{
    if (!t)
        return;
    mkt_ctx *ctx = t->ctx;
    for (size_t i = 0; i < t->cols.len; i++)
        mkt__col_free(ctx, t->cols.data[i]);
    MKT__VEC_FREE(ctx, &t->cols);
    MKT__VEC_FREE(ctx, &t->filled);
    MKT__VEC_FREE(ctx, &t->cur_bookings);
    MKT__VEC_FREE(ctx, &t->cur_amount);
    mkt__idindex_free(t);
    mkt__idstore_free(&t->ids);
    mkt__as_of_free(t);
    mkt__bitmap_free(&t->stub);
    mkt__bookings_free(ctx, &t->bk);
    mkt__events_free(ctx, &t->ev);
    mkt__free(ctx, t->scache);
    mkt__intern_free(&t->strings);
    mkt__intern_free(&t->currencies);
    mkt__free(ctx, t);
}

MKT_EXPORT uint64_t mkt_table_customer_count(const mkt_table *t)
{
    return t ? mkt__table_rows(t) : 0;
}

MKT_EXPORT int mkt_table_find(const mkt_table *t, const char *customer_id, size_t id_len,
                              uint64_t *row)
{
    if (!t || !customer_id || !row)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_find: NULL argument") : MKT_EINVAL;
    uint32_t id;
    if (!mkt__idindex_find(t, customer_id, id_len, &id))
        return MKT_ENOTFOUND; /* a plain answer, not a failure worth a message */
    *row = id;
    return MKT_OK;
}

MKT_EXPORT const char *mkt_table_customer_id(const mkt_table *t, uint64_t row)
{
    if (!t || row >= mkt__table_rows(t))
        return NULL;
    return mkt__table_id(t, row, NULL);
}

MKT_EXPORT uint32_t mkt_table_column_count(const mkt_table *t)
{
    return t ? (uint32_t)t->cols.len : 0;
}

MKT_EXPORT int mkt_table_column_find(const mkt_table *t, const char *name, uint32_t *column)
{
    if (!t || !name || !column)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_column_find: NULL argument")
                 : MKT_EINVAL;
    return mkt__table_column_lookup(t, name, strlen(name), column);
}

MKT_EXPORT int mkt_table_column_info(const mkt_table *t, uint32_t column, mkt_column_info *out)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_column_info: NULL argument")
                 : MKT_EINVAL;
    if (column >= t->cols.len)
        return mkt__error(t->ctx, MKT_ENOTFOUND, "no column %u", column);
    const struct mkt__col *c = t->cols.data[column];
    size_t rows = mkt__table_rows(t);
    mkt_column_info info = {0};
    info.struct_size = sizeof info;
    info.name = c->name;
    info.type = c->type;
    info.is_custom = c->is_custom;
    info.is_derived = c->is_derived;
    /* Validity bits past the last row are always 0, so a plain count works. */
    info.null_count = column == MKT__COL_CUSTOMER_ID ? 0 : rows - mkt__bitmap_count(&c->valid);
    *out = info;
    return MKT_OK;
}
