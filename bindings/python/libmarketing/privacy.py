# SPDX-License-Identifier: MIT
"""Privacy (privacy.h) and the audit chain (ctx.h): right to be forgotten, data export,
RFC 8058 one-click unsubscribe tokens, SMS keywords, and verifying the audit hash chain.

Every function takes a :class:`~libmarketing.Context` first (its store holds the state)::

    import libmarketing as mkt

    with mkt.Context() as ctx:
        receipt = mkt.privacy.erase(ctx, "C000123", email="ann@example.com")
        assert mkt.privacy.is_erased(ctx, mkt.privacy.Erased.CUSTOMER, "C000123")
        report = mkt.privacy.audit_verify(ctx)
        print(report.intact, report.head_seq, report.head_hash)

doc/privacy.md describes the formats, the tombstones and the storage.
"""

import ctypes
import dataclasses
import enum
import json

from . import _lib, values

MIN_SECRET = 16
DEFAULT_TTL = 60 * 86400
AUDIT_HASH_LEN = 32


class Erased(enum.IntEnum):
    """What a tombstone stands for (``mkt_erased_kind``)."""
    CUSTOMER = 1
    EMAIL = 2
    PHONE = 3


class AuditProblem(enum.IntEnum):
    """The first problem :func:`audit_verify` found (``mkt_audit_problem``)."""
    INTACT = 0
    MODIFIED = 1
    GAP = 2
    REORDERED = 3
    MALFORMED = 4
    BEYOND_HEAD = 5
    HEAD = 6
    SUBJECT = 7


class UnsubStatus(enum.IntEnum):
    """Why a token was rejected (``mkt_unsub_status``)."""
    VALID = 0
    MALFORMED = 1
    BAD_SIGNATURE = 2
    EXPIRED = 3


class SmsKeyword(enum.IntEnum):
    NONE = 0
    STOP = 1
    STOPALL = 2
    UNSUBSCRIBE = 3
    CANCEL = 4
    END = 5
    QUIT = 6
    START = 7
    YES = 8
    UNSTOP = 9
    HELP = 10
    INFO = 11


class SmsAction(enum.IntEnum):
    NONE = 0
    OPT_OUT = 1
    OPT_IN = 2
    HELP = 3


@dataclasses.dataclass(frozen=True)
class AuditReport:
    intact: bool
    problem: AuditProblem
    records: int
    first_bad: int
    head_seq: int
    head_hash: str   # 64 hex digits (all zeros for an empty chain)
    message: str


@dataclasses.dataclass(frozen=True)
class UnsubResult:
    status: UnsubStatus
    customer_id: str
    channel: int
    topic: str
    expires: int
    applied: bool

    @property
    def valid(self):
        return self.status == UnsubStatus.VALID


@dataclasses.dataclass(frozen=True)
class SmsReply:
    action: SmsAction
    reply: str  # None when the text was no keyword (nothing to send)


def _take(ptr):
    """A library-allocated NUL-terminated string as str, released with mkt_free()."""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        _lib.lib().mkt_free(ptr)


def _take_opt(ptr):
    return None if not ptr else _take(ptr)


# ---- erasure and export --------------------------------------------------------------------
def erase(ctx, customer_id, *, email=None, phone=None, actor=None, ts=0):
    """Erase a customer (``mkt_privacy_erase``); the receipt as a dict. Safe to run again
    after a failure: it completes what is left."""
    req = _lib.new_struct(_lib.EraseRequest)
    _lib.lib().mkt_erase_request_init(ctypes.byref(req))
    req.customer_id = _lib.enc(customer_id)
    req.email = _lib.enc_opt(email)
    req.phone = _lib.enc_opt(phone)
    req.actor = _lib.enc_opt(actor)
    req.ts = values.to_seconds(ts) if ts else 0
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_privacy_erase, ctx._ptr(), ctypes.byref(req), ctypes.byref(out))
    return json.loads(_take(out))


def is_erased(ctx, kind, value):
    """Whether ``value`` (an id, email or phone, see :class:`Erased`) has a tombstone."""
    out = ctypes.c_int32()
    ctx._call(_lib.lib().mkt_privacy_is_erased, ctx._ptr(), int(kind), _lib.enc(value),
              ctypes.byref(out))
    return bool(out.value)


def export(ctx, customer_id, *, actor=None):
    """Everything stored about a customer (``mkt_privacy_export``), as a dict."""
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_privacy_export, ctx._ptr(), _lib.enc(customer_id),
              _lib.enc_opt(actor), ctypes.byref(out))
    return json.loads(_take(out))


# ---- audit chain ---------------------------------------------------------------------------
def audit_verify(ctx):
    """Verify the default audit sink's hash chain (``mkt_audit_verify``)."""
    rep = _lib.AuditReport()
    rep.struct_size = ctypes.sizeof(rep)
    ctx._call(_lib.lib().mkt_audit_verify, ctx._ptr(), ctypes.byref(rep))
    return AuditReport(bool(rep.intact), AuditProblem(rep.problem), rep.records, rep.first_bad,
                       rep.head_seq, bytes(rep.head_hash).hex(),
                       rep.message.decode("utf-8", "replace"))


def audit_chain_hash(ctx, seq, prev, action, *, actor=None, subject=None, detail=None, ts=0):
    """The chained hash of one record (``mkt_audit_chain_hash``), for hosts with their own
    audit sink. ``prev`` is the previous record's hash (32 bytes; ``bytes(32)`` for seq 1).
    Returns 32 bytes."""
    prev = bytes(prev)
    if len(prev) != AUDIT_HASH_LEN:
        raise ValueError("prev must be 32 bytes")
    rec = _lib.new_struct(_lib.AuditRecord)
    rec.ts = values.to_seconds(ts) if ts else 0
    rec.action = _lib.enc(action)
    rec.actor = _lib.enc_opt(actor)
    rec.subject = _lib.enc_opt(subject)
    rec.detail = _lib.enc_opt(detail)
    out = ctypes.create_string_buffer(AUDIT_HASH_LEN)
    ctx._call(_lib.lib().mkt_audit_chain_hash, ctx._ptr(), ctypes.byref(rec), seq, prev, out)
    return out.raw


# ---- one-click unsubscribe -----------------------------------------------------------------
def _spec(secret, customer_id, channel, topic, expires, url=None, mailto=None):
    s = _lib.new_struct(_lib.UnsubSpec)
    _lib.lib().mkt_unsub_spec_init(ctypes.byref(s))
    secret = _lib.enc(secret)
    s.secret, s.secret_len = secret, len(secret)
    s.customer_id = _lib.enc(customer_id)
    s.channel = int(channel)
    s.topic = _lib.enc_opt(topic)
    s.expires = values.to_seconds(expires) if expires else 0
    s.url = _lib.enc_opt(url)
    s.mailto = _lib.enc_opt(mailto)
    return s, secret  # keep the secret's bytes alive with the struct


def unsub_token(ctx, secret, customer_id, *, channel=1, topic=None, expires=0):
    """A signed unsubscribe token (``mkt_unsub_token``); channel 1 is email."""
    s, _keep = _spec(secret, customer_id, channel, topic, expires)
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_unsub_token, ctx._ptr(), ctypes.byref(s), ctypes.byref(out))
    return _take(out)


def unsub_headers(ctx, secret, customer_id, url, *, mailto=None, channel=1, topic=None,
                  expires=0):
    """The ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` lines (``mkt_unsub_headers``),
    CRLF-terminated."""
    s, _keep = _spec(secret, customer_id, channel, topic, expires, url, mailto)
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_unsub_headers, ctx._ptr(), ctypes.byref(s), ctypes.byref(out))
    return _take(out)


def _result(r):
    return UnsubResult(UnsubStatus(r.status), r.customer_id.decode("utf-8", "replace"),
                       r.channel, r.topic.decode("utf-8", "replace"), r.expires,
                       bool(r.applied))


def unsub_verify(ctx, secret, token, *, now=0):
    """Check a token (``mkt_unsub_verify``); a rejected token is a status, not an error."""
    secret = _lib.enc(secret)
    r = _lib.UnsubResult()
    r.struct_size = ctypes.sizeof(r)
    ctx._call(_lib.lib().mkt_unsub_verify, ctx._ptr(), secret, len(secret), _lib.enc(token),
              values.to_seconds(now) if now else 0, ctypes.byref(r))
    return _result(r)


def unsub_apply(ctx, secret, token, *, actor=None):
    """Verify a token and record the unsubscribe through the consent API
    (``mkt_unsub_apply``)."""
    secret = _lib.enc(secret)
    r = _lib.UnsubResult()
    r.struct_size = ctypes.sizeof(r)
    ctx._call(_lib.lib().mkt_unsub_apply, ctx._ptr(), secret, len(secret), _lib.enc(token),
              _lib.enc_opt(actor), ctypes.byref(r))
    return _result(r)


# ---- SMS keywords --------------------------------------------------------------------------
def sms_keyword(text):
    """``(action, keyword, exact)`` of an inbound SMS (``mkt_sms_keyword_parse``)."""
    raw = _lib.enc(text)
    kw, exact = ctypes.c_int32(), ctypes.c_int32()
    action = _lib.lib().mkt_sms_keyword_parse(raw, len(raw), ctypes.byref(kw),
                                              ctypes.byref(exact))
    return SmsAction(action), SmsKeyword(kw.value), bool(exact.value)


def sms_inbound(ctx, customer_id, text, *, brand=None, opt_out_reply=None, opt_in_reply=None,
                help_reply=None, actor=None):
    """Act on an inbound SMS (``mkt_sms_inbound``): the action and the reply to send."""
    o = _lib.new_struct(_lib.SmsOptions)
    _lib.lib().mkt_sms_options_init(ctypes.byref(o))
    o.brand = _lib.enc_opt(brand)
    o.opt_out_reply = _lib.enc_opt(opt_out_reply)
    o.opt_in_reply = _lib.enc_opt(opt_in_reply)
    o.help_reply = _lib.enc_opt(help_reply)
    o.actor = _lib.enc_opt(actor)
    action, out = ctypes.c_int32(), ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_sms_inbound, ctx._ptr(), ctypes.byref(o), _lib.enc(customer_id),
              _lib.enc(text), ctypes.byref(action), ctypes.byref(out))
    return SmsReply(SmsAction(action.value), _take_opt(out.value))
