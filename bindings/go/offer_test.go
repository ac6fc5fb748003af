// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const offerXML = `<?xml version="1.0"?>
<offers xmlns="https://libmarketing.dev/ns/offers/1">
  <offer id="summer" currency="USD" stackable="true" priority="2">
    <discount percent="15" cap="50.00"/>
    <min-purchase>100.00</min-purchase>
    <booking-window from="2026-06-01" to="2026-08-31"/>
    <routes><include>JFK-*</include></routes>
    <limits total="2"/>
    <code>SUMMER24</code>
  </offer>
  <offer id="ten" currency="USD" stackable="true">
    <discount amount="10.00"/>
    <code>TEN</code>
  </offer>
</offers>`

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func offerBooking(t *testing.T, customer, booking string, amount int64, booked string) *OfferBooking {
	return &OfferBooking{CustomerID: customer, BookingID: booking, Route: "JFK-LHR", FareClass: "Y",
		Currency: "USD", Amount: amount, BookingDate: mustDate(t, booked),
		TravelDate: mustDate(t, "2026-08-01")}
}

func loadedOffers(t *testing.T) (*Context, *Offers) {
	t.Helper()
	c := promoContext(t)
	s, err := c.NewOffers()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.LoadXML(offerXML, "t.xml"); err != nil {
		t.Fatal(err)
	}
	return c, s
}

func TestOfferValidate(t *testing.T) {
	_, s := loadedOffers(t)
	if ids, _ := s.IDs(); len(ids) != 2 || ids[0] != "summer" || ids[1] != "ten" {
		t.Fatalf("ids %v", ids)
	}
	// 15 % of 200.00 = 30.00, under the 50.00 cap.
	d, err := s.Validate("summer-24", offerBooking(t, "C1", "B1", 20000, "2026-07-10"))
	if err != nil || !d.Valid || d.Discount != 3000 || d.Code != "SUMMER24" || d.OfferID != "summer" {
		t.Fatalf("%+v %v", d, err)
	}
	d, _ = s.Validate("SUMMER24", offerBooking(t, "C1", "B1", 8000, "2026-09-01"))
	if d.Valid || len(d.Reasons) != 2 || d.Reasons[0].Reason != OfferExpired ||
		d.Reasons[1].Reason != OfferMinPurchase || d.Reasons[1].Reason.String() != "MIN_PURCHASE" {
		t.Fatalf("%+v", d)
	}
	d, _ = s.Validate("NOPE", offerBooking(t, "C1", "B1", 20000, "2026-07-10"))
	if d.Valid || d.Reasons[0].Reason != OfferUnknownCode || d.OfferID != "" {
		t.Fatalf("%+v", d)
	}
	if _, err := s.Validate("X", &OfferBooking{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty booking: %v", err)
	}
}

func TestOfferRedemption(t *testing.T) {
	c, s := loadedOffers(t)
	for i, want := range []bool{true, true, false} {
		id := string(rune('1' + i))
		d, err := s.Reserve("SUMMER24", offerBooking(t, "C"+id, "B"+id, 20000, "2026-07-10"))
		if err != nil || d.Valid != want {
			t.Fatalf("reserve %d: %+v %v", i, d, err)
		}
		if !want && d.Reasons[0].Reason != OfferLimitTotalReached {
			t.Fatalf("%+v", d)
		}
	}
	if err := s.Commit("SUMMER24", "C1", "B1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Release("SUMMER24", "C2", "B2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("SUMMER24", "C2", "B2"); !errors.Is(err, ErrState) {
		t.Fatalf("commit after release: %v", err)
	}
	if err := s.Commit("SUMMER24", "C9", "B9"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("commit unknown: %v", err)
	}
	u, err := c.OfferUsage("summer", "C1")
	if err != nil || u != (OfferUsage{1, 1, 3000, 3000, 3000, 1}) {
		t.Fatalf("%+v %v", u, err)
	}
	r, err := c.OfferUsageReport("summer", OfferUsageByRoute)
	if err != nil || r != "route,redemptions\nJFK-LHR,1\n" {
		t.Fatalf("%q %v", r, err)
	}
	if r, _ := c.OfferUsageReport("summer", OfferUsageByBookingDate); r != "booking_date,redemptions\n2026-07-10,1\n" {
		t.Fatalf("%q", r)
	}
	if n, err := c.OffersSweep(); err != nil || n != 0 {
		t.Fatal(n, err)
	}
}

func TestOfferStack(t *testing.T) {
	_, s := loadedOffers(t)
	// summer (priority 2) first: 30.00, then ten: 10.00.
	st, err := s.Stack([]string{"TEN", "SUMMER24"}, offerBooking(t, "C1", "B1", 20000, "2026-07-10"))
	if err != nil || st.Total != 4000 || st.Items[0].Order != 1 || st.Items[1].Order != 0 ||
		!st.Items[0].Chosen {
		t.Fatalf("%+v %v", st, err)
	}
	st, _ = s.Stack([]string{"TEN", "NOPE"}, offerBooking(t, "C1", "B1", 20000, "2026-07-10"))
	if st.Total != 1000 || st.Items[1].Chosen || st.Items[1].Decision.Reasons[0].Reason != OfferUnknownCode {
		t.Fatalf("%+v", st)
	}
	many := make([]string, OfferStackMax+1)
	for i := range many {
		many[i] = "TEN"
	}
	if _, err := s.Stack(many, offerBooking(t, "C1", "B1", 20000, "2026-07-10")); !errors.Is(err, ErrTooBig) {
		t.Fatalf("17 codes: %v", err)
	}
}

func TestOfferBuilder(t *testing.T) {
	c, s := loadedOffers(t)
	o, err := c.NewOffer("vip")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := o.ID(); id != "vip" {
		t.Fatal(id)
	}
	steps := []error{
		o.SetDiscount(DiscountPercent, 1250, 0), o.SetCurrency("USD"), o.SetMinPurchase(0),
		o.SetBookingWindow(mustDate(t, "2026-01-01"), NullDate),
		o.SetTravelWindow(NullDate, mustDate(t, "2026-12-31")),
		o.AddBlackout(mustDate(t, "2026-12-24"), mustDate(t, "2026-12-26")),
		o.AddRoute("*-LHR", false), o.AddRoute("JFK-LAX", true), o.AddFareClass("J", true),
		o.SetCustomer("C7"), o.SetLimit(OfferLimitPerCustomer, 1), o.SetStacking(true, 5),
		o.AddCombinable("ten"), o.SetReservationTTL(60), o.AddCode("VIP-7", "C7"),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := o.SetDiscount(DiscountPercent, 0, 0); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
	if err := o.SetSegmentRule("tier ="); !errors.Is(err, ErrParse) {
		t.Fatal(err)
	}
	if err := s.Add(o); err != nil {
		t.Fatal(err)
	}
	if _, err := o.ID(); !errors.Is(err, ErrState) {
		t.Fatal("offer still usable after Add")
	}
	// 12.5 % of 200.00 = 25.00
	if d, _ := s.Validate("VIP7", offerBooking(t, "C7", "B1", 20000, "2026-07-10")); !d.Valid || d.Discount != 2500 {
		t.Fatalf("%+v", d)
	}
	if CurrencyDecimals("JPY") != 0 || CurrencyDecimals("KWD") != 3 || CurrencyDecimals("USD") != 2 {
		t.Fatal("currency decimals")
	}
	if OfferReason(99).String() != "" {
		t.Fatal("unknown reason name")
	}
}

func TestOfferSegmentAndFile(t *testing.T) {
	c, s := loadedOffers(t)
	o, _ := c.NewOffer("gold")
	if err := o.SetDiscount(DiscountPercent, 500, 0); err != nil {
		t.Fatal(err)
	}
	if err := o.SetSegmentRule("customer.tier = 'GOLD'"); err != nil {
		t.Fatal(err)
	}
	if err := o.AddCode("GOLD5", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(o); err != nil {
		t.Fatal(err)
	}
	tbl, err := c.NewTable()
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Close()
	if err := s.Compile(tbl); err != nil {
		t.Fatal(err)
	}
	rec, err := c.NewRecord(tbl)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	b := offerBooking(t, "C1", "B1", 20000, "2026-07-10")
	if d, _ := s.Validate("GOLD5", b); d.Valid || d.Reasons[0].Reason != OfferNotEligible {
		t.Fatalf("%+v", d)
	}
	if err := rec.SetString("customer.tier", "GOLD"); err != nil {
		t.Fatal(err)
	}
	b.Customer = rec
	if d, _ := s.Validate("GOLD5", b); !d.Valid || d.Discount != 1000 {
		t.Fatalf("%+v", d)
	}
	path := filepath.Join(t.TempDir(), "o.xml")
	if err := os.WriteFile(path, []byte(`<offers xmlns="https://libmarketing.dev/ns/offers/1">
<offer id="f"><discount percent="1"/><code>F1</code></offer></offers>`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadXMLFile(path); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadXML(offerXML, ""); !errors.Is(err, ErrExist) {
		t.Fatalf("reload: %v", err)
	}
}
