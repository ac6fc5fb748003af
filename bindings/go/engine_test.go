// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

const engineT0 = int64(1800000000)

func loadExample(t *testing.T, ctx *Context, name string) *Journey {
	t.Helper()
	j, err := ctx.LoadJourneyFile(filepath.Join("..", "..", "examples", "journeys", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestJourneyEngineAbandonedCart(t *testing.T) {
	var sent []*Message
	store := NewMemoryStore()
	send := WithSender(func(m *Message) error { sent = append(sent, m); return nil })
	ctx := newContext(t, send, WithStorage(store))
	j := loadExample(t, ctx, "abandoned-cart.xml")
	// email-2 issues an offer code: refused without a promo format and secret
	if _, err := ctx.NewJourneyEngine([]*Journey{j}, nil); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("offer without promo options: %v", err)
	}
	format, err := ctx.NewPromoFormat(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer format.Close()
	secret := []byte("go-test-secret-0123456789")
	promo := &JourneyEngineOptions{PromoFormat: format, PromoSecret: secret}
	e, err := ctx.NewJourneyEngine([]*Journey{j}, promo)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := e.NextDue(); ok || err != nil {
		t.Fatalf("next due on an empty engine: %v %v", ok, err)
	}
	if err := e.Event("C1", "CART_ABANDONED", engineT0); err != nil {
		t.Fatal(err)
	}
	if due, ok, _ := e.NextDue(); !ok || due != engineT0+3600 {
		t.Fatalf("next due %d %v", due, ok)
	}
	if n, err := e.Advance(engineT0 + 3600); err != nil || n != 1 || len(sent) != 1 {
		t.Fatalf("advance: %d %v, %d sent", n, err, len(sent))
	}
	if m := sent[0]; m.IdempotencyKey != "abandoned-cart:C1:1:email-1:2" || m.Headers != "" ||
		m.TemplateID != "abandoned-cart-1" || m.NodeID != "email-1" || m.Entry != 1 ||
		m.Step != 2 || m.ContextJSON != `{"journey_id":"abandoned-cart","customer_id":"C1",`+
		`"node_id":"email-1","context":{"route":"{{event.route}}"}}` {
		t.Fatalf("message %+v", sent[0])
	}
	w, _ := j.FindNode("wait-24h")
	in, err := e.Instance("abandoned-cart", "C1")
	if err != nil || in.State != InstanceWaiting || int(in.Node) != w || in.WakeAt != engineT0+25*3600 {
		t.Fatalf("instance %+v %v", in, err)
	}
	c, err := e.Counts("abandoned-cart", w)
	if err != nil || c.Waiting != 1 || c.Entered != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
	first, _ := j.FindNode("cart-abandoned")
	edges, _ := j.NodeEdges(first)
	if n, err := e.EdgeCount("abandoned-cart", int(edges[0].Index)); err != nil || n != 1 {
		t.Fatalf("edge count %d %v", n, err)
	}
	e.Close()

	// a new engine over the same store continues: the two last messages follow
	e2, err := ctx.NewJourneyEngine([]*Journey{j}, promo)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if _, err := e2.Advance(engineT0 + 47*3600); err != nil || len(sent) != 3 {
		t.Fatalf("after restart: %v, %d sent", err, len(sent))
	}
	// email-2 carries C1's CART10 code (mkt_promo_derive's), bound to C1
	code, err := format.Derive(secret, "CART10", "C1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[1].ContextJSON, `"offer_id":"CART10","offer_code":"`+code+`"`) {
		t.Fatalf("email-2 context %s, code %s", sent[1].ContextJSON, code)
	}
	if offer, customer, err := ctx.PromoLookup(code); err != nil || offer != "CART10" ||
		customer != "C1" {
		t.Fatalf("lookup %s: %s %s %v", code, offer, customer, err)
	}
	if ok, err := e2.Enter("abandoned-cart", "C1", engineT0+47*3600); ok || err != nil {
		t.Fatalf("re-entry within 7 days: %v %v", ok, err)
	}
}

func TestJourneyEngineRetryAndErrors(t *testing.T) {
	calls := 0
	send := WithSender(func(m *Message) error {
		calls++
		if calls == 1 {
			return &Error{Code: ErrIO, Message: "busy"}
		}
		return nil
	})
	ctx := newContext(t, send)
	j := loadExample(t, ctx, "welcome-opened.xml")
	policy, err := ctx.NewConsentPolicy(ConsentOptions{ImpliedConsentChannels: []Channel{ChannelEmail}})
	if err != nil {
		t.Fatal(err)
	}
	defer policy.Close()
	e, err := ctx.NewJourneyEngine([]*Journey{j},
		&JourneyEngineOptions{Consent: policy, MaxAttempts: 3, RetryDelay: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if ok, err := e.Enter("welcome-opened", "C1", engineT0); !ok || err != nil {
		t.Fatalf("enter: %v %v", ok, err)
	}
	if _, err := e.Advance(engineT0 + 86400 + 10); err != nil || calls != 2 {
		t.Fatalf("retry: %v, %d calls", err, calls)
	}
	welcome, _ := j.FindNode("welcome")
	if c, _ := e.Counts("welcome-opened", welcome); c.Retried != 1 || c.Sent != 1 {
		t.Fatalf("counts %+v", c)
	}
	wantCode(t, e.Event("", "X", engineT0+86400+10), ErrInvalid)
	_, err = e.Advance(engineT0)
	wantCode(t, err, ErrRange)
	_, err = e.Enter("nope", "C1", engineT0+86400+10)
	wantCode(t, err, ErrNotFound)
	_, err = e.Counts("welcome-opened", 999)
	wantCode(t, err, ErrNotFound)
	_, err = e.EdgeCount("welcome-opened", 999)
	wantCode(t, err, ErrNotFound)
	_, err = e.Instance("welcome-opened", "C2")
	wantCode(t, err, ErrNotFound)
	_, err = ctx.NewJourneyEngine(nil, nil)
	wantCode(t, err, ErrInvalid)
}

func TestJourneyEngineRuleDecision(t *testing.T) {
	var templates []string
	send := WithSender(func(m *Message) error {
		templates = append(templates, m.TemplateID)
		return nil
	})
	ctx := newContext(t, send)
	tb, err := ctx.NewTable()
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	for id, tier := range map[string]string{"G": "GOLD", "S": "SILVER"} {
		row, err := tb.AddCustomer(id)
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Set(row, "tier", tier); err != nil {
			t.Fatal(err)
		}
	}
	xml := `<?xml version="1.0"?>
<journey xmlns="` + journeyNS + `" id="r">
  <entry id="e" manual="true"/>
  <decision id="d">
    <when rule="customer.tier = 'GOLD'" next="gold"/>
    <otherwise next="other"/>
  </decision>
  <send id="gold" channel="email" template="t-gold" next="x"/>
  <send id="other" channel="email" template="t-other" next="x"/>
  <exit id="x"/>
</journey>`
	j, err := ctx.LoadJourney([]byte(xml), "r.xml", &JourneyOptions{Schema: tb})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = ctx.NewJourneyEngine([]*Journey{j}, nil)
	wantCode(t, err, ErrUnsupported)
	e, err := ctx.NewJourneyEngine([]*Journey{j}, &JourneyEngineOptions{Customers: tb})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, c := range []string{"G", "S", "U"} {
		if _, err := e.Enter("r", c, engineT0); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"t-gold", "t-other", "t-other"}
	if strings.Join(templates, "|") != strings.Join(want, "|") {
		t.Fatalf("templates %v", templates)
	}
}

func TestJourneyEngineActionsAndFlush(t *testing.T) {
	store := NewMemoryStore()
	ctx := newContext(t, WithStorage(store))
	xml := `<?xml version="1.0"?>
<journey xmlns="` + journeyNS + `" id="acts">
  <entry id="e" manual="true"/>
  <update id="tier" field="customer.tier" value="GOLD"/>
  <remove-tag id="untag" tag="trial"/>
  <emit id="emit" event="WELCOMED"/>
  <exit id="x"/>
</journey>`
	j, err := ctx.LoadJourney([]byte(xml), "a.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = ctx.NewJourneyEngine([]*Journey{j}, nil)
	wantCode(t, err, ErrUnsupported) // no action callback
	var done []EngineAction
	failures := []error{&Error{Code: ErrIO, Message: "busy"}}
	action := func(a *EngineAction) error {
		if len(failures) > 0 {
			err := failures[0]
			failures = failures[1:]
			return err
		}
		done = append(done, *a)
		return nil
	}
	e, err := ctx.NewJourneyEngine([]*Journey{j}, &JourneyEngineOptions{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Enter("acts", "A", engineT0); err != nil || len(done) != 0 {
		t.Fatalf("enter: %v, %d done", err, len(done)) // the update is retried 60 s later
	}
	if _, err := e.Advance(engineT0 + 60); err != nil || len(done) != 3 {
		t.Fatalf("advance: %v, %d done", err, len(done))
	}
	u := done[0]
	if u.Kind != ActionUpdate || u.CustomerID != "A" || u.JourneyID != "acts" ||
		u.NodeID != "tier" || u.Attribute != "customer.tier" || u.Value != "GOLD" ||
		u.Tag != "" || u.Entry != 1 || u.Step != 2 || u.At != engineT0+60 ||
		u.IdempotencyKey != "acts:A:1:tier:2" {
		t.Fatalf("update %+v", u)
	}
	if done[1].Kind != ActionTagRemove || done[1].Tag != "trial" ||
		done[2].Kind != ActionEmit || done[2].EventType != "WELCOMED" {
		t.Fatalf("actions %+v", done[1:])
	}
	// an ErrUser error aborts the call, and the engine keeps nothing of the step
	failures = append(failures, &Error{Code: ErrUser, Message: "stop"})
	_, err = e.Enter("acts", "B", engineT0+100)
	wantCode(t, err, ErrUser)
	_, err = e.Instance("acts", "B")
	wantCode(t, err, ErrNotFound)
	tier, _ := j.FindNode("tier")
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush(); err != nil { // adds nothing
		t.Fatal(err)
	}
	e.Close()
	wantCode(t, e.Flush(), ErrState)
	// a new engine reads the totals the first one flushed
	e2, err := ctx.NewJourneyEngine([]*Journey{j}, &JourneyEngineOptions{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	c, err := e2.Counts("acts", tier)
	if err != nil || c.Entered != 1 || c.Sent != 1 || c.Retried != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
}

const fieldWaitXML = `<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="fw">
  <entry id="e" event="BOOKED"/>
  <wait id="w" field="event.departure_date" offset="-3 days" at="09:00"/>
  <send id="s" channel="email" template="t"/>
  <exit id="x"/>
</journey>`

func TestJourneyEngineFieldWait(t *testing.T) {
	var sent []*Message
	send := WithSender(func(m *Message) error { sent = append(sent, m); return nil })
	ctx := newContext(t, send)
	j, err := ctx.LoadJourney([]byte(fieldWaitXML), "fw.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e, err := ctx.NewJourneyEngine([]*Journey{j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	props := map[string]string{"departure_date": "2027-02-01", "seat": "12A"}
	if err := e.EventWithProperties("C1", "BOOKED", engineT0, props); err != nil {
		t.Fatal(err)
	}
	// 2027-02-01 - 3 days = 2027-01-29 09:00 UTC = T0 (2027-01-15 08:00) + 14 d + 1 h
	due := engineT0 + 14*86400 + 3600
	if in, err := e.Instance("fw", "C1"); err != nil || in.WakeAt != due {
		t.Fatalf("instance %+v %v", in, err)
	}
	if err := e.EventWithProperties("C2", "BOOKED", engineT0, nil); err != nil {
		t.Fatal(err)
	}
	if in, _ := e.Instance("fw", "C2"); in.State != InstanceNoField {
		t.Fatalf("no property: state %d", in.State)
	}
	w, _ := j.FindNode("w")
	if c, err := e.Counts("fw", w); err != nil || c.NoField != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
	err = e.EventWithProperties("C3", "BOOKED", engineT0, map[string]string{"": "x"})
	if !isCode(err, ErrInvalid) {
		t.Fatalf("empty name: %v", err)
	}
	if _, err := e.Advance(due); err != nil || len(sent) != 1 {
		t.Fatalf("advance: %v, %d sent", err, len(sent))
	}
}

func TestJourneyEngineEnterDue(t *testing.T) {
	var got []string
	send := WithSender(func(m *Message) error {
		got = append(got, m.CustomerID+":"+m.TemplateID)
		return nil
	})
	ctx := newContext(t, send)
	tb, err := ctx.NewTable()
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	dob, err := ParseDate("1990-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, tier string
		dob      interface{}
	}{{"P", "SILVER", dob}, {"G", "GOLD", nil}} {
		row, err := tb.AddCustomer(c.id)
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Set(row, "tier", c.tier); err != nil {
			t.Fatal(err)
		}
		if err := tb.Set(row, "date_of_birth", c.dob); err != nil {
			t.Fatal(err)
		}
	}
	xml := `<?xml version="1.0"?>
<journey xmlns="` + journeyNS + `" id="due">
  <entry id="gold" rule="customer.tier = 'GOLD'" next="s"/>
  <entry id="bday" field="customer.date_of_birth" at="09:00" yearly="true" next="s"/>
  <send id="s" channel="email" template="t"/>
  <exit id="x"/>
</journey>`
	j, err := ctx.LoadJourney([]byte(xml), "due.xml", &JourneyOptions{Schema: tb})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	bare, err := ctx.NewJourneyEngine([]*Journey{j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bare.EnterDue(engineT0)
	wantCode(t, err, ErrUnsupported) // no customers table
	bare.Close()
	e, err := ctx.NewJourneyEngine([]*Journey{j}, &JourneyEngineOptions{Customers: tb})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// 2027-01-01 is day 20819 (1798761600); P's birthday entry is 09:00 UTC (no zone)
	const jan1 = int64(1798761600)
	if _, err := e.Advance(jan1 - 86400); err != nil {
		t.Fatal(err)
	}
	if n, err := e.EnterDue(jan1 + 9*3600 - 1); err != nil || n != 1 { // G joins GOLD
		t.Fatalf("first call: %d %v", n, err)
	}
	if n, err := e.EnterDue(jan1 + 9*3600); err != nil || n != 1 { // P's birthday
		t.Fatalf("birthday: %d %v", n, err)
	}
	if strings.Join(got, "|") != "G:t|P:t" {
		t.Fatalf("sends %v", got)
	}
	_, err = e.EnterDue(jan1)
	wantCode(t, err, ErrRange) // before the clock
}
