/* SPDX-License-Identifier: MIT */
/*
 * `mkt privacy erase|export`: the right to be forgotten and the access request of privacy.h.
 * Both print JSON (the erasure receipt; the export to stdout or, atomically, to --out F).
 * Meant for --state FILE: without it the in-memory store starts empty and there is nothing to
 * erase or export.
 */
#include <string.h>

#include "mkt.h"
#include "outfile.h"

enum { OPT_CUSTOMER = OPT_FIRST_COMMAND_OPTION, OPT_EMAIL, OPT_PHONE, OPT_ACTOR, OPT_OUT };

void cmd_privacy_usage(FILE *out)
{
    fputs("Usage: mkt privacy erase --customer ID [--email ADDR] [--phone NUMBER] [--actor WHO]\n"
          "       mkt privacy export --customer ID [--out F] [--actor WHO]\n"
          "\n"
          "Requests of a customer about their data (doc/privacy.md).\n"
          "  erase   right to be forgotten: delete every per-customer key of the customer,\n"
          "          leave salted-hash tombstones of the id (and of --email / --phone) so a\n"
          "          re-import stays suppressed, drop the customer's text from the audit\n"
          "          records. Prints the receipt (JSON). Safe to run again after a failure.\n"
          "  export  access request: everything stored about the customer as one JSON\n"
          "          document (to --out F, written atomically, or stdout).\n"
          "Both are audited. Use --state FILE: the state lives there.\n"
          "  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

static const struct option privacy_options[] = {
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "email", required_argument, NULL, OPT_EMAIL },
    { "phone", required_argument, NULL, OPT_PHONE },
    { "actor", required_argument, NULL, OPT_ACTOR },
    { "out", required_argument, NULL, OPT_OUT },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

typedef struct privacy_args {
    mkt_erase_request req;
    const char *out;
} privacy_args;

static int run_erase(mkt_app *app, privacy_args *a)
{
    if (a->out)
        return usage_error("privacy", "--out is for export");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    char *receipt = NULL;
    rc = mkt_privacy_erase(ctx, &a->req, &receipt);
    if (rc)
        return app_fail(app, rc);
    printf("%s\n", receipt);
    mkt_free(receipt);
    return finish_output();
}

static int run_export(mkt_app *app, privacy_args *a)
{
    if (a->req.email || a->req.phone)
        return usage_error("privacy", "--email and --phone are for erase");
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    char *json = NULL;
    rc = mkt_privacy_export(ctx, a->req.customer_id, a->req.actor, &json);
    if (rc)
        return app_fail(app, rc);
    outfile o;
    rc = outfile_open(&o, a->out ? a->out : "-");
    if (rc == MKT_EXIT_OK) {
        fprintf(o.f, "%s\n", json);
        rc = outfile_commit(&o);
    }
    mkt_free(json);
    return rc;
}

int cmd_privacy(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("privacy");
    privacy_args a = { MKT_ERASE_REQUEST_INIT, NULL };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", privacy_options, NULL)) != -1) {
        switch (c) {
        case OPT_CUSTOMER: a.req.customer_id = optarg; break;
        case OPT_EMAIL: a.req.email = optarg; break;
        case OPT_PHONE: a.req.phone = optarg; break;
        case OPT_ACTOR: a.req.actor = optarg; break;
        case OPT_OUT: a.out = optarg; break;
        default: {
            int rc = common_option(app, self, c, argv);
            if (rc >= 0)
                return rc;
        }
        }
    }
    if (optind >= argc)
        return usage_error("privacy", "no subcommand given: erase or export");
    if (optind + 1 < argc)
        return usage_error("privacy", "unexpected argument '%s'", argv[optind + 1]);
    if (a.req.customer_id == NULL)
        return usage_error("privacy", "--customer ID is required");
    if (strcmp(argv[optind], "erase") == 0)
        return run_erase(app, &a);
    if (strcmp(argv[optind], "export") == 0)
        return run_export(app, &a);
    return usage_error("privacy", "unknown subcommand '%s'", argv[optind]);
}
