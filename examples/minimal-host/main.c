/* SPDX-License-Identifier: MIT */
/*
 * A minimal libmarketing host: the smallest complete program a user copies from. It creates a
 * context with its own log and clock callbacks, keeps a counter in the (built-in) store with a
 * bounded increment, loads a tiny customers and bookings CSV and prints a summary. Build it
 * against an installed library:
 *
 *     cc -o minimal-host main.c $(pkg-config --cflags --libs libmarketing)
 *     ./minimal-host customers.csv bookings.csv
 */
#include <stdio.h>
#include <stdlib.h>

#include <libmarketing.h>

/* The host's clock: a fixed "now", so that runs are reproducible (a real host returns the
 * wall clock, or its simulation time in tests). */
static int fixed_clock(mkt_time *out, void *user_data)
{
    *out = *(const mkt_time *)user_data;
    return MKT_OK;
}

/* The host's log: the library never writes to stderr itself; the host decides where lines go. */
static void log_line(int32_t level, const char *message, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "[libmarketing %d] %s\n", (int)level, message);
}

static int fail(mkt_ctx *ctx, const char *what, int rc)
{
    const mkt_error *e = mkt_ctx_last_error(ctx);
    fprintf(stderr, "minimal-host: %s: %s\n", what,
            e && e->code == rc && e->message[0] ? e->message : mkt_strerror(rc));
    return EXIT_FAILURE;
}

/* Take two of three units of a promo code's redemption limit, then see the third fail. */
static int use_store(mkt_ctx *ctx)
{
    int64_t n = 0;
    int rc = MKT_OK;
    for (int i = 0; i < 3 && rc == MKT_OK; i++)
        rc = mkt_store_incr(ctx, "offer.redemptions", "WELCOME10", 9, 1, 3, &n);
    if (rc != MKT_OK)
        return fail(ctx, "redeem", rc);
    rc = mkt_store_incr(ctx, "offer.redemptions", "WELCOME10", 9, 1, 3, &n);
    printf("redemptions of WELCOME10: %lld of 3; a fourth: %s\n", (long long)n,
           rc == MKT_ELIMIT ? "refused (limit reached)" : mkt_strerror(rc));
    return rc == MKT_ELIMIT ? EXIT_SUCCESS : EXIT_FAILURE;
}

static void print_summary(const mkt_table *table)
{
    mkt_table_stats s = { sizeof s, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    char first[MKT_DATE_BUFSZ] = "-", last[MKT_DATE_BUFSZ] = "-";
    if (mkt_table_stats_get(table, &s) != MKT_OK)
        return;
    if (s.bookings > 0) {
        mkt_date_format(s.first_booking_date, first, sizeof first);
        mkt_date_format(s.last_booking_date, last, sizeof last);
    }
    printf("customers: %llu (with bookings: %llu)\n", (unsigned long long)s.customers,
           (unsigned long long)s.customers_with_bookings);
    printf("bookings: %llu (cancelled: %llu) from %s to %s\n", (unsigned long long)s.bookings,
           (unsigned long long)s.bookings_cancelled, first, last);
    for (uint32_t i = 0; i < s.currencies; i++) {
        const char *code;
        uint64_t n;
        int64_t amount;
        char money[MKT_MONEY_BUFSZ];
        if (mkt_table_currency(table, i, &code, &n, &amount) == MKT_OK &&
            mkt_money_format(amount, 2, money, sizeof money) == MKT_OK)
            printf("  %s: %llu bookings, %s confirmed\n", code, (unsigned long long)n, money);
    }
}

static int load(mkt_ctx *ctx, const char *customers, const char *bookings)
{
    mkt_table *table = NULL;
    int rc = mkt_table_new(&table, ctx);
    if (rc != MKT_OK)
        return fail(ctx, "table", rc);
    rc = mkt_table_load_customers(table, customers, NULL);
    if (rc == MKT_OK)
        rc = mkt_table_load_bookings(table, bookings, NULL);
    if (rc != MKT_OK) {
        int status = fail(ctx, "load", rc);
        mkt_table_free(table);
        return status;
    }
    print_summary(table);
    mkt_table_free(table);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s customers.csv bookings.csv\n", argv[0]);
        return 2;
    }
    mkt_time now = 1782777600; /* 2026-06-30T00:00:00Z */
    mkt_host host;
    mkt_host_init(&host);
    host.now = fixed_clock;
    host.log = log_line;
    host.user_data = &now;
    mkt_ctx *ctx = NULL;
    int rc = mkt_ctx_new(&ctx, &host, NULL);
    if (rc != MKT_OK) {
        fprintf(stderr, "minimal-host: cannot create a context: %s\n", mkt_strerror(rc));
        return EXIT_FAILURE;
    }
    printf("libmarketing %s (headers %s)\n", mkt_version(), MKT_VERSION_STRING);
    mkt_time t = 0;
    char when[MKT_TIME_BUFSZ] = "?";
    if (mkt_ctx_now(ctx, &t) == MKT_OK)
        mkt_time_format(t, when, sizeof when);
    printf("host clock: %s\n", when);
    int status = use_store(ctx);
    if (status == EXIT_SUCCESS)
        status = load(ctx, argv[1], argv[2]);
    mkt_ctx_free(ctx);
    return status;
}
