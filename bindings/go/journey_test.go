// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const journeyNS = "https://libmarketing.dev/ns/journeys/1"

var cartXML = `<?xml version="1.0"?>
<journey xmlns="` + journeyNS + `" id="cart" name="Cart" reentry="allowed"
         reentry-after="7 days" max-duration="3 days">
  <goal id="booked" event="BOOKED"/>
  <entry id="start" event="CART" delay="1 hour"/>
  <send id="mail" channel="email" template="cart-1" subject="Hi">
    <context name="route" value="{{event.route}}"/>
  </send>
  <wait id="w" duration="1 day"/>
  <decision id="d">
    <when event="BOOKED" next="end"/>
    <otherwise next="sms"/>
  </decision>
  <send id="sms" channel="sms" template="cart-sms"/>
  <exit id="end"/>
</journey>
`

var brokenXML = `<?xml version="1.0"?>
<journey xmlns="` + journeyNS + `" id="broken">
  <entry id="start" manual="true"/>
  <decision id="d">
    <when event="E" next="end"/>
  </decision>
  <add-tag id="lost" tag="x" next="end"/>
  <exit id="end"/>
</journey>
`

func TestJourneyLoadAndRead(t *testing.T) {
	ctx := newContext(t)
	j, err := ctx.LoadJourney([]byte(cartXML), "cart.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	info, err := j.Info()
	if err != nil || info.ID != "cart" || info.ReentryAfter != 7*86400 || info.MaxDuration != 3*86400 ||
		info.Reentry != ReentryAllowed || info.Source != "cart.xml" {
		t.Fatalf("info %+v %v", info, err)
	}
	if j.NodeCount() != 7 || j.EdgeCount() != 6 {
		t.Fatalf("%d nodes %d edges", j.NodeCount(), j.EdgeCount())
	}
	i, err := j.FindNode("start")
	if err != nil || i != 1 {
		t.Fatal(i, err)
	}
	n, err := j.Node(i)
	if err != nil || n.Type != JourneyEntry || n.Kind != EntryEvent || n.Delay != 3600 || n.Line != 5 {
		t.Fatalf("%+v %v", n, err)
	}
	mail, _ := j.Node(2)
	if len(mail.Context) != 1 || mail.Context[0] != (JourneyContext{"route", "{{event.route}}"}) ||
		mail.Channel != ChannelEmail {
		t.Fatalf("%+v", mail)
	}
	d, _ := j.FindNode("d")
	edges, err := j.NodeEdges(d)
	if err != nil || len(edges) != 2 || edges[0].Port != PortBranch || edges[0].Event != "BOOKED" ||
		edges[1].Port != PortDefault {
		t.Fatalf("%+v %v", edges, err)
	}
	text, err := j.Format()
	if err != nil || !strings.Contains(text, "entry start: event CART, 1h after it\n") {
		t.Fatalf("%q %v", text, err)
	}
	if _, err := j.FindNode("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := j.Node(7); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := j.Edge(-1); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := j.NodeEdges(99); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	j.Close()
	if _, err := j.Info(); !errors.Is(err, ErrState) {
		t.Fatal(err)
	}
	if !strings.Contains(JourneyXMLSchema(), journeyNS) || JourneyCheckName(CheckCycle) != "cycle" ||
		JourneyCheckName(0) != "" {
		t.Fatal("schema or check names")
	}
}

func TestJourneyProblems(t *testing.T) {
	ctx := newContext(t)
	_, err := ctx.LoadJourney([]byte(brokenXML), "b.xml", nil)
	var je *JourneyError
	if !errors.As(err, &je) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("%T %v", err, err)
	}
	got := map[[2]int32]bool{}
	for _, is := range je.Issues {
		got[[2]int32{is.Check, int32(is.Line)}] = true
	}
	if !got[[2]int32{CheckNoDefault, 4}] || !got[[2]int32{CheckUnreachable, 7}] {
		t.Fatalf("%+v", je.Issues)
	}
	var plain *Error
	if !errors.As(err, &plain) || plain.Line != 4 {
		t.Fatalf("%+v", plain)
	}
	// registries
	_, err = ctx.LoadJourney([]byte(cartXML), "", &JourneyOptions{Templates: []string{"cart-1"},
		Events: []string{"CART", "BOOKED"}})
	if !errors.As(err, &je) || len(je.Issues) != 1 || je.Issues[0].Check != CheckUnknownTemplate {
		t.Fatalf("%v", err)
	}
	j, err := ctx.LoadJourney([]byte(cartXML), "", &JourneyOptions{Templates: []string{"cart-1", "cart-sms"},
		Segments: []string{}, Offers: []string{}, HasNow: true, Now: 0})
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := ctx.LoadJourney([]byte(cartXML), "", &JourneyOptions{MaxNodes: 3}); !errors.Is(err, ErrTooBig) {
		t.Fatal(err)
	}
	if _, err := ctx.LoadJourneyFile("/nonexistent/j.xml", nil); !errors.Is(err, ErrIO) {
		t.Fatal(err)
	}
}

func TestJourneyExamples(t *testing.T) {
	ctx := newContext(t)
	cat, err := ctx.BuiltinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "journeys", "*.xml"))
	if len(files) != 6 {
		t.Fatalf("%d example journeys", len(files))
	}
	for _, f := range files {
		j, err := ctx.LoadJourneyFile(f, &JourneyOptions{Catalog: cat})
		if err != nil {
			t.Fatal(f, err)
		}
		info, _ := j.Info()
		if info.ID+".xml" != filepath.Base(f) {
			t.Fatal(info.ID, f)
		}
		j.Close()
	}
	if _, err := os.Stat(files[0]); err != nil {
		t.Fatal(err)
	}
}

func TestJourneyBuilderEqualsXML(t *testing.T) {
	ctx := newContext(t)
	x, err := ctx.LoadJourney([]byte(cartXML), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	b, err := ctx.NewJourneyBuilder(JourneyInfo{ID: "cart", Name: "Cart", Reentry: ReentryAllowed,
		ReentryAfter: 7 * 86400, MaxDuration: 3 * 86400})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	add := func(n JourneyNode) uint32 {
		i, err := b.AddNode(n)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	add(JourneyNode{Type: JourneyGoal, ID: "booked", Event: "BOOKED"})
	s := add(JourneyNode{Type: JourneyEntry, Kind: EntryEvent, ID: "start", Event: "CART", Delay: 3600})
	m := add(JourneyNode{Type: JourneyAction, Kind: ActionSend, ID: "mail", Channel: ChannelEmail,
		TemplateID: "cart-1", Subject: "Hi", Context: []JourneyContext{{"route", "{{event.route}}"}}})
	w := add(JourneyNode{Type: JourneyWait, Kind: WaitDuration, ID: "w", Delay: 86400})
	d := add(JourneyNode{Type: JourneyDecision, ID: "d"})
	sms := add(JourneyNode{Type: JourneyAction, Kind: ActionSend, ID: "sms", Channel: ChannelSMS,
		TemplateID: "cart-sms"})
	end := add(JourneyNode{Type: JourneyExit, ID: "end"})
	for _, e := range []JourneyEdge{{From: s, To: m, Port: PortNext}, {From: m, To: w, Port: PortNext},
		{From: w, To: d, Port: PortNext},
		{From: d, To: end, Port: PortBranch, Condition: CondEvent, Event: "BOOKED"},
		{From: d, To: sms, Port: PortDefault}, {From: sms, To: end, Port: PortNext}} {
		if err := b.Connect(e); err != nil {
			t.Fatal(err)
		}
	}
	j, err := b.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := 0; i < x.NodeCount(); i++ {
		nx, _ := x.Node(i)
		nb, _ := j.Node(i)
		nx.Line = 0
		if !reflect.DeepEqual(nx, nb) {
			t.Fatalf("node %d: %+v != %+v", i, nx, nb)
		}
	}
	for i := 0; i < x.EdgeCount(); i++ {
		ex, _ := x.Edge(i)
		eb, _ := j.Edge(i)
		ex.Line = 0
		if ex != eb {
			t.Fatalf("edge %d: %+v != %+v", i, ex, eb)
		}
	}
	tx, _ := x.Format()
	tb, _ := j.Format()
	if tx != tb {
		t.Fatalf("%q != %q", tx, tb)
	}
	if _, err := b.AddNode(JourneyNode{Type: JourneyExit, ID: "end"}); !errors.Is(err, ErrExist) {
		t.Fatal(err)
	}
	if err := b.Connect(JourneyEdge{From: end, To: s, Port: PortNext}); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
	if _, err := ctx.NewJourneyBuilder(JourneyInfo{ID: "bad id"}); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
	empty, _ := ctx.NewJourneyBuilder(JourneyInfo{ID: "e"})
	defer empty.Close()
	_, err = empty.Finish(nil)
	var je *JourneyError
	if !errors.As(err, &je) || len(je.Issues) != 1 || je.Issues[0].Check != CheckNoEntry {
		t.Fatalf("%v", err)
	}
	b.Close()
	if _, err := b.AddNode(JourneyNode{Type: JourneyExit, ID: "z"}); !errors.Is(err, ErrState) {
		t.Fatal(err)
	}
}
