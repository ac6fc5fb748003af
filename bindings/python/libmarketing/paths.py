# SPDX-License-Identifier: MIT
"""Attribution paths (data.h): loaded from paths.csv or touchpoints.csv, or added by hand."""

import ctypes
import dataclasses
import typing

from . import _lib, errors
from ._handle import ChildHandle
from .table import progress_trampoline


@dataclasses.dataclass
class Path:
    """One path. ``channels`` are names; ``ts`` and ``campaigns`` exist only for paths from
    touchpoints.csv (``None`` otherwise; an empty campaign is ``None`` in the list)."""
    channels: typing.List[str]
    conversions: int
    value: int
    nulls: int
    journey_id: typing.Optional[str] = None
    ts: typing.Optional[typing.List[int]] = None
    campaigns: typing.Optional[typing.List[typing.Optional[str]]] = None
    channel_ids: typing.List[int] = dataclasses.field(default_factory=list)


class Paths(ChildHandle):
    """A set of attribution paths (``mkt_paths``) on a :class:`Context`."""

    _free_name = "mkt_paths_free"

    def __init__(self, ctx):
        super().__init__(ctx, "mkt_paths_new")

    def _options(self, keep, separator, value_decimals, round_values, progress, columns=None):
        opts = _lib.PathsOptions()
        rc = _lib.lib().mkt_paths_options_init(ctypes.byref(opts))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_paths_options_init")
        if separator is not None:
            opts.separator = ord(separator) if isinstance(separator, str) else separator
        if value_decimals is not None:
            opts.value_decimals = value_decimals
        if round_values is not None:
            opts.round_values = 1 if round_values else 0
        for name, value in (columns or {}).items():
            if value is not None:
                raw = _lib.enc(value)
                keep.append(raw)  # the struct holds a borrowed pointer to it
                setattr(opts, name, raw)
        if progress is not None:
            opts.progress = progress_trampoline(progress, keep)
        return opts

    def _load(self, fn_name, file, opts, keep):
        try:
            self._call(fn_name, _lib.enc(str(file)), ctypes.byref(opts))
        except errors.MarketingError as err:
            cause = next((k for k in keep if isinstance(k, BaseException)), None)
            if cause is not None and err.__cause__ is None:
                if not isinstance(cause, Exception):
                    raise cause from None
                raise err from cause
            raise

    def load_paths(self, file, *, separator=None, path_column=None, conversions_column=None,
                   value_column=None, nulls_column=None, value_decimals=None,
                   round_values=None, progress=None):
        """Load an aggregated paths file (``path,conversions,value,nulls``). All-or-nothing."""
        keep = []
        opts = self._options(keep, separator, value_decimals, round_values, progress,
                             {"path_column": path_column,
                              "conversions_column": conversions_column,
                              "value_column": value_column, "nulls_column": nulls_column})
        self._load("mkt_paths_load_paths", file, opts, keep)

    def load_touchpoints(self, file, *, separator=None, value_decimals=None, round_values=None,
                         progress=None):
        """Load touchpoints.csv: one path per journey_id. All-or-nothing."""
        keep = []
        opts = self._options(keep, separator, value_decimals, round_values, progress)
        self._load("mkt_paths_load_touchpoints", file, opts, keep)

    def add(self, channels, conversions=0, value=0, nulls=0):
        """Add an aggregated path of channel names (summed into an equal existing path)."""
        names = [_lib.enc(c) for c in channels]
        arr = (ctypes.c_char_p * max(len(names), 1))(*names)
        self._call("mkt_paths_add", arr, len(names), conversions, value, nulls)

    def add_journey(self, journey_id, channels, ts, campaigns=None, converted=False, value=0):
        """Add one journey (streaming alternative to touchpoints.csv): channel names, touch
        times (seconds, non-decreasing) and optional campaign names (``None`` for none)."""
        n = len(channels)
        if len(ts) != n or (campaigns is not None and len(campaigns) != n):
            raise errors.InvalidArgument("channels, ts and campaigns differ in length",
                                         _lib.MKT_EINVAL)
        names = (ctypes.c_char_p * max(n, 1))(*[_lib.enc(c) for c in channels])
        times = (ctypes.c_int64 * max(n, 1))(*ts)
        camps = None
        if campaigns is not None:
            camps = (ctypes.c_char_p * max(n, 1))(*[_lib.enc_opt(c) for c in campaigns])
        self._call("mkt_paths_add_journey", _lib.enc(journey_id), names, times, camps, n,
                   1 if converted else 0, value)

    def attribute(self, model="linear", **options):
        """Attribute this path set with one model; see :func:`libmarketing.attribute`."""
        from .attribution import attribute
        return attribute(self, model, **options)

    def __len__(self):
        return _lib.lib().mkt_paths_count(self._ptr())

    def get(self, index):
        """Path ``index`` as :class:`Path`."""
        c = _lib.new_struct(_lib.Path)
        self._call("mkt_paths_get", index, ctypes.byref(c))
        n = c.length
        ids = [c.channels[i] for i in range(n)]
        ts = [c.ts[i] for i in range(n)] if c.ts else None
        campaigns = None
        if c.campaigns:
            campaigns = [None if c.campaigns[i] == _lib.UINT32_MAX
                         else self.campaign_name(c.campaigns[i]) for i in range(n)]
        return Path([self.channel_name(i) for i in ids], c.conversions, c.value, c.nulls,
                    _lib.dec(c.journey_id), ts, campaigns, ids)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        return self.get(index)

    def __iter__(self):
        return (self.get(i) for i in range(len(self)))

    @property
    def channel_count(self):
        return _lib.lib().mkt_paths_channel_count(self._ptr())

    def channel_name(self, channel_id):
        """Name of a channel id (:class:`NotFound` when out of range)."""
        raw = _lib.lib().mkt_paths_channel_name(self._ptr(), channel_id)
        if raw is None:
            raise errors.NotFound(f"channel id {channel_id} is out of range",
                                  _lib.MKT_ENOTFOUND)
        return raw.decode("utf-8")

    @property
    def channels(self):
        """Every channel name, by id."""
        return [self.channel_name(i) for i in range(self.channel_count)]

    @property
    def campaign_count(self):
        return _lib.lib().mkt_paths_campaign_count(self._ptr())

    def campaign_name(self, campaign_id):
        """Name of a campaign id (:class:`NotFound` when out of range)."""
        raw = _lib.lib().mkt_paths_campaign_name(self._ptr(), campaign_id)
        if raw is None:
            raise errors.NotFound(f"campaign id {campaign_id} is out of range",
                                  _lib.MKT_ENOTFOUND)
        return raw.decode("utf-8")

    @property
    def campaigns(self):
        """Every campaign name, by id."""
        return [self.campaign_name(i) for i in range(self.campaign_count)]


