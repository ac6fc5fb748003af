# SPDX-License-Identifier: MIT
"""Shared lifetime handling of objects made from a context (tables, path sets)."""

import ctypes

from . import _lib, errors


class ChildHandle:
    """Owns one C object made from a :class:`Context`; freed before the context is."""

    _free_name = None  # name of the C free function

    def __init__(self, ctx, new_name):
        self._ctx = ctx
        self._handle = None
        out = ctypes.c_void_p()
        ctx._call(getattr(_lib.lib(), new_name), ctypes.byref(out), ctx._ptr())
        self._handle = out.value
        ctx._adopt(self)

    @property
    def context(self):
        return self._ctx

    def close(self):
        """Free the C object. Idempotent; later calls raise :class:`StateError`."""
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        getattr(_lib.lib(), self._free_name)(handle)
        self._ctx._release(self)

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            try:
                self.close()
            except Exception:  # noqa: BLE001 - interpreter shutdown: modules may be gone
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _ptr(self):
        if self._handle is None:
            raise errors.StateError(f"the {type(self).__name__.lower()} is closed",
                                    _lib.MKT_ESTATE)
        return self._handle

    def _call(self, fn_name, *args):
        return self._ctx._call(getattr(_lib.lib(), fn_name), self._ptr(), *args)
