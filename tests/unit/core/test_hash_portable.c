/* SPDX-License-Identifier: MIT */
/*
 * The hash's portable 128-bit multiply: this test is built together with lib/core/hash.c
 * with __SIZEOF_INT128__ undefined, so the fallback path (used on compilers without
 * unsigned __int128) must reproduce the same known answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash_kat.h"
#include "util.h"

int main(void)
{
#ifdef __SIZEOF_INT128__
    fprintf(stderr, "built with __int128: the portable path is not under test\n");
    return EXIT_FAILURE;
#else
    int bad = 0;
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        uint64_t h = mkt__hash64(kat[i].msg, strlen(kat[i].msg), kat[i].seed);
        if (h != kat[i].hash) {
            fprintf(stderr, "vector %zu: got %016llx want %016llx\n", i, (unsigned long long)h,
                    (unsigned long long)kat[i].hash);
            bad = 1;
        }
    }
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
#endif
}
