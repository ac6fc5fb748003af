// SPDX-License-Identifier: MIT

package marketing

// The contact decision of consent.h: a ConsentPolicy (quiet-hour rules, organisation caps,
// time-zone cache) answers ContactRequests. The records it reads are in consent.go.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

// ---- the decision ---------------------------------------------------------------------------

// ConsentOptions configure a policy; the zero value means the defaults.
type ConsentOptions struct {
	ZoneinfoDir            string
	DefaultZone            string // "" means UTC
	DailyCap               int32  // all-channel caps for every customer (0 none)
	WeeklyCap              int32
	MonthlyCap             int32
	QuietChannels          []Channel // nil: SMS and push
	ImpliedConsentChannels []Channel
}

// ConsentPolicy holds quiet-hour rules, organisation caps and the time-zone cache
// (mkt_consent). Use it from one goroutine at a time; Close it when done.
type ConsentPolicy struct {
	object
}

func freeConsent(p unsafe.Pointer) { C.mkt_consent_free((*C.mkt_consent)(p)) }

func channelMask(chs []Channel) C.uint32_t {
	var m C.uint32_t
	for _, ch := range chs {
		m |= 1 << uint(ch)
	}
	return m
}

// NewConsentPolicy creates a policy on the context.
func (c *Context) NewConsentPolicy(o ConsentOptions) (*ConsentPolicy, error) {
	var co C.mkt_consent_options
	C.mkt_consent_options_init(&co)
	var strs cStrings
	defer strs.free()
	co.zoneinfo_dir = strs.opt(o.ZoneinfoDir)
	co.default_zone = strs.opt(o.DefaultZone)
	co.daily_cap, co.weekly_cap, co.monthly_cap = C.int32_t(o.DailyCap),
		C.int32_t(o.WeeklyCap), C.int32_t(o.MonthlyCap)
	if o.QuietChannels != nil {
		co.quiet_channels = channelMask(o.QuietChannels)
	}
	co.implied_consent_channels = channelMask(o.ImpliedConsentChannels)
	obj, err := c.newObject("consent policy", freeConsent,
		func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
			var out *C.mkt_consent
			rc := C.mkt_consent_new(&out, ctx, &co)
			return unsafe.Pointer(out), rc
		})
	if err != nil {
		return nil, err
	}
	p := &ConsentPolicy{obj}
	runtime.SetFinalizer(p, (*ConsentPolicy).Close)
	return p, nil
}

// Close frees the policy; idempotent.
func (p *ConsentPolicy) Close() error {
	runtime.SetFinalizer(p, nil)
	p.close()
	return nil
}

func (p *ConsentPolicy) call(fn func(*C.mkt_consent) C.int) error {
	if p == nil {
		return &Error{Code: ErrInvalid, Message: "nil consent policy"}
	}
	raw, err := p.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(p)
	return p.ctx.call(func() C.int { return fn((*C.mkt_consent)(raw)) })
}

// Days of the week for quiet-hour rules (Monday is bit 0).
const (
	DaysAll   uint32 = 0x7F
	DayMonday uint32 = 0x01
	DaySunday uint32 = 0x40
)

// AddQuietRule allows promotional SMS/push in region ("" default, "US", "US-FL") only on
// days, between startMinute and endMinute of the local day.
func (p *ConsentPolicy) AddQuietRule(region string, startMinute, endMinute int32, days uint32) error {
	cr := C.CString(region)
	defer C.free(unsafe.Pointer(cr))
	var r C.mkt_quiet_rule
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	r.region = cr
	r.start_minute, r.end_minute, r.days = C.int32_t(startMinute), C.int32_t(endMinute),
		C.uint32_t(days)
	return p.call(func(c *C.mkt_consent) C.int { return C.mkt_consent_add_quiet_rule(c, &r) })
}

// LoadQuietRules loads rules from a CSV file (header region,start,end,days).
func (p *ConsentPolicy) LoadQuietRules(path string) error {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	return p.call(func(c *C.mkt_consent) C.int { return C.mkt_consent_load_quiet_rules(c, cp) })
}

// ContactRequest is one contact question; the host passes the customer's profile.
type ContactRequest struct {
	CustomerID     string
	Channel        Channel
	Class          MessageClass // zero: Promotional
	Purpose        string       // topic; "" no topic check
	At             time.Time    // zero: the context's clock
	TimeZone       string       // IANA zone; "" the policy default
	Region         string       // "US-FL", "FR"
	InvalidAddress bool
	Send           bool // a real send: counted against caps and audited when allowed
	Actor          string
}

// ContactDecision is the answer.
type ContactDecision struct {
	Allow       bool
	Reasons     []ContactReason
	NextAllowed time.Time // zero unless only quiet hours or caps deny
	At          time.Time
	// Err is set by CheckMany for a request that failed (the decision is then a deny);
	// Check returns the error instead.
	Err error
}

// Check answers: may we contact this customer on this channel for this purpose now? A store
// failure returns an error (the C decision is then a deny).
func (p *ConsentPolicy) Check(q ContactRequest) (ContactDecision, error) {
	var strs cStrings
	defer strs.free()
	r := q.toC(&strs)
	var d C.mkt_contact_decision
	d.struct_size = C.size_t(unsafe.Sizeof(d))
	err := p.call(func(c *C.mkt_consent) C.int { return C.mkt_consent_check(c, &r, &d) })
	return decisionFromC(&d), err
}

// CheckMany decides many requests at once (mkt_consent_check_many): the same decisions as
// calling Check for each in order (sends included), faster on a large store. A request that
// fails does not stop the others: its decision is a deny with Err set. The error returned is
// only for the call as a whole (a closed policy, an invalid argument).
func (p *ConsentPolicy) CheckMany(qs []ContactRequest) ([]ContactDecision, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	var strs cStrings
	defer strs.free()
	reqs := make([]C.mkt_contact_request, len(qs))
	for i := range qs {
		reqs[i] = qs[i].toC(&strs)
	}
	ds := make([]C.mkt_contact_decision, len(qs))
	ds[0].struct_size = C.size_t(unsafe.Sizeof(ds[0]))
	status := make([]C.int32_t, len(qs))
	for i := range status {
		status[i] = 1 // not decided: never a real code
	}
	err := p.call(func(c *C.mkt_consent) C.int {
		rc := C.mkt_consent_check_many(c, &reqs[0], C.size_t(len(reqs)), &ds[0], &status[0])
		if status[0] != 1 {
			return 0 // every request decided: failures are per request
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	out := make([]ContactDecision, len(qs))
	for i := range ds {
		out[i] = decisionFromC(&ds[i])
		if status[i] != 0 {
			out[i].Err = codeError(C.int(status[i]), "consent check of request "+
				strconv.Itoa(i))
		}
	}
	return out, nil
}

func (q *ContactRequest) toC(strs *cStrings) C.mkt_contact_request {
	var r C.mkt_contact_request
	C.mkt_contact_request_init(&r)
	r.customer_id = strs.str(q.CustomerID)
	r.channel = C.int32_t(q.Channel)
	r.message_class = C.int32_t(Promotional)
	if q.Class != 0 {
		r.message_class = C.int32_t(q.Class)
	}
	r.purpose = strs.opt(q.Purpose)
	r.at = unixOrZero(q.At)
	r.time_zone = strs.opt(q.TimeZone)
	r.region = strs.opt(q.Region)
	if q.InvalidAddress {
		r.address = 1
	}
	if q.Send {
		r.flags = 1
	}
	r.actor = strs.opt(q.Actor)
	return r
}

func decisionFromC(d *C.mkt_contact_decision) ContactDecision {
	out := ContactDecision{Allow: d.allow == 1}
	for code := 1; code < 32; code++ {
		if uint32(d.reasons)&(1<<uint(code)) != 0 {
			out.Reasons = append(out.Reasons, ContactReason(code))
		}
	}
	if d.next_allowed != 0 {
		out.NextAllowed = time.Unix(int64(d.next_allowed), 0).UTC()
	}
	if d.at != 0 {
		out.At = time.Unix(int64(d.at), 0).UTC()
	}
	return out
}
