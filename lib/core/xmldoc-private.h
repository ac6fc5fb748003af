/* SPDX-License-Identifier: MIT */
/*
 * Reading a definition file (segments, offers) the safe way, in one place: libxml2 only
 * through our own parser and validation contexts (never its process-wide handlers), from
 * memory, with network access off, no entity substitution, no DTD loading, and a DOCTYPE
 * refused as soon as the parser meets it; then validation against a RelaxNG schema shipped
 * with the library. Errors go to the context as "source:line: ...".
 */
#ifndef MKT_CORE_XMLDOC_PRIVATE_H
#define MKT_CORE_XMLDOC_PRIVATE_H

#include <libxml/tree.h>

#include "core-private.h"
#include "util.h"

#define MKT__XMLDOC_MAX_BYTES (64u << 20) /* largest definition file */

/* Parse @len bytes of @data into *@doc. @kind names the definitions in messages ("segment",
 * "offer"). MKT_OK; MKT_ETOOBIG (over MKT__XMLDOC_MAX_BYTES) or MKT_EPARSE (malformed, or a
 * DOCTYPE) with *doc NULL; MKT_ENOMEM. */
int mkt__xmldoc_read(mkt_ctx *ctx, const char *source, const char *kind, const char *data,
                     size_t len, xmlDocPtr *doc);

/* Read the whole file @path into @out (initialised by the caller, freed by it): MKT_OK;
 * MKT_EIO (cannot open or read) or MKT_ETOOBIG (over MKT__XMLDOC_MAX_BYTES), naming the file;
 * MKT_ENOMEM. */
int mkt__xmldoc_read_file(mkt_ctx *ctx, const char *path, const char *kind, mkt__buf *out);

/* Validate @doc against the RelaxNG schema text @rng (NUL-terminated). MKT_OK; MKT_EPARSE
 * with the first problem and its line; MKT_ENOMEM. */
int mkt__xmldoc_validate(mkt_ctx *ctx, const char *source, const char *kind, const char *rng,
                         xmlDocPtr doc);

#endif /* MKT_CORE_XMLDOC_PRIVATE_H */
