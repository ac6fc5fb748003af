/* SPDX-License-Identifier: MIT */
/* Placeholder until the memory store lands. */
#include "core-private.h"
int mkt__memstore_init(mkt_ctx *ctx, mkt_store_ops *ops) { (void)ctx; (void)ops; return MKT_EUNSUPPORTED; }
