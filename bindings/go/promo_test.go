// SPDX-License-Identifier: MIT

package marketing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func promoContext(t *testing.T) *Context {
	t.Helper()
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Hand-worked check characters (tests/unit/offer/test_code_check.c shows the working):
// numeric "12" -> '2', alphanumeric "A0" -> 'V'.
func TestPromoCheckHandWorked(t *testing.T) {
	c := promoContext(t)
	f, err := c.NewPromoFormat(&PromoOptions{Charset: "numeric", Length: 2, CheckChar: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r, _ := f.Check("122"); !r.Valid {
		t.Fatalf("122: %+v", r)
	}
	r, err := f.Check("123")
	if err != nil || r.Valid || r.Reason != PromoCheckChar || r.Position != 3 ||
		r.Reason.String() != "check_char" {
		t.Fatalf("123: %+v %v", r, err)
	}
	g, _ := c.NewPromoFormat(&PromoOptions{Charset: "alphanumeric", Length: 2, CheckChar: true})
	if r, _ := g.Check("a0-v"); !r.Valid {
		t.Fatalf("a0-v: %+v", r)
	}
	if r, _ := g.Check("0AV"); r.Valid {
		t.Fatal("adjacent swap not caught")
	}
	if _, err := c.NewPromoFormat(&PromoOptions{Charset: "hex"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("charset hex: %v", err)
	}
}

func TestPromoGenerateAndIssue(t *testing.T) {
	c := promoContext(t)
	f, err := c.NewPromoFormat(&PromoOptions{Prefix: "SPRING-", Length: 6, CheckChar: true})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.Generate(300, "SPRING")
	if err != nil || len(codes) != 300 {
		t.Fatalf("%d codes, %v", len(codes), err)
	}
	seen := map[string]bool{}
	for _, code := range codes {
		r, _ := f.Check(code)
		if !r.Valid || seen[code] || !strings.HasPrefix(code, "SPRING-") {
			t.Fatalf("code %q: %+v, repeated %v", code, r, seen[code])
		}
		seen[code] = true
	}
	if offer, cust, err := c.PromoLookup(strings.ToLower(codes[7])); err != nil ||
		offer != "SPRING" || cust != "" {
		t.Fatalf("lookup: %q %q %v", offer, cust, err)
	}
	small, _ := c.NewPromoFormat(&PromoOptions{Charset: "numeric", Length: 2})
	if _, err := small.Generate(51, ""); !errors.Is(err, ErrRange) {
		t.Fatalf("51 of 100: %v", err)
	}
	// Length 6 of the 31 unambiguous characters: 31^6 = 887,503,681 codes.
	e, err := f.Entropy(1000)
	if err != nil || e.CharsetSize != 31 || e.RandomChars != 6 || e.Space != 887503681 {
		t.Fatalf("entropy %+v %v", e, err)
	}
}

func TestPromoDeriveBindNormalize(t *testing.T) {
	c := promoContext(t)
	key := []byte("0123456789abcdef")
	mac := hmac.New(sha256.New, key)
	var be [4]byte
	mac.Write([]byte("mkt.promo.v1\x00"))
	for _, s := range []string{"BDAY", "C000123"} {
		binary.BigEndian.PutUint32(be[:], uint32(len(s)))
		mac.Write(be[:])
		mac.Write([]byte(s))
	}
	binary.BigEndian.PutUint32(be[:], 0)
	mac.Write(be[:])
	var want strings.Builder
	for _, b := range mac.Sum(nil) {
		if b < 250 && want.Len() < 8 {
			want.WriteByte('0' + b%10)
		}
	}
	f, _ := c.NewPromoFormat(&PromoOptions{Charset: "numeric"})
	got, err := f.Derive(key, "BDAY", "C000123")
	if err != nil || got != want.String() || got != "30731091" {
		t.Fatalf("derive %q, want %q: %v", got, want.String(), err)
	}
	if _, err := f.Derive([]byte("short"), "BDAY", "C1"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short secret: %v", err)
	}
	if err := c.PromoBind("bday-"+got, "BDAY", "C000123"); err != nil {
		t.Fatal(err)
	}
	if err := c.PromoBind("BDAY"+got, "BDAY", "C999"); !errors.Is(err, ErrExist) {
		t.Fatalf("rebind: %v", err)
	}
	if offer, cust, err := c.PromoLookup("Bday " + got); err != nil || offer != "BDAY" ||
		cust != "C000123" {
		t.Fatalf("lookup: %q %q %v", offer, cust, err)
	}
	if _, _, err := c.PromoLookup("NOPE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lookup NOPE: %v", err)
	}
	if s, err := c.PromoNormalize("summer24 - 7kq9"); err != nil || s != "SUMMER247KQ9" {
		t.Fatalf("normalize %q %v", s, err)
	}
	if _, err := c.PromoNormalize(" - "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("normalize empty: %v", err)
	}
}
