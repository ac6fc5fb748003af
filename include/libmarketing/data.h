/* SPDX-License-Identifier: MIT */
/**
 * @file data.h
 * @brief The data layer: a columnar customer table with booking and event history, loaded
 *        from the CSV files of spec/data-formats.md (plain or .gz) or built by the host; and
 *        attribution paths loaded from touchpoints.csv or paths.csv.
 *
 * Loading is all-or-nothing: a load that fails leaves the table exactly as it was, and the
 * context's last error names the file, line, column (1-based field number), field and reason.
 *
 * Thread safety: a table is mutable and used by one thread at a time while loading or
 * appending; once no thread modifies it, any number of threads may read it at once.
 */
#ifndef LIBMARKETING_DATA_H
#define LIBMARKETING_DATA_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A columnar customer table (opaque). @since 0.1 */
typedef struct mkt_table mkt_table;
/** A set of attribution paths (opaque). @since 0.1 */
typedef struct mkt_paths mkt_paths;

/** Column types. Append-only. @since 0.1 */
typedef enum mkt_type {
    MKT_TYPE_STRING = 1, /**< UTF-8 text. */
    MKT_TYPE_INT = 2,    /**< int64. */
    MKT_TYPE_NUMBER = 3, /**< double (rates and scores, never money). */
    MKT_TYPE_MONEY = 4,  /**< int64 minor units. */
    MKT_TYPE_DATE = 5,   /**< ::mkt_date. */
    MKT_TYPE_TIME = 6,   /**< ::mkt_time. */
    MKT_TYPE_BOOL = 7,   /**< 0 or 1. */
    /** A list of UTF-8 strings (booking.routes_12m); read with mkt_table_get_list_count() and
     *  mkt_table_get_list_item(). Only the library makes list columns. @since 0.1 */
    MKT_TYPE_LIST = 8
} mkt_type;

/** Null marker in ::mkt_date fields of the structs below. @since 0.1 */
#define MKT_NULL_DATE INT32_MIN
/** Null marker in ::mkt_time and int64/money fields of the structs below. @since 0.1 */
#define MKT_NULL_INT64 INT64_MIN

/** What a load does with a booking or event whose customer_id is not in the table. @since 0.1 */
typedef enum mkt_unknown_customer {
    /** Error if the table has customers, otherwise create the customer (default). */
    MKT_UNKNOWN_CUSTOMER_AUTO = 0,
    MKT_UNKNOWN_CUSTOMER_ERROR = 1, /**< Always an error naming the line. */
    MKT_UNKNOWN_CUSTOMER_CREATE = 2 /**< Create a customer row with only its id. */
} mkt_unknown_customer;

/**
 * Progress callback for long loads: @p done and @p total are bytes of the file as stored
 * (compressed for .gz; @p total is 0 when unknown), @p rows the records read so far.
 * Return 0 to go on, non-zero to abort the load with ::MKT_EUSER (the table is unchanged).
 * @since 0.1
 */
typedef int (*mkt_progress_fn)(uint64_t done, uint64_t total, uint64_t rows, void *progress_data);

/** Options of every CSV load. Initialise with mkt_load_options_init(). @since 0.1 */
typedef struct mkt_load_options {
    size_t struct_size;         /**< sizeof(mkt_load_options). */
    int32_t separator;          /**< Field separator byte (default ','). */
    int32_t unknown_customer;   /**< An ::mkt_unknown_customer (default AUTO). */
    mkt_progress_fn progress;   /**< Optional progress callback, called about every 1 MiB. */
    void *progress_data;        /**< Passed to @p progress. */
    /** Threads parsing a plain (not gzip) file: 0 (default) = the number of online CPUs
     *  (sysconf(_SC_NPROCESSORS_ONLN)), 1 = single-threaded, N = at most N. The result,
     *  errors included, is the same whatever the value; the host allocator is only ever
     *  called from the loading thread. Negative is ::MKT_EINVAL. @since 0.1 */
    int32_t threads;
    /** Customers files: load only these columns (customer_id always), as if the file had no
     *  others: the rest is still checked as CSV (structure, UTF-8) but neither parsed nor
     *  stored, so standard columns left out stay null and custom ones are not created. Names
     *  absent from the file are ignored. NULL (default) loads every column. Bookings and
     *  events files ignore it. @since 0.1 */
    const char *const *columns;
    size_t ncolumns; /**< Entries in @p columns. @since 0.1 */
} mkt_load_options;

/** Static initialiser for ::mkt_load_options. @since 0.1 */
#define MKT_LOAD_OPTIONS_INIT \
    { sizeof(mkt_load_options), ',', MKT_UNKNOWN_CUSTOMER_AUTO, NULL, NULL, 0, NULL, 0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_load_options_init(mkt_load_options *opts);

/** Description of one column. Strings are owned by the table. @since 0.1 */
typedef struct mkt_column_info {
    size_t struct_size;  /**< sizeof(mkt_column_info) as the library filled it. */
    const char *name;    /**< "email", "tier", "booking.count", or a custom column's header. */
    int32_t type;        /**< An ::mkt_type. */
    int32_t is_custom;   /**< 1 for columns not in the spec (kept from the file or the host). */
    int32_t is_derived;  /**< 1 for aggregates the library maintains ("booking.*", "event.*"). */
    uint64_t null_count; /**< Rows where the value is null. */
} mkt_column_info;

/**
 * One booking, as read from the table or given to mkt_table_add_booking(). Strings are
 * borrowed (owned by the table when read). Null: NULL strings, ::MKT_NULL_DATE,
 * ::MKT_NULL_INT64, 0 passengers. Grows only at the end.
 * @since 0.1
 */
typedef struct mkt_booking {
    size_t struct_size;
    const char *booking_id;     /**< Required, unique in the table. */
    const char *customer_id;    /**< Required. */
    uint64_t customer_row;      /**< Read only: the customer's row. */
    mkt_time booking_time;      /**< Required (a bare date is its midnight UTC). */
    mkt_date departure_date;
    const char *origin;
    const char *destination;
    const char *route;
    const char *trip_type;
    const char *cabin_class;
    const char *fare_class;
    const char *channel;
    int32_t passengers;         /**< >= 1, or 0 for null. */
    int32_t status;             /**< An ::mkt_booking_status (0 on input means CONFIRMED). */
    int64_t total_amount;       /**< Required, >= 0, minor units. */
    int64_t ancillary_amount;   /**< >= 0 or ::MKT_NULL_INT64. */
    const char *currency;       /**< ISO 4217; NULL on input means the table's default "USD". */
} mkt_booking;

/** Booking status. @since 0.1 */
typedef enum mkt_booking_status {
    MKT_BOOKING_CONFIRMED = 1,
    MKT_BOOKING_CANCELLED = 2
} mkt_booking_status;

/** One behavioural event; strings borrowed as for ::mkt_booking. @since 0.1 */
typedef struct mkt_event {
    size_t struct_size;
    const char *event_id;    /**< Required, unique in the table. */
    const char *customer_id; /**< Required. */
    uint64_t customer_row;   /**< Read only. */
    mkt_time ts;             /**< Required. */
    const char *type;        /**< Required, e.g. "CART_ABANDONED". */
    const char *campaign;
    const char *channel;
    int64_t value;           /**< Minor units or ::MKT_NULL_INT64. */
    const char *properties;  /**< Raw "key=value;key=value" text or NULL. */
} mkt_event;

/** Summary figures of a table (for `mkt load`). @since 0.1 */
typedef struct mkt_table_stats {
    size_t struct_size;
    uint64_t customers;               /**< Rows. */
    uint64_t customers_with_bookings; /**< Rows with at least one confirmed booking. */
    uint64_t bookings;                /**< All bookings, cancelled included. */
    uint64_t bookings_cancelled;
    uint64_t events;
    mkt_date first_booking_date;      /**< ::MKT_NULL_DATE without bookings. */
    mkt_date last_booking_date;
    mkt_time first_event_time;        /**< ::MKT_NULL_INT64 without events. */
    mkt_time last_event_time;
    uint32_t currencies;              /**< Distinct booking currencies; see mkt_table_currency(). */
} mkt_table_stats;

/**
 * Create an empty table with the standard customer columns of spec/data-formats.md and the
 * derived booking aggregates (booking.count, booking.total_spend, booking.ancillary_spend,
 * booking.currency, booking.first_date_all, booking.last_date_all, booking.cancelled_count,
 * booking.passengers: all loaded bookings, whatever their date) and event aggregates (event.count, event.last_time).
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_table_new(mkt_table **out, mkt_ctx *ctx);

/** Free a table. NULL is ignored. @since 0.1 */
void mkt_table_free(mkt_table *table);

/**
 * Load customers.csv (or .csv.gz). Columns in any order; customer_id required; unknown
 * columns become custom string columns. A customer created earlier by a booking or event load
 * (id only) is filled in; any other repeated id is an error.
 * @param opts NULL for defaults.
 * @return ::MKT_OK, ::MKT_EIO (cannot open/read, truncated gzip), ::MKT_EPARSE (malformed
 *         CSV, bad value, invalid UTF-8, missing column), ::MKT_EEXIST (duplicate id),
 *         ::MKT_ETOOBIG (a limit of the context options), ::MKT_EUSER, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_table_load_customers(mkt_table *table, const char *path, const mkt_load_options *opts);

/**
 * Load bookings.csv (or .gz), appending bookings and updating the booking aggregates as it
 * streams. Errors as for mkt_table_load_customers(), plus ::MKT_ENOTFOUND for an unknown
 * customer under ::MKT_UNKNOWN_CUSTOMER_ERROR and ::MKT_ERANGE for a negative amount.
 * @since 0.1
 */
int mkt_table_load_bookings(mkt_table *table, const char *path, const mkt_load_options *opts);

/**
 * Fold bookings.csv (or .gz) into the booking as-of fields at @p as_of without keeping the
 * bookings: each record is checked exactly as mkt_table_load_bookings() checks it (duplicate
 * booking ids included), folded into its customer's accumulators and dropped, so memory
 * follows the customers and the fields asked for, not the size of the file. Plain files are
 * parsed by @p opts->threads threads, as loads are.
 *
 * Then the as-of fields in @p fields are computed as mkt_table_set_as_of(@p as_of) computes
 * them, with the folded bookings in place of loaded ones: their columns hold exactly the
 * values a load followed by mkt_table_set_as_of() gives (event fields and customer.age from
 * the loaded events and customers). As-of fields not in @p fields get no column, so a rule
 * naming one fails to compile: asking only for what a rule reads keeps memory small. Folded
 * bookings are not records: mkt_table_booking_count() and the load-time aggregates
 * (booking.count, booking.total_spend, ...) do not include them.
 *
 * Customers must be loaded first: a booking of an unknown customer is an error, whatever
 * @p opts->unknown_customer says (::MKT_UNKNOWN_CUSTOMER_CREATE is ::MKT_EINVAL).
 * Afterwards mkt_table_set_as_of() accepts only @p as_of (::MKT_ESTATE otherwise), and loading
 * or adding bookings is ::MKT_ESTATE: a table holds folded or loaded bookings, not both.
 *
 * @param fields names of as-of fields ("booking.spend_12m", "event.searches_30d",
 *        "customer.age", ...), or NULL for all of them but booking.routes_12m, which needs the
 *        bookings themselves (naming it is ::MKT_EINVAL).
 * @return ::MKT_OK; as mkt_table_load_bookings() for the file; ::MKT_EINVAL (NULL @p path,
 *         a bad field name or option); ::MKT_ESTATE (bookings already loaded or folded, or the
 *         as-of fields already computed: fold first); ::MKT_ERANGE (@p as_of out of range).
 *         On failure the table is unchanged, except that on ::MKT_ENOMEM while computing the
 *         columns the bookings stay folded and mkt_table_set_as_of(@p as_of) may be retried.
 * @since 0.1
 */
int mkt_table_fold_bookings(mkt_table *table, const char *path, mkt_date as_of,
                            const char *const *fields, size_t nfields,
                            const mkt_load_options *opts);

/** Load events.csv (or .gz); errors as for mkt_table_load_bookings(). @since 0.1 */
int mkt_table_load_events(mkt_table *table, const char *path, const mkt_load_options *opts);

/** Number of customer rows. @since 0.1 */
uint64_t mkt_table_customer_count(const mkt_table *table);

/**
 * Find the row of a customer id in O(1).
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_table_find(const mkt_table *table, const char *customer_id, size_t id_len, uint64_t *row);

/** The customer id of @p row (owned by the table), or NULL if out of range. @since 0.1 */
const char *mkt_table_customer_id(const mkt_table *table, uint64_t row);

/** Number of columns. @since 0.1 */
uint32_t mkt_table_column_count(const mkt_table *table);

/** Find a column by name. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_table_column_find(const mkt_table *table, const char *name, uint32_t *column);

/** Describe column @p column. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_table_column_info(const mkt_table *table, uint32_t column, mkt_column_info *out);

/**
 * Read an INT, MONEY, DATE, TIME or BOOL value. @p *is_null is set to 1 for null (and
 * @p *out to 0), else 0.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (bad row/column), ::MKT_ETYPE, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_table_get_int(const mkt_table *table, uint32_t column, uint64_t row, int64_t *out,
                      int32_t *is_null);

/** Read a NUMBER value (INT columns convert). Errors as mkt_table_get_int(). @since 0.1 */
int mkt_table_get_number(const mkt_table *table, uint32_t column, uint64_t row, double *out,
                         int32_t *is_null);

/**
 * Read a STRING value: @p *out is borrowed from the table, NUL-terminated, NULL for null.
 * @p len may be NULL. Errors as mkt_table_get_int().
 * @since 0.1
 */
int mkt_table_get_string(const mkt_table *table, uint32_t column, uint64_t row,
                         const char **out, size_t *len);

/**
 * Add a custom column (all rows null). Names may not collide with existing columns and may not
 * start with "booking.", "event.", "rfm." or "lifecycle." (the library's derived fields).
 * @return ::MKT_OK, ::MKT_EEXIST, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_table_add_column(mkt_table *table, const char *name, int32_t type, uint32_t *column);

/**
 * Append a customer with only its id set. @p row may be NULL.
 * @return ::MKT_OK, ::MKT_EEXIST (its row is still reported), ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_table_add_customer(mkt_table *table, const char *customer_id, size_t id_len,
                           uint64_t *row);

/** Set an INT/MONEY/DATE/TIME/BOOL value (derived columns are read-only: ::MKT_EINVAL).
 *  @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_ETYPE, ::MKT_ERANGE (bool not 0/1), ::MKT_EINVAL.
 *  @since 0.1 */
int mkt_table_set_int(mkt_table *table, uint32_t column, uint64_t row, int64_t value);

/** Set a NUMBER value (finite). Errors as mkt_table_set_int(). @since 0.1 */
int mkt_table_set_number(mkt_table *table, uint32_t column, uint64_t row, double value);

/** Set a STRING value (copied; must be valid UTF-8: ::MKT_EPARSE otherwise).
 *  Errors as mkt_table_set_int(). @since 0.1 */
int mkt_table_set_string(mkt_table *table, uint32_t column, uint64_t row, const char *value,
                         size_t len);

/** Set a value to null. Errors as mkt_table_set_int(). @since 0.1 */
int mkt_table_set_null(mkt_table *table, uint32_t column, uint64_t row);

/**
 * Append a booking and update the aggregates. The customer must exist unless
 * ::MKT_UNKNOWN_CUSTOMER_CREATE semantics are wanted: this call creates it when the table has no
 * customer rows loaded from a file (AUTO rule). Strings are copied.
 * @return ::MKT_OK, ::MKT_EEXIST (duplicate booking_id), ::MKT_ENOTFOUND, ::MKT_ERANGE
 *         (negative amount, passengers < 0), ::MKT_EINVAL (missing required field), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_table_add_booking(mkt_table *table, const mkt_booking *booking);

/** Number of bookings (cancelled included). @since 0.1 */
uint64_t mkt_table_booking_count(const mkt_table *table);

/** Read booking @p index (0-based, in load order). @return ::MKT_OK, ::MKT_ENOTFOUND,
 *  ::MKT_EINVAL. @since 0.1 */
int mkt_table_get_booking(const mkt_table *table, uint64_t index, mkt_booking *out);

/** Append an event (as mkt_table_add_booking()). @since 0.1 */
int mkt_table_add_event(mkt_table *table, const mkt_event *event);

/** Number of events. @since 0.1 */
uint64_t mkt_table_event_count(const mkt_table *table);

/** Read event @p index. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_table_get_event(const mkt_table *table, uint64_t index, mkt_event *out);

/** Fill @p out with summary figures. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_table_stats_get(const mkt_table *table, mkt_table_stats *out);

/**
 * The @p index-th distinct booking currency (in order of first appearance), with its number of
 * bookings and confirmed amount in minor units. @p code is borrowed; any out-pointer may be NULL.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_table_currency(const mkt_table *table, uint32_t index, const char **code,
                       uint64_t *bookings, int64_t *amount);

/* ------------------------------------------------------------------------------------------ */
/* As-of fields                                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * Compute the as-of fields of every customer at date @p as_of (D) into derived, read-only
 * columns: booking.count_12m, booking.spend_12m, booking.count_total, booking.spend_total,
 * booking.first_date, booking.last_date, booking.days_since_last, the booking.*_share_12m
 * fields, booking.preferred_cabin, booking.preferred_channel, booking.avg_advance_days_12m,
 * booking.routes_12m (::MKT_TYPE_LIST), "age" (customer.age) and the event.* window counts
 * (doc/fields.md defines each exactly). The columns are created by the first call and
 * overwritten by later ones. Loading or adding bookings, events or customers, or changing a
 * date_of_birth, makes them stale: reading them then fails with ::MKT_ESTATE until this is
 * called again. If the table already has a column "age" of its own (from customers.csv or the
 * host), customer.age is not computed and that column is left alone.
 * One pass over the bookings and events; the table must not be read meanwhile.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL), ::MKT_ERANGE (D - 12 months or D + 1 day outside years
 *         1..9999), ::MKT_ENOMEM (the table then keeps its previous as-of state).
 * @since 0.1
 */
int mkt_table_set_as_of(mkt_table *table, mkt_date as_of);

/**
 * The date of the last mkt_table_set_as_of().
 * @return ::MKT_OK; ::MKT_ENOTFOUND if never computed; ::MKT_ESTATE if stale (@p *as_of is
 *         still set to the date used); ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_table_as_of(const mkt_table *table, mkt_date *as_of);

/**
 * Number of items of a LIST value (0 for an empty list). @p *is_null is 1 for null.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (bad row/column), ::MKT_ETYPE (not a list column),
 *         ::MKT_ESTATE (stale as-of field), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_table_get_list_count(const mkt_table *table, uint32_t column, uint64_t row,
                             uint32_t *count, int32_t *is_null);

/**
 * Item @p index of a LIST value: @p *out is borrowed from the table and NUL-terminated;
 * @p len may be NULL. Items are distinct and sorted by byte order.
 * @return as mkt_table_get_list_count(), and ::MKT_ENOTFOUND for @p index past the end or a
 *         null list.
 * @since 0.1
 */
int mkt_table_get_list_item(const mkt_table *table, uint32_t column, uint64_t row,
                            uint32_t index, const char **out, size_t *len);

/* ------------------------------------------------------------------------------------------ */
/* Attribution paths                                                                          */
/* ------------------------------------------------------------------------------------------ */

/**
 * Options for paths.csv: separator and column mapping (exports name them differently, e.g.
 * `total_conversions`). Initialise with mkt_paths_options_init().
 * @since 0.1
 */
typedef struct mkt_paths_options {
    size_t struct_size;
    int32_t separator;              /**< Field separator byte (default ','). */
    const char *path_column;        /**< Default "path". */
    const char *conversions_column; /**< Default "conversions". */
    const char *value_column;       /**< Default "value"; the column may be absent. */
    const char *nulls_column;       /**< Default "nulls"; the column may be absent. */
    int32_t value_decimals;         /**< Minor-unit digits of value (default 2). */
    int32_t round_values;           /**< 1: round excess decimals half to even instead of
                                         failing (for float artefacts); default 0. */
    mkt_progress_fn progress;       /**< Optional. */
    void *progress_data;
} mkt_paths_options;

/** Static initialiser for ::mkt_paths_options. @since 0.1 */
#define MKT_PATHS_OPTIONS_INIT { sizeof(mkt_paths_options), ',', "path", "conversions", "value", "nulls", 2, 0, NULL, NULL }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_paths_options_init(mkt_paths_options *opts);

/**
 * One path. Arrays are borrowed from the set. For a path from touchpoints.csv, @p journey_id,
 * @p ts and @p campaigns are set (a campaign id is UINT32_MAX when empty); for an aggregated
 * path they are NULL.
 * @since 0.1
 */
typedef struct mkt_path {
    size_t struct_size;
    const char *journey_id;
    uint32_t length;            /**< Number of touches (>= 1). */
    const uint32_t *channels;   /**< Channel ids, see mkt_paths_channel_name(). */
    const mkt_time *ts;         /**< Touch times, ascending, or NULL. */
    const uint32_t *campaigns;  /**< Campaign ids, see mkt_paths_campaign_name(), or NULL. */
    int64_t conversions;
    int64_t value;              /**< Minor units (see value_decimals). */
    int64_t nulls;              /**< Paths that ended without conversion. */
} mkt_path;

/** Create an empty path set. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_paths_new(mkt_paths **out, mkt_ctx *ctx);

/** Free a path set. NULL is ignored. @since 0.1 */
void mkt_paths_free(mkt_paths *paths);

/**
 * Load an aggregated paths file (`path,conversions,value,nulls`; path as "A > B > C").
 * Rows with the same path are summed into one path. All-or-nothing.
 * @return as mkt_table_load_customers(); ::MKT_ERANGE for negative counts.
 * @since 0.1
 */
int mkt_paths_load_paths(mkt_paths *paths, const char *file, const mkt_paths_options *opts);

/**
 * Load touchpoints.csv: rows grouped by journey_id (a journey's rows need not be adjacent),
 * ordered by ts (stable for equal ts); the journey's last row carries converted and value.
 * Each journey becomes one path with conversions 1 or 0 and nulls 0 or 1. All-or-nothing.
 * Only @p opts->separator, value_decimals, round_values and progress are used.
 * @since 0.1
 */
int mkt_paths_load_touchpoints(mkt_paths *paths, const char *file,
                               const mkt_paths_options *opts);

/**
 * Add an aggregated path of @p length channel names (summed into an equal existing path).
 * @return ::MKT_OK, ::MKT_EINVAL (length 0, NULL or empty name), ::MKT_ERANGE (negative),
 *         ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_paths_add(mkt_paths *paths, const char *const *channels, uint32_t length,
                  int64_t conversions, int64_t value, int64_t nulls);

/**
 * Add one journey, the streaming alternative to touchpoints.csv (a host feeds its own event
 * store): @p length touches with channel names, times (non-decreasing, required: time decay
 * reads them) and campaign names (@p campaigns may be NULL, an entry NULL or "" for none).
 * The journey becomes one path with conversions @p converted (0 or 1), nulls 1 - converted
 * and @p value minor units. Journeys are never summed.
 * @return ::MKT_OK, ::MKT_EINVAL (NULL or empty argument, converted not 0/1, a time earlier
 *         than the one before, a name not valid UTF-8), ::MKT_ERANGE (negative value),
 *         ::MKT_EEXIST (the journey id was added before), ::MKT_ENOMEM. Nothing is added on
 *         failure.
 * @since 0.1
 */
int mkt_paths_add_journey(mkt_paths *paths, const char *journey_id, const char *const *channels,
                          const mkt_time *ts, const char *const *campaigns, uint32_t length,
                          int32_t converted, int64_t value);

/** Number of paths. @since 0.1 */
uint64_t mkt_paths_count(const mkt_paths *paths);

/** Read path @p index. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_paths_get(const mkt_paths *paths, uint64_t index, mkt_path *out);

/** Number of distinct channels. @since 0.1 */
uint32_t mkt_paths_channel_count(const mkt_paths *paths);

/** Name of channel @p id (borrowed), or NULL if out of range. @since 0.1 */
const char *mkt_paths_channel_name(const mkt_paths *paths, uint32_t id);

/** Number of distinct campaigns. @since 0.1 */
uint32_t mkt_paths_campaign_count(const mkt_paths *paths);

/** Name of campaign @p id (borrowed), or NULL if out of range. @since 0.1 */
const char *mkt_paths_campaign_name(const mkt_paths *paths, uint32_t id);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_DATA_H */
