/* SPDX-License-Identifier: MIT */
/*
 * `mkt consent sms-inbound --from PHONE|--customer ID --text T`: an inbound SMS through
 * mkt_sms_inbound(); prints the reply the SMS gateway should send (nothing when the text is no
 * keyword) and the action to stderr. Called by the consent command's dispatcher
 * (cmd-consent.c) with argv[0] = "sms-inbound". Hosts that know their subscribers only by
 * number use --from: the E.164 number (digits and a leading '+') is then the customer id.
 */
#include <string.h>

#include "mkt.h"

enum { OPT_FROM = OPT_FIRST_COMMAND_OPTION, OPT_CUSTOMER, OPT_TEXT, OPT_BRAND, OPT_HELP_TEXT };

void consent_sms_inbound_usage(FILE *out)
{
    fputs("Usage: mkt consent sms-inbound (--from PHONE | --customer ID) --text T\n"
          "                               [--brand NAME] [--help-text TEXT]\n"
          "\n"
          "Handle an inbound SMS: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT opt out (DNC),\n"
          "START, YES, UNSTOP opt in, HELP, INFO get the help text (doc/privacy.md says which\n"
          "forms count). Prints the reply to send, or nothing when the text is no keyword;\n"
          "'action: opt-out|opt-in|help|none' goes to stderr.\n"
          "  --from PHONE   the sender; its digits (and leading '+') are the customer id\n"
          "  --brand NAME   program name in the replies (default Marketing)\n"
          "  --help-text T  the whole HELP reply ({brand} is replaced)\n"
          "  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

static const struct option sms_options[] = {
    { "from", required_argument, NULL, OPT_FROM },
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "text", required_argument, NULL, OPT_TEXT },
    { "brand", required_argument, NULL, OPT_BRAND },
    { "help-text", required_argument, NULL, OPT_HELP_TEXT },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* The number's digits with a leading '+', into @out (room for 64 bytes); 0 if none. */
static size_t phone_id(const char *from, char out[64])
{
    size_t n = 0;
    for (const char *p = from; *p && n < 63; p++)
        if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
            out[n++] = *p;
    out[n] = '\0';
    return n > (out[0] == '+') ? n : 0;
}

static const char *action_name(int32_t a)
{
    static const char *const names[] = { "none", "opt-out", "opt-in", "help" };
    return a >= 0 && a <= 3 ? names[a] : "none";
}

static const mkt_command sms_command = { "consent sms-inbound", NULL, NULL,
                                         consent_sms_inbound_usage };

int consent_sms_inbound(mkt_app *app, int argc, char **argv)
{
    const char *from = NULL, *customer = NULL, *text = NULL;
    mkt_sms_options o;
    mkt_sms_options_init(&o);
    optind = 0; /* the dispatcher may have run getopt already: start afresh */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", sms_options, NULL)) != -1) {
        switch (c) {
        case OPT_FROM: from = optarg; break;
        case OPT_CUSTOMER: customer = optarg; break;
        case OPT_TEXT: text = optarg; break;
        case OPT_BRAND: o.brand = optarg; break;
        case OPT_HELP_TEXT: o.help_reply = optarg; break;
        default: {
            int rc = common_option(app, &sms_command, c, argv);
            if (rc >= 0)
                return rc;
        }
        }
    }
    if (optind < argc)
        return usage_error("consent", "unexpected argument '%s'", argv[optind]);
    if ((from == NULL) == (customer == NULL))
        return usage_error("consent", "sms-inbound needs exactly one of --from and --customer");
    if (text == NULL)
        return usage_error("consent", "sms-inbound needs --text");
    char id[64];
    if (from != NULL && phone_id(from, id) == 0)
        return usage_error("consent", "--from '%s' has no digits", from);
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    int32_t action = 0;
    char *reply = NULL;
    rc = mkt_sms_inbound(ctx, &o, from ? id : customer, text, &action, &reply);
    if (rc)
        return app_fail(app, rc);
    fprintf(stderr, "action: %s\n", action_name(action));
    if (reply)
        printf("%s\n", reply);
    mkt_free(reply);
    return finish_output();
}
