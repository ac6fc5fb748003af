# SPDX-License-Identifier: MIT
"""Storage: ``ctx.store`` (the context's store, whatever backs it) and :class:`MemoryStore`,
a pure-Python reference implementation of the storage protocol a host may pass to
:class:`~libmarketing.Context`.

The protocol (duck-typed; ``ns`` is ``str``, keys and values ``bytes``):

``get(ns, key)``
    ``(value, version)`` or ``None`` when absent.
``put(ns, key, value, expected_version)``
    returns the new version; raise :class:`Conflict` when the version does not match.
``delete(ns, key, expected_version)``
    raise :class:`NotFound` / :class:`Conflict` as store.h says.
``incr(ns, key, delta, limit)``
    returns the new value; raise :class:`LimitReached` or :class:`WrongType`.
``scan(ns, prefix)``
    iterable of ``(key, value, version)``; the binding filters by prefix and sorts by key.

A :class:`MarketingError` raised by a method is returned to the library as its code; any
other exception becomes ``MKT_EUSER`` and is chained as ``__cause__`` of the error that the
library call raises.
"""

import collections
import ctypes
import threading

from . import _lib, errors

VERSION_ANY = _lib.VERSION_ANY
VERSION_ABSENT = _lib.VERSION_ABSENT
MAX_KEY = _lib.STORE_MAX_KEY

Item = collections.namedtuple("Item", "key value version")


class Store:
    """The context's store (``ctx.store``): mkt_store_get/put/delete/incr/scan."""

    def __init__(self, ctx):
        self._ctx = ctx

    def get(self, ns, key):
        """``Item(key, value, version)``; raises :class:`NotFound` when absent."""
        ctx = self._ctx
        k = _lib.enc(key)
        value, size, version = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_uint64()
        ctx._call(_lib.lib().mkt_store_get, ctx._ptr(), _lib.enc(ns), k, len(k),
                  ctypes.byref(value), ctypes.byref(size), ctypes.byref(version))
        try:
            data = ctypes.string_at(value, size.value) if size.value else b""
        finally:
            _lib.lib().mkt_free(value)
        return Item(k, data, version.value)

    def put(self, ns, key, value, expected_version=VERSION_ANY):
        """Compare-and-set write; returns the new version (:class:`Conflict` on mismatch)."""
        ctx = self._ctx
        k, v = _lib.enc(key), _lib.enc(value)
        new_version = ctypes.c_uint64()
        ctx._call(_lib.lib().mkt_store_put, ctx._ptr(), _lib.enc(ns), k, len(k), v, len(v),
                  expected_version, ctypes.byref(new_version))
        return new_version.value

    def delete(self, ns, key, expected_version=VERSION_ANY):
        """Delete if the version matches (:class:`NotFound`, :class:`Conflict`)."""
        ctx = self._ctx
        k = _lib.enc(key)
        ctx._call(_lib.lib().mkt_store_delete, ctx._ptr(), _lib.enc(ns), k, len(k),
                  expected_version)

    def incr(self, ns, key, delta=1, limit=None):
        """Bounded atomic increment; returns the new value (:class:`LimitReached`).

        ``limit`` defaults to no bound in the direction of ``delta``.
        """
        ctx = self._ctx
        if limit is None:
            limit = _lib.INT64_MAX if delta >= 0 else _lib.INT64_MIN
        k = _lib.enc(key)
        result = ctypes.c_int64()
        ctx._call(_lib.lib().mkt_store_incr, ctx._ptr(), _lib.enc(ns), k, len(k), delta, limit,
                  ctypes.byref(result))
        return result.value

    def scan(self, ns, prefix=b"", visit=None):
        """Keys of ``ns`` starting with ``prefix`` in ascending byte order.

        Without ``visit``, returns a list of :class:`Item`. With ``visit(item)``, calls it
        for each key and stops early when it returns a true value; returns None.
        """
        ctx = self._ctx
        p = _lib.enc(prefix)
        found = []

        def visitor(key, key_len, value, value_len, version, _data):
            try:
                item = Item(ctypes.string_at(key, key_len),
                            ctypes.string_at(value, value_len) if value_len else b"", version)
                if visit is None:
                    found.append(item)
                    return 0
                return 1 if visit(item) else 0
            except BaseException as exc:  # a visitor must never unwind through C
                ctx._pending = exc
                return _lib.MKT_EUSER

        fn = _lib.STORE_VISIT_FN(visitor)
        ctx._call(_lib.lib().mkt_store_scan, ctx._ptr(), _lib.enc(ns), p, len(p), fn, None)
        return found if visit is None else None


class MemoryStore:
    """A thread-safe in-memory store in Python following store.h's contract exactly.

    It exists as a reference for hosts writing their own store, and for tests.
    """

    def __init__(self):
        self._data = {}  # (ns, key) -> [value, version]
        self._lock = threading.Lock()

    @staticmethod
    def _matches(cur, expected):
        if expected == VERSION_ANY:
            return True
        return (cur[1] if cur else VERSION_ABSENT) == expected

    def get(self, ns, key):
        with self._lock:
            cur = self._data.get((ns, key))
            return None if cur is None else (cur[0], cur[1])

    def put(self, ns, key, value, expected_version):
        with self._lock:
            cur = self._data.get((ns, key))
            if not self._matches(cur, expected_version):
                raise errors.Conflict(f"{ns}: version mismatch", errors.Conflict.code)
            version = cur[1] + 1 if cur else 1
            self._data[(ns, key)] = [bytes(value), version]
            return version

    def delete(self, ns, key, expected_version):
        with self._lock:
            cur = self._data.get((ns, key))
            if cur is None:
                if expected_version in (VERSION_ANY, VERSION_ABSENT):
                    raise errors.NotFound(f"{ns}: no such key", errors.NotFound.code)
                raise errors.Conflict(f"{ns}: no such key", errors.Conflict.code)
            if not self._matches(cur, expected_version):
                raise errors.Conflict(f"{ns}: version mismatch", errors.Conflict.code)
            del self._data[(ns, key)]

    def incr(self, ns, key, delta, limit):
        with self._lock:
            cur = self._data.get((ns, key))
            value = 0
            if cur is not None:
                try:
                    value = int(cur[0].decode("ascii"), 10)
                except ValueError:
                    raise errors.WrongType(f"{ns}: not a counter", errors.WrongType.code)
            new = value + delta
            if not _lib.INT64_MIN <= new <= _lib.INT64_MAX:
                raise errors.RangeError(f"{ns}: counter overflow", errors.RangeError.code)
            if (delta >= 0 and new > limit) or (delta < 0 and new < limit):
                raise errors.LimitReached(f"{ns}: limit {limit}", errors.LimitReached.code)
            self._data[(ns, key)] = [str(new).encode("ascii"), cur[1] + 1 if cur else 1]
            return new

    def scan(self, ns, prefix):
        with self._lock:
            items = [(k, v[0], v[1]) for (n, k), v in self._data.items()
                     if n == ns and k.startswith(prefix)]
        items.sort()
        return items
