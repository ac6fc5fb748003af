/* SPDX-License-Identifier: MIT */
/**
 * @file promo.h
 * @brief Promo codes: normalization, code formats (charset, length, prefix, suffix, pattern,
 *        check character), offline syntax check, unique random generation and customer-bound
 *        codes. doc/promo-codes.md is the user guide.
 *
 * Codes are ASCII. The canonical (normalized) form of a code is upper-case with every space
 * and dash removed: "summer24 - 7kq9" and "SUMMER24-7KQ9" are the same code, "SUMMER247KQ9".
 *
 * Thread safety: a compiled ::mkt_promo_format is immutable and may be used by many threads at
 * once; every other function uses its ::mkt_ctx, one thread per context at a time.
 */
#ifndef LIBMARKETING_PROMO_H
#define LIBMARKETING_PROMO_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest normalized code, in bytes (the NUL not counted). @since 0.1 */
#define MKT_PROMO_MAX_LEN 64

/**
 * Put @p code in canonical form: ASCII letters upper-cased, spaces and dashes dropped, every
 * other printable ASCII byte (0x21..0x7E) kept as is.
 * @param ctx      context for the error message (required).
 * @param code     NUL-terminated input.
 * @param out      receives the canonical code, NUL-terminated; at most
 *                 ::MKT_PROMO_MAX_LEN + 1 bytes are ever needed.
 * @param out_size size of @p out in bytes.
 * @param out_len  receives the length without the NUL (may be NULL).
 * @return ::MKT_OK; ::MKT_EINVAL if an argument is NULL, @p code holds a byte that is not
 *         printable ASCII (a control byte or a byte >= 0x80: the message names its 1-based
 *         column) or nothing is left after normalization; ::MKT_ERANGE if the canonical code
 *         is longer than ::MKT_PROMO_MAX_LEN or does not fit @p out_size. On failure @p out
 *         holds "" (when @p out_size > 0).
 * Thread safety: reentrant.
 * @since 0.1
 */
int mkt_promo_normalize(mkt_ctx *ctx, const char *code, char *out, size_t out_size,
                        size_t *out_len);

/* ---- code formats ------------------------------------------------------------------------ */

/** Most characters a charset may have (every printable ASCII byte but '-' and a..z). @since 0.1 */
#define MKT_PROMO_MAX_CHARSET 67
/** Longest display form of a code (prefix, pattern text, suffix), in bytes. @since 0.1 */
#define MKT_PROMO_MAX_DISPLAY 256

/**
 * How codes look. Initialise with mkt_promo_options_init() (or ::MKT_PROMO_OPTIONS_INIT).
 *
 * A code is: prefix, then the body, then suffix. Without a pattern the body is @c length
 * random characters followed by the check character (when enabled). A pattern spells the body:
 * `#` is one random character, `!` is the check character (at most one, after every `#`;
 * when the check character is enabled and the pattern has no `!`, it follows the pattern),
 * a backslash makes the next character literal (`\#`, `\!`, `\\`), and every other character is
 * literal text. Literal text (prefix, suffix, pattern text) is printable ASCII (space allowed);
 * it is compared in canonical form (case-insensitive, spaces and dashes ignored).
 * @since 0.1
 */
typedef struct mkt_promo_options {
    size_t struct_size;  /**< sizeof(mkt_promo_options). */
    /** NULL or "" (default: "unambiguous"), a built-in name — "alphanumeric" (0-9A-Z, 36),
     *  "alphabetic" (A-Z, 26), "numeric" (0-9, 10), "unambiguous" (23456789 and A-Z without
     *  I, L, O: 31) — or the characters of a custom set: 2..::MKT_PROMO_MAX_CHARSET distinct
     *  printable ASCII characters, no lower-case letter, space or '-' (they would not survive
     *  normalization). A custom set of 2 characters cannot have a check character. */
    const char *charset;
    /** Random characters per code (the check character not counted), 1..63; 0 = default: the
     *  number of `#` in the pattern, or 8 without a pattern. With a pattern it must be 0 or
     *  equal that number. */
    int32_t length;
    const char *prefix;  /**< Literal text before the body; NULL = none. */
    const char *suffix;  /**< Literal text after the body; NULL = none. */
    const char *pattern; /**< Body pattern (see above); NULL = @c length random characters. */
    int32_t check_char;  /**< 1: add a check character (see mkt_promo_check()); default 0. */
} mkt_promo_options;

/** Static initialiser for ::mkt_promo_options. @since 0.1 */
#define MKT_PROMO_OPTIONS_INIT { sizeof(mkt_promo_options), NULL, 0, NULL, NULL, NULL, 0 }

/** Set @p opts to the defaults. @return ::MKT_OK or ::MKT_EINVAL (NULL). @since 0.1 */
int mkt_promo_options_init(mkt_promo_options *opts);

/** A compiled code format (opaque, immutable). @since 0.1 */
typedef struct mkt_promo_format mkt_promo_format;

/**
 * Compile a code format.
 * @param[out] out receives the format; release with mkt_promo_format_free().
 * @param ctx  context (allocator, errors); it must outlive the format.
 * @param opts options; NULL = defaults (8 unambiguous characters, no check character).
 * @return ::MKT_OK; ::MKT_EINVAL for a NULL @p out / @p ctx or a bad option (unknown charset
 *         name, duplicate or forbidden charset character, bad pattern, check character with a
 *         2-character set, ...; the message names the option and the column);
 *         ::MKT_ERANGE when the canonical code would be longer than ::MKT_PROMO_MAX_LEN or the
 *         display form longer than ::MKT_PROMO_MAX_DISPLAY; ::MKT_ENOMEM.
 * Thread safety: one thread per context at a time; the format, once built, is immutable.
 * @since 0.1
 */
int mkt_promo_format_new(mkt_promo_format **out, mkt_ctx *ctx, const mkt_promo_options *opts);

/** Release a format (NULL is ignored). @since 0.1 */
void mkt_promo_format_free(mkt_promo_format *fmt);

/** The code space of a format and the guessing risk. @since 0.1 */
typedef struct mkt_promo_entropy {
    int32_t charset_size;     /**< Characters in the charset. */
    int32_t random_chars;     /**< Random characters per code. */
    int32_t code_len;         /**< Length of the canonical code (prefix .. suffix, check). */
    int32_t display_len;      /**< Length of the display form. */
    double space;             /**< Number of distinct codes: charset_size ^ random_chars. */
    double bits;              /**< Entropy per code: log2(space). */
    double guess_probability; /**< issued / space: the chance that one guess (a random
                                   well-formed code) is a live code. */
    uint64_t max_batch;       /**< Most codes mkt_promo_generate() accepts at once:
                                   floor(space / 2), capped at 2^32. */
} mkt_promo_entropy;

/**
 * Describe the code space of @p fmt when @p issued codes are live.
 * @return ::MKT_OK or ::MKT_EINVAL (NULL argument). Thread-safe.
 * @since 0.1
 */
int mkt_promo_entropy_get(const mkt_promo_format *fmt, uint64_t issued, mkt_promo_entropy *out);

/* ---- syntax check ------------------------------------------------------------------------ */

/** Why a code is not well formed (machine-readable; see mkt_promo_reason_name()). Append-only.
 *  @since 0.1 */
typedef enum mkt_promo_reason {
    MKT_PROMO_VALID = 0,      /**< Well formed. */
    MKT_PROMO_BAD_BYTE = 1,   /**< A byte is not printable ASCII. */
    MKT_PROMO_TOO_SHORT = 2,  /**< Fewer characters than the format (after normalization). */
    MKT_PROMO_TOO_LONG = 3,   /**< More characters than the format. */
    MKT_PROMO_LITERAL = 4,    /**< A prefix, suffix or pattern literal does not match. */
    MKT_PROMO_CHARSET = 5,    /**< A random character is not in the charset. */
    MKT_PROMO_CHECK_CHAR = 6  /**< The check character is wrong (a typo). */
} mkt_promo_reason;

/** The outcome of mkt_promo_check(). @since 0.1 */
typedef struct mkt_promo_check_result {
    int32_t valid;    /**< 1 if well formed, else 0. */
    int32_t reason;   /**< An ::mkt_promo_reason (the first problem found). */
    int32_t position; /**< 1-based position of the offending character: in the input for
                           BAD_BYTE, in the canonical code for LITERAL, CHARSET and
                           CHECK_CHAR; 0 for the lengths. */
} mkt_promo_check_result;

/**
 * Offline syntax check of @p code against @p fmt: canonical form, length, literals, charset and
 * check character. It says nothing about whether the code was issued or is redeemable.
 * The check character detects every single-character substitution and every transposition of
 * two adjacent random/check characters (doc/promo-codes.md gives the proof).
 * @param code     the code as typed, @p code_len bytes (NUL not needed).
 * @param[out] out the verdict.
 * @return ::MKT_OK (whatever the verdict) or ::MKT_EINVAL (NULL @p fmt, @p out, or @p code
 *         with a non-zero length). Pure and thread-safe; never allocates.
 * @since 0.1
 */
int mkt_promo_check(const mkt_promo_format *fmt, const char *code, size_t code_len,
                    mkt_promo_check_result *out);

/**
 * Machine-readable name of a reason ("valid", "bad_byte", "too_short", "too_long", "literal",
 * "charset", "check_char"); "unknown" otherwise. Static storage, thread-safe.
 * @since 0.1
 */
const char *mkt_promo_reason_name(int32_t reason);

/* ---- generation and issuing -------------------------------------------------------------- */

/**
 * Generate @p count distinct random codes of format @p fmt, from the host's random callback
 * (unbiased: rejection sampling per character).
 *
 * When @p offer_id is not NULL the codes are also issued: each is created in the store
 * namespace "offer.code" (key: canonical code, value: @p offer_id) with create-only
 * compare-and-set, so a code already issued (to any offer, by any process) is never issued
 * again: it is replaced by a fresh draw. If issuing fails part way, the codes this call created
 * are deleted again (all-or-nothing as far as the store allows).
 *
 * Termination: a batch may fill at most half of the code space (mkt_promo_entropy.max_batch);
 * each code then needs on average at most 2 draws, and a code that finds no free value in 64
 * draws (probability below 2^-64 while the space is at most half full) fails the call with
 * ::MKT_ELIMIT instead of looping.
 *
 * @param[out] codes     receives the codes in display form, one per line, each ending with
 *                       '\n', NUL-terminated; release with mkt_free().
 * @param[out] codes_len receives the byte length (may be NULL).
 * @return ::MKT_OK; ::MKT_EINVAL (NULL argument, @p count 0, bad @p offer_id);
 *         ::MKT_ERANGE when @p count exceeds max_batch (the message gives the space size);
 *         ::MKT_ELIMIT (space exhausted, see above); ::MKT_ENOMEM; or the random callback's
 *         or the store's error. On failure *codes is NULL.
 * Thread safety: one thread per context at a time; @p fmt may be shared.
 * @since 0.1
 */
int mkt_promo_generate(mkt_ctx *ctx, const mkt_promo_format *fmt, uint64_t count,
                       const char *offer_id, char **codes, size_t *codes_len);

/** Shortest secret accepted by mkt_promo_derive(), in bytes. @since 0.1 */
#define MKT_PROMO_MIN_SECRET 16

/**
 * The code of format @p fmt bound to (@p offer_id, @p customer_id): deterministic,
 * HMAC-SHA-256 keyed by @p secret over both ids, mapped to the charset without bias. Without
 * the secret the code cannot be computed from the customer id. The same inputs always give the
 * same code; two customers can collide only as random codes can (see mkt_promo_entropy).
 * Bind the code with mkt_promo_bind() so that validation and erasure find it.
 * @param secret   host secret, at least ::MKT_PROMO_MIN_SECRET bytes.
 * @param offer_id non-empty NUL-terminated offer id.
 * @param customer_id customer id (1..256 bytes of UTF-8, no byte < 0x20).
 * @param out      receives the display form, NUL-terminated (::MKT_PROMO_MAX_DISPLAY + 1 bytes
 *                 always suffice).
 * @param out_size size of @p out in bytes.
 * @param out_len  receives its length (may be NULL).
 * @return ::MKT_OK, ::MKT_EINVAL (NULL, short secret, bad id), ::MKT_ERANGE (@p out too small).
 * Thread safety: one thread per context at a time.
 * @since 0.1
 */
int mkt_promo_derive(mkt_ctx *ctx, const mkt_promo_format *fmt, const void *secret,
                     size_t secret_len, const char *offer_id, const char *customer_id,
                     char *out, size_t out_size, size_t *out_len);

/**
 * Issue @p code for @p offer_id, bound to @p customer_id (or to nobody when NULL). Store
 * layout: namespace "offer.code", key = canonical code, value = offer id, followed by 0x1F and
 * the customer id when bound; for a bound code also namespace "offer.customer_code", key =
 * customer id, 0x1F, canonical code, value = offer id (the per-customer index that erasure
 * scans). Both are created with create-only compare-and-set.
 * @return ::MKT_OK (also when the code is already issued with exactly this binding: the call
 *         is idempotent); ::MKT_EEXIST when the code is issued otherwise; ::MKT_EINVAL (NULL,
 *         bad code or id); ::MKT_ENOMEM; or the store's error.
 * Thread safety: one thread per context at a time.
 * @since 0.1
 */
int mkt_promo_bind(mkt_ctx *ctx, const char *code, const char *offer_id,
                   const char *customer_id);

/**
 * Look up an issued code (any spelling: it is normalized first).
 * @param[out] offer_id    receives the offer id; release with mkt_free().
 * @param[out] customer_id receives the bound customer id, or NULL when the code is not bound;
 *                         release with mkt_free(). May be NULL if not wanted.
 * @return ::MKT_OK, ::MKT_ENOTFOUND (not issued), ::MKT_EINVAL, ::MKT_ENOMEM, or the store's
 *         error. On failure the outputs are NULL.
 * Thread safety: one thread per context at a time.
 * @since 0.1
 */
int mkt_promo_lookup(mkt_ctx *ctx, const char *code, char **offer_id, char **customer_id);

#ifdef __cplusplus
}
#endif

#endif /* LIBMARKETING_PROMO_H */
