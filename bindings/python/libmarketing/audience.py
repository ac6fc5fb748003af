# SPDX-License-Identifier: MIT
"""Audiences (audience.h): include segments joined with AND or OR, minus exclude segments;
deterministic samples of a member set; export of member ids to CSV (optionally gzip).

An audience is an ordinary :class:`Members` set: ``len(members)`` previews its size and the
set algebra applies. :meth:`Members.sample` and :meth:`Members.export_csv` live on the set.
"""

import ctypes
import enum

from . import _lib, errors
from .segment import Members, Segment, _adopt


class AudienceLogic(enum.IntEnum):
    AND = 1  # members of every include segment
    OR = 2   # members of at least one include segment


class ExportGzip(enum.IntEnum):
    AUTO = 0    # gzip when the path ends in ".gz" (never for a descriptor)
    ALWAYS = 1
    NEVER = 2


def _logic(logic):
    if isinstance(logic, str):
        try:
            return AudienceLogic[logic.upper()]
        except KeyError:
            raise errors.InvalidArgument(f"audience logic must be 'and' or 'or', not {logic!r}",
                                         _lib.MKT_EINVAL) from None
    return int(logic)  # C checks the value


def _ptr_array(items, cls, what):
    items = list(items)
    for it in items:
        if not isinstance(it, cls):
            raise TypeError(f"{what}: expected {cls.__name__}, not {type(it).__name__}")
    arr = (ctypes.c_void_p * max(len(items), 1))(*(it._ptr() for it in items))
    return arr, len(items)


def combine_audience(include, exclude=(), logic=AudienceLogic.AND, *, ctx=None):
    """The members of the ``include`` sets joined with ``logic`` minus those of any
    ``exclude`` set (``mkt_audience_combine``), a new :class:`Members` on ``ctx`` (default:
    the first include set's). All sets must range over the same rows
    (:class:`InvalidArgument`)."""
    inc, ninc = _ptr_array(include, Members, "include")
    exc, nexc = _ptr_array(exclude, Members, "exclude")
    if ctx is None:
        if not ninc:
            raise errors.InvalidArgument("an audience needs at least one include set",
                                         _lib.MKT_EINVAL)
        ctx = list(include)[0]._ctx
    out = ctypes.c_void_p()
    ctx._call(_lib.lib().mkt_audience_combine, ctypes.byref(out), ctx._ptr(), inc, ninc,
              _logic(logic), exc if nexc else None, nexc)
    return _adopt(Members, ctx, out.value)


class Audience:
    """Include segments (all of them with ``logic="and"``, any with ``"or"``) minus exclude
    segments. Holds the :class:`Segment` objects (not copies); evaluate with
    :meth:`evaluate`. ``include`` and ``exclude`` are lists the caller may change."""

    def __init__(self, include=(), exclude=(), logic=AudienceLogic.AND):
        self.include = list(include)
        self.exclude = list(exclude)
        self.logic = logic

    def __repr__(self):
        return (f"<Audience {len(self.include)} include ({_logic_name(self.logic)}), "
                f"{len(self.exclude)} exclude>")

    def evaluate(self, table, *, ctx=None):
        """The audience's rows of ``table`` (``mkt_audience_evaluate``), as :class:`Members`
        on ``ctx`` (default: the first include segment's)."""
        inc, ninc = _ptr_array(self.include, Segment, "include")
        exc, nexc = _ptr_array(self.exclude, Segment, "exclude")
        if ctx is None:
            if not ninc:
                raise errors.InvalidArgument("an audience needs at least one include segment",
                                             _lib.MKT_EINVAL)
            ctx = self.include[0]._ctx
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_audience_evaluate, ctypes.byref(out), ctx._ptr(),
                  table._ptr(), inc, ninc, _logic(self.logic), exc if nexc else None, nexc)
        return _adopt(Members, ctx, out.value)

    combine = staticmethod(combine_audience)


def _logic_name(logic):
    try:
        return AudienceLogic(_logic(logic)).name.lower()
    except (ValueError, errors.MarketingError):
        return repr(logic)


def export_options(gzip=None, gzip_level=None):
    """mkt_export_options from ``gzip`` (None: by the path's ".gz", True/False, or an
    :class:`ExportGzip`) and ``gzip_level`` (1..9, default 6)."""
    opts = _lib.ExportOptions()
    rc = _lib.lib().mkt_export_options_init(ctypes.byref(opts))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_export_options_init")
    if isinstance(gzip, bool):
        opts.gzip = ExportGzip.ALWAYS if gzip else ExportGzip.NEVER
    elif gzip is not None:
        opts.gzip = _int32("gzip", gzip)  # C checks the value
    if gzip_level is not None:
        opts.gzip_level = _int32("gzip_level", gzip_level)  # C checks 1..9
    return opts


def _int32(name, value):
    """``int(value)`` if it fits an int32_t (ctypes would wrap it silently)."""
    value = int(value)
    if not _lib.INT32_MIN <= value <= _lib.INT32_MAX:
        raise errors.InvalidArgument(f"{name}={value} is out of range", _lib.MKT_EINVAL)
    return value
