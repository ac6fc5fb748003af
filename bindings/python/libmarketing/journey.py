# SPDX-License-Identifier: MIT
"""Journey definitions (journey.h): load an XML definition or build one node by node, with
every load-time check, and read the compiled journey's nodes and edges or draw it as text.

    with mkt.Context() as ctx:
        j = mkt.Journey.load(ctx, "examples/journeys/abandoned-cart.xml",
                             templates=["abandoned-cart-1", ...])
        print(j.show())
        problems = mkt.Journey.validate(ctx, "broken.xml")   # [] when valid

Registries (keyword arguments of every loader, :meth:`JourneyBuilder.finish` and
:meth:`Journey.validate`): ``segments``, ``templates``, ``offers``, ``events`` (lists of known
names; ``None`` skips that check), ``catalog`` (a :class:`Catalog`), ``schema`` (a
:class:`Table` whose columns rules are compiled against), ``now`` (validation time in Unix
seconds) and the limits ``max_nodes``, ``max_depth``, ``max_text``.
"""

import ctypes
import dataclasses
import enum
import typing

from . import _lib, errors
from ._handle import ChildHandle
from .segment import _adopt, _take_text


class NodeType(enum.IntEnum):
    ENTRY = 1
    WAIT = 2
    DECISION = 3
    SPLIT = 4
    ACTION = 5
    GOAL = 6
    EXIT = 7


class EntryKind(enum.IntEnum):
    SEGMENT = 1
    EVENT = 2
    DATE = 3
    MANUAL = 4


class WaitKind(enum.IntEnum):
    DURATION = 1
    TIME = 2
    DATE = 3
    FIELD = 4
    EVENT = 5


class ActionKind(enum.IntEnum):
    SEND = 1
    UPDATE = 2
    TAG_ADD = 3
    TAG_REMOVE = 4
    EMIT = 5


class Port(enum.IntEnum):
    NEXT = 1
    EVENT = 2
    TIMEOUT = 3
    BRANCH = 4
    DEFAULT = 5


class Condition(enum.IntEnum):
    RULE = 1
    SEGMENT = 2
    EVENT = 3


class Reentry(enum.IntEnum):
    NEVER = 1
    ALLOWED = 2


class ZonePolicy(enum.IntEnum):
    CUSTOMER = 1
    FIXED = 2


class Check(enum.IntEnum):
    SYNTAX = 1
    INVALID = 2
    DUPLICATE = 3
    UNKNOWN_NODE = 4
    NO_ENTRY = 5
    UNREACHABLE = 6
    CYCLE = 7
    NO_DEFAULT = 8
    MISSING_EXIT = 9
    NEVER_FIRES = 10
    UNKNOWN_SEGMENT = 11
    UNKNOWN_TEMPLATE = 12
    UNKNOWN_OFFER = 13
    UNKNOWN_EVENT = 14
    RULE = 15
    LIMIT = 16


NONE = 0xFFFFFFFF  # MKT_JOURNEY_NONE


def check_name(check):
    """The static name of a :class:`Check` ("cycle", "unreachable", ...), or None."""
    return _lib.dec(_lib.lib().mkt_journey_check_name(int(check)))


def xml_schema():
    """The RelaxNG schema of journey files (``mkt_journey_xml_schema``)."""
    return _lib.lib().mkt_journey_xml_schema().decode("utf-8")


@dataclasses.dataclass(frozen=True)
class JourneyInfo:
    """Journey-level settings (``mkt_journey_def``); durations in seconds."""
    id: str
    name: str
    description: typing.Optional[str] = None
    reentry: Reentry = Reentry.NEVER
    reentry_after: int = 0
    reentry_max: int = 0
    max_duration: int = 0
    zone_policy: ZonePolicy = ZonePolicy.CUSTOMER
    zone: str = "UTC"
    source: typing.Optional[str] = None
    line: int = 0


@dataclasses.dataclass(frozen=True)
class Node:
    """One node (``mkt_journey_node_def``). ``time_of_day`` is seconds after midnight or -1;
    ``until_date`` a day number or None; ``context`` a tuple of (name, value)."""
    index: int
    type: NodeType
    kind: int
    id: str
    label: typing.Optional[str] = None
    event: typing.Optional[str] = None
    segment: typing.Optional[str] = None
    rule: typing.Optional[str] = None
    field: typing.Optional[str] = None
    value: typing.Optional[str] = None
    delay: int = 0
    time_of_day: int = -1
    yearly: bool = False
    until_date: typing.Optional[int] = None
    channel: int = 0
    template_id: typing.Optional[str] = None
    subject: typing.Optional[str] = None
    offer: typing.Optional[str] = None
    experiment: typing.Optional[str] = None
    context: tuple = ()
    line: int = 0


@dataclasses.dataclass(frozen=True)
class Edge:
    """One edge (``mkt_journey_edge_def``): ``source`` -> ``target`` node indexes."""
    index: int
    source: int
    target: int
    port: Port
    condition: int = 0
    rule: typing.Optional[str] = None
    segment: typing.Optional[str] = None
    event: typing.Optional[str] = None
    since: typing.Optional[str] = None
    negate: bool = False
    weight: float = 0.0
    variant: typing.Optional[str] = None
    line: int = 0


@dataclasses.dataclass(frozen=True)
class Issue:
    """One load-time problem; ``code`` is the status it makes the load return."""
    check: Check
    code: int
    message: str
    node: typing.Optional[str] = None
    source: typing.Optional[str] = None
    line: int = 0
    column: int = 0
    hint: typing.Optional[str] = None

    @property
    def check_name(self):
        return check_name(self.check)

    def __str__(self):
        where = ":".join(str(p) for p in (self.source or "-", self.line or None,
                                          self.column or None) if p is not None)
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}: {self.check_name}: {self.message}{hint}"


def _raise_with_issues(exc, issues):
    """Raise the status's usual exception (ParseError, InvalidArgument, NotFound, TooBig,
    ...) with ``issues``: every problem found."""
    exc.issues = issues
    raise exc


# ---- C structs -----------------------------------------------------------------------------
def _strings(names, keep):
    if names is None:
        return None, 0
    arr = (ctypes.c_char_p * max(len(names), 1))(*[_lib.enc(n) for n in names])
    keep.append(arr)
    return arr, len(names)


def _options(keep, issues_ptr, segments=None, templates=None, offers=None, events=None,
             catalog=None, schema=None, now=None, max_nodes=None, max_depth=None,
             max_text=None):
    o = _lib.new_struct(_lib.JourneyOptions)
    rc = _lib.lib().mkt_journey_options_init(ctypes.byref(o))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_journey_options_init")
    o.segments, o.nsegments = _strings(segments, keep)
    o.templates, o.ntemplates = _strings(templates, keep)
    o.offers, o.noffers = _strings(offers, keep)
    o.events, o.nevents = _strings(events, keep)
    if catalog is not None:
        keep.append(catalog)
        o.catalog = catalog._ptr()
    if schema is not None:
        keep.append(schema)
        o.schema = schema._ptr()
    if now is not None:
        o.now = int(now)
    for name, value in (("max_nodes", max_nodes), ("max_depth", max_depth),
                        ("max_text", max_text)):
        if value is not None:
            setattr(o, name, int(value))
    o.issues = issues_ptr
    return o


def _read_issues(ptr):
    out = []
    lib = _lib.lib()
    for i in range(lib.mkt_journey_issues_count(ptr)):
        s = _lib.new_struct(_lib.JourneyIssue)
        rc = lib.mkt_journey_issues_get(ptr, i, ctypes.byref(s))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_journey_issues_get")
        out.append(Issue(check=Check(s.check), code=s.code, message=_lib.dec(s.message),
                         node=_lib.dec(s.node), source=_lib.dec(s.source), line=s.line,
                         column=s.column, hint=_lib.dec(s.hint)))
    return out


def _with_issues(ctx, fn, registries):
    """Run ``fn(options)`` with a fresh issue list; return (status, issues)."""
    lib = _lib.lib()
    ptr = ctypes.c_void_p()
    ctx._call(lib.mkt_journey_issues_new, ctypes.byref(ptr), ctx._ptr())
    try:
        keep = []
        opts = _options(keep, ptr.value, **registries)
        rc = fn(opts)
        return rc, _read_issues(ptr.value)
    finally:
        lib.mkt_journey_issues_free(ptr.value)


def _load(ctx, call, registries):
    """Make a journey through ``call(out, options) -> status``; raise with the issues."""
    out = ctypes.c_void_p()
    rc, issues = _with_issues(ctx, lambda o: call(ctypes.byref(out), ctypes.byref(o)),
                              registries)
    if rc != _lib.MKT_OK:
        _raise_with_issues(errors.from_ctx(ctx._ptr(), rc), issues)
    return _adopt(Journey, ctx, out.value)


class Journey(ChildHandle):
    """A compiled, immutable journey (``mkt_journey``) owned by a :class:`Context`."""

    xml_schema = staticmethod(xml_schema)

    @classmethod
    def load(cls, ctx, path, **registries):
        """Load an XML file (``mkt_journey_load_xml_file``). On failure the status's
        exception is raised with ``.issues``: every problem found, each with its line."""
        lib = _lib.lib()
        return _load(ctx, lambda out, o: lib.mkt_journey_load_xml_file(
            out, ctx._ptr(), _lib.enc(str(path)), o), registries)

    @classmethod
    def from_xml(cls, ctx, text, *, source=None, **registries):
        """Load XML text (str or bytes) (``mkt_journey_load_xml_memory``)."""
        raw = _lib.enc(text)
        lib = _lib.lib()
        return _load(ctx, lambda out, o: lib.mkt_journey_load_xml_memory(
            out, ctx._ptr(), raw, len(raw), _lib.enc_opt(source), o), registries)

    @classmethod
    def validate(cls, ctx, path=None, *, text=None, source=None, **registries):
        """Every problem of a definition file (or of ``text``) as a list of :class:`Issue`
        ([] when it is valid); I/O errors still raise."""
        lib = _lib.lib()
        out = ctypes.c_void_p()
        if text is not None:
            raw = _lib.enc(text)
            call = lambda o: lib.mkt_journey_load_xml_memory(  # noqa: E731
                ctypes.byref(out), ctx._ptr(), raw, len(raw), _lib.enc_opt(source),
                ctypes.byref(o))
        else:
            call = lambda o: lib.mkt_journey_load_xml_file(  # noqa: E731
                ctypes.byref(out), ctx._ptr(), _lib.enc(str(path)), ctypes.byref(o))
        rc, issues = _with_issues(ctx, call, registries)
        lib.mkt_journey_free(out.value)
        if rc != _lib.MKT_OK and not issues:
            raise errors.from_ctx(ctx._ptr(), rc)
        return issues

    # ---- lifetime: close(), context managers and _ptr() come from ChildHandle ------------------
    _free_name = "mkt_journey_free"

    # ---- reading ----------------------------------------------------------------------------
    @property
    def info(self):
        """The journey-level settings (``mkt_journey_get``)."""
        d = _lib.new_struct(_lib.JourneyDef)
        rc = _lib.lib().mkt_journey_get(self._ptr(), ctypes.byref(d))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_journey_get")
        return JourneyInfo(id=_lib.dec(d.id), name=_lib.dec(d.name),
                           description=_lib.dec(d.description), reentry=Reentry(d.reentry),
                           reentry_after=d.reentry_after, reentry_max=d.reentry_max,
                           max_duration=d.max_duration, zone_policy=ZonePolicy(d.zone_policy),
                           zone=_lib.dec(d.zone), source=_lib.dec(d.source), line=d.line)

    def __len__(self):
        return _lib.lib().mkt_journey_node_count(self._ptr())

    def node(self, key):
        """Node by index or id; :class:`NotFound` / :class:`IndexError`."""
        lib = _lib.lib()
        if isinstance(key, (str, bytes)):
            idx = ctypes.c_uint32()
            rc = lib.mkt_journey_node_find(self._ptr(), _lib.enc(key), ctypes.byref(idx))
            if rc == _lib.MKT_ENOTFOUND:
                raise errors.NotFound(f"no node {key!r} in the journey", rc)
            if rc != _lib.MKT_OK:
                raise errors.from_code(rc, "mkt_journey_node_find")
            key = idx.value
        d = _lib.new_struct(_lib.JourneyNodeDef)
        rc = lib.mkt_journey_node_get(self._ptr(), key, ctypes.byref(d)) if 0 <= key < NONE \
            else _lib.MKT_ENOTFOUND
        if rc == _lib.MKT_ENOTFOUND:
            raise IndexError(f"node index {key} out of range ({len(self)} nodes)")
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_journey_node_get")
        ctxs = tuple((_lib.dec(d.context_keys[i]), _lib.dec(d.context_values[i]))
                     for i in range(d.ncontext))
        t = NodeType(d.type)
        kinds = {NodeType.ENTRY: EntryKind, NodeType.WAIT: WaitKind,
                 NodeType.ACTION: ActionKind}
        return Node(index=key, type=t, kind=kinds[t](d.kind) if t in kinds else d.kind,
                    id=_lib.dec(d.id), label=_lib.dec(d.label), event=_lib.dec(d.event),
                    segment=_lib.dec(d.segment), rule=_lib.dec(d.rule),
                    field=_lib.dec(d.field), value=_lib.dec(d.value), delay=d.delay,
                    time_of_day=d.time_of_day, yearly=bool(d.yearly),
                    until_date=None if d.until_date == _lib.NULL_DATE else d.until_date,
                    channel=d.channel, template_id=_lib.dec(d.template_id),
                    subject=_lib.dec(d.subject), offer=_lib.dec(d.offer),
                    experiment=_lib.dec(d.experiment), context=ctxs, line=d.line)

    @property
    def nodes(self):
        return [self.node(i) for i in range(len(self))]

    def edge(self, index):
        d = _lib.new_struct(_lib.JourneyEdgeDef)
        n = _lib.lib().mkt_journey_edge_count(self._ptr())
        if not 0 <= index < n:
            raise IndexError(f"edge index {index} out of range ({n} edges)")
        rc = _lib.lib().mkt_journey_edge_get(self._ptr(), index, ctypes.byref(d))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_journey_edge_get")
        return Edge(index=index, source=d.from_, target=d.to, port=Port(d.port),
                    condition=d.condition, rule=_lib.dec(d.rule), segment=_lib.dec(d.segment),
                    event=_lib.dec(d.event), since=_lib.dec(d.since), negate=bool(d.negate),
                    weight=d.weight, variant=_lib.dec(d.variant), line=d.line)

    @property
    def edges(self):
        return [self.edge(i) for i in range(_lib.lib().mkt_journey_edge_count(self._ptr()))]

    def edges_of(self, key):
        """The edges leaving a node (index or id), decision branches in rank order."""
        index = self.node(key).index
        first, count = ctypes.c_uint32(), ctypes.c_uint32()
        rc = _lib.lib().mkt_journey_node_edges(self._ptr(), index, ctypes.byref(first),
                                               ctypes.byref(count))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_journey_node_edges")
        return [self.edge(first.value + k) for k in range(count.value)]

    def show(self):
        """The journey drawn as text (``mkt_journey_format``)."""
        out = ctypes.c_void_p()
        self._ctx._call(_lib.lib().mkt_journey_format, self._ptr(), self._ctx._ptr(),
                        ctypes.byref(out))
        return _take_text(out.value)

    def __repr__(self):
        if self._handle is None:
            return "<Journey (closed)>"
        return f"<Journey {self.info.id!r} of {len(self)} nodes>"


class JourneyBuilder(ChildHandle):
    """Build a journey node by node (``mkt_journey_builder``)::

        b = JourneyBuilder(ctx, "welcome", max_duration=30 * 86400)
        e = b.add_node(NodeType.ENTRY, EntryKind.EVENT, "start", event="SIGNUP")
        x = b.add_node(NodeType.EXIT, 0, "end")
        b.connect(e, x, Port.NEXT)
        journey = b.finish(events=["SIGNUP"])
    """

    def __init__(self, ctx, id, *, name=None, description=None, reentry=Reentry.NEVER,
                 reentry_after=0, reentry_max=0, max_duration=0,
                 zone_policy=ZonePolicy.CUSTOMER, zone=None):
        self._ctx = ctx
        self._handle = None
        d = _lib.new_struct(_lib.JourneyDef)
        _check(_lib.lib().mkt_journey_def_init(ctypes.byref(d)), "mkt_journey_def_init")
        d.id, d.name, d.description = _lib.enc(id), _lib.enc_opt(name), _lib.enc_opt(description)
        d.reentry, d.reentry_after, d.reentry_max = int(reentry), reentry_after, reentry_max
        d.max_duration, d.zone_policy, d.zone = max_duration, int(zone_policy), _lib.enc_opt(zone)
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_journey_builder_new, ctypes.byref(out), ctx._ptr(),
                  ctypes.byref(d))
        self._handle = out.value
        ctx._adopt(self)

    _free_name = "mkt_journey_builder_free"

    def _ptr(self):
        if self._handle is None:
            raise errors.StateError("the journey builder is closed", _lib.MKT_ESTATE)
        return self._handle

    def add_node(self, type, kind, id, *, label=None, event=None, segment=None, rule=None,
                 field=None, value=None, delay=0, time_of_day=-1, yearly=False,
                 until_date=None, channel=0, template_id=None, subject=None, offer=None,
                 experiment=None, context=()):
        """Add a node; its index. ``context`` is an iterable of (name, value) pairs."""
        d = _lib.new_struct(_lib.JourneyNodeDef)
        _check(_lib.lib().mkt_journey_node_def_init(ctypes.byref(d)), "mkt_journey_node_def_init")
        d.type, d.kind, d.id, d.label = int(type), int(kind), _lib.enc(id), _lib.enc_opt(label)
        for name, v in (("event", event), ("segment", segment), ("rule", rule),
                        ("field", field), ("value", value), ("template_id", template_id),
                        ("subject", subject), ("offer", offer), ("experiment", experiment)):
            setattr(d, name, _lib.enc_opt(v))
        d.delay, d.time_of_day, d.yearly, d.channel = delay, time_of_day, int(yearly), channel
        if until_date is not None:
            d.until_date = until_date
        pairs = list(context)
        keys = (ctypes.c_char_p * max(len(pairs), 1))(*[_lib.enc(k) for k, _ in pairs])
        vals = (ctypes.c_char_p * max(len(pairs), 1))(*[_lib.enc(v) for _, v in pairs])
        d.context_keys, d.context_values, d.ncontext = keys, vals, len(pairs)
        index = ctypes.c_uint32()
        self._ctx._call(_lib.lib().mkt_journey_builder_add_node, self._ptr(), ctypes.byref(d),
                        ctypes.byref(index))
        return index.value

    def connect(self, source, target, port, *, condition=0, rule=None, segment=None,
                event=None, since=None, negate=False, weight=0.0, variant=None):
        """Add an edge from node index ``source`` to ``target`` through ``port``."""
        d = _lib.new_struct(_lib.JourneyEdgeDef)
        _check(_lib.lib().mkt_journey_edge_def_init(ctypes.byref(d)), "mkt_journey_edge_def_init")
        d.from_, d.to, d.port, d.condition = source, target, int(port), int(condition)
        d.rule, d.segment, d.event = _lib.enc_opt(rule), _lib.enc_opt(segment), _lib.enc_opt(event)
        d.since, d.negate, d.weight = _lib.enc_opt(since), int(negate), float(weight)
        d.variant = _lib.enc_opt(variant)
        self._ctx._call(_lib.lib().mkt_journey_builder_connect, self._ptr(), ctypes.byref(d))

    def finish(self, **registries):
        """Check everything and compile (``mkt_journey_builder_finish``) into a
        :class:`Journey`; on failure the status's exception with ``.issues``."""
        lib = _lib.lib()
        return _load(self._ctx, lambda out, o: lib.mkt_journey_builder_finish(
            self._ptr(), o, out), registries)


def _check(rc, what):
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, what)
