// SPDX-License-Identifier: MIT

package marketing

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var privacySecret = []byte("0123456789abcdef-host-secret")

func privacyContext(t *testing.T) *Context {
	t.Helper()
	c, err := NewContext(WithClock(func() (time.Time, error) { return time.Unix(1700000000, 0), nil }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestUnsubToken(t *testing.T) {
	c := privacyContext(t)
	spec := &UnsubSpec{Secret: privacySecret, CustomerID: "C000123", Topic: "deals",
		Expires: time.Unix(1700086400, 0), URL: "https://e.com/u", Mailto: "u@e.com"}
	tok, err := c.UnsubToken(spec)
	if err != nil {
		t.Fatal(err)
	}
	// independent computation with the standard library
	b64 := base64.RawURLEncoding.EncodeToString
	payload := b64([]byte("1\x1fC000123\x1f1\x1fdeals\x1f1700086400"))
	m := hmac.New(sha256.New, privacySecret)
	m.Write([]byte("mkt-unsub-1." + payload))
	if want := payload + "." + b64(m.Sum(nil)); tok != want {
		t.Fatalf("token %s, want %s", tok, want)
	}
	hdr, err := c.UnsubHeaders(spec)
	if err != nil || !strings.HasPrefix(hdr, "List-Unsubscribe: <https://e.com/u?t="+tok+">") ||
		!strings.HasSuffix(hdr, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") {
		t.Fatalf("headers %q, %v", hdr, err)
	}
	r, err := c.UnsubVerify(privacySecret, tok, time.Time{})
	if err != nil || r.Status != UnsubValid || r.CustomerID != "C000123" || r.Topic != "deals" ||
		r.Channel != ChannelEmail || r.Expires.Unix() != 1700086400 {
		t.Fatalf("verify %+v, %v", r, err)
	}
	r, _ = c.UnsubVerify(privacySecret, tok, time.Unix(1700086401, 0))
	if r.Status != UnsubExpired {
		t.Fatalf("expired: %+v", r)
	}
	r, _ = c.UnsubVerify(privacySecret, tok[:len(tok)-1]+"A", time.Time{})
	if r.Status == UnsubValid {
		t.Fatal("tampered token accepted")
	}
	if _, err := c.UnsubToken(&UnsubSpec{Secret: []byte("short"), CustomerID: "C1"}); err == nil {
		t.Fatal("short secret accepted")
	}
	spec.Topic = ""
	spec.Expires = time.Unix(1800000000, 0)
	tok, _ = c.UnsubToken(spec)
	r, err = c.UnsubApply(privacySecret, tok, "mail-gw")
	if err != nil || !r.Applied {
		t.Fatalf("apply %+v, %v", r, err)
	}
}

func TestSmsAndErasure(t *testing.T) {
	if a, k, exact := SmsKeywordParse(" Stop. "); a != SmsActionOptOut || k != SmsStop || !exact {
		t.Fatalf("parse: %v %v %v", a, k, exact)
	}
	if a, _, _ := SmsKeywordParse("yes please"); a != SmsActionNone {
		t.Fatal("yes please is no opt-in")
	}
	c := privacyContext(t)
	a, reply, err := c.SmsInbound("C42", "STOP", &SmsOptions{Brand: "SkyAir"})
	if err != nil || a != SmsActionOptOut || !strings.HasPrefix(reply, "SkyAir: You are unsubscribed") {
		t.Fatalf("inbound %v %q %v", a, reply, err)
	}
	doc, err := c.PrivacyExport("C42", "dpo")
	var dump map[string]any
	if err != nil || json.Unmarshal(doc, &dump) != nil || dump["customer_id"] != "C42" {
		t.Fatalf("export %s, %v", doc, err)
	}
	receipt, err := c.PrivacyErase(EraseRequest{CustomerID: "C42", Email: "A@b.example"})
	if err != nil || receipt["tombstone"] == nil {
		t.Fatalf("erase %v, %v", receipt, err)
	}
	for _, v := range []struct {
		kind  ErasedKind
		value string
		want  bool
	}{{ErasedCustomer, "C42", true}, {ErasedEmail, "a@B.example", true}, {ErasedCustomer, "C43", false}} {
		got, err := c.PrivacyIsErased(v.kind, v.value)
		if err != nil || got != v.want {
			t.Fatalf("is erased %v: %v %v", v, got, err)
		}
	}
	for _, ns := range []string{"audit", "consent.state", "consent.history"} {
		c.Store().Scan(ns, nil, func(it Item) bool {
			if bytes.Contains(it.Key, []byte("C42")) || bytes.Contains(it.Value, []byte("C42")) {
				t.Errorf("%s still names the customer", ns)
			}
			return true
		})
	}
	rep, err := c.AuditVerify()
	if err != nil || !rep.Intact || rep.HeadSeq < 3 || len(rep.HeadHash) != 64 {
		t.Fatalf("verify %+v, %v", rep, err)
	}
	if _, err := c.PrivacyErase(EraseRequest{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty id: %v", err)
	}
	if _, err := c.PrivacyIsErased(9, "x"); err == nil {
		t.Fatal("bad kind accepted")
	}
	if _, _, err := c.SmsInbound("", "STOP", nil); err == nil {
		t.Fatal("empty id accepted")
	}
}

func TestAuditChainHash(t *testing.T) {
	c := privacyContext(t)
	h1, err := c.AuditChainHash(&AuditRecord{Time: time.Unix(1700000000, 0), Actor: "crm",
		Action: "erase"}, 1, make([]byte, 32))
	text := "seq=1\nts=1700000000\nactor=crm\naction=erase\nprev=" + strings.Repeat("0", 64) + "\n"
	want := sha256.Sum256([]byte(text))
	if err != nil || !bytes.Equal(h1, want[:]) {
		t.Fatalf("hash %x, %v", h1, err)
	}
	if _, err := c.AuditChainHash(&AuditRecord{Action: "x"}, 0, make([]byte, 32)); err == nil {
		t.Fatal("seq 0 accepted")
	}
	if _, err := c.AuditChainHash(&AuditRecord{Action: "x"}, 1, nil); err == nil {
		t.Fatal("short prev accepted")
	}
}
