// SPDX-License-Identifier: MIT

package marketing

// Offers (offer.h): discount rules behind promo codes, validation of a code against a
// booking with every failed rule as a reason, two-phase redemption (reserve, commit,
// release) whose limits hold across processes sharing one store, stacking, and usage
// tracking. doc/offers.md is the guide. Money is int64 minor units of the offer's currency;
// percentages are basis points (1500 = 15 %).

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// DiscountKind is how an offer's discount is computed.
type DiscountKind int32

// Discount kinds (mkt_discount_kind).
const (
	DiscountPercent DiscountKind = 1
	DiscountFixed   DiscountKind = 2
)

// OfferLimit names one of an offer's limits.
type OfferLimit int32

// Limits (mkt_offer_limit_kind).
const (
	OfferLimitTotal            OfferLimit = 1
	OfferLimitPerCustomer      OfferLimit = 2
	OfferLimitPerCustomerMonth OfferLimit = 3
	OfferLimitBudget           OfferLimit = 4
)

// OfferReason says why a code is not valid for a booking (mkt_offer_reason).
type OfferReason int32

// Reasons (mkt_offer_reason).
const (
	OfferUnknownCode          OfferReason = 1
	OfferExpired              OfferReason = 2
	OfferOutsideBookingWindow OfferReason = 3
	OfferOutsideTravelWindow  OfferReason = 4
	OfferBlackout             OfferReason = 5
	OfferRouteNotApplicable   OfferReason = 6
	OfferRouteExcluded        OfferReason = 7
	OfferFareNotApplicable    OfferReason = 8
	OfferFareExcluded         OfferReason = 9
	OfferCurrencyMismatch     OfferReason = 10
	OfferMinPurchase          OfferReason = 11
	OfferNotEligible          OfferReason = 12
	OfferLimitTotalReached    OfferReason = 13
	OfferLimitPerCustomerHit  OfferReason = 14
	OfferLimitPerMonthHit     OfferReason = 15
	OfferBudgetExhausted      OfferReason = 16
	OfferNoDiscount           OfferReason = 17
	OfferNotStackable         OfferReason = 18
	OfferNotCombinable        OfferReason = 19
	OfferLowerDiscount        OfferReason = 20
	OfferDuplicate            OfferReason = 21
)

// String is the machine name ("MIN_PURCHASE"; mkt_offer_reason_name), "" when unknown.
func (r OfferReason) String() string {
	s := C.mkt_offer_reason_name(C.int32_t(r))
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// OfferUsageBy selects the breakdown of OfferUsageReport.
type OfferUsageBy int32

// Breakdowns (mkt_offer_usage_by).
const (
	OfferUsageByRoute       OfferUsageBy = 1
	OfferUsageByBookingDate OfferUsageBy = 2
)

// OfferStackMax is the most codes Offers.Stack accepts.
const OfferStackMax = 16

// CurrencyDecimals is the minor-unit digits of an ISO 4217 code (mkt_offer_currency_decimals).
func CurrencyDecimals(currency string) int {
	cs := C.CString(currency)
	defer C.free(unsafe.Pointer(cs))
	return int(C.mkt_offer_currency_decimals(cs))
}

// OfferBooking is a booking at checkout. Customer (optional) is the profile that segment
// rules are evaluated on.
type OfferBooking struct {
	CustomerID, BookingID, Route, FareClass, Currency string
	Amount, PriorDiscount                             int64
	BookingDate, TravelDate                           Date
	Customer                                          *Record
}

// cBooking is the C struct with its strings; free releases them.
type cBooking struct {
	b    C.mkt_offer_booking
	strs []*C.char
}

func (cb *cBooking) str(s string) *C.char {
	p := cstrOpt(s)
	if p != nil {
		cb.strs = append(cb.strs, p)
	}
	return p
}

func (cb *cBooking) free() {
	for _, p := range cb.strs {
		C.free(unsafe.Pointer(p))
	}
}

func newCBooking(b *OfferBooking) (*cBooking, error) {
	cb := new(cBooking)
	C.mkt_offer_booking_init(&cb.b)
	cb.b.customer_id, cb.b.booking_id = cb.str(b.CustomerID), cb.str(b.BookingID)
	cb.b.route, cb.b.fare_class = cb.str(b.Route), cb.str(b.FareClass)
	cb.b.currency = cb.str(b.Currency)
	cb.b.amount, cb.b.prior_discount = C.int64_t(b.Amount), C.int64_t(b.PriorDiscount)
	cb.b.booking_date, cb.b.travel_date = C.mkt_date(b.BookingDate), C.mkt_date(b.TravelDate)
	if b.Customer != nil {
		rec, err := b.Customer.rawRec()
		if err != nil {
			cb.free()
			return nil, err
		}
		cb.b.customer = rec
	}
	return cb, nil
}

// OfferReasonText is one failed rule.
type OfferReasonText struct {
	Reason OfferReason
	Text   string
}

// OfferDecision is the decision on one code.
type OfferDecision struct {
	Valid    bool
	Discount int64
	Code     string
	OfferID  string // "" for an unknown code
	Reasons  []OfferReasonText
}

func decisionOf(r *C.mkt_offer_result) OfferDecision {
	d := OfferDecision{Valid: C.mkt_offer_result_valid(r) != 0,
		Discount: int64(C.mkt_offer_result_discount(r)),
		Code:     C.GoString(C.mkt_offer_result_code(r))}
	if id := C.mkt_offer_result_offer_id(r); id != nil {
		d.OfferID = C.GoString(id)
	}
	n := C.mkt_offer_result_reason_count(r)
	for i := C.size_t(0); i < n; i++ {
		d.Reasons = append(d.Reasons, OfferReasonText{
			OfferReason(C.mkt_offer_result_reason(r, i)),
			C.GoString(C.mkt_offer_result_reason_text(r, i))})
	}
	return d
}

// Offer is one offer definition being built (mkt_offer). Offers.Add takes it over.
type Offer struct {
	object
}

func freeOffer(p unsafe.Pointer) { C.mkt_offer_free((*C.mkt_offer)(p)) }

// NewOffer creates an empty offer with the given id.
func (c *Context) NewOffer(id string) (*Offer, error) {
	cs := C.CString(id)
	defer C.free(unsafe.Pointer(cs))
	o, err := c.newObject("offer", freeOffer, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_offer
		rc := C.mkt_offer_new(&out, ctx, cs)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	of := &Offer{o}
	runtime.SetFinalizer(of, (*Offer).Close)
	return of, nil
}

// Close frees an offer not added to a catalogue; idempotent.
func (o *Offer) Close() error {
	runtime.SetFinalizer(o, nil)
	o.close()
	return nil
}

// call runs a setter and reports the context's error.
func (o *Offer) call(fn func(*C.mkt_offer) C.int) error {
	p, err := o.raw()
	if err != nil {
		return err
	}
	o.ctx.begin()
	err = o.ctx.check(fn((*C.mkt_offer)(p)))
	runtime.KeepAlive(o)
	return err
}

func (o *Offer) callStr(s string, fn func(*C.mkt_offer, *C.char) C.int) error {
	cs := cstrOpt(s)
	defer C.free(unsafe.Pointer(cs))
	return o.call(func(p *C.mkt_offer) C.int { return fn(p, cs) })
}

func b32(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

// ID is the offer's id.
func (o *Offer) ID() (string, error) {
	p, err := o.raw()
	if err != nil {
		return "", err
	}
	return C.GoString(C.mkt_offer_id((*C.mkt_offer)(p))), nil
}

// SetDiscount sets the discount: basis points (cap in minor units, 0 none) or minor units.
func (o *Offer) SetDiscount(kind DiscountKind, value, cap int64) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_discount(p, C.int32_t(kind), C.int64_t(value), C.int64_t(cap))
	})
}

// SetCurrency sets the offer's ISO 4217 currency.
func (o *Offer) SetCurrency(currency string) error {
	return o.callStr(currency, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_set_currency(p, s)
	})
}

// SetMinPurchase sets the minimum booking amount (minor units, 0 none).
func (o *Offer) SetMinPurchase(amount int64) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_min_purchase(p, C.int64_t(amount))
	})
}

// SetBookingWindow sets the booking dates accepted (NullDate leaves an end open).
func (o *Offer) SetBookingWindow(from, to Date) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_booking_window(p, C.mkt_date(from), C.mkt_date(to))
	})
}

// SetTravelWindow sets the travel dates accepted (NullDate leaves an end open).
func (o *Offer) SetTravelWindow(from, to Date) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_travel_window(p, C.mkt_date(from), C.mkt_date(to))
	})
}

// AddBlackout adds a blackout range of travel dates (inclusive).
func (o *Offer) AddBlackout(from, to Date) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_add_blackout(p, C.mkt_date(from), C.mkt_date(to))
	})
}

// AddRoute adds an applicable or excluded route pattern ("JFK-LHR", "JFK-*", "*-LHR", "*").
func (o *Offer) AddRoute(pattern string, excluded bool) error {
	return o.callStr(pattern, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_add_route(p, s, b32(excluded))
	})
}

// AddFareClass adds an applicable or excluded fare class.
func (o *Offer) AddFareClass(fare string, excluded bool) error {
	return o.callStr(fare, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_add_fare_class(p, s, b32(excluded))
	})
}

// SetSegmentRule restricts the offer to the customers a rule selects.
func (o *Offer) SetSegmentRule(rule string) error {
	return o.callStr(rule, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_set_segment_rule(p, s)
	})
}

// SetCustomer binds the offer to one customer.
func (o *Offer) SetCustomer(customerID string) error {
	return o.callStr(customerID, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_set_customer(p, s)
	})
}

// SetLimit sets a limit (0 removes it).
func (o *Offer) SetLimit(kind OfferLimit, value int64) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_limit(p, C.int32_t(kind), C.int64_t(value))
	})
}

// SetStacking sets the stackable flag and the priority (higher applies first).
func (o *Offer) SetStacking(stackable bool, priority int32) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_stacking(p, b32(stackable), C.int32_t(priority))
	})
}

// AddCombinable allows stacking with offerID only (once per id).
func (o *Offer) AddCombinable(offerID string) error {
	return o.callStr(offerID, func(p *C.mkt_offer, s *C.char) C.int {
		return C.mkt_offer_add_combinable(p, s)
	})
}

// SetReservationTTL sets how long a reservation holds its use, in seconds.
func (o *Offer) SetReservationTTL(seconds int64) error {
	return o.call(func(p *C.mkt_offer) C.int {
		return C.mkt_offer_set_reservation_ttl(p, C.int64_t(seconds))
	})
}

// AddCode adds a code, for anyone (customerID "") or one customer.
func (o *Offer) AddCode(code, customerID string) error {
	cs, cust := C.CString(code), cstrOpt(customerID)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cust))
	return o.call(func(p *C.mkt_offer) C.int { return C.mkt_offer_add_code(p, cs, cust) })
}

// disown forgets a child without freeing it (its ownership moved to another C object).
func (c *Context) disown(ch *child) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch.ptr = nil
	delete(c.children, ch)
}

// Offers is a catalogue of offers indexed by code (mkt_offers). Validation, redemption and
// stacking use the catalogue's context and its store.
type Offers struct {
	object
	result *C.mkt_offer_result
}

func freeOffers(p unsafe.Pointer) { C.mkt_offers_free((*C.mkt_offers)(p)) }

// NewOffers creates an empty catalogue.
func (c *Context) NewOffers() (*Offers, error) {
	o, err := c.newObject("offer catalogue", freeOffers,
		func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
			var out *C.mkt_offers
			rc := C.mkt_offers_new(&out, ctx)
			return unsafe.Pointer(out), rc
		})
	if err != nil {
		return nil, err
	}
	s := &Offers{object: o}
	c.begin()
	if err := c.check(C.mkt_offer_result_new(&s.result, c.ptr)); err != nil {
		s.close()
		return nil, err
	}
	runtime.SetFinalizer(s, (*Offers).Close)
	return s, nil
}

// Close frees the catalogue and its offers; idempotent.
func (s *Offers) Close() error {
	runtime.SetFinalizer(s, nil)
	if s.result != nil {
		C.mkt_offer_result_free(s.result)
		s.result = nil
	}
	s.close()
	return nil
}

func (s *Offers) call(fn func(*C.mkt_offers, *C.mkt_ctx) C.int) error {
	p, err := s.raw()
	if err != nil {
		return err
	}
	ctx, err := s.ctx.raw()
	if err != nil {
		return err
	}
	s.ctx.begin()
	err = s.ctx.check(fn((*C.mkt_offers)(p), ctx))
	runtime.KeepAlive(s)
	return err
}

// Add hands the offer to the catalogue (taken over whatever the outcome).
func (s *Offers) Add(o *Offer) error {
	op, err := o.raw()
	if err != nil {
		return err
	}
	runtime.SetFinalizer(o, nil)
	o.ctx.disown(o.ch)
	return s.call(func(p *C.mkt_offers, _ *C.mkt_ctx) C.int {
		return C.mkt_offers_add(p, (*C.mkt_offer)(op))
	})
}

// LoadXML loads offer definitions (validated against data/offer.rng); all or nothing.
func (s *Offers) LoadXML(text, source string) error {
	data, n := cText(text)
	defer C.free(unsafe.Pointer(data))
	src := cstrOpt(source)
	defer C.free(unsafe.Pointer(src))
	return s.call(func(p *C.mkt_offers, _ *C.mkt_ctx) C.int {
		return C.mkt_offers_load_xml_memory(p, data, n, src)
	})
}

// LoadXMLFile loads offer definitions from a file.
func (s *Offers) LoadXMLFile(path string) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	return s.call(func(p *C.mkt_offers, _ *C.mkt_ctx) C.int {
		return C.mkt_offers_load_xml_file(p, cs)
	})
}

// Compile compiles the offers' segment rules against the table's schema.
func (s *Offers) Compile(t *Table) error {
	tp, err := t.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(t)
	return s.call(func(p *C.mkt_offers, _ *C.mkt_ctx) C.int { return C.mkt_offers_compile(p, tp) })
}

// IDs lists the offer ids in catalogue order.
func (s *Offers) IDs() ([]string, error) {
	p, err := s.raw()
	if err != nil {
		return nil, err
	}
	n := C.mkt_offers_count((*C.mkt_offers)(p))
	ids := make([]string, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		ids = append(ids, C.GoString(C.mkt_offer_id(C.mkt_offers_get((*C.mkt_offers)(p), i))))
	}
	runtime.KeepAlive(s)
	return ids, nil
}

func (s *Offers) decide(code string, b *OfferBooking, reserve bool) (OfferDecision, error) {
	cb, err := newCBooking(b)
	if err != nil {
		return OfferDecision{}, err
	}
	defer cb.free()
	cs := C.CString(code)
	defer C.free(unsafe.Pointer(cs))
	err = s.call(func(p *C.mkt_offers, ctx *C.mkt_ctx) C.int {
		if reserve {
			return C.mkt_offers_reserve(p, ctx, cs, &cb.b, s.result)
		}
		return C.mkt_offers_validate(p, ctx, cs, &cb.b, s.result)
	})
	runtime.KeepAlive(b.Customer)
	if err != nil {
		return OfferDecision{}, err
	}
	return decisionOf(s.result), nil
}

// Validate decides whether code is valid for the booking (mkt_offers_validate).
func (s *Offers) Validate(code string, b *OfferBooking) (OfferDecision, error) {
	return s.decide(code, b, false)
}

// Reserve validates and holds one use (mkt_offers_reserve); b.BookingID is required.
func (s *Offers) Reserve(code string, b *OfferBooking) (OfferDecision, error) {
	return s.decide(code, b, true)
}

func (s *Offers) settle(code, customerID, bookingID string, commit bool) error {
	cs, cust, bk := C.CString(code), C.CString(customerID), C.CString(bookingID)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cust))
	defer C.free(unsafe.Pointer(bk))
	return s.call(func(p *C.mkt_offers, ctx *C.mkt_ctx) C.int {
		if commit {
			return C.mkt_offers_commit(p, ctx, cs, cust, bk)
		}
		return C.mkt_offers_release(p, ctx, cs, cust, bk)
	})
}

// Commit makes a reservation final (idempotent).
func (s *Offers) Commit(code, customerID, bookingID string) error {
	return s.settle(code, customerID, bookingID, true)
}

// Release gives a reserved or committed use back (idempotent).
func (s *Offers) Release(code, customerID, bookingID string) error {
	return s.settle(code, customerID, bookingID, false)
}

// OfferStackItem is one code's place in a stack.
type OfferStackItem struct {
	Decision OfferDecision
	Chosen   bool
	Order    int // position in the order discounts apply, -1 when left out
}

// OfferStack is the best combination of codes for a booking.
type OfferStack struct {
	Total int64
	Items []OfferStackItem
}

// Stack chooses the combination of codes with the largest total discount.
func (s *Offers) Stack(codes []string, b *OfferBooking) (OfferStack, error) {
	cb, err := newCBooking(b)
	if err != nil {
		return OfferStack{}, err
	}
	defer cb.free()
	arr := C.mkt_go_strings_new(C.size_t(len(codes)))
	for i, code := range codes {
		C.mkt_go_strings_set(arr, C.size_t(i), C.CString(code))
	}
	defer C.mkt_go_strings_free(arr, C.size_t(len(codes)))
	var st *C.mkt_offer_stack
	var out OfferStack
	err = s.call(func(p *C.mkt_offers, ctx *C.mkt_ctx) C.int {
		if rc := C.mkt_offer_stack_new(&st, ctx); rc != 0 {
			return rc
		}
		return C.mkt_offers_stack(p, ctx, arr, C.size_t(len(codes)), &cb.b, st)
	})
	defer C.mkt_offer_stack_free(st)
	runtime.KeepAlive(b.Customer)
	if err != nil {
		return out, err
	}
	out.Total = int64(C.mkt_offer_stack_total(st))
	for i := C.size_t(0); i < C.mkt_offer_stack_count(st); i++ {
		out.Items = append(out.Items, OfferStackItem{
			Decision: decisionOf(C.mkt_offer_stack_item(st, i)),
			Chosen:   C.mkt_offer_stack_chosen(st, i) != 0,
			Order:    int(C.mkt_offer_stack_order(st, i))})
	}
	return out, nil
}

// OffersSweep releases every lapsed reservation in the context's store.
func (c *Context) OffersSweep() (uint64, error) {
	ptr, err := c.raw()
	if err != nil {
		return 0, err
	}
	var n C.uint64_t
	c.begin()
	err = c.check(C.mkt_offers_sweep(ptr, &n))
	return uint64(n), err
}

// OfferUsage is an offer's usage read from the store.
type OfferUsage struct {
	Held, Redemptions, DiscountTotal, AverageDiscount, BudgetUsed, CustomerUses int64
}

// OfferUsage reads the usage of offerID (and of customerID when not "").
func (c *Context) OfferUsage(offerID, customerID string) (OfferUsage, error) {
	ptr, err := c.raw()
	if err != nil {
		return OfferUsage{}, err
	}
	id, cust := C.CString(offerID), cstrOpt(customerID)
	defer C.free(unsafe.Pointer(id))
	defer C.free(unsafe.Pointer(cust))
	var u C.mkt_offer_usage
	u.struct_size = C.size_t(unsafe.Sizeof(u))
	c.begin()
	if err := c.check(C.mkt_offer_usage_get(ptr, id, cust, &u)); err != nil {
		return OfferUsage{}, err
	}
	return OfferUsage{int64(u.held), int64(u.redemptions), int64(u.discount_total),
		int64(u.average_discount), int64(u.budget_used), int64(u.customer_uses)}, nil
}

// OfferUsageReport gives committed redemptions per route or booking date as CSV text.
func (c *Context) OfferUsageReport(offerID string, by OfferUsageBy) (string, error) {
	ptr, err := c.raw()
	if err != nil {
		return "", err
	}
	id := C.CString(offerID)
	defer C.free(unsafe.Pointer(id))
	var out *C.char
	c.begin()
	if err := c.check(C.mkt_offer_usage_report(ptr, id, C.int32_t(by), &out)); err != nil {
		return "", err
	}
	defer C.mkt_free(unsafe.Pointer(out))
	return C.GoString(out), nil
}
