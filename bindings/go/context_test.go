// SPDX-License-Identifier: MIT

package marketing

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestContextDefaults(t *testing.T) {
	c := newContext(t)
	now, err := c.Now()
	must(t, err)
	if d := time.Since(now); d < -5*time.Second || d > 5*time.Second {
		t.Fatalf("default clock is off by %v", d)
	}
	a, b := make([]byte, 16), make([]byte, 16)
	must(t, c.Random(a))
	must(t, c.Random(b))
	if bytes.Equal(a, b) {
		t.Fatal("two random draws are equal")
	}
	must(t, c.Random(nil))
	if le := c.LastError(); le.Code != OK || le.Message != "" {
		t.Fatalf("fresh context has error %+v", le)
	}
}

func TestContextOptions(t *testing.T) {
	c := newContext(t, WithLogLevel(LogDebug), WithMaxFieldBytes(64), WithMaxFields(8), WithMaxErrors(0))
	if _, err := c.NowUnix(); err != nil {
		t.Fatal(err)
	}
	_, err := NewContext(WithMaxFields(0))
	wantCode(t, err, ErrInvalid)
}

func TestContextCloseIsIdempotent(t *testing.T) {
	c, err := NewContext()
	must(t, err)
	must(t, c.Close())
	must(t, c.Close())
	_, err = c.NowUnix()
	wantCode(t, err, ErrState)
	wantCode(t, c.Random(make([]byte, 4)), ErrState)
	if c.LastError() != nil {
		t.Fatal("LastError after Close")
	}
	c.ClearError()
	_, err = c.NewTable()
	wantCode(t, err, ErrState)
}

func TestFinalizers(t *testing.T) {
	// Forgotten contexts and tables are freed by finalizers without crashing.
	for i := 0; i < 50; i++ {
		c, err := NewContext(WithClock(func() (time.Time, error) { return time.Unix(1, 0), nil }))
		must(t, err)
		if tb, err := c.NewTable(); err == nil {
			_, _ = tb.AddCustomer("x")
		}
		if ps, err := c.NewPaths(); err == nil {
			_ = ps.Add([]string{"EMAIL"}, 1, 0, 0)
		}
	}
	runtime.GC()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	runtime.GC()
}

func TestClock(t *testing.T) {
	c := newContext(t, WithClock(func() (time.Time, error) { return time.Unix(1717234200, 0), nil }))
	sec, err := c.NowUnix()
	must(t, err)
	if sec != 1717234200 {
		t.Fatalf("NowUnix = %d", sec)
	}
	now, _ := c.Now()
	if now.Location() != time.UTC || now.Unix() != sec {
		t.Fatal("Now")
	}
}

func TestClockFailure(t *testing.T) {
	broken := errors.New("clock is broken")
	c := newContext(t, WithClock(func() (time.Time, error) { return time.Time{}, broken }))
	_, err := c.Now()
	e := wantCode(t, err, ErrUser)
	if !errors.Is(err, broken) || e.Cause != broken {
		t.Fatalf("cause not kept: %v", err)
	}
	if le := c.LastError(); le.Code != ErrUser || le.Message == "" || e.Message != le.Message {
		t.Fatalf("last error %+v vs %+v", le, e)
	}
	c.ClearError()
	if c.LastError().Code != OK {
		t.Fatal("ClearError")
	}
	// A callback may report a specific status.
	c2 := newContext(t, WithClock(func() (time.Time, error) { return time.Time{}, ErrUnsupported }))
	_, err = c2.Now()
	wantCode(t, err, ErrUnsupported)
}

func TestCallbackPanicIsRecovered(t *testing.T) {
	c := newContext(t, WithClock(func() (time.Time, error) { panic("boom") }))
	_, err := c.Now()
	e := wantCode(t, err, ErrUser)
	if e.Cause == nil || !strings.Contains(e.Cause.Error(), "boom") {
		t.Fatalf("cause %v", e.Cause)
	}
	// Still usable.
	_, err = c.Now()
	wantCode(t, err, ErrUser)
}

func TestRandom(t *testing.T) {
	c := newContext(t, WithRandom(func(p []byte) error {
		for i := range p {
			p[i] = byte(i)
		}
		return nil
	}))
	p := make([]byte, 5)
	must(t, c.Random(p))
	if !bytes.Equal(p, []byte{0, 1, 2, 3, 4}) {
		t.Fatalf("Random = %v", p)
	}
	c2 := newContext(t, WithRandom(func(p []byte) error { return ErrIO }))
	wantCode(t, c2.Random(p), ErrIO)
}

func TestLogger(t *testing.T) {
	var lines []string
	c := newContext(t, WithLogLevel(LogDebug),
		WithLogger(func(level LogLevel, msg string) { lines = append(lines, msg) }),
		WithClock(func() (time.Time, error) { return time.Time{}, errors.New("x") }))
	_, _ = c.Now()
	for _, l := range lines {
		if l == "" {
			t.Fatal("empty log line")
		}
	}
	// A panicking logger must not crash the process.
	c2 := newContext(t, WithLogLevel(LogDebug), WithLogger(func(LogLevel, string) { panic("log") }))
	must(t, c2.Random(make([]byte, 2)))
}

func TestAudit(t *testing.T) {
	var seen []AuditRecord
	c := newContext(t,
		WithClock(func() (time.Time, error) { return time.Unix(1000, 0), nil }),
		WithAudit(func(r *AuditRecord) error { seen = append(seen, *r); return nil }))
	must(t, c.Audit(&AuditRecord{Action: "consent.withdraw", Actor: "crm", Subject: "C1", Detail: "email"}))
	must(t, c.Audit(&AuditRecord{Action: "dnc.remove", Time: time.Unix(42, 0)}))
	if len(seen) != 2 {
		t.Fatalf("%d records", len(seen))
	}
	want := AuditRecord{Time: time.Unix(1000, 0).UTC(), Actor: "crm", Action: "consent.withdraw", Subject: "C1", Detail: "email"}
	if seen[0] != want {
		t.Fatalf("got %+v", seen[0])
	}
	if seen[1].Time.Unix() != 42 || seen[1].Actor != "" {
		t.Fatalf("got %+v", seen[1])
	}
	wantCode(t, c.Audit(&AuditRecord{}), ErrInvalid)
	wantCode(t, c.Audit(nil), ErrInvalid)
	full := errors.New("audit log full")
	c2 := newContext(t, WithAudit(func(*AuditRecord) error { return full }))
	err := c2.Audit(&AuditRecord{Action: "x"})
	wantCode(t, err, ErrUser)
	if !errors.Is(err, full) {
		t.Fatal("cause")
	}
}

func TestDefaultAuditGoesToStore(t *testing.T) {
	c := newContext(t)
	must(t, c.Audit(&AuditRecord{Action: "consent.grant", Subject: "C9"}))
	items, err := c.Store().Items("audit", nil)
	must(t, err)
	if len(items) != 1 || !bytes.Contains(items[0].Value, []byte("consent.grant")) {
		t.Fatalf("audit namespace: %+v", items)
	}
}
