/* SPDX-License-Identifier: MIT */
/*
 * The offer subcommands of `mkt promo` (doc/cli.md): validate and stack decide on a booking;
 * reserve, commit, release, usage and sweep run redemptions against the durable store of
 * `mkt --state FILE` (the SQLite adapter a single-machine host would use), so state
 * survives between runs and several mkt processes may redeem at once.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-promo.h"

enum { OPT_OFFER_FILE = OPT_FIRST_COMMAND_OPTION + 64, OPT_CODE, OPT_CUSTOMER, OPT_BOOKING,
       OPT_ROUTE, OPT_FARE, OPT_AMOUNT, OPT_CURRENCY, OPT_BOOKING_DATE, OPT_TRAVEL_DATE,
       OPT_OFFER_ID, OPT_BY };

static const struct option offer_options[] = {
    { "offer", required_argument, NULL, OPT_OFFER_FILE },
    { "code", required_argument, NULL, OPT_CODE },
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "booking", required_argument, NULL, OPT_BOOKING },
    { "route", required_argument, NULL, OPT_ROUTE },
    { "fare", required_argument, NULL, OPT_FARE },
    { "amount", required_argument, NULL, OPT_AMOUNT },
    { "currency", required_argument, NULL, OPT_CURRENCY },
    { "booking-date", required_argument, NULL, OPT_BOOKING_DATE },
    { "travel-date", required_argument, NULL, OPT_TRAVEL_DATE },
    { "offer-id", required_argument, NULL, OPT_OFFER_ID },
    { "by", required_argument, NULL, OPT_BY },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

#define MAX_CODES MKT_OFFER_STACK_MAX

typedef struct offer_args {
    const char *sub;
    const char *offer_file, *offer_id, *amount, *by;
    const char *codes[MAX_CODES];
    int ncodes;
    const char *booking_date, *travel_date;
    mkt_offer_booking b;
} offer_args;

void promo_offer_usage(FILE *out)
{
    fputs("       mkt promo validate --offer F.xml --code C --customer ID --route R [--fare F]\n"
          "                  --amount A --currency CUR --booking-date D --travel-date D\n"
          "       mkt promo stack    (as validate, with --code given 1..16 times)\n"
          "       mkt --state FILE promo reserve (as validate) --booking B\n"
          "       mkt --state FILE promo commit|release --offer F.xml --code C --customer ID\n"
          "                  --booking B\n"
          "       mkt --state FILE promo usage --offer-id ID [--customer ID]\n"
          "                  [--by route|booking-date]\n"
          "       mkt --state FILE promo sweep\n"
          "\n"
          "Offers (doc/offers.md).\n"
          "  validate  decide whether the code is valid for the booking: prints the decision,\n"
          "            the discount and every failed rule (REASON<TAB>text); exit 0 when\n"
          "            valid, 1 when not. Limits are read from --state FILE when given.\n"
          "  stack     the best combination of the codes: each code's decision, the chosen\n"
          "            ones in the order they apply, and the total discount.\n"
          "  reserve   validate and hold one use (idempotent per booking; the hold lapses\n"
          "            after the offer's reservation-ttl); commit makes it final; release\n"
          "            gives it back (also after commit: a cancelled booking).\n"
          "  usage     an offer's counters; --by prints committed redemptions per route or\n"
          "            booking date as CSV.\n"
          "  sweep     release every lapsed reservation in the state file.\n"
          "  Amounts are decimals in the currency's units (\"199.90\"); dates YYYY-MM-DD.\n",
          out);
}

static int offer_option(offer_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_OFFER_FILE: a->offer_file = arg; break;
    case OPT_CODE:
        if (a->ncodes == MAX_CODES)
            return usage_error("promo", "at most %d --code options", MAX_CODES);
        a->codes[a->ncodes++] = arg;
        break;
    case OPT_CUSTOMER: a->b.customer_id = arg; break;
    case OPT_BOOKING: a->b.booking_id = arg; break;
    case OPT_ROUTE: a->b.route = arg; break;
    case OPT_FARE: a->b.fare_class = arg; break;
    case OPT_AMOUNT: a->amount = arg; break;
    case OPT_CURRENCY: a->b.currency = arg; break;
    case OPT_BOOKING_DATE: a->booking_date = arg; break;
    case OPT_TRAVEL_DATE: a->travel_date = arg; break;
    case OPT_OFFER_ID: a->offer_id = arg; break;
    default: a->by = arg; break;
    }
    return -1;
}

static int parse_args(mkt_app *app, offer_args *a, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("promo");
    memset(a, 0, sizeof *a);
    a->sub = argv[0];
    mkt_offer_booking_init(&a->b);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", offer_options, NULL)) != -1) {
        int rc = c >= OPT_OFFER_FILE && c <= OPT_BY ? offer_option(a, c, optarg)
                                                    : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("promo", "unexpected argument '%s'", argv[optind]);
    return -1;
}

static int parse_date(const char *sub, const char *what, const char *text, mkt_date *out)
{
    if (!text)
        return usage_error("promo", "promo %s needs --%s", sub, what);
    if (mkt_date_parse(out, text, strlen(text)) != MKT_OK)
        return usage_error("promo", "--%s: '%s' is not a date (YYYY-MM-DD)", what, text);
    return -1;
}

/* The booking options validate, reserve and stack share. */
static int booking_args(offer_args *a)
{
    if (!a->offer_file || a->ncodes == 0 || !a->b.customer_id || !a->b.route || !a->amount ||
        !a->b.currency)
        return usage_error("promo", "promo %s needs --offer, --code, --customer, --route, "
                                    "--amount, --currency, --booking-date and --travel-date",
                           a->sub);
    int rc = parse_date(a->sub, "booking-date", a->booking_date, &a->b.booking_date);
    if (rc < 0)
        rc = parse_date(a->sub, "travel-date", a->travel_date, &a->b.travel_date);
    if (rc >= 0)
        return rc;
    int32_t dec = mkt_offer_currency_decimals(a->b.currency);
    if (mkt_money_parse(&a->b.amount, a->amount, strlen(a->amount), dec) != MKT_OK ||
        a->b.amount < 0)
        return usage_error("promo", "--amount: '%s' is not an amount of %s (%d decimals)",
                           a->amount, a->b.currency, (int)dec);
    return -1;
}

static void print_money(const char *label, int64_t v, const char *currency)
{
    char buf[MKT_MONEY_BUFSZ];
    mkt_money_format(v, mkt_offer_currency_decimals(currency), buf, sizeof buf);
    printf("%s%s %s\n", label, buf, currency);
}

static void print_result(const mkt_offer_result *r, const char *currency, const char *verdict)
{
    const char *offer = mkt_offer_result_offer_id(r);
    printf("code\t%s\n", mkt_offer_result_code(r));
    printf("offer\t%s\n", offer ? offer : "-");
    printf("decision\t%s\n", mkt_offer_result_valid(r) ? verdict : "invalid");
    print_money("discount\t", mkt_offer_result_discount(r), currency);
    for (size_t i = 0; i < mkt_offer_result_reason_count(r); i++)
        printf("reason\t%s\t%s\n", mkt_offer_reason_name(mkt_offer_result_reason(r, i)),
               mkt_offer_result_reason_text(r, i));
}

static int load_offers(mkt_app *app, const char *path, mkt_offers **out)
{
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc != MKT_EXIT_OK)
        return rc;
    int st = mkt_offers_new(out, ctx);
    if (st == MKT_OK)
        st = mkt_offers_load_xml_file(*out, path);
    return st == MKT_OK ? MKT_EXIT_OK : app_fail(app, st);
}

static int needs_state(const mkt_app *app, const char *sub)
{
    if (app->state_path)
        return -1;
    return usage_error("promo", "promo %s needs --state FILE (without it nothing would "
                                "outlive this run)", sub);
}

/* validate and reserve. */
static int decide(mkt_app *app, offer_args *a, int reserve)
{
    int rc = booking_args(a);
    if (rc < 0 && a->ncodes > 1)
        rc = usage_error("promo", "promo %s takes one --code (see promo stack)", a->sub);
    if (rc < 0 && reserve && !a->b.booking_id)
        rc = usage_error("promo", "promo reserve needs --booking B");
    if (rc < 0 && reserve)
        rc = needs_state(app, a->sub);
    if (rc >= 0)
        return rc;
    mkt_offers *set = NULL;
    mkt_offer_result *r = NULL;
    if ((rc = load_offers(app, a->offer_file, &set)) != MKT_EXIT_OK) {
        mkt_offers_free(set);
        return rc;
    }
    int st = mkt_offer_result_new(&r, app->ctx);
    if (st == MKT_OK)
        st = reserve ? mkt_offers_reserve(set, app->ctx, a->codes[0], &a->b, r)
                     : mkt_offers_validate(set, app->ctx, a->codes[0], &a->b, r);
    if (st == MKT_OK) {
        print_result(r, a->b.currency, reserve ? "reserved" : "valid");
        rc = finish_output();
        if (rc == MKT_EXIT_OK && !mkt_offer_result_valid(r))
            rc = MKT_EXIT_FAIL;
    } else {
        rc = app_fail(app, st);
    }
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    return rc;
}

static int stack(mkt_app *app, offer_args *a)
{
    int rc = booking_args(a);
    if (rc >= 0)
        return rc;
    mkt_offers *set = NULL;
    mkt_offer_stack *st = NULL;
    if ((rc = load_offers(app, a->offer_file, &set)) != MKT_EXIT_OK) {
        mkt_offers_free(set);
        return rc;
    }
    int s = mkt_offer_stack_new(&st, app->ctx);
    if (s == MKT_OK)
        s = mkt_offers_stack(set, app->ctx, a->codes, (size_t)a->ncodes, &a->b, st);
    if (s == MKT_OK) {
        for (size_t i = 0; i < mkt_offer_stack_count(st); i++) {
            int32_t pos = mkt_offer_stack_order(st, i);
            print_result(mkt_offer_stack_item(st, i), a->b.currency, "chosen");
            if (pos >= 0)
                printf("applies	%d\n", (int)pos + 1);
            putchar('\n');
        }
        print_money("total\t", mkt_offer_stack_total(st), a->b.currency);
        rc = finish_output();
    } else {
        rc = app_fail(app, s);
    }
    mkt_offer_stack_free(st);
    mkt_offers_free(set);
    return rc;
}

/* commit and release. */
static int settle(mkt_app *app, offer_args *a, int commit)
{
    if (!a->offer_file || a->ncodes != 1 || !a->b.customer_id || !a->b.booking_id)
        return usage_error("promo", "promo %s needs --offer, one --code, --customer and "
                                    "--booking", a->sub);
    int rc = needs_state(app, a->sub);
    if (rc >= 0)
        return rc;
    mkt_offers *set = NULL;
    if ((rc = load_offers(app, a->offer_file, &set)) == MKT_EXIT_OK) {
        int st = commit ? mkt_offers_commit(set, app->ctx, a->codes[0], a->b.customer_id,
                                            a->b.booking_id)
                        : mkt_offers_release(set, app->ctx, a->codes[0], a->b.customer_id,
                                             a->b.booking_id);
        if (st == MKT_OK) {
            printf("%s\t%s\t%s\n", commit ? "committed" : "released", a->b.customer_id,
                   a->b.booking_id);
            rc = finish_output();
        } else {
            rc = app_fail(app, st);
        }
    }
    mkt_offers_free(set);
    return rc;
}

static int usage(mkt_app *app, offer_args *a)
{
    if (!a->offer_id)
        return usage_error("promo", "promo usage needs --offer-id ID");
    int32_t by = 0;
    if (a->by && strcmp(a->by, "route") == 0)
        by = MKT_OFFER_USAGE_BY_ROUTE;
    else if (a->by && strcmp(a->by, "booking-date") == 0)
        by = MKT_OFFER_USAGE_BY_BOOKING_DATE;
    else if (a->by)
        return usage_error("promo", "--by: '%s' is not route or booking-date", a->by);
    int rc = needs_state(app, a->sub);
    mkt_ctx *ctx;
    if (rc >= 0 || (rc = app_ctx(app, &ctx)) != MKT_EXIT_OK)
        return rc;
    int st;
    if (by) {
        char *text = NULL;
        if ((st = mkt_offer_usage_report(ctx, a->offer_id, by, &text)) == MKT_OK)
            fputs(text, stdout);
        mkt_free(text);
    } else {
        mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
        if ((st = mkt_offer_usage_get(ctx, a->offer_id, a->b.customer_id, &u)) == MKT_OK) {
            printf("held\t%lld\nredemptions\t%lld\ndiscount_total\t%lld\n"
                   "average_discount\t%lld\nbudget_used\t%lld\n",
                   (long long)u.held, (long long)u.redemptions, (long long)u.discount_total,
                   (long long)u.average_discount, (long long)u.budget_used);
            if (a->b.customer_id)
                printf("customer_uses\t%lld\n", (long long)u.customer_uses);
        }
    }
    return st == MKT_OK ? finish_output() : app_fail(app, st);
}

static int sweep(mkt_app *app, offer_args *a)
{
    int rc = needs_state(app, a->sub);
    mkt_ctx *ctx;
    if (rc >= 0 || (rc = app_ctx(app, &ctx)) != MKT_EXIT_OK)
        return rc;
    uint64_t n = 0;
    int st = mkt_offers_sweep(ctx, &n);
    if (st != MKT_OK)
        return app_fail(app, st);
    printf("released\t%llu\n", (unsigned long long)n);
    return finish_output();
}

int promo_offer_run(mkt_app *app, int argc, char **argv)
{
    static const char *const subs[] = {"validate", "reserve", "stack", "commit", "release",
                                       "usage", "sweep"};
    int which = -1;
    for (int i = 0; i < 7; i++)
        if (strcmp(argv[0], subs[i]) == 0)
            which = i;
    if (which < 0)
        return -1;
    offer_args a;
    int rc = parse_args(app, &a, argc, argv);
    if (rc >= 0)
        return rc;
    switch (which) {
    case 0: return decide(app, &a, 0);
    case 1: return decide(app, &a, 1);
    case 2: return stack(app, &a);
    case 3: return settle(app, &a, 1);
    case 4: return settle(app, &a, 0);
    case 5: return usage(app, &a);
    default: return sweep(app, &a);
    }
}
