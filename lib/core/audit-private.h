/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the audit chain and of the store's salt, shared by the default audit
 * sink (audit.c), its verifier (audit-verify.c) and the privacy module (erasure redacts the
 * audit records of an erased customer, export lists them).
 */
#ifndef MKT_AUDIT_PRIVATE_H
#define MKT_AUDIT_PRIVATE_H

#include <stdint.h>

#include "core-private.h"

#define MKT__AUDIT_NS "audit"           /* key: 20-digit chain number; value: see audit.c */
#define MKT__AUDIT_HEAD_NS "audit.head" /* key "head"; value "<number> <hex hash>" */
#define MKT__AUDIT_HEAD_KEY "head"
#define MKT__AUDIT_KEY_LEN 20
#define MKT__SALT_NS "core.salt"        /* key "salt"; value: 64 hex digits, created once */
#define MKT__MAC_LEN 32
#define MKT__MAC_HEX 64

/* The store's 32-byte salt, created with compare-and-set by the first caller of any process
 * and cached in the context (it never changes). */
int mkt__store_salt(mkt_ctx *ctx, const uint8_t **salt);
/* HMAC-SHA-256 under the store's salt of "<kind>\x1f<value>". The kind separates domains:
 * "customer" (a customer id: the erasure tombstone and the audit subject hash), "email",
 * "phone", "detail". */
int mkt__salted_mac(mkt_ctx *ctx, const char *kind, const void *value, size_t len,
                    uint8_t out[MKT__MAC_LEN]);
/* Lower-case hex of @n bytes into @out (2n + 1 bytes with the NUL). */
void mkt__hex(const uint8_t *in, size_t n, char *out);
/* Parse exactly 2n hex digits; 0 on success, -1 otherwise. */
int mkt__unhex(const char *s, size_t len, uint8_t *out, size_t n);

/* The hash of a stored record: SHA-256 of its value up to and including the "prev=" line (the
 * subject and detail lines after it are not covered). -1 when there is no prev line. */
int mkt__audit_record_hash(const char *value, size_t len, uint8_t out[MKT__MAC_LEN]);
/* The subject_mac of a stored record into @mac; 0 if found, -1 if the record has none. */
int mkt__audit_subject_mac(const char *value, size_t len, uint8_t mac[MKT__MAC_LEN]);
/* Remove the subject and detail text of every record whose subject_mac is @mac (the erasure
 * of that customer); *redacted (may be NULL) counts the records rewritten. Idempotent. */
int mkt__audit_redact(mkt_ctx *ctx, const uint8_t mac[MKT__MAC_LEN], uint64_t *redacted);

#endif /* MKT_AUDIT_PRIVATE_H */
