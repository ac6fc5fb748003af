# SPDX-License-Identifier: MIT
"""common.h: versions, status text, the exception hierarchy, and API coverage."""

import ctypes
import unittest

import libmarketing as mkt
from libmarketing import _lib, errors

from . import util


class CommonTest(unittest.TestCase):
    def test_version(self):
        self.assertRegex(mkt.version(), r"^\d+\.\d+\.\d+$")
        major, minor, patch = (int(x) for x in mkt.version().split("."))
        self.assertEqual(mkt.version_number(), major * 10000 + minor * 100 + patch)

    def test_strerror(self):
        self.assertEqual(mkt.strerror(0), mkt.strerror(_lib.MKT_OK))
        self.assertNotEqual(mkt.strerror(_lib.MKT_ENOTFOUND), mkt.strerror(_lib.MKT_EPARSE))
        self.assertEqual(mkt.strerror(-12345), "unknown status")

    def test_free_accepts_null(self):
        _lib.lib().mkt_free(None)  # must not crash

    def test_exception_classes(self):
        codes = range(_lib.MKT_EINTERNAL, 0)
        classes = {errors.class_for(c) for c in codes}
        self.assertEqual(len(classes), len(codes), "one class per status code")
        for code in codes:
            cls = errors.class_for(code)
            self.assertTrue(issubclass(cls, mkt.MarketingError))
            self.assertEqual(cls.code, code)
        self.assertTrue(issubclass(mkt.NotFound, LookupError))
        self.assertTrue(issubclass(mkt.ParseError, ValueError))
        self.assertIs(errors.class_for(-999), mkt.MarketingError)
        e = errors.from_code(_lib.MKT_ELIMIT, "incr")
        self.assertIsInstance(e, mkt.LimitReached)
        self.assertEqual(e.code, _lib.MKT_ELIMIT)
        self.assertIn(mkt.strerror(_lib.MKT_ELIMIT), e.message)

    def test_every_public_function_is_bound(self):
        declared = util.public_functions()
        if declared is None:
            self.skipTest("LIBMARKETING_INCLUDE_DIR not set")
        self.assertGreater(len(declared), 50)
        self.assertEqual(sorted(declared - set(mkt.FUNCTIONS)), [], "not bound")
        self.assertEqual(sorted(set(mkt.FUNCTIONS) - declared), [], "bound but not declared")

    def test_every_bound_function_is_exported(self):
        missing = [n for n in mkt.FUNCTIONS if not hasattr(_lib.lib().cdll, n)]
        self.assertEqual(missing, [])
        for name in mkt.FUNCTIONS:  # each prototype binds
            self.assertIsInstance(getattr(_lib.lib(), name), ctypes._CFuncPtr)

    def test_find_library_env(self):
        self.assertTrue(mkt.find_library())


if __name__ == "__main__":
    unittest.main()
