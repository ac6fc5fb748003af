/* SPDX-License-Identifier: MIT */
/*
 * C side of the Go bindings: builds the host interface whose callbacks are exported Go
 * functions, and converts runtime/cgo.Handle values to the void * user data that the library
 * passes back, so no Go pointer is ever stored in C memory.
 */
#ifndef MKT_GO_SHIM_H
#define MKT_GO_SHIM_H

#include <stdint.h>
#include <stdlib.h>

#include <libmarketing.h>

/* Which host callbacks the Go side provides. */
enum {
    MKT_GO_NOW = 1,
    MKT_GO_LOG = 2,
    MKT_GO_RANDOM = 4,
    MKT_GO_SEND = 8,
    MKT_GO_AUDIT = 16,
    MKT_GO_STORE = 32
};

int mkt_go_ctx_new(mkt_ctx **out, uintptr_t handle, unsigned flags, const mkt_ctx_options *opts);
int mkt_go_call_visit(mkt_store_visit_fn visit, const void *key, size_t key_len,
                      const void *value, size_t value_len, uint64_t version, void *visit_data);
int mkt_go_store_scan(mkt_ctx *ctx, const char *ns, const void *prefix, size_t prefix_len,
                      uintptr_t handle);
void mkt_go_load_progress(mkt_load_options *opts, uintptr_t handle);
void mkt_go_paths_progress(mkt_paths_options *opts, uintptr_t handle);
void mkt_go_segment_resolver(mkt_segment_options *opts, uintptr_t handle);
/* The journey engine's action callback: forwards to Go through @handle. */
void mkt_go_engine_action(mkt_journey_engine_options *opts, uintptr_t handle);
/* Resolve `in segment` references through a catalog (mkt_catalog_resolve), all in C. */
void mkt_go_catalog_resolver(mkt_segment_options *opts, const mkt_catalog *catalog);
/* A NULL-terminated-free array of C strings for mkt_paths_add(). */
const char **mkt_go_strings_new(size_t n);
void mkt_go_strings_set(const char **arr, size_t i, const char *s);
void mkt_go_strings_free(const char **arr, size_t n);

#endif
