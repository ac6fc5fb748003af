// SPDX-License-Identifier: MIT

package marketing

// RFM scoring and lifecycle stages (rfm.h, lifecycle.h): scores per customer from a table or
// from facts, named segments, per-segment summaries, exact currency conversion, lifecycle
// stages, and the rfm.* / lifecycle.stage columns for segment rules. See doc/rfm.md.

// #include <stdlib.h>
// #include <libmarketing.h>
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// RfmScoring says how R, F and M are scored.
type RfmScoring int32

// Scorings; the zero value of RfmOptions.Scoring means RfmNtile.
const (
	RfmFixed RfmScoring = 1 // fixed thresholds (the seed's; configurable)
	RfmNtile RfmScoring = 2 // SQL NTILE(buckets) OVER (ORDER BY ..., customer_id)
)

// RfmSegment is one of the 11 named RFM segments (RfmSegmentNone without a named one).
type RfmSegment int32

// The named segments.
const (
	RfmSegmentNone        RfmSegment = 0
	RfmChampions          RfmSegment = 1
	RfmLoyalCustomers     RfmSegment = 2
	RfmPotentialLoyalists RfmSegment = 3
	RfmRecentCustomers    RfmSegment = 4
	RfmPromising          RfmSegment = 5
	RfmNeedsAttention     RfmSegment = 6
	RfmAboutToSleep       RfmSegment = 7
	RfmAtRisk             RfmSegment = 8
	RfmCantLoseThem       RfmSegment = 9
	RfmHibernating        RfmSegment = 10
	RfmLost               RfmSegment = 11
	RfmSegmentCount                  = 11
	rfmMapSize                       = 125
)

// String is the segment's display name ("Champions", "Can't Lose Them"; "" for none).
func (s RfmSegment) String() string {
	p := C.mkt_rfm_segment_name(C.int32_t(s))
	if p == nil {
		return fmt.Sprintf("RfmSegment(%d)", int32(s))
	}
	return C.GoString(p)
}

// RfmSegmentFromName is the segment of a display name; ErrNotFound for another name.
func RfmSegmentFromName(name string) (RfmSegment, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	var out C.int32_t
	if rc := C.mkt_rfm_segment_from_name(p, &out); rc != 0 {
		return 0, codeError(rc, "RFM segment "+name)
	}
	return RfmSegment(out), nil
}

// RfmDefaultSegment is the built-in segment of the code r-f-m (each 1..5).
func RfmDefaultSegment(r, f, m int) (RfmSegment, error) {
	var out C.int32_t
	if rc := C.mkt_rfm_default_segment(C.int32_t(r), C.int32_t(f), C.int32_t(m), &out); rc != 0 {
		return 0, codeError(rc, fmt.Sprintf("RFM code %d%d%d", r, f, m))
	}
	return RfmSegment(out), nil
}

// RfmOptions configures ComputeRfm and ScoreRfmFacts; zero fields take the defaults.
type RfmOptions struct {
	AsOf         Date           // D; 0 or NullDate: today's UTC date from the context clock
	WindowMonths int            // 0: 12
	Scoring      RfmScoring     // 0: RfmNtile
	Buckets      int            // 0: 5 (1..9; fixed needs 5)
	RecencyDays  *[4]int32      // nil: 30, 90, 180, 365 (upper bounds of R 5, 4, 3, 2)
	FrequencyMin *[4]int64      // nil: 2, 3, 5, 10 (lower bounds of F 2, 3, 4, 5)
	MonetaryMax  *[4]int64      // nil: 50000, 100000, 250000, 500000 minor units (M 1..4)
	SegmentMap   []RfmSegment   // nil: the built-in map; else 125 entries, (r-1)*25+(f-1)*5+(m-1)
	FX           *ExchangeRates // nil: the bookings in the window must share one currency
}

// cOptions fills C options; the segment map lives in C memory (freed by the returned func),
// since C memory handed to the library must not point into Go memory.
func (o *RfmOptions) cOptions() (C.mkt_rfm_options, func(), error) {
	var opts C.mkt_rfm_options
	done := func() {}
	if rc := C.mkt_rfm_options_init(&opts); rc != 0 {
		return opts, done, codeError(rc, "mkt_rfm_options_init")
	}
	if o == nil {
		return opts, done, nil
	}
	if o.AsOf != 0 {
		opts.as_of = C.mkt_date(o.AsOf)
	}
	if o.WindowMonths != 0 {
		opts.window_months = C.int32_t(o.WindowMonths)
	}
	if o.Scoring != 0 {
		opts.scoring = C.int32_t(o.Scoring)
	}
	if o.Buckets != 0 {
		opts.buckets = C.int32_t(o.Buckets)
	}
	for i := 0; i < 4; i++ {
		if o.RecencyDays != nil {
			opts.recency_days[i] = C.int32_t(o.RecencyDays[i])
		}
		if o.FrequencyMin != nil {
			opts.frequency_min[i] = C.int64_t(o.FrequencyMin[i])
		}
		if o.MonetaryMax != nil {
			opts.monetary_max[i] = C.int64_t(o.MonetaryMax[i])
		}
	}
	if o.SegmentMap != nil {
		if len(o.SegmentMap) != rfmMapSize {
			return opts, done, &Error{Code: ErrInvalid, Message: fmt.Sprintf("SegmentMap has %d entries, not 125", len(o.SegmentMap))}
		}
		m := (*[rfmMapSize]C.int32_t)(C.malloc(C.size_t(rfmMapSize * C.sizeof_int32_t)))
		if m == nil {
			return opts, done, &Error{Code: ErrNoMemory, Message: "out of memory"}
		}
		for i, s := range o.SegmentMap {
			m[i] = C.int32_t(s)
		}
		opts.segment_map = &m[0]
		done = func() { C.free(unsafe.Pointer(m)) }
	}
	if o.FX != nil {
		p, err := o.FX.raw()
		if err != nil {
			return opts, done, err
		}
		opts.fx = (*C.mkt_rfm_fx)(p)
	}
	return opts, done, nil
}

// RfmFacts are one customer's facts for ScoreRfmFacts.
type RfmFacts struct {
	CustomerID string
	Recency    int32 // days since the last booking, >= 0
	Frequency  int64 // bookings, >= 1
	Monetary   int64 // minor units
}

// RfmScore is one customer's scores.
type RfmScore struct {
	R, F, M int32      // 1..buckets, higher is better
	Code    int32      // R*100 + F*10 + M, e.g. 545
	Segment RfmSegment // RfmSegmentNone unless 5 buckets
}

// ScoreRfmFacts scores facts (mkt_rfm_score_facts): the result is in input order. AsOf,
// WindowMonths and FX of opts are not used.
func (c *Context) ScoreRfmFacts(facts []RfmFacts, opts *RfmOptions) ([]RfmScore, error) {
	o, done, err := opts.cOptions()
	defer done()
	if err != nil {
		return nil, err
	}
	n := len(facts)
	out := make([]RfmScore, n)
	if n == 0 {
		return out, c.call(func() C.int { return C.mkt_rfm_score_facts(c.ptr, nil, 0, &o, nil) })
	}
	// The facts hold pointers to the ids, so they and the ids live in C memory.
	cf := unsafe.Slice((*C.mkt_rfm_facts)(C.calloc(C.size_t(n), C.sizeof_mkt_rfm_facts)), n)
	cs := unsafe.Slice((*C.mkt_rfm_score)(C.calloc(C.size_t(n), C.sizeof_mkt_rfm_score)), n)
	defer C.free(unsafe.Pointer(&cs[0]))
	defer func() {
		for i := range cf {
			C.free(unsafe.Pointer(cf[i].customer_id))
		}
		C.free(unsafe.Pointer(&cf[0]))
	}()
	for i, f := range facts {
		cf[i].customer_id, cf[i].id_len = cText(f.CustomerID)
		cf[i].recency = C.int32_t(f.Recency)
		cf[i].frequency = C.int64_t(f.Frequency)
		cf[i].monetary = C.int64_t(f.Monetary)
	}
	err = c.call(func() C.int { return C.mkt_rfm_score_facts(c.ptr, &cf[0], C.size_t(n), &o, &cs[0]) })
	runtime.KeepAlive(opts)
	if err != nil {
		return nil, err
	}
	for i, s := range cs {
		out[i] = RfmScore{int32(s.r), int32(s.f), int32(s.m), int32(s.code), RfmSegment(s.segment)}
	}
	return out, nil
}

// Rfm is an RFM result (mkt_rfm): one row per scored customer, sorted by customer id.
type Rfm struct {
	object
}

func freeRfm(p unsafe.Pointer) { C.mkt_rfm_free((*C.mkt_rfm)(p)) }

// RfmRow is one row of a result (Monetary in minor units, of the base currency with FX).
type RfmRow struct {
	CustomerID  string
	CustomerRow uint64
	Recency     int32
	Frequency   int64
	Monetary    int64
	R, F, M     int32
	Code        int32
	Segment     RfmSegment
	// MonetaryPercentile is 100 * PERCENT_RANK() OVER (ORDER BY monetary), 0..100.
	MonetaryPercentile float64
}

// RfmSummary is one segment's figures (averages over its customers; 0 when empty).
type RfmSummary struct {
	Segment       RfmSegment
	Customers     uint64
	Share         float64
	AvgRecency    float64
	AvgFrequency  float64
	AvgMonetary   float64 // minor units
	TotalMonetary int64   // minor units, exact
}

// ComputeRfm scores every customer of t with confirmed bookings in the window
// (mkt_rfm_compute). opts may be nil.
func (c *Context) ComputeRfm(t *Table, opts *RfmOptions) (*Rfm, error) {
	o, done, err := opts.cOptions()
	defer done()
	if err != nil {
		return nil, err
	}
	tp, err := t.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(opts)
	obj, err := c.newObject("RFM result", freeRfm, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_rfm
		rc := C.mkt_rfm_compute(&out, ctx, tp, &o)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	r := &Rfm{obj}
	runtime.SetFinalizer(r, (*Rfm).Close)
	return r, nil
}

// ComputeRfmFile scores the customers of bookings.csv (or .gz) at path without loading it
// (mkt_rfm_compute_file): every record is checked as a load checks it, memory follows the
// customers. load sets the separator, threads and progress (nil: defaults). Rows have
// CustomerRow math.MaxUint64 (no table).
func (c *Context) ComputeRfmFile(path string, opts *RfmOptions, load *LoadOptions) (*Rfm, error) {
	o, done, err := opts.cOptions()
	defer done()
	if err != nil {
		return nil, err
	}
	var lo C.mkt_load_options
	l, err := newCLoad(load, &lo)
	if err != nil {
		return nil, err
	}
	defer l.free()
	defer runtime.KeepAlive(opts)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	obj, err := c.newObject("RFM result", freeRfm, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_rfm
		rc := C.mkt_rfm_compute_file(&out, ctx, cpath, &o, &lo)
		l.pending(c)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	r := &Rfm{obj}
	runtime.SetFinalizer(r, (*Rfm).Close)
	return r, nil
}

// Close frees the result; idempotent.
func (r *Rfm) Close() error {
	runtime.SetFinalizer(r, nil)
	r.close()
	return nil
}

func (r *Rfm) rawRfm() (*C.mkt_rfm, error) {
	p, err := r.raw()
	return (*C.mkt_rfm)(p), err
}

// Len is the number of scored customers (0 once closed).
func (r *Rfm) Len() int {
	p, err := r.rawRfm()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(r)
	return int(C.mkt_rfm_count(p))
}

// AsOf is the date the result was computed at.
func (r *Rfm) AsOf() Date {
	p, err := r.rawRfm()
	if err != nil {
		return NullDate
	}
	defer runtime.KeepAlive(r)
	return Date(C.mkt_rfm_as_of(p))
}

// Row reads row i (ErrNotFound out of range).
func (r *Rfm) Row(i int) (RfmRow, error) {
	p, err := r.rawRfm()
	if err != nil {
		return RfmRow{}, err
	}
	defer runtime.KeepAlive(r)
	var row C.mkt_rfm_row
	row.struct_size = C.sizeof_mkt_rfm_row
	if err := r.ctx.call(func() C.int { return C.mkt_rfm_get(p, C.uint64_t(i), &row) }); err != nil {
		return RfmRow{}, err
	}
	return RfmRow{C.GoStringN(row.customer_id, C.int(row.id_len)), uint64(row.customer_row),
		int32(row.recency), int64(row.frequency), int64(row.monetary), int32(row.r),
		int32(row.f), int32(row.m), int32(row.code), RfmSegment(row.segment),
		float64(row.monetary_percentile)}, nil
}

// Rows reads every row.
func (r *Rfm) Rows() ([]RfmRow, error) {
	out := make([]RfmRow, r.Len())
	for i := range out {
		row, err := r.Row(i)
		if err != nil {
			return nil, err
		}
		out[i] = row
	}
	return out, nil
}

// Find is the row index of a customer (ErrNotFound when not scored).
func (r *Rfm) Find(customerID string) (int, error) {
	p, err := r.rawRfm()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(r)
	s, n := cText(customerID)
	defer C.free(unsafe.Pointer(s))
	var out C.uint64_t
	rc := C.mkt_rfm_find(p, s, n, &out)
	if rc != 0 {
		return 0, codeError(rc, "customer "+customerID)
	}
	return int(out), nil
}

// Summary is one segment's figures (RfmSegmentNone: customers without a named segment).
func (r *Rfm) Summary(seg RfmSegment) (RfmSummary, error) {
	p, err := r.rawRfm()
	if err != nil {
		return RfmSummary{}, err
	}
	defer runtime.KeepAlive(r)
	var s C.mkt_rfm_summary
	s.struct_size = C.sizeof_mkt_rfm_summary
	if err := r.ctx.call(func() C.int { return C.mkt_rfm_summary_get(p, C.int32_t(seg), &s) }); err != nil {
		return RfmSummary{}, err
	}
	return RfmSummary{RfmSegment(s.segment), uint64(s.customers), float64(s.share),
		float64(s.avg_recency), float64(s.avg_frequency), float64(s.avg_monetary),
		int64(s.total_monetary)}, nil
}

// Apply writes rfm.recency, rfm.frequency, rfm.monetary, rfm.r, rfm.f, rfm.m, rfm.code,
// rfm.segment and rfm.monetary_percentile into t (mkt_rfm_apply), for segment rules.
func (r *Rfm) Apply(t *Table) error {
	p, err := r.rawRfm()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(r)
	return t.call(func(tp *C.mkt_table) C.int { return C.mkt_rfm_apply(tp, p) })
}

// ExchangeRates converts amounts to one base currency exactly (mkt_rfm_fx).
type ExchangeRates struct {
	object
}

func freeFx(p unsafe.Pointer) { C.mkt_rfm_fx_free((*C.mkt_rfm_fx)(p)) }

// NewExchangeRates creates an empty rate table.
func (c *Context) NewExchangeRates() (*ExchangeRates, error) {
	obj, err := c.newObject("rate table", freeFx, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_rfm_fx
		rc := C.mkt_rfm_fx_new(&out, ctx)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	fx := &ExchangeRates{obj}
	runtime.SetFinalizer(fx, (*ExchangeRates).Close)
	return fx, nil
}

// Close frees the rate table; idempotent.
func (x *ExchangeRates) Close() error {
	runtime.SetFinalizer(x, nil)
	x.close()
	return nil
}

func (x *ExchangeRates) call(fn func(*C.mkt_rfm_fx) C.int) error {
	p, err := x.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(x)
	return x.ctx.call(func() C.int { return fn((*C.mkt_rfm_fx)(p)) })
}

// Add adds or replaces a rate: one unit of currency is rate (a decimal such as "0.9134",
// at most 9 fraction digits) units of the base currency.
func (x *ExchangeRates) Add(currency, rate string) error {
	cc, cr := C.CString(currency), C.CString(rate)
	defer C.free(unsafe.Pointer(cc))
	defer C.free(unsafe.Pointer(cr))
	return x.call(func(p *C.mkt_rfm_fx) C.int { return C.mkt_rfm_fx_add(p, cc, cr) })
}

// Load adds the rates of a CSV file currency,rate_to_base (all-or-nothing).
func (x *ExchangeRates) Load(path string) error {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	return x.call(func(p *C.mkt_rfm_fx) C.int { return C.mkt_rfm_fx_load(p, cp) })
}

// Len is the number of currencies with a rate.
func (x *ExchangeRates) Len() int {
	p, err := x.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(x)
	return int(C.mkt_rfm_fx_count((*C.mkt_rfm_fx)(p)))
}

// Convert converts amount minor units of currency to base minor units, rounded half to even.
func (x *ExchangeRates) Convert(currency string, amount int64) (int64, error) {
	cc := C.CString(currency)
	defer C.free(unsafe.Pointer(cc))
	var out C.int64_t
	err := x.call(func(p *C.mkt_rfm_fx) C.int {
		return C.mkt_rfm_fx_convert(p, cc, C.int64_t(amount), &out)
	})
	return int64(out), err
}
