/* SPDX-License-Identifier: MIT */
/**
 * @file segment.h
 * @brief Segmentation: the rule language (parse, build, format), rules compiled against the
 *        customer table's schema, batch evaluation into member sets, set algebra, and
 *        real-time evaluation of one customer profile with an explanation.
 *
 * The language is described in doc/rules.md. In short:
 *
 *     customer.tier in ('GOLD', 'PLATINUM') and booking.spend_12m >= 5000
 *         and not customer.email is null
 *
 * Life cycle: text --mkt_rule_parse()--> ::mkt_rule (immutable syntax tree; also built with
 * mkt_rule_condition() / mkt_rule_and() / mkt_rule_or() / mkt_rule_not()) --mkt_segment_compile()
 * against a table--> ::mkt_segment (immutable, thread-safe) --> mkt_segment_evaluate() over a
 * whole table (a ::mkt_members bitmap), mkt_segment_match_row() for one row, or
 * mkt_segment_match() / mkt_segment_explain() for a host-supplied ::mkt_record.
 *
 * Nulls: every comparison on a null value is false, and the negated operators (`!=`, `not in`,
 * `not contains`, `not between`, `is not null`, ...) and `not` are the exact complement of their
 * positive form (so `x != 'A'` is true when x is null). See doc/rules.md for the full table.
 *
 * Thread safety: rules and segments are immutable once made and may be used by any number of
 * threads at once. Functions taking an ::mkt_ctx use it for allocation and errors, so each
 * thread passes its own context. Records and member sets are used by one thread at a time.
 */
#ifndef LIBMARKETING_SEGMENT_H
#define LIBMARKETING_SEGMENT_H

#include "common.h"
#include "ctx.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An immutable rule syntax tree (opaque). @since 0.1 */
typedef struct mkt_rule mkt_rule;
/** A rule compiled against a table schema (opaque, immutable, thread-safe). @since 0.1 */
typedef struct mkt_segment mkt_segment;
/** A set of table rows: the members of a segment (opaque). @since 0.1 */
typedef struct mkt_members mkt_members;
/** One customer's field values supplied by the host (opaque). @since 0.1 */
typedef struct mkt_record mkt_record;

/** Node kinds of a rule. Append-only. @since 0.1 */
typedef enum mkt_rule_kind {
    MKT_RULE_AND = 1,       /**< All children hold (two or more children). */
    MKT_RULE_OR = 2,        /**< Any child holds (two or more children). */
    MKT_RULE_NOT = 3,       /**< The child does not hold (one child). */
    MKT_RULE_CONDITION = 4, /**< field operator value(s). */
    MKT_RULE_SEGMENT = 5    /**< `in segment 'Name'`. */
} mkt_rule_kind;

/**
 * Condition operators and the number of values each takes. Append-only.
 * @since 0.1
 */
typedef enum mkt_rule_op {
    MKT_OP_EQ = 1,               /**< `=`, 1 value. */
    MKT_OP_NE = 2,               /**< `!=`, 1 value. */
    MKT_OP_LT = 3,               /**< `<`, 1 value. */
    MKT_OP_LE = 4,               /**< `<=`, 1 value. */
    MKT_OP_GT = 5,               /**< `>`, 1 value. */
    MKT_OP_GE = 6,               /**< `>=`, 1 value. */
    MKT_OP_IN = 7,               /**< `in (a, b, ...)`, 1 or more values. */
    MKT_OP_NOT_IN = 8,           /**< `not in (...)`. */
    MKT_OP_BETWEEN = 9,          /**< `between a and b` (inclusive), 2 values. */
    MKT_OP_NOT_BETWEEN = 10,     /**< `not between a and b`. */
    MKT_OP_CONTAINS = 11,        /**< `contains 'x'`: substring, 1 value. */
    MKT_OP_NOT_CONTAINS = 12,    /**< `not contains 'x'`. */
    MKT_OP_STARTS_WITH = 13,     /**< `starts with 'x'`, 1 value. */
    MKT_OP_NOT_STARTS_WITH = 14, /**< `not starts with 'x'`. */
    MKT_OP_ENDS_WITH = 15,       /**< `ends with 'x'`, 1 value. */
    MKT_OP_NOT_ENDS_WITH = 16,   /**< `not ends with 'x'`. */
    MKT_OP_MATCHES = 17,         /**< `matches 'regex'` (PCRE2), 1 string value. */
    MKT_OP_NOT_MATCHES = 18,     /**< `not matches 'regex'`. */
    MKT_OP_IS_NULL = 19,         /**< `is null`, no value. */
    MKT_OP_IS_NOT_NULL = 20,     /**< `is not null`, no value. */
    MKT_OP_WITHIN_LAST = 21,     /**< `within last N days`: today-N <= date <= today; 1 INT. */
    MKT_OP_WITHIN_NEXT = 22,     /**< `within next N days`: today <= date <= today+N; 1 INT. */
    MKT_OP_ANNIVERSARY_NEXT = 23,/**< `anniversary within next N days` (month/day); 1 INT. */
    MKT_OP_ANNIVERSARY_MONTH = 24/**< `anniversary this month`; no value. */
} mkt_rule_op;

/** Kinds of literal values. Append-only. @since 0.1 */
typedef enum mkt_value_kind {
    MKT_VALUE_STRING = 1,  /**< @p text / @p len: UTF-8 text (also dates as 'YYYY-MM-DD'). */
    MKT_VALUE_INT = 2,     /**< @p integer. */
    MKT_VALUE_DECIMAL = 3, /**< @p text: an exact decimal "-123.45" (money in major units). */
    MKT_VALUE_BOOL = 4,    /**< @p integer 0 or 1. */
    MKT_VALUE_TODAY = 5,   /**< The as-of date plus @p integer days (`today - 30 days`). */
    MKT_VALUE_DATE = 6     /**< @p integer: an ::mkt_date. */
} mkt_value_kind;

/**
 * A literal value of a condition, for mkt_rule_condition() and mkt_rule_value(). Strings are
 * borrowed (copied by the builder; owned by the rule when read back).
 * @since 0.1
 */
typedef struct mkt_rule_value {
    size_t struct_size; /**< sizeof(mkt_rule_value). */
    int32_t kind;       /**< An ::mkt_value_kind. */
    const char *text;   /**< STRING and DECIMAL. */
    size_t len;         /**< Bytes of @p text. */
    int64_t integer;    /**< INT, BOOL, TODAY (offset in days), DATE. */
} mkt_rule_value;

/** Flags of a condition. @since 0.1 */
typedef enum mkt_rule_flag {
    MKT_RULE_CI = 1, /**< Compare strings ignoring case (suffix `ci`). */
    MKT_RULE_CS = 2  /**< Compare strings exactly even when the compile default is `ci`
                          (suffix `cs`). */
} mkt_rule_flag;

/** Options of mkt_rule_parse(). Initialise with mkt_rule_parse_options_init(). @since 0.1 */
typedef struct mkt_rule_parse_options {
    size_t struct_size;   /**< sizeof(mkt_rule_parse_options). */
    const char *source;   /**< Name used in error messages (e.g. a file name), or NULL. */
    uint32_t first_line;  /**< Line number of the text's first line (default 1). */
    uint32_t max_length;  /**< Longest text accepted in bytes (default 65536). */
    uint32_t max_depth;   /**< Deepest nesting of parentheses / not / and / or (default 64). */
    uint32_t max_list;    /**< Most values in one `in` list (default 10000). */
} mkt_rule_parse_options;

/** Static initialiser for ::mkt_rule_parse_options. @since 0.1 */
#define MKT_RULE_PARSE_OPTIONS_INIT { sizeof(mkt_rule_parse_options), NULL, 1u, 65536u, 64u, 10000u }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_rule_parse_options_init(mkt_rule_parse_options *opts);

/**
 * Parse rule text into a syntax tree. Aliases are replaced by the fields they name and
 * `[A, B]` lists by string lists, so mkt_rule_format() prints the normalized rule.
 * Fields are not checked here (see mkt_segment_compile()).
 * @param[out] out receives the rule (NULL on failure); release with mkt_rule_free().
 * @param text     UTF-8 text of @p len bytes (need not be NUL-terminated).
 * @param opts     NULL for defaults.
 * @return ::MKT_OK; ::MKT_EPARSE with line and column in mkt_ctx_last_error(); ::MKT_ETOOBIG
 *         (text, depth or list limit, with the position); ::MKT_EINVAL; ::MKT_ENOMEM.
 * Thread safety: uses @p ctx.
 * @since 0.1
 */
int mkt_rule_parse(mkt_rule **out, mkt_ctx *ctx, const char *text, size_t len,
                   const mkt_rule_parse_options *opts);

/** Free a rule. NULL is ignored. @since 0.1 */
void mkt_rule_free(mkt_rule *rule);

/**
 * Print a rule in normalized form: lower-case keywords, single-quoted strings, one space
 * around operators, parentheses only where needed. Parsing the result gives an equal rule.
 * @param[out] out NUL-terminated text; release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * Thread safety: uses @p ctx for allocation; the rule is only read.
 * @since 0.1
 */
int mkt_rule_format(const mkt_rule *rule, mkt_ctx *ctx, char **out);

/** 1 if two rules have the same structure, fields, operators, flags and values, else 0.
 *  Source positions are ignored. @since 0.1 */
int32_t mkt_rule_equal(const mkt_rule *a, const mkt_rule *b);

/**
 * Build a condition. The field may be an alias (replaced). The number and kinds of values must
 * suit the operator (see ::mkt_rule_op).
 * @param values  @p nvalues values (copied); NULL when @p nvalues is 0.
 * @param flags   0 or ::mkt_rule_flag values.
 * @return ::MKT_OK, ::MKT_EINVAL (unknown operator, wrong value count or kind, bad field
 *         name, bad decimal text), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_rule_condition(mkt_rule **out, mkt_ctx *ctx, const char *field, int32_t op,
                       const mkt_rule_value *values, size_t nvalues, int32_t flags);

/**
 * Build `a and b and ...` from @p n >= 1 children (deep-copied; the caller keeps them). Nested
 * AND children are flattened; one child gives a copy of it.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_rule_and(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *const *children, size_t n);

/** Build `a or b or ...`; as mkt_rule_and(). @since 0.1 */
int mkt_rule_or(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *const *children, size_t n);

/** Build `not child` (deep-copied). @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_rule_not(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *child);

/** Build `in segment 'name'`. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_rule_segment_ref(mkt_rule **out, mkt_ctx *ctx, const char *name);

/** Deep copy of a rule. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_rule_copy(mkt_rule **out, mkt_ctx *ctx, const mkt_rule *rule);

/** The kind of a node (an ::mkt_rule_kind), 0 for NULL. @since 0.1 */
int32_t mkt_rule_kind_get(const mkt_rule *rule);

/** Number of children of an AND/OR/NOT node (0 otherwise). @since 0.1 */
size_t mkt_rule_child_count(const mkt_rule *rule);

/** Child @p index (borrowed, lives as long as @p rule), or NULL. @since 0.1 */
const mkt_rule *mkt_rule_child(const mkt_rule *rule, size_t index);

/** The field of a condition or the name of a segment reference (borrowed), else NULL.
 *  @since 0.1 */
const char *mkt_rule_field(const mkt_rule *rule);

/** The operator of a condition (an ::mkt_rule_op), else 0. @since 0.1 */
int32_t mkt_rule_op_get(const mkt_rule *rule);

/** The flags of a condition (::mkt_rule_flag values), else 0. @since 0.1 */
int32_t mkt_rule_flags(const mkt_rule *rule);

/** Number of values of a condition. @since 0.1 */
size_t mkt_rule_value_count(const mkt_rule *rule);

/** Read value @p index of a condition; strings are borrowed from the rule.
 *  @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_rule_value_get(const mkt_rule *rule, size_t index, mkt_rule_value *out);

/** Canonical text of an operator ("=", "not in", "starts with", ...), or NULL. @since 0.1 */
const char *mkt_rule_op_name(int32_t op);

/**
 * The operator named by @p name: its canonical text (any case, single spaces) or a
 * snake_case name ("not_in", "greater_than_or_equal", "equals", ...).
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_rule_op_from_name(const char *name, int32_t *op);

/* ------------------------------------------------------------------------------------------ */
/* Compiled segments                                                                          */
/* ------------------------------------------------------------------------------------------ */

/**
 * Resolves `in segment 'name'` during compilation: set @p *rule to the named segment's rule
 * (borrowed; it must stay valid until mkt_segment_compile() returns) and return ::MKT_OK, or
 * return ::MKT_ENOTFOUND (or any other error, which aborts the compilation).
 * @since 0.1
 */
typedef int (*mkt_segment_resolver_fn)(const char *name, const mkt_rule **rule,
                                       void *user_data);

/**
 * The fields @p rule reads ("customer.tier", "booking.spend_12m", ...; aliases already
 * replaced by their fields), each once, in order of first appearance, with `in segment`
 * references followed through @p resolver (NULL: references are not followed). A host can
 * fetch or load just these: see mkt_load_options::columns and mkt_table_fold_bookings().
 * @param out receives a NULL-terminated array of @p *n names in one block: mkt_free() it.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOTFOUND (unknown segment), ::MKT_ECONFLICT (a
 *         segment that refers to itself), the resolver's error, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_rule_fields(const mkt_rule *rule, mkt_ctx *ctx, mkt_segment_resolver_fn resolver,
                    void *resolver_data, char ***out, size_t *n);

/** Options of mkt_segment_compile(). Initialise with mkt_segment_options_init(). @since 0.1 */
typedef struct mkt_segment_options {
    size_t struct_size;               /**< sizeof(mkt_segment_options). */
    mkt_date as_of;                   /**< `today`; ::MKT_NULL_DATE (default): the date of
                                           the table's mkt_table_set_as_of() if any, else the
                                           context clock's UTC date at compile time. */
    int32_t case_insensitive;         /**< 1: string comparisons ignore case unless `cs`. */
    uint32_t regex_match_limit;       /**< pcre2_set_match_limit (default 1000000). */
    uint32_t regex_depth_limit;       /**< pcre2_set_depth_limit (default 10000). */
    int32_t regex_jit;                /**< 1 (default): JIT-compile patterns when possible. */
    mkt_segment_resolver_fn resolver; /**< For `in segment`; NULL: such rules fail. */
    void *resolver_data;              /**< Passed to @p resolver. */
    uint32_t max_nodes;               /**< Most compiled nodes after expanding segment
                                           references (default 100000). */
} mkt_segment_options;

/** Static initialiser for ::mkt_segment_options. @since 0.1 */
#define MKT_SEGMENT_OPTIONS_INIT { sizeof(mkt_segment_options), MKT_NULL_DATE, 0, 1000000u, 10000u, 1, NULL, NULL, 100000u }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_segment_options_init(mkt_segment_options *opts);

/**
 * Compile a rule against the schema of @p table (its columns now; rows do not matter).
 * Field names resolve to columns: `customer.X` to column "X", any other `ns.name` to the
 * column of that name. Errors carry the line and column of the offending token (when the rule
 * was parsed from text) and a hint, e.g. "unknown field 'customer.teir'; did you mean
 * customer.tier?".
 * @param[out] out receives the segment; release with mkt_segment_free(). It keeps a copy of
 *                 the rule and does not reference @p table.
 * @param opts     NULL for defaults.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (unknown field or segment), ::MKT_ETYPE (operator or value
 *         does not suit the field's type), ::MKT_EPARSE (bad literal or regex), ::MKT_ERANGE,
 *         ::MKT_ECONFLICT (cyclic segment references), ::MKT_ETOOBIG, ::MKT_EINVAL,
 *         ::MKT_ENOMEM, or the resolver's error.
 * Thread safety: uses @p ctx; the table is only read.
 * @since 0.1
 */
int mkt_segment_compile(mkt_segment **out, mkt_ctx *ctx, const mkt_rule *rule,
                        const mkt_table *table, const mkt_segment_options *opts);

/** Free a segment. NULL is ignored. @since 0.1 */
void mkt_segment_free(mkt_segment *segment);

/** The rule the segment was compiled from (borrowed). @since 0.1 */
const mkt_rule *mkt_segment_rule(const mkt_segment *segment);

/** The as-of date (`today`) the segment was compiled with. @since 0.1 */
mkt_date mkt_segment_as_of(const mkt_segment *segment);

/**
 * Evaluate the segment over every row of @p table (column at a time into bitmaps).
 * @p table must have the columns the segment was compiled against (same names and types at
 * the same positions): a table made the same way, or the same table with rows or columns added.
 * @param ctx      context for allocation and errors (each thread its own).
 * @param[out] out the member set, sized to the table's rows; release with mkt_members_free().
 * @return ::MKT_OK, ::MKT_ESTATE (schema differs), ::MKT_ETOOBIG (a regex limit was hit),
 *         ::MKT_EINVAL, ::MKT_ENOMEM.
 * Thread safety: any number of threads may evaluate one segment at once.
 * @since 0.1
 */
int mkt_segment_evaluate(const mkt_segment *segment, mkt_ctx *ctx, const mkt_table *table,
                         mkt_members **out);

/**
 * Evaluate the segment on row @p row of @p table. @p *matched is set to 1 or 0.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (row out of range), ::MKT_ESTATE, ::MKT_ETOOBIG,
 *         ::MKT_EINVAL, ::MKT_ENOMEM (only rules using `matches` allocate).
 * @since 0.1
 */
int mkt_segment_match_row(const mkt_segment *segment, mkt_ctx *ctx, const mkt_table *table,
                          uint64_t row, int32_t *matched);

/**
 * Evaluate the segment on a host-supplied record. Does not allocate (a record keeps the
 * scratch space regular expressions need).
 * @return ::MKT_OK, ::MKT_ESTATE (the record was made from a different schema),
 *         ::MKT_ETOOBIG (regex limit), ::MKT_EINVAL.
 * Thread safety: the record is used by one thread at a time; the segment by any number.
 * @since 0.1
 */
int mkt_segment_match(const mkt_segment *segment, mkt_record *record, int32_t *matched);

/**
 * Evaluate the segment on a record and explain it: one line per clause, indented by nesting,
 * starting with "yes" or "no", then the clause in normalized form and the value it saw, e.g.
 * `yes  booking.spend_12m >= 5000  [booking.spend_12m = 6200.00]`.
 * @param[out] matched 1 or 0 (may be NULL).
 * @param[out] text    release with mkt_free().
 * @return as mkt_segment_match(), plus ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_segment_explain(const mkt_segment *segment, mkt_record *record, int32_t *matched,
                        char **text);

/** mkt_segment_explain() on row @p row of @p table, allocating with @p ctx. @since 0.1 */
int mkt_segment_explain_row(const mkt_segment *segment, mkt_ctx *ctx, const mkt_table *table,
                            uint64_t row, int32_t *matched, char **text);

/* ------------------------------------------------------------------------------------------ */
/* Records: one customer's values without a table                                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * Create a record with one slot per column of @p table (all null). Segments compiled against
 * that table (or one with the same leading columns) evaluate it.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_record_new(mkt_record **out, mkt_ctx *ctx, const mkt_table *table);

/** Free a record. NULL is ignored. @since 0.1 */
void mkt_record_free(mkt_record *record);

/** Set every slot to null. @since 0.1 */
void mkt_record_clear(mkt_record *record);

/**
 * Set an INT, MONEY (minor units), DATE (::mkt_date), TIME or BOOL field by rule name
 * ("booking.count_12m", "customer.tier", an alias). 
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no such field), ::MKT_ETYPE, ::MKT_ERANGE (bool not 0/1,
 *         date out of range), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_record_set_int(mkt_record *record, const char *field, int64_t value);

/** Set a NUMBER field (finite; INT fields take it only if integral). @since 0.1 */
int mkt_record_set_number(mkt_record *record, const char *field, double value);

/** Set a STRING field (copied; valid UTF-8 or ::MKT_EPARSE). @since 0.1 */
int mkt_record_set_string(mkt_record *record, const char *field, const char *value,
                          size_t len);

/**
 * Set a LIST field (e.g. "booking.routes_12m") to @p n strings. The items are copied into the
 * record's own buffers, which only grow, so evaluating never allocates and a record reused for
 * many customers stops allocating once it has held its longest list. Order and duplicates do
 * not matter to `contains`. @p n = 0 sets an empty list, which is not null (see
 * mkt_record_set_null()).
 * @param items  @p n UTF-8 strings (NULL when @p n is 0).
 * @param lens   their lengths in bytes, or NULL when every item is NUL-terminated.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no such field), ::MKT_ETYPE (not a list field),
 *         ::MKT_EPARSE (an item is not valid UTF-8), ::MKT_EINVAL (NULL record, items or
 *         item), ::MKT_ETOOBIG, ::MKT_ENOMEM. On failure the field keeps its previous value.
 * @since 0.1
 */
int mkt_record_set_list(mkt_record *record, const char *field, const char *const *items,
                        const size_t *lens, size_t n);

/** Set a field to null. @since 0.1 */
int mkt_record_set_null(mkt_record *record, const char *field);

/**
 * Copy every value of row @p row of @p table into the record (the table must have the
 * record's columns). @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_ESTATE, ::MKT_EINVAL,
 * ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_record_load_row(mkt_record *record, const mkt_table *table, uint64_t row);

/* ------------------------------------------------------------------------------------------ */
/* Member sets                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Create an empty set over @p rows rows. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 *  @since 0.1 */
int mkt_members_new(mkt_members **out, mkt_ctx *ctx, uint64_t rows);

/** Free a set. NULL is ignored. @since 0.1 */
void mkt_members_free(mkt_members *members);

/** Copy a set. @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM. @since 0.1 */
int mkt_members_copy(mkt_members **out, const mkt_members *members);

/** Number of rows the set ranges over (the table's rows when evaluated). @since 0.1 */
uint64_t mkt_members_rows(const mkt_members *members);

/** Number of members. @since 0.1 */
uint64_t mkt_members_count(const mkt_members *members);

/** 1 if @p row is a member, else 0 (also out of range). @since 0.1 */
int32_t mkt_members_contains(const mkt_members *members, uint64_t row);

/** Add or remove one row. @return ::MKT_OK, ::MKT_ENOTFOUND (out of range), ::MKT_EINVAL.
 *  @since 0.1 */
int mkt_members_set(mkt_members *members, uint64_t row, int32_t member);

/**
 * Iterate in row order: the first member at or after @p from goes to @p *row.
 * `for (r = 0; mkt_members_next(m, r, &r) == MKT_OK; r++)` visits every member.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (no more), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_members_next(const mkt_members *members, uint64_t from, uint64_t *row);

/** @p dst = @p dst AND @p src. Both must range over the same rows (::MKT_EINVAL otherwise).
 *  @since 0.1 */
int mkt_members_and(mkt_members *dst, const mkt_members *src);

/** @p dst = @p dst OR @p src. As mkt_members_and(). @since 0.1 */
int mkt_members_or(mkt_members *dst, const mkt_members *src);

/** @p dst = @p dst AND NOT @p src. As mkt_members_and(). @since 0.1 */
int mkt_members_andnot(mkt_members *dst, const mkt_members *src);

/** Complement within the set's rows. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_members_not(mkt_members *members);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_SEGMENT_H */
