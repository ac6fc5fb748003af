// SPDX-License-Identifier: MIT

package marketing

// Compiled segments (segment.h): compiling a rule against a table's schema, with a Go
// resolver for `in segment` references, and evaluating it over a table, on one row, or on a
// host-filled Record, with an explanation.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// SegmentOptions of Compile; nil or zero fields mean the defaults.
type SegmentOptions struct {
	// AsOf is `today`; nil: the table's as-of date (SetAsOf) if any, else the context clock's.
	AsOf *Date
	// CaseInsensitive makes string comparisons ignore case unless a condition says `cs`.
	CaseInsensitive bool
	RegexMatchLimit uint32 // default 1000000
	RegexDepthLimit uint32 // default 10000
	NoRegexJIT      bool   // interpret patterns instead of JIT-compiling them
	// Resolver gives the rule of `in segment 'name'`: (nil, nil) if unknown (ErrNotFound); an
	// error aborts the compilation (a Code or *Error as that status, else ErrUser). The
	// returned rule is copied; it must stay open until Compile returns.
	Resolver func(name string) (*Rule, error)
	// Catalog, instead of Resolver, resolves references by name or id through a catalog (in
	// C, without calling back into Go). It must stay open until Compile returns.
	Catalog  *Catalog
	MaxNodes uint32 // most compiled nodes after expanding references (default 100000)
}

// Explanation is a verdict and its explanation: one line per clause, indented by nesting,
// "yes" or "no", the clause and the value it saw.
type Explanation struct {
	Matched bool
	Text    string
}

// Segment is a rule compiled against a table schema (mkt_segment); immutable.
type Segment struct {
	object
}

func freeSegment(p unsafe.Pointer) { C.mkt_segment_free((*C.mkt_segment)(p)) }

// resolverState is what the C resolver reaches through its cgo.Handle.
type resolverState struct {
	fn      func(string) (*Rule, error)
	keep    []*Rule // open until the compilation ends
	pending error
}

//export mktGoResolve
func mktGoResolve(name *C.char, out **C.mkt_rule, ud unsafe.Pointer) (rc C.int) {
	s := cgo.Handle(uintptr(ud)).Value().(*resolverState)
	defer func() {
		if r := recover(); r != nil {
			s.pending = fmt.Errorf("segment resolver panicked: %v", r)
			rc = C.MKT_EUSER
		}
	}()
	r, err := s.fn(C.GoString(name))
	if err == nil && r == nil {
		return C.MKT_ENOTFOUND
	}
	var p *C.mkt_rule
	if err == nil {
		p, err = r.rawRule()
	}
	if err != nil {
		s.pending = err
		return codeOf(err)
	}
	s.keep = append(s.keep, r)
	*out = p // a C pointer into C memory
	return C.MKT_OK
}

func segmentOptions(o *SegmentOptions, opts *C.mkt_segment_options) *resolverState {
	if o.AsOf != nil {
		opts.as_of = C.mkt_date(*o.AsOf)
	}
	if o.CaseInsensitive {
		opts.case_insensitive = 1
	}
	if o.NoRegexJIT {
		opts.regex_jit = 0
	}
	for _, f := range []struct {
		dst *C.uint32_t
		v   uint32
	}{{&opts.regex_match_limit, o.RegexMatchLimit}, {&opts.regex_depth_limit, o.RegexDepthLimit},
		{&opts.max_nodes, o.MaxNodes}} {
		if f.v != 0 {
			*f.dst = C.uint32_t(f.v)
		}
	}
	if o.Resolver == nil {
		return nil
	}
	return &resolverState{fn: o.Resolver}
}

// Compile compiles rule against the columns of table. Errors carry the line and column of
// the offending token and a hint ("unknown field 'customer.teir'; did you mean
// customer.tier?"): ErrNotFound, ErrType, ErrParse (bad literal or regex), ErrConflict
// (cyclic segment references), ErrTooBig, or the resolver's error.
func (c *Context) Compile(rule *Rule, table *Table, opts *SegmentOptions) (*Segment, error) {
	var o C.mkt_segment_options
	if rc := C.mkt_segment_options_init(&o); rc != 0 {
		return nil, codeError(rc, "mkt_segment_options_init")
	}
	var st *resolverState
	if opts != nil {
		st = segmentOptions(opts, &o)
		if opts.Catalog != nil {
			if st != nil {
				return nil, &Error{Code: ErrInvalid,
					Message: "SegmentOptions: set Resolver or Catalog, not both"}
			}
			cp, err := opts.Catalog.rawCat()
			if err != nil {
				return nil, err
			}
			defer runtime.KeepAlive(opts.Catalog)
			C.mkt_go_catalog_resolver(&o, cp)
		}
	}
	if st != nil {
		h := cgo.NewHandle(st)
		defer h.Delete()
		C.mkt_go_segment_resolver(&o, C.uintptr_t(h))
	}
	rp, err := rule.rawRule()
	if err != nil {
		return nil, err
	}
	tp, err := table.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(rule)
	defer runtime.KeepAlive(table)
	obj, err := c.newObject("segment", freeSegment, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_segment
		rc := C.mkt_segment_compile(&out, ctx, rp, tp, &o)
		if st != nil && st.pending != nil {
			c.host.pending = st.pending
		}
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	s := &Segment{obj}
	runtime.SetFinalizer(s, (*Segment).Close)
	return s, nil
}

// CompileText parses text and compiles it (see ParseRule and Compile).
func (c *Context) CompileText(text string, table *Table, opts *SegmentOptions) (*Segment, error) {
	r, err := c.ParseRule(text, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return c.Compile(r, table, opts)
}

func (s *Segment) rawSeg() (*C.mkt_segment, error) {
	p, err := s.raw()
	return (*C.mkt_segment)(p), err
}

// Close frees the segment; idempotent.
func (s *Segment) Close() error {
	runtime.SetFinalizer(s, nil)
	s.close()
	return nil
}

// Rule is the rule the segment was compiled from: a view valid while the segment is open
// (nil once closed).
func (s *Segment) Rule() *Rule {
	p, err := s.rawSeg()
	if err != nil {
		return nil
	}
	defer runtime.KeepAlive(s)
	return ruleView(&s.object, C.mkt_segment_rule(p))
}

// AsOf is the date `today` meant at compile time (NullDate once closed).
func (s *Segment) AsOf() Date {
	p, err := s.rawSeg()
	if err != nil {
		return NullDate
	}
	defer runtime.KeepAlive(s)
	return Date(C.mkt_segment_as_of(p))
}

// onTable resolves the segment, table and context pointers of a table-based call.
func (s *Segment) onTable(t *Table) (*C.mkt_segment, *C.mkt_table, *C.mkt_ctx, error) {
	sp, err := s.rawSeg()
	if err != nil {
		return nil, nil, nil, err
	}
	tp, err := t.raw()
	if err != nil {
		return nil, nil, nil, err
	}
	cp, err := s.ctx.raw()
	return sp, tp, cp, err
}

// Evaluate returns the rows of table in the segment, as a member set on the segment's
// context. The table must have the columns the segment was compiled against (ErrState).
func (s *Segment) Evaluate(t *Table) (*Members, error) {
	sp, tp, _, err := s.onTable(t)
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(t)
	return s.ctx.newMembers(func(ctx *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_segment_evaluate(sp, ctx, tp, out)
	})
}

// MatchRow reports whether row of table is in the segment (ErrNotFound out of range).
func (s *Segment) MatchRow(t *Table, row uint64) (bool, error) {
	sp, tp, cp, err := s.onTable(t)
	if err != nil {
		return false, err
	}
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(t)
	var m C.int32_t
	err = s.ctx.call(func() C.int { return C.mkt_segment_match_row(sp, cp, tp, C.uint64_t(row), &m) })
	return err == nil && m != 0, err
}

// ExplainRow explains the verdict on row of table.
func (s *Segment) ExplainRow(t *Table, row uint64) (Explanation, error) {
	sp, tp, cp, err := s.onTable(t)
	if err != nil {
		return Explanation{}, err
	}
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(t)
	var m C.int32_t
	var text *C.char
	err = s.ctx.call(func() C.int {
		return C.mkt_segment_explain_row(sp, cp, tp, C.uint64_t(row), &m, &text)
	})
	return takeExplanation(m, text, err)
}

func takeExplanation(m C.int32_t, text *C.char, err error) (Explanation, error) {
	if err != nil {
		return Explanation{}, err
	}
	defer C.mkt_free(unsafe.Pointer(text))
	return Explanation{Matched: m != 0, Text: C.GoString(text)}, nil
}

// onRecord resolves the segment and record pointers of a record-based call.
func (s *Segment) onRecord(r *Record) (*C.mkt_segment, *C.mkt_record, error) {
	sp, err := s.rawSeg()
	if err != nil {
		return nil, nil, err
	}
	rp, err := r.rawRec()
	return sp, rp, err
}

// Match reports whether the customer in rec is in the segment; it does not allocate. ErrState
// if rec was made from another schema.
func (s *Segment) Match(rec *Record) (bool, error) {
	sp, rp, err := s.onRecord(rec)
	if err != nil {
		return false, err
	}
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(rec)
	var m C.int32_t
	err = rec.ctx.call(func() C.int { return C.mkt_segment_match(sp, rp, &m) })
	return err == nil && m != 0, err
}

// Explain explains the verdict on rec.
func (s *Segment) Explain(rec *Record) (Explanation, error) {
	sp, rp, err := s.onRecord(rec)
	if err != nil {
		return Explanation{}, err
	}
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(rec)
	var m C.int32_t
	var text *C.char
	err = rec.ctx.call(func() C.int { return C.mkt_segment_explain(sp, rp, &m, &text) })
	return takeExplanation(m, text, err)
}
