// SPDX-License-Identifier: MIT

package marketing

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

const segNS = "https://libmarketing.dev/ns/segments/1"

var defsXML = `<?xml version="1.0" encoding="UTF-8"?>
<segments xmlns="` + segNS + `">
  <segment id="gold" name="Gold Members" category="Tiers">
    <description>Gold tier.</description>
    <rule>customer.tier = 'GOLD'</rule>
  </segment>
  <segment id="loyal-gold" name="Loyal Gold">
    <criteria logic="AND">
      <condition field="customer.loyalty_member" operator="EQUALS" value="true"/>
    </criteria>
  </segment>
</segments>
`

var refsXML = `<segments xmlns="` + segNS + `">
  <segment id="gold" name="Gold Members"><rule>customer.tier = 'GOLD'</rule></segment>
  <segment id="gold-or-no-email" name="Gold or No Email">
    <rule>in segment 'Gold Members' or customer.email is null</rule>
  </segment>
  <segment id="later" name="Later Module">
    <unavailable>needs the scoring module</unavailable>
    <rule>score.churn >= 0.5</rule>
  </segment>
</segments>
`

// catalogTable is segmentTable with the as-of fields computed (2024-06-01).
func catalogTable(t *testing.T) (*Context, *Table) {
	t.Helper()
	c, tb := segmentTable(t)
	d, err := DateFromYMD(2024, 6, 1)
	must(t, err)
	must(t, tb.SetAsOf(d))
	return c, tb
}

func rowsOf(t *testing.T, s *Segment, err error, tb *Table) []uint64 {
	t.Helper()
	must(t, err)
	defer s.Close()
	m, err := s.Evaluate(tb)
	must(t, err)
	defer m.Close()
	return m.Rows()
}

func xmlCatalog(t *testing.T, c *Context, text, source string) *Catalog {
	t.Helper()
	cat, err := c.NewCatalog()
	must(t, err)
	t.Cleanup(func() { cat.Close() })
	must(t, cat.LoadXML([]byte(text), source))
	return cat
}

func TestCatalogBuiltin(t *testing.T) {
	c, tb := catalogTable(t)
	cat, err := c.BuiltinCatalog()
	must(t, err)
	defer cat.Close()
	defs, err := cat.Defs()
	must(t, err)
	if cat.Len() != 50 || len(defs) != 50 {
		t.Fatalf("%d / %d definitions, want 50", cat.Len(), len(defs))
	}
	ids, cats := map[string]bool{}, map[string]bool{}
	for i, d := range defs {
		if d.Index != i {
			t.Fatalf("definition %d has index %d", i, d.Index)
		}
		ids[d.ID], cats[d.Category] = true, true
	}
	if len(ids) != 50 || len(cats) != 8 {
		t.Fatalf("%d ids, %d categories", len(ids), len(cats))
	}
	hv, err := cat.Find("high-value")
	must(t, err)
	byName, err := cat.Find("High-Value Customers")
	must(t, err)
	if !reflect.DeepEqual(hv, byName) || hv.Rule != "booking.spend_12m > 5000" ||
		hv.Category != "Sales & Revenue" || !hv.Available() {
		t.Fatalf("high-value = %+v / %+v", hv, byName)
	}
	vip, err := cat.Find("vip")
	must(t, err)
	if vip.Available() || !strings.Contains(vip.Unavailable, "RFM") {
		t.Fatalf("vip = %+v", vip)
	}
	s, err := cat.Compile("Loyalty Program Members", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0, 2}) {
		t.Fatalf("loyalty members = %v", got)
	}
	s, err = cat.Compile("high-value", tb, &SegmentOptions{CaseInsensitive: true})
	if got := rowsOf(t, s, err, tb); len(got) != 0 {
		t.Fatalf("high value = %v", got)
	}
	if !strings.Contains(CatalogXMLSchema(), "relaxng") {
		t.Fatal("schema is not RelaxNG")
	}
}

func TestCatalogCompileErrors(t *testing.T) {
	c, tb := catalogTable(t)
	cat, err := c.BuiltinCatalog()
	must(t, err)
	defer cat.Close()
	_, err = cat.Compile("No Such Segment", tb, nil)
	if e := wantCode(t, err, ErrNotFound); !strings.Contains(e.Message, "No Such Segment") {
		t.Fatalf("message %q", e.Message)
	}
	_, err = cat.Compile("VIP Customers", tb, nil)
	if e := wantCode(t, err, ErrUnsupported); !strings.Contains(e.Message, "unavailable") ||
		!strings.Contains(e.Message, "RFM") {
		t.Fatalf("message %q", e.Message)
	}
	_, err = cat.Compile("vip", tb, &SegmentOptions{Catalog: cat})
	wantCode(t, err, ErrInvalid)
	_, err = cat.Compile("vip", tb, &SegmentOptions{
		Resolver: func(string) (*Rule, error) { return nil, nil }})
	wantCode(t, err, ErrInvalid)
}

func TestCatalogLookupErrors(t *testing.T) {
	c, _ := catalogTable(t)
	cat, err := c.BuiltinCatalog()
	must(t, err)
	_, err = cat.Find("nope")
	wantCode(t, err, ErrNotFound)
	_, err = cat.Index("vip customers") // names are exact
	wantCode(t, err, ErrNotFound)
	for _, i := range []int{50, -1} {
		_, err = cat.Get(i)
		wantCode(t, err, ErrNotFound)
		_, err = cat.Rule(i)
		wantCode(t, err, ErrNotFound)
	}
	_, err = cat.Resolve("nope")
	wantCode(t, err, ErrNotFound)
	var nilCat *Catalog
	_, err = nilCat.Find("vip")
	wantCode(t, err, ErrInvalid)
}

func TestCatalogRuleViews(t *testing.T) {
	c, _ := catalogTable(t)
	cat, err := c.BuiltinCatalog()
	must(t, err)
	i, err := cat.Index("high-value")
	must(t, err)
	r, err := cat.Rule(i)
	must(t, err)
	res, err := cat.Resolve("High-Value Customers")
	must(t, err)
	if r.String() != "booking.spend_12m > 5000" || !r.Equal(res) {
		t.Fatalf("rule %q, resolved %q", r, res)
	}
	must(t, cat.Close())
	must(t, cat.Close()) // idempotent
	if cat.Len() != 0 {
		t.Fatal("closed catalog has definitions")
	}
	_, err = r.Format()
	wantCode(t, err, ErrState) // the view died with its catalog
	_, err = cat.Get(0)
	wantCode(t, err, ErrState)
	_, err = cat.Defs()
	wantCode(t, err, ErrState)
	wantCode(t, cat.LoadXML([]byte(defsXML), ""), ErrState)
}

func TestCatalogXML(t *testing.T) {
	c, tb := catalogTable(t)
	cat := xmlCatalog(t, c, defsXML, "defs.xml")
	defs, err := cat.Defs()
	must(t, err)
	want := []SegmentDef{
		{Index: 0, ID: "gold", Name: "Gold Members", Category: "Tiers", Description: "Gold tier.",
			Rule: "customer.tier = 'GOLD'", Source: "defs.xml", Line: defs[0].Line},
		{Index: 1, ID: "loyal-gold", Name: "Loyal Gold", Rule: "customer.loyalty_member = true",
			Source: defs[1].Source, Line: defs[1].Line},
	}
	if !reflect.DeepEqual(defs, want) || defs[0].Line == 0 || defs[1].Line <= defs[0].Line {
		t.Fatalf("defs\n got %+v\nwant %+v", defs, want)
	}
	s, err := cat.Compile("gold", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0}) {
		t.Fatalf("gold = %v", got)
	}
	path := writeFile(t, "defs.xml", defsXML, false)
	fromFile, err := c.NewCatalog()
	must(t, err)
	defer fromFile.Close()
	must(t, fromFile.LoadXMLFile(path))
	s, err = fromFile.Compile("Loyal Gold", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0, 2}) {
		t.Fatalf("loyal gold = %v", got)
	}
}

func TestCatalogXMLErrors(t *testing.T) {
	c, _ := catalogTable(t)
	cat, err := c.NewCatalog()
	must(t, err)
	defer cat.Close()
	malformed := strings.Replace(defsXML, "</segment>\n  <segment id=\"loyal-gold\"",
		"</segmentx>\n  <segment id=\"loyal-gold\"", 1)
	e := wantCode(t, cat.LoadXML([]byte(malformed), "bad.xml"), ErrParse)
	if e.Source != "bad.xml" || e.Line != 6 || !strings.Contains(e.Message, "malformed XML") {
		t.Fatalf("malformed: %+v", e)
	}
	path := writeFile(t, "bad.xml", malformed, false)
	e = wantCode(t, cat.LoadXMLFile(path), ErrParse)
	if e.Source != path || e.Line != 6 {
		t.Fatalf("malformed file: %+v", e)
	}
	badRule := strings.Replace(defsXML, "customer.tier = 'GOLD'", "customer.tier = ", 1)
	if e = wantCode(t, cat.LoadXML([]byte(badRule), "r.xml"), ErrParse); e.Line != 5 {
		t.Fatalf("bad rule: %+v", e)
	}
	badSchema := strings.Replace(defsXML, "<description>", "<bogus/><description>", 1)
	e = wantCode(t, cat.LoadXML([]byte(badSchema), ""), ErrParse)
	if e.Line != 4 || !strings.Contains(e.Message, "schema") {
		t.Fatalf("schema: %+v", e)
	}
	e = wantCode(t, cat.LoadXMLFile(filepath.Join(t.TempDir(), "missing.xml")), ErrIO)
	if !strings.Contains(e.Message, "missing.xml") {
		t.Fatalf("io: %+v", e)
	}
	if cat.Len() != 0 {
		t.Fatalf("%d definitions after failed loads", cat.Len())
	}
	// All or nothing: a file with one taken name adds nothing.
	must(t, cat.LoadXML([]byte(defsXML), ""))
	wantCode(t, cat.LoadXML([]byte(defsXML), ""), ErrExist)
	more := strings.Replace(defsXML, `id="gold" name="Gold Members"`, `id="gold2" name="Gold 2"`, 1)
	wantCode(t, cat.LoadXML([]byte(more), ""), ErrExist)
	if _, err := cat.Find("gold2"); cat.Len() != 2 || err == nil {
		t.Fatalf("partial load: %d definitions", cat.Len())
	}
}

func TestCatalogReferencesAndUnavailable(t *testing.T) {
	c, tb := catalogTable(t)
	cat := xmlCatalog(t, c, refsXML, "")
	s, err := cat.Compile("gold-or-no-email", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0, 2}) {
		t.Fatalf("gold or no email = %v", got)
	}
	later, err := cat.Find("later")
	must(t, err)
	if later.Available() || later.Unavailable != "needs the scoring module" {
		t.Fatalf("later = %+v", later)
	}
	_, err = cat.Compile("Later Module", tb, nil)
	if e := wantCode(t, err, ErrUnsupported); !strings.Contains(e.Message, "needs the scoring module") {
		t.Fatalf("message %q", e.Message)
	}
	// Once the table has the field, the unavailable segment compiles normally.
	_, err = tb.AddColumn("score.churn", TypeNumber)
	must(t, err)
	must(t, tb.Set(1, "score.churn", 0.9))
	s, err = cat.Compile("later", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{1}) {
		t.Fatalf("later = %v", got)
	}
}

func TestCatalogAsResolver(t *testing.T) {
	c, tb := catalogTable(t)
	cat := xmlCatalog(t, c, refsXML, "")
	s, err := c.CompileText("in segment 'gold' and customer.nps_score > 5", tb,
		&SegmentOptions{Catalog: cat})
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0}) {
		t.Fatalf("rows %v", got)
	}
	_, err = c.CompileText("in segment 'nope'", tb, &SegmentOptions{Catalog: cat})
	wantCode(t, err, ErrNotFound)
	_, err = c.CompileText("in segment 'gold'", tb, &SegmentOptions{Catalog: cat,
		Resolver: func(string) (*Rule, error) { return nil, nil }})
	wantCode(t, err, ErrInvalid)
	closed := xmlCatalog(t, c, refsXML, "")
	must(t, closed.Close())
	_, err = c.CompileText("in segment 'gold'", tb, &SegmentOptions{Catalog: closed})
	wantCode(t, err, ErrState)
}

func TestCatalogAdd(t *testing.T) {
	c, tb := catalogTable(t)
	cat, err := c.NewCatalog()
	must(t, err)
	defer cat.Close()
	i, err := cat.Add(SegmentDef{ID: "gold", Name: "Gold", Rule: "customer.tier='GOLD'",
		Category: "Tiers", Description: "d"})
	must(t, err)
	j, err := cat.Add(SegmentDef{ID: "no-email", Name: "No Email", Rule: "customer.email is null",
		Unavailable: "why"})
	must(t, err)
	if i != 0 || j != 1 {
		t.Fatalf("indexes %d, %d", i, j)
	}
	gold, err := cat.Get(0)
	must(t, err)
	if gold.Rule != "customer.tier = 'GOLD'" || gold.Category != "Tiers" || !gold.Available() {
		t.Fatalf("gold = %+v", gold)
	}
	noEmail, err := cat.Find("No Email")
	must(t, err)
	if noEmail.Available() || noEmail.Unavailable != "why" {
		t.Fatalf("no-email = %+v", noEmail)
	}
	s, err := cat.Compile("Gold", tb, nil)
	if got := rowsOf(t, s, err, tb); !reflect.DeepEqual(got, []uint64{0}) {
		t.Fatalf("gold = %v", got)
	}
	_, err = cat.Add(SegmentDef{ID: "gold", Name: "Other", Rule: "customer.tier = 'GOLD'"})
	wantCode(t, err, ErrExist)
	_, err = cat.Add(SegmentDef{ID: "other", Name: "Gold", Rule: "customer.tier = 'GOLD'"})
	wantCode(t, err, ErrExist)
	_, err = cat.Add(SegmentDef{ID: "Bad Id", Name: "Bad", Rule: "customer.tier = 'GOLD'"})
	wantCode(t, err, ErrInvalid)
	_, err = cat.Add(SegmentDef{ID: "broken", Name: "Broken", Rule: "customer.tier =",
		Source: "mine.rules", Line: 7})
	if e := wantCode(t, err, ErrParse); e.Source != "mine.rules" || e.Line != 7 {
		t.Fatalf("parse error at %s:%d", e.Source, e.Line)
	}
	if cat.Len() != 2 {
		t.Fatalf("%d definitions after failed adds", cat.Len())
	}
}

// TestCatalogFinalizers leaves catalogs, views and segments to the garbage collector.
func TestCatalogFinalizers(t *testing.T) {
	c, tb := catalogTable(t)
	for i := 0; i < 20; i++ {
		cat, err := c.BuiltinCatalog()
		must(t, err)
		_, _ = cat.Rule(i)
		s, err := cat.Compile(fmt.Sprintf("loyalty-%s", "members"), tb, nil)
		must(t, err)
		_, _ = s.Evaluate(tb)
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	must(t, c.Close())
}
