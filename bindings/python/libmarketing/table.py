# SPDX-License-Identifier: MIT
"""The customer table (data.h): loading CSV files, reading and writing values by column name,
bookings and events, summary figures and currencies.

Values come back as Python types: STRING ``str``, INT and MONEY ``int`` (minor units), NUMBER
``float``, DATE :class:`datetime.date`, TIME aware :class:`datetime.datetime`, BOOL ``bool``,
LIST ``list[str]``, null ``None``.

The as-of fields (doc/fields.md: booking.count_12m, booking.routes_12m, age, event.*_30d...)
are computed by :meth:`Table.set_as_of`; after a load or an added booking, event or customer
they are stale and reading one raises :class:`StateError` until ``set_as_of`` runs again.
"""

import collections
import ctypes
import dataclasses
import datetime
import enum
import typing

from . import _lib, errors, values
from ._handle import ChildHandle


class Type(enum.IntEnum):
    STRING = 1
    INT = 2
    NUMBER = 3
    MONEY = 4
    DATE = 5
    TIME = 6
    BOOL = 7
    LIST = 8  # list of str (booking.routes_12m); only the library makes list columns


class UnknownCustomer(enum.IntEnum):
    AUTO = 0
    ERROR = 1
    CREATE = 2


class BookingStatus(enum.IntEnum):
    CONFIRMED = 1
    CANCELLED = 2


ColumnInfo = collections.namedtuple("ColumnInfo",
                                    "index name type is_custom is_derived null_count")
Currency = collections.namedtuple("Currency", "code bookings amount")


@dataclasses.dataclass
class TableStats:
    customers: int
    customers_with_bookings: int
    bookings: int
    bookings_cancelled: int
    events: int
    first_booking_date: typing.Optional[datetime.date]
    last_booking_date: typing.Optional[datetime.date]
    first_event_time: typing.Optional[datetime.datetime]
    last_event_time: typing.Optional[datetime.datetime]
    currencies: int


@dataclasses.dataclass
class Booking:
    """One booking. Times accept int seconds or datetime; dates accept date or int days."""
    booking_id: str
    customer_id: str
    booking_time: typing.Any
    total_amount: int
    departure_date: typing.Any = None
    origin: typing.Optional[str] = None
    destination: typing.Optional[str] = None
    route: typing.Optional[str] = None
    trip_type: typing.Optional[str] = None
    cabin_class: typing.Optional[str] = None
    fare_class: typing.Optional[str] = None
    channel: typing.Optional[str] = None
    passengers: typing.Optional[int] = None
    status: BookingStatus = BookingStatus.CONFIRMED
    ancillary_amount: typing.Optional[int] = None
    currency: typing.Optional[str] = None
    customer_row: typing.Optional[int] = None  # read only


@dataclasses.dataclass
class Event:
    """One behavioural event (``ts`` as int seconds or datetime)."""
    event_id: str
    customer_id: str
    ts: typing.Any
    type: str
    campaign: typing.Optional[str] = None
    channel: typing.Optional[str] = None
    value: typing.Optional[int] = None
    properties: typing.Optional[str] = None
    customer_row: typing.Optional[int] = None  # read only


_BOOKING_STRINGS = ("booking_id", "customer_id", "origin", "destination", "route", "trip_type",
                    "cabin_class", "fare_class", "channel", "currency")
_EVENT_STRINGS = ("event_id", "customer_id", "type", "campaign", "channel", "properties")


def _names_array(names, keep):
    """A C array of UTF-8 names (kept alive in ``keep``) and its length; (None, 0) for None."""
    if names is None:
        return None, 0
    if isinstance(names, (str, bytes)):
        raise TypeError("expected a list of names, not a single string")
    encoded = [_lib.enc(str(n)) for n in names]
    arr = (ctypes.c_char_p * (len(encoded) + 1))(*encoded)
    keep.append(arr)
    return arr, len(encoded)


def _load_options(separator, unknown_customer, progress, keep, threads=None, columns=None):
    opts = _lib.LoadOptions()
    rc = _lib.lib().mkt_load_options_init(ctypes.byref(opts))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_load_options_init")
    if separator is not None:
        opts.separator = ord(separator) if isinstance(separator, str) else separator
    if unknown_customer is not None:
        opts.unknown_customer = int(unknown_customer)
    if progress is not None:
        opts.progress = progress_trampoline(progress, keep)
    if threads is not None:
        # Checked here too: ctypes would silently wrap a huge int into int32_t.
        if not isinstance(threads, int) or isinstance(threads, bool):
            raise TypeError(f"threads must be an int, not {type(threads).__name__}")
        if not _lib.INT32_MIN <= threads <= _lib.INT32_MAX:
            raise errors.InvalidArgument(f"threads={threads} is out of range", _lib.MKT_EINVAL)
        opts.threads = threads  # negative: the library says MKT_EINVAL
    if columns is not None:
        opts.columns, opts.ncolumns = _names_array(columns, keep)
    return opts


def progress_trampoline(progress, keep):
    """A PROGRESS_FN calling ``progress(done, total, rows)``.

    Returning ``False`` (exactly) or raising aborts the load (:class:`UserAbort`); the
    exception, if any, is appended to ``keep`` so the caller can chain it.
    """
    def tramp(done, total, rows, _data):
        try:
            return 1 if progress(done, total, rows) is False else 0
        except BaseException as exc:  # must not unwind through C
            keep.append(exc)
            return 1
    fn = _lib.PROGRESS_FN(tramp)
    keep.append(fn)
    return fn


class Table(ChildHandle):
    """A columnar customer table (``mkt_table``) on a :class:`Context`."""

    _free_name = "mkt_table_free"

    def __init__(self, ctx):
        super().__init__(ctx, "mkt_table_new")

    # ---- loading ----------------------------------------------------------------------------
    def _load(self, fn_name, path, separator, unknown_customer, progress, threads=None,
              columns=None, fold=None):
        keep = []
        opts = _load_options(separator, unknown_customer, progress, keep, threads, columns)
        args = (_lib.enc(str(path)),) + (fold(keep) if fold is not None else ())
        try:
            self._call(fn_name, *args, ctypes.byref(opts))
        except errors.MarketingError as err:
            cause = next((k for k in keep if isinstance(k, BaseException)), None)
            if cause is not None and err.__cause__ is None:
                if not isinstance(cause, Exception):
                    raise cause from None
                raise err from cause
            raise

    def load_customers(self, path, *, separator=None, unknown_customer=None, progress=None,
                       threads=None, columns=None):
        """Load customers.csv (or .gz). All-or-nothing; errors name file, line and column.

        ``progress(done_bytes, total_bytes, rows)`` is called about every MiB; return
        ``False`` or raise to abort (:class:`UserAbort`, table unchanged). ``threads``: see
        :meth:`load_bookings`. ``columns``: load only these columns (customer_id always), as
        if the file had no others.
        """
        self._load("mkt_table_load_customers", path, separator, unknown_customer, progress,
                   threads, columns)

    def load_bookings(self, path, *, separator=None, unknown_customer=None, progress=None,
                      threads=None):
        """Load bookings.csv (or .gz); see :meth:`load_customers`.

        ``threads`` parse a plain (not gzip) file in parallel: ``None``/0 = one per online
        CPU, 1 = single-threaded, N = at most N; negative is :class:`InvalidArgument`. The
        result, errors included, is the same whatever the value.
        """
        self._load("mkt_table_load_bookings", path, separator, unknown_customer, progress,
                   threads)

    def fold_bookings(self, path, as_of, fields=None, *, separator=None, progress=None,
                      threads=None):
        """Fold bookings.csv (or .gz) into the as-of fields at ``as_of`` without keeping the
        bookings (``mkt_table_fold_bookings``): ``fields`` names the as-of fields to compute
        (None: all but booking.routes_12m); the others get no column. Customers first; the
        table then accepts no loaded bookings and no other as-of date."""
        def extra(keep):
            arr, n = _names_array(fields, keep)
            return values.to_days(as_of), arr, n
        self._load("mkt_table_fold_bookings", path, separator, None, progress, threads,
                   fold=extra)

    def load_events(self, path, *, separator=None, unknown_customer=None, progress=None,
                    threads=None):
        """Load events.csv (or .gz); see :meth:`load_customers` and :meth:`load_bookings`."""
        self._load("mkt_table_load_events", path, separator, unknown_customer, progress,
                   threads)

    # ---- customers --------------------------------------------------------------------------
    def __len__(self):
        return _lib.lib().mkt_table_customer_count(self._ptr())

    customer_count = property(__len__)

    def find(self, customer_id):
        """Row of a customer id (:class:`NotFound`)."""
        raw = _lib.enc(customer_id)
        row = ctypes.c_uint64()
        self._call("mkt_table_find", raw, len(raw), ctypes.byref(row))
        return row.value

    def __contains__(self, customer_id):
        try:
            self.find(customer_id)
        except errors.NotFound:
            return False
        return True

    def customer_id(self, row):
        """The customer id of ``row`` (:class:`NotFound` when out of range)."""
        raw = _lib.lib().mkt_table_customer_id(self._ptr(), row)
        if raw is None:
            raise errors.NotFound(f"row {row} is out of range ({len(self)} rows)",
                                  _lib.MKT_ENOTFOUND)
        return raw.decode("utf-8")

    def add_customer(self, customer_id, exist_ok=False, **values):
        """Append a customer and set ``values`` by column name; returns its row.

        An existing id raises :class:`AlreadyExists` unless ``exist_ok``.
        """
        raw = _lib.enc(customer_id)
        row = ctypes.c_uint64()
        rc = _lib.lib().mkt_table_add_customer(self._ptr(), raw, len(raw), ctypes.byref(row))
        if rc != _lib.MKT_OK and not (rc == _lib.MKT_EEXIST and exist_ok):
            raise errors.from_ctx(self._ctx._handle, rc)
        for name, value in values.items():
            self.set(row.value, name, value)
        return row.value

    # ---- columns ----------------------------------------------------------------------------
    @property
    def column_count(self):
        return _lib.lib().mkt_table_column_count(self._ptr())

    def column(self, name):
        """Index of a column by name (:class:`NotFound`); an int passes through."""
        if isinstance(name, int):
            return name
        idx = ctypes.c_uint32()
        self._call("mkt_table_column_find", _lib.enc(name), ctypes.byref(idx))
        return idx.value

    def column_info(self, column):
        """:class:`ColumnInfo` of a column (name or index)."""
        idx = self.column(column)
        info = _lib.new_struct(_lib.ColumnInfo)
        self._call("mkt_table_column_info", idx, ctypes.byref(info))
        return ColumnInfo(idx, _lib.dec(info.name), Type(info.type), bool(info.is_custom),
                          bool(info.is_derived), info.null_count)

    @property
    def columns(self):
        """Every column, as a list of :class:`ColumnInfo`."""
        return [self.column_info(i) for i in range(self.column_count)]

    def add_column(self, name, type):
        """Add a custom column (all null); returns its index."""
        idx = ctypes.c_uint32()
        self._call("mkt_table_add_column", _lib.enc(name), int(Type(type)), ctypes.byref(idx))
        return idx.value

    # ---- raw typed access (the C functions, one to one) ----------------------------------------
    def get_int(self, row, column):
        """INT/MONEY/DATE/TIME/BOOL value as int (None for null)."""
        out, is_null = ctypes.c_int64(), ctypes.c_int32()
        self._call("mkt_table_get_int", self.column(column), row, ctypes.byref(out),
                   ctypes.byref(is_null))
        return None if is_null.value else out.value

    def get_number(self, row, column):
        """NUMBER (or INT) value as float (None for null)."""
        out, is_null = ctypes.c_double(), ctypes.c_int32()
        self._call("mkt_table_get_number", self.column(column), row, ctypes.byref(out),
                   ctypes.byref(is_null))
        return None if is_null.value else out.value

    def get_string(self, row, column):
        """STRING value (None for null)."""
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        self._call("mkt_table_get_string", self.column(column), row, ctypes.byref(out),
                   ctypes.byref(size))
        if not out.value:
            return None
        return ctypes.string_at(out, size.value).decode("utf-8")

    def get_list(self, row, column):
        """LIST value as a list of str, distinct and in byte order (None for null)."""
        idx = self.column(column)
        count, is_null = ctypes.c_uint32(), ctypes.c_int32()
        self._call("mkt_table_get_list_count", idx, row, ctypes.byref(count),
                   ctypes.byref(is_null))
        if is_null.value:
            return None
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        items = []
        for i in range(count.value):
            self._call("mkt_table_get_list_item", idx, row, i, ctypes.byref(out),
                       ctypes.byref(size))
            items.append(ctypes.string_at(out, size.value).decode("utf-8"))
        return items

    def set_int(self, row, column, value):
        self._call("mkt_table_set_int", self.column(column), row, value)

    def set_number(self, row, column, value):
        self._call("mkt_table_set_number", self.column(column), row, float(value))

    def set_string(self, row, column, value):
        raw = _lib.enc(value)
        self._call("mkt_table_set_string", self.column(column), row, raw, len(raw))

    def set_null(self, row, column):
        self._call("mkt_table_set_null", self.column(column), row)

    # ---- typed access by column name ---------------------------------------------------------
    def _type(self, idx):
        info = _lib.new_struct(_lib.ColumnInfo)
        self._call("mkt_table_column_info", idx, ctypes.byref(info))
        return info.type

    def get(self, row, column):
        """The value at (row, column) as a Python value (see the module docstring)."""
        idx = self.column(column)
        t = self._type(idx)
        if t == Type.STRING:
            return self.get_string(row, idx)
        if t == Type.NUMBER:
            return self.get_number(row, idx)
        if t == Type.LIST:
            return self.get_list(row, idx)
        v = self.get_int(row, idx)
        if v is None:
            return None
        if t == Type.DATE:
            return values.from_days(v)
        if t == Type.TIME:
            return values.from_seconds(v)
        if t == Type.BOOL:
            return bool(v)
        return v

    def set(self, row, column, value):
        """Set (row, column) from a Python value; None sets null."""
        idx = self.column(column)
        if value is None:
            return self.set_null(row, idx)
        t = self._type(idx)
        if t == Type.STRING:
            return self.set_string(row, idx, value)
        if t == Type.NUMBER:
            return self.set_number(row, idx, value)
        if t == Type.DATE:
            return self.set_int(row, idx, values.to_days(value))
        if t == Type.TIME:
            return self.set_int(row, idx, values.to_seconds(value))
        if isinstance(value, float):
            raise TypeError(f"column {column!r} holds integers, not float")
        return self.set_int(row, idx, int(value))

    def row(self, row):
        """Every column of ``row`` as a dict {name: value}."""
        return {c.name: self.get(row, c.index) for c in self.columns}

    # ---- as-of fields -----------------------------------------------------------------------
    def set_as_of(self, as_of):
        """Compute the as-of fields of every customer at ``as_of`` (a :class:`datetime.date`
        or int day number); see doc/fields.md. :class:`RangeError` when D - 12 months or
        D + 1 day falls outside years 1..9999."""
        self._call("mkt_table_set_as_of", values.to_days(as_of))

    @property
    def as_of(self):
        """The date of the last :meth:`set_as_of`, or None if never computed.

        Raises :class:`StateError` when the fields are stale; the exception's ``as_of``
        attribute holds the date they were computed for."""
        out = ctypes.c_int32()
        rc = _lib.lib().mkt_table_as_of(self._ptr(), ctypes.byref(out))
        if rc == _lib.MKT_ENOTFOUND:
            return None
        if rc == _lib.MKT_ESTATE:
            err = errors.from_ctx(self._ctx._handle, rc)
            err.as_of = values.from_days(out.value)
            raise err
        if rc != _lib.MKT_OK:
            raise errors.from_ctx(self._ctx._handle, rc)
        return values.from_days(out.value)

    # ---- bookings ---------------------------------------------------------------------------
    @property
    def booking_count(self):
        return _lib.lib().mkt_table_booking_count(self._ptr())

    def add_booking(self, booking=None, **fields):
        """Append a :class:`Booking` (or its fields as keywords)."""
        b = booking if booking is not None else Booking(**fields)
        c = _lib.new_struct(_lib.Booking)
        for name in _BOOKING_STRINGS:
            setattr(c, name, _lib.enc_opt(getattr(b, name)))
        c.booking_time = values.to_seconds(b.booking_time)
        c.departure_date = (_lib.NULL_DATE if b.departure_date is None
                            else values.to_days(b.departure_date))
        c.passengers = b.passengers or 0
        c.status = int(b.status) if b.status is not None else 0
        c.total_amount = b.total_amount
        c.ancillary_amount = (_lib.NULL_INT64 if b.ancillary_amount is None
                              else b.ancillary_amount)
        self._call("mkt_table_add_booking", ctypes.byref(c))

    def booking(self, index):
        """Booking ``index`` (0-based, load order) as :class:`Booking`."""
        c = _lib.new_struct(_lib.Booking)
        self._call("mkt_table_get_booking", index, ctypes.byref(c))
        kw = {name: _lib.dec(_lib.field(c, name)) for name in _BOOKING_STRINGS}
        dep = _lib.field(c, "departure_date", _lib.NULL_DATE)
        anc = _lib.field(c, "ancillary_amount", _lib.NULL_INT64)
        return Booking(booking_time=values.from_seconds(c.booking_time),
                       total_amount=c.total_amount, departure_date=values.from_days(dep),
                       passengers=c.passengers or None, status=BookingStatus(c.status),
                       ancillary_amount=None if anc == _lib.NULL_INT64 else anc,
                       customer_row=c.customer_row, **kw)

    @property
    def bookings(self):
        """Iterator over every booking."""
        return (self.booking(i) for i in range(self.booking_count))

    # ---- events -----------------------------------------------------------------------------
    @property
    def event_count(self):
        return _lib.lib().mkt_table_event_count(self._ptr())

    def add_event(self, event=None, **fields):
        """Append an :class:`Event` (or its fields as keywords)."""
        e = event if event is not None else Event(**fields)
        c = _lib.new_struct(_lib.Event)
        for name in _EVENT_STRINGS:
            setattr(c, name, _lib.enc_opt(getattr(e, name)))
        c.ts = values.to_seconds(e.ts)
        c.value = _lib.NULL_INT64 if e.value is None else e.value
        self._call("mkt_table_add_event", ctypes.byref(c))

    def event(self, index):
        """Event ``index`` as :class:`Event`."""
        c = _lib.new_struct(_lib.Event)
        self._call("mkt_table_get_event", index, ctypes.byref(c))
        kw = {name: _lib.dec(_lib.field(c, name)) for name in _EVENT_STRINGS}
        return Event(ts=values.from_seconds(c.ts),
                     value=None if c.value == _lib.NULL_INT64 else c.value,
                     customer_row=c.customer_row, **kw)

    @property
    def events(self):
        """Iterator over every event."""
        return (self.event(i) for i in range(self.event_count))

    # ---- summaries --------------------------------------------------------------------------
    def stats(self):
        """:class:`TableStats` (``mkt_table_stats_get``)."""
        s = _lib.new_struct(_lib.TableStats)
        self._call("mkt_table_stats_get", ctypes.byref(s))
        return TableStats(s.customers, s.customers_with_bookings, s.bookings,
                          s.bookings_cancelled, s.events, values.from_days(s.first_booking_date),
                          values.from_days(s.last_booking_date),
                          values.from_seconds(s.first_event_time),
                          values.from_seconds(s.last_event_time), s.currencies)

    def currency(self, index):
        """The ``index``-th distinct booking currency as :class:`Currency`."""
        code, count, amount = ctypes.c_char_p(), ctypes.c_uint64(), ctypes.c_int64()
        self._call("mkt_table_currency", index, ctypes.byref(code), ctypes.byref(count),
                   ctypes.byref(amount))
        return Currency(_lib.dec(code.value), count.value, amount.value)

    def currencies(self):
        """Every distinct booking currency, in order of first appearance."""
        return [self.currency(i) for i in range(self.stats().currencies)]
