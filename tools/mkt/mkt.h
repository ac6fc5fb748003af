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

/* ---- commands ---------------------------------------------------------------------------- */
int cmd_load(mkt_app *app, int argc, char **argv);
void cmd_load_usage(FILE *out);

#endif /* MKT_TOOL_H */
