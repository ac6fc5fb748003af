// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"time"
	"unsafe"
)

// Type of a table column.
type Type int32

// Column types.
const (
	TypeString Type = 1
	TypeInt    Type = 2
	TypeNumber Type = 3
	TypeMoney  Type = 4
	TypeDate   Type = 5
	TypeTime   Type = 6
	TypeBool   Type = 7
	// TypeList is a list of strings (booking.routes_12m); only the library makes list
	// columns. Read it with GetList, or Get, which returns a []string.
	TypeList Type = 8
)

// UnknownCustomer says what a load does with a booking or event of an unknown customer.
type UnknownCustomer int32

// Policies for unknown customers.
const (
	UnknownCustomerAuto   UnknownCustomer = 0 // error if the table has customers, else create
	UnknownCustomerError  UnknownCustomer = 1
	UnknownCustomerCreate UnknownCustomer = 2
)

// BookingStatus of a booking.
type BookingStatus int32

// Booking statuses (0 on input means confirmed).
const (
	BookingConfirmed BookingStatus = 1
	BookingCancelled BookingStatus = 2
)

// LoadOptions of a CSV load; nil means defaults.
type LoadOptions struct {
	Separator       byte // default ','
	UnknownCustomer UnknownCustomer
	// Progress is called about every MiB with bytes done, total bytes (0 if unknown) and
	// records read; return false to abort the load (ErrUser; the table is unchanged).
	Progress func(done, total, rows uint64) bool
	// Threads parsing a plain (not gzip) bookings or events file: 0 = one per online CPU,
	// 1 = single-threaded, N = at most N; negative is ErrInvalid. The result, errors
	// included, is the same whatever the value.
	Threads int
	// Columns of a customers file to load (customer_id always), as if the file had no
	// others; nil loads every column. Bookings and events files ignore it.
	Columns []string
}

// cArray is a C array of C copies of names (nil for a nil slice; a non-nil empty slice gives
// a valid empty array), freed with its strings by free().
type cArray struct {
	arr **C.char
	n   int
}

func newCArray(names []string) *cArray {
	a := &cArray{n: len(names)}
	if names == nil {
		return a
	}
	a.arr = C.mkt_go_strings_new(C.size_t(len(names)))
	for i, n := range names {
		C.mkt_go_strings_set(a.arr, C.size_t(i), C.CString(n))
	}
	return a
}

func (a *cArray) free() {
	if a.arr != nil {
		C.mkt_go_strings_free(a.arr, C.size_t(a.n))
	}
}

// ColumnInfo describes one column.
type ColumnInfo struct {
	Index     int
	Name      string
	Type      Type
	Custom    bool
	Derived   bool
	NullCount uint64
}

// Booking is one booking. Empty strings and nil pointers are nulls.
type Booking struct {
	BookingID       string
	CustomerID      string
	CustomerRow     uint64 // read only
	BookingTime     time.Time
	DepartureDate   *Date
	Origin          string
	Destination     string
	Route           string
	TripType        string
	CabinClass      string
	FareClass       string
	Channel         string
	Passengers      int32 // 0 = null
	Status          BookingStatus
	TotalAmount     int64 // minor units
	AncillaryAmount *int64
	Currency        string // "" = the table's default
}

// Event is one behavioural event.
type Event struct {
	EventID     string
	CustomerID  string
	CustomerRow uint64 // read only
	Time        time.Time
	Type        string
	Campaign    string
	Channel     string
	Value       *int64 // minor units
	Properties  string
}

// TableStats are summary figures of a table. Dates and times are nil without bookings or
// events.
type TableStats struct {
	Customers             uint64
	CustomersWithBookings uint64
	Bookings              uint64
	BookingsCancelled     uint64
	Events                uint64
	FirstBookingDate      *Date
	LastBookingDate       *Date
	FirstEventTime        *time.Time
	LastEventTime         *time.Time
	Currencies            uint32
}

// Currency is one distinct booking currency.
type Currency struct {
	Code     string
	Bookings uint64
	Amount   int64 // confirmed amount, minor units
}

// Table is a columnar customer table (mkt_table).
type Table struct {
	ctx *Context
	ch  *child
}

func freeTable(p unsafe.Pointer) { C.mkt_table_free((*C.mkt_table)(p)) }

// NewTable creates an empty table with the standard and derived columns.
func (c *Context) NewTable() (*Table, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var t *C.mkt_table
	c.begin()
	if err := c.check(C.mkt_table_new(&t, ptr)); err != nil {
		return nil, err
	}
	tb := &Table{ctx: c, ch: &child{ptr: unsafe.Pointer(t), free: freeTable}}
	if err := c.adopt(tb.ch); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(tb, func(tb *Table) { tb.ctx.release(tb.ch) })
	return tb, nil
}

// Close frees the table; idempotent.
func (t *Table) Close() error {
	runtime.SetFinalizer(t, nil)
	t.ctx.release(t.ch)
	return nil
}

func (t *Table) raw() (*C.mkt_table, error) {
	if t.ch.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the table is closed"}
	}
	return (*C.mkt_table)(t.ch.ptr), nil
}

// call runs a status-returning function on the table with error reporting.
func (t *Table) call(fn func(*C.mkt_table) C.int) error {
	p, err := t.raw()
	if err != nil {
		return err
	}
	t.ctx.begin()
	err = t.ctx.check(fn(p))
	runtime.KeepAlive(t)
	return err
}

// cLoad holds what the C form of LoadOptions refers to during one call; free() releases it.
// The C struct itself is the caller's own variable: cgo forbids passing a Go struct that also
// holds Go pointers.
type cLoad struct {
	st    *progressState // nil without a progress callback
	cols  *cArray
	h     cgo.Handle
	withH bool
}

func newCLoad(o *LoadOptions, opts *C.mkt_load_options) (*cLoad, error) {
	l := &cLoad{}
	if rc := C.mkt_load_options_init(opts); rc != 0 {
		return nil, codeError(rc, "mkt_load_options_init")
	}
	if o == nil {
		return l, nil
	}
	if o.Separator != 0 {
		opts.separator = C.int32_t(o.Separator)
	}
	opts.unknown_customer = C.int32_t(o.UnknownCustomer)
	if o.Threads < math.MinInt32 || o.Threads > math.MaxInt32 {
		return nil, &Error{Code: ErrInvalid, Message: fmt.Sprintf("invalid threads option %d", o.Threads)}
	}
	opts.threads = C.int32_t(o.Threads) // negative: the library's ErrInvalid
	if o.Columns != nil {
		l.cols = newCArray(o.Columns)
		opts.columns, opts.ncolumns = l.cols.arr, C.size_t(l.cols.n)
	}
	if o.Progress != nil {
		l.st = &progressState{fn: o.Progress}
		l.h, l.withH = cgo.NewHandle(l.st), true
		C.mkt_go_load_progress(opts, C.uintptr_t(l.h))
	}
	return l, nil
}

func (l *cLoad) free() {
	if l.cols != nil {
		l.cols.free()
	}
	if l.withH {
		l.h.Delete()
	}
}

// pending hands a progress callback's error to the context, after the call.
func (l *cLoad) pending(c *Context) {
	if l.st != nil && l.st.pending != nil {
		c.host.pending = l.st.pending
	}
}

func (t *Table) load(path string, o *LoadOptions,
	fn func(*C.mkt_table, *C.char, *C.mkt_load_options) C.int) error {
	var opts C.mkt_load_options
	l, err := newCLoad(o, &opts)
	if err != nil {
		return err
	}
	defer l.free()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return t.call(func(p *C.mkt_table) C.int {
		rc := fn(p, cpath, &opts)
		l.pending(t.ctx)
		return rc
	})
}

// LoadCustomers loads customers.csv (or .csv.gz); all-or-nothing.
func (t *Table) LoadCustomers(path string, opts *LoadOptions) error {
	return t.load(path, opts, func(p *C.mkt_table, f *C.char, o *C.mkt_load_options) C.int {
		return C.mkt_table_load_customers(p, f, o)
	})
}

// LoadBookings loads bookings.csv (or .gz), updating the booking aggregates.
func (t *Table) LoadBookings(path string, opts *LoadOptions) error {
	return t.load(path, opts, func(p *C.mkt_table, f *C.char, o *C.mkt_load_options) C.int {
		return C.mkt_table_load_bookings(p, f, o)
	})
}

// FoldBookings folds bookings.csv (or .gz) into the as-of fields at asOf without keeping the
// bookings (mkt_table_fold_bookings): fields names the as-of fields to compute (nil: all but
// booking.routes_12m); the others get no column. Load customers first; afterwards the table
// takes no loaded bookings and no other as-of date (ErrState). UnknownCustomer must not be
// UnknownCustomerCreate; Columns is ignored.
func (t *Table) FoldBookings(path string, asOf Date, fields []string, opts *LoadOptions) error {
	f := newCArray(fields)
	defer f.free()
	return t.load(path, opts, func(p *C.mkt_table, cp *C.char, o *C.mkt_load_options) C.int {
		return C.mkt_table_fold_bookings(p, cp, C.mkt_date(asOf), f.arr, C.size_t(f.n), o)
	})
}

// LoadEvents loads events.csv (or .gz).
func (t *Table) LoadEvents(path string, opts *LoadOptions) error {
	return t.load(path, opts, func(p *C.mkt_table, f *C.char, o *C.mkt_load_options) C.int {
		return C.mkt_table_load_events(p, f, o)
	})
}

// Len is the number of customer rows (0 once closed).
func (t *Table) Len() uint64 {
	p, err := t.raw()
	if err != nil {
		return 0
	}
	n := uint64(C.mkt_table_customer_count(p))
	runtime.KeepAlive(t)
	return n
}

// Find returns the row of a customer id; ErrNotFound if absent.
func (t *Table) Find(customerID string) (uint64, error) {
	id := C.CString(customerID)
	defer C.free(unsafe.Pointer(id))
	var row C.uint64_t
	err := t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_find(p, id, C.size_t(len(customerID)), &row)
	})
	return uint64(row), err
}

// CustomerID returns the id of row; ErrNotFound when out of range.
func (t *Table) CustomerID(row uint64) (string, error) {
	p, err := t.raw()
	if err != nil {
		return "", err
	}
	s := C.mkt_table_customer_id(p, C.uint64_t(row))
	defer runtime.KeepAlive(t)
	if s == nil {
		return "", &Error{Code: ErrNotFound, Message: fmt.Sprintf("row %d is out of range", row)}
	}
	return C.GoString(s), nil
}

// AddCustomer appends a customer with only its id; for an existing id it returns that row
// and an ErrExist error.
func (t *Table) AddCustomer(customerID string) (uint64, error) {
	id := C.CString(customerID)
	defer C.free(unsafe.Pointer(id))
	var row C.uint64_t
	err := t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_add_customer(p, id, C.size_t(len(customerID)), &row)
	})
	return uint64(row), err
}

// ColumnCount is the number of columns.
func (t *Table) ColumnCount() int {
	p, err := t.raw()
	if err != nil {
		return 0
	}
	n := int(C.mkt_table_column_count(p))
	runtime.KeepAlive(t)
	return n
}

// Column finds a column by name; ErrNotFound if absent.
func (t *Table) Column(name string) (int, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var col C.uint32_t
	err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_column_find(p, n, &col) })
	return int(col), err
}

// ColumnInfo describes column col.
func (t *Table) ColumnInfo(col int) (ColumnInfo, error) {
	var ci C.mkt_column_info
	ci.struct_size = C.size_t(unsafe.Sizeof(ci))
	err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_column_info(p, C.uint32_t(col), &ci) })
	if err != nil {
		return ColumnInfo{}, err
	}
	defer runtime.KeepAlive(t)
	return ColumnInfo{Index: col, Name: C.GoString(ci.name), Type: Type(ci._type),
		Custom: ci.is_custom != 0, Derived: ci.is_derived != 0, NullCount: uint64(ci.null_count)}, nil
}

// Columns describes every column.
func (t *Table) Columns() ([]ColumnInfo, error) {
	n := t.ColumnCount()
	out := make([]ColumnInfo, 0, n)
	for i := 0; i < n; i++ {
		ci, err := t.ColumnInfo(i)
		if err != nil {
			return nil, err
		}
		out = append(out, ci)
	}
	return out, nil
}

// AddColumn adds a custom column (all rows null) and returns its index.
func (t *Table) AddColumn(name string, typ Type) (int, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var col C.uint32_t
	err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_add_column(p, n, C.int32_t(typ), &col) })
	return int(col), err
}

// GetInt reads an INT, MONEY, DATE, TIME or BOOL value; null reports ok == false.
func (t *Table) GetInt(row uint64, col int) (v int64, ok bool, err error) {
	var out C.int64_t
	var isNull C.int32_t
	err = t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_get_int(p, C.uint32_t(col), C.uint64_t(row), &out, &isNull)
	})
	return int64(out), err == nil && isNull == 0, err
}

// GetNumber reads a NUMBER (or INT) value; null reports ok == false.
func (t *Table) GetNumber(row uint64, col int) (v float64, ok bool, err error) {
	var out C.double
	var isNull C.int32_t
	err = t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_get_number(p, C.uint32_t(col), C.uint64_t(row), &out, &isNull)
	})
	return float64(out), err == nil && isNull == 0, err
}

// GetString reads a STRING value; null reports ok == false.
func (t *Table) GetString(row uint64, col int) (v string, ok bool, err error) {
	var out *C.char
	var size C.size_t
	err = t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_get_string(p, C.uint32_t(col), C.uint64_t(row), &out, &size)
	})
	if err != nil || out == nil {
		return "", false, err
	}
	s := C.GoStringN(out, C.int(size))
	runtime.KeepAlive(t)
	return s, true, nil
}

// GetList reads a LIST value: its items, distinct and in byte order (an empty, non-nil slice
// for an empty list); null reports ok == false. ErrType for another column type.
func (t *Table) GetList(row uint64, col int) (v []string, ok bool, err error) {
	var n C.uint32_t
	var isNull C.int32_t
	err = t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_get_list_count(p, C.uint32_t(col), C.uint64_t(row), &n, &isNull)
	})
	if err != nil || isNull != 0 {
		return nil, false, err
	}
	items := make([]string, 0, int(n))
	for i := C.uint32_t(0); i < n; i++ {
		var out *C.char
		var size C.size_t
		err = t.call(func(p *C.mkt_table) C.int {
			return C.mkt_table_get_list_item(p, C.uint32_t(col), C.uint64_t(row), i, &out, &size)
		})
		if err != nil {
			return nil, false, err
		}
		// Copy while the table is alive: the item is borrowed from it.
		items = append(items, C.GoStringN(out, C.int(size)))
		runtime.KeepAlive(t)
	}
	return items, true, nil
}

// Get reads (row, column name) as a Go value: string, int64 (INT and MONEY minor units),
// float64, Date, time.Time, bool, []string (LIST), or nil for null. A stale as-of field is
// an ErrState error (see SetAsOf).
func (t *Table) Get(row uint64, column string) (interface{}, error) {
	col, err := t.Column(column)
	if err != nil {
		return nil, err
	}
	ci, err := t.ColumnInfo(col)
	if err != nil {
		return nil, err
	}
	switch ci.Type {
	case TypeString:
		v, ok, err := t.GetString(row, col)
		return nullable(v, ok), err
	case TypeNumber:
		v, ok, err := t.GetNumber(row, col)
		return nullable(v, ok), err
	case TypeList:
		v, ok, err := t.GetList(row, col)
		return nullable(v, ok), err
	}
	v, ok, err := t.GetInt(row, col)
	if err != nil || !ok {
		return nil, err
	}
	switch ci.Type {
	case TypeDate:
		return Date(v), nil
	case TypeTime:
		return time.Unix(v, 0).UTC(), nil
	case TypeBool:
		return v != 0, nil
	}
	return v, nil
}

func nullable[T any](v T, ok bool) interface{} {
	if !ok {
		return nil
	}
	return v
}

// SetInt sets an INT, MONEY, DATE, TIME or BOOL value.
func (t *Table) SetInt(row uint64, col int, v int64) error {
	return t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_set_int(p, C.uint32_t(col), C.uint64_t(row), C.int64_t(v))
	})
}

// SetNumber sets a NUMBER value (finite).
func (t *Table) SetNumber(row uint64, col int, v float64) error {
	return t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_set_number(p, C.uint32_t(col), C.uint64_t(row), C.double(v))
	})
}

// SetString sets a STRING value (valid UTF-8).
func (t *Table) SetString(row uint64, col int, v string) error {
	s := C.CString(v)
	defer C.free(unsafe.Pointer(s))
	return t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_set_string(p, C.uint32_t(col), C.uint64_t(row), s, C.size_t(len(v)))
	})
}

// SetNull sets a value to null.
func (t *Table) SetNull(row uint64, col int) error {
	return t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_set_null(p, C.uint32_t(col), C.uint64_t(row))
	})
}

// Set writes (row, column name) from a Go value: nil, string, float64, Date, time.Time, bool
// or any integer.
func (t *Table) Set(row uint64, column string, v interface{}) error {
	col, err := t.Column(column)
	if err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		return t.SetNull(row, col)
	case string:
		return t.SetString(row, col, x)
	case float64:
		return t.SetNumber(row, col, x)
	case float32:
		return t.SetNumber(row, col, float64(x))
	case Date:
		return t.SetInt(row, col, int64(x))
	case time.Time:
		return t.SetInt(row, col, x.Unix())
	case bool:
		if x {
			return t.SetInt(row, col, 1)
		}
		return t.SetInt(row, col, 0)
	case int:
		return t.setInteger(row, col, int64(x))
	case int32:
		return t.setInteger(row, col, int64(x))
	case int64:
		return t.setInteger(row, col, x)
	}
	return &Error{Code: ErrType, Message: fmt.Sprintf("column %q: cannot store a %T", column, v)}
}

// setInteger stores an integer, into a NUMBER column as a float.
func (t *Table) setInteger(row uint64, col int, v int64) error {
	ci, err := t.ColumnInfo(col)
	if err != nil {
		return err
	}
	if ci.Type == TypeNumber {
		return t.SetNumber(row, col, float64(v))
	}
	return t.SetInt(row, col, v)
}

// SetAsOf computes the as-of fields of every customer at date d (doc/fields.md:
// booking.count_12m, booking.routes_12m, age, event.*_30d...) into derived, read-only columns.
// Use DateOf for a time.Time. Loading or adding bookings, events or customers, or changing a
// date_of_birth, makes them stale: reading one is then ErrState until SetAsOf runs again.
// ErrRange when d - 12 months or d + 1 day falls outside years 1..9999.
func (t *Table) SetAsOf(d Date) error {
	return t.call(func(p *C.mkt_table) C.int { return C.mkt_table_set_as_of(p, C.mkt_date(d)) })
}

// AsOf is the date of the last SetAsOf; ok is false if it never ran. When the fields are
// stale the date is still returned, with an ErrState error.
func (t *Table) AsOf() (d Date, ok bool, err error) {
	p, err := t.raw()
	if err != nil {
		return NullDate, false, err
	}
	var out C.mkt_date
	t.ctx.begin()
	rc := C.mkt_table_as_of(p, &out)
	runtime.KeepAlive(t)
	switch rc {
	case C.int(ErrNotFound):
		return NullDate, false, nil
	case C.int(ErrState):
		return Date(out), true, t.ctx.check(rc)
	}
	if err := t.ctx.check(rc); err != nil {
		return NullDate, false, err
	}
	return Date(out), true, nil
}

// AddBooking appends a booking and updates the aggregates.
func (t *Table) AddBooking(b *Booking) error {
	var cb C.mkt_booking
	cb.struct_size = C.size_t(unsafe.Sizeof(cb))
	var strs cStrings
	defer strs.free()
	cb.booking_id = strs.str(b.BookingID)
	cb.customer_id = strs.str(b.CustomerID)
	cb.booking_time = C.mkt_time(b.BookingTime.Unix())
	cb.departure_date = C.mkt_date(NullDate)
	if b.DepartureDate != nil {
		cb.departure_date = C.mkt_date(*b.DepartureDate)
	}
	cb.origin = strs.opt(b.Origin)
	cb.destination = strs.opt(b.Destination)
	cb.route = strs.opt(b.Route)
	cb.trip_type = strs.opt(b.TripType)
	cb.cabin_class = strs.opt(b.CabinClass)
	cb.fare_class = strs.opt(b.FareClass)
	cb.channel = strs.opt(b.Channel)
	cb.passengers = C.int32_t(b.Passengers)
	cb.status = C.int32_t(b.Status)
	cb.total_amount = C.int64_t(b.TotalAmount)
	cb.ancillary_amount = C.int64_t(NullInt64)
	if b.AncillaryAmount != nil {
		cb.ancillary_amount = C.int64_t(*b.AncillaryAmount)
	}
	cb.currency = strs.opt(b.Currency)
	return t.call(func(p *C.mkt_table) C.int { return C.mkt_table_add_booking(p, &cb) })
}

// BookingCount is the number of bookings, cancelled included.
func (t *Table) BookingCount() uint64 {
	p, err := t.raw()
	if err != nil {
		return 0
	}
	n := uint64(C.mkt_table_booking_count(p))
	runtime.KeepAlive(t)
	return n
}

// Booking reads booking i (0-based, load order).
func (t *Table) Booking(i uint64) (*Booking, error) {
	var cb C.mkt_booking
	cb.struct_size = C.size_t(unsafe.Sizeof(cb))
	if err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_get_booking(p, C.uint64_t(i), &cb) }); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	b := &Booking{
		BookingID: goOpt(cb.booking_id), CustomerID: goOpt(cb.customer_id),
		CustomerRow: uint64(cb.customer_row), BookingTime: time.Unix(int64(cb.booking_time), 0).UTC(),
		Origin: goOpt(cb.origin), Destination: goOpt(cb.destination), Route: goOpt(cb.route),
		TripType: goOpt(cb.trip_type), CabinClass: goOpt(cb.cabin_class),
		FareClass: goOpt(cb.fare_class), Channel: goOpt(cb.channel),
		Passengers: int32(cb.passengers), Status: BookingStatus(cb.status),
		TotalAmount: int64(cb.total_amount), Currency: goOpt(cb.currency),
	}
	if d := Date(cb.departure_date); d != NullDate {
		b.DepartureDate = &d
	}
	if a := int64(cb.ancillary_amount); a != NullInt64 {
		b.AncillaryAmount = &a
	}
	return b, nil
}

// EachBooking calls fn for every booking in load order until it returns false.
func (t *Table) EachBooking(fn func(i uint64, b *Booking) bool) error {
	n := t.BookingCount()
	for i := uint64(0); i < n; i++ {
		b, err := t.Booking(i)
		if err != nil {
			return err
		}
		if !fn(i, b) {
			break
		}
	}
	return nil
}

// AddEvent appends an event.
func (t *Table) AddEvent(e *Event) error {
	var ce C.mkt_event
	ce.struct_size = C.size_t(unsafe.Sizeof(ce))
	var strs cStrings
	defer strs.free()
	ce.event_id = strs.str(e.EventID)
	ce.customer_id = strs.str(e.CustomerID)
	ce.ts = C.mkt_time(e.Time.Unix())
	ce._type = strs.str(e.Type)
	ce.campaign = strs.opt(e.Campaign)
	ce.channel = strs.opt(e.Channel)
	ce.value = C.int64_t(NullInt64)
	if e.Value != nil {
		ce.value = C.int64_t(*e.Value)
	}
	ce.properties = strs.opt(e.Properties)
	return t.call(func(p *C.mkt_table) C.int { return C.mkt_table_add_event(p, &ce) })
}

// EventCount is the number of events.
func (t *Table) EventCount() uint64 {
	p, err := t.raw()
	if err != nil {
		return 0
	}
	n := uint64(C.mkt_table_event_count(p))
	runtime.KeepAlive(t)
	return n
}

// Event reads event i.
func (t *Table) Event(i uint64) (*Event, error) {
	var ce C.mkt_event
	ce.struct_size = C.size_t(unsafe.Sizeof(ce))
	if err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_get_event(p, C.uint64_t(i), &ce) }); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	e := &Event{
		EventID: goOpt(ce.event_id), CustomerID: goOpt(ce.customer_id),
		CustomerRow: uint64(ce.customer_row), Time: time.Unix(int64(ce.ts), 0).UTC(),
		Type: goOpt(ce._type), Campaign: goOpt(ce.campaign), Channel: goOpt(ce.channel),
		Properties: goOpt(ce.properties),
	}
	if v := int64(ce.value); v != NullInt64 {
		e.Value = &v
	}
	return e, nil
}

// EachEvent calls fn for every event until it returns false.
func (t *Table) EachEvent(fn func(i uint64, e *Event) bool) error {
	n := t.EventCount()
	for i := uint64(0); i < n; i++ {
		e, err := t.Event(i)
		if err != nil {
			return err
		}
		if !fn(i, e) {
			break
		}
	}
	return nil
}

// Stats returns summary figures.
func (t *Table) Stats() (TableStats, error) {
	var s C.mkt_table_stats
	s.struct_size = C.size_t(unsafe.Sizeof(s))
	if err := t.call(func(p *C.mkt_table) C.int { return C.mkt_table_stats_get(p, &s) }); err != nil {
		return TableStats{}, err
	}
	out := TableStats{Customers: uint64(s.customers),
		CustomersWithBookings: uint64(s.customers_with_bookings), Bookings: uint64(s.bookings),
		BookingsCancelled: uint64(s.bookings_cancelled), Events: uint64(s.events),
		Currencies: uint32(s.currencies)}
	out.FirstBookingDate = optDate(Date(s.first_booking_date))
	out.LastBookingDate = optDate(Date(s.last_booking_date))
	out.FirstEventTime = optTime(int64(s.first_event_time))
	out.LastEventTime = optTime(int64(s.last_event_time))
	return out, nil
}

func optDate(d Date) *Date {
	if d == NullDate {
		return nil
	}
	return &d
}

func optTime(sec int64) *time.Time {
	if sec == NullInt64 {
		return nil
	}
	t := time.Unix(sec, 0).UTC()
	return &t
}

// Currency returns the i-th distinct booking currency (order of first appearance).
func (t *Table) Currency(i int) (Currency, error) {
	var code *C.char
	var n C.uint64_t
	var amount C.int64_t
	if err := t.call(func(p *C.mkt_table) C.int {
		return C.mkt_table_currency(p, C.uint32_t(i), &code, &n, &amount)
	}); err != nil {
		return Currency{}, err
	}
	defer runtime.KeepAlive(t)
	return Currency{Code: goOpt(code), Bookings: uint64(n), Amount: int64(amount)}, nil
}

// Currencies returns every distinct booking currency.
func (t *Table) Currencies() ([]Currency, error) {
	s, err := t.Stats()
	if err != nil {
		return nil, err
	}
	out := make([]Currency, 0, s.Currencies)
	for i := 0; i < int(s.Currencies); i++ {
		c, err := t.Currency(i)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
