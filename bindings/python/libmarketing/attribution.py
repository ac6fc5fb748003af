# SPDX-License-Identifier: MIT
"""Attribution (attribution.h): rule-based models, exact Markov removal effects and Shapley
values over a :class:`~libmarketing.Paths` set. Credits sum exactly to the totals:
conversions in micro-conversions (``conversions_micro``), value in minor units."""

import ctypes
import dataclasses
import enum
import math
import typing

from . import _lib, errors
from ._handle import ChildHandle

MICRO = 1_000_000
MAX_ORDER = 4
MAX_SHAPLEY_EXACT = 22


class Model(enum.IntEnum):
    """Attribution models (``mkt_attr_model``)."""
    FIRST = 1
    LAST = 2
    LAST_NON_DIRECT = 3
    LINEAR = 4
    TIME_DECAY = 5
    POSITION = 6
    W_SHAPED = 7
    CUSTOM = 8
    MARKOV = 9
    SHAPLEY = 10


def model_name(model):
    """The CLI name of a model ("first", ..., "shapley"); ``None`` when unknown."""
    return _lib.dec(_lib.lib().mkt_attr_model_name(int(model)))


def model_from_name(name):
    """The :class:`Model` named ``name`` ("u_shaped" is position); :class:`NotFound`."""
    out = ctypes.c_int32()
    rc = _lib.lib().mkt_attr_model_parse(_lib.enc(name), ctypes.byref(out))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, f"unknown attribution model {name!r}")
    return Model(out.value)


@dataclasses.dataclass
class Credit:
    """Credit of a channel or campaign (``name`` ``None``: touches without a campaign)."""
    name: typing.Optional[str]
    conversions_micro: int
    conversions: float
    value: int
    exact_conversions: float
    removal_effect: typing.Optional[float]  # Markov channels only


@dataclasses.dataclass
class Transition:
    """One entry of the Markov transition matrix (state ids and names)."""
    from_state: int
    to_state: int
    from_name: str
    to_name: str
    count: int
    probability: float


def _credit(c):
    re = None if math.isnan(c.removal_effect) else c.removal_effect
    return Credit(_lib.dec(c.name), c.conversions_micro, c.conversions, c.value,
                  c.exact_conversions, re)


class Attribution(ChildHandle):
    """The result of one model (``mkt_attribution``). It reads names from its path set, which
    must stay open; it is freed with the context at the latest."""

    def __init__(self, paths, handle):
        self._paths = paths
        self._ctx = paths.context
        self._handle = handle
        self._ctx._adopt(self)

    _free_name = "mkt_attribution_free"

    def _ptr(self):
        handle = super()._ptr()
        self._paths._ptr()  # names are borrowed from the path set: it must be open
        return handle

    def _call(self, fn_name, *args):
        return self._ctx._call(getattr(_lib.lib(), fn_name), self._ptr(), *args)

    @property
    def model(self):
        return Model(_lib.lib().mkt_attribution_model(self._ptr()))

    @property
    def totals(self):
        """(conversions, value in minor units) over all paths."""
        conv, value = ctypes.c_int64(), ctypes.c_int64()
        self._call("mkt_attribution_totals", ctypes.byref(conv), ctypes.byref(value))
        return conv.value, value.value

    @property
    def channel_count(self):
        return _lib.lib().mkt_attribution_channel_count(self._ptr())

    def channel(self, channel_id):
        """:class:`Credit` of a channel id of the path set."""
        c = _lib.new_struct(_lib.AttrCredit)
        self._call("mkt_attribution_channel", channel_id, ctypes.byref(c))
        return _credit(c)

    @property
    def channels(self):
        """Every channel's credit, by channel id."""
        return [self.channel(i) for i in range(self.channel_count)]

    def by_channel(self):
        """{channel name: Credit}."""
        return {c.name: c for c in self.channels}

    @property
    def campaign_count(self):
        return _lib.lib().mkt_attribution_campaign_count(self._ptr())

    def campaign(self, index):
        """:class:`Credit` of campaign entry ``index`` (the last: no campaign)."""
        c = _lib.new_struct(_lib.AttrCredit)
        self._call("mkt_attribution_campaign", index, ctypes.byref(c))
        return _credit(c)

    @property
    def campaigns(self):
        return [self.campaign(i) for i in range(self.campaign_count)]

    def touch(self, path, touch):
        """(micro-conversions, value) credited to one touch (needs ``per_touch=True``)."""
        micro, value = ctypes.c_int64(), ctypes.c_int64()
        self._call("mkt_attribution_touch", path, touch, ctypes.byref(micro),
                   ctypes.byref(value))
        return micro.value, value.value

    @property
    def conversion_probability(self):
        """Markov: P(conversion) from the start; ``None`` for other models."""
        p = _lib.lib().mkt_attribution_conversion_probability(self._ptr())
        return None if math.isnan(p) else p

    @property
    def state_count(self):
        return _lib.lib().mkt_attribution_state_count(self._ptr())

    def state_name(self, state):
        raw = _lib.lib().mkt_attribution_state_name(self._ptr(), state)
        if raw is None:
            raise errors.NotFound(f"state {state} is out of range", _lib.MKT_ENOTFOUND)
        return raw.decode("utf-8")

    @property
    def states(self):
        return [self.state_name(i) for i in range(self.state_count)]

    @property
    def transition_count(self):
        return _lib.lib().mkt_attribution_transition_count(self._ptr())

    def transition(self, index):
        t = _lib.new_struct(_lib.AttrTransition)
        self._call("mkt_attribution_transition", index, ctypes.byref(t))
        return Transition(t.from_state, t.to_state, self.state_name(t.from_state),
                          self.state_name(t.to_state), t.count, t.probability)

    @property
    def transitions(self):
        return [self.transition(i) for i in range(self.transition_count)]


def _options(keep, model, order, half_life_days, weights, direct_channel, collapse_repeats,
             shapley_max_exact, per_touch):
    o = _lib.AttrOptions()
    rc = _lib.lib().mkt_attr_options_init(ctypes.byref(o))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_attr_options_init")
    o.model = int(model)
    o.order = order
    o.half_life_days = half_life_days
    if weights is not None:
        arr = (ctypes.c_double * max(len(weights), 1))(*weights)
        keep.append(arr)
        o.weights = ctypes.cast(arr, ctypes.POINTER(ctypes.c_double))
        o.weight_count = len(weights)
    raw = _lib.enc(direct_channel)
    keep.append(raw)
    o.direct_channel = raw
    o.collapse_repeats = 1 if collapse_repeats else 0
    o.shapley_max_exact = shapley_max_exact
    o.per_touch = 1 if per_touch else 0
    return o


def _model_of(m):
    return model_from_name(m) if isinstance(m, str) else Model(m)


def attribute(paths, model=Model.LINEAR, *, order=1, half_life_days=7.0, weights=None,
              direct_channel="direct", collapse_repeats=False, shapley_max_exact=20,
              per_touch=False):
    """Attribute ``paths`` with one model (a :class:`Model` or its name); an
    :class:`Attribution`."""
    keep = []
    o = _options(keep, _model_of(model), order, half_life_days, weights, direct_channel,
                 collapse_repeats, shapley_max_exact, per_touch)
    out = ctypes.c_void_p()
    paths.context._call(_lib.lib().mkt_attribute, ctypes.byref(out), paths._ptr(),
                        ctypes.byref(o))
    return Attribution(paths, out.value)


def attribute_many(paths, models, **options):
    """Several models at once (the rule-based ones share one pass); a list of
    :class:`Attribution` in the order of ``models``. Options as :func:`attribute`."""
    models = [_model_of(m) for m in models]
    keep = []
    defaults = dict(order=1, half_life_days=7.0, weights=None, direct_channel="direct",
                    collapse_repeats=False, shapley_max_exact=20, per_touch=False)
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"unknown options: {sorted(unknown)}")
    defaults.update(options)
    o = _options(keep, Model.LINEAR, **defaults)
    arr = (ctypes.c_int32 * max(len(models), 1))(*[int(m) for m in models])
    out = (ctypes.c_void_p * max(len(models), 1))()
    paths.context._call(_lib.lib().mkt_attribute_many, out, arr, len(models), paths._ptr(),
                        ctypes.byref(o))
    return [Attribution(paths, out[i]) for i in range(len(models))]
