/* SPDX-License-Identifier: MIT */
/*
 * `mkt consent check|import|sms-inbound`: the contact decision and the consent records of
 * consent.h over the command line, against the durable SQLite store of --state FILE (also
 * spelled --store FILE here, as in the issue). sms-inbound lives in consent-sms.c.
 * `check` exits 0 for allow and 3 for deny, so scripts can branch on it.
 */
#include <stdlib.h>
#include <string.h>

#include "mkt.h"

#define MKT_EXIT_DENY 3

enum { OPT_CUSTOMER = OPT_FIRST_COMMAND_OPTION, OPT_CHANNEL, OPT_PURPOSE, OPT_CLASS, OPT_AT,
       OPT_ZONE, OPT_REGION, OPT_INVALID_ADDRESS, OPT_SEND, OPT_QUIET_RULES, OPT_INPUT,
       OPT_STORE, OPT_JSON };

void cmd_consent_usage(FILE *out)
{
    fputs("Usage: mkt consent check --customer ID --channel C [--purpose P]\n"
          "                   [--class promotional|transactional] [--at TS] [--zone Z]\n"
          "                   [--region R] [--invalid-address] [--send] [--quiet-rules F.csv]\n"
          "                   [--json]\n"
          "       mkt consent import --input F.csv\n"
          "       mkt consent sms-inbound (--from PHONE | --customer ID) --text T ...\n"
          "\n"
          "Consent, do-not-contact lists, preferences, caps and quiet hours (doc/consent.md).\n"
          "  check   may we contact the customer on channel C (email, sms, push, in_app, web,\n"
          "          social) for purpose P at time TS (seconds since 1970 or\n"
          "          YYYY-MM-DDTHH:MM:SSZ; default now)? Prints 'allow' or 'deny', then one\n"
          "          line per reason 'name: text', and 'next_allowed: TS' when only quiet\n"
          "          hours or caps stand in the way. Exit status 0 allow, 3 deny.\n"
          "          --zone is the customer's IANA time zone (default UTC), --region its\n"
          "          country or region (US-FL) for quiet-hour rules; --send records a real\n"
          "          send (counted against caps, audited). --json prints one object instead:\n"
          "          {\"allow\":B,\"reasons\":[{\"code\":N,\"text\":T}...],\"next_allowed\":TS|null}.\n"
          "  import  apply consent, DNC and preference rows from a CSV file with the header\n"
          "          customer_id,kind,channel,value,ts,source (kinds: consent, dnc,\n"
          "          promotional, transactional, cap_daily, cap_weekly, cap_monthly,\n"
          "          topic_chosen, topic_excluded, topic_clear). Stops at the first bad row.\n"
          "  sms-inbound  apply an inbound SMS keyword ('mkt consent sms-inbound --help').\n"
          "\n"
          "State lives in the SQLite file of --state (alias --store); without it nothing\n"
          "survives the run.\n"
          "  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

static const struct option consent_options[] = {
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "channel", required_argument, NULL, OPT_CHANNEL },
    { "purpose", required_argument, NULL, OPT_PURPOSE },
    { "class", required_argument, NULL, OPT_CLASS },
    { "at", required_argument, NULL, OPT_AT },
    { "zone", required_argument, NULL, OPT_ZONE },
    { "region", required_argument, NULL, OPT_REGION },
    { "invalid-address", no_argument, NULL, OPT_INVALID_ADDRESS },
    { "send", no_argument, NULL, OPT_SEND },
    { "quiet-rules", required_argument, NULL, OPT_QUIET_RULES },
    { "input", required_argument, NULL, OPT_INPUT },
    { "store", required_argument, NULL, OPT_STORE },
    { "json", no_argument, NULL, OPT_JSON },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

static const mkt_command consent_command = { "consent", NULL, NULL, cmd_consent_usage };

static int parse_channel(const char *s)
{
    static const char *const names[] = { "email", "sms", "push", "in_app", "web", "social" };
    for (int i = 0; i < 6; i++)
        if (strcmp(s, names[i]) == 0)
            return i + 1;
    return 0;
}

struct check_args {
    mkt_contact_request req;
    const char *quiet_rules, *input;
    int json;
};

static int parse_at(const char *s, mkt_time *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s && *end == '\0' && v > 0) {
        *out = v;
        return 0;
    }
    return mkt_time_parse(out, s, strlen(s)) == MKT_OK && *out > 0 ? 0 : -1;
}

/* One option of check/import: -1 to go on, or an exit status. */
static int take_option(mkt_app *app, struct check_args *a, int c, char **argv)
{
    switch (c) {
    case OPT_CUSTOMER: a->req.customer_id = optarg; return -1;
    case OPT_CHANNEL:
        if ((a->req.channel = parse_channel(optarg)) == 0)
            return usage_error("consent", "--channel '%s' is not email, sms, push, in_app, "
                               "web or social", optarg);
        return -1;
    case OPT_PURPOSE: a->req.purpose = optarg; return -1;
    case OPT_CLASS:
        if (strcmp(optarg, "promotional") == 0)
            a->req.message_class = MKT_CLASS_PROMOTIONAL;
        else if (strcmp(optarg, "transactional") == 0)
            a->req.message_class = MKT_CLASS_TRANSACTIONAL;
        else
            return usage_error("consent", "--class '%s' is not promotional or transactional",
                               optarg);
        return -1;
    case OPT_AT:
        if (parse_at(optarg, &a->req.at))
            return usage_error("consent", "--at '%s' is not seconds since 1970 or "
                               "YYYY-MM-DDTHH:MM:SSZ", optarg);
        return -1;
    case OPT_ZONE: a->req.time_zone = optarg; return -1;
    case OPT_REGION: a->req.region = optarg; return -1;
    case OPT_INVALID_ADDRESS: a->req.address = MKT_ADDRESS_INVALID; return -1;
    case OPT_SEND: a->req.flags |= MKT_CONTACT_SEND; a->req.actor = "mkt"; return -1;
    case OPT_QUIET_RULES: a->quiet_rules = optarg; return -1;
    case OPT_INPUT: a->input = optarg; return -1;
    case OPT_STORE: app->state_path = optarg; return -1;
    case OPT_JSON: a->json = 1; return -1;
    default: return common_option(app, &consent_command, c, argv);
    }
}

static void print_decision(const mkt_contact_decision *d)
{
    printf("%s\n", d->allow ? "allow" : "deny");
    for (int32_t code = 1; code < 32; code++)
        if (d->reasons & (1u << code))
            printf("%s: %s\n", mkt_contact_reason_name(code), mkt_contact_reason_text(code));
    if (d->next_allowed) {
        char buf[MKT_TIME_BUFSZ];
        fmt_time(buf, d->next_allowed);
        printf("next_allowed: %s\n", buf);
    }
}

/* The same decision as one JSON object, for scripts. */
static void print_decision_json(const mkt_contact_decision *d)
{
    printf("{\"allow\":%s,\"reasons\":[", d->allow ? "true" : "false");
    const char *sep = "";
    for (int32_t code = 1; code < 32; code++) {
        if (!(d->reasons & (1u << code)))
            continue;
        printf("%s{\"code\":", sep);
        json_string(stdout, mkt_contact_reason_name(code));
        fputs(",\"text\":", stdout);
        json_string(stdout, mkt_contact_reason_text(code));
        putchar('}');
        sep = ",";
    }
    fputs("],\"next_allowed\":", stdout);
    if (d->next_allowed) {
        char buf[MKT_TIME_BUFSZ];
        fmt_time(buf, d->next_allowed);
        json_string(stdout, buf);
    } else {
        fputs("null", stdout);
    }
    fputs("}\n", stdout);
}

static int run_check(mkt_app *app, struct check_args *a)
{
    if (a->req.customer_id == NULL || a->req.channel == 0)
        return usage_error("consent", "check needs --customer and --channel");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    mkt_consent *policy = NULL;
    rc = mkt_consent_new(&policy, ctx, NULL);
    if (rc == MKT_OK && a->quiet_rules)
        rc = mkt_consent_load_quiet_rules(policy, a->quiet_rules);
    mkt_contact_decision d = { sizeof d, 0, 0, 0, 0 };
    if (rc == MKT_OK)
        rc = mkt_consent_check(policy, &a->req, &d);
    mkt_consent_free(policy);
    if (rc)
        return app_fail(app, rc);
    if (a->json)
        print_decision_json(&d);
    else
        print_decision(&d);
    int out = finish_output();
    return out ? out : d.allow ? MKT_EXIT_OK : MKT_EXIT_DENY;
}

static int run_import(mkt_app *app, struct check_args *a)
{
    if (a->input == NULL)
        return usage_error("consent", "import needs --input F.csv");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    uint64_t rows = 0;
    rc = mkt_consent_import(ctx, a->input, &rows);
    if (rc) {
        fprintf(stderr, "mkt: %llu rows applied before the error\n", (unsigned long long)rows);
        return app_fail(app, rc);
    }
    printf("imported %llu rows from %s\n", (unsigned long long)rows, a->input);
    return finish_output();
}

int cmd_consent(mkt_app *app, int argc, char **argv)
{
    if (argc < 2)
        return usage_error("consent", "a subcommand is needed: check, import or sms-inbound");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        cmd_consent_usage(stdout);
        return MKT_EXIT_OK;
    }
    if (strcmp(sub, "sms-inbound") == 0)
        return consent_sms_inbound(app, argc - 1, argv + 1);
    if (strcmp(sub, "check") != 0 && strcmp(sub, "import") != 0)
        return usage_error("consent", "unknown subcommand '%s'", sub);
    struct check_args a = { MKT_CONTACT_REQUEST_INIT, NULL, NULL, 0 };
    a.req.message_class = MKT_CLASS_PROMOTIONAL;
    optind = 0; /* getopt starts afresh on the subcommand's arguments */
    opterr = 0;
    int c;
    char **sub_argv = argv + 1;
    while ((c = getopt_long(argc - 1, sub_argv, ":h", consent_options, NULL)) != -1) {
        int rc = take_option(app, &a, c, sub_argv);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc - 1)
        return usage_error("consent", "unexpected argument '%s'", sub_argv[optind]);
    return strcmp(sub, "check") == 0 ? run_check(app, &a) : run_import(app, &a);
}
