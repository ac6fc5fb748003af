/* SPDX-License-Identifier: MIT */
/*
 * Files a test writes for a loader to read: in the temporary directory ($TMPDIR, else /tmp),
 * named after the process so that suites running side by side do not meet.
 */
#ifndef MKT_TEST_TESTFILE_H
#define MKT_TEST_TESTFILE_H

/* The path of test file @name. The string stays valid for the next call; the one after
 * reuses it. */
const char *test_file_path(const char *name);
/* Write @text to test file @name (Check-asserting that it worked); returns its path, valid
 * as test_file_path()'s. */
const char *test_write_file(const char *name, const char *text);

#endif
