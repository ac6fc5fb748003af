# SPDX-License-Identifier: MIT
"""promo.h: normalization, formats and their errors, the syntax check with hand-worked check
characters (tests/unit/offer/test_code_check.c shows the working), generation (distinct, well
formed, issued into the store), the entropy report, derivation (known answer from Python's
hmac) and binding."""

import hashlib
import hmac
import struct
import unittest

import libmarketing as mkt
from libmarketing import promo


class PromoTest(unittest.TestCase):
    def setUp(self):
        self.ctx = mkt.Context()

    def tearDown(self):
        self.ctx.close()

    def test_normalize(self):
        self.assertEqual(promo.normalize("summer24 - 7kq9"), "SUMMER247KQ9")
        self.assertEqual(promo.normalize("a-b", ctx=self.ctx), "AB")
        with self.assertRaises(mkt.InvalidArgument):
            promo.normalize(" - ")
        with self.assertRaises(mkt.RangeError):
            promo.normalize("X" * 65)

    def test_check_hand_worked(self):
        # numeric "12" -> check '2'; alphanumeric "A0" -> 'V' (see test_code_check.c).
        fmt = promo.Format(self.ctx, charset="numeric", length=2, check_char=True)
        self.assertTrue(fmt.check("122").valid)
        r = fmt.check("123")
        self.assertEqual((r.valid, r.reason, r.position), (False, promo.Reason.CHECK_CHAR, 3))
        self.assertEqual(r.reason_name, "check_char")
        self.assertEqual(fmt.check("12").reason, promo.Reason.TOO_SHORT)
        fmt = promo.Format(self.ctx, charset="alphanumeric", length=2, check_char=True)
        self.assertTrue(fmt.check("a0v").valid)
        self.assertFalse(fmt.check("0AV").valid)  # adjacent swap

    def test_pattern_and_literals(self):
        fmt = promo.Format(self.ctx, prefix="SUM-", pattern="##-#!", suffix="x", charset="numeric",
                           check_char=True)
        self.assertTrue(fmt.check("sum 1202 x").valid)
        r = fmt.check("WIN-12-02X")
        self.assertEqual((r.reason, r.position), (promo.Reason.LITERAL, 1))
        with self.assertRaises(mkt.InvalidArgument):
            promo.Format(self.ctx, pattern="##!")  # '!' without check_char
        with self.assertRaises(mkt.InvalidArgument):
            promo.Format(self.ctx, charset="hex")

    def test_generate_distinct_valid_and_issued(self):
        fmt = promo.Format(self.ctx, charset="alphanumeric", length=6, check_char=True,
                           prefix="SPRING-")
        codes = fmt.generate(500, offer_id="SPRING")
        self.assertEqual(len(codes), 500)
        self.assertEqual(len(set(codes)), 500)
        self.assertTrue(all(c.startswith("SPRING-") and fmt.check(c).valid for c in codes))
        self.assertEqual(promo.lookup(self.ctx, codes[0].lower()), ("SPRING", None))
        small = promo.Format(self.ctx, charset="numeric", length=2)
        self.assertEqual(small.entropy().max_batch, 50)
        with self.assertRaisesRegex(mkt.RangeError, "100 codes"):
            small.generate(51)

    def test_randomness_comes_from_the_host(self):
        # Bytes 17, 17, 99, 3 (then zeros): numeric digits b % 10 -> 7, 7 (a duplicate), 9,
        # and the duplicate is redrawn from 3. See test_code_generate.c.
        script = bytearray([17, 17, 99, 3])
        calls = []

        def random(n):
            calls.append(n)
            out = bytes(script[:n]) + bytes(max(0, n - len(script)))
            del script[:n]
            return out

        with mkt.Context(random=random) as ctx:
            fmt = promo.Format(ctx, charset="numeric", length=1)
            self.assertEqual(fmt.generate(3), ["7", "3", "9"])
            self.assertEqual(calls, [65536])  # one batch of 64 KiB

    def test_entropy(self):
        # 31^8 = 852891037441 codes, 8 * log2(31) = 39.6336 bits.
        e = promo.Format(self.ctx).entropy(1000)
        self.assertEqual((e.charset_size, e.random_chars), (31, 8))
        self.assertEqual(e.space, 852891037441.0)
        self.assertAlmostEqual(e.bits, 39.63357, places=5)
        self.assertAlmostEqual(e.guess_probability, 1000 / 852891037441.0)

    def test_derive_known_answer(self):
        key, offer, cust = b"0123456789abcdef", b"BDAY", b"C000123"
        msg = (b"mkt.promo.v1\0" + struct.pack(">I", len(offer)) + offer
               + struct.pack(">I", len(cust)) + cust + struct.pack(">I", 0))
        digest = hmac.new(key, msg, hashlib.sha256).digest()
        expected = "".join(str(b % 10) for b in digest if b < 250)[:8]
        fmt = promo.Format(self.ctx, charset="numeric")
        self.assertEqual(expected, "30731091")
        self.assertEqual(fmt.derive(key, "BDAY", "C000123"), expected)
        with self.assertRaises(mkt.InvalidArgument):
            fmt.derive(b"short", "BDAY", "C000123")

    def test_bind_lookup(self):
        promo.bind(self.ctx, "bday-3073-1091", "BDAY", "C000123")
        promo.bind(self.ctx, "BDAY30731091", "BDAY", "C000123")  # idempotent
        with self.assertRaises(mkt.AlreadyExists):
            promo.bind(self.ctx, "BDAY30731091", "BDAY", "C000999")
        self.assertEqual(promo.lookup(self.ctx, "Bday 3073 1091"), ("BDAY", "C000123"))
        with self.assertRaises(mkt.NotFound):
            promo.lookup(self.ctx, "NOPE")
        self.assertEqual(promo.reason_name(99), "unknown")


if __name__ == "__main__":
    unittest.main()
