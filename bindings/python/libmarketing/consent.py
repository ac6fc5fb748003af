# SPDX-License-Identifier: MIT
"""Consent and compliance (consent.h): the contact decision, consent records with history and
double opt-in, Do-Not-Contact entries, preferences, topics, frequency caps, quiet hours and
delivery feedback.

Record functions take a :class:`~libmarketing.Context` (its store holds the state); the
decision needs a :class:`Policy` (quiet-hour rules, organisation caps, time-zone cache)::

    import libmarketing as mkt
    from libmarketing import consent

    with mkt.Context() as ctx:
        consent.set_consent(ctx, "C1", mkt.CHANNEL_SMS, consent.Status.GIVEN, source="web")
        with consent.Policy(ctx) as policy:
            d = policy.check("C1", mkt.CHANNEL_SMS, time_zone="Europe/Paris",
                             at=mkt.parse_time("2025-06-11T20:30:00Z"))
            print(d.allow, [r.name for r in d.reasons], d.next_allowed)

doc/consent.md describes the rules and the storage.
"""

import ctypes
import dataclasses
import enum

from . import _lib
from ._handle import ChildHandle

CHANNEL_ALL = 0
DAYS_ALL = 0x7F


class MessageClass(enum.IntEnum):
    TRANSACTIONAL = 1
    PROMOTIONAL = 2


class Status(enum.IntEnum):
    """Consent status of a channel (``mkt_consent_status``)."""
    NONE = 0
    GIVEN = 1
    WITHDRAWN = 2
    PENDING = 3


class DncReason(enum.IntEnum):
    HARD_BOUNCE = 1
    UNSUBSCRIBE = 2
    SPAM_COMPLAINT = 3
    SMS_STOP = 4
    CUSTOMER_SERVICE = 5
    LEGAL = 6
    INTERNAL_POLICY = 7


class Reason(enum.IntEnum):
    """Why a decision denies (``mkt_contact_reason``)."""
    NO_CONSENT = 1
    CONSENT_WITHDRAWN = 2
    OPT_IN_PENDING = 3
    DNC_HARD_BOUNCE = 4
    DNC_UNSUBSCRIBE = 5
    DNC_SPAM_COMPLAINT = 6
    DNC_SMS_STOP = 7
    DNC_CUSTOMER_SERVICE = 8
    DNC_LEGAL = 9
    DNC_INTERNAL_POLICY = 10
    INVALID_ADDRESS = 11
    CHANNEL_OFF = 12
    TOPIC_EXCLUDED = 13
    TOPIC_NOT_CHOSEN = 14
    CAP_CHANNEL = 15
    CAP_GLOBAL = 16
    QUIET_HOURS = 17
    STORE_ERROR = 18
    TIME_ZONE = 19
    AUDIT_ERROR = 20


class TopicChoice(enum.IntEnum):
    CLEAR = 0
    CHOSEN = 1
    EXCLUDED = 2


class FeedbackKind(enum.IntEnum):
    DELIVERED = 1
    SOFT_BOUNCE = 2
    HARD_BOUNCE = 3
    COMPLAINT = 4
    UNSUBSCRIBE = 5


def reason_name(code):
    """Machine name of a reason code ("quiet_hours"), or None."""
    return _lib.dec(_lib.lib().mkt_contact_reason_name(int(code)))


def reason_text(code):
    """One-sentence English text of a reason code, or None."""
    return _lib.dec(_lib.lib().mkt_contact_reason_text(int(code)))


# ---- records ------------------------------------------------------------------------------

def _change(customer_id, channel, status, source, ts, double_opt_in, ip, proof_version, actor):
    c = _lib.new_struct(_lib.ConsentChange)
    _lib.lib().mkt_consent_change_init(ctypes.byref(c))
    c.customer_id = _lib.enc(customer_id)
    c.channel = int(channel)
    c.status = int(status)
    c.double_opt_in = 1 if double_opt_in else 0
    c.ts = int(ts)
    c.source = _lib.enc_opt(source)
    c.ip = _lib.enc_opt(ip)
    c.proof_version = _lib.enc_opt(proof_version)
    c.actor = _lib.enc_opt(actor)
    return c


def set_consent(ctx, customer_id, channel, status, *, source, ts=0, double_opt_in=False,
                ip=None, proof_version=None, actor=None):
    """Record a consent decision (``mkt_consent_set``); the latest by ``ts`` wins."""
    c = _change(customer_id, channel, status, source, ts, double_opt_in, ip, proof_version, actor)
    ctx._call(_lib.lib().mkt_consent_set, ctx._ptr(), ctypes.byref(c))


def confirm(ctx, customer_id, channel, *, source, ts=0, ip=None, actor=None):
    """Confirm a pending double opt-in (``mkt_consent_confirm``); StateError if none."""
    c = _change(customer_id, channel, 0, source, ts, False, ip, None, actor)
    ctx._call(_lib.lib().mkt_consent_confirm, ctx._ptr(), ctypes.byref(c))


def get_consent(ctx, customer_id, channel):
    """(Status, ts) of a customer's consent on a channel."""
    st, ts = ctypes.c_int32(), ctypes.c_int64()
    ctx._call(_lib.lib().mkt_consent_get, ctx._ptr(), _lib.enc(customer_id), int(channel),
              ctypes.byref(st), ctypes.byref(ts))
    return Status(st.value), ts.value


def history(ctx, customer_id):
    """The customer's consent history, one "ts<TAB>action<TAB>channel<TAB>detail" line each."""
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_consent_history, ctx._ptr(), _lib.enc(customer_id),
              ctypes.byref(out))
    try:
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        _lib.lib().mkt_free(out.value)


def _dnc(customer_id, scope, reason, source, ts, actor, note):
    e = _lib.new_struct(_lib.DncEntry)
    _lib.lib().mkt_dnc_entry_init(ctypes.byref(e))
    e.customer_id = _lib.enc(customer_id)
    e.scope = int(scope)
    e.reason = int(reason)
    e.ts = int(ts)
    e.source = _lib.enc_opt(source)
    e.actor = _lib.enc_opt(actor)
    e.note = _lib.enc_opt(note)
    return e


def dnc_add(ctx, customer_id, scope, reason, *, source, ts=0, actor=None, note=None):
    """Add a DNC entry; ``scope`` is a channel or :data:`CHANNEL_ALL`."""
    e = _dnc(customer_id, scope, reason, source, ts, actor, note)
    ctx._call(_lib.lib().mkt_dnc_add, ctx._ptr(), ctypes.byref(e))


def dnc_remove(ctx, customer_id, scope, reason, *, source, actor, ts=0, note=None):
    """Remove a DNC entry: audited, needs the ``actor``; NotFound if there is none."""
    e = _dnc(customer_id, scope, reason, source, ts, actor, note)
    ctx._call(_lib.lib().mkt_dnc_remove, ctx._ptr(), ctypes.byref(e))


def dnc_has(ctx, customer_id, channel, reason=0):
    """Whether a DNC entry (of ``reason``, 0 any) covers ``channel``."""
    found = ctypes.c_int32()
    ctx._call(_lib.lib().mkt_dnc_has, ctx._ptr(), _lib.enc(customer_id), int(channel),
              int(reason), ctypes.byref(found))
    return bool(found.value)


@dataclasses.dataclass(frozen=True)
class Preferences:
    channel: int
    promotional: bool
    transactional: bool
    daily_cap: int
    weekly_cap: int
    monthly_cap: int


def set_preferences(ctx, customer_id, channel, *, promotional=True, transactional=True,
                    daily_cap=0, weekly_cap=0, monthly_cap=0, actor=None):
    """Store a channel's switches and caps (channel :data:`CHANNEL_ALL`: all-channel caps)."""
    p = _lib.new_struct(_lib.Preferences)
    _lib.lib().mkt_preferences_init(ctypes.byref(p))
    p.customer_id = _lib.enc(customer_id)
    p.channel = int(channel)
    p.promotional = 1 if promotional else 0
    p.transactional = 1 if transactional else 0
    p.daily_cap, p.weekly_cap, p.monthly_cap = int(daily_cap), int(weekly_cap), int(monthly_cap)
    p.actor = _lib.enc_opt(actor)
    ctx._call(_lib.lib().mkt_preferences_set, ctx._ptr(), ctypes.byref(p))


def get_preferences(ctx, customer_id, channel):
    """A customer's :class:`Preferences` for a channel (defaults without a record)."""
    p = _lib.new_struct(_lib.Preferences)
    _lib.lib().mkt_preferences_init(ctypes.byref(p))
    p.customer_id = _lib.enc(customer_id)
    p.channel = int(channel)
    ctx._call(_lib.lib().mkt_preferences_get, ctx._ptr(), ctypes.byref(p))
    return Preferences(int(channel), bool(p.promotional), bool(p.transactional), p.daily_cap,
                       p.weekly_cap, p.monthly_cap)


def set_topic(ctx, customer_id, topic, choice, actor=None):
    """Choose, exclude or clear a topic (:class:`TopicChoice`)."""
    ctx._call(_lib.lib().mkt_topic_set, ctx._ptr(), _lib.enc(customer_id), _lib.enc(topic),
              int(choice), _lib.enc_opt(actor))


def feedback(ctx, customer_id, channel, kind, *, ts=0, source=None, soft_bounce_limit=3):
    """Apply delivery feedback (:class:`FeedbackKind`); True when a DNC entry was added."""
    f = _lib.new_struct(_lib.Feedback)
    _lib.lib().mkt_feedback_init(ctypes.byref(f))
    f.customer_id = _lib.enc(customer_id)
    f.channel = int(channel)
    f.kind = int(kind)
    f.ts = int(ts)
    f.source = _lib.enc_opt(source)
    f.soft_bounce_limit = int(soft_bounce_limit)
    added = ctypes.c_int32()
    ctx._call(_lib.lib().mkt_consent_feedback, ctx._ptr(), ctypes.byref(f), ctypes.byref(added))
    return bool(added.value)


def import_csv(ctx, path):
    """Apply a consent/DNC/preferences CSV file (``mkt_consent_import``); rows applied."""
    rows = ctypes.c_uint64()
    ctx._call(_lib.lib().mkt_consent_import, ctx._ptr(), _lib.enc(str(path)),
              ctypes.byref(rows))
    return rows.value


# ---- the decision -------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Decision:
    allow: bool
    reasons: tuple  # of Reason, in code order
    next_allowed: int  # UTC seconds, 0 when none
    at: int
    status: int = 0  # check_many: what mkt_consent_check would have returned (0 = MKT_OK)


class Policy(ChildHandle):
    """A consent policy (``mkt_consent``): quiet-hour rules, organisation caps, zone cache."""

    _free_name = "mkt_consent_free"

    def __init__(self, ctx, *, zoneinfo_dir=None, default_zone=None, daily_cap=0,
                 weekly_cap=0, monthly_cap=0, quiet_channels=None, implied_consent_channels=0):
        o = _lib.new_struct(_lib.ConsentOptions)
        _lib.lib().mkt_consent_options_init(ctypes.byref(o))
        o.zoneinfo_dir = _lib.enc_opt(zoneinfo_dir)
        o.default_zone = _lib.enc_opt(default_zone)
        o.daily_cap, o.weekly_cap, o.monthly_cap = int(daily_cap), int(weekly_cap), int(monthly_cap)
        if quiet_channels is not None:
            o.quiet_channels = sum(1 << int(c) for c in quiet_channels)
        o.implied_consent_channels = sum(1 << int(c) for c in (implied_consent_channels or ()))
        self._ctx = ctx
        self._handle = None
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_consent_new, ctypes.byref(out), ctx._ptr(), ctypes.byref(o))
        self._handle = out.value
        ctx._adopt(self)

    def add_quiet_rule(self, region, start_minute, end_minute, days=DAYS_ALL):
        """Allow promotional SMS/push in ``region`` ("" default, "US", "US-FL") only on
        ``days`` (bit 0 Monday) between the minutes of the local day."""
        r = _lib.new_struct(_lib.QuietRule)
        r.region = _lib.enc(region)
        r.start_minute, r.end_minute, r.days = int(start_minute), int(end_minute), int(days)
        self._call("mkt_consent_add_quiet_rule", ctypes.byref(r))

    def load_quiet_rules(self, path):
        """Load rules from a CSV file (header region,start,end,days)."""
        self._call("mkt_consent_load_quiet_rules", _lib.enc(str(path)))

    def check(self, customer_id, channel, message_class=MessageClass.PROMOTIONAL, *,
              purpose=None, at=0, time_zone=None, region=None, address_invalid=False,
              send=False, actor=None):
        """May we contact the customer? ``send=True`` records a real send (caps, audit).
        A store failure raises (the C decision is then a deny)."""
        q = _request(customer_id, channel, message_class, purpose=purpose, at=at,
                     time_zone=time_zone, region=region, address_invalid=address_invalid,
                     send=send, actor=actor)
        d = _lib.new_struct(_lib.ContactDecision)
        self._call("mkt_consent_check", ctypes.byref(q), ctypes.byref(d))
        return _decision(d)

    def check_many(self, requests):
        """Decide many requests at once (``mkt_consent_check_many``): each request is a dict
        of :meth:`check`'s arguments (``customer_id`` and ``channel`` required). Returns one
        :class:`Decision` per request, in order, the same as calling :meth:`check` for each
        (sends included), but faster on large stores. A request that fails does not raise:
        its decision is a deny whose ``status`` is the error code."""
        reqs = [_request(**r) for r in requests]
        n = len(reqs)
        if n == 0:
            return []
        q = (_lib.ContactRequest * n)(*reqs)
        out = (_lib.ContactDecision * n)()
        out[0].struct_size = ctypes.sizeof(_lib.ContactDecision)
        status = (ctypes.c_int32 * n)(*([1] * n))  # 1: not decided (never a real code)
        rc = _lib.lib().mkt_consent_check_many(self._ptr(), q, n, out, status)
        if rc < 0 and status[0] == 1:
            self._ctx._call(lambda: rc)  # the whole call was refused: raise its error
        return [_decision(out[i], status[i]) for i in range(n)]


def _request(customer_id, channel, message_class=MessageClass.PROMOTIONAL, *, purpose=None,
             at=0, time_zone=None, region=None, address_invalid=False, send=False, actor=None):
    q = _lib.new_struct(_lib.ContactRequest)
    _lib.lib().mkt_contact_request_init(ctypes.byref(q))
    q.customer_id = _lib.enc(customer_id)
    q.channel = int(channel)
    q.message_class = int(message_class)
    q.purpose = _lib.enc_opt(purpose)
    q.at = int(at)
    q.time_zone = _lib.enc_opt(time_zone)
    q.region = _lib.enc_opt(region)
    q.address = 1 if address_invalid else 0
    q.flags = 1 if send else 0
    q.actor = _lib.enc_opt(actor)
    return q


def _decision(d, status=0):
    reasons = tuple(Reason(c) for c in range(1, 32) if d.reasons & (1 << c))
    return Decision(bool(d.allow), reasons, d.next_allowed, d.at, status)
