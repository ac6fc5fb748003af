# SPDX-License-Identifier: MIT
"""consent.h: records, DNC, preferences, topics, feedback, import, and the decision."""

import os
import tempfile
import unittest

import libmarketing as mkt
from libmarketing import consent

# 2025-06-11 10:00 UTC, a Wednesday: 12:00 in Paris.
NOON_PARIS = 1749636000


class ConsentTest(unittest.TestCase):
    def ctx(self):
        return mkt.Context(clock=lambda: 1700000000)

    def test_records_and_history(self):
        with self.ctx() as ctx:
            self.assertEqual(consent.get_consent(ctx, "C1", mkt.CHANNEL_EMAIL),
                             (consent.Status.NONE, 0))
            consent.set_consent(ctx, "C1", mkt.CHANNEL_EMAIL, consent.Status.GIVEN,
                                source="web", double_opt_in=True, ip="192.0.2.1", ts=100)
            self.assertEqual(consent.get_consent(ctx, "C1", mkt.CHANNEL_EMAIL),
                             (consent.Status.PENDING, 100))
            consent.confirm(ctx, "C1", mkt.CHANNEL_EMAIL, source="link", ts=200)
            self.assertEqual(consent.get_consent(ctx, "C1", mkt.CHANNEL_EMAIL)[0],
                             consent.Status.GIVEN)
            with self.assertRaises(mkt.StateError):
                consent.confirm(ctx, "C1", mkt.CHANNEL_EMAIL, source="link")
            lines = consent.history(ctx, "C1").splitlines()
            self.assertEqual(lines[0], "100\tconsent.give\temail\tsource=web; ip=192.0.2.1; "
                                       "double_opt_in=pending")
            self.assertTrue(lines[1].startswith("200\tconsent.confirm\temail\t"))
            with self.assertRaises(mkt.InvalidArgument) as cm:
                consent.set_consent(ctx, "", mkt.CHANNEL_EMAIL, consent.Status.GIVEN,
                                    source="web")
            self.assertIn("customer_id", str(cm.exception))

    def test_dnc_preferences_topics_feedback(self):
        with self.ctx() as ctx:
            consent.dnc_add(ctx, "C2", consent.CHANNEL_ALL, consent.DncReason.LEGAL,
                            source="dpo")
            self.assertTrue(consent.dnc_has(ctx, "C2", mkt.CHANNEL_SMS))
            with self.assertRaises(mkt.InvalidArgument):
                consent.dnc_remove(ctx, "C2", consent.CHANNEL_ALL, consent.DncReason.LEGAL,
                                   source="dpo", actor=None)
            consent.dnc_remove(ctx, "C2", consent.CHANNEL_ALL, consent.DncReason.LEGAL,
                               source="ticket 7", actor="agent:3")
            self.assertFalse(consent.dnc_has(ctx, "C2", mkt.CHANNEL_SMS))
            with self.assertRaises(mkt.NotFound):
                consent.dnc_remove(ctx, "C2", consent.CHANNEL_ALL, consent.DncReason.LEGAL,
                                   source="again", actor="agent:3")
            consent.set_preferences(ctx, "C2", mkt.CHANNEL_SMS, promotional=False,
                                    weekly_cap=3)
            p = consent.get_preferences(ctx, "C2", mkt.CHANNEL_SMS)
            self.assertEqual((p.promotional, p.transactional, p.weekly_cap), (False, True, 3))
            with self.assertRaises(mkt.RangeError):
                consent.set_preferences(ctx, "C2", mkt.CHANNEL_SMS, daily_cap=70000)
            consent.set_topic(ctx, "C2", "deals", consent.TopicChoice.EXCLUDED)
            # Two soft bounces then a third escalate to a hard bounce (limit 3).
            for expect in (False, False, True):
                self.assertEqual(consent.feedback(ctx, "C2", mkt.CHANNEL_EMAIL,
                                                  consent.FeedbackKind.SOFT_BOUNCE), expect)
            self.assertTrue(consent.dnc_has(ctx, "C2", mkt.CHANNEL_EMAIL,
                                            consent.DncReason.HARD_BOUNCE))

    def test_decision(self):
        with self.ctx() as ctx, consent.Policy(ctx) as policy:
            d = policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS)
            self.assertEqual((d.allow, d.reasons), (False, (consent.Reason.NO_CONSENT,)))
            consent.set_consent(ctx, "C3", mkt.CHANNEL_SMS, consent.Status.GIVEN, source="app")
            self.assertTrue(policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS,
                                         time_zone="Europe/Paris").allow)
            # 20:30 UTC is 22:30 in Paris: quiet until 08:00 (06:00 UTC) the next day.
            d = policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS + 10 * 3600 + 1800,
                             time_zone="Europe/Paris")
            self.assertEqual(d.reasons, (consent.Reason.QUIET_HOURS,))
            self.assertEqual(d.next_allowed, NOON_PARIS + 20 * 3600)
            # A Florida rule: not on Sundays. 2025-06-15 is a Sunday.
            policy.add_quiet_rule("US-FL", 8 * 60, 20 * 60, days=0x3F)
            d = policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS + 4 * 86400 + 8 * 3600,
                             time_zone="America/New_York", region="US-FL")
            self.assertEqual(d.next_allowed, NOON_PARIS + 5 * 86400 + 2 * 3600)
            # A daily cap of 1: a real send uses it.
            consent.set_preferences(ctx, "C3", mkt.CHANNEL_SMS, daily_cap=1)
            self.assertTrue(policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS, send=True).allow)
            d = policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS)
            self.assertEqual(d.reasons, (consent.Reason.CAP_CHANNEL,))
            self.assertTrue(policy.check("C3", mkt.CHANNEL_SMS, consent.MessageClass.TRANSACTIONAL,
                                         at=NOON_PARIS, address_invalid=False).allow)
            with self.assertRaises(mkt.NotFound):
                policy.check("C3", mkt.CHANNEL_SMS, at=NOON_PARIS, time_zone="Mars/Base")
            with self.assertRaises(mkt.InvalidArgument):
                policy.add_quiet_rule("us", 60, 120)
            self.assertEqual(consent.reason_name(consent.Reason.QUIET_HOURS), "quiet_hours")
            self.assertIn("local time", consent.reason_text(17))
            self.assertIsNone(consent.reason_name(0))

    def test_check_many(self):
        with self.ctx() as ctx, consent.Policy(ctx) as policy:
            consent.set_consent(ctx, "M1", mkt.CHANNEL_EMAIL, consent.Status.GIVEN, source="app")
            consent.set_preferences(ctx, "M1", mkt.CHANNEL_EMAIL, daily_cap=2)
            send = dict(customer_id="M1", channel=mkt.CHANNEL_EMAIL, at=NOON_PARIS,
                        time_zone="Europe/Paris", send=True)
            # Three sends in one batch against a daily cap of 2: the third sees the first
            # two, as three single calls would; a bad request in between fails alone.
            got = policy.check_many([send, send, dict(customer_id="M1", channel=9), send,
                                     dict(customer_id="M2", channel=mkt.CHANNEL_EMAIL,
                                          message_class=consent.MessageClass.TRANSACTIONAL,
                                          at=NOON_PARIS)])
            self.assertEqual([d.allow for d in got], [True, True, False, False, True])
            self.assertEqual([d.status for d in got], [0, 0, -1, 0, 0])  # -1: MKT_EINVAL
            self.assertEqual(got[3].reasons, (consent.Reason.CAP_CHANNEL,))
            self.assertEqual(got[3].next_allowed, NOON_PARIS + 12 * 3600)  # 00:00 CEST
            self.assertEqual(got[3], policy.check(**{**send, "send": False}))
            self.assertEqual(policy.check_many([]), [])
            with self.assertRaises(TypeError):
                policy.check_many([dict(channel=mkt.CHANNEL_EMAIL)])

    def test_policy_options_and_files(self):
        with tempfile.TemporaryDirectory() as tmp, self.ctx() as ctx:
            rules = os.path.join(tmp, "q.csv")
            with open(rules, "w") as f:
                f.write("region,start,end,days\n,09:00,20:00,all\n")
            data = os.path.join(tmp, "c.csv")
            with open(data, "w") as f:
                f.write("customer_id,kind,channel,value,ts,source\n"
                        "C4,consent,push,given,,crm\nC4,cap_daily,all,1,,\n")
            self.assertEqual(consent.import_csv(ctx, data), 2)
            with consent.Policy(ctx, implied_consent_channels=[mkt.CHANNEL_IN_APP],
                                default_zone="Europe/Paris", weekly_cap=5) as policy:
                policy.load_quiet_rules(rules)
                # 08:30 in Paris: before the 09:00 default rule of the file.
                d = policy.check("C4", mkt.CHANNEL_PUSH, at=NOON_PARIS - 3 * 3600 - 1800)
                self.assertEqual(d.reasons, (consent.Reason.QUIET_HOURS,))
                self.assertEqual(d.next_allowed, NOON_PARIS - 3 * 3600)
                self.assertTrue(policy.check("C4", mkt.CHANNEL_IN_APP, at=NOON_PARIS).allow)
                with self.assertRaises(mkt.ParseError):
                    with open(rules, "w") as f:
                        f.write("region,start,end,days\nUS,9,20,all\n")
                    policy.load_quiet_rules(rules)
            with self.assertRaises(mkt.InvalidArgument):
                consent.Policy(ctx, daily_cap=-1)


if __name__ == "__main__":
    unittest.main()
