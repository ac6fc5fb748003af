// SPDX-License-Identifier: MIT

package marketing

// RFM and lifecycle through the Go binding. Expected values are worked out by hand from
// tests/cli/data/bookings.csv (see tests/cli/test_cli.py): D = 2026-06-30, 24-month window,
// EUR at 1.08 USD.

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const rfmBookings = "../../tests/cli/data/bookings.csv"

func rfmFixture(t *testing.T) (*Context, *Table, *ExchangeRates, Date) {
	t.Helper()
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	tb, err := c.NewTable()
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.LoadBookings(rfmBookings, nil); err != nil {
		t.Fatal(err)
	}
	fx, err := c.NewExchangeRates()
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.Add("USD", "1"); err != nil {
		t.Fatal(err)
	}
	if err := fx.Add("EUR", "1.08"); err != nil {
		t.Fatal(err)
	}
	d, err := DateFromYMD(2026, 6, 30)
	if err != nil {
		t.Fatal(err)
	}
	return c, tb, fx, d
}

func TestRfmFixed(t *testing.T) {
	c, tb, fx, d := rfmFixture(t)
	r, err := c.ComputeRfm(tb, &RfmOptions{AsOf: d, WindowMonths: 24, Scoring: RfmFixed, FX: fx})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 4 || r.AsOf() != d {
		t.Fatalf("len %d as-of %v", r.Len(), r.AsOf())
	}
	rows, err := r.Rows()
	if err != nil {
		t.Fatal(err)
	}
	row0 := rows[0]
	row0.CustomerRow = 0
	// monetary: C5 < C3 < C1 < C4 -> C1's percent rank is 2/3
	want := RfmRow{"C1", 0, 166, 3, 217840, 3, 3, 3, 333, RfmNeedsAttention, 200.0 / 3}
	if !reflect.DeepEqual(row0, want) {
		t.Errorf("C1: %+v, want %+v", row0, want)
	}
	codes := []int32{rows[0].Code, rows[1].Code, rows[2].Code, rows[3].Code}
	if !reflect.DeepEqual(codes, []int32{333, 112, 525, 411}) {
		t.Errorf("codes %v", codes)
	}
	if i, err := r.Find("C4"); err != nil || i != 2 {
		t.Errorf("find C4: %d %v", i, err)
	}
	if _, err := r.Find("C2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("find C2: %v", err)
	}
	s, err := r.Summary(RfmPotentialLoyalists)
	if err != nil || s.Customers != 1 || s.Share != 0.25 || s.TotalMonetary != 1030050 {
		t.Errorf("summary %+v %v", s, err)
	}
	if _, err := r.Summary(12); !errors.Is(err, ErrNotFound) {
		t.Errorf("summary 12: %v", err)
	}
	if _, err := r.Row(4); !errors.Is(err, ErrNotFound) {
		t.Errorf("row 4: %v", err)
	}
	// the columns and a rule over them
	if err := r.Apply(tb); err != nil {
		t.Fatal(err)
	}
	seg, err := c.CompileText("rfm.segment in ('Lost', 'Promising')", tb, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	m, err := seg.Evaluate(tb)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var ids []string
	for _, row := range m.Rows() {
		id, _ := tb.CustomerID(row)
		ids = append(ids, id)
	}
	if !reflect.DeepEqual(ids, []string{"C3", "C5"}) {
		t.Errorf("rule members %v", ids)
	}
	r.Close()
	if r.Len() != 0 {
		t.Error("closed result has rows")
	}
	if _, err := r.Row(0); !errors.Is(err, ErrState) {
		t.Errorf("closed: %v", err)
	}
}

func TestRfmNtileAndErrors(t *testing.T) {
	c, tb, fx, d := rfmFixture(t)
	r, err := c.ComputeRfm(tb, &RfmOptions{AsOf: d, WindowMonths: 24, FX: fx, Buckets: 2})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := r.Rows()
	r.Close()
	got := []int32{rows[0].Code, rows[1].Code, rows[2].Code, rows[3].Code}
	if !reflect.DeepEqual(got, []int32{122, 111, 222, 211}) || rows[0].Segment != RfmSegmentNone {
		t.Errorf("ntile(2): %v %v", got, rows[0].Segment)
	}
	_, err = c.ComputeRfm(tb, &RfmOptions{AsOf: d, WindowMonths: 24})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "USD, EUR") {
		t.Errorf("mixed currencies: %v", err)
	}
	if _, err := c.ComputeRfm(tb, &RfmOptions{Buckets: 10}); !errors.Is(err, ErrInvalid) {
		t.Errorf("buckets 10: %v", err)
	}
	if _, err := c.ComputeRfm(tb, &RfmOptions{SegmentMap: []RfmSegment{1}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("short map: %v", err)
	}
	// a host map: everything Lost
	lost := make([]RfmSegment, 125)
	for i := range lost {
		lost[i] = RfmLost
	}
	r, err = c.ComputeRfm(tb, &RfmOptions{AsOf: d, WindowMonths: 24, FX: fx, SegmentMap: lost})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Summary(RfmLost); s.Customers != 4 {
		t.Errorf("host map: %+v", s)
	}
	r.Close()
}

func TestRfmScoreFacts(t *testing.T) {
	c, _, _, _ := rfmFixture(t)
	// NTILE(5) over 7 rows: sizes 2,2,1,1,1; F by frequency then id: a c b d e f g.
	facts := []RfmFacts{{"g", 0, 9, 0}, {"a", 0, 1, 0}, {"b", 0, 2, 0}, {"c", 0, 1, 0},
		{"d", 0, 3, 0}, {"e", 0, 3, 0}, {"f", 0, 3, 0}}
	s, err := c.ScoreRfmFacts(facts, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f []int32
	for _, x := range s {
		f = append(f, x.F)
	}
	if !reflect.DeepEqual(f, []int32{5, 1, 2, 1, 2, 3, 4}) {
		t.Errorf("F scores %v", f)
	}
	s, err = c.ScoreRfmFacts([]RfmFacts{{"x", 30, 10, 50000}, {"y", 31, 9, 50001}},
		&RfmOptions{Scoring: RfmFixed})
	if err != nil || s[0].Code != 551 || s[1].Code != 442 {
		t.Errorf("fixed %v %v", s, err)
	}
	if s, err := c.ScoreRfmFacts(nil, nil); err != nil || len(s) != 0 {
		t.Errorf("empty: %v %v", s, err)
	}
	if _, err := c.ScoreRfmFacts([]RfmFacts{{"x", -1, 1, 0}}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative recency: %v", err)
	}
}

func TestRfmSegmentsAndRates(t *testing.T) {
	if RfmCantLoseThem.String() != "Can't Lose Them" {
		t.Error(RfmCantLoseThem.String())
	}
	if s, err := RfmSegmentFromName("At Risk"); err != nil || s != RfmAtRisk {
		t.Errorf("%v %v", s, err)
	}
	if _, err := RfmSegmentFromName("Whales"); !errors.Is(err, ErrNotFound) {
		t.Error(err)
	}
	if s, err := RfmDefaultSegment(5, 1, 1); err != nil || s != RfmRecentCustomers {
		t.Errorf("511: %v %v", s, err)
	}
	if _, err := RfmDefaultSegment(0, 1, 1); !errors.Is(err, ErrInvalid) {
		t.Error(err)
	}
	c, _, fx, _ := rfmFixture(t)
	if fx.Len() != 2 {
		t.Errorf("len %d", fx.Len())
	}
	if v, err := fx.Convert("EUR", 5); err != nil || v != 5 { // 5.4 -> 5
		t.Errorf("convert %d %v", v, err)
	}
	half, _ := c.NewExchangeRates()
	defer half.Close()
	half.Add("HLF", "0.5")
	for in, want := range map[int64]int64{1: 0, 3: 2, 5: 2, 7: 4, -5: -2} {
		if v, _ := half.Convert("HLF", in); v != want {
			t.Errorf("%d * 0.5 = %d, want %d", in, v, want)
		}
	}
	if err := fx.Add("EUR", "0"); !errors.Is(err, ErrRange) {
		t.Error(err)
	}
	if _, err := fx.Convert("GBP", 1); !errors.Is(err, ErrNotFound) {
		t.Error(err)
	}
	path := writeFile(t, "fx.csv", "currency,rate_to_base\nJPY,0.0064\n", false)
	if err := fx.Load(path); err != nil || fx.Len() != 3 {
		t.Errorf("load: %v %d", err, fx.Len())
	}
	bad := writeFile(t, "bad.csv", "currency,rate_to_base\nGBP,x\n", false)
	if err := fx.Load(bad); !errors.Is(err, ErrParse) || fx.Len() != 3 {
		t.Errorf("bad load: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	c, tb, _, d := rfmFixture(t)
	lc, err := c.ComputeLifecycle(tb, d)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	want := []LifecycleStage{StageAtRisk, StageProspect, StageChurned, StageReactivated, StageActive}
	if lc.Len() != len(want) || lc.AsOf() != d {
		t.Fatalf("len %d", lc.Len())
	}
	for i, w := range want {
		row, err := lc.Row(i)
		if err != nil || row.Stage != w || row.CustomerID != []string{"C1", "C2", "C3", "C4", "C5"}[i] {
			t.Errorf("row %d: %+v %v", i, row, err)
		}
	}
	if n, err := lc.StageCount(StageProspect); err != nil || n != 1 {
		t.Errorf("prospects %d %v", n, err)
	}
	if _, err := lc.StageCount(0); !errors.Is(err, ErrNotFound) {
		t.Error(err)
	}
	if err := lc.Apply(tb); err != nil {
		t.Fatal(err)
	}
	row, _ := tb.Find("C4")
	if v, err := tb.Get(row, "lifecycle.stage"); err != nil || v != "Reactivated" {
		t.Errorf("column: %v %v", v, err)
	}
	if StageAtRisk.String() != "At-Risk" {
		t.Error(StageAtRisk.String())
	}
	// the gap: one booking 60 days ago, not the first -> Active
	s, err := LifecycleStageOf(LifecycleFacts{d - 100, d - 60, 1, 2, d - 100, d - 60}, d)
	if err != nil || s != StageActive {
		t.Errorf("gap: %v %v", s, err)
	}
	s, err = LifecycleStageOf(LifecycleFacts{NullDate, NullDate, 0, 0, NullDate, NullDate}, d)
	if err != nil || s != StageProspect {
		t.Errorf("prospect: %v %v", s, err)
	}
	if _, err := LifecycleStageOf(LifecycleFacts{d, d + 1, 1, 1, NullDate, d}, d); !errors.Is(err, ErrInvalid) {
		t.Errorf("future: %v", err)
	}
	today, err := c.ComputeLifecycle(tb, NullDate)
	if err != nil || today.Len() != 5 {
		t.Errorf("today: %v", err)
	}
	today.Close()
}

// The file path gives the table path's rows, without a table row.
func TestRfmAndLifecycleFromFile(t *testing.T) {
	c, tb, fx, d := rfmFixture(t)
	opts := &RfmOptions{AsOf: d, WindowMonths: 24, Scoring: RfmFixed, FX: fx}
	want, err := c.ComputeRfm(tb, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	got, err := c.ComputeRfmFile(rfmBookings, opts, &LoadOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	a, err := want.Rows()
	if err != nil {
		t.Fatal(err)
	}
	b, err := got.Rows()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("rows %d and %d", len(a), len(b))
	}
	for i := range a {
		if b[i].CustomerRow != ^uint64(0) {
			t.Fatalf("row %d: customer row %d", i, b[i].CustomerRow)
		}
		b[i].CustomerRow = a[i].CustomerRow
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("row %d: %+v != %+v", i, a[i], b[i])
		}
	}
	lw, err := c.ComputeLifecycle(tb, d)
	if err != nil {
		t.Fatal(err)
	}
	defer lw.Close()
	lg, err := c.ComputeLifecycleFile(rfmBookings, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lg.Close()
	if lw.Len() != lg.Len() {
		t.Fatalf("lifecycle rows %d and %d", lw.Len(), lg.Len())
	}
	if _, err := c.ComputeRfmFile("/nonexistent.csv", opts, nil); !errors.Is(err, ErrIO) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := c.ComputeLifecycleFile("/nonexistent.csv", d, &LoadOptions{Threads: -1}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad threads: %v", err)
	}
}
