# SPDX-License-Identifier: MIT
"""Offers (offer.h): discount rules behind promo codes, validation of a code against a
booking with every failed rule as a reason, two-phase redemption (reserve, commit, release)
whose limits hold across processes sharing one store, stacking, and usage tracking.
doc/offers.md is the guide.

    import datetime
    import libmarketing as mkt
    from libmarketing import offer

    with mkt.Context() as ctx:
        offers = offer.Offers(ctx)
        offers.load_xml(open("offers.xml").read())
        b = offer.Booking("C1", "JFK-LHR", 20000, "USD", datetime.date(2026, 7, 10),
                          datetime.date(2026, 8, 1), booking_id="B1")
        d = offers.reserve("SUMMER24", b)
        if d.valid:
            offers.commit("SUMMER24", "C1", "B1")

Money is int minor units of the offer's currency; percentages are basis points (1500 = 15 %).
"""

import ctypes
import dataclasses
import enum

from . import _lib, values
from ._handle import ChildHandle

STACK_MAX = 16


class DiscountKind(enum.IntEnum):
    PERCENT = 1
    FIXED = 2


class Limit(enum.IntEnum):
    TOTAL = 1
    PER_CUSTOMER = 2
    PER_CUSTOMER_MONTH = 3
    BUDGET = 4


class Reason(enum.IntEnum):
    UNKNOWN_CODE = 1
    EXPIRED = 2
    OUTSIDE_BOOKING_WINDOW = 3
    OUTSIDE_TRAVEL_WINDOW = 4
    BLACKOUT = 5
    ROUTE_NOT_APPLICABLE = 6
    ROUTE_EXCLUDED = 7
    FARE_NOT_APPLICABLE = 8
    FARE_EXCLUDED = 9
    CURRENCY_MISMATCH = 10
    MIN_PURCHASE = 11
    NOT_ELIGIBLE = 12
    LIMIT_TOTAL = 13
    LIMIT_PER_CUSTOMER = 14
    LIMIT_PER_MONTH = 15
    BUDGET_EXHAUSTED = 16
    NO_DISCOUNT = 17
    NOT_STACKABLE = 18
    NOT_COMBINABLE = 19
    LOWER_DISCOUNT = 20
    DUPLICATE = 21


class UsageBy(enum.IntEnum):
    ROUTE = 1
    BOOKING_DATE = 2


def reason_name(reason):
    """Machine name of a :class:`Reason` ("MIN_PURCHASE"), or None (``mkt_offer_reason_name``)."""
    name = _lib.lib().mkt_offer_reason_name(int(reason))
    return name.decode("ascii") if name else None


def currency_decimals(currency):
    """Minor-unit digits of an ISO 4217 code (``mkt_offer_currency_decimals``)."""
    return _lib.lib().mkt_offer_currency_decimals(_lib.enc_opt(currency))


def _date(value):
    if value is None:
        return _lib.NULL_DATE
    if isinstance(value, str):
        return values.to_days(values.parse_date(value))
    return values.to_days(value)


@dataclasses.dataclass
class Booking:
    """A booking at checkout. Dates: :class:`datetime.date`, "YYYY-MM-DD" or day numbers.
    ``customer``: a :class:`~libmarketing.Record` for segment-restricted offers."""
    customer_id: str
    route: str
    amount: int
    currency: str
    booking_date: object
    travel_date: object
    booking_id: str = None
    fare_class: str = None
    customer: object = None
    prior_discount: int = 0

    def _to_c(self):
        b = _lib.new_struct(_lib.OfferBooking)
        _lib.lib().mkt_offer_booking_init(ctypes.byref(b))
        b.customer_id = _lib.enc_opt(self.customer_id)
        b.booking_id = _lib.enc_opt(self.booking_id)
        b.route = _lib.enc_opt(self.route)
        b.fare_class = _lib.enc_opt(self.fare_class)
        b.amount = int(self.amount)
        b.currency = _lib.enc_opt(self.currency)
        b.booking_date = _date(self.booking_date)
        b.travel_date = _date(self.travel_date)
        b.customer = self.customer._ptr() if self.customer is not None else None
        b.prior_discount = int(self.prior_discount)
        return b


@dataclasses.dataclass(frozen=True)
class Decision:
    """The decision on one code: valid flag, discount (minor units), canonical code, the
    offer id (None for an unknown code) and every failed rule as ``(Reason, text)``."""
    valid: bool
    discount: int
    code: str
    offer_id: str
    reasons: tuple

    @property
    def reason_codes(self):
        return tuple(r for r, _ in self.reasons)


@dataclasses.dataclass(frozen=True)
class StackItem:
    decision: Decision
    chosen: bool
    order: int  # position in the order discounts apply, -1 when left out


@dataclasses.dataclass(frozen=True)
class Stack:
    total: int
    items: tuple


@dataclasses.dataclass(frozen=True)
class Usage:
    held: int
    redemptions: int
    discount_total: int
    average_discount: int
    budget_used: int
    customer_uses: int


def _dec(raw):
    return raw.decode("utf-8") if raw is not None else None


def _decision(ptr):
    lib = _lib.lib()
    reasons = []
    for i in range(lib.mkt_offer_result_reason_count(ptr)):
        code = lib.mkt_offer_result_reason(ptr, i)
        reasons.append((Reason(code), _dec(lib.mkt_offer_result_reason_text(ptr, i))))
    return Decision(bool(lib.mkt_offer_result_valid(ptr)), lib.mkt_offer_result_discount(ptr),
                    _dec(lib.mkt_offer_result_code(ptr)),
                    _dec(lib.mkt_offer_result_offer_id(ptr)), tuple(reasons))


class Offer(ChildHandle):
    """One offer definition being built (``mkt_offer``). Setters return the offer, so calls
    chain. :meth:`Offers.add` takes it over (the offer is closed afterwards)."""

    _free_name = "mkt_offer_free"

    def __init__(self, ctx, offer_id):
        self._ctx = ctx
        self._handle = None
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_offer_new, ctypes.byref(out), ctx._ptr(), _lib.enc(offer_id))
        self._handle = out.value
        ctx._adopt(self)

    @property
    def id(self):
        return _dec(_lib.lib().mkt_offer_id(self._ptr()))

    def _set(self, fn, *args):
        self._call(fn, *args)
        return self

    def set_discount(self, kind, value, cap=0):
        return self._set("mkt_offer_set_discount", int(kind), int(value), int(cap))

    def set_currency(self, currency):
        return self._set("mkt_offer_set_currency", _lib.enc(currency))

    def set_min_purchase(self, amount):
        return self._set("mkt_offer_set_min_purchase", int(amount))

    def set_booking_window(self, start=None, end=None):
        return self._set("mkt_offer_set_booking_window", _date(start), _date(end))

    def set_travel_window(self, start=None, end=None):
        return self._set("mkt_offer_set_travel_window", _date(start), _date(end))

    def add_blackout(self, start, end):
        return self._set("mkt_offer_add_blackout", _date(start), _date(end))

    def add_route(self, pattern, excluded=False):
        return self._set("mkt_offer_add_route", _lib.enc(pattern), 1 if excluded else 0)

    def add_fare_class(self, fare_class, excluded=False):
        return self._set("mkt_offer_add_fare_class", _lib.enc(fare_class), 1 if excluded else 0)

    def set_segment_rule(self, rule_text):
        return self._set("mkt_offer_set_segment_rule", _lib.enc(rule_text))

    def set_customer(self, customer_id):
        return self._set("mkt_offer_set_customer", _lib.enc(customer_id))

    def set_limit(self, kind, value):
        return self._set("mkt_offer_set_limit", int(kind), int(value))

    def set_stacking(self, stackable, priority=0):
        return self._set("mkt_offer_set_stacking", 1 if stackable else 0, int(priority))

    def add_combinable(self, offer_id):
        return self._set("mkt_offer_add_combinable", _lib.enc(offer_id))

    def set_reservation_ttl(self, seconds):
        return self._set("mkt_offer_set_reservation_ttl", int(seconds))

    def add_code(self, code, customer_id=None):
        return self._set("mkt_offer_add_code", _lib.enc(code), _lib.enc_opt(customer_id))

    def _give_away(self):
        handle, self._handle = self._ptr(), None
        self._ctx._release(self)
        return handle


class Offers(ChildHandle):
    """A catalogue of offers indexed by code (``mkt_offers``). Validation, redemption and
    stacking use the catalogue's context (and its store)."""

    _free_name = "mkt_offers_free"

    def __init__(self, ctx):
        super().__init__(ctx, "mkt_offers_new")
        out = ctypes.c_void_p()
        try:
            ctx._call(_lib.lib().mkt_offer_result_new, ctypes.byref(out), ctx._ptr())
        except BaseException:
            self.close()
            raise
        self._result = out.value

    def close(self):
        result, self._result = getattr(self, "_result", None), None
        if result:
            _lib.lib().mkt_offer_result_free(result)
        super().close()

    def add(self, offer):
        """Add ``offer`` (taken over whatever the outcome)."""
        self._call("mkt_offers_add", offer._give_away())

    def load_xml(self, text, source=None):
        raw = _lib.enc(text)
        self._call("mkt_offers_load_xml_memory", raw, len(raw), _lib.enc_opt(source))

    def load_xml_file(self, path):
        self._call("mkt_offers_load_xml_file", _lib.enc(str(path)))

    def compile(self, table):
        """Compile the offers' segment rules against ``table``'s schema."""
        self._call("mkt_offers_compile", table._ptr())

    def __len__(self):
        return _lib.lib().mkt_offers_count(self._ptr())

    def ids(self):
        lib = _lib.lib()
        return [_dec(lib.mkt_offer_id(lib.mkt_offers_get(self._ptr(), i)))
                for i in range(len(self))]

    def _decide(self, fn, code, booking):
        b = booking._to_c()
        self._ctx._call(getattr(_lib.lib(), fn), self._ptr(), self._ctx._ptr(), _lib.enc(code),
                        ctypes.byref(b), self._result)
        return _decision(self._result)

    def validate(self, code, booking):
        """The :class:`Decision` on ``code`` for ``booking`` (``mkt_offers_validate``)."""
        return self._decide("mkt_offers_validate", code, booking)

    def reserve(self, code, booking):
        """Validate and hold one use (``mkt_offers_reserve``); needs ``booking_id``."""
        return self._decide("mkt_offers_reserve", code, booking)

    def commit(self, code, customer_id, booking_id):
        self._ctx._call(_lib.lib().mkt_offers_commit, self._ptr(), self._ctx._ptr(),
                        _lib.enc(code), _lib.enc(customer_id), _lib.enc(booking_id))

    def release(self, code, customer_id, booking_id):
        self._ctx._call(_lib.lib().mkt_offers_release, self._ptr(), self._ctx._ptr(),
                        _lib.enc(code), _lib.enc(customer_id), _lib.enc(booking_id))

    def stack(self, codes, booking):
        """The best combination of ``codes`` for ``booking`` (``mkt_offers_stack``)."""
        lib = _lib.lib()
        raw = (ctypes.c_char_p * max(len(codes), 1))(*[_lib.enc(c) for c in codes])
        b = booking._to_c()
        out = ctypes.c_void_p()
        self._ctx._call(lib.mkt_offer_stack_new, ctypes.byref(out), self._ctx._ptr())
        try:
            self._ctx._call(lib.mkt_offers_stack, self._ptr(), self._ctx._ptr(), raw, len(codes),
                            ctypes.byref(b), out.value)
            items = tuple(StackItem(_decision(lib.mkt_offer_stack_item(out.value, i)),
                                    bool(lib.mkt_offer_stack_chosen(out.value, i)),
                                    lib.mkt_offer_stack_order(out.value, i))
                          for i in range(lib.mkt_offer_stack_count(out.value)))
            return Stack(lib.mkt_offer_stack_total(out.value), items)
        finally:
            lib.mkt_offer_stack_free(out.value)


def sweep(ctx):
    """Release every lapsed reservation in ``ctx``'s store; returns how many."""
    n = ctypes.c_uint64()
    ctx._call(_lib.lib().mkt_offers_sweep, ctx._ptr(), ctypes.byref(n))
    return n.value


def usage(ctx, offer_id, customer_id=None):
    """The :class:`Usage` of ``offer_id`` (and of ``customer_id``) from ``ctx``'s store."""
    u = _lib.new_struct(_lib.OfferUsage)
    ctx._call(_lib.lib().mkt_offer_usage_get, ctx._ptr(), _lib.enc(offer_id),
              _lib.enc_opt(customer_id), ctypes.byref(u))
    return Usage(u.held, u.redemptions, u.discount_total, u.average_discount, u.budget_used,
                 u.customer_uses)


def usage_report(ctx, offer_id, by):
    """Committed redemptions per route or booking date as CSV text."""
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_offer_usage_report, ctx._ptr(), _lib.enc(offer_id), int(by),
              ctypes.byref(out))
    try:
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        _lib.lib().mkt_free(out.value)
