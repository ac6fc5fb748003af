/* SPDX-License-Identifier: MIT */
#include "testfile.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char *test_file_path(const char *name)
{
    static char buf[2][512];
    static int k;
    char *p = buf[k++ & 1];
    const char *dir = getenv("TMPDIR");
    snprintf(p, sizeof buf[0], "%s/mkt-test-%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(),
             name);
    return p;
}

const char *test_write_file(const char *name, const char *text)
{
    const char *p = test_file_path(name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}
