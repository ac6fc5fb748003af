// SPDX-License-Identifier: MIT

package marketing

// Real-time records (one customer's values without a table) and member sets (segment.h).

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"
)

// Record is one customer's field values supplied by the host (mkt_record), laid out like the
// table it was made from: one slot per column, all null at first, set by rule field name
// ("customer.tier", "booking.count_12m", an alias). Used by one goroutine at a time.
type Record struct {
	object
}

func freeRecord(p unsafe.Pointer) { C.mkt_record_free((*C.mkt_record)(p)) }

// NewRecord creates a record with one slot per column of t (all null).
func (c *Context) NewRecord(t *Table) (*Record, error) {
	tp, err := t.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	o, err := c.newObject("record", freeRecord, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_record
		rc := C.mkt_record_new(&out, ctx, tp)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	r := &Record{o}
	runtime.SetFinalizer(r, (*Record).Close)
	return r, nil
}

func (r *Record) rawRec() (*C.mkt_record, error) {
	p, err := r.raw()
	return (*C.mkt_record)(p), err
}

// Close frees the record; idempotent.
func (r *Record) Close() error {
	runtime.SetFinalizer(r, nil)
	r.close()
	return nil
}

// set runs a setter on the record with the field name as a C string.
func (r *Record) set(field string, fn func(*C.mkt_record, *C.char) C.int) error {
	p, err := r.rawRec()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(r)
	f := C.CString(field)
	defer C.free(unsafe.Pointer(f))
	return r.ctx.call(func() C.int { return fn(p, f) })
}

// Clear sets every slot to null.
func (r *Record) Clear() {
	if p, err := r.rawRec(); err == nil {
		C.mkt_record_clear(p)
	}
	runtime.KeepAlive(r)
}

// SetInt sets an INT, MONEY (minor units), DATE (a Date), TIME (Unix seconds) or BOOL (0/1)
// field. ErrNotFound (no such field), ErrType, ErrRange.
func (r *Record) SetInt(field string, v int64) error {
	return r.set(field, func(p *C.mkt_record, f *C.char) C.int {
		return C.mkt_record_set_int(p, f, C.int64_t(v))
	})
}

// SetNumber sets a NUMBER field (or an INT field, if v is integral); ErrRange if not finite.
func (r *Record) SetNumber(field string, v float64) error {
	return r.set(field, func(p *C.mkt_record, f *C.char) C.int {
		return C.mkt_record_set_number(p, f, C.double(v))
	})
}

// SetString sets a STRING field (ErrParse if v is not valid UTF-8).
func (r *Record) SetString(field, v string) error {
	cv, n := cText(v)
	defer C.free(unsafe.Pointer(cv))
	return r.set(field, func(p *C.mkt_record, f *C.char) C.int {
		return C.mkt_record_set_string(p, f, cv, n)
	})
}

// SetList sets a LIST field ("booking.routes_12m"); an empty (or nil) items is an empty list,
// not null. ErrType for another field type, ErrParse for an item that is not UTF-8; on failure
// the field keeps its value.
func (r *Record) SetList(field string, items []string) error {
	arr := C.mkt_go_strings_new(C.size_t(len(items))) // C memory: freed with its strings
	defer C.mkt_go_strings_free(arr, C.size_t(len(items)))
	lens := make([]C.size_t, len(items)+1) // Go memory without pointers: fine to pass
	for i, it := range items {
		C.mkt_go_strings_set(arr, C.size_t(i), C.CString(it))
		lens[i] = C.size_t(len(it))
	}
	return r.set(field, func(p *C.mkt_record, f *C.char) C.int {
		return C.mkt_record_set_list(p, f, arr, &lens[0], C.size_t(len(items)))
	})
}

// SetNull sets a field to null.
func (r *Record) SetNull(field string) error {
	return r.set(field, func(p *C.mkt_record, f *C.char) C.int {
		return C.mkt_record_set_null(p, f)
	})
}

// Set sets a field from a Go value: nil, string, []string, bool, int, int32, int64 (money in
// minor units), float64, Date or time.Time.
func (r *Record) Set(field string, v interface{}) error {
	switch x := v.(type) {
	case nil:
		return r.SetNull(field)
	case string:
		return r.SetString(field, x)
	case []string:
		return r.SetList(field, x)
	case bool:
		if x {
			return r.SetInt(field, 1)
		}
		return r.SetInt(field, 0)
	case int:
		return r.SetInt(field, int64(x))
	case int32:
		return r.SetInt(field, int64(x))
	case int64:
		return r.SetInt(field, x)
	case float64:
		return r.SetNumber(field, x)
	case Date:
		return r.SetInt(field, int64(x))
	case time.Time:
		return r.SetInt(field, x.Unix())
	}
	return &Error{Code: ErrInvalid, Message: fmt.Sprintf("field %s: unsupported value type %T", field, v)}
}

// LoadRow copies every value of row of t into the record (t must have the record's columns:
// ErrState otherwise; ErrNotFound for a row out of range).
func (r *Record) LoadRow(t *Table, row uint64) error {
	p, err := r.rawRec()
	if err != nil {
		return err
	}
	tp, err := t.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(r)
	defer runtime.KeepAlive(t)
	return r.ctx.call(func() C.int { return C.mkt_record_load_row(p, tp, C.uint64_t(row)) })
}

// Members is a set of table rows (mkt_members), e.g. a segment's members. The set operations
// change the receiver; Copy first to keep it. Used by one goroutine at a time.
type Members struct {
	object
}

func freeMembers(p unsafe.Pointer) { C.mkt_members_free((*C.mkt_members)(p)) }

func (c *Context) newMembers(ctor func(ctx *C.mkt_ctx, out **C.mkt_members) C.int) (*Members, error) {
	o, err := c.newObject("member set", freeMembers, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_members
		rc := ctor(ctx, &out)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	m := &Members{o}
	runtime.SetFinalizer(m, (*Members).Close)
	return m, nil
}

// NewMembers creates an empty set over rows rows.
func (c *Context) NewMembers(rows uint64) (*Members, error) {
	return c.newMembers(func(ctx *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_members_new(out, ctx, C.uint64_t(rows))
	})
}

func (m *Members) rawSet() (*C.mkt_members, error) {
	p, err := m.raw()
	return (*C.mkt_members)(p), err
}

// Close frees the set; idempotent.
func (m *Members) Close() error {
	runtime.SetFinalizer(m, nil)
	m.close()
	return nil
}

// Copy is an independent copy on the same context.
func (m *Members) Copy() (*Members, error) {
	p, err := m.rawSet()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	return m.ctx.newMembers(func(_ *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_members_copy(out, p)
	})
}

// peek reads a property of an open set (zero once closed).
func (m *Members) peek(fn func(*C.mkt_members)) {
	if p, err := m.rawSet(); err == nil {
		fn(p)
	}
	runtime.KeepAlive(m)
}

// Size is the number of rows the set ranges over (the table's rows when evaluated).
func (m *Members) Size() (n uint64) {
	m.peek(func(p *C.mkt_members) { n = uint64(C.mkt_members_rows(p)) })
	return n
}

// Count is the number of members.
func (m *Members) Count() (n uint64) {
	m.peek(func(p *C.mkt_members) { n = uint64(C.mkt_members_count(p)) })
	return n
}

// Contains reports whether row is a member (false out of range).
func (m *Members) Contains(row uint64) (in bool) {
	m.peek(func(p *C.mkt_members) { in = C.mkt_members_contains(p, C.uint64_t(row)) != 0 })
	return in
}

// Set adds (member true) or removes one row; ErrNotFound out of range.
func (m *Members) Set(row uint64, member bool) error {
	p, err := m.rawSet()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	var flag C.int32_t
	if member {
		flag = 1
	}
	return m.ctx.call(func() C.int { return C.mkt_members_set(p, C.uint64_t(row), flag) })
}

// Next is the first member at or after from; ok is false when there is none.
func (m *Members) Next(from uint64) (row uint64, ok bool) {
	m.peek(func(p *C.mkt_members) {
		var out C.uint64_t
		if C.mkt_members_next(p, C.uint64_t(from), &out) == C.MKT_OK {
			row, ok = uint64(out), true
		}
	})
	return row, ok
}

// Each calls fn with every member in row order until fn returns false.
func (m *Members) Each(fn func(row uint64) bool) {
	for r, ok := m.Next(0); ok && fn(r); r, ok = m.Next(r + 1) {
	}
}

// Rows lists every member in row order.
func (m *Members) Rows() []uint64 {
	out := make([]uint64, 0, m.Count())
	m.Each(func(r uint64) bool { out = append(out, r); return true })
	return out
}

// combine applies a set operation with o to m (both must range over the same rows).
func (m *Members) combine(o *Members, fn func(dst, src *C.mkt_members) C.int) error {
	dst, err := m.rawSet()
	if err != nil {
		return err
	}
	if o == nil {
		return &Error{Code: ErrInvalid, Message: "nil member set"}
	}
	src, err := o.rawSet()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(o)
	return m.ctx.call(func() C.int { return fn(dst, src) })
}

// And keeps the members also in o. ErrInvalid if the sets range over different rows.
func (m *Members) And(o *Members) error {
	return m.combine(o, func(d, s *C.mkt_members) C.int { return C.mkt_members_and(d, s) })
}

// Or adds the members of o.
func (m *Members) Or(o *Members) error {
	return m.combine(o, func(d, s *C.mkt_members) C.int { return C.mkt_members_or(d, s) })
}

// AndNot removes the members of o.
func (m *Members) AndNot(o *Members) error {
	return m.combine(o, func(d, s *C.mkt_members) C.int { return C.mkt_members_andnot(d, s) })
}

// Not complements the set within its rows.
func (m *Members) Not() error {
	p, err := m.rawSet()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	return m.ctx.call(func() C.int { return C.mkt_members_not(p) })
}
