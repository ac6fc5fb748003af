# SPDX-License-Identifier: MIT
"""Segment catalogs (catalog.h): named segment definitions, the predefined segments shipped
with the library, XML definition files (doc/segments.md) and compilation by name.

A :class:`Catalog` iterates over :class:`SegmentDefinition` values in the order added, looks
definitions up by name or id, and compiles one against a table with its ``in segment``
references resolved through the catalog. A catalog is also a resolver:
``Segment.compile(ctx, rule, table, resolver=catalog)``.
"""

import ctypes
import dataclasses
import typing

from . import _lib, errors
from ._handle import ChildHandle
from .segment import Rule, Segment, _adopt, _new, _segment_options


@dataclasses.dataclass(frozen=True)
class SegmentDefinition:
    """One definition of a catalog (``mkt_segment_def``); ``rule`` is normalized text and
    ``reason`` says why an unavailable segment cannot be evaluated yet."""
    index: int
    id: str
    name: str
    category: typing.Optional[str]
    description: typing.Optional[str]
    rule: str
    available: bool
    reason: typing.Optional[str]
    source: typing.Optional[str] = None
    line: int = 0


def _new_def():
    """A mkt_segment_def at its defaults (``mkt_segment_def_init``)."""
    d = _lib.SegmentDef()
    rc = _lib.lib().mkt_segment_def_init(ctypes.byref(d))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_segment_def_init")
    return d


def xml_schema():
    """The RelaxNG schema of segment definition files (``mkt_catalog_xml_schema``)."""
    return _lib.lib().mkt_catalog_xml_schema().decode("utf-8")


class Catalog(ChildHandle):
    """A collection of segment definitions (``mkt_catalog``) on a :class:`Context`.

    ``Catalog(ctx)`` is empty; :meth:`builtin` holds the predefined segments; :meth:`from_xml`
    and :meth:`from_xml_file` read definition files. ``len``, iteration, ``in`` (name or id)
    and ``catalog[index or name or id]`` read it.
    """

    _free_name = "mkt_catalog_free"
    xml_schema = staticmethod(xml_schema)

    def __init__(self, ctx):
        self._owner = None
        super().__init__(ctx, "mkt_catalog_new")

    @classmethod
    def builtin(cls, ctx):
        """The predefined segments of doc/segments.md (some unavailable, with the reason)."""
        return _adopt(cls, ctx, _new(ctx, "mkt_catalog_builtin"))

    @classmethod
    def from_xml(cls, ctx, text, *, source=None):
        """A new catalog holding the definitions of XML ``text`` (str or bytes)."""
        cat = cls(ctx)
        try:
            cat.load_xml_text(text, source=source)
        except BaseException:
            cat.close()
            raise
        return cat

    @classmethod
    def from_xml_file(cls, ctx, path):
        """A new catalog holding the definitions of the XML file at ``path``."""
        cat = cls(ctx)
        try:
            cat.load_xml(path)
        except BaseException:
            cat.close()
            raise
        return cat

    # ---- adding -----------------------------------------------------------------------------
    def load_xml(self, path):
        """Add the definitions of an XML file, validated against the schema; all or nothing.
        :class:`ParseError` (with ``source`` and ``line``), :class:`IOFailure`,
        :class:`AlreadyExists` (duplicate id or name)."""
        self._call("mkt_catalog_load_xml_file", _lib.enc(str(path)))

    def load_xml_text(self, text, *, source=None):
        """As :meth:`load_xml` for XML in memory; ``source`` names it in errors."""
        raw = _lib.enc(text)
        self._call("mkt_catalog_load_xml_memory", raw, len(raw), _lib.enc_opt(source))

    def add(self, id, name, rule, *, category=None, description=None, unavailable=None,
            source=None, line=0):
        """Add one definition (``rule``: text or a :class:`Rule`); its index.
        :class:`AlreadyExists` for a taken id or name, :class:`ParseError` for bad rule text,
        :class:`InvalidArgument` for a bad id."""
        if isinstance(rule, Rule):
            rule = rule.format()
        d = _new_def()
        d.id, d.name, d.rule = _lib.enc(id), _lib.enc(name), _lib.enc(rule)
        d.category, d.description = _lib.enc_opt(category), _lib.enc_opt(description)
        d.unavailable, d.source = _lib.enc_opt(unavailable), _lib.enc_opt(source)
        d.line = line
        self._call("mkt_catalog_add", ctypes.byref(d))
        return len(self) - 1

    # ---- reading ----------------------------------------------------------------------------
    def __len__(self):
        return _lib.lib().mkt_catalog_count(self._ptr())

    def get(self, index):
        """Definition ``index`` (in the order added); :class:`IndexError` out of range."""
        index = self._index(index)
        d = _new_def()
        rc = _lib.lib().mkt_catalog_get(self._ptr(), index, ctypes.byref(d))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_catalog_get")
        reason = _lib.dec(_lib.field(d, "unavailable"))
        return SegmentDefinition(index=index, id=_lib.dec(d.id), name=_lib.dec(d.name),
                                 category=_lib.dec(d.category),
                                 description=_lib.dec(d.description), rule=_lib.dec(d.rule),
                                 available=reason is None, reason=reason,
                                 source=_lib.dec(_lib.field(d, "source")),
                                 line=_lib.field(d, "line", 0))

    def _index(self, index):
        """``index`` (negative from the end) checked against the count: ctypes would wrap
        an index past size_t into range."""
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"index must be an int, not {type(index).__name__}")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"segment index {index} out of range ({n} definitions)")
        return index + n if index < 0 else index

    def index(self, name_or_id):
        """Index of the definition with this name (exact) or id; :class:`NotFound`."""
        out = ctypes.c_size_t()
        rc = _lib.lib().mkt_catalog_find(self._ptr(), _lib.enc(name_or_id), ctypes.byref(out))
        if rc == _lib.MKT_ENOTFOUND:
            raise errors.NotFound(f"no segment named {name_or_id!r} in the catalog", rc)
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_catalog_find")
        return out.value

    def find(self, name_or_id):
        """The definition with this name or id; :class:`NotFound`."""
        return self.get(self.index(name_or_id))

    def __getitem__(self, key):
        return self.get(key) if isinstance(key, int) else self.find(key)

    def __contains__(self, name_or_id):
        if not isinstance(name_or_id, (str, bytes)):
            return False
        try:
            self.index(name_or_id)
        except errors.NotFound:
            return False
        return True

    def __iter__(self):
        for i in range(len(self)):
            yield self.get(i)

    def names(self):
        return [d.name for d in self]

    def __repr__(self):
        if self._handle is None:
            return "<Catalog (closed)>"
        return f"<Catalog of {len(self)} segments>"

    def rule(self, name_or_id):
        """The parsed rule of a definition (index, name or id): a view valid while the
        catalog is open."""
        if isinstance(name_or_id, (str, bytes)):
            index = self.index(name_or_id)
        else:
            index = self._index(name_or_id)
        ptr = _lib.lib().mkt_catalog_rule(self._ptr(), index)
        if not ptr:
            raise errors.InternalError(f"segment {index} has no rule", _lib.MKT_EINTERNAL)
        return Rule._view(self, ptr)

    def resolve(self, name):
        """What ``in segment 'name'`` means through this catalog (``mkt_catalog_resolve``): a
        rule view valid while the catalog is open; :class:`NotFound`."""
        out = ctypes.c_void_p()
        rc = _lib.lib().mkt_catalog_resolve(_lib.enc(name), ctypes.byref(out), self._ptr())
        if rc == _lib.MKT_ENOTFOUND:
            raise errors.NotFound(f"no segment named {name!r} in the catalog", rc)
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_catalog_resolve")
        return Rule._view(self, out.value)

    def _c_resolver(self, keep):
        """(resolver, resolver_data) for mkt_segment_options: the C resolver over this
        catalog; ``keep`` holds the catalog open until the compile returns."""
        keep.append(self)
        fn = ctypes.cast(_lib.lib().mkt_catalog_resolve, _lib.SEGMENT_RESOLVER_FN)
        return fn, self._ptr()

    # ---- compiling --------------------------------------------------------------------------
    def compile(self, name_or_id, table, *, ctx=None, **options):
        """Compile the segment ``name_or_id`` against ``table`` (``mkt_catalog_compile``) on
        ``ctx`` (default: the catalog's), with :meth:`Segment.compile`'s keyword options but
        ``resolver`` (the catalog is the resolver). :class:`NotFound` for an unknown name;
        :class:`Unsupported`, with the reason, for an unavailable segment the table cannot
        serve yet."""
        if "resolver" in options:
            raise TypeError("Catalog.compile() resolves through the catalog; no resolver=")
        ctx = ctx or self._ctx
        keep = []
        opts = _segment_options(ctx, keep, **options)
        ptr = _new(ctx, "mkt_catalog_compile", self._ptr(), _lib.enc(name_or_id),
                   table._ptr(), ctypes.byref(opts))
        return _adopt(Segment, ctx, ptr)
