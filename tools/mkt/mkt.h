/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the mkt command-line tool: the application state every command gets,
 * the command table, exit codes, option helpers and output helpers.
 */
#ifndef MKT_TOOL_H
#define MKT_TOOL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <libmarketing.h>

/* Exit codes (documented in doc/cli.md). */
enum {
    MKT_EXIT_OK = 0,
    MKT_EXIT_FAIL = 1,  /* the library or the system reported a failure */
    MKT_EXIT_USAGE = 2  /* unknown command or option, missing or bad argument */
};

/* What every command shares: the global options and the lazily created context. */
typedef struct mkt_app {
    const char *state_path; /* --state FILE: SQLite store; NULL keeps state in memory */
    mkt_ctx *ctx;
} mkt_app;

/* One command: `run` gets argv with argv[0] = the command's name. */
typedef struct mkt_command {
    const char *name;
    const char *summary;
    int (*run)(mkt_app *app, int argc, char **argv);
    void (*usage)(FILE *out);
} mkt_command;

/* The command table (commands.c), ended by a zeroed entry. */
extern const mkt_command mkt_commands[];
const mkt_command *mkt_command_find(const char *name);

/* ---- app.c ------------------------------------------------------------------------------- */
/* Create the context on first use (with the SQLite store when --state was given). Prints the
 * error and returns MKT_EXIT_FAIL on failure. */
int app_ctx(mkt_app *app, mkt_ctx **out);
void app_close(mkt_app *app);
/* Print "mkt: <library message>" for status @rc of the last call on the context. */
int app_fail(mkt_app *app, int rc);

/* ---- options.c --------------------------------------------------------------------------- */
/* Option values that every command accepts beside its own. */
enum { OPT_STATE = 0x100, OPT_FIRST_COMMAND_OPTION = 0x200 };
#define MKT_COMMON_LONG_OPTIONS \
    { "help", no_argument, NULL, 'h' }, { "state", required_argument, NULL, OPT_STATE }

/* Print "mkt: <message>" and a hint to stderr; returns MKT_EXIT_USAGE. */
int usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Handle getopt's '?' and ':' results, and the common options. Returns -1 when the option was
 * handled and parsing goes on, or an exit code (0 after --help). */
int common_option(mkt_app *app, const mkt_command *cmd, int c, char **argv);
/* Parse a --separator value: one byte, or "\t" / "tab". */
int parse_separator(const char *text, int32_t *out);

/* ---- print.c ----------------------------------------------------------------------------- */
void json_string(FILE *out, const char *s);
/* Format a date or timestamp, "-" / "null" for the null markers. */
void fmt_date(char buf[MKT_DATE_BUFSZ], mkt_date d);
void fmt_time(char buf[MKT_TIME_BUFSZ], mkt_time t);
const char *type_name(int32_t type);
/* Flush stdout and report a write error (disk full, closed pipe). */
int finish_output(void);

/* ---- progress.c -------------------------------------------------------------------------- */
typedef struct mkt_progress {
    int enabled;         /* stderr is a terminal and the user did not turn it off */
    const char *label;   /* the file being loaded */
    double start;        /* monotonic seconds */
    double last_draw;
    int drawn;
} mkt_progress;

void progress_init(mkt_progress *p, int enabled);
void progress_begin(mkt_progress *p, const char *label);
int progress_report(uint64_t done, uint64_t total, uint64_t rows, void *data);
void progress_end(mkt_progress *p);

/* ---- input.c: the input files of data commands (load, segment) ------------------------- */
enum { FILE_CUSTOMERS, FILE_BOOKINGS, FILE_EVENTS, FILE_KINDS };
/* Option values of the input options; a command's own options start at OPT_FIRST_OWN_OPTION. */
enum { OPT_CUSTOMERS = OPT_FIRST_COMMAND_OPTION, OPT_BOOKINGS, OPT_EVENTS, OPT_SEPARATOR,
       OPT_NO_PROGRESS, OPT_FIRST_OWN_OPTION };
#define IS_INPUT_OPTION(c) ((c) >= OPT_CUSTOMERS && (c) < OPT_FIRST_OWN_OPTION)
#define MKT_INPUT_LONG_OPTIONS                                                                 \
    { "customers", required_argument, NULL, OPT_CUSTOMERS },                                    \
    { "bookings", required_argument, NULL, OPT_BOOKINGS },                                      \
    { "events", required_argument, NULL, OPT_EVENTS },                                          \
    { "separator", required_argument, NULL, OPT_SEPARATOR },                                    \
    { "no-progress", no_argument, NULL, OPT_NO_PROGRESS }

typedef struct input_file {
    const char *path; /* NULL when not given */
    uint64_t rows;    /* records the load added */
    uint64_t bytes;   /* size as stored (compressed for .gz) */
} input_file;

typedef struct input_set {
    input_file files[FILE_KINDS];
    int32_t separator;
    int progress; /* show the progress line (stderr is a terminal, no --no-progress) */
} input_set;

/* Defaults: no files, ',' separator, progress when stderr is a terminal. */
void input_init(input_set *in);
/* Apply input option @c (IS_INPUT_OPTION) with argument @arg: -1 to go on, or a usage error. */
int input_option(input_set *in, const char *command, int c, const char *arg);
/* 1 if at least one file was given. */
int input_any(const input_set *in);
/* "customers", "bookings", "events". */
const char *input_kind(int kind);
/* Create the context and a table and load the given files into it (customers, bookings,
 * events in that order), filling in rows and bytes. Prints the error and returns
 * MKT_EXIT_FAIL on failure (then *out is NULL). */
int input_load(mkt_app *app, input_set *in, mkt_table **out);
/* The load options every file of @in shares: separator, and progress through @prog. */
void input_load_options(input_set *in, mkt_progress *prog, mkt_load_options *o);
/* The fields some rules read, as mkt_rule_fields() lists them (references followed through
 * a catalog); names may repeat. Zero-initialise; free with input_fields_free(). */
typedef struct input_fields {
    char ***blocks; /* one mkt_rule_fields() result per rule */
    size_t nblocks;
    const char **names;
    size_t n;
} input_fields;
/* Add the fields of @rule: MKT_OK or the status of mkt_rule_fields() (or MKT_ENOMEM). */
int input_fields_add(input_fields *f, mkt_ctx *ctx, mkt_catalog *catalog, const mkt_rule *rule);
void input_fields_free(input_fields *f);
/* As input_load(), for a job that reads only @fields at @as_of: customers with just the
 * columns they name, events, then the bookings folded into just the as-of fields they name
 * (mkt_table_fold_bookings()), or loaded when a field cannot be folded or no customers file
 * was given. The as-of fields are then computed at @as_of, and the rfm.* and lifecycle.stage
 * fields from the bookings file when named (default RFM options). */
int input_load_for(mkt_app *app, input_set *in, const input_fields *fields, mkt_date as_of,
                   mkt_table **out);

/* ---- members-out.c: member ids as CSV through mkt_members_export_csv() ------------------- */
/* Write @m's customer ids to @out ('-': standard output), gzip-compressed when @gzip or when
 * @out ends in .gz. Prints the error and returns MKT_EXIT_FAIL on failure. */
int members_write(mkt_app *app, mkt_ctx *ctx, const mkt_table *table, const mkt_members *m,
                  const char *out, int gzip);

/* ---- commands ---------------------------------------------------------------------------- */
int cmd_load(mkt_app *app, int argc, char **argv);
void cmd_load_usage(FILE *out);
int cmd_segment(mkt_app *app, int argc, char **argv);
void cmd_segment_usage(FILE *out);
int cmd_audience(mkt_app *app, int argc, char **argv);
void cmd_audience_usage(FILE *out);
int cmd_abtest(mkt_app *app, int argc, char **argv);
void cmd_abtest_usage(FILE *out);
int cmd_rfm(mkt_app *app, int argc, char **argv);
void cmd_rfm_usage(FILE *out);
int cmd_lifecycle(mkt_app *app, int argc, char **argv);
void cmd_lifecycle_usage(FILE *out);
int cmd_attribute(mkt_app *app, int argc, char **argv);
void cmd_attribute_usage(FILE *out);
int cmd_journey(mkt_app *app, int argc, char **argv);
void cmd_journey_usage(FILE *out);
int cmd_privacy(mkt_app *app, int argc, char **argv);
void cmd_privacy_usage(FILE *out);
int cmd_audit(mkt_app *app, int argc, char **argv);
void cmd_audit_usage(FILE *out);
int cmd_consent(mkt_app *app, int argc, char **argv);
void cmd_consent_usage(FILE *out);
/* `mkt consent sms-inbound` (consent-sms.c), run by the consent command's dispatcher with
 * argv[0] = "sms-inbound" and the subcommand's options after it (it restarts getopt). */
int consent_sms_inbound(mkt_app *app, int argc, char **argv);
void consent_sms_inbound_usage(FILE *out);
int cmd_promo(mkt_app *app, int argc, char **argv);
void cmd_promo_usage(FILE *out);

#endif /* MKT_TOOL_H */
