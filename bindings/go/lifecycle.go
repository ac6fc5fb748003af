// SPDX-License-Identifier: MIT

package marketing

// Lifecycle stages (lifecycle.h): Prospect, New, Active, Engaged, At-Risk, Churned,
// Reactivated, with the total precedence of doc/rfm.md.

// #include <stdlib.h>
// #include <libmarketing.h>
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// LifecycleStage is a customer's lifecycle stage.
type LifecycleStage int32

// The stages.
const (
	StageProspect    LifecycleStage = 1
	StageNew         LifecycleStage = 2
	StageActive      LifecycleStage = 3
	StageEngaged     LifecycleStage = 4
	StageAtRisk      LifecycleStage = 5
	StageChurned     LifecycleStage = 6
	StageReactivated LifecycleStage = 7
	StageCount                      = 7
)

// String is the stage's display name ("At-Risk", ...).
func (s LifecycleStage) String() string {
	p := C.mkt_lifecycle_stage_name(C.int32_t(s))
	if p == nil {
		return fmt.Sprintf("LifecycleStage(%d)", int32(s))
	}
	return C.GoString(p)
}

// LifecycleFacts decide a stage; NullDate where there is no such booking.
type LifecycleFacts struct {
	FirstDate, LastDate Date
	Count90, Count180   int64 // bookings at most 90 / 180 days before the as-of date
	LastBefore90        Date  // latest booking more than 90 days ago
	FirstWithin90       Date  // earliest booking at most 90 days ago
}

// LifecycleStageOf is the stage of facts at asOf (mkt_lifecycle_stage_of); ErrInvalid for
// facts that contradict each other.
func LifecycleStageOf(f LifecycleFacts, asOf Date) (LifecycleStage, error) {
	var cf C.mkt_lifecycle_facts
	if rc := C.mkt_lifecycle_facts_init(&cf); rc != 0 {
		return 0, codeError(rc, "mkt_lifecycle_facts_init")
	}
	cf.first_date, cf.last_date = C.mkt_date(f.FirstDate), C.mkt_date(f.LastDate)
	cf.count_90, cf.count_180 = C.int64_t(f.Count90), C.int64_t(f.Count180)
	cf.last_before_90, cf.first_within_90 = C.mkt_date(f.LastBefore90), C.mkt_date(f.FirstWithin90)
	var out C.int32_t
	if rc := C.mkt_lifecycle_stage_of(&cf, C.mkt_date(asOf), &out); rc != 0 {
		return 0, codeError(rc, "lifecycle facts")
	}
	return LifecycleStage(out), nil
}

// Lifecycle is a lifecycle result: every customer of the table, sorted by id.
type Lifecycle struct {
	object
}

// LifecycleRow is one customer's stage and facts.
type LifecycleRow struct {
	CustomerID          string
	CustomerRow         uint64
	Stage               LifecycleStage
	FirstDate, LastDate Date
	Count90, Count180   int64
}

func freeLifecycle(p unsafe.Pointer) { C.mkt_lifecycle_free((*C.mkt_lifecycle)(p)) }

// ComputeLifecycle gives every customer of t its stage at asOf (NullDate: today, UTC).
func (c *Context) ComputeLifecycle(t *Table, asOf Date) (*Lifecycle, error) {
	tp, err := t.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	obj, err := c.newObject("lifecycle result", freeLifecycle, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_lifecycle
		rc := C.mkt_lifecycle_compute(&out, ctx, tp, C.mkt_date(asOf))
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	l := &Lifecycle{obj}
	runtime.SetFinalizer(l, (*Lifecycle).Close)
	return l, nil
}

// ComputeLifecycleFile gives the stage of every customer of bookings.csv (or .gz) at path at
// asOf without loading it (mkt_lifecycle_compute_file). load sets the separator, threads and
// progress (nil: defaults). Rows have CustomerRow math.MaxUint64 (no table).
func (c *Context) ComputeLifecycleFile(path string, asOf Date, load *LoadOptions) (*Lifecycle, error) {
	var lo C.mkt_load_options
	ld, err := newCLoad(load, &lo)
	if err != nil {
		return nil, err
	}
	defer ld.free()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	obj, err := c.newObject("lifecycle result", freeLifecycle, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_lifecycle
		rc := C.mkt_lifecycle_compute_file(&out, ctx, cpath, C.mkt_date(asOf), &lo)
		ld.pending(c)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	l := &Lifecycle{obj}
	runtime.SetFinalizer(l, (*Lifecycle).Close)
	return l, nil
}

// Close frees the result; idempotent.
func (l *Lifecycle) Close() error {
	runtime.SetFinalizer(l, nil)
	l.close()
	return nil
}

func (l *Lifecycle) rawLc() (*C.mkt_lifecycle, error) {
	p, err := l.raw()
	return (*C.mkt_lifecycle)(p), err
}

// Len is the number of customers (0 once closed).
func (l *Lifecycle) Len() int {
	p, err := l.rawLc()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(l)
	return int(C.mkt_lifecycle_count(p))
}

// AsOf is the date the stages were computed at.
func (l *Lifecycle) AsOf() Date {
	p, err := l.rawLc()
	if err != nil {
		return NullDate
	}
	defer runtime.KeepAlive(l)
	return Date(C.mkt_lifecycle_as_of(p))
}

// Row reads row i (ErrNotFound out of range).
func (l *Lifecycle) Row(i int) (LifecycleRow, error) {
	p, err := l.rawLc()
	if err != nil {
		return LifecycleRow{}, err
	}
	defer runtime.KeepAlive(l)
	var row C.mkt_lifecycle_row
	row.struct_size = C.sizeof_mkt_lifecycle_row
	if err := l.ctx.call(func() C.int { return C.mkt_lifecycle_get(p, C.uint64_t(i), &row) }); err != nil {
		return LifecycleRow{}, err
	}
	return LifecycleRow{C.GoStringN(row.customer_id, C.int(row.id_len)), uint64(row.customer_row),
		LifecycleStage(row.stage), Date(row.first_date), Date(row.last_date),
		int64(row.count_90), int64(row.count_180)}, nil
}

// StageCount is the number of customers in stage.
func (l *Lifecycle) StageCount(stage LifecycleStage) (uint64, error) {
	p, err := l.rawLc()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(l)
	var n C.uint64_t
	err = l.ctx.call(func() C.int { return C.mkt_lifecycle_stage_count(p, C.int32_t(stage), &n) })
	return uint64(n), err
}

// Apply writes the lifecycle.stage column into t (mkt_lifecycle_apply).
func (l *Lifecycle) Apply(t *Table) error {
	p, err := l.rawLc()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(l)
	return t.call(func(tp *C.mkt_table) C.int { return C.mkt_lifecycle_apply(tp, p) })
}
