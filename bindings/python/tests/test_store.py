# SPDX-License-Identifier: MIT
"""store.h: the storage contract through ctx.store, against the built-in store and against a
store written in Python (MemoryStore) through the mkt_store_ops trampolines."""

import unittest

import libmarketing as mkt

ANY, ABSENT = mkt.VERSION_ANY, mkt.VERSION_ABSENT


class ContractMixin:
    """The store.h contract; subclasses provide make_context()."""

    def setUp(self):
        self.ctx = self.make_context()
        self.store = self.ctx.store

    def tearDown(self):
        self.ctx.close()

    def test_get_absent(self):
        with self.assertRaises(mkt.NotFound) as cm:
            self.store.get("ns", b"missing")
        self.assertEqual(cm.exception.code, -3)
        self.assertIsInstance(cm.exception, LookupError)

    def test_put_get_versions(self):
        self.assertEqual(self.store.put("ns", b"k", b"v1"), 1)
        self.assertEqual(self.store.get("ns", b"k"), mkt.Item(b"k", b"v1", 1))
        self.assertEqual(self.store.put("ns", b"k", b"v2", 1), 2)
        self.assertEqual(self.store.get("ns", "k").value, b"v2")
        self.assertEqual(self.store.put("ns", b"k", b"", ANY), 3)
        self.assertEqual(self.store.get("ns", b"k"), mkt.Item(b"k", b"", 3))
        # Namespaces are separate.
        with self.assertRaises(mkt.NotFound):
            self.store.get("other", b"k")

    def test_binary_values(self):
        blob = bytes(range(256)) * 4
        self.store.put("bin", b"\x00\xff", blob)
        self.assertEqual(self.store.get("bin", b"\x00\xff").value, blob)

    def test_put_conflicts(self):
        self.store.put("ns", b"k", b"v", ABSENT)
        with self.assertRaises(mkt.Conflict) as cm:
            self.store.put("ns", b"k", b"v", ABSENT)
        self.assertEqual(cm.exception.code, -5)
        with self.assertRaises(mkt.Conflict):
            self.store.put("ns", b"k", b"v", 7)
        with self.assertRaises(mkt.Conflict):
            self.store.put("ns", b"new", b"v", 1)
        self.assertEqual(self.store.get("ns", b"k").version, 1)

    def test_delete(self):
        self.store.put("ns", b"k", b"v")
        with self.assertRaises(mkt.Conflict):
            self.store.delete("ns", b"k", 2)
        self.store.delete("ns", b"k", 1)
        with self.assertRaises(mkt.NotFound):
            self.store.delete("ns", b"k")
        with self.assertRaises(mkt.Conflict):
            self.store.delete("ns", b"k", 3)

    def test_incr(self):
        self.assertEqual(self.store.incr("c", b"n", 1, 2), 1)
        self.assertEqual(self.store.incr("c", b"n", 1, 2), 2)
        with self.assertRaises(mkt.LimitReached) as cm:
            self.store.incr("c", b"n", 1, 2)
        self.assertEqual(cm.exception.code, -6)
        self.assertEqual(self.store.incr("c", b"n", -1, 0), 1)
        self.assertEqual(self.store.incr("c", b"n", -1, 0), 0)
        with self.assertRaises(mkt.LimitReached):
            self.store.incr("c", b"n", -1, 0)
        self.assertEqual(self.store.get("c", b"n").value, b"0")
        self.assertEqual(self.store.incr("c", b"big", 10), 10)

    def test_incr_type_and_range(self):
        self.store.put("c", b"text", b"hello")
        with self.assertRaises(mkt.WrongType) as cm:
            self.store.incr("c", b"text", 1)
        self.assertEqual(cm.exception.code, -12)
        self.store.put("c", b"max", str(2**63 - 1).encode())
        with self.assertRaises((mkt.RangeError, mkt.LimitReached)):
            self.store.incr("c", b"max", 1)

    def test_scan(self):
        for key in (b"b2", b"a", b"b1", b"c", b"b10"):
            self.store.put("s", key, key.upper())
        self.store.put("other", b"b0", b"x")
        keys = [it.key for it in self.store.scan("s", b"b")]
        self.assertEqual(keys, [b"b1", b"b10", b"b2"])
        self.assertEqual(len(self.store.scan("s")), 5)
        self.assertEqual(self.store.scan("s", b"zz"), [])
        first = []
        self.store.scan("s", b"", visit=lambda it: first.append(it.key) or True)
        self.assertEqual(first, [b"a"])

    def test_scan_visitor_exception(self):
        self.store.put("s", b"a", b"1")

        def boom(item):
            raise KeyError("visitor failed")
        with self.assertRaises(mkt.UserAbort) as cm:
            self.store.scan("s", visit=boom)
        self.assertIsInstance(cm.exception.__cause__, KeyError)

    def test_invalid_keys(self):
        with self.assertRaises(mkt.InvalidArgument):
            self.store.put("ns", b"", b"v")
        with self.assertRaises(mkt.InvalidArgument):
            self.store.put("ns", b"k" * (mkt.store.MAX_KEY + 1), b"v")
        self.store.put("ns", b"k" * mkt.store.MAX_KEY, b"v")


class BuiltinStoreTest(ContractMixin, unittest.TestCase):
    def make_context(self):
        return mkt.Context()


class PythonStoreTest(ContractMixin, unittest.TestCase):
    def make_context(self):
        self.backend = mkt.MemoryStore()
        return mkt.Context(store=self.backend)

    def test_goes_through_python(self):
        self.store.put("ns", b"k", b"v")
        self.assertEqual(self.backend.get("ns", b"k"), (b"v", 1))


class UnsortedStore(mkt.MemoryStore):
    """Returns scan results in reverse order and ignoring the prefix: the binding copes."""

    def scan(self, ns, prefix):
        return list(reversed(super().scan(ns, b"")))


class FailingStore:
    """Every method fails in a different way."""

    def get(self, ns, key):
        raise ConnectionError("database down")

    def put(self, ns, key, value, expected):
        raise mkt.IOFailure("disk full", -8)

    def delete(self, ns, key, expected):
        return None.missing  # AttributeError

    def incr(self, ns, key, delta, limit):
        return "not an int"  # TypeError when stored into int64

    def scan(self, ns, prefix):
        raise KeyboardInterrupt


class HostStoreErrorsTest(unittest.TestCase):
    def test_unsorted_scan(self):
        with mkt.Context(store=UnsortedStore()) as ctx:
            for k in (b"a1", b"b", b"a0"):
                ctx.store.put("s", k, b"")
            self.assertEqual([i.key for i in ctx.store.scan("s", b"a")], [b"a0", b"a1"])

    def test_failures_map_to_status(self):
        with mkt.Context(store=FailingStore()) as ctx:
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.store.get("ns", b"k")
            self.assertIsInstance(cm.exception.__cause__, ConnectionError)
            with self.assertRaises(mkt.IOFailure) as cm:
                ctx.store.put("ns", b"k", b"v")
            self.assertEqual(cm.exception.code, -8)
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.store.delete("ns", b"k")
            self.assertIsInstance(cm.exception.__cause__, AttributeError)
            with self.assertRaises(mkt.UserAbort) as cm:
                ctx.store.incr("ns", b"k")
            self.assertIsInstance(cm.exception.__cause__, TypeError)
            # A KeyboardInterrupt in a callback is re-raised as itself, not wrapped.
            with self.assertRaises(KeyboardInterrupt):
                ctx.store.scan("ns")
            # The context still works after all of that.
            self.assertGreater(ctx.now(), 0)


if __name__ == "__main__":
    unittest.main()
