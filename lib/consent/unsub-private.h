/* SPDX-License-Identifier: MIT */
/* Base64url without padding (RFC 4648 section 5), shared by token signing and verification. */
#ifndef MKT_UNSUB_PRIVATE_H
#define MKT_UNSUB_PRIVATE_H

#include "util.h"

int mkt__b64url_encode(mkt__buf *b, const void *data, size_t len);
/* Decode @len characters into @out (room for len * 3 / 4 + 1 bytes); the byte count, or -1 on
 * a character outside the alphabet or an impossible length. */
long mkt__b64url_decode(const char *s, size_t len, unsigned char *out);

#endif /* MKT_UNSUB_PRIVATE_H */
