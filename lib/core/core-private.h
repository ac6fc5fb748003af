/* SPDX-License-Identifier: MIT */
/*
 * Internal core API shared by every module: the context layout, allocation through the host
 * allocator, error reporting, logging. Nothing here is exported.
 */
#ifndef MKT_CORE_PRIVATE_H
#define MKT_CORE_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "libmarketing/ctx.h"
#include "libmarketing/host.h"
#include "libmarketing/store.h"

/* Marks the definition of a public function; everything else stays hidden. */
#define MKT_EXPORT __attribute__((visibility("default")))

#if defined(__GNUC__)
#define MKT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MKT_LIKELY(x) __builtin_expect(!!(x), 1)
#define MKT_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* A read hint for memory needed soon; never faults, even on an address it should not read. */
#define MKT__PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define MKT__PREFETCH(p) ((void)(p))
#define MKT_PRINTF(fmt, args)
#define MKT_LIKELY(x) (x)
#define MKT_UNLIKELY(x) (x)
#endif

/* Where the last failure happened; the strings are owned by the context. */
struct mkt_error_slot {
    mkt_error pub;
    char *message;
    char *source;
    char *field;
};

struct mkt_ctx {
    mkt_host host;          /* copy, defaults filled in */
    mkt_store_ops store;    /* copy of the host's store, or the memory store */
    mkt_ctx_options opts;   /* copy, defaults filled in */
    struct mkt_error_slot err;
    uint8_t salt[32];       /* the store's salt (lib/core/salt.c), once have_salt is set: it
                               never changes after creation, so caching it is safe */
    int have_salt;
    int libc_alloc;         /* the host gave no allocator: malloc, realloc, free (and calloc) */
};

/* ---- allocation (lib/core/alloc.c) ----------------------------------------------------- */
/* All return NULL on failure (or on size overflow) without setting the context's error:
 * callers report MKT_ENOMEM through mkt__error() where they can add context. */
void *mkt__malloc(mkt_ctx *ctx, size_t size);
void *mkt__calloc(mkt_ctx *ctx, size_t count, size_t size);
void *mkt__realloc(mkt_ctx *ctx, void *ptr, size_t size);
void *mkt__reallocarray(mkt_ctx *ctx, void *ptr, size_t count, size_t size);
void mkt__free(mkt_ctx *ctx, void *ptr);
char *mkt__strndup(mkt_ctx *ctx, const char *s, size_t len);
char *mkt__strdup(mkt_ctx *ctx, const char *s);
/* Ask the kernel to back the 2 MiB-aligned part of a large block, not touched yet, with huge
 * pages (transparent huge pages in "madvise" mode, Debian's default). First touching fresh
 * memory is what large tables mostly cost on virtual machines, and it costs about half as much
 * with one fault per 2 MiB instead of 512 (64 MiB: 0.56 s against 0.27 s on the development
 * VM); arrays written at random (hash slots, per-customer accumulators) also miss the TLB less.
 * Only a hint: contents and the allocator's bookkeeping are untouched. mkt__calloc() gives it
 * for every block. */
void mkt__hint_huge_pages(void *ptr, size_t size);
/* A block the caller releases with mkt_free(); it remembers the allocator. */
void *mkt__caller_alloc(mkt_ctx *ctx, size_t size);

/* ---- errors and logging (lib/core/error.c) --------------------------------------------- */
/* Record @code with a formatted message as the context's last error; returns @code so that
 * `return mkt__error(ctx, MKT_EINVAL, "...")` reads naturally. If the message itself cannot be
 * allocated the code is still recorded with a static message. */
int mkt__error(mkt_ctx *ctx, int code, const char *fmt, ...) MKT_PRINTF(3, 4);
/* The same with a location; the message becomes "source:line:column: field: text". Any of
 * source/field may be NULL and line/column 0. */
int mkt__error_at(mkt_ctx *ctx, int code, const char *source, uint64_t line, uint64_t column,
                  const char *field, const char *fmt, ...) MKT_PRINTF(7, 8);
int mkt__verror_at(mkt_ctx *ctx, int code, const char *source, uint64_t line, uint64_t column,
                   const char *field, const char *fmt, va_list ap);
/* Free the error strings and set the code back to MKT_OK (context creation and free). */
void mkt__error_reset(mkt_ctx *ctx);
/* Report MKT_ENOMEM (common enough to deserve its own name). */
int mkt__oom(mkt_ctx *ctx);
void mkt__log(mkt_ctx *ctx, int level, const char *fmt, ...) MKT_PRINTF(3, 4);

/* ---- hot-path store read (lib/core/store.c) --------------------------------------------- */
/* mkt_store_get() into the caller's @buf of @cap bytes, without allocating: MKT_OK (the value
 * is in buf, *value_len bytes), MKT_ENOTFOUND WITHOUT recording an error (absence is a normal
 * answer), MKT_ETOOBIG without an error when the value has *value_len > cap bytes (nothing
 * copied: fall back to mkt_store_get()), or any other error recorded as mkt_store_get() does. */
int mkt__store_get_buf(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                       void *buf, size_t cap, size_t *value_len, uint64_t *version);

/* Hints that keys will be read soon (batch paths overlap the memory latency of many reads).
 * mkt__store_prefetch_ns() resolves a namespace once per batch: an index for
 * mkt__store_prefetch(), or -1 (a host store, no such namespace yet, or one small enough to
 * stay in the caches: no hints). @hash is
 * mkt__memstore_hash() of the key (one key in several namespaces: hash once). Stage 0
 * prefetches the built-in memory store's hash slot, stage 1 (a little later, when the slot
 * has arrived) the record it points to. Never fails, never changes state. */
long mkt__store_prefetch_ns(mkt_ctx *ctx, const char *ns);
void mkt__store_prefetch(mkt_ctx *ctx, long ns_index, uint64_t hash, int stage);

/* A namespace resolved once for a hot read path (zero-initialize it; it belongs to one
 * context): with the built-in memory store, mkt__store_view_hashed() then finds the
 * namespace by index instead of comparing names, and takes the key's mkt__memstore_hash()
 * from the caller (one key read in several namespaces is hashed once). */
typedef struct mkt__ns_ref {
    const void *store; /* the memory store @index belongs to; NULL: not resolved */
    long index;
} mkt__ns_ref;

/* mkt__store_get_buf() without the copy where it can: @hash = mkt__memstore_hash(key,
 * key_len) and a valid key (the caller has checked it: 1..MKT_STORE_MAX_KEY bytes). With the
 * built-in memory store *value points at the value inside the store (valid until the next
 * write to it; any length); with a host store the value is copied to @buf as by
 * mkt__store_get_buf() (MKT_ETOOBIG when it does not fit) and *value is @buf. */
int mkt__store_view_hashed(mkt_ctx *ctx, const char *ns, mkt__ns_ref *ref, const char *key,
                           size_t key_len, uint64_t hash, void *buf, size_t cap,
                           const unsigned char **value, size_t *value_len, uint64_t *version);

/* ---- the built-in memory store (lib/core/memstore.c) ------------------------------------ */
int mkt__memstore_init(mkt_ctx *ctx, mkt_store_ops *ops);
uint64_t mkt__memstore_hash(const char *key, size_t key_len);
long mkt__memstore_ns_index(void *user_data, const char *ns);
void mkt__memstore_prefetch(void *user_data, long ns_index, uint64_t hash, int stage);
/* The index of namespace @ns (any size), or -1 when it does not exist (yet). */
long mkt__memstore_ns_lookup(void *user_data, const char *ns);
/* The value of @key (of hash @hash) in namespace @ns_index, in place: MKT_OK or
 * MKT_ENOTFOUND. */
int mkt__memstore_view_at(void *user_data, long ns_index, const char *key, size_t key_len,
                          uint64_t hash, const unsigned char **value, size_t *value_len,
                          uint64_t *version);
/* Whether @ctx keeps its state in the built-in memory store (gone with the context). */
int mkt__store_is_builtin(const mkt_ctx *ctx);

/* ---- dates of one month in a row (lib/core/values.c) ------------------------------------- */

/* The month of the last "YYYY-MM-DD" parsed through it. Data files hold runs of dates in one
 * month (bookings sorted by date, departures a few months on): a date of the remembered month
 * is a day-number check and an addition. Zero-initialize; one per parsing thread. */
struct mkt__month_memo {
    uint64_t key;  /* the 8 bytes "YYYY-MM-" (0: none yet) */
    int64_t first; /* the day number of the month's first day */
    int dim;       /* days in the month */
};

/* mkt_date_parse() of @len bytes at @s through @memo: 1 with *days set, or 0 (not a date). */
int mkt__date_parse_memo(struct mkt__month_memo *memo, const char *s, size_t len,
                         int64_t *days);

/* Size-checked read of a caller struct: the field is inside what the caller compiled. */
#define MKT_HAS_FIELD(ptr, type, field) \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

#endif /* MKT_CORE_PRIVATE_H */
