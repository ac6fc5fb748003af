# SPDX-License-Identifier: MIT
"""Promo codes (promo.h): normalization, code formats (charset, length, prefix, suffix,
pattern, check character), the offline syntax check, unique random generation (optionally
issued into the context's store), customer-bound codes derived with HMAC-SHA-256, binding and
lookup. doc/promo-codes.md is the guide.

    import libmarketing as mkt

    with mkt.Context() as ctx:
        fmt = mkt.promo.Format(ctx, pattern="SUMMER-####-####", check_char=True)
        codes = fmt.generate(1000, offer_id="SUMMER24")
        print(fmt.check("summer-7kq9-2ab4x").reason, fmt.entropy(len(codes)).bits)
"""

import contextlib
import ctypes
import dataclasses
import enum

from . import _lib
from ._handle import ChildHandle

MAX_LEN = 64
MAX_DISPLAY = 256
MIN_SECRET = 16


class Reason(enum.IntEnum):
    VALID = 0
    BAD_BYTE = 1
    TOO_SHORT = 2
    TOO_LONG = 3
    LITERAL = 4
    CHARSET = 5
    CHECK_CHAR = 6


@dataclasses.dataclass(frozen=True)
class CheckResult:
    valid: bool
    reason: Reason
    position: int  # 1-based; 0 when the reason has no position

    @property
    def reason_name(self):
        return reason_name(self.reason)


@dataclasses.dataclass(frozen=True)
class Entropy:
    charset_size: int
    random_chars: int
    code_len: int
    display_len: int
    space: float
    bits: float
    guess_probability: float
    max_batch: int


@contextlib.contextmanager
def _context(ctx):
    if ctx is not None:
        yield ctx
        return
    from .context import Context
    with Context() as c:
        yield c


def reason_name(reason):
    """Machine-readable name of a :class:`Reason` (``mkt_promo_reason_name``)."""
    return _lib.lib().mkt_promo_reason_name(int(reason)).decode("ascii")


def normalize(code, *, ctx=None):
    """The canonical form of ``code``: upper-case, spaces and dashes dropped
    (``mkt_promo_normalize``). Raises :class:`InvalidArgument` / :class:`RangeError`."""
    out = ctypes.create_string_buffer(MAX_LEN + 1)
    n = ctypes.c_size_t()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_promo_normalize, c._ptr(), _lib.enc(code), out, len(out),
                ctypes.byref(n))
    return out.raw[:n.value].decode("ascii")


def _take_string(ptr):
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8")
    finally:
        _lib.lib().mkt_free(ptr.value)


def bind(ctx, code, offer_id, customer_id=None):
    """Issue ``code`` for ``offer_id``, bound to ``customer_id`` or to nobody
    (``mkt_promo_bind``). Idempotent; :class:`AlreadyExists` if issued otherwise."""
    ctx._call(_lib.lib().mkt_promo_bind, ctx._ptr(), _lib.enc(code), _lib.enc(offer_id),
              _lib.enc_opt(customer_id))


def lookup(ctx, code):
    """``(offer_id, customer_id or None)`` of an issued code (``mkt_promo_lookup``);
    :class:`NotFound` when it is not issued."""
    offer, customer = ctypes.c_void_p(), ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_promo_lookup, ctx._ptr(), _lib.enc(code), ctypes.byref(offer),
              ctypes.byref(customer))
    return _take_string(offer), _take_string(customer)


class Format(ChildHandle):
    """A compiled code format (``mkt_promo_format``). ``charset``: None (unambiguous),
    "alphanumeric", "alphabetic", "numeric", "unambiguous" or the characters themselves.
    ``pattern``: '#' random, '!' check character, '\\\\' escapes, other text literal."""

    _free_name = "mkt_promo_format_free"

    def __init__(self, ctx, *, charset=None, length=0, prefix=None, suffix=None, pattern=None,
                 check_char=False):
        self._ctx = ctx
        self._handle = None
        opts = _lib.new_struct(_lib.PromoOptions)
        _lib.lib().mkt_promo_options_init(ctypes.byref(opts))
        opts.charset = _lib.enc_opt(charset)
        opts.length = int(length)
        opts.prefix = _lib.enc_opt(prefix)
        opts.suffix = _lib.enc_opt(suffix)
        opts.pattern = _lib.enc_opt(pattern)
        opts.check_char = 1 if check_char else 0
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_promo_format_new, ctypes.byref(out), ctx._ptr(),
                  ctypes.byref(opts))
        self._handle = out.value
        ctx._adopt(self)

    def check(self, code):
        """Syntax and check character of ``code`` (``mkt_promo_check``)."""
        raw = _lib.enc(code)
        r = _lib.PromoCheckResult()
        rc = _lib.lib().mkt_promo_check(self._ptr(), raw, len(raw), ctypes.byref(r))
        self._ctx._check_plain(rc, "mkt_promo_check")
        return CheckResult(bool(r.valid), Reason(r.reason), r.position)

    def entropy(self, issued=0):
        """The code space and the guessing risk with ``issued`` live codes."""
        e = _lib.PromoEntropy()
        rc = _lib.lib().mkt_promo_entropy_get(self._ptr(), int(issued), ctypes.byref(e))
        self._ctx._check_plain(rc, "mkt_promo_entropy_get")
        return Entropy(e.charset_size, e.random_chars, e.code_len, e.display_len, e.space,
                       e.bits, e.guess_probability, e.max_batch)

    def generate(self, count, *, offer_id=None):
        """``count`` distinct random codes (display form), issued to ``offer_id`` in the
        store when given (``mkt_promo_generate``)."""
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        self._call("mkt_promo_generate", int(count), _lib.enc_opt(offer_id), ctypes.byref(out),
                   ctypes.byref(n))
        try:
            text = ctypes.string_at(out.value, n.value).decode("ascii")
        finally:
            _lib.lib().mkt_free(out.value)
        return text.splitlines()

    def _call(self, fn_name, *args):
        # Every promo function that needs a context takes it first, the format second.
        return self._ctx._call(getattr(_lib.lib(), fn_name), self._ctx._ptr(), self._ptr(),
                               *args)

    def derive(self, secret, offer_id, customer_id):
        """The code bound to (offer, customer): HMAC-SHA-256 keyed by ``secret`` (>= 16
        bytes), deterministic, not computable without the secret (``mkt_promo_derive``)."""
        key = _lib.enc(secret)
        out = ctypes.create_string_buffer(MAX_DISPLAY + 1)
        n = ctypes.c_size_t()
        self._call("mkt_promo_derive", key, len(key), _lib.enc(offer_id), _lib.enc(customer_id),
                   out, len(out), ctypes.byref(n))
        return out.raw[:n.value].decode("ascii")
