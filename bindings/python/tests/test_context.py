# SPDX-License-Identifier: MIT
"""ctx.h and host.h: contexts, options, host callbacks and their error paths."""

import datetime
import gc
import unittest

import libmarketing as mkt


class ContextTest(unittest.TestCase):
    def test_defaults(self):
        with mkt.Context() as ctx:
            now = ctx.now()
            wall = datetime.datetime.now(datetime.timezone.utc).timestamp()
            self.assertLess(abs(now - wall), 5)
            self.assertEqual(len(ctx.random(32)), 32)
            self.assertNotEqual(ctx.random(16), ctx.random(16))
            self.assertEqual(ctx.last_error().code, 0)
            self.assertEqual(ctx.last_error().message, "")

    def test_options(self):
        with mkt.Context(log_level=mkt.LOG_DEBUG, max_field_bytes=64, max_fields=8,
                         max_errors=0) as ctx:
            self.assertFalse(ctx.closed)
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.Context(max_fields=0)
        self.assertEqual(cm.exception.code, -1)

    def test_close_is_idempotent_and_final(self):
        ctx = mkt.Context()
        ctx.close()
        ctx.close()
        self.assertTrue(ctx.closed)
        with self.assertRaises(mkt.StateError) as cm:
            ctx.now()
        self.assertEqual(cm.exception.code, -14)

    def test_clock(self):
        with mkt.Context(clock=lambda: 1717234200) as ctx:
            self.assertEqual(ctx.now(), 1717234200)
            self.assertEqual(ctx.now_datetime(),
                             datetime.datetime(2024, 6, 1, 9, 30, tzinfo=datetime.timezone.utc))
        dt = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        with mkt.Context(clock=lambda: dt) as ctx:
            self.assertEqual(ctx.now_datetime(), dt)

    def test_clock_failure_is_user_abort_with_cause(self):
        def broken():
            raise RuntimeError("clock is broken")
        with mkt.Context(clock=broken) as ctx:
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.now()
            self.assertEqual(cm.exception.code, -9)
            self.assertIsInstance(cm.exception.__cause__, RuntimeError)
            # The context stays usable and reports the same failure again.
            with self.assertRaises(mkt.UserAbort):
                ctx.now()

    def test_callback_may_return_a_status(self):
        def unsupported():
            raise mkt.Unsupported("no clock here", -13)
        with mkt.Context(clock=unsupported) as ctx:
            with self.assertRaises(mkt.Unsupported):
                ctx.now()

    def test_random(self):
        with mkt.Context(random=lambda n: bytes(range(n))) as ctx:
            self.assertEqual(ctx.random(5), b"\x00\x01\x02\x03\x04")
        with mkt.Context(random=lambda n: b"short") as ctx:
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.random(64)
            self.assertIsInstance(cm.exception.__cause__, ValueError)

    def test_log(self):
        lines = []
        with mkt.Context(log=lambda level, msg: lines.append((level, msg)),
                         log_level=mkt.LOG_DEBUG, clock=lambda: 1 / 0) as ctx:
            with self.assertRaises(mkt.UserAbort):
                ctx.now()
        for level, msg in lines:
            self.assertIn(level, (mkt.LOG_DEBUG, mkt.LOG_INFO, mkt.LOG_WARN, mkt.LOG_ERROR))
            self.assertIsInstance(msg, str)

    def test_log_exception_does_not_crash(self):
        def bad_log(level, msg):
            raise RuntimeError("log sink down")
        with mkt.Context(log=bad_log, log_level=mkt.LOG_DEBUG) as ctx:
            ctx.random(4)

    def test_audit_callback(self):
        seen = []
        with mkt.Context(audit=seen.append, clock=lambda: 1000) as ctx:
            ctx.audit("consent.withdraw", actor="crm", subject="C1", detail="by email")
            ctx.audit("dnc.remove", ts=42)
        self.assertEqual(seen[0], mkt.AuditEntry(1000, "consent.withdraw", "crm", "C1",
                                                 "by email"))
        self.assertEqual(seen[1].ts, 42)
        self.assertEqual(seen[1].action, "dnc.remove")
        self.assertIsNone(seen[1].actor)

    def test_audit_errors(self):
        def refuse(entry):
            raise PermissionError("audit log full")
        with mkt.Context(audit=refuse) as ctx:
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.audit("x.y")
            self.assertIsInstance(cm.exception.__cause__, PermissionError)
            with self.assertRaises(mkt.InvalidArgument) as cm:
                ctx.audit(None)
            self.assertEqual(ctx.last_error().code, -1)
            self.assertEqual(cm.exception.message, ctx.last_error().message)

    def test_default_audit_goes_to_store(self):
        store = mkt.MemoryStore()
        with mkt.Context(store=store, clock=lambda: 5) as ctx:
            ctx.audit("consent.grant", subject="C9")
            items = ctx.store.scan("audit")
        self.assertEqual(len(items), 1)
        self.assertIn(b"consent.grant", items[0].value)

    def test_last_error_and_clear(self):
        with mkt.Context() as ctx:
            with self.assertRaises(mkt.InvalidArgument) as cm:
                ctx.store.get("ns", b"")
            err = ctx.last_error()
            self.assertEqual(err.code, -1)
            self.assertTrue(err.message)
            self.assertEqual(cm.exception.message, err.message)
            ctx.clear_error()
            self.assertEqual(ctx.last_error().code, 0)

    def test_garbage_collection_order(self):
        # A table left in a cycle with its context must not be freed after the context.
        ctx = mkt.Context()
        try:
            table = ctx.table()
        except AttributeError:
            self.skipTest("data module not built")
        ctx.cycle = table
        table.cycle = ctx
        del ctx, table
        gc.collect()


if __name__ == "__main__":
    unittest.main()
