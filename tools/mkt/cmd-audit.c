/* SPDX-License-Identifier: MIT */
/*
 * `mkt audit verify`: check the audit hash chain of the state file (mkt_audit_verify). Prints
 * the number of records and the head hash (publish it elsewhere to anchor the chain); a broken
 * chain prints the first bad record and exits 3, like a denied `mkt consent check`.
 */
#include <inttypes.h>
#include <string.h>

#include "mkt.h"

enum { MKT_EXIT_BROKEN = 3 };

void cmd_audit_usage(FILE *out)
{
    fputs("Usage: mkt audit verify [--json]\n"
          "\n"
          "Verify the hash chain of the audit records in the store (doc/privacy.md): every\n"
          "record number present, each record chaining to the one before, the last to the\n"
          "chain head. Prints 'intact: N records, head N HASH' and exits 0, or names the\n"
          "first bad record ('broken: ...') and exits 3.\n"
          "  --json         print one JSON object instead\n"
          "  --state FILE   SQLite state file (see 'mkt --help')\n"
          "  -h, --help     show this help\n", out);
}

enum { OPT_JSON = OPT_FIRST_COMMAND_OPTION };

static const struct option audit_options[] = {
    { "json", no_argument, NULL, OPT_JSON },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

static const char *problem_name(int32_t p)
{
    static const char *const names[] = { "intact", "modified", "gap", "reordered",
                                         "malformed", "beyond_head", "head", "subject" };
    return p >= 0 && p < (int32_t)(sizeof names / sizeof names[0]) ? names[p] : "unknown";
}

static void print_report(const mkt_audit_report *r, int json)
{
    char hex[2 * MKT_AUDIT_HASH_LEN + 1];
    for (int i = 0; i < MKT_AUDIT_HASH_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", r->head_hash[i]);
    if (json) {
        printf("{\"intact\":%s,\"problem\":\"%s\",\"records\":%" PRIu64 ",\"first_bad\":%" PRIu64
               ",\"head_seq\":%" PRIu64 ",\"head_hash\":\"%s\",\"message\":",
               r->intact ? "true" : "false", problem_name(r->problem), r->records, r->first_bad,
               r->head_seq, hex);
        json_string(stdout, r->message);
        printf("}\n");
    } else if (r->intact) {
        printf("intact: %" PRIu64 " records, head %" PRIu64 " %s\n", r->records, r->head_seq,
               hex);
    } else {
        printf("broken: %s (first bad record %" PRIu64 ", %s)\n", r->message, r->first_bad,
               problem_name(r->problem));
    }
}

int cmd_audit(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("audit");
    int json = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", audit_options, NULL)) != -1) {
        if (c == OPT_JSON) {
            json = 1;
            continue;
        }
        int rc = common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind >= argc)
        return usage_error("audit", "no subcommand given: verify");
    if (optind + 1 < argc)
        return usage_error("audit", "unexpected argument '%s'", argv[optind + 1]);
    if (strcmp(argv[optind], "verify") != 0)
        return usage_error("audit", "unknown subcommand '%s'", argv[optind]);
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    mkt_audit_report r;
    r.struct_size = sizeof r;
    rc = mkt_audit_verify(ctx, &r);
    if (rc)
        return app_fail(app, rc);
    print_report(&r, json);
    rc = finish_output();
    return rc ? rc : r.intact ? MKT_EXIT_OK : MKT_EXIT_BROKEN;
}
