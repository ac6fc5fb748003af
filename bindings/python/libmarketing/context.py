# SPDX-License-Identifier: MIT
"""The library context (ctx.h) and the host callbacks (host.h) written in Python.

Each callback is a ctypes trampoline that never lets a Python exception unwind through C: the
exception is kept on the context, the library sees ``MKT_EUSER`` (or the code of a
:class:`MarketingError`), and the error raised by the library call names the callback's
exception as its ``__cause__``.
"""

import collections
import ctypes
import weakref

from . import _lib, errors, values
from .store import Store

LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR = 10, 20, 30, 40

CHANNEL_EMAIL, CHANNEL_SMS, CHANNEL_PUSH, CHANNEL_IN_APP, CHANNEL_WEB, CHANNEL_SOCIAL = range(1, 7)

AuditEntry = collections.namedtuple("AuditEntry", "ts action actor subject detail")
AuditEntry.__doc__ = "An audit record given to the ``audit`` callback (ts in int seconds)."

Message = collections.namedtuple(
    "Message", "channel customer_id recipient subject body body_text headers campaign_id "
               "variant_id journey_id idempotency_key template_id node_id entry step "
               "context_json at")
Message.__doc__ = ("A message given to the ``send`` callback: strings or None, except the "
                   "ints ``channel``, ``entry`` and ``step`` (a journey send's instance entry "
                   "and step, else 0); ``context_json`` is the personalization context as a "
                   "JSON object (text); ``at`` is when a journey sends it (the engine's "
                   "clock, else 0).")
_MESSAGE_INTS = ("channel", "entry", "step", "at")

ErrorInfo = collections.namedtuple("ErrorInfo", "code message source line column field")


def _exc_code(exc):
    """The status a callback's exception maps to."""
    if isinstance(exc, errors.MarketingError) and exc.code < 0:
        return exc.code
    return _lib.MKT_EUSER


class Context:
    """A libmarketing context (``mkt_ctx``). Use as a context manager, or call :meth:`close`.

    Every keyword is optional:

    - ``clock()`` returns the current time as int seconds or a datetime;
    - ``log(level, message)`` receives log lines at or above ``log_level``;
    - ``random(n)`` returns exactly ``n`` secure random bytes;
    - ``audit(entry)`` receives an :class:`AuditEntry`;
    - ``send(message)`` receives a :class:`Message`;
    - ``store`` is a storage object (see :mod:`libmarketing.store`); default: the built-in
      in-memory store;
    - ``log_level``, ``max_field_bytes``, ``max_fields``, ``max_errors``: ``mkt_ctx_options``.
    """

    def __init__(self, *, clock=None, log=None, random=None, audit=None, send=None, store=None,
                 log_level=None, max_field_bytes=None, max_fields=None, max_errors=None):
        L = _lib.lib()
        self._handle = None
        self._pending = None
        self._children = weakref.WeakSet()
        self._live_children = 0
        self._closing = False
        self._keep = []  # trampolines and structs that must outlive the C context
        host = _lib.Host()
        self._check_plain(L.mkt_host_init(ctypes.byref(host)), "mkt_host_init")
        if clock is not None:
            host.now = self._cb(_lib.NOW_FN, self._now_tramp(clock))
        if log is not None:
            host.log = self._cb(_lib.LOG_FN, self._log_tramp(log))
        if random is not None:
            host.random = self._cb(_lib.RANDOM_FN, self._random_tramp(random))
        if audit is not None:
            host.audit = self._cb(_lib.AUDIT_FN, self._audit_tramp(audit))
        if send is not None:
            host.send = self._cb(_lib.SEND_FN, self._send_tramp(send))
        if store is not None:
            ops = self._store_ops(store)
            self._keep.append(ops)
            host.store = ctypes.pointer(ops)
        opts = _lib.CtxOptions()
        self._check_plain(L.mkt_ctx_options_init(ctypes.byref(opts)), "mkt_ctx_options_init")
        for name, value in (("log_level", log_level), ("max_field_bytes", max_field_bytes),
                            ("max_fields", max_fields), ("max_errors", max_errors)):
            if value is not None:
                setattr(opts, name, value)
        out = ctypes.c_void_p()
        rc = L.mkt_ctx_new(ctypes.byref(out), ctypes.byref(host), ctypes.byref(opts))
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, "mkt_ctx_new")
        self._handle = out.value
        self.store = Store(self)

    # ---- lifetime ---------------------------------------------------------------------------
    def close(self):
        """Free the context and every table/path set made from it. Idempotent."""
        if self._handle is None:
            return
        for child in list(self._children):
            child.close()
        self._closing = True
        self._free_if_unused()

    def _free_if_unused(self):
        # Children that the garbage collector has not finalised yet still point into the
        # context: it is freed when the last of them goes.
        if self._closing and self._live_children == 0 and self._handle is not None:
            handle, self._handle = self._handle, None
            _lib.lib().mkt_ctx_free(handle)

    def _adopt(self, child):
        self._children.add(child)
        self._live_children += 1

    def _release(self, child):
        self._children.discard(child)
        self._live_children -= 1
        self._free_if_unused()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            try:
                self._closing = True
                self._free_if_unused()
            except Exception:  # noqa: BLE001 - interpreter shutdown: modules may be gone
                pass

    @property
    def closed(self):
        return self._handle is None or self._closing

    def _ptr(self):
        if self._handle is None or self._closing:
            raise errors.StateError("the context is closed", _lib.MKT_ESTATE)
        return self._handle

    # ---- calls and errors -------------------------------------------------------------------
    def _call(self, fn, *args):
        """Call a C function returning a status; raise the matching error on failure."""
        self._pending = None
        rc = fn(*args)
        pending, self._pending = self._pending, None
        if rc >= 0:
            return rc
        if pending is not None and not isinstance(pending, Exception):
            raise pending  # KeyboardInterrupt, SystemExit: not ours to wrap
        raise errors.from_ctx(self._handle, rc) from pending

    @staticmethod
    def _check_plain(rc, what):
        if rc != _lib.MKT_OK:
            raise errors.from_code(rc, what)

    def last_error(self):
        """The context's last failure as :class:`ErrorInfo` (``mkt_ctx_last_error``)."""
        e = _lib.lib().mkt_ctx_last_error(self._ptr()).contents
        return ErrorInfo(_lib.field(e, "code", 0), _lib.dec(_lib.field(e, "message")) or "",
                         _lib.dec(_lib.field(e, "source")), _lib.field(e, "line", 0),
                         _lib.field(e, "column", 0), _lib.dec(_lib.field(e, "field")))

    def clear_error(self):
        """Forget the last error (``mkt_ctx_clear_error``)."""
        _lib.lib().mkt_ctx_clear_error(self._ptr())

    # ---- services ---------------------------------------------------------------------------
    def now(self):
        """The context's clock in int seconds (``mkt_ctx_now``)."""
        out = ctypes.c_int64()
        self._call(_lib.lib().mkt_ctx_now, self._ptr(), ctypes.byref(out))
        return out.value

    def now_datetime(self):
        """The context's clock as an aware UTC datetime."""
        return values.from_seconds(self.now())

    def random(self, n):
        """``n`` secure random bytes (``mkt_ctx_random``)."""
        buf = ctypes.create_string_buffer(n)
        self._call(_lib.lib().mkt_ctx_random, self._ptr(), buf, n)
        return buf.raw

    def audit(self, action, *, actor=None, subject=None, detail=None, ts=0):
        """Record an audit entry (``mkt_ctx_audit``); ``ts`` 0 means the context's clock."""
        rec = _lib.new_struct(_lib.AuditRecord)
        rec.ts = values.to_seconds(ts)
        rec.action = _lib.enc_opt(action)
        rec.actor = _lib.enc_opt(actor)
        rec.subject = _lib.enc_opt(subject)
        rec.detail = _lib.enc_opt(detail)
        self._call(_lib.lib().mkt_ctx_audit, self._ptr(), ctypes.byref(rec))

    def table(self):
        """A new empty :class:`~libmarketing.Table` on this context."""
        from .table import Table
        return Table(self)

    def paths(self):
        """A new empty :class:`~libmarketing.Paths` on this context."""
        from .paths import Paths
        return Paths(self)

    def catalog(self, *, builtin=False):
        """A new :class:`~libmarketing.Catalog` on this context: empty, or with
        ``builtin=True`` the predefined segments."""
        from .catalog import Catalog
        return Catalog.builtin(self) if builtin else Catalog(self)

    # ---- trampolines ------------------------------------------------------------------------
    def _cb(self, cfunctype, pyfunc):
        fn = cfunctype(pyfunc)
        self._keep.append(fn)
        return fn

    def _guard(self, body):
        """Wrap a callback body: exceptions become status codes, kept for the caller.

        The closure holds a weak reference so the trampolines do not keep the context alive.
        """
        ref = weakref.ref(self)

        def tramp(*args):
            try:
                return body(*args)
            except BaseException as exc:  # nothing may unwind through C frames
                ctx = ref()
                if ctx is not None:
                    ctx._pending = exc
                return _exc_code(exc)
        return tramp

    def _now_tramp(self, clock):
        def body(out, _ud):
            out[0] = values.to_seconds(clock())
            return _lib.MKT_OK
        return self._guard(body)

    def _log_tramp(self, log):
        def tramp(level, message, _ud):
            try:
                log(level, message.decode("utf-8", "replace"))
            except BaseException:  # noqa: B036 - void callback: nothing to report to
                pass
        return tramp

    def _random_tramp(self, random):
        def body(buf, size, _ud):
            data = bytes(random(size))
            if len(data) != size:
                raise ValueError(f"random callback returned {len(data)} bytes, not {size}")
            ctypes.memmove(buf, data, size)
            return _lib.MKT_OK
        return self._guard(body)

    def _audit_tramp(self, audit):
        def body(rec, _ud):
            r = rec.contents
            audit(AuditEntry(_lib.field(r, "ts", 0), _lib.dec(_lib.field(r, "action")),
                             _lib.dec(_lib.field(r, "actor")),
                             _lib.dec(_lib.field(r, "subject")),
                             _lib.dec(_lib.field(r, "detail"))))
            return _lib.MKT_OK
        return self._guard(body)

    def _send_tramp(self, send):
        def body(msg, _ud):
            m = msg.contents
            send(Message(*(_lib.field(m, name, 0) if name in _MESSAGE_INTS
                           else _lib.dec(_lib.field(m, name)) for name in Message._fields)))
            return _lib.MKT_OK
        return self._guard(body)

    def _store_ops(self, store):
        ops = _lib.new_struct(_lib.StoreOps)
        L = _lib.lib()

        def get(ns, key, key_len, reply, _ud):
            found = store.get(ns.decode("utf-8"), ctypes.string_at(key, key_len))
            if found is None:
                return _lib.MKT_ENOTFOUND
            value, version = found
            value = bytes(value)
            return L.mkt_store_reply_set(reply, value, len(value), version)

        def put(ns, key, key_len, value, value_len, expected, new_version, _ud):
            data = ctypes.string_at(value, value_len) if value_len else b""
            new_version[0] = store.put(ns.decode("utf-8"), ctypes.string_at(key, key_len),
                                       data, expected)
            return _lib.MKT_OK

        def delete(ns, key, key_len, expected, _ud):
            store.delete(ns.decode("utf-8"), ctypes.string_at(key, key_len), expected)
            return _lib.MKT_OK

        def incr(ns, key, key_len, delta, limit, result, _ud):
            result[0] = store.incr(ns.decode("utf-8"), ctypes.string_at(key, key_len), delta,
                                   limit)
            return _lib.MKT_OK

        def scan(ns, prefix, prefix_len, visit, visit_data, _ud):
            p = ctypes.string_at(prefix, prefix_len) if prefix_len else b""
            items = sorted((bytes(k), bytes(v), ver)
                           for k, v, ver in store.scan(ns.decode("utf-8"), p)
                           if bytes(k).startswith(p))
            visitor = _lib.STORE_VISIT_FN(visit)
            for k, v, ver in items:
                rc = visitor(k, len(k), v, len(v), ver, visit_data)
                if rc > 0:
                    return _lib.MKT_OK
                if rc < 0:
                    return rc
            return _lib.MKT_OK

        ops.get = self._cb(_lib.STORE_GET_FN, self._guard(get))
        ops.put = self._cb(_lib.STORE_PUT_FN, self._guard(put))
        ops.del_ = self._cb(_lib.STORE_DEL_FN, self._guard(delete))
        ops.incr = self._cb(_lib.STORE_INCR_FN, self._guard(incr))
        ops.scan = self._cb(_lib.STORE_SCAN_FN, self._guard(scan))
        return ops
