// SPDX-License-Identifier: MIT

package marketing

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const audienceN = 200

var tiers = []string{"GOLD", "SILVER", "BRONZE", "NONE"}

// audienceCSV is n customers C000.. with a tier cycling through tiers and loyalty every
// third row, in reverse row order when reverse.
func audienceCSV(n int, reverse bool) string {
	rows := make([]string, n)
	for i := range rows {
		loyal := 0
		if i%3 == 0 {
			loyal = 1
		}
		rows[i] = fmt.Sprintf("C%03d,%s,%d", i, tiers[i%4], loyal)
	}
	if reverse {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return "customer_id,tier,loyalty_member\n" + strings.Join(rows, "\n") + "\n"
}

func loadCustomers(t *testing.T, c *Context, text string) *Table {
	t.Helper()
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "customers.csv", text, false), nil))
	return tb
}

func audienceTable(t *testing.T) (*Context, *Table) {
	t.Helper()
	c := newContext(t)
	return c, loadCustomers(t, c, audienceCSV(audienceN, false))
}

// idsOf lists the sorted customer ids of the members.
func idsOf(t *testing.T, m *Members, tb *Table) []string {
	t.Helper()
	var ids []string
	m.Each(func(r uint64) bool {
		id, err := tb.CustomerID(r)
		must(t, err)
		ids = append(ids, id)
		return true
	})
	sort.Strings(ids)
	return ids
}

func expectIDs(pred func(i int) bool) []string {
	var ids []string
	for i := 0; i < audienceN; i++ {
		if pred(i) {
			ids = append(ids, fmt.Sprintf("C%03d", i))
		}
	}
	return ids
}

func TestAudienceEvaluate(t *testing.T) {
	c, tb := audienceTable(t)
	gold := compile(t, c, tb, "customer.tier = 'GOLD'", nil)
	silver := compile(t, c, tb, "customer.tier = 'SILVER'", nil)
	loyal := compile(t, c, tb, "customer.loyalty_member = true", nil)
	m, err := (&Audience{Include: []*Segment{gold, loyal}}).Evaluate(tb) // zero Logic: AND
	must(t, err)
	if got := idsOf(t, m, tb); !reflect.DeepEqual(got, expectIDs(func(i int) bool {
		return i%4 == 0 && i%3 == 0
	})) || m.Size() != audienceN {
		t.Fatalf("gold and loyal = %v", got)
	}
	a := &Audience{Include: []*Segment{gold, silver}, Exclude: []*Segment{loyal}, Logic: AudienceOr}
	m, err = a.Evaluate(tb)
	must(t, err)
	if got := idsOf(t, m, tb); !reflect.DeepEqual(got, expectIDs(func(i int) bool {
		return i%4 <= 1 && i%3 != 0
	})) {
		t.Fatalf("(gold or silver) - loyal = %v", got)
	}
	a.Exclude = nil
	m, err = a.Evaluate(tb)
	must(t, err)
	if m.Count() != audienceN/2 {
		t.Fatalf("gold or silver: %d", m.Count())
	}
}

func TestAudienceCombine(t *testing.T) {
	c, tb := audienceTable(t)
	g := members(t, c, tb, "customer.tier = 'GOLD'")
	n := members(t, c, tb, "customer.tier = 'NONE'")
	l := members(t, c, tb, "customer.loyalty_member = true")
	m, err := c.CombineAudience(AudienceOr, []*Members{g, n}, []*Members{l})
	must(t, err)
	want, err := g.Copy()
	must(t, err)
	must(t, want.Or(n))
	must(t, want.AndNot(l))
	if !reflect.DeepEqual(m.Rows(), want.Rows()) || len(m.Rows()) != len(expectIDs(func(i int) bool {
		return (i%4 == 0 || i%4 == 3) && i%3 != 0
	})) {
		t.Fatalf("combine = %v, want %v", m.Rows(), want.Rows())
	}
	m, err = c.CombineAudience(AudienceAnd, []*Members{g, l}, nil)
	must(t, err)
	must(t, want.Close())
	want, _ = g.Copy()
	must(t, want.And(l))
	if !reflect.DeepEqual(m.Rows(), want.Rows()) {
		t.Fatalf("gold and loyal = %v", m.Rows())
	}
}

func TestAudienceErrors(t *testing.T) {
	c, tb := audienceTable(t)
	gold := compile(t, c, tb, "customer.tier = 'GOLD'", nil)
	_, err := (&Audience{}).Evaluate(tb)
	wantCode(t, err, ErrInvalid)
	_, err = (&Audience{Include: []*Segment{gold}, Logic: 3}).Evaluate(tb)
	if e := wantCode(t, err, ErrInvalid); !strings.Contains(e.Message, "logic") {
		t.Fatalf("message %q", e.Message)
	}
	_, err = (&Audience{Include: []*Segment{gold}, Exclude: []*Segment{nil}}).Evaluate(tb)
	wantCode(t, err, ErrInvalid)
	_, err = c.CombineAudience(AudienceAnd, nil, nil)
	wantCode(t, err, ErrInvalid)
	gm, err := gold.Evaluate(tb)
	must(t, err)
	small, err := c.NewMembers(3)
	must(t, err)
	_, err = c.CombineAudience(AudienceAnd, []*Members{gm}, []*Members{small})
	if e := wantCode(t, err, ErrInvalid); !strings.Contains(e.Message, "rows") {
		t.Fatalf("message %q", e.Message)
	}
	must(t, small.Close())
	_, err = c.CombineAudience(AudienceAnd, []*Members{gm, small}, nil)
	wantCode(t, err, ErrState)
	must(t, gold.Close())
	_, err = (&Audience{Include: []*Segment{gold}}).Evaluate(tb)
	wantCode(t, err, ErrState)
}

func everyone(t *testing.T, c *Context, rows uint64) *Members {
	t.Helper()
	m, err := c.NewMembers(rows)
	must(t, err)
	must(t, m.Not())
	return m
}

func TestSample(t *testing.T) {
	c, tb := audienceTable(t)
	all := everyone(t, c, audienceN)
	sample := func(m *Members, tb *Table, n, seed uint64) *Members {
		t.Helper()
		s, err := m.Sample(tb, n, seed)
		must(t, err)
		return s
	}
	a, b := sample(all, tb, 20, 42), sample(all, tb, 20, 42)
	if a.Count() != 20 || a.Size() != audienceN || !reflect.DeepEqual(a.Rows(), b.Rows()) {
		t.Fatalf("same seed: %v / %v", a.Rows(), b.Rows())
	}
	if reflect.DeepEqual(a.Rows(), sample(all, tb, 20, 43).Rows()) {
		t.Fatal("seeds 42 and 43 chose the same rows") // 1 chance in C(200, 20)
	}
	small := sample(all, tb, 5, 42)
	small.Each(func(r uint64) bool {
		if !a.Contains(r) {
			t.Fatalf("row %d of the 5-sample is not in the 20-sample", r)
		}
		return true
	})
	if sample(all, tb, 1<<40, 1).Count() != audienceN || sample(all, tb, 0, 1).Count() != 0 {
		t.Fatal("n past the count or zero")
	}
	// Only members, and independent of row order.
	gold := members(t, c, tb, "customer.tier = 'GOLD'")
	s := sample(gold, tb, 10, 7)
	s.Each(func(r uint64) bool {
		if !gold.Contains(r) {
			t.Fatalf("row %d is not a member", r)
		}
		return true
	})
	rtb := loadCustomers(t, c, audienceCSV(audienceN, true))
	rgold := members(t, c, rtb, "customer.tier = 'GOLD'")
	if got, want := idsOf(t, sample(rgold, rtb, 10, 7), rtb), idsOf(t, s, tb); !reflect.DeepEqual(got, want) {
		t.Fatalf("row order changed the sample: %v vs %v", got, want)
	}
}

func TestSampleErrors(t *testing.T) {
	c, tb := audienceTable(t)
	big := everyone(t, c, audienceN+1)
	_, err := big.Sample(tb, 5, 1) // more rows than the table
	wantCode(t, err, ErrInvalid)
	must(t, big.Close())
	_, err = big.Sample(tb, 5, 1)
	wantCode(t, err, ErrState)
}

type exportFixture struct {
	c    *Context
	tb   *Table
	gold *Members
	want string
	dir  string
}

func newExportFixture(t *testing.T) *exportFixture {
	c, tb := audienceTable(t)
	ids := expectIDs(func(i int) bool { return i%4 == 0 })
	return &exportFixture{c: c, tb: tb, gold: members(t, c, tb, "customer.tier = 'GOLD'"),
		want: "customer_id\n" + strings.Join(ids, "\n") + "\n", dir: t.TempDir()}
}

func readFile(t *testing.T, path string, gz bool) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	if !gz {
		return string(b)
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	must(t, err)
	out, err := io.ReadAll(r)
	must(t, err)
	return string(out)
}

func TestExportCSV(t *testing.T) {
	f := newExportFixture(t)
	path := filepath.Join(f.dir, "gold.csv")
	must(t, f.gold.ExportCSV(f.tb, path, nil))
	if got := readFile(t, path, false); got != f.want {
		t.Fatalf("export:\n%s", got)
	}
	// Sorted by the id bytes whatever the row order; quoted only when needed.
	ids := []string{"b", "a,1", `q"x`, "A", "é", "B"}
	rand.New(rand.NewSource(3)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var csv strings.Builder
	csv.WriteString("customer_id\n")
	for _, id := range ids {
		csv.WriteString(`"` + strings.ReplaceAll(id, `"`, `""`) + "\"\n")
	}
	odd := loadCustomers(t, f.c, csv.String())
	all := everyone(t, f.c, odd.Len())
	must(t, all.ExportCSV(odd, path, &ExportOptions{Gzip: ExportGzipNever}))
	if got := readFile(t, path, false); got != "customer_id\nA\nB\n\"a,1\"\nb\n\"q\"\"x\"\né\n" {
		t.Fatalf("sorted export:\n%s", got)
	}
}

func TestExportCSVGzip(t *testing.T) {
	f := newExportFixture(t)
	auto := filepath.Join(f.dir, "gold.csv.gz")
	must(t, f.gold.ExportCSV(f.tb, auto, nil))
	if got := readFile(t, auto, true); got != f.want {
		t.Fatalf("auto gzip:\n%s", got)
	}
	forced := filepath.Join(f.dir, "gold.out")
	must(t, f.gold.ExportCSV(f.tb, forced, &ExportOptions{Gzip: ExportGzipAlways, GzipLevel: 9}))
	if got := readFile(t, forced, true); got != f.want {
		t.Fatalf("forced gzip:\n%s", got)
	}
	plain := filepath.Join(f.dir, "plain.csv.gz")
	must(t, f.gold.ExportCSV(f.tb, plain, &ExportOptions{Gzip: ExportGzipNever}))
	if got := readFile(t, plain, false); got != f.want {
		t.Fatalf("never gzip:\n%s", got)
	}
}

func TestExportCSVFile(t *testing.T) {
	f := newExportFixture(t)
	path := filepath.Join(f.dir, "fd.csv")
	out, err := os.Create(path)
	must(t, err)
	must(t, f.gold.ExportCSVFile(f.tb, out, nil))
	must(t, out.Close())
	if got := readFile(t, path, false); got != f.want {
		t.Fatalf("file export:\n%s", got)
	}
	out, err = os.Create(path)
	must(t, err)
	must(t, f.gold.ExportCSVFile(f.tb, out, &ExportOptions{Gzip: ExportGzipAlways}))
	if _, err := out.Stat(); err != nil {
		t.Fatalf("the file was closed: %v", err)
	}
	must(t, out.Close())
	if got := readFile(t, path, true); got != f.want {
		t.Fatalf("gzip file export:\n%s", got)
	}
}

func TestExportErrors(t *testing.T) {
	f := newExportFixture(t)
	missing := filepath.Join(f.dir, "no", "such", "dir.csv")
	e := wantCode(t, f.gold.ExportCSV(f.tb, missing, nil), ErrIO)
	if !strings.Contains(e.Message, "dir.csv") {
		t.Fatalf("message %q", e.Message)
	}
	x := filepath.Join(f.dir, "x.csv")
	wantCode(t, f.gold.ExportCSV(f.tb, x, &ExportOptions{GzipLevel: 42}), ErrInvalid)
	wantCode(t, f.gold.ExportCSV(f.tb, x, &ExportOptions{Gzip: 7}), ErrInvalid)
	big := everyone(t, f.c, audienceN+1)
	wantCode(t, big.ExportCSV(f.tb, x, nil), ErrInvalid)
	if _, err := os.Stat(x); !os.IsNotExist(err) {
		t.Fatalf("a failed export left %s", x)
	}
	wantCode(t, f.gold.ExportCSVFile(f.tb, nil, nil), ErrInvalid)
	closed, err := os.Create(filepath.Join(f.dir, "closed.csv"))
	must(t, err)
	must(t, closed.Close())
	wantCode(t, f.gold.ExportCSVFile(f.tb, closed, nil), ErrInvalid) // Fd() of a closed file: -1
	readOnly, err := os.Open(closed.Name())
	must(t, err)
	defer readOnly.Close()
	wantCode(t, f.gold.ExportCSVFile(f.tb, readOnly, nil), ErrIO)
	must(t, f.gold.Close())
	wantCode(t, f.gold.ExportCSV(f.tb, x, nil), ErrState)
}

func TestLoadThreads(t *testing.T) {
	var more strings.Builder
	more.WriteString(bookingsCSV)
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&more, "X%d,C%d,2024-01-%02d,,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,WEB,1,%d.00,,USD,\n",
			i, 1+i%3, 1+i%28, i)
	}
	c := newContext(t)
	var first *TableStats
	for _, threads := range []int{0, 1, 4} {
		tb, err := c.NewTable()
		must(t, err)
		o := &LoadOptions{Threads: threads}
		must(t, tb.LoadCustomers(writeFile(t, "c.csv", customersCSV, false), o))
		must(t, tb.LoadBookings(writeFile(t, "b.csv", more.String(), false), o))
		must(t, tb.LoadEvents(writeFile(t, "e.csv", eventsCSV, false), o))
		st, err := tb.Stats()
		must(t, err)
		if first == nil {
			first = &st
		} else if !reflect.DeepEqual(st, *first) {
			t.Fatalf("threads %d: %+v, want %+v", threads, st, *first)
		}
	}
	if first.Bookings != 503 {
		t.Fatalf("%d bookings", first.Bookings)
	}
	tb, err := c.NewTable()
	must(t, err)
	path := writeFile(t, "c.csv", customersCSV, false)
	e := wantCode(t, tb.LoadCustomers(path, &LoadOptions{Threads: -1}), ErrInvalid)
	if !strings.Contains(e.Message, "threads") {
		t.Fatalf("message %q", e.Message)
	}
	wantCode(t, tb.LoadCustomers(path, &LoadOptions{Threads: 1 << 40}), ErrInvalid)
	must(t, tb.LoadCustomers(path, &LoadOptions{Threads: 2}))
	bad := writeFile(t, "b.csv", strings.Replace(bookingsCSV, "350.50", "abc", 1), false)
	for _, threads := range []int{1, 4} { // the same error, whatever the threads
		e := wantCode(t, tb.LoadBookings(bad, &LoadOptions{Threads: threads}), ErrParse)
		if e.Line != 2 || e.Column != 13 {
			t.Fatalf("threads %d: error at %d:%d", threads, e.Line, e.Column)
		}
	}
}
