/* SPDX-License-Identifier: MIT */
/**
 * @file catalog.h
 * @brief Segment catalogs: named collections of segment definitions (id, name, category,
 *        description, rule, availability), the 50 predefined segments shipped with the
 *        library, XML definition files, and compilation that resolves `in segment 'Name'`
 *        through the catalog.
 *
 * See doc/segments.md for the shipped definitions and the XML format (RelaxNG schema
 * data/segments.rng, also returned by mkt_catalog_xml_schema()).
 *
 * Thread safety: a catalog is changed (add, load) by one thread at a time; once built it may be
 * read and compiled from by any number of threads, each passing its own context. The XML
 * loaders use libxml2 through their own parser and validation contexts only (no process-wide
 * handlers are set); libxml2 initialises its global tables on first use, so a host that loads
 * XML from several threads at once should make its first load (or call xmlInitParser()) from
 * one thread.
 */
#ifndef LIBMARKETING_CATALOG_H
#define LIBMARKETING_CATALOG_H

#include "common.h"
#include "ctx.h"
#include "data.h"
#include "segment.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A collection of segment definitions (opaque). @since 0.1 */
typedef struct mkt_catalog mkt_catalog;

/**
 * One segment definition. Given to mkt_catalog_add() (strings borrowed and copied) and filled
 * by mkt_catalog_get() (strings borrowed from the catalog, valid until it is freed).
 * @since 0.1
 */
typedef struct mkt_segment_def {
    size_t struct_size;          /**< sizeof(mkt_segment_def). */
    const char *id;              /**< Stable id: [a-z0-9] words joined by '-' (required). */
    const char *name;            /**< Display name, unique in the catalog (required). */
    const char *category;        /**< E.g. "Sales & Revenue"; NULL for none. */
    const char *description;     /**< NULL for none. */
    const char *rule;            /**< Rule text (doc/rules.md), normalized when read back. */
    const char *unavailable;     /**< Why the segment cannot be evaluated yet (e.g. the module
                                      that computes its fields does not exist), or NULL when
                                      available. */
    const char *source;          /**< Where the rule text comes from, for error positions
                                      (a file name), or NULL. */
    uint32_t line;               /**< Where the definition starts in @p source. Given to
                                      mkt_catalog_add(): the line of the rule text's first line,
                                      used for error positions (0 means 1). Read from a
                                      definition loaded from XML: the `<segment>` element's line. */
} mkt_segment_def;

/** Static initialiser for ::mkt_segment_def (everything NULL). @since 0.1 */
#define MKT_SEGMENT_DEF_INIT { sizeof(mkt_segment_def), NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0u }

/** Set @p def to ::MKT_SEGMENT_DEF_INIT. @return ::MKT_OK or ::MKT_EINVAL. @since 0.1 */
int mkt_segment_def_init(mkt_segment_def *def);

/**
 * Create an empty catalog. It keeps @p ctx for allocation and for the errors of
 * mkt_catalog_add() and the loaders.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_catalog_new(mkt_catalog **out, mkt_ctx *ctx);

/**
 * Create a catalog holding the predefined segments that ship with the library (doc/segments.md):
 * 50 definitions in eight categories, some marked unavailable with the reason.
 * @return ::MKT_OK, ::MKT_EINVAL, ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_catalog_builtin(mkt_catalog **out, mkt_ctx *ctx);

/** Free a catalog. NULL is ignored. @since 0.1 */
void mkt_catalog_free(mkt_catalog *catalog);

/**
 * Add one definition; its rule text is parsed now (fields are checked at compile time).
 * @return ::MKT_OK; ::MKT_EINVAL (missing id, name or rule, bad id, bad struct_size);
 *         ::MKT_EEXIST (the id or name is already in the catalog); ::MKT_EPARSE / ::MKT_ETOOBIG
 *         (the rule, with its position in @p def->source); ::MKT_ENOMEM. On failure the
 *         catalog is unchanged.
 * @since 0.1
 */
int mkt_catalog_add(mkt_catalog *catalog, const mkt_segment_def *def);

/**
 * Load the definitions of an XML file (see doc/segments.md), validated against the schema.
 * All or nothing: on any error no definition is added. External entities, DTD loading and
 * network access are off.
 * @return ::MKT_OK; ::MKT_EIO (cannot read the file); ::MKT_EPARSE (malformed XML, schema
 *         violation, bad rule, unknown operator, with file, line and column); ::MKT_EEXIST
 *         (duplicate id or name); ::MKT_ETOOBIG (file larger than 64 MiB, rule limits);
 *         ::MKT_EINVAL; ::MKT_ENOMEM.
 * @since 0.1
 */
int mkt_catalog_load_xml_file(mkt_catalog *catalog, const char *path);

/**
 * As mkt_catalog_load_xml_file() for @p len bytes of XML in memory; @p source names it in
 * error messages (NULL: "<memory>").
 * @since 0.1
 */
int mkt_catalog_load_xml_memory(mkt_catalog *catalog, const char *data, size_t len,
                                const char *source);

/** The RelaxNG schema of the XML format (NUL-terminated, static). @since 0.1 */
const char *mkt_catalog_xml_schema(void);

/** Number of definitions. 0 for NULL. @since 0.1 */
size_t mkt_catalog_count(const mkt_catalog *catalog);

/**
 * Read definition @p index (in the order added) into @p out (set out->struct_size first).
 * The rule is given in normalized form.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (index out of range), ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_catalog_get(const mkt_catalog *catalog, size_t index, mkt_segment_def *out);

/**
 * Find a definition by name (exact) or id. @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_catalog_find(const mkt_catalog *catalog, const char *name_or_id, size_t *index);

/** The parsed rule of definition @p index (borrowed), or NULL. @since 0.1 */
const mkt_rule *mkt_catalog_rule(const mkt_catalog *catalog, size_t index);

/**
 * A ::mkt_segment_resolver_fn that resolves names (or ids) through the catalog passed as
 * @p catalog (a `const mkt_catalog *`): set ::mkt_segment_options resolver to this function
 * and resolver_data to the catalog.
 * @return ::MKT_OK, ::MKT_ENOTFOUND, ::MKT_EINVAL.
 * @since 0.1
 */
int mkt_catalog_resolve(const char *name, const mkt_rule **rule, void *catalog);

/**
 * Compile the catalog's segment @p name_or_id against @p table, resolving its
 * `in segment` references through the catalog (a resolver set in @p opts is replaced).
 * @return as mkt_segment_compile(); ::MKT_ENOTFOUND when the catalog has no such segment;
 *         ::MKT_EUNSUPPORTED when an unavailable segment fails to compile (the message gives
 *         the reason and the compiler's error). An unavailable segment compiles normally once
 *         the table has the fields it needs.
 * Thread safety: uses @p ctx; the catalog and table are only read.
 * @since 0.1
 */
int mkt_catalog_compile(mkt_segment **out, mkt_ctx *ctx, const mkt_catalog *catalog,
                        const char *name_or_id, const mkt_table *table,
                        const mkt_segment_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_CATALOG_H */
