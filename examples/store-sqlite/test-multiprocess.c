/* SPDX-License-Identifier: MIT */
/*
 * Multi-process tests of the SQLite store: several forked processes race on one database file.
 * Bounded increments must stop exactly at their limit (no process ever sees a value past it,
 * and the successes add up to the limit); compare-and-set loops must lose no update; and the
 * state must survive closing and reopening the file.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkt_store_sqlite.h"

#define CHILDREN 6
#define LIMIT 500
#define CAS_ROUNDS 60

static char db_path[300];
static char db_dir[256];

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(db_dir, sizeof db_dir, "%s/mkt-sqlite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(db_dir));
    snprintf(db_path, sizeof db_path, "%s/state.db", db_dir);
}

static void teardown(void)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    char p[320];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
        unlink(p);
    }
    rmdir(db_dir);
}

static void open_store(mkt_store_ops *ops)
{
    char err[256] = "";
    int rc = mkt_sqlite_store_open(db_path, NULL, ops, err, sizeof err);
    ck_assert_msg(rc == MKT_OK, "open: %s", err);
}

/* Child body: take units until the limit says no. Exit status: 0 ok, 1 a result past the
 * limit, 2 an unexpected error. The count of successes goes to the pipe. */
static int child_incr(int fd)
{
    mkt_store_ops ops;
    char err[256];
    if (mkt_sqlite_store_open(db_path, NULL, &ops, err, sizeof err) != MKT_OK)
        return 2;
    int taken = 0, status = 0;
    for (;;) {
        int64_t v = 0;
        int rc = ops.incr("offer.redemptions", "SUMMER", 6, 1, LIMIT, &v, ops.user_data);
        if (rc == MKT_ELIMIT)
            break;
        if (rc != MKT_OK) {
            status = 2;
            break;
        }
        if (v > LIMIT || v < 1)
            status = 1;
        taken++;
    }
    mkt_sqlite_store_close(&ops);
    if (write(fd, &taken, sizeof taken) != (ssize_t)sizeof taken)
        status = 2;
    return status;
}

/* Fork CHILDREN processes running @body; return the sum of what they report. */
static int run_children(int (*body)(int fd))
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            close(fds[0]);
            _exit(body(fds[1]));
        }
    }
    close(fds[1]);
    int sum = 0;
    for (int i = 0; i < CHILDREN; i++) {
        int wst;
        ck_assert_int_eq(waitpid(pids[i], &wst, 0), pids[i]);
        ck_assert_msg(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "child %d failed: status %d", i,
                      WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
    }
    int n;
    while (read(fds[0], &n, sizeof n) == (ssize_t)sizeof n)
        sum += n;
    close(fds[0]);
    return sum;
}

START_TEST(test_bounded_increment_races)
{
    mkt_store_ops ops;
    open_store(&ops); /* create the schema before the race */
    mkt_sqlite_store_close(&ops);

    ck_assert_int_eq(run_children(child_incr), LIMIT);

    open_store(&ops);
    int64_t v = -1;
    ck_assert_int_eq(ops.incr("offer.redemptions", "SUMMER", 6, 0, LIMIT, &v, ops.user_data),
                     MKT_OK);
    ck_assert_int_eq(v, LIMIT);
    ck_assert_int_eq(ops.incr("offer.redemptions", "SUMMER", 6, 1, LIMIT, &v, ops.user_data),
                     MKT_ELIMIT);
    mkt_sqlite_store_close(&ops);
}
END_TEST

static int get_count(const void *value, size_t len)
{
    char buf[32] = { 0 };
    memcpy(buf, value, len < sizeof buf - 1 ? len : sizeof buf - 1);
    return atoi(buf);
}

struct read_result {
    int value;
    uint64_t version;
};

static int read_visit(const char *key, size_t key_len, const void *value, size_t value_len,
                      uint64_t version, void *data)
{
    (void)key;
    (void)key_len;
    struct read_result *r = data;
    r->value = get_count(value, value_len);
    r->version = version;
    return 1;
}

/* Read through scan (get needs a library reply object), then put with the version read. */
static int child_cas(int fd)
{
    mkt_store_ops ops;
    char err[256];
    if (mkt_sqlite_store_open(db_path, NULL, &ops, err, sizeof err) != MKT_OK)
        return 2;
    int done = 0, status = 0;
    while (done < CAS_ROUNDS && status == 0) {
        struct read_result r = { 0, 0 };
        if (ops.scan("journey.state", "cas", 3, read_visit, &r, ops.user_data) != MKT_OK) {
            status = 2;
            break;
        }
        char text[32];
        int n = snprintf(text, sizeof text, "%d", r.value + 1);
        int rc = ops.put("journey.state", "cas", 3, text, (size_t)n,
                         r.version, NULL, ops.user_data);
        if (rc == MKT_OK)
            done++;
        else if (rc != MKT_ECONFLICT)
            status = 2;
    }
    mkt_sqlite_store_close(&ops);
    if (write(fd, &done, sizeof done) != (ssize_t)sizeof done)
        status = 2;
    return status;
}

START_TEST(test_compare_and_set_loses_no_update)
{
    mkt_store_ops ops;
    open_store(&ops);
    ck_assert_int_eq(ops.put("journey.state", "cas", 3, "0", 1, MKT_VERSION_ABSENT, NULL,
                             ops.user_data), MKT_OK);
    mkt_sqlite_store_close(&ops);

    ck_assert_int_eq(run_children(child_cas), CHILDREN * CAS_ROUNDS);

    open_store(&ops);
    struct read_result r = { -1, 0 };
    ck_assert_int_eq(ops.scan("journey.state", "cas", 3, read_visit, &r, ops.user_data), MKT_OK);
    ck_assert_int_eq(r.value, CHILDREN * CAS_ROUNDS);
    ck_assert_uint_eq(r.version, 1 + CHILDREN * CAS_ROUNDS);
    mkt_sqlite_store_close(&ops);
}
END_TEST

START_TEST(test_state_survives_reopen)
{
    mkt_store_ops ops;
    open_store(&ops);
    uint64_t ver = 0;
    ck_assert_int_eq(ops.put("consent", "c1", 2, "email=1", 7, MKT_VERSION_ANY, &ver,
                             ops.user_data), MKT_OK);
    ck_assert_uint_eq(ver, 1);
    mkt_sqlite_store_close(&ops);

    open_store(&ops);
    struct read_result r = { -1, 0 };
    ck_assert_int_eq(ops.scan("consent", "c1", 2, read_visit, &r, ops.user_data), MKT_OK);
    ck_assert_uint_eq(r.version, 1);
    ck_assert_int_eq(ops.put("consent", "c1", 2, "email=0", 7, 1, &ver, ops.user_data), MKT_OK);
    ck_assert_uint_eq(ver, 2);
    mkt_sqlite_store_close(&ops);
}
END_TEST

START_TEST(test_open_errors)
{
    mkt_store_ops ops;
    char err[256] = "";
    /* A directory cannot be opened as a database. */
    ck_assert_int_eq(mkt_sqlite_store_open(db_dir, NULL, &ops, err, sizeof err), MKT_EIO);
    ck_assert_ptr_nonnull(strstr(err, db_dir));

    /* A file that is not a database is refused, not overwritten. */
    FILE *f = fopen(db_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("customer_id,email\nC1,a@example.com\n", f);
    fclose(f);
    ck_assert_int_eq(mkt_sqlite_store_open(db_path, NULL, &ops, err, sizeof err), MKT_EIO);
    ck_assert_int_eq(mkt_sqlite_store_open(NULL, NULL, &ops, err, sizeof err), MKT_EINVAL);
    ck_assert_int_eq(mkt_sqlite_store_open(db_path, NULL, NULL, NULL, 0), MKT_EINVAL);
    mkt_sqlite_store_options bad = MKT_SQLITE_STORE_OPTIONS_INIT;
    bad.busy_timeout_ms = -1;
    ck_assert_int_eq(mkt_sqlite_store_open(":memory:", &bad, &ops, NULL, 0), MKT_EINVAL);
    mkt_sqlite_store_close(NULL); /* NULL-safe */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sqlite-store-multiprocess");
    TCase *tc = tcase_create("race");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bounded_increment_races);
    tcase_add_test(tc, test_compare_and_set_loses_no_update);
    tcase_add_test(tc, test_state_survives_reopen);
    tcase_add_test(tc, test_open_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
