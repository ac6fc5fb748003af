// SPDX-License-Identifier: MIT

package marketing

// Rules of the segmentation language (segment.h, doc/rules.md): parsing, normalized text,
// building, inspection and equality.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// RuleKind is the kind of a rule node.
type RuleKind int32

// Rule node kinds.
const (
	RuleAnd       RuleKind = 1 // all children hold
	RuleOr        RuleKind = 2 // any child holds
	RuleNot       RuleKind = 3 // the one child does not hold
	RuleCondition RuleKind = 4 // field operator value(s)
	RuleSegment   RuleKind = 5 // in segment 'Name'
)

// Op is a condition operator.
type Op int32

// Condition operators (the comment gives the number of values).
const (
	OpEq               Op = 1  // =, 1
	OpNe               Op = 2  // !=, 1
	OpLt               Op = 3  // <, 1
	OpLe               Op = 4  // <=, 1
	OpGt               Op = 5  // >, 1
	OpGe               Op = 6  // >=, 1
	OpIn               Op = 7  // in (...), 1 or more
	OpNotIn            Op = 8  // not in (...), 1 or more
	OpBetween          Op = 9  // between a and b, 2
	OpNotBetween       Op = 10 // not between a and b, 2
	OpContains         Op = 11 // contains, 1
	OpNotContains      Op = 12 // not contains, 1
	OpStartsWith       Op = 13 // starts with, 1
	OpNotStartsWith    Op = 14 // not starts with, 1
	OpEndsWith         Op = 15 // ends with, 1
	OpNotEndsWith      Op = 16 // not ends with, 1
	OpMatches          Op = 17 // matches 'regex', 1
	OpNotMatches       Op = 18 // not matches 'regex', 1
	OpIsNull           Op = 19 // is null, 0
	OpIsNotNull        Op = 20 // is not null, 0
	OpWithinLast       Op = 21 // within last N days, 1 INT
	OpWithinNext       Op = 22 // within next N days, 1 INT
	OpAnniversaryNext  Op = 23 // anniversary within next N days, 1 INT
	OpAnniversaryMonth Op = 24 // anniversary this month, 0
)

// String is the operator's canonical text ("not in", ">="), or "Op(n)" for an unknown one.
func (o Op) String() string {
	if s := C.mkt_rule_op_name(C.int32_t(o)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("Op(%d)", int32(o))
}

// OpFromName finds an operator by its text (any case) or snake_case name ("not_in",
// "greater_than_or_equal"); ErrNotFound if there is none.
func OpFromName(name string) (Op, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var op C.int32_t
	if rc := C.mkt_rule_op_from_name(n, &op); rc != 0 {
		return 0, codeError(rc, fmt.Sprintf("operator %q", name))
	}
	return Op(op), nil
}

// RuleFlags of a condition.
type RuleFlags int32

// Condition flags.
const (
	RuleCI RuleFlags = 1 // compare strings ignoring case (suffix ci)
	RuleCS RuleFlags = 2 // compare exactly even when the segment ignores case (suffix cs)
)

// ValueKind is the kind of a literal value.
type ValueKind int32

// Literal value kinds.
const (
	ValueString  ValueKind = 1 // Text (dates too, as 'YYYY-MM-DD')
	ValueInt     ValueKind = 2 // Int
	ValueDecimal ValueKind = 3 // Text: an exact decimal "-123.45" (money in major units)
	ValueBool    ValueKind = 4 // Int 0 or 1
	ValueToday   ValueKind = 5 // today plus Int days
	ValueDate    ValueKind = 6 // Int: a Date (read back as a ValueString)
)

// Value is a literal of a condition. Make one with StringValue, IntValue, ...
type Value struct {
	Kind ValueKind
	Text string
	Int  int64
}

// StringValue is a text literal.
func StringValue(s string) Value { return Value{Kind: ValueString, Text: s} }

// IntValue is an integer literal.
func IntValue(i int64) Value { return Value{Kind: ValueInt, Int: i} }

// DecimalValue is an exact decimal literal such as "4999.99" (money in major units).
func DecimalValue(text string) Value { return Value{Kind: ValueDecimal, Text: text} }

// BoolValue is true or false.
func BoolValue(b bool) Value {
	if b {
		return Value{Kind: ValueBool, Int: 1}
	}
	return Value{Kind: ValueBool}
}

// TodayValue is `today + days days` (negative: in the past).
func TodayValue(days int64) Value { return Value{Kind: ValueToday, Int: days} }

// DateValue is a date literal.
func DateValue(d Date) Value { return Value{Kind: ValueDate, Int: int64(d)} }

// object is the C side of a rule, segment, record or member set: an object made from a
// context (which frees it on Close), or a view into the memory of its owner.
type object struct {
	ctx   *Context
	ch    *child
	owner *object // views only: the object whose memory ch.ptr points into
	what  string
}

func (o *object) raw() (unsafe.Pointer, error) {
	if o.owner != nil {
		if _, err := o.owner.raw(); err != nil {
			return nil, err
		}
	}
	if o.ch.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the " + o.what + " is closed"}
	}
	return o.ch.ptr, nil
}

// close frees an owned object (a view only forgets its pointer); idempotent.
func (o *object) close() {
	if o.owner != nil {
		o.ch.ptr = nil
		return
	}
	o.ctx.release(o.ch)
}

// newObject runs a C constructor on the context and adopts its result, so that closing the
// context frees it. The caller sets a finalizer on the Go wrapper.
func (c *Context) newObject(what string, free func(unsafe.Pointer),
	ctor func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int)) (object, error) {
	ptr, err := c.raw()
	if err != nil {
		return object{}, err
	}
	c.begin()
	p, rc := ctor(ptr)
	if err := c.check(rc); err != nil {
		return object{}, err
	}
	o := object{ctx: c, ch: &child{ptr: p, free: free}, what: what}
	if err := c.adopt(o.ch); err != nil {
		return object{}, err
	}
	return o, nil
}

// call runs a status-returning function with the context's error reporting.
func (c *Context) call(fn func() C.int) error {
	if _, err := c.raw(); err != nil {
		return err
	}
	c.begin()
	return c.check(fn())
}

// Rule is an immutable rule syntax tree (mkt_rule). Close it when done (or close its
// context); a child or a segment's rule is a view that lives as long as its owner.
type Rule struct {
	object
}

func freeRule(p unsafe.Pointer) { C.mkt_rule_free((*C.mkt_rule)(p)) }

func (c *Context) newRule(ctor func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int) (*Rule, error) {
	o, err := c.newObject("rule", freeRule, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_rule
		rc := ctor(ctx, &out)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	r := &Rule{o}
	runtime.SetFinalizer(r, (*Rule).Close)
	return r, nil
}

// ruleView is a rule inside owner's memory (a child, a segment's rule).
func ruleView(owner *object, p *C.mkt_rule) *Rule {
	return &Rule{object{ctx: owner.ctx, ch: &child{ptr: unsafe.Pointer(p)}, owner: owner,
		what: "rule"}}
}

func (r *Rule) rawRule() (*C.mkt_rule, error) {
	if r == nil {
		return nil, &Error{Code: ErrInvalid, Message: "nil rule"}
	}
	p, err := r.raw()
	return (*C.mkt_rule)(p), err
}

// Close frees the rule; idempotent. Later use returns ErrState.
func (r *Rule) Close() error {
	runtime.SetFinalizer(r, nil)
	r.close()
	return nil
}

// ParseOptions of ParseRule; nil or zero fields mean the defaults.
type ParseOptions struct {
	Source    string // name in error messages (a file name), or ""
	FirstLine uint32 // line number of the first line (default 1)
	MaxLength uint32 // longest text in bytes (default 65536)
	MaxDepth  uint32 // deepest nesting (default 64)
	MaxList   uint32 // most values in one in-list (default 10000)
}

// ParseRule parses rule text. A syntax error is an ErrParse *Error with Line and Column; a
// limit ErrTooBig.
func (c *Context) ParseRule(text string, opts *ParseOptions) (*Rule, error) {
	var o C.mkt_rule_parse_options
	if rc := C.mkt_rule_parse_options_init(&o); rc != 0 {
		return nil, codeError(rc, "mkt_rule_parse_options_init")
	}
	var strs cStrings
	defer strs.free()
	if opts != nil {
		o.source = strs.opt(opts.Source)
		for _, f := range []struct {
			dst *C.uint32_t
			v   uint32
		}{{&o.first_line, opts.FirstLine}, {&o.max_length, opts.MaxLength},
			{&o.max_depth, opts.MaxDepth}, {&o.max_list, opts.MaxList}} {
			if f.v != 0 {
				*f.dst = C.uint32_t(f.v)
			}
		}
	}
	t := C.CBytes([]byte(text)) // need not be NUL-terminated
	defer C.free(t)
	return c.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return C.mkt_rule_parse(out, ctx, (*C.char)(t), C.size_t(len(text)), &o)
	})
}

// Condition builds `field op values` (the field may be an alias). ErrInvalid for a wrong
// number or kind of values, bad flags or a bad field name.
func (c *Context) Condition(field string, op Op, flags RuleFlags, values ...Value) (*Rule, error) {
	var strs cStrings
	defer strs.free()
	vals := make([]C.mkt_rule_value, len(values)+1) // +1: never a zero-length array
	for i, v := range values {
		cv := &vals[i]
		cv.struct_size = C.size_t(unsafe.Sizeof(*cv))
		cv.kind = C.int32_t(v.Kind)
		cv.integer = C.int64_t(v.Int)
		if v.Kind == ValueString || v.Kind == ValueDecimal {
			cv.text = strs.str(v.Text)
			cv.len = C.size_t(len(v.Text))
		}
	}
	f := strs.str(field)
	var vp *C.mkt_rule_value
	if len(values) > 0 {
		vp = &vals[0]
	}
	return c.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return C.mkt_rule_condition(out, ctx, f, C.int32_t(op), vp, C.size_t(len(values)),
			C.int32_t(flags))
	})
}

func (c *Context) group(rules []*Rule,
	fn func(**C.mkt_rule, *C.mkt_ctx, **C.mkt_rule, C.size_t) C.int) (*Rule, error) {
	ptrs := make([]*C.mkt_rule, len(rules)+1) // C pointers only: fine to pass to C
	for i, r := range rules {
		p, err := r.rawRule()
		if err != nil {
			return nil, err
		}
		ptrs[i] = p
	}
	defer runtime.KeepAlive(rules)
	return c.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return fn(out, ctx, &ptrs[0], C.size_t(len(rules)))
	})
}

// And builds `a and b and ...` of one or more rules (copied; nested ANDs are flattened).
func (c *Context) And(rules ...*Rule) (*Rule, error) {
	return c.group(rules, func(o **C.mkt_rule, x *C.mkt_ctx, k **C.mkt_rule, n C.size_t) C.int {
		return C.mkt_rule_and(o, x, k, n)
	})
}

// Or builds `a or b or ...` of one or more rules (copied).
func (c *Context) Or(rules ...*Rule) (*Rule, error) {
	return c.group(rules, func(o **C.mkt_rule, x *C.mkt_ctx, k **C.mkt_rule, n C.size_t) C.int {
		return C.mkt_rule_or(o, x, k, n)
	})
}

// Not builds `not rule` (copied).
func (c *Context) Not(rule *Rule) (*Rule, error) {
	p, err := rule.rawRule()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(rule)
	return c.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return C.mkt_rule_not(out, ctx, p)
	})
}

// SegmentRef builds `in segment 'name'`.
func (c *Context) SegmentRef(name string) (*Rule, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return c.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return C.mkt_rule_segment_ref(out, ctx, n)
	})
}

// Copy is a deep copy owned by the rule's context.
func (r *Rule) Copy() (*Rule, error) {
	p, err := r.rawRule()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(r)
	return r.ctx.newRule(func(ctx *C.mkt_ctx, out **C.mkt_rule) C.int {
		return C.mkt_rule_copy(out, ctx, p)
	})
}

// Format is the normalized text; parsing it gives an equal rule.
func (r *Rule) Format() (string, error) {
	p, err := r.rawRule()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(r)
	ctx, err := r.ctx.raw()
	if err != nil {
		return "", err
	}
	var out *C.char
	if err := r.ctx.call(func() C.int { return C.mkt_rule_format(p, ctx, &out) }); err != nil {
		return "", err
	}
	defer C.mkt_free(unsafe.Pointer(out))
	return C.GoString(out), nil
}

// Fields lists the fields the rule reads (mkt_rule_fields): each once, in order of first
// appearance, aliases replaced by their fields. `in segment` references are followed through
// opts.Resolver or opts.Catalog (the other options are ignored); nil opts: not followed.
func (r *Rule) Fields(opts *SegmentOptions) ([]string, error) {
	var o C.mkt_segment_options
	if rc := C.mkt_segment_options_init(&o); rc != 0 {
		return nil, codeError(rc, "mkt_segment_options_init")
	}
	var st *resolverState
	if opts != nil {
		if opts.Resolver != nil && opts.Catalog != nil {
			return nil, &Error{Code: ErrInvalid, Message: "SegmentOptions: set Resolver or Catalog, not both"}
		}
		if opts.Resolver != nil {
			st = &resolverState{fn: opts.Resolver}
			h := cgo.NewHandle(st)
			defer h.Delete()
			C.mkt_go_segment_resolver(&o, C.uintptr_t(h))
		} else if opts.Catalog != nil {
			cp, err := opts.Catalog.rawCat()
			if err != nil {
				return nil, err
			}
			defer runtime.KeepAlive(opts.Catalog)
			C.mkt_go_catalog_resolver(&o, cp)
		}
	}
	p, err := r.rawRule()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(r)
	ctx, err := r.ctx.raw()
	if err != nil {
		return nil, err
	}
	var out **C.char
	var n C.size_t
	err = r.ctx.call(func() C.int {
		rc := C.mkt_rule_fields(p, ctx, o.resolver, o.resolver_data, &out, &n)
		if st != nil && st.pending != nil {
			r.ctx.host.pending = st.pending
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	defer C.mkt_free(unsafe.Pointer(out))
	names := make([]string, int(n))
	for i, s := range unsafe.Slice(out, int(n)) {
		names[i] = C.GoString(s)
	}
	return names, nil
}

// String is the normalized text, or "<closed rule>" (see Format for the error).
func (r *Rule) String() string {
	s, err := r.Format()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return s
}

// Equal reports whether two rules have the same structure, fields, operators, flags and
// values (false if either is closed).
func (r *Rule) Equal(o *Rule) bool {
	a, err1 := r.rawRule()
	b, err2 := o.rawRule()
	defer runtime.KeepAlive(r)
	defer runtime.KeepAlive(o)
	return err1 == nil && err2 == nil && C.mkt_rule_equal(a, b) != 0
}

// peek reads a property of an open rule (zero once closed).
func (r *Rule) peek(fn func(*C.mkt_rule)) {
	if p, err := r.rawRule(); err == nil {
		fn(p)
	}
	runtime.KeepAlive(r)
}

// Kind of the node (0 once closed).
func (r *Rule) Kind() (k RuleKind) {
	r.peek(func(p *C.mkt_rule) { k = RuleKind(C.mkt_rule_kind_get(p)) })
	return k
}

// NumChildren of an AND, OR or NOT node (0 otherwise).
func (r *Rule) NumChildren() (n int) {
	r.peek(func(p *C.mkt_rule) { n = int(C.mkt_rule_child_count(p)) })
	return n
}

// Child i of an AND, OR or NOT node: a view valid while r is open. ErrNotFound past the end.
func (r *Rule) Child(i int) (*Rule, error) {
	p, err := r.rawRule()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(r)
	var ch *C.mkt_rule
	if i >= 0 {
		ch = C.mkt_rule_child(p, C.size_t(i))
	}
	if ch == nil {
		return nil, &Error{Code: ErrNotFound, Message: fmt.Sprintf("rule has no child %d", i)}
	}
	return ruleView(&r.object, ch), nil
}

// Children of an AND, OR or NOT node (views; none for a condition or segment reference).
func (r *Rule) Children() []*Rule {
	n := r.NumChildren()
	out := make([]*Rule, 0, n)
	for i := 0; i < n; i++ {
		if ch, err := r.Child(i); err == nil {
			out = append(out, ch)
		}
	}
	return out
}

// Field of a condition, or the name of a segment reference; "" otherwise.
func (r *Rule) Field() (f string) {
	r.peek(func(p *C.mkt_rule) { f = goOpt(C.mkt_rule_field(p)) })
	return f
}

// Op of a condition (0 otherwise).
func (r *Rule) Op() (op Op) {
	r.peek(func(p *C.mkt_rule) { op = Op(C.mkt_rule_op_get(p)) })
	return op
}

// Flags of a condition.
func (r *Rule) Flags() (f RuleFlags) {
	r.peek(func(p *C.mkt_rule) { f = RuleFlags(C.mkt_rule_flags(p)) })
	return f
}

// NumValues of a condition.
func (r *Rule) NumValues() (n int) {
	r.peek(func(p *C.mkt_rule) { n = int(C.mkt_rule_value_count(p)) })
	return n
}

// Value i of a condition (a date reads back as its 'YYYY-MM-DD' text); ErrNotFound past the
// end.
func (r *Rule) Value(i int) (Value, error) {
	p, err := r.rawRule()
	if err != nil {
		return Value{}, err
	}
	defer runtime.KeepAlive(r)
	if i < 0 {
		return Value{}, &Error{Code: ErrNotFound, Message: fmt.Sprintf("no value %d", i)}
	}
	var v C.mkt_rule_value
	v.struct_size = C.size_t(unsafe.Sizeof(v))
	if rc := C.mkt_rule_value_get(p, C.size_t(i), &v); rc != 0 {
		return Value{}, codeError(rc, fmt.Sprintf("rule value %d", i))
	}
	out := Value{Kind: ValueKind(v.kind), Int: int64(v.integer)}
	if v.text != nil {
		out.Text = C.GoStringN(v.text, C.int(v.len))
	}
	return out, nil
}

// Values of a condition.
func (r *Rule) Values() ([]Value, error) {
	n := r.NumValues()
	out := make([]Value, 0, n)
	for i := 0; i < n; i++ {
		v, err := r.Value(i)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
