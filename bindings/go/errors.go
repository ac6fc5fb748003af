// SPDX-License-Identifier: MIT

package marketing

// #include <libmarketing.h>
import "C"

import (
	"errors"
	"fmt"
)

// Code is a libmarketing status (mkt_status): 0 or negative. A Code is itself an error, so the
// sentinels below work with errors.Is, and a callback may return one to report that status.
type Code int32

// Status codes (common.h). Each is also the sentinel to test with errors.Is.
const (
	OK             Code = 0
	ErrInvalid     Code = -1
	ErrNoMemory    Code = -2
	ErrNotFound    Code = -3
	ErrExist       Code = -4
	ErrConflict    Code = -5
	ErrLimit       Code = -6
	ErrParse       Code = -7
	ErrIO          Code = -8
	ErrUser        Code = -9
	ErrRange       Code = -10
	ErrTooBig      Code = -11
	ErrType        Code = -12
	ErrUnsupported Code = -13
	ErrState       Code = -14
	ErrInternal    Code = -15
)

// Error is the static text of the code (mkt_strerror).
func (c Code) Error() string { return C.GoString(C.mkt_strerror(C.int(c))) }

// Strerror is the static text of a status code.
func Strerror(c Code) string { return c.Error() }

// Error is a failed libmarketing call: the status and, when a context was involved, the
// detail of its last error (for parse and load errors: where).
type Error struct {
	Code    Code
	Message string // full message ("bookings.csv:12:3: total_amount: ...")
	Source  string // file or source name, or ""
	Line    uint64 // 1-based, or 0
	Column  uint64 // 1-based (CSV field number), or 0
	Field   string // column or field name, or ""
	// Cause is the error (or recovered panic) of the Go callback that made the call fail.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s (callback: %v)", e.Message, e.Cause)
	}
	return e.Message
}

// Is reports whether target is this error's Code (errors.Is(err, ErrNotFound)) or an *Error
// with the same code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return e.Code == t
	case *Error:
		return e.Code == t.Code
	}
	return false
}

// Unwrap gives the callback's error, so errors.Is/As also reach it.
func (e *Error) Unwrap() error { return e.Cause }

// codeOf maps an error returned by a Go callback to the status the library sees.
func codeOf(err error) C.int {
	if err == nil {
		return C.MKT_OK
	}
	var me *Error
	if errors.As(err, &me) && me.Code < 0 {
		return C.int(me.Code)
	}
	var c Code
	if errors.As(err, &c) && c < 0 {
		return C.int(c)
	}
	return C.MKT_EUSER
}

// codeError is an *Error for a call without a context (values helpers).
func codeError(rc C.int, what string) error {
	c := Code(rc)
	return &Error{Code: c, Message: what + ": " + c.Error()}
}

// ctxError reads the last error of ctx for a call that returned rc. The detail is used only
// when it belongs to this failure (same code), so a stale message never describes a new one.
func ctxError(ctx *C.mkt_ctx, rc C.int, cause error) error {
	e := &Error{Code: Code(rc), Message: Code(rc).Error(), Cause: cause}
	if ctx == nil {
		return e
	}
	le := C.mkt_ctx_last_error(ctx)
	if le == nil || le.code != C.int32_t(rc) {
		return e
	}
	if le.message != nil && *le.message != 0 {
		e.Message = C.GoString(le.message)
	}
	if le.source != nil {
		e.Source = C.GoString(le.source)
	}
	e.Line = uint64(le.line)
	e.Column = uint64(le.column)
	if le.field != nil {
		e.Field = C.GoString(le.field)
	}
	return e
}
