/* SPDX-License-Identifier: MIT */
/*
 * `mkt segment <subcommand>`: the options of the segment commands and their checks. Options
 * may stand before or after the subcommand word; each subcommand says which data files it
 * needs and which of the subcommand-specific options (--out, --gzip, --customer) it takes, so
 * a misplaced option is a usage error rather than silently ignored. The work itself is in
 * segment-run.c.
 */
#include <string.h>

#include "cmd-segment.h"

enum { OPT_RULE = OPT_FIRST_OWN_OPTION, OPT_AS_OF, OPT_OUT, OPT_GZIP, OPT_CUSTOMER,
       OPT_SEGMENT, OPT_FILE, OPT_NAME, OPT_ALL };

/* What a subcommand accepts or needs (bit flags). */
enum {
    TAKES_DATA = 1,  /* --customers, --bookings, --events */
    NEEDS_DATA = 2,  /* --customers and --bookings are required */
    TAKES_OUT = 4,   /* --out (required) and --gzip */
    TAKES_ID = 8,    /* --customer (required) */
    NO_RULE = 16,    /* takes no rule (--rule, --segment, --name, --all) */
    TAKES_ARG = 32,  /* one NAME word after the subcommand (required) */
    TAKES_ALL = 64   /* --all */
};

static const struct subcommand {
    const char *name;
    int flags;
    int (*run)(mkt_app *app, segment_args *a);
} subcommands[] = {
    { "count", TAKES_DATA | NEEDS_DATA | TAKES_ALL, segment_count },
    { "members", TAKES_DATA | NEEDS_DATA | TAKES_OUT, segment_members },
    { "check", TAKES_DATA, segment_check },
    { "explain", TAKES_DATA | NEEDS_DATA | TAKES_ID, segment_explain },
    { "list", NO_RULE, segment_list },
    { "show", NO_RULE | TAKES_ARG, segment_show },
};

void cmd_segment_usage(FILE *out)
{
    fputs("Usage: mkt segment count   --customers F --bookings F [--events F] [--as-of D]\n"
          "                           (--rule EXPR | --segment NAME | --file F [--name N]\n"
          "                            | --all [--file F])\n"
          "       mkt segment members --customers F --bookings F [--events F] [--as-of D]\n"
          "                           --rule EXPR --out F [--gzip]\n"
          "       mkt segment check   --rule EXPR [--customers F] [--bookings F] [--events F]\n"
          "       mkt segment explain --customers F --bookings F [--events F] [--as-of D]\n"
          "                           --rule EXPR --customer ID\n"
          "       mkt segment list    [--file F]\n"
          "       mkt segment show    NAME [--file F]\n"
          "\n"
          "Wherever --rule EXPR is accepted, --segment NAME (a predefined segment, see\n"
          "'mkt segment list') or --file DEFS.xml [--name N] (a segment of a definitions\n"
          "file) may stand instead; `in segment 'Name'` resolves through that catalog.\n"
          "\n"
          "Evaluate a segment rule (see doc/rules.md) over customer, booking and event files.\n"
          "\n"
          "Subcommands:\n"
          "  count     print the number of customers the rule selects\n"
          "  members   write their ids as CSV (header customer_id, sorted by byte order)\n"
          "  check     print the rule in normalized form; with data files, also check its\n"
          "            fields, operators and values against them\n"
          "  explain   show which clauses hold for one customer and the values they saw\n"
          "  list      print id,name,category,available of every catalog segment (CSV)\n"
          "  show      print one catalog segment: its definition and normalized rule\n"
          "\n"
          "Options:\n"
          "  --rule EXPR        the rule, e.g. \"customer.tier in ('GOLD','PLATINUM')\"\n"
          "  --customers FILE   customers.csv (plain or .gz)\n"
          "  --bookings FILE    bookings.csv\n"
          "  --events FILE      events.csv (for the event.* fields)\n"
          "  --as-of DATE       YYYY-MM-DD: the date the booking.* and event.* fields are\n"
          "                     computed at, and 'today' in the rule (default: today's UTC\n"
          "                     date from the system clock)\n"
          "  --out FILE         members: output file, written atomically; '-' for stdout\n"
          "  --gzip             members: gzip the output (implied by a FILE ending in .gz)\n"
          "  --customer ID      explain: the customer's id\n"
          "  --segment NAME     a predefined segment, by name or id\n"
          "  --file FILE        XML segment definitions (doc/segments.md) used instead of\n"
          "                     the predefined catalog\n"
          "  --name N           the segment of --file to use (needed when it holds several)\n"
          "  --all              count: CSV segment,members,share for every catalog segment\n"
          "                     (unavailable ones with members and share empty)\n"
          "  --separator C      field separator of the input files, one byte or 'tab'\n"
          "  --no-progress      no progress line (it is shown only when stderr is a terminal)\n"
          "  --state FILE       SQLite state file (see 'mkt --help')\n"
          "  -h, --help         show this help\n", out);
}

static const struct option segment_options[] = {
    MKT_INPUT_LONG_OPTIONS,
    { "rule", required_argument, NULL, OPT_RULE },
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "out", required_argument, NULL, OPT_OUT },
    { "gzip", no_argument, NULL, OPT_GZIP },
    { "customer", required_argument, NULL, OPT_CUSTOMER },
    { "segment", required_argument, NULL, OPT_SEGMENT },
    { "file", required_argument, NULL, OPT_FILE },
    { "name", required_argument, NULL, OPT_NAME },
    { "all", no_argument, NULL, OPT_ALL },
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

static int own_option(segment_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_RULE: a->rule = arg; break;
    case OPT_OUT: a->out = arg; break;
    case OPT_GZIP: a->gzip = 1; break;
    case OPT_CUSTOMER: a->customer = arg; break;
    case OPT_SEGMENT: a->segment = arg; break;
    case OPT_FILE: a->file = arg; break;
    case OPT_NAME: a->name = arg; break;
    case OPT_ALL: a->all = 1; break;
    case OPT_AS_OF:
        a->has_as_of = 1;
        if (mkt_date_parse(&a->as_of, arg, strlen(arg)) != MKT_OK)
            return usage_error("segment", "invalid --as-of date '%s': expected YYYY-MM-DD",
                               arg);
        break;
    default:
        return usage_error("segment", "internal error: unhandled option %d", c);
    }
    return -1;
}

static const struct subcommand *find_subcommand(const char *name)
{
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(subcommands[i].name, name) == 0)
            return &subcommands[i];
    return NULL;
}

/* Where the rule comes from: exactly one of --rule, --segment, --file [--name], --all. */
static int check_rule_source(const struct subcommand *sub, const segment_args *a)
{
    const char *n = sub->name;
    if (sub->flags & NO_RULE) {
        if (a->rule || a->segment || a->name || a->all)
            return usage_error("segment", "segment %s takes no %s", n,
                               a->rule ? "--rule" : a->segment ? "--segment"
                                                  : a->name ? "--name" : "--all");
        return -1;
    }
    if (a->all && !(sub->flags & TAKES_ALL))
        return usage_error("segment", "--all applies to 'segment count' only");
    if ((a->rule != NULL) + (a->segment != NULL) + a->all > 1)
        return usage_error("segment", "give only one of --rule, --segment and --all");
    if (a->name && (!a->file || a->rule || a->all))
        return usage_error("segment", "--name N chooses a segment of --file F");
    if (a->segment && a->file)
        return usage_error("segment", "--segment names a predefined segment; use --name with "
                                      "--file");
    if (!a->rule && !a->segment && !a->file && !a->all)
        return usage_error("segment", "segment %s needs --rule EXPR, --segment NAME or --file F",
                           n);
    return -1;
}

/* The options that @sub does not take, and the ones it needs. */
static int check_options(const struct subcommand *sub, const segment_args *a)
{
    const char *n = sub->name;
    int rc = check_rule_source(sub, a);
    if (rc >= 0)
        return rc;
    if (!(sub->flags & TAKES_OUT) && (a->out != NULL || a->gzip))
        return usage_error("segment", "%s applies to 'segment members' only",
                           a->out ? "--out" : "--gzip");
    if (!(sub->flags & TAKES_ID) && a->customer != NULL)
        return usage_error("segment", "--customer applies to 'segment explain' only");
    if ((sub->flags & NEEDS_DATA) && (a->in.files[FILE_CUSTOMERS].path == NULL ||
                                      a->in.files[FILE_BOOKINGS].path == NULL))
        return usage_error("segment", "segment %s needs --customers FILE and --bookings FILE",
                           n);
    if ((sub->flags & TAKES_OUT) && a->out == NULL)
        return usage_error("segment", "segment %s needs --out FILE ('-' for stdout)", n);
    if ((sub->flags & TAKES_ID) && a->customer == NULL)
        return usage_error("segment", "segment %s needs --customer ID", n);
    return -1;
}

/* Options may come before or after the subcommand (GNU getopt moves the words to the end).
 * Returns -1 to go on with *sub set, or the exit code (usage error, or 0 after --help). */
static int parse_args(mkt_app *app, int argc, char **argv, segment_args *a,
                      const struct subcommand **sub)
{
    const mkt_command *self = mkt_command_find("segment");
    memset(a, 0, sizeof *a);
    input_init(&a->in);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", segment_options, NULL)) != -1) {
        int rc = IS_INPUT_OPTION(c)  ? input_option(&a->in, "segment", c, optarg)
                 : c >= OPT_RULE && c <= OPT_ALL ? own_option(a, c, optarg)
                                                      : common_option(app, self, c, argv);
        if (rc >= 0)
            return rc;
    }
    if (optind >= argc)
        return usage_error("segment", "no subcommand given: count, members, check, explain, "
                                      "list or show");
    if ((*sub = find_subcommand(argv[optind])) == NULL)
        return usage_error("segment", "unknown subcommand '%s'", argv[optind]);
    int words = 1;
    if ((*sub)->flags & TAKES_ARG) {
        if (optind + 1 >= argc)
            return usage_error("segment", "segment %s needs a NAME", (*sub)->name);
        a->arg = argv[optind + 1];
        words = 2;
    }
    if (optind + words < argc)
        return usage_error("segment", "unexpected argument '%s'", argv[optind + words]);
    if (a->out != NULL) {
        size_t n = strlen(a->out);
        if (n > 3 && strcmp(a->out + n - 3, ".gz") == 0)
            a->gzip = 1;
    }
    return check_options(*sub, a);
}

int cmd_segment(mkt_app *app, int argc, char **argv)
{
    segment_args a;
    const struct subcommand *sub = NULL;
    int rc = parse_args(app, argc, argv, &a, &sub);
    return rc >= 0 ? rc : sub->run(app, &a);
}
