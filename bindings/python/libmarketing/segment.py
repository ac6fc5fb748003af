# SPDX-License-Identifier: MIT
"""Segmentation (segment.h): the rule language, compiled segments, real-time records and
member sets. The language itself is described in doc/rules.md.

A :class:`Rule` is parsed from text (:meth:`Rule.parse`) or built (:meth:`Rule.condition`,
:meth:`Rule.and_`, ...); ``str(rule)`` is its normalized text. :meth:`Segment.compile` checks
it against a table's schema; the segment then evaluates a whole table into :class:`Members`,
one table row, or a host-filled :class:`Record`, with an explanation on request.

Rule values map to Python types: STRING ``str``, INT ``int``, DECIMAL
:class:`decimal.Decimal` (a ``float`` is written with its shortest exact digits), BOOL
``bool``, DATE :class:`datetime.date`, and ``today + N days`` :class:`Today`.

Rules, segments, records and member sets belong to the context they were made with (its
allocator) and are closed with it.
"""

import collections
import ctypes
import dataclasses
import datetime
import decimal
import enum

from . import _lib, errors, values
from ._handle import ChildHandle


class RuleKind(enum.IntEnum):
    AND = 1
    OR = 2
    NOT = 3
    CONDITION = 4
    SEGMENT = 5


class Op(enum.IntEnum):
    EQ = 1
    NE = 2
    LT = 3
    LE = 4
    GT = 5
    GE = 6
    IN = 7
    NOT_IN = 8
    BETWEEN = 9
    NOT_BETWEEN = 10
    CONTAINS = 11
    NOT_CONTAINS = 12
    STARTS_WITH = 13
    NOT_STARTS_WITH = 14
    ENDS_WITH = 15
    NOT_ENDS_WITH = 16
    MATCHES = 17
    NOT_MATCHES = 18
    IS_NULL = 19
    IS_NOT_NULL = 20
    WITHIN_LAST = 21
    WITHIN_NEXT = 22
    ANNIVERSARY_NEXT = 23
    ANNIVERSARY_MONTH = 24


class ValueKind(enum.IntEnum):
    STRING = 1
    INT = 2
    DECIMAL = 3
    BOOL = 4
    TODAY = 5
    DATE = 6


class RuleFlag(enum.IntFlag):
    CI = 1  # compare strings ignoring case (suffix ``ci``)
    CS = 2  # compare exactly even when the compile default ignores case (suffix ``cs``)


@dataclasses.dataclass(frozen=True)
class Today:
    """The literal ``today`` plus ``days`` (``today - 30 days`` is ``Today(-30)``)."""
    days: int = 0


#: The verdict of a segment on one customer and the explanation text (one line per clause).
Explanation = collections.namedtuple("Explanation", "matched text")


def op_name(op):
    """Canonical text of an operator (``mkt_rule_op_name``): ``"not in"``, ``">="``..."""
    raw = _lib.lib().mkt_rule_op_name(int(op))
    if raw is None:
        raise errors.NotFound(f"unknown operator {int(op)}", _lib.MKT_ENOTFOUND)
    return raw.decode("ascii")


def op_from_name(name):
    """The :class:`Op` named by its text or snake_case name (``mkt_rule_op_from_name``)."""
    out = ctypes.c_int32()
    rc = _lib.lib().mkt_rule_op_from_name(_lib.enc(name), ctypes.byref(out))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, f"operator {name!r}")
    return _enum(Op, out.value)


def _enum(cls, value):
    """``cls(value)``, or the plain int for a value newer than this binding (append-only)."""
    try:
        return cls(value)
    except ValueError:
        return value


def _to_op(op):
    return op_from_name(op) if isinstance(op, (str, bytes)) else int(op)  # C checks it


def _adopt(cls, ctx, ptr):
    """Wrap a C object that ``ctx`` just made; the context frees it if the wrapper is not."""
    obj = cls.__new__(cls)
    obj._ctx = ctx
    obj._handle = ptr
    obj._owner = None
    ctx._adopt(obj)
    return obj


def _new(ctx, fn_name, *args):
    """Call a ``mkt_*(void **out, mkt_ctx *ctx, ...)`` constructor; the new pointer."""
    out = ctypes.c_void_p()
    ctx._call(getattr(_lib.lib(), fn_name), ctypes.byref(out), ctx._ptr(), *args)
    return out.value


def _take_text(ptr):
    """A library-allocated NUL-terminated string as str, released with mkt_free()."""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        _lib.lib().mkt_free(ptr)


# ---- literal values ----------------------------------------------------------------------------
def _decimal_text(value):
    if not value.is_finite():
        raise ValueError(f"a rule value must be finite, not {value}")
    return format(value, "f")


def _to_c_value(value, keep):
    """A Python value as mkt_rule_value; byte strings go to ``keep`` (borrowed by C)."""
    v = _lib.new_struct(_lib.RuleValue)
    text = None
    if isinstance(value, Today):
        v.kind, v.integer = ValueKind.TODAY, value.days
    elif isinstance(value, bool):
        v.kind, v.integer = ValueKind.BOOL, int(value)
    elif isinstance(value, int):
        v.kind, v.integer = ValueKind.INT, value
    elif isinstance(value, float):
        v.kind, text = ValueKind.DECIMAL, _decimal_text(decimal.Decimal(repr(value)))
    elif isinstance(value, decimal.Decimal):
        v.kind, text = ValueKind.DECIMAL, _decimal_text(value)
    elif isinstance(value, datetime.datetime):
        v.kind, text = ValueKind.STRING, values.format_time(value)  # exact timestamp literal
    elif isinstance(value, datetime.date):
        v.kind, v.integer = ValueKind.DATE, values.to_days(value)
    elif isinstance(value, (str, bytes)):
        v.kind, text = ValueKind.STRING, value
    else:
        raise TypeError(f"unsupported rule value {value!r} ({type(value).__name__})")
    if text is not None:
        raw = ctypes.create_string_buffer(_lib.enc(text))
        keep.append(raw)
        v.text = ctypes.cast(raw, ctypes.c_void_p)
        v.len = len(raw) - 1
    return v


def _from_c_value(v):
    kind = v.kind
    text = ctypes.string_at(v.text, v.len).decode("utf-8") if v.text else ""
    if kind == ValueKind.STRING:
        return text
    if kind == ValueKind.DECIMAL:
        return decimal.Decimal(text)
    if kind == ValueKind.INT:
        return v.integer
    if kind == ValueKind.BOOL:
        return bool(v.integer)
    if kind == ValueKind.TODAY:
        return Today(v.integer)
    if kind == ValueKind.DATE:
        return values.from_days(v.integer)
    raise errors.InternalError(f"unknown value kind {kind}", _lib.MKT_EINTERNAL)


# ---- rules -------------------------------------------------------------------------------------
class Rule(ChildHandle):
    """An immutable rule syntax tree (``mkt_rule``).

    Rules compare with ``==`` (same structure, fields, operators, flags and values), combine
    with ``&``, ``|`` and ``~`` (new rules on the left operand's context), and print in
    normalized form with ``str()``.
    """

    _free_name = "mkt_rule_free"

    def __init__(self, *_args, **_kw):
        raise TypeError("use Rule.parse(), Rule.condition(), Rule.and_(), ...")

    # ---- making rules -----------------------------------------------------------------------
    @classmethod
    def parse(cls, ctx, text, *, source=None, first_line=None, max_length=None,
              max_depth=None, max_list=None):
        """Parse rule text (``mkt_rule_parse``). A syntax error raises :class:`ParseError`
        with ``line`` and ``column``; a limit :class:`TooBig`."""
        opts = _lib.RuleParseOptions()
        rc = _lib.lib().mkt_rule_parse_options_init(ctypes.byref(opts))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_rule_parse_options_init")
        src = _lib.enc_opt(source)
        opts.source = src
        for name, value in (("first_line", first_line), ("max_length", max_length),
                            ("max_depth", max_depth), ("max_list", max_list)):
            if value is not None:
                setattr(opts, name, value)
        raw = _lib.enc(text)
        return _adopt(cls, ctx, _new(ctx, "mkt_rule_parse", raw, len(raw), ctypes.byref(opts)))

    @classmethod
    def condition(cls, ctx, field, op, *values, flags=0):
        """``field op values`` (``mkt_rule_condition``); ``op`` is an :class:`Op` or its name
        (``"in"``, ``"not_between"``), ``flags`` :class:`RuleFlag` values."""
        keep = []
        vals = [_to_c_value(v, keep) for v in values]
        arr = (_lib.RuleValue * max(len(vals), 1))(*vals)
        return _adopt(cls, ctx, _new(ctx, "mkt_rule_condition", _lib.enc(field), _to_op(op),
                                     arr if vals else None, len(vals), int(flags)))

    @classmethod
    def _group(cls, fn_name, ctx, rules):
        ptrs = [cls._check(r)._ptr() for r in rules]
        arr = (ctypes.c_void_p * max(len(ptrs), 1))(*ptrs)
        return _adopt(cls, ctx, _new(ctx, fn_name, arr, len(ptrs)))

    @classmethod
    def and_(cls, ctx, *rules):
        """``a and b and ...`` of one or more rules (copied; ``mkt_rule_and``)."""
        return cls._group("mkt_rule_and", ctx, rules)

    @classmethod
    def or_(cls, ctx, *rules):
        """``a or b or ...`` of one or more rules (copied; ``mkt_rule_or``)."""
        return cls._group("mkt_rule_or", ctx, rules)

    @classmethod
    def not_(cls, ctx, rule):
        """``not rule`` (copied; ``mkt_rule_not``)."""
        return _adopt(cls, ctx, _new(ctx, "mkt_rule_not", cls._check(rule)._ptr()))

    @classmethod
    def segment_ref(cls, ctx, name):
        """``in segment 'name'`` (``mkt_rule_segment_ref``)."""
        return _adopt(cls, ctx, _new(ctx, "mkt_rule_segment_ref", _lib.enc(name)))

    def copy(self, ctx=None):
        """A deep copy owned by ``ctx`` (default: this rule's context)."""
        ctx = ctx or self._ctx
        return _adopt(Rule, ctx, _new(ctx, "mkt_rule_copy", self._ptr()))

    @staticmethod
    def _check(rule):
        if not isinstance(rule, Rule):
            raise TypeError(f"expected a Rule, not {type(rule).__name__}")
        return rule

    def __and__(self, other):
        return Rule.and_(self._ctx, self, other)

    def __or__(self, other):
        return Rule.or_(self._ctx, self, other)

    def __invert__(self):
        return Rule.not_(self._ctx, self)

    # ---- borrowed views (children, a segment's rule) ----------------------------------------
    @classmethod
    def _view(cls, owner, ptr):
        """A rule living inside ``owner`` (a rule or segment): valid while the owner is open."""
        obj = cls.__new__(cls)
        obj._ctx = owner._ctx
        obj._handle = ptr
        obj._owner = owner
        return obj

    def close(self):
        """Free the rule (a child view only forgets its pointer). Idempotent."""
        if getattr(self, "_owner", None) is not None:
            self._handle = None
            return
        super().close()

    def _ptr(self):
        if self._owner is not None:
            self._owner._ptr()  # StateError once the owner is closed
        return super()._ptr()

    # ---- text and equality ------------------------------------------------------------------
    def format(self):
        """The normalized text (``mkt_rule_format``); parsing it gives an equal rule."""
        out = ctypes.c_void_p()
        self._ctx._call(_lib.lib().mkt_rule_format, self._ptr(), self._ctx._ptr(),
                        ctypes.byref(out))
        return _take_text(out.value)

    def __str__(self):
        return self.format()

    def __repr__(self):
        if self._handle is None:
            return "<Rule (closed)>"
        return f"<Rule {self.format()!r}>"

    def __eq__(self, other):
        if not isinstance(other, Rule):
            return NotImplemented
        if self is other:
            return True
        if self._handle is None or other._handle is None:
            return False  # a closed rule equals only itself (the context's weak set asks)
        return bool(_lib.lib().mkt_rule_equal(self._ptr(), other._ptr()))

    def __hash__(self):
        # Consistent with ==: equal rules agree on these. Cached, since rules are immutable
        # and the context's weak set hashes a rule again after it was closed.
        h = self.__dict__.get("_hash")
        if h is None:
            L, p = _lib.lib(), self._ptr()
            h = self._hash = hash((L.mkt_rule_kind_get(p), L.mkt_rule_field(p),
                                   L.mkt_rule_op_get(p), L.mkt_rule_child_count(p),
                                   L.mkt_rule_value_count(p)))
        return h

    # ---- inspection -------------------------------------------------------------------------
    @property
    def kind(self):
        """The node's :class:`RuleKind`."""
        return _enum(RuleKind, _lib.lib().mkt_rule_kind_get(self._ptr()))

    def child(self, index):
        """Child ``index`` of an AND/OR/NOT node (a view valid while this rule is open)."""
        if index < 0:
            raise IndexError(f"child index {index} is negative")
        ptr = _lib.lib().mkt_rule_child(self._ptr(), index)
        if not ptr:
            raise IndexError(f"child {index} of a rule with {len(self.children)} children")
        return Rule._view(self, ptr)

    @property
    def children(self):
        """The children of an AND/OR/NOT node ([] for a condition or segment reference)."""
        n = _lib.lib().mkt_rule_child_count(self._ptr())
        return [self.child(i) for i in range(n)]

    @property
    def field(self):
        """The field of a condition or the name of a segment reference, else None."""
        return _lib.dec(_lib.lib().mkt_rule_field(self._ptr()))

    @property
    def op(self):
        """The :class:`Op` of a condition, else None."""
        op = _lib.lib().mkt_rule_op_get(self._ptr())
        return _enum(Op, op) if op else None

    @property
    def flags(self):
        """The :class:`RuleFlag` values of a condition."""
        return RuleFlag(_lib.lib().mkt_rule_flags(self._ptr()))

    def value(self, index):
        """Value ``index`` of a condition as a Python value (:class:`NotFound` past the end)."""
        v = _lib.new_struct(_lib.RuleValue)
        rc = _lib.lib().mkt_rule_value_get(self._ptr(), index, ctypes.byref(v))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, f"rule value {index}")
        return _from_c_value(v)

    @property
    def values(self):
        """Every value of a condition."""
        return [self.value(i) for i in range(_lib.lib().mkt_rule_value_count(self._ptr()))]

    def fields(self, resolver=None):
        """The fields this rule reads (``mkt_rule_fields``): each once, in order of first
        appearance, aliases replaced by their fields. ``in segment`` references are followed
        through ``resolver`` (a callable, a mapping or a :class:`~libmarketing.Catalog`), and
        not followed without one."""
        keep = []
        fn, data = _lib.SEGMENT_RESOLVER_FN(), None
        c_resolver = getattr(resolver, "_c_resolver", None)
        if c_resolver is not None:
            fn, data = c_resolver(keep)
        elif resolver is not None:
            fn = _resolver_trampoline(self._ctx, resolver, keep)
        out, n = ctypes.POINTER(ctypes.c_char_p)(), ctypes.c_size_t()
        self._ctx._call(_lib.lib().mkt_rule_fields, self._ptr(), self._ctx._ptr(), fn, data,
                        ctypes.byref(out), ctypes.byref(n))
        try:
            return [out[i].decode("utf-8") for i in range(n.value)]
        finally:
            _lib.lib().mkt_free(out)


# ---- compiled segments -------------------------------------------------------------------------
def _resolver_trampoline(ctx, resolver, keep):
    """A SEGMENT_RESOLVER_FN over ``resolver(name)`` returning a Rule, rule text or None
    (a mapping's ``get`` serves too). The rules are kept in ``keep`` until the compile ends."""
    lookup = resolver if callable(resolver) else resolver.get

    def body(name, out, _ud):
        found = lookup(name.decode("utf-8"))
        if found is None:
            return _lib.MKT_ENOTFOUND
        if isinstance(found, (str, bytes)):
            found = Rule.parse(ctx, found, source=f"segment {name.decode('utf-8')!r}")
        keep.append(Rule._check(found))
        out[0] = found._ptr()
        return _lib.MKT_OK
    fn = _lib.SEGMENT_RESOLVER_FN(ctx._guard(body))
    keep.append(fn)
    return fn


def _segment_options(ctx, keep, *, as_of=None, case_insensitive=None, regex_match_limit=None,
                     regex_depth_limit=None, regex_jit=None, resolver=None, max_nodes=None):
    """The mkt_segment_options of a compile; what C borrows goes to ``keep``.

    ``resolver`` is a callable, a mapping, or a :class:`~libmarketing.Catalog` (resolved in C
    by ``mkt_catalog_resolve``, no Python in the loop)."""
    opts = _lib.SegmentOptions()
    rc = _lib.lib().mkt_segment_options_init(ctypes.byref(opts))
    if rc != _lib.MKT_OK:
        raise errors.from_code(rc, "mkt_segment_options_init")
    if as_of is not None:
        opts.as_of = values.to_days(as_of)
    for name, value in (("case_insensitive", case_insensitive), ("regex_jit", regex_jit)):
        if value is not None:
            setattr(opts, name, 1 if value else 0)
    for name, value in (("regex_match_limit", regex_match_limit),
                        ("regex_depth_limit", regex_depth_limit),
                        ("max_nodes", max_nodes)):
        if value is not None:
            setattr(opts, name, value)
    c_resolver = getattr(resolver, "_c_resolver", None)
    if c_resolver is not None:
        opts.resolver, opts.resolver_data = c_resolver(keep)
    elif resolver is not None:
        opts.resolver = _resolver_trampoline(ctx, resolver, keep)
    return opts


class Segment(ChildHandle):
    """A rule compiled against a table schema (``mkt_segment``); immutable."""

    _free_name = "mkt_segment_free"

    def __init__(self, *_args, **_kw):
        raise TypeError("use Segment.compile()")

    @classmethod
    def compile(cls, ctx, rule, table, *, as_of=None, case_insensitive=None,
                regex_match_limit=None, regex_depth_limit=None, regex_jit=None, resolver=None,
                max_nodes=None):
        """Compile ``rule`` (a :class:`Rule` or rule text) against ``table``'s columns.

        ``as_of`` is ``today`` (a date; default: the table's as-of date, else the clock's).
        ``resolver(name)`` (or a mapping) gives the :class:`Rule` or text of ``in segment``
        references, None if unknown; a :class:`Catalog` resolves them by name or id.
        Errors (unknown field with a "did you mean" hint, a type mismatch...) carry the line
        and column of the offending token."""
        if isinstance(rule, (str, bytes)):
            with Rule.parse(ctx, rule) as parsed:  # the segment keeps its own copy
                return cls.compile(ctx, parsed, table, as_of=as_of,
                                   case_insensitive=case_insensitive,
                                   regex_match_limit=regex_match_limit,
                                   regex_depth_limit=regex_depth_limit, regex_jit=regex_jit,
                                   resolver=resolver, max_nodes=max_nodes)
        keep = []
        opts = _segment_options(ctx, keep, as_of=as_of, case_insensitive=case_insensitive,
                                regex_match_limit=regex_match_limit,
                                regex_depth_limit=regex_depth_limit, regex_jit=regex_jit,
                                resolver=resolver, max_nodes=max_nodes)
        ptr = _new(ctx, "mkt_segment_compile", Rule._check(rule)._ptr(), table._ptr(),
                   ctypes.byref(opts))
        return _adopt(cls, ctx, ptr)

    @property
    def rule(self):
        """The rule the segment was compiled from (a view valid while the segment is open)."""
        return Rule._view(self, _lib.lib().mkt_segment_rule(self._ptr()))

    @property
    def as_of(self):
        """The date ``today`` meant at compile time."""
        return values.from_days(_lib.lib().mkt_segment_as_of(self._ptr()))

    def evaluate(self, table, ctx=None):
        """The rows of ``table`` in the segment, as :class:`Members` on ``ctx`` (default: the
        segment's; pass each thread's own context when evaluating from several)."""
        ctx = ctx or self._ctx
        out = ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_segment_evaluate, self._ptr(), ctx._ptr(), table._ptr(),
                  ctypes.byref(out))
        return _adopt(Members, ctx, out.value)

    def match_row(self, table, row, ctx=None):
        """True if row ``row`` of ``table`` is in the segment."""
        ctx = ctx or self._ctx
        matched = ctypes.c_int32()
        ctx._call(_lib.lib().mkt_segment_match_row, self._ptr(), ctx._ptr(), table._ptr(),
                  row, ctypes.byref(matched))
        return bool(matched.value)

    def explain_row(self, table, row, ctx=None):
        """:class:`Explanation` of the verdict on row ``row`` of ``table``."""
        ctx = ctx or self._ctx
        matched, text = ctypes.c_int32(), ctypes.c_void_p()
        ctx._call(_lib.lib().mkt_segment_explain_row, self._ptr(), ctx._ptr(), table._ptr(),
                  row, ctypes.byref(matched), ctypes.byref(text))
        return Explanation(bool(matched.value), _take_text(text.value))

    def match(self, record):
        """True if the customer in ``record`` is in the segment (never allocates)."""
        matched = ctypes.c_int32()
        record._ctx._call(_lib.lib().mkt_segment_match, self._ptr(), record._ptr(),
                          ctypes.byref(matched))
        return bool(matched.value)

    def explain(self, record):
        """:class:`Explanation` of the verdict on ``record``."""
        matched, text = ctypes.c_int32(), ctypes.c_void_p()
        record._ctx._call(_lib.lib().mkt_segment_explain, self._ptr(), record._ptr(),
                          ctypes.byref(matched), ctypes.byref(text))
        return Explanation(bool(matched.value), _take_text(text.value))


# ---- records -----------------------------------------------------------------------------------
class Record(ChildHandle):
    """One customer's values supplied by the host (``mkt_record``), laid out like ``table``:
    one slot per column, all null at first, set by rule field name (aliases accepted)."""

    _free_name = "mkt_record_free"

    def __init__(self, ctx, table):
        self._ctx = ctx
        self._handle = None
        self._owner = None
        self._handle = _new(ctx, "mkt_record_new", table._ptr())
        ctx._adopt(self)

    def clear(self):
        """Set every slot to null."""
        _lib.lib().mkt_record_clear(self._ptr())

    def set_int(self, field, value):
        """INT, MONEY (minor units), DATE (days), TIME (seconds) or BOOL (0/1) field."""
        self._call("mkt_record_set_int", _lib.enc(field), value)

    def set_number(self, field, value):
        """NUMBER field (or an INT field, if integral)."""
        self._call("mkt_record_set_number", _lib.enc(field), float(value))

    def set_string(self, field, value):
        raw = _lib.enc(value)
        self._call("mkt_record_set_string", _lib.enc(field), raw, len(raw))

    def set_list(self, field, items):
        """LIST field (``booking.routes_12m``) from an iterable of str; ``[]`` is an empty
        list, not null."""
        raw = [_lib.enc(i) for i in items]
        arr = (ctypes.c_char_p * max(len(raw), 1))(*raw)
        lens = (ctypes.c_size_t * max(len(raw), 1))(*(len(r) for r in raw))
        self._call("mkt_record_set_list", _lib.enc(field), arr, lens, len(raw))

    def set_null(self, field):
        self._call("mkt_record_set_null", _lib.enc(field))

    def set(self, field, value):
        """Set a field from a Python value: None, str, bool, int (money in minor units),
        float, :class:`datetime.date`, aware :class:`datetime.datetime`, or a list of str."""
        if value is None:
            self.set_null(field)
        elif isinstance(value, (str, bytes)):
            self.set_string(field, value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            self.set_list(field, value)
        elif isinstance(value, datetime.datetime):
            self.set_int(field, values.to_seconds(value))
        elif isinstance(value, datetime.date):
            self.set_int(field, values.to_days(value))
        elif isinstance(value, float):
            self.set_number(field, value)
        elif isinstance(value, int):
            self.set_int(field, int(value))
        else:
            raise TypeError(f"unsupported value {value!r} for field {field!r}")

    __setitem__ = set

    def update(self, fields=(), **kw):
        """Set several fields from a mapping (or pairs) and keywords."""
        for name, value in dict(fields, **kw).items():
            self.set(name, value)

    def load_row(self, table, row):
        """Copy every value of row ``row`` of ``table`` into the record."""
        self._call("mkt_record_load_row", table._ptr(), row)


# ---- member sets -------------------------------------------------------------------------------
class Members(ChildHandle):
    """A set of table rows (``mkt_members``): ``len``, ``in``, iteration in row order, and
    ``&``, ``|``, ``-``, ``~`` (new sets) or ``&=``, ``|=``, ``-=``, :meth:`invert` (in
    place). Sets combine only when they range over the same number of rows."""

    _free_name = "mkt_members_free"

    def __init__(self, ctx, rows):
        """An empty set over ``rows`` rows."""
        self._ctx = ctx
        self._handle = None
        self._owner = None
        self._handle = _new(ctx, "mkt_members_new", rows)
        ctx._adopt(self)

    @property
    def rows(self):
        """Number of rows the set ranges over."""
        return _lib.lib().mkt_members_rows(self._ptr())

    def __len__(self):
        return _lib.lib().mkt_members_count(self._ptr())

    count = property(__len__)

    def __contains__(self, row):
        if not isinstance(row, int) or row < 0:
            return False
        return bool(_lib.lib().mkt_members_contains(self._ptr(), row))

    def next(self, start=0):
        """The first member at or after ``start``, or None."""
        out = ctypes.c_uint64()
        rc = _lib.lib().mkt_members_next(self._ptr(), start, ctypes.byref(out))
        if rc == _lib.MKT_ENOTFOUND:
            return None
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_members_next")
        return out.value

    def __iter__(self):
        row = self.next(0)
        while row is not None:
            yield row
            row = self.next(row + 1)

    def __repr__(self):
        if self._handle is None:
            return "<Members (closed)>"
        return f"<Members {len(self)} of {self.rows} rows>"

    def set(self, row, member=True):
        """Add (or with ``member=False`` remove) one row; :class:`NotFound` out of range."""
        self._call("mkt_members_set", row, 1 if member else 0)

    def add(self, row):
        self.set(row, True)

    def discard(self, row):
        self.set(row, False)

    def copy(self):
        """An independent copy on the same context."""
        out = ctypes.c_void_p()
        self._ctx._call(_lib.lib().mkt_members_copy, ctypes.byref(out), self._ptr())
        return _adopt(Members, self._ctx, out.value)

    # ---- algebra ----------------------------------------------------------------------------
    def _inplace(self, fn_name, other):
        if not isinstance(other, Members):
            return NotImplemented
        self._call(fn_name, other._ptr())
        return self

    def __iand__(self, other):
        return self._inplace("mkt_members_and", other)

    def __ior__(self, other):
        return self._inplace("mkt_members_or", other)

    def __isub__(self, other):
        return self._inplace("mkt_members_andnot", other)

    def _binary(self, fn_name, other):
        if not isinstance(other, Members):
            return NotImplemented
        out = self.copy()
        try:
            return out._inplace(fn_name, other)
        except BaseException:
            out.close()
            raise

    def __and__(self, other):
        return self._binary("mkt_members_and", other)

    def __or__(self, other):
        return self._binary("mkt_members_or", other)

    def __sub__(self, other):
        return self._binary("mkt_members_andnot", other)

    def invert(self):
        """Complement in place within the set's rows; returns the set."""
        self._call("mkt_members_not")
        return self

    def __invert__(self):
        return self.copy().invert()

    # ---- audiences (audience.h) -------------------------------------------------------------
    def sample(self, table, n, seed=0):
        """A deterministic random sample of ``n`` members (all when ``n`` >= their count), a
        new set over the same rows (``mkt_members_sample``). The sample depends only on
        ``seed`` and the members' customer ids in ``table`` (the table the set was evaluated
        on), not on row order; a smaller ``n`` gives a subset of a larger one's."""
        if n < 0 or not 0 <= seed <= _lib.VERSION_ANY:
            raise errors.InvalidArgument(f"sample n={n} must be >= 0 and seed={seed} a "
                                         "64-bit unsigned int", _lib.MKT_EINVAL)
        n = min(n, _lib.VERSION_ANY)  # past the count means everyone; ctypes would wrap it
        out = ctypes.c_void_p()
        self._ctx._call(_lib.lib().mkt_members_sample, ctypes.byref(out), self._ctx._ptr(),
                        self._ptr(), table._ptr(), n, seed)
        return _adopt(Members, self._ctx, out.value)

    def export_csv(self, table, path, *, gzip=None, gzip_level=None):
        """Write the members' customer ids to ``path`` (``mkt_members_export_csv``): a
        ``customer_id`` header, then the ids sorted by their bytes, written atomically (a
        temporary file renamed over ``path``). ``gzip``: None compresses when the path ends
        in ".gz", True always, False never (or an :class:`ExportGzip`); ``gzip_level`` 1..9.
        :class:`IOFailure` names the path and the reason."""
        from .audience import export_options
        opts = export_options(gzip, gzip_level)
        self._ctx._call(_lib.lib().mkt_members_export_csv, self._ptr(), self._ctx._ptr(),
                        table._ptr(), _lib.enc(str(path)), ctypes.byref(opts))

    def export_csv_fd(self, table, fd, *, gzip=False, gzip_level=None):
        """As :meth:`export_csv` to an open file descriptor or an object with ``fileno()``
        (``mkt_members_export_csv_fd``): not atomic, the descriptor stays open, and gzip only
        when ``gzip`` is True. Flush a Python file object's buffer before and after."""
        from .audience import _int32, export_options
        if not isinstance(fd, int):
            fd = fd.fileno()
        fd = _int32("fd", fd)  # ctypes would wrap a huge one into a valid descriptor
        opts = export_options(gzip, gzip_level)
        self._ctx._call(_lib.lib().mkt_members_export_csv_fd, self._ptr(), self._ctx._ptr(),
                        table._ptr(), fd, ctypes.byref(opts))
