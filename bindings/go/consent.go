// SPDX-License-Identifier: MIT

package marketing

// Consent and compliance (consent.h): the contact decision, consent records with history and
// double opt-in, Do-Not-Contact entries, preferences, topics, frequency caps, quiet hours and
// delivery feedback. Record methods live on Context (its store holds the state); the
// decision needs a ConsentPolicy. doc/consent.md describes the rules and the storage.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// ChannelAll is the DNC scope (and preferences channel) that covers every channel.
const ChannelAll Channel = 0

// MessageClass says whether a message is transactional or promotional.
type MessageClass int32

// Message classes.
const (
	Transactional MessageClass = 1
	Promotional   MessageClass = 2
)

// ConsentStatus is the consent of one channel.
type ConsentStatus int32

// Consent statuses.
const (
	ConsentNone      ConsentStatus = 0
	ConsentGiven     ConsentStatus = 1
	ConsentWithdrawn ConsentStatus = 2
	ConsentPending   ConsentStatus = 3 // double opt-in not confirmed yet
)

// DncReason says why a DNC entry exists.
type DncReason int32

// DNC reasons.
const (
	DncHardBounce      DncReason = 1
	DncUnsubscribe     DncReason = 2
	DncSpamComplaint   DncReason = 3
	DncSmsStop         DncReason = 4
	DncCustomerService DncReason = 5
	DncLegal           DncReason = 6
	DncInternalPolicy  DncReason = 7
)

// ContactReason is one reason of a deny.
type ContactReason int32

// Contact reasons (mkt_contact_reason).
const (
	ReasonNoConsent        ContactReason = 1
	ReasonConsentWithdrawn ContactReason = 2
	ReasonOptInPending     ContactReason = 3
	ReasonDncHardBounce    ContactReason = 4
	ReasonDncUnsubscribe   ContactReason = 5
	ReasonDncSpamComplaint ContactReason = 6
	ReasonDncSmsStop       ContactReason = 7
	ReasonDncCustomerSvc   ContactReason = 8
	ReasonDncLegal         ContactReason = 9
	ReasonDncInternal      ContactReason = 10
	ReasonInvalidAddress   ContactReason = 11
	ReasonChannelOff       ContactReason = 12
	ReasonTopicExcluded    ContactReason = 13
	ReasonTopicNotChosen   ContactReason = 14
	ReasonCapChannel       ContactReason = 15
	ReasonCapGlobal        ContactReason = 16
	ReasonQuietHours       ContactReason = 17
	ReasonStoreError       ContactReason = 18
	ReasonTimeZone         ContactReason = 19
	ReasonAuditError       ContactReason = 20
)

// Name is the reason's machine name ("quiet_hours"), or "" for an unknown code.
func (r ContactReason) Name() string { return goOpt(C.mkt_contact_reason_name(C.int32_t(r))) }

// Text is the reason's one-sentence English text, or "".
func (r ContactReason) Text() string { return goOpt(C.mkt_contact_reason_text(C.int32_t(r))) }

// TopicChoice is a customer's choice for a topic.
type TopicChoice int32

// Topic choices.
const (
	TopicClear    TopicChoice = 0
	TopicChosen   TopicChoice = 1
	TopicExcluded TopicChoice = 2
)

// FeedbackKind is a delivery event.
type FeedbackKind int32

// Feedback kinds.
const (
	FeedbackDelivered   FeedbackKind = 1
	FeedbackSoftBounce  FeedbackKind = 2
	FeedbackHardBounce  FeedbackKind = 3
	FeedbackComplaint   FeedbackKind = 4
	FeedbackUnsubscribe FeedbackKind = 5
)

func unixOrZero(t time.Time) C.mkt_time {
	if t.IsZero() {
		return 0
	}
	return C.mkt_time(t.Unix())
}

// ConsentChange is a consent decision of a customer for one channel.
type ConsentChange struct {
	CustomerID   string
	Channel      Channel
	Status       ConsentStatus // ConsentGiven or ConsentWithdrawn (ignored by ConfirmConsent)
	DoubleOptIn  bool          // a given consent stays pending until confirmed
	Time         time.Time     // zero: the context's clock
	Source       string        // required
	IP           string
	ProofVersion string
	Actor        string
}

func (c *Context) consentChange(ch ConsentChange, confirm bool) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	var r C.mkt_consent_change
	C.mkt_consent_change_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(ch.CustomerID)
	r.channel = C.int32_t(ch.Channel)
	r.status = C.int32_t(ch.Status)
	if ch.DoubleOptIn {
		r.double_opt_in = 1
	}
	r.ts = unixOrZero(ch.Time)
	r.source = strs.opt(ch.Source)
	r.ip = strs.opt(ch.IP)
	r.proof_version = strs.opt(ch.ProofVersion)
	r.actor = strs.opt(ch.Actor)
	c.begin()
	if confirm {
		err = c.check(C.mkt_consent_confirm(ptr, &r))
	} else {
		err = c.check(C.mkt_consent_set(ptr, &r))
	}
	runtime.KeepAlive(c)
	return err
}

// SetConsent records a consent decision; the latest by time wins (on a tie, a withdrawal).
func (c *Context) SetConsent(ch ConsentChange) error { return c.consentChange(ch, false) }

// ConfirmConsent confirms a pending double opt-in (ErrState when none is pending).
func (c *Context) ConfirmConsent(ch ConsentChange) error { return c.consentChange(ch, true) }

// Consent returns a customer's consent on a channel and when it was decided.
func (c *Context) Consent(customerID string, channel Channel) (ConsentStatus, time.Time, error) {
	ptr, err := c.raw()
	if err != nil {
		return ConsentNone, time.Time{}, err
	}
	id := C.CString(customerID)
	defer C.free(unsafe.Pointer(id))
	var st C.int32_t
	var ts C.mkt_time
	c.begin()
	err = c.check(C.mkt_consent_get(ptr, id, C.int32_t(channel), &st, &ts))
	runtime.KeepAlive(c)
	var when time.Time
	if ts != 0 {
		when = time.Unix(int64(ts), 0).UTC()
	}
	return ConsentStatus(st), when, err
}

// ConsentHistory returns the customer's history: one "ts\taction\tchannel\tdetail" line each.
func (c *Context) ConsentHistory(customerID string) (string, error) {
	ptr, err := c.raw()
	if err != nil {
		return "", err
	}
	id := C.CString(customerID)
	defer C.free(unsafe.Pointer(id))
	var out *C.char
	c.begin()
	err = c.check(C.mkt_consent_history(ptr, id, &out))
	runtime.KeepAlive(c)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// DncEntry is a Do-Not-Contact entry.
type DncEntry struct {
	CustomerID string
	Scope      Channel // a channel or ChannelAll
	Reason     DncReason
	Time       time.Time
	Source     string // required
	Actor      string // required to remove
	Note       string
}

func (c *Context) dnc(e DncEntry, remove bool) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	var r C.mkt_dnc_entry
	C.mkt_dnc_entry_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(e.CustomerID)
	r.scope = C.int32_t(e.Scope)
	r.reason = C.int32_t(e.Reason)
	r.ts = unixOrZero(e.Time)
	r.source = strs.opt(e.Source)
	r.actor = strs.opt(e.Actor)
	r.note = strs.opt(e.Note)
	c.begin()
	if remove {
		err = c.check(C.mkt_dnc_remove(ptr, &r))
	} else {
		err = c.check(C.mkt_dnc_add(ptr, &r))
	}
	runtime.KeepAlive(c)
	return err
}

// AddDnc adds (or refreshes) a DNC entry.
func (c *Context) AddDnc(e DncEntry) error { return c.dnc(e, false) }

// RemoveDnc removes a DNC entry; audited, needs Actor (ErrNotFound when absent).
func (c *Context) RemoveDnc(e DncEntry) error { return c.dnc(e, true) }

// HasDnc tells whether an entry of reason (0: any) covers the channel.
func (c *Context) HasDnc(customerID string, channel Channel, reason DncReason) (bool, error) {
	ptr, err := c.raw()
	if err != nil {
		return false, err
	}
	id := C.CString(customerID)
	defer C.free(unsafe.Pointer(id))
	var found C.int32_t
	c.begin()
	err = c.check(C.mkt_dnc_has(ptr, id, C.int32_t(channel), C.int32_t(reason), &found))
	runtime.KeepAlive(c)
	return found == 1, err
}

// Preferences are a customer's switches and caps for a channel (ChannelAll: the
// all-channel caps only).
type Preferences struct {
	CustomerID    string
	Channel       Channel
	Promotional   bool
	Transactional bool
	DailyCap      int32
	WeeklyCap     int32
	MonthlyCap    int32
	Actor         string
}

// SetPreferences stores a customer's preferences for a channel.
func (c *Context) SetPreferences(p Preferences) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	var r C.mkt_preferences
	C.mkt_preferences_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(p.CustomerID)
	r.channel = C.int32_t(p.Channel)
	r.promotional, r.transactional = 0, 0
	if p.Promotional {
		r.promotional = 1
	}
	if p.Transactional {
		r.transactional = 1
	}
	r.daily_cap, r.weekly_cap, r.monthly_cap = C.int32_t(p.DailyCap), C.int32_t(p.WeeklyCap),
		C.int32_t(p.MonthlyCap)
	r.actor = strs.opt(p.Actor)
	c.begin()
	err = c.check(C.mkt_preferences_set(ptr, &r))
	runtime.KeepAlive(c)
	return err
}

// GetPreferences reads a customer's preferences for a channel (defaults without a record).
func (c *Context) GetPreferences(customerID string, channel Channel) (Preferences, error) {
	ptr, err := c.raw()
	if err != nil {
		return Preferences{}, err
	}
	var r C.mkt_preferences
	C.mkt_preferences_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(customerID)
	r.channel = C.int32_t(channel)
	c.begin()
	err = c.check(C.mkt_preferences_get(ptr, &r))
	runtime.KeepAlive(c)
	return Preferences{CustomerID: customerID, Channel: channel, Promotional: r.promotional == 1,
		Transactional: r.transactional == 1, DailyCap: int32(r.daily_cap),
		WeeklyCap: int32(r.weekly_cap), MonthlyCap: int32(r.monthly_cap)}, err
}

// SetTopic chooses, excludes or clears a topic for a customer.
func (c *Context) SetTopic(customerID, topic string, choice TopicChoice, actor string) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	var strs cStrings
	defer strs.free()
	c.begin()
	err = c.check(C.mkt_topic_set(ptr, strs.str(customerID), strs.str(topic),
		C.int32_t(choice), strs.opt(actor)))
	runtime.KeepAlive(c)
	return err
}

// Feedback is one delivery event.
type Feedback struct {
	CustomerID      string
	Channel         Channel
	Kind            FeedbackKind
	Time            time.Time
	Source          string
	SoftBounceLimit int32 // 0: the default 3
}

// ConsentFeedback applies delivery feedback; true when it added a DNC entry.
func (c *Context) ConsentFeedback(f Feedback) (bool, error) {
	ptr, err := c.raw()
	if err != nil {
		return false, err
	}
	var r C.mkt_feedback
	C.mkt_feedback_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(f.CustomerID)
	r.channel = C.int32_t(f.Channel)
	r.kind = C.int32_t(f.Kind)
	r.ts = unixOrZero(f.Time)
	r.source = strs.opt(f.Source)
	if f.SoftBounceLimit != 0 {
		r.soft_bounce_limit = C.int32_t(f.SoftBounceLimit)
	}
	var added C.int32_t
	c.begin()
	err = c.check(C.mkt_consent_feedback(ptr, &r, &added))
	runtime.KeepAlive(c)
	return added == 1, err
}

// ImportConsent applies a consent/DNC/preferences CSV file; returns the rows applied.
func (c *Context) ImportConsent(path string) (uint64, error) {
	ptr, err := c.raw()
	if err != nil {
		return 0, err
	}
	p := C.CString(path)
	defer C.free(unsafe.Pointer(p))
	var rows C.uint64_t
	c.begin()
	err = c.check(C.mkt_consent_import(ptr, p, &rows))
	runtime.KeepAlive(c)
	return uint64(rows), err
}
