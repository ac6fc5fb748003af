# SPDX-License-Identifier: MIT
"""The journey engine (engine.h): runs journeys for many customers from events and the clock,
with every instance's state in the context's store.

    with mkt.Context(send=deliver) as ctx:
        j = mkt.Journey.load(ctx, "examples/journeys/abandoned-cart.xml")
        eng = mkt.JourneyEngine(ctx, [j])
        eng.event("C1", "CART_ABANDONED", t0)
        eng.advance(t0 + 3600)          # the first email goes to deliver()
        eng.counts("abandoned-cart", "email-1").sent   # 1

A send callback returning (raising) an IOFailure is retried with backoff; any other error
fails the send for good. Journeys must stay open while the engine lives.

Update, tag and emit actions go to the engine's ``action(a)`` callback (an :class:`Action`)
with the same rules; without one, journeys holding such actions are refused (Unsupported).
An emitted event is not fed back into the engine: call :meth:`JourneyEngine.event` with it.
"""

import ctypes
import dataclasses
import enum

from . import _lib, errors
from ._handle import ChildHandle
from .journey import ActionKind


class InstanceState(enum.IntEnum):
    WAITING = 1
    DONE = 2
    CONVERTED = 3
    EXPIRED = 4
    NO_FIELD = 5


@dataclasses.dataclass(frozen=True)
class NodeCounts:
    """Counts of one node (``mkt_journey_node_counts``); ``suppressed_by_reason`` maps a
    consent reason code to its count (non-zero ones only)."""
    entered: int
    exited: int
    waiting: int
    converted: int
    ended: int
    sent: int
    failed: int
    deferred: int
    retried: int
    suppressed: int
    suppressed_by_reason: dict
    no_field: int = 0


@dataclasses.dataclass(frozen=True)
class Instance:
    """One customer's instance of a journey (``mkt_journey_instance``)."""
    state: InstanceState
    node: int
    entered_at: int
    wake_at: int
    entries: int
    step: int


@dataclasses.dataclass(frozen=True)
class Action:
    """A host action of a journey (``mkt_journey_action``) given to the engine's ``action``
    callback; ``attribute``/``value`` (UPDATE), ``tag`` (TAG_ADD, TAG_REMOVE) and
    ``event_type`` (EMIT) are None when the kind does not use them."""
    kind: ActionKind
    customer_id: str
    journey_id: str
    node_id: str
    node: int
    entry: int
    step: int
    attribute: str
    value: str
    tag: str
    event_type: str
    at: int
    idempotency_key: str


def _action_tramp(ctx, action):
    def body(a, _ud):
        r = a.contents
        d = _lib.dec
        action(Action(ActionKind(r.kind), d(r.customer_id), d(r.journey_id), d(r.node_id),
                      r.node, r.entry, r.step, d(r.attribute), d(r.value), d(r.tag),
                      d(r.event_type), r.at, d(r.idempotency_key)))
        return _lib.MKT_OK
    return ctx._guard(body)


def _node_index(journeys, journey_id, node):
    if isinstance(node, int):
        return node
    for j in journeys:
        if j.info.id == journey_id:
            return j.node(node).index
    raise errors.NotFound(f"no journey {journey_id}", _lib.MKT_ENOTFOUND)


class JourneyEngine(ChildHandle):
    """An engine over ``journeys`` (``mkt_journey_engine_new``); ``consent`` is a
    :class:`libmarketing.consent.Policy` every send is checked through, or None;
    ``customers`` a :class:`Table` that decisions on a rule or segment read (the journeys
    must have been loaded with it as ``schema``), or None; ``timer_records`` True keeps a
    "journey.timer" record per sleeping instance, False none (a new engine scans the instances
    instead), None (default) the library's choice: records over a host's store only;
    ``action(a)`` performs update, tag and emit actions (an :class:`Action`; raising an
    IOFailure retries it, another MarketingError fails it for good, any other exception
    aborts the engine call with UserAbort), or None; ``promo_format`` (a
    :class:`libmarketing.promo.Format`) and ``promo_secret`` (str or bytes, at least 16 bytes)
    let send nodes with an ``offer`` issue the customer's code (derived, bound before the
    send, in the message's context as "offer_id" and "offer_code"); journeys with offers are
    refused without them."""

    _free_name = "mkt_journey_engine_free"

    def __init__(self, ctx, journeys, *, consent=None, customers=None, message_class=2,
                 max_attempts=5, retry_delay=60, timer_records=None, action=None,
                 promo_format=None, promo_secret=None):
        o = _lib.new_struct(_lib.JourneyEngineOptions)
        _lib.lib().mkt_journey_engine_options_init(ctypes.byref(o))
        o.consent = consent._ptr() if consent is not None else None
        o.message_class, o.max_attempts = int(message_class), int(max_attempts)
        o.retry_delay = int(retry_delay)
        o.customers = customers._ptr() if customers is not None else None
        if timer_records is not None:
            o.timer_records = 1 if timer_records else 0
        if action is not None:
            # kept by the context (its other trampolines live there too): the engine may call
            # it until it is freed, which the context outlives
            o.action = ctx._cb(_lib.JOURNEY_ACTION_FN, _action_tramp(ctx, action))
        # borrowed by the engine: kept alive with it
        self._promo_format = promo_format
        self._promo_secret = None
        if promo_format is not None:
            o.promo_format = promo_format._ptr()
        if promo_secret is not None:
            key = _lib.enc(promo_secret)
            self._promo_secret = ctypes.create_string_buffer(key, len(key))
            o.promo_secret = ctypes.cast(self._promo_secret, ctypes.c_void_p)
            o.promo_secret_len = len(key)
        self._journeys = list(journeys)  # kept alive: the engine borrows them
        self._consent, self._customers = consent, customers
        arr = (ctypes.c_void_p * max(len(self._journeys), 1))(
            *[j._ptr() for j in self._journeys])
        self._ctx = ctx
        self._handle = None
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_journey_engine_new, ctypes.byref(out), ctx._ptr(), arr,
                  len(self._journeys), ctypes.byref(o))
        self._handle = out.value
        ctx._adopt(self)

    def event(self, customer_id, event_type, at, properties=None):
        """Feed one event at ``at`` (Unix seconds); due timers fire first. ``properties``
        (a dict of str to str, e.g. ``{"departure_date": "2026-12-24"}``) feeds the waits
        until an "event.NAME" field of the journeys the event starts
        (``mkt_journey_engine_event_ex``)."""
        if not properties:
            self._call("mkt_journey_engine_event", _lib.enc(customer_id),
                       _lib.enc(event_type), int(at))
            return
        ev = _lib.new_struct(_lib.JourneyEvent)
        _lib.lib().mkt_journey_event_init(ctypes.byref(ev))
        items = list(properties.items())
        names = (ctypes.c_char_p * len(items))(*[_lib.enc(k) for k, _ in items])
        values = (ctypes.c_char_p * len(items))(*[_lib.enc(v) for _, v in items])
        ev.customer_id, ev.event_type = _lib.enc(customer_id), _lib.enc(event_type)
        ev.at, ev.nproperties = int(at), len(items)
        ev.property_names, ev.property_values = names, values
        self._call("mkt_journey_engine_event_ex", ctypes.byref(ev))

    def enter(self, journey_id, customer_id, at):
        """Enter a customer through the journey's first entry; True if an instance started."""
        entered = ctypes.c_int32(0)
        self._call("mkt_journey_engine_enter", _lib.enc(journey_id), _lib.enc(customer_id),
                   int(at), ctypes.byref(entered))
        return bool(entered.value)

    def enter_due(self, to):
        """Find and start the segment and date entries due up to ``to`` over the ``customers``
        table, firing the timers due in between, and leave the clock at ``to``
        (``mkt_journey_engine_enter_due``): customers who entered a segment since the last
        call, and dates (birthdays) whose entry time falls in the window. Returns how many
        instances started."""
        entered = ctypes.c_uint64(0)
        self._call("mkt_journey_engine_enter_due", int(to), ctypes.byref(entered))
        return entered.value

    def flush(self):
        """Add the counts gathered since the last flush to the store's totals
        (``mkt_journey_engine_flush``); :meth:`advance` and :meth:`close` also do it."""
        self._call("mkt_journey_engine_flush")

    def advance(self, now):
        """Move the clock to ``now`` and fire every due timer; returns how many fired."""
        fired = ctypes.c_uint64(0)
        self._call("mkt_journey_engine_advance", int(now), ctypes.byref(fired))
        return fired.value

    def next_due(self):
        """The due time of the earliest timer, or None."""
        out = ctypes.c_int64(0)
        rc = _lib.lib().mkt_journey_engine_next_due(self._ptr(), ctypes.byref(out))
        return out.value if rc == _lib.MKT_OK else None

    def counts(self, journey_id, node):
        """The :class:`NodeCounts` of ``node`` (an id or an index)."""
        c = _lib.new_struct(_lib.JourneyNodeCounts)
        idx = _node_index(self._journeys, journey_id, node)
        rc = _lib.lib().mkt_journey_engine_counts(self._ptr(), _lib.enc(journey_id), idx,
                                                  ctypes.byref(c))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, f"no node {node} in journey {journey_id}")
        return NodeCounts(c.entered, c.exited, c.waiting, c.converted, c.ended, c.sent,
                          c.failed, c.deferred, c.retried, c.suppressed,
                          {r: n for r, n in enumerate(c.suppressed_by_reason) if n},
                          c.no_field)

    def edge_count(self, journey_id, edge):
        """How many times edge number ``edge`` was taken."""
        out = ctypes.c_uint64(0)
        rc = _lib.lib().mkt_journey_engine_edge_count(self._ptr(), _lib.enc(journey_id),
                                                      int(edge), ctypes.byref(out))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, f"no edge {edge} in journey {journey_id}")
        return out.value

    def instance(self, journey_id, customer_id):
        """The customer's :class:`Instance`, or None if never entered."""
        s = _lib.new_struct(_lib.JourneyInstance)
        try:
            self._call("mkt_journey_engine_instance", _lib.enc(journey_id),
                       _lib.enc(customer_id), ctypes.byref(s))
        except errors.NotFound:
            return None
        return Instance(InstanceState(s.state), s.node, s.entered_at, s.wake_at, s.entries,
                        s.step)
