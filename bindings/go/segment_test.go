// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Rows of customersCSV: C1 = 0 (GOLD, nps 9, loyal, signed up 2023-01-15, spend 1550.50),
// C2 = 1 (SILVER, nps null, not loyal, 2023-02-01, only a cancelled booking: spend 0),
// C3 = 2 (NONE, no email, nps 3, loyal, no signup date, no booking: spend 0).
var segmentCases = []struct {
	rule string
	want []uint64
}{
	{"customer.tier in ('GOLD', 'SILVER')", []uint64{0, 1}},
	{"customer.email is null", []uint64{2}},
	{"customer.nps_score >= 5", []uint64{0}},
	{"customer.nps_score != 9", []uint64{1, 2}}, // null: the negation holds
	{"customer.email ends with '@EXAMPLE.com' ci", []uint64{0, 1}},
	{"booking.total_spend >= 1000", []uint64{0}}, // major units: 1550.50 >= 1000.00
	{"booking.total_spend > 1550.5", []uint64{}},
	{"customer.signup_date < '2023-02-01'", []uint64{0}},
	{"customer.loyalty_member = true", []uint64{0, 2}},
	{"customer.favourite starts with 'co'", []uint64{1}}, // a custom (text) column
	{"customer.email_open_rate between 0.3 and 1", []uint64{1}},
	{"customer.tier = 'GOLD' or customer.email is null", []uint64{0, 2}},
	{"not customer.tier = 'GOLD'", []uint64{1, 2}},
}

func segmentTable(t *testing.T) (*Context, *Table) {
	t.Helper()
	c := newContext(t, WithClock(func() (time.Time, error) { return time.Unix(1717234200, 0), nil }))
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "customers.csv", customersCSV, false), nil))
	must(t, tb.LoadBookings(writeFile(t, "bookings.csv", bookingsCSV, false), nil))
	return c, tb
}

func parse(t *testing.T, c *Context, text string) *Rule {
	t.Helper()
	r, err := c.ParseRule(text, nil)
	must(t, err)
	return r
}

func compile(t *testing.T, c *Context, tb *Table, text string, o *SegmentOptions) *Segment {
	t.Helper()
	s, err := c.CompileText(text, tb, o)
	must(t, err)
	return s
}

func TestRuleParseFormat(t *testing.T) {
	c, _ := segmentTable(t)
	r := parse(t, c, "customer.tier IN ('GOLD','PLATINUM')  AND booking.spend_12m>=5000 -- big\n"+
		"  and NOT customer.email IS NULL or customer.city = 'paris' CI")
	want := "customer.tier in ('GOLD', 'PLATINUM') and booking.spend_12m >= 5000 and " +
		"not customer.email is null or customer.city = 'paris' ci"
	text, err := r.Format()
	must(t, err)
	if text != want || r.String() != want {
		t.Fatalf("Format = %q", text)
	}
	again := parse(t, c, text)
	if !again.Equal(r) || again.String() != text {
		t.Fatalf("round trip: %q", again)
	}
	if parse(t, c, "customer.tier = 'A'").Equal(parse(t, c, "customer.tier = 'B'")) {
		t.Fatal("different rules are equal")
	}
	alias := parse(t, c, "customer.totalSpend >= 5000 AND booking.cabinClass IN [BUSINESS, FIRST]")
	if alias.String() != "booking.spend_total >= 5000 and booking.preferred_cabin in ('BUSINESS', 'FIRST')" {
		t.Fatalf("aliases: %q", alias)
	}
}

func TestRuleParseErrors(t *testing.T) {
	c, _ := segmentTable(t)
	_, err := c.ParseRule("customer.tier = 'GOLD'\n  and customer.x ~ 3", &ParseOptions{Source: "rules.txt"})
	e := wantCode(t, err, ErrParse)
	if e.Source != "rules.txt" || e.Line != 2 || e.Column != 18 ||
		!strings.Contains(e.Message, "rules.txt:2:18") || !strings.Contains(e.Message, "'~'") {
		t.Fatalf("parse error %+v", e)
	}
	_, err = c.ParseRule("customer.tier =", &ParseOptions{FirstLine: 10})
	if e := wantCode(t, err, ErrParse); e.Line != 10 {
		t.Fatalf("first line: %+v", e)
	}
	_, err = c.ParseRule("((((customer.tier = 'A'))))", &ParseOptions{MaxDepth: 2})
	wantCode(t, err, ErrTooBig)
	_, err = c.ParseRule("customer.tier in ('A', 'B', 'C')", &ParseOptions{MaxList: 2})
	wantCode(t, err, ErrTooBig)
	_, err = c.ParseRule("customer.tier = 'GOLD'", &ParseOptions{MaxLength: 5})
	wantCode(t, err, ErrTooBig)
	_, err = c.ParseRule("customer.tier in ('A', 'B')", &ParseOptions{MaxList: 2})
	must(t, err)
	_, err = c.ParseRule("", nil)
	wantCode(t, err, ErrParse)
}

func TestRuleInspect(t *testing.T) {
	c, _ := segmentTable(t)
	r := parse(t, c, "customer.tier in ('GOLD', 'PLATINUM') and (booking.count_12m "+
		"between 2 and 10.5 or not customer.signup_date > today - 30 days)")
	if r.Kind() != RuleAnd || r.NumChildren() != 2 || r.Field() != "" || r.Op() != 0 || r.NumValues() != 0 {
		t.Fatalf("root: %v %d %q %v", r.Kind(), r.NumChildren(), r.Field(), r.Op())
	}
	kids := r.Children()
	cond, group := kids[0], kids[1]
	vals, err := cond.Values()
	must(t, err)
	if cond.Kind() != RuleCondition || cond.Field() != "customer.tier" || cond.Op() != OpIn ||
		cond.Flags() != 0 || !reflect.DeepEqual(vals, []Value{StringValue("GOLD"), StringValue("PLATINUM")}) {
		t.Fatalf("condition: %v %q %v %v", cond.Kind(), cond.Field(), cond.Op(), vals)
	}
	between, err := group.Child(0)
	must(t, err)
	vals, err = between.Values()
	must(t, err)
	if group.Kind() != RuleOr || !reflect.DeepEqual(vals, []Value{IntValue(2), DecimalValue("10.5")}) {
		t.Fatalf("between: %v", vals)
	}
	neg := group.Children()[1]
	inner, err := neg.Child(0)
	must(t, err)
	if v, err := inner.Value(0); err != nil || neg.Kind() != RuleNot || v != TodayValue(-30) {
		t.Fatalf("today: %v %v", v, err)
	}
	_, err = r.Child(2)
	wantCode(t, err, ErrNotFound)
	_, err = r.Child(-1)
	wantCode(t, err, ErrNotFound)
	_, err = cond.Value(2)
	wantCode(t, err, ErrNotFound)
	_, err = cond.Value(-1)
	wantCode(t, err, ErrNotFound)
	if f := parse(t, c, "customer.city = 'x' ci").Flags(); f != RuleCI {
		t.Fatalf("flags %v", f)
	}
}

func TestRuleBuild(t *testing.T) {
	c, _ := segmentTable(t)
	tier, err := c.Condition("customer.tier", OpIn, RuleCI, StringValue("GOLD"), StringValue("SILVER"))
	must(t, err)
	spend, err := c.Condition("booking.spend_12m", OpBetween, 0, DecimalValue("10.5"), IntValue(20))
	must(t, err)
	recent, err := c.Condition("customer.signup_date", OpGe, 0, TodayValue(-7))
	must(t, err)
	d, _ := DateFromYMD(2024, 1, 2)
	on, err := c.Condition("customer.signup_date", OpEq, 0, DateValue(d))
	must(t, err)
	null, err := c.Condition("customer.email", OpIsNull, 0)
	must(t, err)
	loyal, err := c.Condition("customer.loyalty_member", OpEq, 0, BoolValue(true))
	must(t, err)
	for r, want := range map[*Rule]string{
		tier: "customer.tier in ('GOLD', 'SILVER') ci", spend: "booking.spend_12m between 10.5 and 20",
		recent: "customer.signup_date >= today - 7 days", on: "customer.signup_date = '2024-01-02'",
		null: "customer.email is null", loyal: "customer.loyalty_member = true",
	} {
		if r.String() != want {
			t.Errorf("built %q, want %q", r, want)
		}
	}
	or, err := c.Or(spend, recent)
	must(t, err)
	and, err := c.And(tier, or)
	must(t, err)
	if !and.Equal(parse(t, c, and.String())) || and.NumChildren() != 2 {
		t.Fatalf("and/or: %q", and)
	}
	flat, err := c.And(and, loyal)
	must(t, err)
	if flat.NumChildren() != 3 {
		t.Fatalf("nested ANDs are not flattened: %q", flat)
	}
	not, err := c.Not(null)
	must(t, err)
	if !not.Equal(parse(t, c, "not customer.email is null")) {
		t.Fatalf("not: %q", not)
	}
	ref, err := c.SegmentRef("High Value")
	must(t, err)
	if ref.Kind() != RuleSegment || ref.Field() != "High Value" || ref.String() != "in segment 'High Value'" {
		t.Fatalf("segment ref %q", ref)
	}
	cp, err := and.Copy()
	must(t, err)
	must(t, and.Close())
	if cp.NumChildren() != 2 || and.Equal(cp) {
		t.Fatal("copy depends on its original")
	}
}

func TestRuleBuildErrors(t *testing.T) {
	c, _ := segmentTable(t)
	_, err := c.Condition("booking.spend_12m", OpBetween, 0, IntValue(1))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("", OpEq, 0, IntValue(1))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("customer.nps_score", OpGt, RuleCI, IntValue(1))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("customer.tier", Op(999), 0, StringValue("x"))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("customer.tier", OpEq, 0, StringValue("\xff"))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("customer.tier", OpEq, 0, DecimalValue("1e5"))
	wantCode(t, err, ErrInvalid)
	_, err = c.Condition("customer.tier", OpEq, 0, Value{Kind: 99})
	wantCode(t, err, ErrInvalid)
	_, err = c.And()
	wantCode(t, err, ErrInvalid)
	_, err = c.Or()
	wantCode(t, err, ErrInvalid)
	_, err = c.SegmentRef("")
	wantCode(t, err, ErrInvalid)
	_, err = c.Not(nil)
	wantCode(t, err, ErrInvalid)
	closed := parse(t, c, "customer.tier = 'A'")
	must(t, closed.Close())
	_, err = c.And(closed)
	wantCode(t, err, ErrState)
	_, err = c.Not(closed)
	wantCode(t, err, ErrState)
	_, err = closed.Copy()
	wantCode(t, err, ErrState)
	_, err = closed.Format()
	wantCode(t, err, ErrState)
	if closed.Kind() != 0 || closed.Equal(closed) || !strings.Contains(closed.String(), "closed") {
		t.Fatal("a closed rule still answers")
	}
}

func TestOpNames(t *testing.T) {
	if OpNotIn.String() != "not in" || OpStartsWith.String() != "starts with" || Op(999).String() != "Op(999)" {
		t.Fatalf("names: %v %v %v", OpNotIn, OpStartsWith, Op(999))
	}
	for name, want := range map[string]Op{"greater_than_or_equal": OpGe, "NOT  IN": OpNotIn, "<>": OpNe} {
		if op, err := OpFromName(name); err != nil || op != want {
			t.Errorf("OpFromName(%q) = %v, %v", name, op, err)
		}
	}
	_, err := OpFromName("approximately")
	wantCode(t, err, ErrNotFound)
}

func TestSegmentEvaluate(t *testing.T) {
	c, tb := segmentTable(t)
	for _, tc := range segmentCases {
		s := compile(t, c, tb, tc.rule, nil)
		m, err := s.Evaluate(tb)
		must(t, err)
		if got := m.Rows(); !reflect.DeepEqual(got, tc.want) || m.Count() != uint64(len(tc.want)) || m.Size() != 3 {
			t.Errorf("%s: members %v (count %d of %d), want %v", tc.rule, got, m.Count(), m.Size(), tc.want)
		}
		for row := uint64(0); row < 3; row++ {
			in := false
			for _, w := range tc.want {
				in = in || w == row
			}
			matched, err := s.MatchRow(tb, row)
			must(t, err)
			ex, err := s.ExplainRow(tb, row)
			must(t, err)
			if matched != in || m.Contains(row) != in || ex.Matched != in {
				t.Errorf("%s: row %d: match %v, contains %v, explain %v", tc.rule, row, matched, m.Contains(row), ex.Matched)
			}
		}
	}
}

func TestSegmentCompileErrors(t *testing.T) {
	c, tb := segmentTable(t)
	_, err := c.CompileText("customer.tier = 'GOLD' and\n  customer.teir = 'GOLD'", tb, nil)
	e := wantCode(t, err, ErrNotFound)
	if !strings.Contains(e.Message, "unknown field 'customer.teir'; did you mean customer.tier?") ||
		e.Line != 2 || e.Column != 3 {
		t.Fatalf("unknown field: %+v", e)
	}
	_, err = c.CompileText("customer.nps_score contains 'x'", tb, nil)
	if e := wantCode(t, err, ErrType); e.Column != 20 {
		t.Fatalf("type error: %+v", e)
	}
	_, err = c.CompileText("customer.email matches '('", tb, nil)
	wantCode(t, err, ErrParse)
	_, err = c.CompileText("customer.signup_date = 'nope'", tb, nil)
	wantCode(t, err, ErrParse)
	_, err = c.CompileText("in segment 'X'", tb, nil)
	wantCode(t, err, ErrNotFound)
	_, err = c.CompileText("customer.tier = ", tb, nil)
	wantCode(t, err, ErrParse)
	_, err = c.Compile(nil, tb, nil)
	wantCode(t, err, ErrInvalid)
	r := parse(t, c, "customer.tier = 'A'")
	closed, _ := c.NewTable()
	must(t, closed.Close())
	_, err = c.Compile(r, closed, nil)
	wantCode(t, err, ErrState)
}

func TestSegmentOptions(t *testing.T) {
	c, tb := segmentTable(t)
	asOf, _ := DateFromYMD(2023, 2, 10)
	s := compile(t, c, tb, "customer.signup_date within last 30 days", &SegmentOptions{AsOf: &asOf})
	m, err := s.Evaluate(tb)
	must(t, err)
	if s.AsOf() != asOf || !reflect.DeepEqual(m.Rows(), []uint64{0, 1}) {
		t.Fatalf("as of %v: %v", s.AsOf(), m.Rows())
	}
	clock, _ := DateFromYMD(2024, 6, 1)
	if d := compile(t, c, tb, "customer.tier = 'A'", nil).AsOf(); d != clock {
		t.Fatalf("default as-of %v", d)
	}
	for text, want := range map[string][]uint64{"customer.tier = 'gold'": {0}, "customer.tier = 'gold' cs": {}} {
		s := compile(t, c, tb, text, &SegmentOptions{CaseInsensitive: true, NoRegexJIT: true,
			RegexMatchLimit: 1000, RegexDepthLimit: 100, MaxNodes: 10})
		m, err := s.Evaluate(tb)
		must(t, err)
		if !reflect.DeepEqual(m.Rows(), want) {
			t.Errorf("%s: %v", text, m.Rows())
		}
	}
	if r := s.Rule(); r == nil || r.String() != "customer.signup_date within last 30 days" {
		t.Fatalf("segment rule %v", r)
	}
}

func TestSegmentSchemaAndRows(t *testing.T) {
	c, tb := segmentTable(t)
	s := compile(t, c, tb, "customer.favourite = 'tea'", nil)
	other, err := c.NewTable() // no custom column "favourite"
	must(t, err)
	_, err = s.Evaluate(other)
	wantCode(t, err, ErrState)
	_, err = s.MatchRow(other, 0)
	wantCode(t, err, ErrState)
	_, err = s.MatchRow(tb, 3)
	wantCode(t, err, ErrNotFound)
	_, err = s.ExplainRow(tb, 3)
	wantCode(t, err, ErrNotFound)
	ex, err := compile(t, c, tb, "customer.tier = 'GOLD' or customer.nps_score < 5", nil).ExplainRow(tb, 2)
	must(t, err)
	want := "yes or\n  no  customer.tier = 'GOLD'  [customer.tier = 'NONE']\n" +
		"  yes customer.nps_score < 5  [customer.nps_score = 3]\n"
	if !ex.Matched || ex.Text != want {
		t.Fatalf("explain %+v", ex)
	}
}

func TestSegmentResolver(t *testing.T) {
	c, tb := segmentTable(t)
	catalog := map[string]*Rule{
		"High Value": parse(t, c, "booking.total_spend >= 1000"),
		"Reachable":  parse(t, c, "customer.email is not null"),
		"A":          parse(t, c, "in segment 'B'"),
		"B":          parse(t, c, "in segment 'A'"),
	}
	var seen []string
	lookup := func(name string) (*Rule, error) { seen = append(seen, name); return catalog[name], nil }
	s := compile(t, c, tb, "in segment 'Reachable' and not in segment 'High Value'", &SegmentOptions{Resolver: lookup})
	m, err := s.Evaluate(tb)
	must(t, err)
	if !reflect.DeepEqual(m.Rows(), []uint64{1}) || !reflect.DeepEqual(seen, []string{"Reachable", "High Value"}) {
		t.Fatalf("members %v, resolved %v", m.Rows(), seen)
	}
	_, err = c.CompileText("in segment 'Nobody'", tb, &SegmentOptions{Resolver: lookup})
	if e := wantCode(t, err, ErrNotFound); !strings.Contains(e.Message, "Nobody") {
		t.Fatalf("unknown segment: %v", e)
	}
	_, err = c.CompileText("in segment 'A'", tb, &SegmentOptions{Resolver: lookup})
	wantCode(t, err, ErrConflict)
	offline := errors.New("catalog offline")
	_, err = c.CompileText("in segment 'A'", tb, &SegmentOptions{
		Resolver: func(string) (*Rule, error) { return nil, offline }})
	wantCode(t, err, ErrUser)
	if !errors.Is(err, offline) {
		t.Fatalf("the resolver's error is not the cause: %v", err)
	}
	_, err = c.CompileText("in segment 'A'", tb, &SegmentOptions{
		Resolver: func(string) (*Rule, error) { return nil, ErrIO }})
	wantCode(t, err, ErrIO)
	_, err = c.CompileText("in segment 'A'", tb, &SegmentOptions{
		Resolver: func(string) (*Rule, error) { panic("boom") }})
	if e := wantCode(t, err, ErrUser); e.Cause == nil || !strings.Contains(e.Cause.Error(), "boom") {
		t.Fatalf("panic: %v", err)
	}
	closed := parse(t, c, "customer.tier = 'A'")
	must(t, closed.Close())
	_, err = c.CompileText("in segment 'A'", tb, &SegmentOptions{
		Resolver: func(string) (*Rule, error) { return closed, nil }})
	wantCode(t, err, ErrState)
}

const recordRule = "customer.tier in ('GOLD', 'PLATINUM') and booking.total_spend >= 1000 " +
	"and customer.signup_date < '2024-01-01'"

func TestRecordMatchExplain(t *testing.T) {
	c, tb := segmentTable(t)
	s := compile(t, c, tb, recordRule, nil)
	rec, err := c.NewRecord(tb)
	must(t, err)
	if ok, err := s.Match(rec); err != nil || ok {
		t.Fatalf("empty record: %v %v", ok, err)
	}
	signup, _ := DateFromYMD(2023, 5, 1)
	must(t, rec.Set("customer.tier", "GOLD"))
	must(t, rec.Set("booking.total_spend", int64(120000))) // minor units
	must(t, rec.Set("customer.signup_date", signup))
	if ok, err := s.Match(rec); err != nil || !ok {
		t.Fatalf("match: %v %v", ok, err)
	}
	ex, err := s.Explain(rec)
	must(t, err)
	lines := strings.Split(ex.Text, "\n")
	if !ex.Matched || lines[0] != "yes and" ||
		lines[2] != "  yes booking.total_spend >= 1000  [booking.total_spend = 1200.00]" {
		t.Fatalf("explain %q", ex.Text)
	}
	must(t, rec.SetInt("booking.total_spend", 99999))
	ex, err = s.Explain(rec)
	must(t, err)
	if ex.Matched || !strings.HasPrefix(strings.Split(ex.Text, "\n")[2], "  no  booking.total_spend") {
		t.Fatalf("explain %q", ex.Text)
	}
	rec.Clear()
	if ok, _ := s.Match(rec); ok {
		t.Fatal("cleared record matches")
	}
	// Every setter.
	s2 := compile(t, c, tb, "customer.email_open_rate > 0.3 and customer.loyalty_member = true "+
		"and customer.nps_score = 7 and customer.email is null and event.last_time >= '2024-01-01'", nil)
	must(t, rec.SetNumber("customer.email_open_rate", 0.5))
	must(t, rec.Set("customer.loyalty_member", true))
	must(t, rec.Set("customer.nps_score", 7.0)) // integral: an INT field takes it
	must(t, rec.Set("event.last_time", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))
	must(t, rec.SetString("customer.email", "x@example.com"))
	if ok, _ := s2.Match(rec); ok {
		t.Fatal("email set: must not match")
	}
	must(t, rec.SetNull("customer.email"))
	if ok, err := s2.Match(rec); err != nil || !ok {
		t.Fatalf("setters: %v %v", ok, err)
	}
	must(t, rec.Set("customer.email", nil))
	must(t, rec.Set("customer.nps_score", 7))
	must(t, rec.Set("customer.nps_score", int32(7)))
	must(t, rec.Set("customer.loyalty_member", false))
	if ok, _ := s2.Match(rec); ok {
		t.Fatal("loyalty false: must not match")
	}
}

func TestRecordList(t *testing.T) {
	// As of 2024-06-15, C1's routes in the last 12 months are JFK-LAX and LAX-JFK; C2's only
	// booking is cancelled and C3 has none: empty lists.
	c, tb := segmentTable(t)
	d, _ := DateFromYMD(2024, 6, 15)
	must(t, tb.SetAsOf(d))
	s := compile(t, c, tb, "booking.routes_12m contains 'jfk-lax' ci", nil)
	m, err := s.Evaluate(tb)
	must(t, err)
	if !reflect.DeepEqual(m.Rows(), []uint64{0}) {
		t.Fatalf("members %v", m.Rows())
	}
	rec, err := c.NewRecord(tb)
	must(t, err)
	must(t, rec.Set("booking.routes_12m", []string{"CDG-JFK", "JFK-LAX"}))
	ex, err := s.Explain(rec)
	must(t, err)
	if want := "yes booking.routes_12m contains 'jfk-lax' ci  [booking.routes_12m = ('CDG-JFK', 'JFK-LAX')]\n"; !ex.Matched || ex.Text != want {
		t.Fatalf("explain %q", ex.Text)
	}
	match := func(s *Segment) bool {
		t.Helper()
		ok, err := s.Match(rec)
		must(t, err)
		return ok
	}
	must(t, rec.SetList("booking.routes_12m", []string{"JFK-LAXX", "JFK"})) // items, not substrings
	if match(s) {
		t.Fatal("substring matched")
	}
	isNull := compile(t, c, tb, "booking.routes_12m is null", nil)
	must(t, rec.SetList("booking.routes_12m", nil))
	if match(s) || match(isNull) {
		t.Fatal("an empty list contains something or is null")
	}
	must(t, rec.SetNull("booking.routes_12m"))
	if !match(isNull) {
		t.Fatal("null list")
	}
	must(t, rec.LoadRow(tb, 0))
	if !match(s) {
		t.Fatal("list from row 0")
	}
	wantCode(t, rec.SetList("customer.tier", []string{"GOLD"}), ErrType)
	wantCode(t, rec.SetList("booking.routes_12m", []string{"JFK-LAX", "\xff"}), ErrParse)
	wantCode(t, rec.SetList("nope.field", nil), ErrNotFound)
	if !match(s) {
		t.Fatal("a failed SetList changed the field")
	}
}

func TestRecordLoadRow(t *testing.T) {
	c, tb := segmentTable(t)
	s := compile(t, c, tb, recordRule, nil)
	rec, err := c.NewRecord(tb)
	must(t, err)
	for row := uint64(0); row < 3; row++ {
		must(t, rec.LoadRow(tb, row))
		a, err := s.Match(rec)
		must(t, err)
		b, err := s.MatchRow(tb, row)
		must(t, err)
		ea, _ := s.Explain(rec)
		eb, _ := s.ExplainRow(tb, row)
		if a != b || ea != eb || a != (row == 0) {
			t.Errorf("row %d: record %v/%q, row %v/%q", row, a, ea.Text, b, eb.Text)
		}
	}
}

func TestRecordErrors(t *testing.T) {
	c, tb := segmentTable(t)
	rec, err := c.NewRecord(tb)
	must(t, err)
	wantCode(t, rec.Set("nope.field", 1), ErrNotFound)
	wantCode(t, rec.Set("customer.tier", 1), ErrType)
	wantCode(t, rec.SetString("customer.nps_score", "7"), ErrType)
	wantCode(t, rec.SetNumber("customer.email_open_rate", posInf()), ErrRange)
	wantCode(t, rec.SetInt("customer.loyalty_member", 2), ErrRange)
	wantCode(t, rec.SetString("customer.tier", "\xff"), ErrParse)
	wantCode(t, rec.SetNull("nope.field"), ErrNotFound)
	wantCode(t, rec.SetNumber("nope.field", 1), ErrNotFound)
	wantCode(t, rec.Set("customer.tier", struct{}{}), ErrInvalid)
	wantCode(t, rec.LoadRow(tb, 3), ErrNotFound)
	small, err := c.NewTable() // fewer columns than the record
	must(t, err)
	_, err = small.AddCustomer("Z1")
	must(t, err)
	wantCode(t, rec.LoadRow(small, 0), ErrState)
	s := compile(t, c, tb, "customer.favourite = 'tea'", nil)
	other, err := c.NewRecord(small) // another schema
	must(t, err)
	_, err = s.Match(other)
	wantCode(t, err, ErrState)
	_, err = s.Explain(other)
	wantCode(t, err, ErrState)
	must(t, rec.Close())
	must(t, rec.Close())
	_, err = s.Match(rec)
	wantCode(t, err, ErrState)
	wantCode(t, rec.Set("customer.tier", "A"), ErrState)
	wantCode(t, rec.LoadRow(tb, 0), ErrState)
	rec.Clear() // no effect, no crash
	must(t, small.Close())
	_, err = c.NewRecord(small)
	wantCode(t, err, ErrState)
}

func posInf() float64 { var zero float64; return 1 / zero }

func members(t *testing.T, c *Context, tb *Table, text string) *Members {
	t.Helper()
	m, err := compile(t, c, tb, text, nil).Evaluate(tb)
	must(t, err)
	return m
}

func TestMembersAlgebra(t *testing.T) {
	c, tb := segmentTable(t)
	a := members(t, c, tb, "customer.tier in ('GOLD', 'SILVER')") // 0 1
	b := members(t, c, tb, "customer.loyalty_member = true")      // 0 2
	op := func(f func(m *Members) error) []uint64 {
		m, err := a.Copy()
		must(t, err)
		must(t, f(m))
		return m.Rows()
	}
	for name, tc := range map[string]struct {
		got, want []uint64
	}{
		"and":    {op(func(m *Members) error { return m.And(b) }), []uint64{0}},
		"or":     {op(func(m *Members) error { return m.Or(b) }), []uint64{0, 1, 2}},
		"andnot": {op(func(m *Members) error { return m.AndNot(b) }), []uint64{1}},
		"not":    {op(func(m *Members) error { return m.Not() }), []uint64{2}},
		"a":      {a.Rows(), []uint64{0, 1}}, // Copy kept the operands
		"b":      {b.Rows(), []uint64{0, 2}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", name, tc.got, tc.want)
		}
	}
}

func TestMembersSetIterate(t *testing.T) {
	c, _ := segmentTable(t)
	m, err := c.NewMembers(200)
	must(t, err)
	if m.Count() != 0 || m.Size() != 200 || len(m.Rows()) != 0 {
		t.Fatal("new set not empty")
	}
	for _, r := range []uint64{0, 5, 63, 64, 199} {
		must(t, m.Set(r, true))
	}
	must(t, m.Set(63, false))
	must(t, m.Set(64, false))
	if got := m.Rows(); !reflect.DeepEqual(got, []uint64{0, 5, 199}) || m.Count() != 3 {
		t.Fatalf("rows %v", got)
	}
	if r, ok := m.Next(6); !ok || r != 199 {
		t.Fatalf("Next(6) = %d %v", r, ok)
	}
	if _, ok := m.Next(200); ok {
		t.Fatal("Next past the end")
	}
	var firstTwo []uint64
	m.Each(func(r uint64) bool { firstTwo = append(firstTwo, r); return len(firstTwo) < 2 })
	if !reflect.DeepEqual(firstTwo, []uint64{0, 5}) || m.Contains(200) || !m.Contains(199) {
		t.Fatalf("Each stopped at %v", firstTwo)
	}
	must(t, m.Not())
	if m.Count() != 197 {
		t.Fatalf("complement count %d", m.Count())
	}
}

func TestMembersErrors(t *testing.T) {
	c, tb := segmentTable(t)
	a := members(t, c, tb, "customer.tier in ('GOLD', 'SILVER')")
	wantCode(t, a.Set(3, true), ErrNotFound)
	other, err := c.NewMembers(4)
	must(t, err)
	for name, f := range map[string]func(*Members) error{
		"and": a.And, "or": a.Or, "andnot": a.AndNot,
	} {
		e := wantCode(t, f(other), ErrInvalid)
		if !strings.Contains(e.Message, "3 and 4 rows") {
			t.Errorf("%s: %v", name, e)
		}
		wantCode(t, f(nil), ErrInvalid)
	}
	if !reflect.DeepEqual(a.Rows(), []uint64{0, 1}) {
		t.Fatal("a failed operation changed the set")
	}
	must(t, a.Close())
	must(t, a.Close())
	_, err = a.Copy()
	wantCode(t, err, ErrState)
	wantCode(t, a.Not(), ErrState)
	wantCode(t, a.Set(0, true), ErrState)
	wantCode(t, other.And(a), ErrState)
	if a.Count() != 0 || a.Size() != 0 || a.Contains(0) || len(a.Rows()) != 0 {
		t.Fatal("a closed set still answers")
	}
}

func TestSegmentLifetime(t *testing.T) {
	c, tb := segmentTable(t)
	r := parse(t, c, "customer.tier = 'A' and customer.email is null")
	child, err := r.Child(0)
	must(t, err)
	s, err := c.Compile(r, tb, nil)
	must(t, err)
	segRule := s.Rule()
	if !segRule.Equal(r) {
		t.Fatal("the segment's rule differs")
	}
	must(t, r.Close())
	if child.Field() != "" || child.Kind() != 0 {
		t.Fatal("a child outlived its rule")
	}
	if segRule.Kind() != RuleAnd {
		t.Fatal("the segment's rule is its own copy")
	}
	must(t, child.Close()) // a view: no effect
	must(t, s.Close())
	if segRule.Kind() != 0 || s.Rule() != nil || s.AsOf() != NullDate {
		t.Fatal("a closed segment still answers")
	}
	_, err = s.Evaluate(tb)
	wantCode(t, err, ErrState)
	_, err = s.MatchRow(tb, 0)
	wantCode(t, err, ErrState)
	_, err = s.ExplainRow(tb, 0)
	wantCode(t, err, ErrState)
	m := members(t, c, tb, "customer.email is null")
	rec, err := c.NewRecord(tb)
	must(t, err)
	must(t, c.Close())
	if m.Count() != 0 {
		t.Fatal("members outlived the context")
	}
	_, err = c.ParseRule("customer.tier = 'A'", nil)
	wantCode(t, err, ErrState)
	_, err = c.NewMembers(1)
	wantCode(t, err, ErrState)
	wantCode(t, rec.SetInt("booking.count", 1), ErrState)
}

// TestSegmentFinalizers leaves objects to the garbage collector: they must be freed without
// a crash whatever the order, and the context closes cleanly afterwards.
func TestSegmentFinalizers(t *testing.T) {
	c, tb := segmentTable(t)
	for i := 0; i < 50; i++ {
		r := parse(t, c, fmt.Sprintf("customer.nps_score > %d", i%10))
		s, err := c.Compile(r, tb, nil)
		must(t, err)
		m, err := s.Evaluate(tb)
		must(t, err)
		_, _ = m.Copy()
		_, _ = c.NewRecord(tb)
		_ = s.Rule().Children()
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	must(t, c.Close())
}
