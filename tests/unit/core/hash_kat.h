/* SPDX-License-Identifier: MIT */
/* Known answers of mkt__hash64, shared by test_util.c and test_hash_portable.c. */
#ifndef MKT_TEST_HASH_KAT_H
#define MKT_TEST_HASH_KAT_H

#include <stdint.h>

/* Published wyhash final4 test vectors (default secret, seed per line). Independent of our
 * implementation: if one of these fails the hash changed and A/B buckets would move. */
static const struct hash_kat {
    const char *msg;
    uint64_t seed;
    uint64_t hash;
} kat[] = {
    { "", 0, UINT64_C(0x0409638ee2bde459) },
    { "a", 1, UINT64_C(0xa8412d091b5fe0a9) },
    { "abc", 2, UINT64_C(0x32dd92e4b2915153) },
    { "wyhash", 3, UINT64_C(0x12c7ef9314847163) },
    { "message digest", 4, UINT64_C(0xa2608b1b6ec6ebbf) },
    { "abcdefghijklmnopqrstuvwxyz", 5, UINT64_C(0x3f213f97faf16439) },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 6, UINT64_C(0xd730106570676f54) },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 7,
      UINT64_C(0x02e9c2f693249ca6) },
    { "12345678901234567890123456789012345678901234567890123456789012345678901234567890", 8,
      UINT64_C(0x3c353b8b0b931bb0) },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()`~-_=+[{]};:,<.>/?",
      9, UINT64_C(0x3903fc47ba3ef81c) },
};

#endif /* MKT_TEST_HASH_KAT_H */
