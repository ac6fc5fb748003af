# SPDX-License-Identifier: MIT
"""privacy.h and the audit chain: erasure, export, tokens, SMS keywords, verification."""

import base64
import hashlib
import hmac
import unittest

import libmarketing as mkt
from libmarketing import privacy

SECRET = b"0123456789abcdef-host-secret"


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PrivacyTest(unittest.TestCase):
    def ctx(self):
        return mkt.Context(clock=lambda: 1700000000)

    def test_token_is_hmac_of_the_payload(self):
        with self.ctx() as ctx:
            tok = privacy.unsub_token(ctx, SECRET, "C000123", topic="deals",
                                      expires=1700086400)
            payload = b64(b"1\x1fC000123\x1f1\x1fdeals\x1f1700086400")
            mac = b64(hmac.new(SECRET, b"mkt-unsub-1." + payload.encode(),
                               hashlib.sha256).digest())
            self.assertEqual(tok, payload + "." + mac)
            r = privacy.unsub_verify(ctx, SECRET, tok)
            self.assertTrue(r.valid)
            self.assertEqual((r.customer_id, r.channel, r.topic, r.expires),
                             ("C000123", 1, "deals", 1700086400))
            self.assertEqual(privacy.unsub_verify(ctx, SECRET, tok, now=1700086401).status,
                             privacy.UnsubStatus.EXPIRED)
            self.assertEqual(privacy.unsub_verify(ctx, b"x" * 16, tok).status,
                             privacy.UnsubStatus.BAD_SIGNATURE)
            self.assertEqual(privacy.unsub_verify(ctx, SECRET, "junk").status,
                             privacy.UnsubStatus.MALFORMED)
            hdr = privacy.unsub_headers(ctx, SECRET, "C000123", "https://e.com/u",
                                        mailto="u@e.com", expires=1700086400)
            self.assertTrue(hdr.startswith("List-Unsubscribe: <https://e.com/u?t="))
            self.assertTrue(hdr.endswith(", <mailto:u@e.com?subject=unsubscribe>\r\n"
                                         "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
            with self.assertRaises(mkt.InvalidArgument):
                privacy.unsub_token(ctx, b"short", "C1")
            with self.assertRaises(mkt.InvalidArgument):
                privacy.unsub_headers(ctx, SECRET, "C1", "http://insecure")

    def test_unsub_apply_adds_dnc(self):
        with self.ctx() as ctx:
            tok = privacy.unsub_token(ctx, SECRET, "C1", expires=1800000000)
            r = privacy.unsub_apply(ctx, SECRET, tok, actor="mail-gw")
            self.assertTrue(r.applied)
            dump = privacy.export(ctx, "C1")
            self.assertEqual(dump["consent"]["dnc"][0]["reason"], "unsubscribe")
            self.assertFalse(privacy.unsub_apply(ctx, SECRET, tok + "x").applied)

    def test_sms(self):
        self.assertEqual(privacy.sms_keyword(" Stop. "),
                         (privacy.SmsAction.OPT_OUT, privacy.SmsKeyword.STOP, True))
        self.assertEqual(privacy.sms_keyword("stop it"),
                         (privacy.SmsAction.OPT_OUT, privacy.SmsKeyword.STOP, False))
        self.assertEqual(privacy.sms_keyword("yes please")[0], privacy.SmsAction.NONE)
        with self.ctx() as ctx:
            out = privacy.sms_inbound(ctx, "C1", "STOP", brand="SkyAir")
            self.assertEqual(out.action, privacy.SmsAction.OPT_OUT)
            self.assertTrue(out.reply.startswith("SkyAir: You are unsubscribed"))
            self.assertIsNone(privacy.sms_inbound(ctx, "C1", "hello").reply)
            out = privacy.sms_inbound(ctx, "C1", "unstop")
            self.assertEqual(out.action, privacy.SmsAction.OPT_IN)
            with self.assertRaises(mkt.InvalidArgument):
                privacy.sms_inbound(ctx, "", "STOP")

    def test_erase_export_and_chain(self):
        with self.ctx() as ctx:
            privacy.sms_inbound(ctx, "C42", "STOP")
            ctx.audit("note", subject="C42", detail="called in")
            dump = privacy.export(ctx, "C42", actor="dpo")
            self.assertEqual(dump["customer_id"], "C42")
            self.assertFalse(dump["erased"])
            self.assertTrue(any(a["action"] == "note" for a in dump["audit"]))
            receipt = privacy.erase(ctx, "C42", email="A@B.example")
            self.assertEqual(receipt["tombstones"], ["customer", "email"])
            self.assertGreaterEqual(receipt["audit_records_redacted"], 3)
            self.assertTrue(privacy.is_erased(ctx, privacy.Erased.CUSTOMER, "C42"))
            self.assertTrue(privacy.is_erased(ctx, privacy.Erased.EMAIL, " a@b.EXAMPLE"))
            self.assertFalse(privacy.is_erased(ctx, privacy.Erased.PHONE, "+1555"))
            rep = privacy.audit_verify(ctx)
            self.assertTrue(rep.intact, rep.message)
            self.assertEqual(rep.problem, privacy.AuditProblem.INTACT)
            # nothing left that names the customer
            for ns in ("audit", "consent.state", "consent.history"):
                for item in ctx.store.scan(ns):
                    self.assertNotIn(b"C42", item.key + item.value)
            # tampering is named
            first = ctx.store.get("audit", "00000000000000000001")
            ctx.store.put("audit", "00000000000000000001", first.value.replace(b"ts=", b"ts=1"))
            rep = privacy.audit_verify(ctx)
            self.assertFalse(rep.intact)
            self.assertEqual((rep.problem, rep.first_bad), (privacy.AuditProblem.MODIFIED, 1))
            with self.assertRaises(mkt.InvalidArgument):
                privacy.erase(ctx, "")
            with self.assertRaises(mkt.InvalidArgument):
                privacy.is_erased(ctx, 9, "x")

    def test_chain_hash_for_host_sinks(self):
        records = []
        with mkt.Context(clock=lambda: 1700000000,
                         audit=lambda e: records.append(e)) as ctx:
            h1 = privacy.audit_chain_hash(ctx, 1, bytes(32), "erase", actor="crm",
                                          ts=1700000000)
            text = b"seq=1\nts=1700000000\nactor=crm\naction=erase\nprev=" + b"0" * 64 + b"\n"
            self.assertEqual(h1, hashlib.sha256(text).digest())
            h2 = privacy.audit_chain_hash(ctx, 2, h1, "x", subject="C1", ts=5)
            self.assertEqual(len(h2), 32)
            self.assertNotEqual(h2, privacy.audit_chain_hash(ctx, 2, h1, "x", subject="C2",
                                                             ts=5))
            with self.assertRaises(ValueError):
                privacy.audit_chain_hash(ctx, 1, b"short", "x")
            with self.assertRaises(mkt.InvalidArgument):
                privacy.audit_chain_hash(ctx, 0, bytes(32), "x")


if __name__ == "__main__":
    unittest.main()
