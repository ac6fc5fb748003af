// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// AuditRecord is one audit entry (consent changes, erasures, approvals, ...).
type AuditRecord struct {
	Time    time.Time // zero: the context's clock
	Actor   string
	Action  string // required, e.g. "consent.withdraw"
	Subject string
	Detail  string
}

// Message is a message ready for delivery, handed to the Sender callback.
type Message struct {
	Channel        Channel
	CustomerID     string
	Recipient      string
	Subject        string
	Body           string
	BodyText       string
	Headers        string
	CampaignID     string
	VariantID      string
	JourneyID      string
	IdempotencyKey string
	TemplateID     string // the template to render (journey sends)
	NodeID         string // the journey node that sends it
	Entry, Step    uint32 // journey sends: the instance's entry number and step; else 0
	ContextJSON    string // personalization context, a JSON object (see host.h)
	At             int64  // journey sends: the engine's clock when it sends (Unix seconds); else 0
}

// hostState is what the C callbacks reach through their cgo.Handle. It never points back to
// the Context, so the handle (a global root) does not keep the Context from being finalized.
type hostState struct {
	clock   func() (time.Time, error)
	log     func(LogLevel, string)
	random  func([]byte) error
	send    func(*Message) error
	audit   func(*AuditRecord) error
	storage Storage
	// pending is the error (or recovered panic) of the last failing callback; the Go wrapper
	// of the library call that triggered it attaches it as Error.Cause.
	pending error
}

type config struct {
	host  hostState
	flags C.uint
	opts  C.mkt_ctx_options
}

// Option configures NewContext.
type Option func(*config)

// WithClock sets the clock (default: the system clock).
func WithClock(clock func() (time.Time, error)) Option {
	return func(c *config) { c.host.clock = clock; c.flags |= C.MKT_GO_NOW }
}

// WithLogger receives log lines at or above the log level (default: discarded).
func WithLogger(log func(level LogLevel, message string)) Option {
	return func(c *config) { c.host.log = log; c.flags |= C.MKT_GO_LOG }
}

// WithLogLevel sets the lowest level passed to the logger (default LogWarn).
func WithLogLevel(level LogLevel) Option {
	return func(c *config) { c.opts.log_level = C.int32_t(level) }
}

// WithRandom fills its argument with secure random bytes (default: getrandom(2)).
func WithRandom(random func(p []byte) error) Option {
	return func(c *config) { c.host.random = random; c.flags |= C.MKT_GO_RANDOM }
}

// WithSender delivers messages (default: none; sending fails with ErrUnsupported).
func WithSender(send func(*Message) error) Option {
	return func(c *config) { c.host.send = send; c.flags |= C.MKT_GO_SEND }
}

// WithAudit records audit entries (default: the store namespace "audit").
func WithAudit(audit func(*AuditRecord) error) Option {
	return func(c *config) { c.host.audit = audit; c.flags |= C.MKT_GO_AUDIT }
}

// WithStorage makes s the context's store (default: the built-in memory store).
func WithStorage(s Storage) Option {
	return func(c *config) { c.host.storage = s; c.flags |= C.MKT_GO_STORE }
}

// WithMaxFieldBytes sets the longest CSV field accepted (default 1 MiB).
func WithMaxFieldBytes(n uint32) Option {
	return func(c *config) { c.opts.max_field_bytes = C.uint32_t(n) }
}

// WithMaxFields sets the most fields in one CSV record (default 4096).
func WithMaxFields(n uint32) Option {
	return func(c *config) { c.opts.max_fields = C.uint32_t(n) }
}

// WithMaxErrors sets the reserved lenient-load error budget (default 0).
func WithMaxErrors(n uint32) Option {
	return func(c *config) { c.opts.max_errors = C.uint32_t(n) }
}

// child is the C side of an object made from a Context (table, path set), kept apart from
// its Go wrapper so the Context can free it on Close without keeping the wrapper alive.
type child struct {
	ptr  unsafe.Pointer
	free func(unsafe.Pointer)
}

// Context is a libmarketing context (mkt_ctx).
type Context struct {
	mu       sync.Mutex
	ptr      *C.mkt_ctx
	host     *hostState
	handle   cgo.Handle
	children map[*child]struct{}
}

// NewContext creates a context with the given host callbacks and options.
func NewContext(options ...Option) (*Context, error) {
	var cfg config
	if rc := C.mkt_ctx_options_init(&cfg.opts); rc != 0 {
		return nil, codeError(rc, "mkt_ctx_options_init")
	}
	for _, o := range options {
		o(&cfg)
	}
	host := new(hostState)
	*host = cfg.host
	h := cgo.NewHandle(host)
	var ptr *C.mkt_ctx
	if rc := C.mkt_go_ctx_new(&ptr, C.uintptr_t(h), cfg.flags, &cfg.opts); rc != 0 {
		h.Delete()
		return nil, codeError(rc, "mkt_ctx_new")
	}
	c := &Context{ptr: ptr, host: host, handle: h, children: map[*child]struct{}{}}
	runtime.SetFinalizer(c, (*Context).free)
	return c, nil
}

// Close frees the context and every table and path set made from it. It is idempotent;
// any later use of them returns ErrState.
func (c *Context) Close() error {
	runtime.SetFinalizer(c, nil)
	c.free()
	return nil
}

// free releases the C objects; shared by Close and the finalizer.
func (c *Context) free() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return
	}
	for ch := range c.children {
		ch.free(ch.ptr)
		ch.ptr = nil
	}
	c.children = nil
	C.mkt_ctx_free(c.ptr)
	c.ptr = nil
	c.handle.Delete()
}

func (c *Context) adopt(ch *child) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		ch.free(ch.ptr)
		ch.ptr = nil
		return &Error{Code: ErrState, Message: "the context is closed"}
	}
	c.children[ch] = struct{}{}
	return nil
}

// release frees one child (Close or finalizer of a table or path set).
func (c *Context) release(ch *child) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch.ptr == nil {
		return
	}
	ch.free(ch.ptr)
	ch.ptr = nil
	delete(c.children, ch)
}

// raw returns the C context or ErrState once closed.
func (c *Context) raw() (*C.mkt_ctx, error) {
	if c == nil || c.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the context is closed"}
	}
	return c.ptr, nil
}

// begin clears the callback error before a library call; check turns the call's status into
// an error that carries the context's last error and that callback error.
func (c *Context) begin() { c.host.pending = nil }

func (c *Context) check(rc C.int) error {
	pending := c.host.pending
	c.host.pending = nil
	if rc >= 0 {
		return nil
	}
	return ctxError(c.ptr, rc, pending)
}

// LastError is the detail of the last failure on the context (Code OK if none), or nil once
// the context is closed.
func (c *Context) LastError() *Error {
	ptr, err := c.raw()
	if err != nil {
		return nil
	}
	le := C.mkt_ctx_last_error(ptr)
	e := &Error{Code: Code(le.code), Message: C.GoString(le.message), Line: uint64(le.line),
		Column: uint64(le.column)}
	if le.source != nil {
		e.Source = C.GoString(le.source)
	}
	if le.field != nil {
		e.Field = C.GoString(le.field)
	}
	runtime.KeepAlive(c)
	return e
}

// ClearError forgets the last error.
func (c *Context) ClearError() {
	if ptr, err := c.raw(); err == nil {
		C.mkt_ctx_clear_error(ptr)
	}
	runtime.KeepAlive(c)
}

// NowUnix is the context's clock in seconds since the epoch.
func (c *Context) NowUnix() (int64, error) {
	ptr, err := c.raw()
	if err != nil {
		return 0, err
	}
	var out C.mkt_time
	c.begin()
	err = c.check(C.mkt_ctx_now(ptr, &out))
	runtime.KeepAlive(c)
	return int64(out), err
}

// Now is the context's clock.
func (c *Context) Now() (time.Time, error) {
	sec, err := c.NowUnix()
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, 0).UTC(), nil
}

// Random fills p with secure random bytes from the host's source.
func (c *Context) Random(p []byte) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	if len(p) == 0 {
		return nil
	}
	// C memory, so that a Go random callback is never handed a Go pointer through C.
	buf := C.malloc(C.size_t(len(p)))
	defer C.free(buf)
	c.begin()
	err = c.check(C.mkt_ctx_random(ptr, buf, C.size_t(len(p))))
	runtime.KeepAlive(c)
	if err == nil {
		copy(p, unsafe.Slice((*byte)(buf), len(p)))
	}
	return err
}

// Audit records an entry through the host's audit sink.
func (c *Context) Audit(rec *AuditRecord) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	var r C.mkt_audit_record
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	if rec != nil {
		if !rec.Time.IsZero() {
			r.ts = C.mkt_time(rec.Time.Unix())
		}
		var strs cStrings
		defer strs.free()
		r.actor = strs.opt(rec.Actor)
		r.action = strs.opt(rec.Action)
		r.subject = strs.opt(rec.Subject)
		r.detail = strs.opt(rec.Detail)
	}
	c.begin()
	err = c.check(C.mkt_ctx_audit(ptr, &r))
	runtime.KeepAlive(c)
	return err
}

// Store gives access to the context's store.
func (c *Context) Store() *Store { return &Store{ctx: c} }

// cStrings collects C strings made for one call and frees them together.
type cStrings []*C.char

// opt is NULL for "" and a C copy otherwise.
func (s *cStrings) opt(v string) *C.char {
	if v == "" {
		return nil
	}
	return s.str(v)
}

func (s *cStrings) str(v string) *C.char {
	p := C.CString(v)
	*s = append(*s, p)
	return p
}

func (s *cStrings) free() {
	for _, p := range *s {
		C.free(unsafe.Pointer(p))
	}
	*s = nil
}

func goOpt(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
