# SPDX-License-Identifier: MIT
"""The exception hierarchy: one :class:`MarketingError` subclass per ``mkt_status`` code.

Every exception carries the status ``code`` and, when a context was involved, the detail of the
context's last error (``message``, ``source``, ``line``, ``column``, ``field``). Subclasses
also derive from the closest built-in exception (``NotFound`` is a ``LookupError``,
``ParseError`` a ``ValueError``...) so that generic handlers keep working.
"""

from . import _lib


class MarketingError(Exception):
    """A libmarketing call failed. ``code`` is the negative ``mkt_status`` value."""

    code = _lib.MKT_EINTERNAL

    def __init__(self, message, code=None, source=None, line=0, column=0, field=None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.field = field

    def __str__(self):
        return self.message


class InvalidArgument(MarketingError, ValueError):
    code = _lib.MKT_EINVAL


class OutOfMemory(MarketingError, MemoryError):
    code = _lib.MKT_ENOMEM


class NotFound(MarketingError, LookupError):
    code = _lib.MKT_ENOTFOUND


class AlreadyExists(MarketingError):
    code = _lib.MKT_EEXIST


class Conflict(MarketingError):
    code = _lib.MKT_ECONFLICT


class LimitReached(MarketingError):
    code = _lib.MKT_ELIMIT


class ParseError(MarketingError, ValueError):
    code = _lib.MKT_EPARSE


class IOFailure(MarketingError):
    code = _lib.MKT_EIO


class UserAbort(MarketingError):
    """A host callback aborted the call; ``__cause__`` holds the callback's exception."""

    code = _lib.MKT_EUSER


class RangeError(MarketingError, ValueError):
    code = _lib.MKT_ERANGE


class TooBig(MarketingError):
    code = _lib.MKT_ETOOBIG


class WrongType(MarketingError, TypeError):
    code = _lib.MKT_ETYPE


class Unsupported(MarketingError):
    code = _lib.MKT_EUNSUPPORTED


class StateError(MarketingError):
    code = _lib.MKT_ESTATE


class InternalError(MarketingError):
    code = _lib.MKT_EINTERNAL


_BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, OutOfMemory, NotFound, AlreadyExists, Conflict, LimitReached, ParseError,
    IOFailure, UserAbort, RangeError, TooBig, WrongType, Unsupported, StateError, InternalError)}


def class_for(code):
    """The exception class for a status code (:class:`MarketingError` for unknown codes)."""
    return _BY_CODE.get(code, MarketingError)


def strerror(code):
    """Static text of a status code (``mkt_strerror``)."""
    return _lib.lib().mkt_strerror(code).decode("utf-8")


def from_code(code, message=None):
    """An exception for a call that has no context (values helpers)."""
    text = strerror(code)
    return class_for(code)(f"{message}: {text}" if message else text, code)


def from_ctx(ctx_ptr, code):
    """An exception from the last error of the C context at ``ctx_ptr``.

    The detail is used only when it belongs to this failure (same code); otherwise the static
    text of the code stands in, so a stale message never describes a new failure.
    """
    err = _lib.lib().mkt_ctx_last_error(ctx_ptr) if ctx_ptr else None
    if err and err.contents.code == code:
        e = err.contents

        def field(name, default):
            # Read only what the library filled in (struct_size), never past it.
            f = getattr(_lib.Error, name)
            return getattr(e, name) if e.struct_size >= f.offset + f.size else default

        message = _lib.dec(field("message", None)) or strerror(code)
        return class_for(code)(message, code, _lib.dec(field("source", None)),
                               field("line", 0), field("column", 0),
                               _lib.dec(field("field", None)))
    return from_code(code)
