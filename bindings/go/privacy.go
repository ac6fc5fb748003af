// SPDX-License-Identifier: MIT

package marketing

// Privacy (privacy.h) and the audit chain (ctx.h): right to be forgotten, data export,
// RFC 8058 one-click unsubscribe tokens, SMS keywords, and verifying the audit hash chain.
// doc/privacy.md describes the formats, the tombstones and the storage.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"runtime"
	"time"
	"unsafe"
)

// AuditHashLen is the size of an audit chain hash (SHA-256).
const AuditHashLen = 32

// UnsubMinSecret is the shortest secret accepted for unsubscribe tokens.
const UnsubMinSecret = 16

// ErasedKind says what a tombstone stands for.
type ErasedKind int32

// Tombstone kinds.
const (
	ErasedCustomer ErasedKind = 1
	ErasedEmail    ErasedKind = 2 // compared lower-case, trimmed
	ErasedPhone    ErasedKind = 3 // only digits and a leading '+' count
)

// AuditProblem is the first problem AuditVerify found.
type AuditProblem int32

// Audit problems.
const (
	AuditIntact     AuditProblem = 0
	AuditModified   AuditProblem = 1
	AuditGap        AuditProblem = 2
	AuditReordered  AuditProblem = 3
	AuditMalformed  AuditProblem = 4
	AuditBeyondHead AuditProblem = 5
	AuditHead       AuditProblem = 6
	AuditSubject    AuditProblem = 7
)

// UnsubStatus says why a token was rejected.
type UnsubStatus int32

// Token statuses.
const (
	UnsubValid        UnsubStatus = 0
	UnsubMalformed    UnsubStatus = 1
	UnsubBadSignature UnsubStatus = 2
	UnsubExpired      UnsubStatus = 3
)

// SmsKeyword is a recognised SMS keyword (SmsNone: not a keyword).
type SmsKeyword int32

// SMS keywords.
const (
	SmsNone SmsKeyword = iota
	SmsStop
	SmsStopAll
	SmsUnsubscribe
	SmsCancel
	SmsEnd
	SmsQuit
	SmsStart
	SmsYes
	SmsUnstop
	SmsHelp
	SmsInfo
)

// SmsAction is what an SMS keyword asks for.
type SmsAction int32

// SMS actions.
const (
	SmsActionNone   SmsAction = 0
	SmsActionOptOut SmsAction = 1
	SmsActionOptIn  SmsAction = 2
	SmsActionHelp   SmsAction = 3
)

// AuditReport is the result of AuditVerify.
type AuditReport struct {
	Intact   bool
	Problem  AuditProblem
	Records  uint64
	FirstBad uint64 // number of the first bad record; 0 when intact
	HeadSeq  uint64
	HeadHash string // 64 hex digits: publish it elsewhere to anchor the chain
	Message  string
}

// EraseRequest asks for the erasure of a customer. Email and Phone are optional.
type EraseRequest struct {
	CustomerID string
	Email      string
	Phone      string
	Actor      string
	Time       time.Time // zero: the context's clock
}

// UnsubSpec describes an unsubscribe token and its headers.
type UnsubSpec struct {
	Secret     []byte // at least UnsubMinSecret bytes
	CustomerID string
	Channel    Channel   // zero: email
	Topic      string    // "" : the whole channel
	Expires    time.Time // zero: now + 60 days
	URL        string    // https URL (headers only)
	Mailto     string    // optional address (headers only)
}

// UnsubResult is a verified (or rejected) token's content.
type UnsubResult struct {
	Status     UnsubStatus
	CustomerID string
	Channel    Channel
	Topic      string
	Expires    time.Time
	Applied    bool // UnsubApply: the unsubscribe was recorded
}

// SmsOptions configures the replies of SmsInbound ("{brand}" is replaced by Brand); empty
// fields keep the library's defaults.
type SmsOptions struct {
	Brand       string
	OptOutReply string
	OptInReply  string
	HelpReply   string
	Actor       string
}

// takeString converts a library-allocated string and releases it with mkt_free.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.mkt_free(unsafe.Pointer(p))
	return s
}

// PrivacyErase erases a customer (right to be forgotten) and returns the receipt (JSON
// decoded into a map). Safe to run again after a failure: it completes what is left.
func (c *Context) PrivacyErase(req EraseRequest) (map[string]any, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var r C.mkt_erase_request
	C.mkt_erase_request_init(&r)
	var strs cStrings
	defer strs.free()
	r.customer_id = strs.str(req.CustomerID)
	r.email = strs.opt(req.Email)
	r.phone = strs.opt(req.Phone)
	r.actor = strs.opt(req.Actor)
	if !req.Time.IsZero() {
		r.ts = C.mkt_time(req.Time.Unix())
	}
	var out *C.char
	c.begin()
	err = c.check(C.mkt_privacy_erase(ptr, &r, &out))
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	var receipt map[string]any
	err = json.Unmarshal([]byte(takeString(out)), &receipt)
	return receipt, err
}

// PrivacyIsErased tells whether an id, email or phone has a tombstone.
func (c *Context) PrivacyIsErased(kind ErasedKind, value string) (bool, error) {
	ptr, err := c.raw()
	if err != nil {
		return false, err
	}
	v := C.CString(value)
	defer C.free(unsafe.Pointer(v))
	var erased C.int32_t
	c.begin()
	err = c.check(C.mkt_privacy_is_erased(ptr, C.int32_t(kind), v, &erased))
	runtime.KeepAlive(c)
	return erased == 1, err
}

// PrivacyExport returns everything stored about a customer as a JSON document.
func (c *Context) PrivacyExport(customerID, actor string) ([]byte, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var strs cStrings
	defer strs.free()
	var out *C.char
	c.begin()
	err = c.check(C.mkt_privacy_export(ptr, strs.str(customerID), strs.opt(actor), &out))
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return []byte(takeString(out)), nil
}

// AuditVerify verifies the default audit sink's hash chain.
func (c *Context) AuditVerify() (*AuditReport, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var r C.mkt_audit_report
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	c.begin()
	err = c.check(C.mkt_audit_verify(ptr, &r))
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	h := C.GoBytes(unsafe.Pointer(&r.head_hash[0]), AuditHashLen)
	return &AuditReport{Intact: r.intact == 1, Problem: AuditProblem(r.problem),
		Records: uint64(r.records), FirstBad: uint64(r.first_bad), HeadSeq: uint64(r.head_seq),
		HeadHash: hex.EncodeToString(h), Message: C.GoString(&r.message[0])}, nil
}

// AuditChainHash computes the chained hash of record number seq after a record whose hash is
// prev (32 zero bytes for seq 1), for hosts with their own audit sink.
func (c *Context) AuditChainHash(rec *AuditRecord, seq uint64, prev []byte) ([]byte, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	if len(prev) != AuditHashLen || rec == nil {
		return nil, errors.New("marketing: AuditChainHash needs a record and a 32-byte prev")
	}
	var r C.mkt_audit_record
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	if !rec.Time.IsZero() {
		r.ts = C.mkt_time(rec.Time.Unix())
	}
	var strs cStrings
	defer strs.free()
	r.actor = strs.opt(rec.Actor)
	r.action = strs.opt(rec.Action)
	r.subject = strs.opt(rec.Subject)
	r.detail = strs.opt(rec.Detail)
	cprev := C.CBytes(prev)
	defer C.free(cprev)
	out := C.malloc(AuditHashLen)
	defer C.free(out)
	c.begin()
	err = c.check(C.mkt_audit_chain_hash(ptr, &r, C.uint64_t(seq), (*C.uint8_t)(cprev),
		(*C.uint8_t)(out)))
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return C.GoBytes(out, AuditHashLen), nil
}

// unsubSpec fills a C spec; the returned free releases the C copies.
func unsubSpec(s *UnsubSpec, strs *cStrings) (C.mkt_unsub_spec, func()) {
	var cs C.mkt_unsub_spec
	C.mkt_unsub_spec_init(&cs)
	secret := C.CBytes(s.Secret)
	cs.secret = (*C.uint8_t)(secret)
	cs.secret_len = C.size_t(len(s.Secret))
	cs.customer_id = strs.str(s.CustomerID)
	if s.Channel != 0 {
		cs.channel = C.int32_t(s.Channel)
	}
	cs.topic = strs.opt(s.Topic)
	if !s.Expires.IsZero() {
		cs.expires = C.mkt_time(s.Expires.Unix())
	}
	cs.url = strs.opt(s.URL)
	cs.mailto = strs.opt(s.Mailto)
	return cs, func() { C.free(secret) }
}

// UnsubToken signs an unsubscribe token.
func (c *Context) UnsubToken(s *UnsubSpec) (string, error) {
	return c.unsubString(s, false)
}

// UnsubHeaders builds the List-Unsubscribe and List-Unsubscribe-Post lines (CRLF-terminated).
func (c *Context) UnsubHeaders(s *UnsubSpec) (string, error) {
	return c.unsubString(s, true)
}

func (c *Context) unsubString(s *UnsubSpec, headers bool) (string, error) {
	ptr, err := c.raw()
	if err != nil {
		return "", err
	}
	var strs cStrings
	defer strs.free()
	cs, free := unsubSpec(s, &strs)
	defer free()
	var out *C.char
	c.begin()
	if headers {
		err = c.check(C.mkt_unsub_headers(ptr, &cs, &out))
	} else {
		err = c.check(C.mkt_unsub_token(ptr, &cs, &out))
	}
	runtime.KeepAlive(c)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

func unsubResult(r *C.mkt_unsub_result) *UnsubResult {
	return &UnsubResult{Status: UnsubStatus(r.status), CustomerID: C.GoString(&r.customer_id[0]),
		Channel: Channel(r.channel), Topic: C.GoString(&r.topic[0]),
		Expires: time.Unix(int64(r.expires), 0).UTC(), Applied: r.applied == 1}
}

// UnsubVerify checks a token (now zero: the context's clock). A rejected token is a status.
func (c *Context) UnsubVerify(secret []byte, token string, now time.Time) (*UnsubResult, error) {
	return c.unsubCheck(secret, token, now, false, "")
}

// UnsubApply verifies a token and, when valid, records the unsubscribe through the consent
// API (DNC entry, or an excluded topic).
func (c *Context) UnsubApply(secret []byte, token, actor string) (*UnsubResult, error) {
	return c.unsubCheck(secret, token, time.Time{}, true, actor)
}

func (c *Context) unsubCheck(secret []byte, token string, now time.Time, apply bool,
	actor string) (*UnsubResult, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var strs cStrings
	defer strs.free()
	csecret := C.CBytes(secret)
	defer C.free(csecret)
	var r C.mkt_unsub_result
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	c.begin()
	if apply {
		err = c.check(C.mkt_unsub_apply(ptr, (*C.uint8_t)(csecret), C.size_t(len(secret)),
			strs.str(token), strs.opt(actor), &r))
	} else {
		var ts C.mkt_time
		if !now.IsZero() {
			ts = C.mkt_time(now.Unix())
		}
		err = c.check(C.mkt_unsub_verify(ptr, (*C.uint8_t)(csecret), C.size_t(len(secret)),
			strs.str(token), ts, &r))
	}
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return unsubResult(&r), nil
}

// SmsKeywordParse recognises a keyword in an inbound SMS: the action, the keyword, and
// whether the whole text was the keyword.
func SmsKeywordParse(text string) (SmsAction, SmsKeyword, bool) {
	ct := C.CString(text)
	defer C.free(unsafe.Pointer(ct))
	var kw, exact C.int32_t
	a := C.mkt_sms_keyword_parse(ct, C.size_t(len(text)), &kw, &exact)
	return SmsAction(a), SmsKeyword(kw), exact == 1
}

// SmsInbound acts on an inbound SMS (opt-out, opt-in, help) and returns the action and the
// reply to send ("" when the text was no keyword).
func (c *Context) SmsInbound(customerID, text string, o *SmsOptions) (SmsAction, string, error) {
	ptr, err := c.raw()
	if err != nil {
		return SmsActionNone, "", err
	}
	var opts C.mkt_sms_options
	C.mkt_sms_options_init(&opts)
	var strs cStrings
	defer strs.free()
	if o != nil {
		opts.brand = strs.opt(o.Brand)
		opts.opt_out_reply = strs.opt(o.OptOutReply)
		opts.opt_in_reply = strs.opt(o.OptInReply)
		opts.help_reply = strs.opt(o.HelpReply)
		opts.actor = strs.opt(o.Actor)
	}
	var action C.int32_t
	var out *C.char
	c.begin()
	err = c.check(C.mkt_sms_inbound(ptr, &opts, strs.str(customerID), strs.str(text), &action,
		&out))
	runtime.KeepAlive(c)
	if err != nil {
		return SmsActionNone, "", err
	}
	return SmsAction(action), takeString(out), nil
}
