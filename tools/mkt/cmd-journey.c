/* SPDX-License-Identifier: MIT */
/*
 * `mkt journey validate|show F.xml`: load a journey definition with every load-time check
 * (journey.h) and print all problems with their line (validate), or draw it as text (show).
 * Segment names resolve through the built-in catalog plus any --catalog file; templates,
 * offers and events are checked only when their registry is given; rules are compiled
 * against the columns of --customers when given. `mkt journey simulate` replays events
 * through the engine (journey-sim.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "journey-sim.h"

enum { OPT_CATALOG = OPT_FIRST_OWN_OPTION, OPT_TEMPLATES, OPT_OFFERS, OPT_EVENTS_LIST, OPT_NOW,
       OPT_JOURNEY, OPT_FROM, OPT_TO, OPT_OUTBOX, OPT_PROMO_LENGTH, OPT_PROMO_CHARSET,
       OPT_PROMO_PREFIX, OPT_PROMO_SUFFIX, OPT_PROMO_PATTERN, OPT_PROMO_CHECK_CHAR,
       OPT_PROMO_SECRET_FILE };

void cmd_journey_usage(FILE *out)
{
    fputs("Usage: mkt journey validate F.xml [registries]\n"
          "       mkt journey show F.xml [registries]\n"
          "       mkt journey simulate --journey F.xml [--customers F] [--bookings F]\n"
          "                            [--events F] [--from T] [--to T] [--outbox F]\n"
          "                            [--promo-secret-file F] [promo format options]\n"
          "\n"
          "Journey definitions (doc/journeys.md).\n"
          "  validate  load F.xml with every load-time check; print each problem as\n"
          "            F.xml:LINE:COLUMN: CHECK: message (and a hint) on stderr; exit 1 if\n"
          "            there is any, else print a one-line summary.\n"
          "  show      draw the journey as text: its settings and goals, then a tree from\n"
          "            each entry (a node met again is shown as '-> go to ID').\n"
          "  simulate  replay the events of --events (and a BOOKING_COMPLETED event per\n"
          "            confirmed booking of --bookings) in time order through the journey\n"
          "            engine with a simulated clock and an in-memory store (--state is not\n"
          "            touched); print per-node counts. --from/--to keep events in\n"
          "            [from, to) and stop the clock at --to (default: 366 days after the\n"
          "            last event); --outbox F writes every message and every\n"
          "            update/tag/emit action as CSV\n"
          "            time,customer_id,channel,template,node,action,detail (a send\n"
          "            that issued an offer code has detail offer=ID:CODE).\n"
          "            Sends with an offer issue the customer's code (as mkt promo derive):\n"
          "            keyed by --promo-secret-file F (as promo derive's --secret-file), in\n"
          "            the format of --promo-length, --promo-charset, --promo-prefix,\n"
          "            --promo-suffix, --promo-pattern, --promo-check-char (as promo\n"
          "            generate's options; default 8 unambiguous characters). Without a\n"
          "            secret file the run draws a random secret: codes are random per run.\n"
          "\n"
          "Registries (a registry not given is not checked):\n"
          "  --catalog F.xml        more segment definitions beside the built-in ones\n"
          "  --templates LIST       known template ids\n"
          "  --offers LIST          known offer ids\n"
          "  --event-types LIST     known event types\n"
          "      LIST is comma-separated names, or @FILE with one name per line.\n"
          "  --customers F.csv      compile rules against this customer file's columns\n"
          "  --separator C          field separator of F.csv (default ',')\n"
          "  --now TIME             validation time for waits until a date (default: now)\n"
          "  --state FILE           SQLite state file (see 'mkt --help')\n"
          "  -h, --help             show this help\n", out);
}

static const struct option journey_options[] = {
    { "catalog", required_argument, NULL, OPT_CATALOG },
    { "templates", required_argument, NULL, OPT_TEMPLATES },
    { "offers", required_argument, NULL, OPT_OFFERS },
    { "event-types", required_argument, NULL, OPT_EVENTS_LIST },
    { "now", required_argument, NULL, OPT_NOW },
    { "journey", required_argument, NULL, OPT_JOURNEY },
    { "from", required_argument, NULL, OPT_FROM },
    { "to", required_argument, NULL, OPT_TO },
    { "outbox", required_argument, NULL, OPT_OUTBOX },
    { "promo-length", required_argument, NULL, OPT_PROMO_LENGTH },
    { "promo-charset", required_argument, NULL, OPT_PROMO_CHARSET },
    { "promo-prefix", required_argument, NULL, OPT_PROMO_PREFIX },
    { "promo-suffix", required_argument, NULL, OPT_PROMO_SUFFIX },
    { "promo-pattern", required_argument, NULL, OPT_PROMO_PATTERN },
    { "promo-check-char", no_argument, NULL, OPT_PROMO_CHECK_CHAR },
    { "promo-secret-file", required_argument, NULL, OPT_PROMO_SECRET_FILE },
    MKT_INPUT_LONG_OPTIONS,
    MKT_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 },
};

/* A registry given on the command line: names pointing into one buffer. */
typedef struct name_list {
    char *buf;
    const char **names;
    size_t n;
    int given;
} name_list;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 < cap)
            continue;
        char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    if (buf)
        buf[len] = '\0';
    fclose(f);
    return buf;
}

/* "a,b,c" or "@FILE" (one name per line) -> names; 0 on success. */
static int names_parse(name_list *l, const char *arg)
{
    l->buf = arg[0] == '@' ? read_all(arg + 1) : strdup(arg);
    if (!l->buf)
        return -1;
    const char *seps = arg[0] == '@' ? "\r\n" : ",";
    size_t cap = 1;
    for (const char *p = l->buf; *p; p++)
        cap += strchr(seps, *p) != NULL;
    l->names = calloc(cap, sizeof *l->names);
    if (!l->names)
        return -1;
    for (char *tok = strtok(l->buf, seps); tok; tok = strtok(NULL, seps)) {
        while (*tok == ' ')
            tok++;
        if (*tok && l->n < cap)
            l->names[l->n++] = tok;
    }
    l->given = 1;
    return 0;
}

static void names_free(name_list *l)
{
    free(l->buf);
    free(l->names);
}

typedef struct journey_args {
    const char *catalog;
    name_list templates, offers, events;
    mkt_time now;
    input_set in;
    const char *journey; /* simulate --journey */
    sim_options sim;
} journey_args;

static int parse_time_option(const char *name, const char *arg, mkt_time *out)
{
    if (mkt_time_parse(out, arg, strlen(arg)) != MKT_OK)
        return usage_error("journey", "--%s '%s' is not a time (YYYY-MM-DDTHH:MM:SSZ)", name,
                           arg);
    return -1;
}

/* The promo code options of simulate (the format and secret of issued offer codes). */
static int promo_option(sim_options *o, int c, const char *arg)
{
    char *end = NULL;
    long len = 0;
    switch (c) {
    case OPT_PROMO_LENGTH:
        errno = 0;
        len = (*arg >= '0' && *arg <= '9') ? strtol(arg, &end, 10) : 0;
        if (errno || len < 1 || len >= MKT_PROMO_MAX_LEN || *end)
            return usage_error("journey", "invalid --promo-length '%s': expected 1..%d", arg,
                               MKT_PROMO_MAX_LEN - 1);
        o->promo.length = (int32_t)len;
        break;
    case OPT_PROMO_CHARSET: o->promo.charset = arg; break;
    case OPT_PROMO_PREFIX: o->promo.prefix = arg; break;
    case OPT_PROMO_SUFFIX: o->promo.suffix = arg; break;
    case OPT_PROMO_PATTERN: o->promo.pattern = arg; break;
    case OPT_PROMO_CHECK_CHAR: o->promo.check_char = 1; break;
    default: o->promo_secret_file = arg; break;
    }
    return -1;
}

static int own_option(journey_args *a, int c, const char *arg)
{
    if (c >= OPT_PROMO_LENGTH)
        return promo_option(&a->sim, c, arg);
    name_list *l = c == OPT_TEMPLATES ? &a->templates : c == OPT_OFFERS ? &a->offers
                   : c == OPT_EVENTS_LIST ? &a->events : NULL;
    if (c == OPT_CATALOG) {
        a->catalog = arg;
    } else if (c == OPT_NOW) {
        return parse_time_option("now", arg, &a->now);
    } else if (c == OPT_FROM) {
        return parse_time_option("from", arg, &a->sim.from);
    } else if (c == OPT_TO) {
        return parse_time_option("to", arg, &a->sim.to);
    } else if (c == OPT_JOURNEY) {
        a->journey = arg;
    } else if (c == OPT_OUTBOX) {
        a->sim.outbox = arg;
    } else if (l) {
        names_free(l);
        memset(l, 0, sizeof *l);
        if (names_parse(l, arg) != 0)
            return usage_error("journey", "cannot read the list '%s'", arg);
    }
    return -1;
}

static void print_issues(const mkt_journey_issues *issues)
{
    size_t n = mkt_journey_issues_count(issues);
    for (size_t i = 0; i < n; i++) {
        mkt_journey_issue is = {sizeof is, 0, 0, NULL, NULL, 0, 0, NULL, NULL};
        if (mkt_journey_issues_get(issues, i, &is) != MKT_OK)
            continue;
        fprintf(stderr, "%s:", is.source ? is.source : "-");
        if (is.line)
            fprintf(stderr, "%u:", (unsigned)is.line);
        if (is.column)
            fprintf(stderr, "%u:", (unsigned)is.column);
        fprintf(stderr, " %s: %s\n", mkt_journey_check_name(is.check), is.message);
        if (is.hint)
            fprintf(stderr, "    hint: %s\n", is.hint);
    }
    if (n > 0)
        fprintf(stderr, "%zu problem%s\n", n, n == 1 ? "" : "s");
}

/* Load @path with the registries of @a: 0 and *out, or an exit code (problems printed).
 * The input table goes to @keep when not NULL (else it is freed). */
static int load(mkt_app *app, journey_args *a, const char *path, mkt_journey **out,
                mkt_table **keep)
{
    mkt_ctx *ctx;
    int rc = app_ctx(app, &ctx);
    if (rc)
        return rc;
    mkt_table *table = NULL;
    if (input_any(&a->in) && (rc = input_load(app, &a->in, &table)) != 0)
        return rc;
    mkt_catalog *catalog = NULL;
    mkt_journey_issues *issues = NULL;
    int st = mkt_catalog_builtin(&catalog, ctx);
    /* simulate: the profiles' as-of fields (booking.days_since_last, ...) as of --from, so
     * that segment entries on catalog segments compile and find their members */
    if (st == MKT_OK && keep && table && a->sim.from != MKT_NULL_INT64)
        st = mkt_table_set_as_of(table, mkt_time_to_date(a->sim.from));
    if (st == MKT_OK && a->catalog)
        st = mkt_catalog_load_xml_file(catalog, a->catalog);
    if (st == MKT_OK)
        st = mkt_journey_issues_new(&issues, ctx);
    if (st != MKT_OK) {
        rc = app_fail(app, st);
    } else {
        mkt_journey_options o;
        mkt_journey_options_init(&o);
        o.catalog = catalog;
        o.schema = table;
        o.now = a->now;
        o.issues = issues;
        if (a->templates.given)
            o.templates = a->templates.names, o.ntemplates = a->templates.n;
        if (a->offers.given)
            o.offers = a->offers.names, o.noffers = a->offers.n;
        if (a->events.given)
            o.events = a->events.names, o.nevents = a->events.n;
        st = mkt_journey_load_xml_file(out, ctx, path, &o);
        if (st != MKT_OK && mkt_journey_issues_count(issues) > 0) {
            print_issues(issues);
            rc = MKT_EXIT_FAIL;
        } else if (st != MKT_OK) {
            rc = app_fail(app, st);
        }
    }
    mkt_journey_issues_free(issues);
    mkt_catalog_free(catalog);
    if (keep && rc == 0)
        *keep = table;
    else
        mkt_table_free(table);
    return rc;
}

static int run(mkt_app *app, journey_args *a, const char *sub, const char *path)
{
    mkt_journey *j = NULL;
    mkt_table *table = NULL;
    int simulate = strcmp(sub, "simulate") == 0;
    int rc = load(app, a, path, &j, simulate ? &table : NULL);
    if (rc)
        return rc;
    if (simulate) {
        a->sim.due = a->in.files[FILE_CUSTOMERS].path != NULL;
        rc = journey_simulate(app, j, table, &a->sim);
        mkt_table_free(table);
        mkt_journey_free(j);
        return rc;
    }
    if (strcmp(sub, "validate") == 0) {
        printf("%s: ok (%u nodes, %u edges)\n", path, (unsigned)mkt_journey_node_count(j),
               (unsigned)mkt_journey_edge_count(j));
    } else {
        char *text = NULL;
        int st = mkt_journey_format(j, app->ctx, &text);
        if (st != MKT_OK)
            rc = app_fail(app, st);
        else
            fputs(text, stdout);
        mkt_free(text);
    }
    mkt_journey_free(j);
    return rc ? rc : finish_output();
}

int cmd_journey(mkt_app *app, int argc, char **argv)
{
    const mkt_command *self = mkt_command_find("journey");
    journey_args a;
    memset(&a, 0, sizeof a);
    a.now = MKT_NULL_INT64;
    a.sim.from = a.sim.to = MKT_NULL_INT64;
    mkt_promo_options_init(&a.sim.promo);
    input_init(&a.in);
    opterr = 0;
    int c, rc = -1;
    while (rc < 0 && (c = getopt_long(argc, argv, ":h", journey_options, NULL)) != -1)
        rc = IS_INPUT_OPTION(c) ? input_option(&a.in, "journey", c, optarg)
             : c >= OPT_CATALOG && c <= OPT_PROMO_SECRET_FILE ? own_option(&a, c, optarg)
                                                : common_option(app, self, c, argv);
    int simulate = rc < 0 && optind < argc && strcmp(argv[optind], "simulate") == 0;
    if (rc < 0 && optind >= argc)
        rc = usage_error("journey", "no subcommand given: validate, show or simulate");
    else if (rc < 0 && !simulate && strcmp(argv[optind], "validate") &&
             strcmp(argv[optind], "show"))
        rc = usage_error("journey", "unknown subcommand '%s'", argv[optind]);
    else if (rc < 0 && simulate && (!a.journey || optind + 1 != argc))
        rc = usage_error("journey", a.journey ? "simulate takes no file argument (use --journey)"
                                              : "simulate needs --journey F.xml");
    else if (rc < 0 && !simulate && optind + 2 != argc)
        rc = usage_error("journey", optind + 1 >= argc ? "no journey file given"
                                                       : "more than one journey file given");
    if (rc < 0)
        rc = run(app, &a, argv[optind], simulate ? a.journey : argv[optind + 1]);
    names_free(&a.templates);
    names_free(&a.offers);
    names_free(&a.events);
    return rc;
}
