# SPDX-License-Identifier: MIT
"""RFM scoring and lifecycle stages (rfm.h, lifecycle.h).

:meth:`Rfm.compute` scores every customer of a :class:`Table` with confirmed bookings in the
window; :func:`score_facts` scores facts from anywhere; :class:`ExchangeRates` converts mixed
currencies exactly. :meth:`Lifecycle.compute` gives every customer one lifecycle stage. Both
results can be written into the table (``rfm.*``, ``lifecycle.stage``) for segment rules.
See doc/rfm.md for the definitions.
"""

import collections
import ctypes
import enum

from . import _lib, errors, values
from ._handle import ChildHandle
from .table import _load_options


class Scoring(enum.IntEnum):
    FIXED = 1  # the seed's thresholds (configurable)
    NTILE = 2  # SQL NTILE(buckets) OVER (ORDER BY ..., customer_id)


class RfmSegment(enum.IntEnum):
    NONE = 0
    CHAMPIONS = 1
    LOYAL_CUSTOMERS = 2
    POTENTIAL_LOYALISTS = 3
    RECENT_CUSTOMERS = 4
    PROMISING = 5
    NEEDS_ATTENTION = 6
    ABOUT_TO_SLEEP = 7
    AT_RISK = 8
    CANT_LOSE_THEM = 9
    HIBERNATING = 10
    LOST = 11


class LifecycleStage(enum.IntEnum):
    PROSPECT = 1
    NEW = 2
    ACTIVE = 3
    ENGAGED = 4
    AT_RISK = 5
    CHURNED = 6
    REACTIVATED = 7


#: Facts of one customer for :func:`score_facts`.
RfmFacts = collections.namedtuple("RfmFacts", "customer_id recency frequency monetary")
#: Scores of one customer: r, f, m (1..buckets), code (e.g. 545), segment (:class:`RfmSegment`).
RfmScore = collections.namedtuple("RfmScore", "r f m code segment")
#: One row of an :class:`Rfm` result (monetary in minor units; monetary_percentile is
#: 100 * PERCENT_RANK() OVER (ORDER BY monetary)).
RfmRow = collections.namedtuple(
    "RfmRow", "customer_id customer_row recency frequency monetary r f m code segment "
              "monetary_percentile")
#: Summary of one segment: averages are floats, total_monetary exact minor units.
RfmSummary = collections.namedtuple(
    "RfmSummary", "segment customers share avg_recency avg_frequency avg_monetary "
                  "total_monetary")
#: One row of a :class:`Lifecycle` result (dates as :class:`datetime.date` or None).
LifecycleRow = collections.namedtuple(
    "LifecycleRow", "customer_id customer_row stage first_date last_date count_90 count_180")


def _enum(cls, value):
    try:
        return cls(value)
    except ValueError:  # newer library, append-only enum
        return value


def segment_name(segment):
    """Display name of a segment ("Champions", ...; "" for NONE) (``mkt_rfm_segment_name``)."""
    raw = _lib.lib().mkt_rfm_segment_name(int(segment))
    if raw is None:
        raise errors.NotFound(f"no RFM segment {int(segment)}", _lib.MKT_ENOTFOUND)
    return raw.decode("utf-8")


def segment_from_name(name):
    """The :class:`RfmSegment` of a display name (``mkt_rfm_segment_from_name``)."""
    out = ctypes.c_int32()
    rc = _lib.lib().mkt_rfm_segment_from_name(_lib.enc(name), ctypes.byref(out))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, f"RFM segment {name!r}")
    return _enum(RfmSegment, out.value)


def default_segment(r, f, m):
    """The built-in segment of code r-f-m, each 1..5 (``mkt_rfm_default_segment``)."""
    out = ctypes.c_int32()
    rc = _lib.lib().mkt_rfm_default_segment(int(r), int(f), int(m), ctypes.byref(out))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, f"RFM code {r}{f}{m}")
    return _enum(RfmSegment, out.value)


def _options(*, as_of=None, window_months=None, scoring=None, buckets=None, recency_days=None,
             frequency_min=None, monetary_max=None, segment_map=None, fx=None, keep=None):
    o = _lib.new_struct(_lib.RfmOptions)
    rc = _lib.lib().mkt_rfm_options_init(ctypes.byref(o))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_rfm_options_init")
    if as_of is not None:
        o.as_of = values.to_days(as_of)
    if window_months is not None:
        o.window_months = int(window_months)
    if scoring is not None:
        o.scoring = Scoring[scoring.upper()] if isinstance(scoring, str) else int(scoring)
    if buckets is not None:
        o.buckets = int(buckets)
    for name, arr in (("recency_days", recency_days), ("frequency_min", frequency_min),
                      ("monetary_max", monetary_max)):
        if arr is not None:
            arr = [int(v) for v in arr]
            if len(arr) != 4:
                raise errors.InvalidArgument(f"{name} needs 4 values", _lib.MKT_EINVAL)
            getattr(o, name)[:] = arr
    if segment_map is not None:
        segment_map = [int(v) for v in segment_map]
        if len(segment_map) != 125:
            raise errors.InvalidArgument("segment_map needs 125 values", _lib.MKT_EINVAL)
        arr = (ctypes.c_int32 * 125)(*segment_map)
        keep.append(arr)
        o.segment_map = ctypes.cast(arr, ctypes.POINTER(ctypes.c_int32))
    if fx is not None:
        o.fx = fx._ptr()
    return o


def score_facts(ctx, facts, **options):
    """Score a sequence of :class:`RfmFacts` (or 4-tuples) with ``mkt_rfm_score_facts``;
    returns a list of :class:`RfmScore` in input order. ``options`` as :meth:`Rfm.compute`
    (as_of, window_months and fx are not used)."""
    facts = list(facts)
    n = len(facts)
    keep = []
    arr = (_lib.RfmFacts * max(n, 1))()
    for i, fct in enumerate(facts):
        cid, rec, freq, mon = fct
        raw = _lib.enc(cid)
        buf = ctypes.create_string_buffer(raw, len(raw))
        keep.append(buf)
        arr[i] = _lib.RfmFacts(ctypes.cast(buf, ctypes.c_void_p), len(raw), int(rec), int(freq),
                               int(mon))
    out = (_lib.RfmScore * max(n, 1))()
    opts = _options(keep=keep, **options)
    ctx._call(_lib.lib().mkt_rfm_score_facts, ctx._ptr(), arr if n else None, n,
              ctypes.byref(opts), out if n else None)
    return [RfmScore(s.r, s.f, s.m, s.code, _enum(RfmSegment, s.segment)) for s in out[:n]]


class ExchangeRates(ChildHandle):
    """Rates to one base currency (``mkt_rfm_fx``): exact decimals, at most 9 fraction
    digits; the base currency needs a rate too (usually "1")."""

    _free_name = "mkt_rfm_fx_free"

    def __init__(self, ctx, rates=None):
        super().__init__(ctx, "mkt_rfm_fx_new")
        for code, rate in (rates or {}).items():
            self.add(code, rate)

    def add(self, currency, rate):
        """Add or replace a rate; ``rate`` is a str or :class:`decimal.Decimal` ("0.9134")."""
        self._call("mkt_rfm_fx_add", _lib.enc(currency), _lib.enc(str(rate)))

    def load(self, path):
        """Add the rates of a CSV file ``currency,rate_to_base`` (all-or-nothing)."""
        self._call("mkt_rfm_fx_load", _lib.enc(str(path)))

    def __len__(self):
        return _lib.lib().mkt_rfm_fx_count(self._ptr())

    def convert(self, currency, amount):
        """``amount`` minor units of ``currency`` in base minor units, rounded half to even."""
        out = ctypes.c_int64()
        self._call("mkt_rfm_fx_convert", _lib.enc(currency), int(amount), ctypes.byref(out))
        return out.value


def _row_or_none(row):
    """A table row, or None for UINT64_MAX (a result computed from a file)."""
    return None if row == 2**64 - 1 else row


def _adopt(cls, ctx, ptr):
    obj = cls.__new__(cls)
    obj._ctx = ctx
    obj._handle = ptr
    ctx._adopt(obj)
    return obj


class Rfm(ChildHandle):
    """An RFM result (``mkt_rfm``): rows sorted by customer id. ``len``, indexing and
    iteration give :class:`RfmRow`; :meth:`summary` per segment; :meth:`apply` writes the
    ``rfm.*`` columns into a table."""

    _free_name = "mkt_rfm_free"

    def __init__(self, *_args, **_kw):
        raise TypeError("use Rfm.compute()")

    @classmethod
    def compute(cls, ctx, table, *, as_of=None, window_months=None, scoring=None, buckets=None,
                recency_days=None, frequency_min=None, monetary_max=None, segment_map=None,
                fx=None):
        """Score the customers of ``table`` (``mkt_rfm_compute``). ``as_of`` defaults to
        today (UTC), ``window_months`` to 12, ``scoring`` to NTILE ("ntile"/"fixed" or
        :class:`Scoring`), ``buckets`` to 5; thresholds are 4-value lists; ``segment_map``
        125 segment values; ``fx`` an :class:`ExchangeRates`."""
        keep = []
        opts = _options(as_of=as_of, window_months=window_months, scoring=scoring,
                        buckets=buckets, recency_days=recency_days, frequency_min=frequency_min,
                        monetary_max=monetary_max, segment_map=segment_map, fx=fx, keep=keep)
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_rfm_compute, ctypes.byref(out), ctx._ptr(), table._ptr(),
                  ctypes.byref(opts))
        return _adopt(cls, ctx, out.value)

    @classmethod
    def compute_file(cls, ctx, path, *, separator=None, threads=None, progress=None, **options):
        """Score the customers of bookings.csv (or .gz) at ``path`` without loading it
        (``mkt_rfm_compute_file``): every record is checked as a load checks it; memory
        follows the customers. ``options`` as for :meth:`compute`; rows have
        ``customer_row`` None (no table)."""
        keep = []
        opts = _options(keep=keep, **options)
        load = _load_options(separator, None, progress, keep, threads)
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_rfm_compute_file, ctypes.byref(out), ctx._ptr(),
                  _lib.enc(str(path)), ctypes.byref(opts), ctypes.byref(load))
        return _adopt(cls, ctx, out.value)

    def __len__(self):
        return _lib.lib().mkt_rfm_count(self._ptr())

    @property
    def as_of(self):
        return values.from_days(_lib.lib().mkt_rfm_as_of(self._ptr()))

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        row = _lib.new_struct(_lib.RfmRow)
        self._call("mkt_rfm_get", int(index), ctypes.byref(row))
        cid = ctypes.string_at(row.customer_id, row.id_len).decode("utf-8")
        return RfmRow(cid, _row_or_none(row.customer_row), row.recency, row.frequency,
                      row.monetary, row.r,
                      row.f, row.m, row.code, _enum(RfmSegment, row.segment),
                      _lib.field(row, "monetary_percentile", 0.0))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def find(self, customer_id):
        """Index of a customer's row (:class:`NotFound` when not scored)."""
        raw = _lib.enc(customer_id)
        out = ctypes.c_uint64()
        self._call("mkt_rfm_find", raw, len(raw), ctypes.byref(out))
        return out.value

    def get(self, customer_id):
        """The :class:`RfmRow` of a customer, or None when not scored."""
        try:
            return self[self.find(customer_id)]
        except errors.NotFound:
            return None

    def summary(self, segment):
        """:class:`RfmSummary` of one segment (0 = customers without a named segment)."""
        s = _lib.new_struct(_lib.RfmSummary)
        self._call("mkt_rfm_summary_get", int(segment), ctypes.byref(s))
        return RfmSummary(_enum(RfmSegment, s.segment), s.customers, s.share, s.avg_recency,
                          s.avg_frequency, s.avg_monetary, s.total_monetary)

    def summaries(self):
        """The summaries of the 11 named segments, in enum order."""
        return [self.summary(s) for s in range(1, 12)]

    def apply(self, table):
        """Write rfm.recency, rfm.frequency, rfm.monetary, rfm.r/f/m, rfm.code, rfm.segment
        and rfm.monetary_percentile into ``table`` (``mkt_rfm_apply``)."""
        self._ctx._call(_lib.lib().mkt_rfm_apply, table._ptr(), self._ptr())


def lifecycle_stage_name(stage):
    """Display name of a stage ("Prospect", "New", ..., "At-Risk", ...)."""
    raw = _lib.lib().mkt_lifecycle_stage_name(int(stage))
    if raw is None:
        raise errors.NotFound(f"no lifecycle stage {int(stage)}", _lib.MKT_ENOTFOUND)
    return raw.decode("utf-8")


def lifecycle_stage_of(as_of, *, first_date=None, last_date=None, count_90=0, count_180=0,
                       last_before_90=None, first_within_90=None):
    """The :class:`LifecycleStage` of a customer's facts at ``as_of``
    (``mkt_lifecycle_stage_of``); dates are :class:`datetime.date` or None."""
    f = _lib.new_struct(_lib.LifecycleFacts)
    rc = _lib.lib().mkt_lifecycle_facts_init(ctypes.byref(f))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_lifecycle_facts_init")

    def day(v):
        return _lib.NULL_DATE if v is None else values.to_days(v)

    f.first_date, f.last_date = day(first_date), day(last_date)
    f.last_before_90, f.first_within_90 = day(last_before_90), day(first_within_90)
    f.count_90, f.count_180 = int(count_90), int(count_180)
    out = ctypes.c_int32()
    rc = _lib.lib().mkt_lifecycle_stage_of(ctypes.byref(f), values.to_days(as_of),
                                           ctypes.byref(out))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "inconsistent lifecycle facts")
    return _enum(LifecycleStage, out.value)


class Lifecycle(ChildHandle):
    """A lifecycle result (``mkt_lifecycle``): every customer of the table, sorted by id,
    with one :class:`LifecycleStage`."""

    _free_name = "mkt_lifecycle_free"

    def __init__(self, *_args, **_kw):
        raise TypeError("use Lifecycle.compute()")

    @classmethod
    def compute(cls, ctx, table, as_of=None):
        """Stages at ``as_of`` (default today, UTC) (``mkt_lifecycle_compute``)."""
        out = ctypes.c_void_p()
        d = _lib.NULL_DATE if as_of is None else values.to_days(as_of)
        ctx._call(_lib.lib().mkt_lifecycle_compute, ctypes.byref(out), ctx._ptr(),
                  table._ptr(), d)
        return _adopt(cls, ctx, out.value)

    @classmethod
    def compute_file(cls, ctx, path, as_of=None, *, separator=None, threads=None,
                     progress=None):
        """Stages of every customer of bookings.csv (or .gz) at ``path`` without loading it
        (``mkt_lifecycle_compute_file``); rows have ``customer_row`` None (no table)."""
        keep = []
        load = _load_options(separator, None, progress, keep, threads)
        out = ctypes.c_void_p()
        d = _lib.NULL_DATE if as_of is None else values.to_days(as_of)
        ctx._call(_lib.lib().mkt_lifecycle_compute_file, ctypes.byref(out), ctx._ptr(),
                  _lib.enc(str(path)), d, ctypes.byref(load))
        return _adopt(cls, ctx, out.value)

    def __len__(self):
        return _lib.lib().mkt_lifecycle_count(self._ptr())

    @property
    def as_of(self):
        return values.from_days(_lib.lib().mkt_lifecycle_as_of(self._ptr()))

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        row = _lib.new_struct(_lib.LifecycleRow)
        self._call("mkt_lifecycle_get", int(index), ctypes.byref(row))
        cid = ctypes.string_at(row.customer_id, row.id_len).decode("utf-8")
        return LifecycleRow(cid, _row_or_none(row.customer_row),
                            _enum(LifecycleStage, row.stage),
                            values.from_days(row.first_date), values.from_days(row.last_date),
                            row.count_90, row.count_180)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def stage_count(self, stage):
        """Number of customers in ``stage``."""
        out = ctypes.c_uint64()
        self._call("mkt_lifecycle_stage_count", int(stage), ctypes.byref(out))
        return out.value

    def counts(self):
        """{:class:`LifecycleStage`: customers} for every stage."""
        return {s: self.stage_count(s) for s in LifecycleStage}

    def apply(self, table):
        """Write the ``lifecycle.stage`` column into ``table`` (``mkt_lifecycle_apply``)."""
        self._ctx._call(_lib.lib().mkt_lifecycle_apply, table._ptr(), self._ptr())
