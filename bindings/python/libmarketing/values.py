# SPDX-License-Identifier: MIT
"""Dates, timestamps and money, converted exactly as the library's loaders do (values.h).

Dates are :class:`datetime.date` on the Python side and ``int`` days since 1970-01-01 in C;
timestamps are ``int`` seconds since the epoch (UTC) or aware :class:`datetime.datetime`;
money is ``int`` minor units (cents) with the number of decimals beside it, never a float.
"""

import ctypes
import datetime

from . import _lib, errors

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _check(rc, what):
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, what)


def date_from_ymd(year, month, day):
    """Days since the epoch of a calendar date (``mkt_date_from_ymd``); RangeError if invalid."""
    out = ctypes.c_int32()
    _check(_lib.lib().mkt_date_from_ymd(ctypes.byref(out), year, month, day),
           f"date {year}-{month}-{day}")
    return out.value


def date_to_ymd(days):
    """(year, month, day) of a day number (``mkt_date_to_ymd``)."""
    y, m, d = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
    _lib.lib().mkt_date_to_ymd(days, ctypes.byref(y), ctypes.byref(m), ctypes.byref(d))
    return y.value, m.value, d.value


def to_days(value):
    """A :class:`datetime.date` (or an int day number, passed through) as a day number."""
    if isinstance(value, datetime.datetime):
        raise TypeError("expected a date, not a datetime (use time_to_date)")
    if isinstance(value, datetime.date):
        return date_from_ymd(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected datetime.date or int days, not {type(value).__name__}")


def from_days(days):
    """A day number as :class:`datetime.date` (None for the null marker)."""
    if days is None or days == _lib.NULL_DATE:
        return None
    return datetime.date(*date_to_ymd(days))


def parse_date(text):
    """Parse "YYYY-MM-DD" (``mkt_date_parse``) into a :class:`datetime.date`."""
    raw = _lib.enc(text)
    out = ctypes.c_int32()
    _check(_lib.lib().mkt_date_parse(ctypes.byref(out), raw, len(raw)), f"date {text!r}")
    return from_days(out.value)


def format_date(value):
    """Format a date (or day number) as "YYYY-MM-DD" (``mkt_date_format``)."""
    buf = ctypes.create_string_buffer(_lib.DATE_BUFSZ)
    _check(_lib.lib().mkt_date_format(to_days(value), buf, len(buf)), "format date")
    return buf.value.decode("ascii")


def add_months(value, months):
    """Add calendar months, clamping the day (``mkt_date_add_months``); same type as input."""
    out = ctypes.c_int32()
    _check(_lib.lib().mkt_date_add_months(ctypes.byref(out), to_days(value), months),
           "add months")
    return from_days(out.value) if isinstance(value, datetime.date) else out.value


def to_seconds(value):
    """An aware :class:`datetime.datetime` (naive = UTC), or int seconds, as int seconds."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return (value - _EPOCH) // datetime.timedelta(seconds=1)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected datetime.datetime or int seconds, not {type(value).__name__}")


def from_seconds(seconds):
    """Int seconds as an aware UTC :class:`datetime.datetime` (None for the null marker)."""
    if seconds is None or seconds == _lib.NULL_INT64:
        return None
    return _EPOCH + datetime.timedelta(seconds=seconds)


def parse_time(text):
    """Parse an ISO-8601 timestamp (``mkt_time_parse``) into int seconds since the epoch."""
    raw = _lib.enc(text)
    out = ctypes.c_int64()
    _check(_lib.lib().mkt_time_parse(ctypes.byref(out), raw, len(raw)), f"timestamp {text!r}")
    return out.value


def format_time(value):
    """Format seconds (or a datetime) as "YYYY-MM-DDTHH:MM:SSZ" (``mkt_time_format``)."""
    buf = ctypes.create_string_buffer(_lib.TIME_BUFSZ)
    _check(_lib.lib().mkt_time_format(to_seconds(value), buf, len(buf)), "format timestamp")
    return buf.value.decode("ascii")


def time_to_date(value):
    """The UTC calendar date of a timestamp (``mkt_time_to_date``)."""
    return from_days(_lib.lib().mkt_time_to_date(to_seconds(value)))


def parse_money(text, decimals=2):
    """Parse a decimal amount into int minor units (``mkt_money_parse``); never rounds."""
    raw = _lib.enc(text)
    out = ctypes.c_int64()
    _check(_lib.lib().mkt_money_parse(ctypes.byref(out), raw, len(raw), decimals),
           f"amount {text!r}")
    return out.value


def format_money(minor, decimals=2):
    """Format int minor units with ``decimals`` fraction digits (``mkt_money_format``)."""
    buf = ctypes.create_string_buffer(_lib.MONEY_BUFSZ)
    _check(_lib.lib().mkt_money_format(minor, decimals, buf, len(buf)), "format amount")
    return buf.value.decode("ascii")
