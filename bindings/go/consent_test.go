// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// 2025-06-11 10:00 UTC, a Wednesday: 12:00 in Paris.
var noonParis = time.Date(2025, 6, 11, 10, 0, 0, 0, time.UTC)

func isCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

func TestConsentRecords(t *testing.T) {
	c := privacyContext(t)
	if st, _, err := c.Consent("C1", ChannelEmail); err != nil || st != ConsentNone {
		t.Fatalf("%v %v", st, err)
	}
	ch := ConsentChange{CustomerID: "C1", Channel: ChannelEmail, Status: ConsentGiven,
		DoubleOptIn: true, Source: "web", Time: time.Unix(100, 0)}
	if err := c.SetConsent(ch); err != nil {
		t.Fatal(err)
	}
	if st, ts, _ := c.Consent("C1", ChannelEmail); st != ConsentPending || ts.Unix() != 100 {
		t.Fatalf("%v %v", st, ts)
	}
	ch.Time = time.Unix(200, 0)
	ch.Source = "link"
	if err := c.ConfirmConsent(ch); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfirmConsent(ch); !isCode(err, ErrState) {
		t.Fatalf("second confirm: %v", err)
	}
	h, err := c.ConsentHistory("C1")
	if err != nil || !strings.HasPrefix(h, "100\tconsent.give\temail\tsource=web") ||
		strings.Count(h, "\n") != 2 {
		t.Fatalf("%q %v", h, err)
	}
	if err := c.SetConsent(ConsentChange{CustomerID: "", Channel: ChannelEmail,
		Status: ConsentGiven, Source: "x"}); !isCode(err, ErrInvalid) {
		t.Fatalf("empty id: %v", err)
	}
	e := DncEntry{CustomerID: "C1", Scope: ChannelAll, Reason: DncLegal, Source: "dpo"}
	if err := c.AddDnc(e); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.HasDnc("C1", ChannelPush, 0); !ok {
		t.Fatal("all-channel entry does not cover push")
	}
	if err := c.RemoveDnc(e); !isCode(err, ErrInvalid) {
		t.Fatalf("removal without actor: %v", err)
	}
	e.Actor = "agent:1"
	if err := c.RemoveDnc(e); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveDnc(e); !isCode(err, ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
	if err := c.SetPreferences(Preferences{CustomerID: "C1", Channel: ChannelSMS,
		Promotional: false, Transactional: true, WeeklyCap: 3}); err != nil {
		t.Fatal(err)
	}
	p, err := c.GetPreferences("C1", ChannelSMS)
	if err != nil || p.Promotional || !p.Transactional || p.WeeklyCap != 3 {
		t.Fatalf("%+v %v", p, err)
	}
	if err := c.SetTopic("C1", "deals", TopicExcluded, ""); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, false, true} {
		added, err := c.ConsentFeedback(Feedback{CustomerID: "C1", Channel: ChannelEmail,
			Kind: FeedbackSoftBounce})
		if err != nil || added != want {
			t.Fatalf("soft bounce %d: %v %v", i, added, err)
		}
	}
	if ok, _ := c.HasDnc("C1", ChannelEmail, DncHardBounce); !ok {
		t.Fatal("no hard bounce after three soft bounces")
	}
}

func TestConsentDecision(t *testing.T) {
	c := privacyContext(t)
	p, err := c.NewConsentPolicy(ConsentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d, err := p.Check(ContactRequest{CustomerID: "C3", Channel: ChannelSMS, At: noonParis})
	if err != nil || d.Allow || len(d.Reasons) != 1 || d.Reasons[0] != ReasonNoConsent {
		t.Fatalf("%+v %v", d, err)
	}
	if d.Reasons[0].Name() != "no_consent" || d.Reasons[0].Text() == "" ||
		ContactReason(0).Name() != "" {
		t.Fatal("reason names")
	}
	if err := c.SetConsent(ConsentChange{CustomerID: "C3", Channel: ChannelSMS,
		Status: ConsentGiven, Source: "app"}); err != nil {
		t.Fatal(err)
	}
	// 20:30 UTC is 22:30 in Paris: quiet until 08:00 CEST = 06:00 UTC.
	d, err = p.Check(ContactRequest{CustomerID: "C3", Channel: ChannelSMS,
		At: noonParis.Add(10*time.Hour + 30*time.Minute), TimeZone: "Europe/Paris"})
	if err != nil || d.Allow || d.Reasons[0] != ReasonQuietHours ||
		!d.NextAllowed.Equal(time.Date(2025, 6, 12, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v %v", d, err)
	}
	// Florida: no Sundays. Sunday 2025-06-15 14:00 EDT -> Monday 08:00 EDT (12:00 UTC).
	if err := p.AddQuietRule("US-FL", 8*60, 20*60, DaysAll&^DaySunday); err != nil {
		t.Fatal(err)
	}
	d, _ = p.Check(ContactRequest{CustomerID: "C3", Channel: ChannelSMS,
		At: time.Date(2025, 6, 15, 18, 0, 0, 0, time.UTC), TimeZone: "America/New_York",
		Region: "US-FL"})
	if !d.NextAllowed.Equal(time.Date(2025, 6, 16, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v", d)
	}
	// A daily cap of 1 used by a real send.
	if err := c.SetPreferences(Preferences{CustomerID: "C3", Channel: ChannelSMS,
		Promotional: true, Transactional: true, DailyCap: 1}); err != nil {
		t.Fatal(err)
	}
	q := ContactRequest{CustomerID: "C3", Channel: ChannelSMS, At: noonParis, Send: true}
	if d, err = p.Check(q); err != nil || !d.Allow {
		t.Fatalf("%+v %v", d, err)
	}
	q.Send = false
	if d, _ = p.Check(q); d.Allow || d.Reasons[0] != ReasonCapChannel {
		t.Fatalf("%+v", d)
	}
	q.Class = Transactional
	if d, _ = p.Check(q); !d.Allow {
		t.Fatalf("transactional: %+v", d)
	}
	q.TimeZone = "Mars/Base"
	q.Class = Promotional
	if d, err = p.Check(q); !isCode(err, ErrNotFound) || d.Allow {
		t.Fatalf("unknown zone: %+v %v", d, err)
	}
	if err := p.AddQuietRule("us", 60, 120, DaysAll); !isCode(err, ErrInvalid) {
		t.Fatalf("bad rule: %v", err)
	}
	p.Close()
	if _, err := p.Check(q); !isCode(err, ErrState) {
		t.Fatalf("closed policy: %v", err)
	}
}

// CheckMany: three sends against a daily cap of 2 in one batch see each other, as three
// Check calls would; a bad request fails alone.
func TestConsentCheckMany(t *testing.T) {
	c := privacyContext(t)
	p, err := c.NewConsentPolicy(ConsentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := c.SetConsent(ConsentChange{CustomerID: "M1", Channel: ChannelEmail,
		Status: ConsentGiven, Source: "app"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPreferences(Preferences{CustomerID: "M1", Channel: ChannelEmail,
		Promotional: true, Transactional: true, DailyCap: 2}); err != nil {
		t.Fatal(err)
	}
	send := ContactRequest{CustomerID: "M1", Channel: ChannelEmail, At: noonParis,
		TimeZone: "Europe/Paris", Send: true}
	bad := ContactRequest{CustomerID: "M1", Channel: 9, At: noonParis}
	ds, err := p.CheckMany([]ContactRequest{send, send, bad, send})
	if err != nil || len(ds) != 4 {
		t.Fatalf("%v %v", ds, err)
	}
	if !ds[0].Allow || !ds[1].Allow || ds[2].Allow || ds[3].Allow {
		t.Fatalf("%+v", ds)
	}
	if ds[0].Err != nil || !isCode(ds[2].Err, ErrInvalid) || ds[3].Err != nil {
		t.Fatalf("errors: %+v", ds)
	}
	// Capped until 00:00 CEST on 2025-06-12 = 22:00 UTC on 06-11.
	if ds[3].Reasons[0] != ReasonCapChannel ||
		!ds[3].NextAllowed.Equal(time.Date(2025, 6, 11, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v", ds[3])
	}
	if ds, err := p.CheckMany(nil); ds != nil || err != nil {
		t.Fatalf("empty: %v %v", ds, err)
	}
	p.Close()
	if _, err := p.CheckMany([]ContactRequest{send}); !isCode(err, ErrState) {
		t.Fatalf("closed policy: %v", err)
	}
}

func TestConsentFiles(t *testing.T) {
	c := privacyContext(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "c.csv")
	os.WriteFile(data, []byte("customer_id,kind,channel,value,ts,source\n"+
		"C4,consent,push,given,,crm\n"), 0o600)
	if n, err := c.ImportConsent(data); err != nil || n != 1 {
		t.Fatalf("%d %v", n, err)
	}
	rules := filepath.Join(dir, "q.csv")
	os.WriteFile(rules, []byte("region,start,end,days\n,09:00,20:00,all\n"), 0o600)
	p, err := c.NewConsentPolicy(ConsentOptions{DefaultZone: "Europe/Paris",
		ImpliedConsentChannels: []Channel{ChannelInApp}, WeeklyCap: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.LoadQuietRules(rules); err != nil {
		t.Fatal(err)
	}
	// 08:30 in Paris is before the file's 09:00.
	d, _ := p.Check(ContactRequest{CustomerID: "C4", Channel: ChannelPush,
		At: noonParis.Add(-3*time.Hour - 30*time.Minute)})
	if d.Allow || !d.NextAllowed.Equal(noonParis.Add(-3*time.Hour)) {
		t.Fatalf("%+v", d)
	}
	if d, _ := p.Check(ContactRequest{CustomerID: "C4", Channel: ChannelInApp,
		At: noonParis}); !d.Allow {
		t.Fatalf("implied consent: %+v", d)
	}
	if err := p.LoadQuietRules(filepath.Join(dir, "none.csv")); !isCode(err, ErrIO) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := c.NewConsentPolicy(ConsentOptions{DailyCap: -1}); !isCode(err, ErrInvalid) {
		t.Fatalf("bad option: %v", err)
	}
}
