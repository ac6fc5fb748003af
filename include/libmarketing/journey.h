/* SPDX-License-Identifier: MIT */
/**
 * @file journey.h
 * @brief Journey definitions: the nodes and edges of a triggered, drip, lifecycle or win-back
 *        automation, built through a C builder or loaded from XML (doc/journeys.md), checked
 *        at load time, and compiled into an immutable ::mkt_journey an engine runs directly.
 *
 * A journey is a directed graph. Nodes have dense ids 0..n-1 in the order they were added
 * (document order in XML) and a string id unique in the journey. Edges leave a node through a
 * port (::mkt_journey_port): `next` for nodes with one exit, `event` / `timeout` for a wait
 * for an event, ranked `branch` edges and one `default` for a decision, weighted `branch`
 * edges for a random split. A decision branch carries its condition, a split branch its
 * weight and variant name.
 *
 * Life cycle: mkt_journey_builder_new() -> mkt_journey_builder_add_node() /
 * mkt_journey_builder_connect() -> mkt_journey_builder_finish() gives an ::mkt_journey, and so
 * do mkt_journey_load_xml_file() / mkt_journey_load_xml_memory(). Both run every load-time
 * check (::mkt_journey_check) and report all problems, not just the first, into an optional
 * ::mkt_journey_issues list; the journey is made only when there is no error.
 *
 * Durations are int64 seconds; a time of day is seconds after local midnight (-1: none),
 * read in the customer's time zone or the journey's fixed zone (::mkt_journey_zone_policy).
 *
 * Thread safety: a finished ::mkt_journey is immutable and may be read by any number of
 * threads at once. Builders and issue lists are used by one thread at a time.
 */
#ifndef LIBMARKETING_JOURNEY_H
#define LIBMARKETING_JOURNEY_H

#include "common.h"
#include "ctx.h"
#include "catalog.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A compiled journey definition (opaque, immutable, thread-safe). @since 0.1 */
typedef struct mkt_journey mkt_journey;
/** A journey under construction (opaque). @since 0.1 */
typedef struct mkt_journey_builder mkt_journey_builder;
/** A list of load-time problems (opaque). @since 0.1 */
typedef struct mkt_journey_issues mkt_journey_issues;

/** Index meaning "no node". @since 0.1 */
#define MKT_JOURNEY_NONE UINT32_MAX

/** Node types. Append-only. @since 0.1 */
typedef enum mkt_journey_node_type {
    MKT_JOURNEY_ENTRY = 1,    /**< Where customers enter; kind: ::mkt_journey_entry_kind. */
    MKT_JOURNEY_WAIT = 2,     /**< Hold the customer; kind: ::mkt_journey_wait_kind. */
    MKT_JOURNEY_DECISION = 3, /**< Ranked conditional branches plus a default. */
    MKT_JOURNEY_SPLIT = 4,    /**< Random split by weights (an A/B experiment). */
    MKT_JOURNEY_ACTION = 5,   /**< Do something; kind: ::mkt_journey_action_kind. */
    MKT_JOURNEY_GOAL = 6,     /**< Leave as a conversion when @c event happens (no edges). */
    MKT_JOURNEY_EXIT = 7      /**< End of a path (no outgoing edges). */
} mkt_journey_node_type;

/** Kinds of ::MKT_JOURNEY_ENTRY. Append-only. @since 0.1 */
typedef enum mkt_journey_entry_kind {
    MKT_JOURNEY_ENTRY_SEGMENT = 1, /**< Customers who enter a segment: @c segment (a catalog
                                        name) or @c rule (rule text). */
    MKT_JOURNEY_ENTRY_EVENT = 2,   /**< An @c event, entered @c delay seconds after it. */
    MKT_JOURNEY_ENTRY_DATE = 3,    /**< A date @c field plus @c delay seconds (signed), at
                                        @c time_of_day; @c yearly: on each anniversary. */
    MKT_JOURNEY_ENTRY_MANUAL = 4   /**< Entered only when the host says so. */
} mkt_journey_entry_kind;

/** Kinds of ::MKT_JOURNEY_WAIT. Append-only. @since 0.1 */
typedef enum mkt_journey_wait_kind {
    MKT_JOURNEY_WAIT_DURATION = 1, /**< @c delay seconds (> 0). */
    MKT_JOURNEY_WAIT_TIME = 2,     /**< Until the next @c time_of_day. */
    MKT_JOURNEY_WAIT_DATE = 3,     /**< Until @c until_date at @c time_of_day (0 if none). */
    MKT_JOURNEY_WAIT_FIELD = 4,    /**< Until the date/time in @c field ("event.X" of the
                                        triggering event or "customer.X" of the profile) plus
                                        @c delay seconds (signed), at @c time_of_day if set. */
    MKT_JOURNEY_WAIT_EVENT = 5     /**< Until @c event happens (port EVENT) or @c delay
                                        seconds pass (port TIMEOUT). */
} mkt_journey_wait_kind;

/** Kinds of ::MKT_JOURNEY_ACTION. Append-only. @since 0.1 */
typedef enum mkt_journey_action_kind {
    MKT_JOURNEY_SEND = 1,       /**< Send @c template_id on @c channel (::mkt_channel). */
    MKT_JOURNEY_UPDATE = 2,     /**< Set profile attribute @c field to @c value. */
    MKT_JOURNEY_TAG_ADD = 3,    /**< Add tag @c value. */
    MKT_JOURNEY_TAG_REMOVE = 4, /**< Remove tag @c value. */
    MKT_JOURNEY_EMIT = 5        /**< Emit host event @c event. */
} mkt_journey_action_kind;

/** Ports an edge leaves its node through. Append-only. @since 0.1 */
typedef enum mkt_journey_port {
    MKT_JOURNEY_PORT_NEXT = 1,    /**< The one exit of entry, action and most waits. */
    MKT_JOURNEY_PORT_EVENT = 2,   /**< Wait for an event: the event happened in time. */
    MKT_JOURNEY_PORT_TIMEOUT = 3, /**< Wait for an event: the timeout passed first. */
    MKT_JOURNEY_PORT_BRANCH = 4,  /**< A decision branch (ranked in the order connected) or
                                       a split variant. */
    MKT_JOURNEY_PORT_DEFAULT = 5  /**< The decision's branch when no other holds. */
} mkt_journey_port;

/** Conditions of a decision branch. Append-only. @since 0.1 */
typedef enum mkt_journey_condition {
    MKT_JOURNEY_COND_RULE = 1,    /**< @c rule text holds for the profile. */
    MKT_JOURNEY_COND_SEGMENT = 2, /**< The profile is in catalog segment @c segment. */
    MKT_JOURNEY_COND_EVENT = 3    /**< @c event happened since entering the journey, or since
                                       the customer passed node @c since. */
} mkt_journey_condition;

/** Re-entry policies. Append-only. @since 0.1 */
typedef enum mkt_journey_reentry {
    MKT_JOURNEY_REENTRY_NEVER = 1,  /**< A customer enters at most once, ever. */
    MKT_JOURNEY_REENTRY_ALLOWED = 2 /**< Again after leaving, once @c reentry_after seconds
                                         passed since the last entry, at most @c reentry_max
                                         times in all (0: no limit). */
} mkt_journey_reentry;

/** Where times of day are read. Append-only. @since 0.1 */
typedef enum mkt_journey_zone_policy {
    MKT_JOURNEY_ZONE_CUSTOMER = 1, /**< The customer's zone; @c zone when the profile has none. */
    MKT_JOURNEY_ZONE_FIXED = 2     /**< Always @c zone. */
} mkt_journey_zone_policy;

/**
 * Journey-level settings. Given to mkt_journey_builder_new() (strings copied) and filled by
 * mkt_journey_get() (strings borrowed from the journey). One live instance per customer is
 * always the rule.
 * @since 0.1
 */
typedef struct mkt_journey_def {
    size_t struct_size;     /**< sizeof(mkt_journey_def). */
    const char *id;         /**< Stable id: letters, digits, '-', '_', '.' (required). */
    const char *name;       /**< Display name (NULL: the id). */
    const char *description;/**< NULL for none. */
    int32_t reentry;        /**< ::mkt_journey_reentry (default NEVER). */
    int64_t reentry_after;  /**< Seconds between entries when ALLOWED (0..100 years). */
    uint32_t reentry_max;   /**< Most entries per customer when ALLOWED (0: no limit). */
    int64_t max_duration;   /**< Longest time in the journey in seconds (0: no limit; at
                                 most 100 years). */
    int32_t zone_policy;    /**< ::mkt_journey_zone_policy (default CUSTOMER). */
    const char *zone;       /**< IANA zone name or "UTC" (NULL: "UTC"); syntax checked only,
                                 the engine resolves it. */
    const char *source;     /**< Name of the definition file for messages, or NULL. */
    uint32_t line;          /**< Line of the `<journey>` element (0 when built). */
} mkt_journey_def;

/** Static initialiser for ::mkt_journey_def. @since 0.1 */
#define MKT_JOURNEY_DEF_INIT { sizeof(mkt_journey_def), NULL, NULL, NULL, MKT_JOURNEY_REENTRY_NEVER, 0, 0u, 0, MKT_JOURNEY_ZONE_CUSTOMER, NULL, NULL, 0u }

/** Set @p def to ::MKT_JOURNEY_DEF_INIT. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_journey_def_init(mkt_journey_def *def);

/**
 * One node. The fields a node uses depend on its type and kind (see the enums); the others
 * must be left at their defaults (NULL, 0, -1 for @c time_of_day, ::MKT_NULL_DATE for
 * @c until_date). Given to mkt_journey_builder_add_node() (copied); filled by
 * mkt_journey_node_get() (strings borrowed from the journey).
 * @since 0.1
 */
typedef struct mkt_journey_node_def {
    size_t struct_size;    /**< sizeof(mkt_journey_node_def). */
    int32_t type;          /**< ::mkt_journey_node_type. */
    int32_t kind;          /**< Entry, wait or action kind; 0 for the other types. */
    const char *id;        /**< Unique in the journey: letters, digits, '-', '_', '.', 1..128. */
    const char *label;     /**< Display name, or NULL. */
    const char *event;     /**< Event type: entry EVENT, wait EVENT, GOAL, action EMIT. */
    const char *segment;   /**< Entry SEGMENT by catalog name. */
    const char *rule;      /**< Entry SEGMENT by rule text (doc/rules.md). */
    const char *field;     /**< Entry DATE and wait FIELD: "customer.X" or "event.X";
                                action UPDATE: the attribute. */
    const char *value;     /**< Action UPDATE: the value; TAG_ADD / TAG_REMOVE: the tag. */
    int64_t delay;         /**< Seconds: entry EVENT delay (>= 0), entry DATE and wait FIELD
                                offset (signed), wait DURATION (> 0), wait EVENT timeout (> 0);
                                at most 100 years (3162240000) either way. */
    int32_t time_of_day;   /**< Seconds after local midnight 0..86399, or -1 (none). */
    int32_t yearly;        /**< Entry DATE: 1 = every year on the anniversary (birthday). */
    mkt_date until_date;   /**< Wait DATE: the local date waited for. */
    int32_t channel;       /**< Action SEND: an ::mkt_channel. */
    const char *template_id; /**< Action SEND: the template (required). */
    const char *subject;   /**< Action SEND: subject line (may hold {{tokens}}), or NULL. */
    const char *offer;     /**< Action SEND: offer to issue a code of, or NULL. */
    const char *experiment;/**< Split: A/B experiment key (NULL: "<journey id>.<node id>"). */
    const char *const *context_keys;   /**< Personalization context names, @c ncontext. */
    const char *const *context_values; /**< Their values (text with {{tokens}}). */
    size_t ncontext;       /**< Number of context entries (at most 64). */
    uint32_t line;         /**< Line in the XML file (0 when built). */
} mkt_journey_node_def;

/** Static initialiser for ::mkt_journey_node_def. @since 0.1 */
#define MKT_JOURNEY_NODE_DEF_INIT { sizeof(mkt_journey_node_def), 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, -1, 0, MKT_NULL_DATE, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0u, 0u }

/** Set @p def to ::MKT_JOURNEY_NODE_DEF_INIT. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_journey_node_def_init(mkt_journey_node_def *def);

/**
 * One edge. Given to mkt_journey_builder_connect() (copied); filled by mkt_journey_edge_get()
 * (strings borrowed from the journey).
 * @since 0.1
 */
typedef struct mkt_journey_edge_def {
    size_t struct_size;  /**< sizeof(mkt_journey_edge_def). */
    uint32_t from;       /**< Node index the edge leaves. */
    uint32_t to;         /**< Node index it leads to. */
    int32_t port;        /**< ::mkt_journey_port. */
    int32_t condition;   /**< Decision BRANCH: ::mkt_journey_condition; else 0. */
    const char *rule;    /**< COND_RULE: rule text. */
    const char *segment; /**< COND_SEGMENT: catalog segment name. */
    const char *event;   /**< COND_EVENT: event type. */
    const char *since;   /**< COND_EVENT: node id to count from; NULL: since entering. */
    int32_t negate;      /**< Decision BRANCH: 1 = taken when the condition does NOT hold. */
    double weight;       /**< Split BRANCH: weight >= 0 (any scale). */
    const char *variant; /**< Split BRANCH: variant name, unique in the split. */
    uint32_t line;       /**< Line in the XML file (0 when built). */
} mkt_journey_edge_def;

/** Static initialiser for ::mkt_journey_edge_def. @since 0.1 */
#define MKT_JOURNEY_EDGE_DEF_INIT { sizeof(mkt_journey_edge_def), MKT_JOURNEY_NONE, MKT_JOURNEY_NONE, 0, 0, NULL, NULL, NULL, NULL, 0, 0.0, NULL, 0u }

/** Set @p def to ::MKT_JOURNEY_EDGE_DEF_INIT. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_journey_edge_def_init(mkt_journey_edge_def *def);

/**
 * Load-time checks; each problem found has one of these kinds. Append-only.
 * @since 0.1
 */
typedef enum mkt_journey_check {
    MKT_JOURNEY_CHECK_SYNTAX = 1,       /**< Malformed XML or not matching the schema. */
    MKT_JOURNEY_CHECK_INVALID = 2,      /**< A bad value (duration, time, weight, id, ...). */
    MKT_JOURNEY_CHECK_DUPLICATE = 3,    /**< A node id or variant name used twice. */
    MKT_JOURNEY_CHECK_UNKNOWN_NODE = 4, /**< An edge or `since` names no node. */
    MKT_JOURNEY_CHECK_NO_ENTRY = 5,     /**< The journey has no entry node. */
    MKT_JOURNEY_CHECK_UNREACHABLE = 6,  /**< No path from an entry reaches the node. */
    MKT_JOURNEY_CHECK_CYCLE = 7,        /**< A cycle without a wait. */
    MKT_JOURNEY_CHECK_NO_DEFAULT = 8,   /**< A decision without a default branch. */
    MKT_JOURNEY_CHECK_MISSING_EXIT = 9, /**< A node lacks a required exit (next, event,
                                             timeout, two split variants). */
    MKT_JOURNEY_CHECK_NEVER_FIRES = 10, /**< A wait that can never fire. */
    MKT_JOURNEY_CHECK_UNKNOWN_SEGMENT = 11,  /**< Not in the segment registry or catalog. */
    MKT_JOURNEY_CHECK_UNKNOWN_TEMPLATE = 12, /**< Not in the template registry. */
    MKT_JOURNEY_CHECK_UNKNOWN_OFFER = 13,    /**< Not in the offer registry. */
    MKT_JOURNEY_CHECK_UNKNOWN_EVENT = 14,    /**< Not in the event registry. */
    MKT_JOURNEY_CHECK_RULE = 15,        /**< A rule that does not parse or compile. */
    MKT_JOURNEY_CHECK_LIMIT = 16        /**< A size limit of ::mkt_journey_options passed. */
} mkt_journey_check;

/** Static name of a check ("unreachable", "cycle", ...), or NULL. @since 0.1 */
const char *mkt_journey_check_name(int32_t check);

/**
 * Options of mkt_journey_builder_finish() and the loaders. Initialise with
 * mkt_journey_options_init(). Each registry is a list of known names; a NULL list means that
 * check is skipped (an empty, non-NULL list makes every reference unknown). Segment names are
 * known when in @c segments or in @c catalog.
 * @since 0.1
 */
typedef struct mkt_journey_options {
    size_t struct_size;              /**< sizeof(mkt_journey_options). */
    const char *const *segments;     /**< Known segment names, @c nsegments, or NULL. */
    size_t nsegments;                /**< Entries of @c segments. */
    const char *const *templates;    /**< Known template ids, or NULL (check skipped). */
    size_t ntemplates;               /**< Entries of @c templates. */
    const char *const *offers;       /**< Known offer ids, or NULL (check skipped). */
    size_t noffers;                  /**< Entries of @c offers. */
    const char *const *events;       /**< Known event types, or NULL (check skipped). */
    size_t nevents;                  /**< Entries of @c events. */
    const mkt_catalog *catalog;      /**< Segments by name and `in segment` references; NULL. */
    const mkt_table *schema;         /**< Customer table: rules are compiled against its
                                          columns and "customer.X" fields must exist; NULL:
                                          rules are only parsed. Not kept. */
    mkt_time now;                    /**< Validation time for waits until a date;
                                          ::MKT_NULL_INT64 (default): the context clock. */
    uint32_t max_nodes;              /**< Most nodes (default 1000). */
    uint32_t max_depth;              /**< Most steps from an entry to any node (default 256). */
    uint32_t max_text;               /**< Longest string value in bytes (default 4096). */
    mkt_journey_issues *issues;      /**< Receives every problem found (appended), or NULL. */
} mkt_journey_options;

/** Static initialiser for ::mkt_journey_options. @since 0.1 */
#define MKT_JOURNEY_OPTIONS_INIT { sizeof(mkt_journey_options), NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, MKT_NULL_INT64, 1000u, 256u, 4096u, NULL }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_journey_options_init(mkt_journey_options *opts);

/* ---- issues -------------------------------------------------------------------------- */

/** One problem found at load time (strings borrowed from the list). @since 0.1 */
typedef struct mkt_journey_issue {
    size_t struct_size;  /**< sizeof(mkt_journey_issue). */
    int32_t check;       /**< ::mkt_journey_check. */
    int32_t code;        /**< The ::mkt_status it makes the load return. */
    const char *node;    /**< Id of the node concerned, or NULL. */
    const char *source;  /**< File name, or NULL. */
    uint32_t line;       /**< Line in the file, 0 when built or unknown. */
    uint32_t column;     /**< Column, 0 when unknown. */
    const char *message; /**< What is wrong (never NULL). */
    const char *hint;    /**< How to fix it, or NULL. */
} mkt_journey_issue;

/**
 * Create an empty issue list bound to @p ctx.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_journey_issues_new(mkt_journey_issues **out, mkt_ctx *ctx);

/** Free an issue list. NULL is ignored. @since 0.1 */
void mkt_journey_issues_free(mkt_journey_issues *issues);

/** Number of issues; 0 for NULL. @since 0.1 */
size_t mkt_journey_issues_count(const mkt_journey_issues *issues);

/**
 * Read issue @p index (in the order found: XML and node problems, then the graph, then
 * references and rules) into @p out (set
 * out->struct_size first). Strings live until the list is freed.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (out of range), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_journey_issues_get(const mkt_journey_issues *issues, size_t index,
                           mkt_journey_issue *out);

/* ---- building -------------------------------------------------------------------------- */

/**
 * Start a journey with the settings of @p def (copied).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL argument, bad id, policy, duration or zone; the
 *         message says which), ::MKT_ENOMEM.
 * Thread safety: the builder uses @p ctx; one thread at a time.
 * @since 0.1
 */
int mkt_journey_builder_new(mkt_journey_builder **out, mkt_ctx *ctx,
                            const mkt_journey_def *def);

/** Free a builder. NULL is ignored. @since 0.1 */
void mkt_journey_builder_free(mkt_journey_builder *builder);

/**
 * Add a node (copied). Its own fields are checked now: type and kind, required and
 * forbidden fields, id syntax, durations, time of day, channel, lengths.
 * @param[out] index receives the node's dense index (may be NULL).
 * @return ::MKT_OK, ::MKT_EINVAL (the message names the node and field), ::MKT_EEXIST
 *         (id taken), ::MKT_ETOOBIG (max nodes or a string longer than max text of the
 *         default options), ::MKT_ENOMEM. On failure the builder is unchanged.
 * @since 0.1
 */
int mkt_journey_builder_add_node(mkt_journey_builder *builder, const mkt_journey_node_def *def,
                                 uint32_t *index);

/**
 * Add an edge (copied). Checked now: both nodes exist, the port suits the source node
 * (NEXT: entry, action, waits other than EVENT; EVENT/TIMEOUT: wait EVENT; BRANCH/DEFAULT:
 * decision; BRANCH: split), a port with one exit is not used twice, a decision branch has
 * exactly the fields of its condition, a split branch a finite weight >= 0 and a variant.
 * Decision branches are ranked in the order connected.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_EEXIST (port already connected), ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_journey_builder_connect(mkt_journey_builder *builder, const mkt_journey_edge_def *def);

/**
 * Check the whole definition (graph, references, rules; see ::mkt_journey_check) and compile
 * it into a new immutable journey. The builder is left unchanged (finish may be called again).
 * Every problem goes to @c opts->issues (the first 1000 of one call; later ones are only
 * counted); the context's last error gets the first one and the number of others.
 * @param opts NULL for defaults.
 * @param[out] out the journey (NULL on failure); release with mkt_journey_free().
 * @return ::MKT_OK; the status of the first problem (::MKT_EINVAL for graph errors,
 *         ::MKT_ENOTFOUND for unknown references, ::MKT_EPARSE / ::MKT_ETYPE for rules,
 *         ::MKT_ETOOBIG for limits); ::MKT_ENOMEM.
 * Thread safety: the catalog and schema of @p opts are only read.
 * @since 0.1
 */
int mkt_journey_builder_finish(mkt_journey_builder *builder, const mkt_journey_options *opts,
                               mkt_journey **out);

/* ---- loading ----------------------------------------------------------------------------- */

/**
 * Load a journey from XML in memory, validated against the shipped RelaxNG schema
 * (mkt_journey_xml_schema(); network, DTDs and external entities off) and then checked as by
 * mkt_journey_builder_finish(); problems carry their line.
 * @param source name in messages (NULL: "<memory>").
 * @return as mkt_journey_builder_finish(), plus ::MKT_EPARSE (malformed XML or schema),
 *         ::MKT_ETOOBIG (more than 16 MiB).
 * @since 0.1
 */
int mkt_journey_load_xml_memory(mkt_journey **out, mkt_ctx *ctx, const char *data, size_t len,
                                const char *source, const mkt_journey_options *opts);

/** As mkt_journey_load_xml_memory() for a file; ::MKT_EIO when it cannot be read. @since 0.1 */
int mkt_journey_load_xml_file(mkt_journey **out, mkt_ctx *ctx, const char *path,
                              const mkt_journey_options *opts);

/** The RelaxNG schema of journey files (NUL-terminated, static). @since 0.1 */
const char *mkt_journey_xml_schema(void);

/* ---- reading ----------------------------------------------------------------------------- */

/** Free a journey. NULL is ignored. @since 0.1 */
void mkt_journey_free(mkt_journey *journey);

/** Read the journey-level settings (strings borrowed). @return ::MKT_OK, ::MKT_EINVAL. @since 0.1 */
int mkt_journey_get(const mkt_journey *journey, mkt_journey_def *out);

/** Number of nodes (0 for NULL). @since 0.1 */
uint32_t mkt_journey_node_count(const mkt_journey *journey);

/** Read node @p index (strings borrowed). @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_journey_node_get(const mkt_journey *journey, uint32_t index, mkt_journey_node_def *out);

/** Index of the node with id @p id. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL. @since 0.1 */
int mkt_journey_node_find(const mkt_journey *journey, const char *id, uint32_t *index);

/** Number of edges (0 for NULL). @since 0.1 */
uint32_t mkt_journey_edge_count(const mkt_journey *journey);

/**
 * Read edge @p index. Edges are ordered by source node, then in the order connected (so a
 * decision's branches come in rank order).
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_journey_edge_get(const mkt_journey *journey, uint32_t index, mkt_journey_edge_def *out);

/**
 * The edges leaving node @p node: indexes @p *first .. @p *first + @p *count - 1.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_journey_node_edges(const mkt_journey *journey, uint32_t node, uint32_t *first,
                           uint32_t *count);

/**
 * Draw the journey as text a person can read: the settings, the goals, then a tree from each
 * entry in which a node already drawn is referred to by id (doc/journeys.md shows one).
 * @param[out] out NUL-terminated text; release with mkt_free().
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * Thread safety: uses @p ctx; the journey is only read.
 * @since 0.1
 */
int mkt_journey_format(const mkt_journey *journey, mkt_ctx *ctx, char **out);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_JOURNEY_H */
