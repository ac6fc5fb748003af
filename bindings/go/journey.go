// SPDX-License-Identifier: MIT

package marketing

// Journey definitions (journey.h): load an XML definition or build one node by node, with
// every load-time check, then read the compiled journey's nodes and edges or draw it as text.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Node types, kinds, ports, conditions and policies of journey.h (same values).
const (
	JourneyEntry    int32 = 1
	JourneyWait     int32 = 2
	JourneyDecision int32 = 3
	JourneySplit    int32 = 4
	JourneyAction   int32 = 5
	JourneyGoal     int32 = 6
	JourneyExit     int32 = 7

	EntrySegment int32 = 1
	EntryEvent   int32 = 2
	EntryDate    int32 = 3
	EntryManual  int32 = 4

	WaitDuration int32 = 1
	WaitTime     int32 = 2
	WaitDate     int32 = 3
	WaitField    int32 = 4
	WaitEvent    int32 = 5

	ActionSend      int32 = 1
	ActionUpdate    int32 = 2
	ActionTagAdd    int32 = 3
	ActionTagRemove int32 = 4
	ActionEmit      int32 = 5

	PortNext    int32 = 1
	PortEvent   int32 = 2
	PortTimeout int32 = 3
	PortBranch  int32 = 4
	PortDefault int32 = 5

	CondRule    int32 = 1
	CondSegment int32 = 2
	CondEvent   int32 = 3

	ReentryNever   int32 = 1
	ReentryAllowed int32 = 2

	ZoneCustomer int32 = 1
	ZoneFixed    int32 = 2
)

// Load-time checks (mkt_journey_check).
const (
	CheckSyntax          int32 = 1
	CheckInvalid         int32 = 2
	CheckDuplicate       int32 = 3
	CheckUnknownNode     int32 = 4
	CheckNoEntry         int32 = 5
	CheckUnreachable     int32 = 6
	CheckCycle           int32 = 7
	CheckNoDefault       int32 = 8
	CheckMissingExit     int32 = 9
	CheckNeverFires      int32 = 10
	CheckUnknownSegment  int32 = 11
	CheckUnknownTemplate int32 = 12
	CheckUnknownOffer    int32 = 13
	CheckUnknownEvent    int32 = 14
	CheckRule            int32 = 15
	CheckLimit           int32 = 16
)

// JourneyInfo holds the journey-level settings; durations are seconds. Reentry and
// ZonePolicy 0 mean the defaults (never, customer's zone).
type JourneyInfo struct {
	ID, Name, Description string
	Reentry               int32
	ReentryAfter          int64
	ReentryMax            uint32
	MaxDuration           int64
	ZonePolicy            int32
	Zone                  string
	Source                string // read only
	Line                  uint32 // read only
}

// JourneyContext is one personalization entry of a send.
type JourneyContext struct{ Name, Value string }

// JourneyNode is one node. TimeOfDay (seconds after local midnight) counts only with
// HasTimeOfDay; UntilDate 0 or NullDate means unused (read back as NullDate).
type JourneyNode struct {
	Index                                         uint32 // read only
	Type, Kind                                    int32
	ID, Label, Event, Segment, Rule, Field, Value string
	Delay                                         int64
	TimeOfDay                                     int32
	HasTimeOfDay                                  bool
	Yearly                                        bool
	UntilDate                                     Date
	Channel                                       Channel
	TemplateID, Subject, Offer, Experiment        string
	Context                                       []JourneyContext
	Line                                          uint32
}

// JourneyEdge is one edge From -> To (node indexes) through Port.
type JourneyEdge struct {
	Index                       uint32 // read only
	From, To                    uint32
	Port, Condition             int32
	Rule, Segment, Event, Since string
	Negate                      bool
	Weight                      float64
	Variant                     string
	Line                        uint32
}

// JourneyIssue is one load-time problem; Code is the status it makes the load return.
type JourneyIssue struct {
	Check         int32
	Code          Code
	Node, Source  string
	Line, Column  uint32
	Message, Hint string
}

func (i JourneyIssue) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", i.Source, i.Line, JourneyCheckName(i.Check), i.Message)
}

// JourneyError is the error of a failed load or finish: the status (errors.Is works with
// the codes) and every problem found.
type JourneyError struct {
	Err    *Error // the status and the message of the first problem
	Issues []JourneyIssue
}

func (e *JourneyError) Error() string { return e.Err.Error() }

// Unwrap gives the *Error, so errors.Is with a Code and errors.As(err, &*Error) work.
func (e *JourneyError) Unwrap() error { return e.Err }

// JourneyOptions are the registries and limits of a load or finish. A nil list skips its
// check; Now is the validation time in Unix seconds when HasNow is set.
type JourneyOptions struct {
	Segments, Templates, Offers, Events []string
	Catalog                             *Catalog
	Schema                              *Table
	Now                                 int64
	HasNow                              bool
	MaxNodes, MaxDepth, MaxText         uint32
}

// JourneyCheckName is the static name of a check ("cycle", ...), "" if unknown.
func JourneyCheckName(check int32) string { return goOpt(C.mkt_journey_check_name(C.int32_t(check))) }

// JourneyXMLSchema is the RelaxNG schema of journey definition files.
func JourneyXMLSchema() string { return C.GoString(C.mkt_journey_xml_schema()) }

// cList is a C array of C strings built from a Go list (nil stays NULL).
type cList struct {
	arr **C.char
	n   int
}

func newCList(names []string) cList {
	if names == nil {
		return cList{}
	}
	arr := C.mkt_go_strings_new(C.size_t(len(names)))
	for i, s := range names {
		C.mkt_go_strings_set(arr, C.size_t(i), C.CString(s))
	}
	return cList{(**C.char)(unsafe.Pointer(arr)), len(names)}
}

func (l cList) free() {
	if l.arr != nil {
		C.mkt_go_strings_free((**C.char)(unsafe.Pointer(l.arr)), C.size_t(l.n))
	}
}

// options fills a C options struct; the returned func frees what it allocated.
func (o *JourneyOptions) c(issues *C.mkt_journey_issues) (C.mkt_journey_options, func(), error) {
	var co C.mkt_journey_options
	if rc := C.mkt_journey_options_init(&co); rc != 0 {
		return co, func() {}, codeError(rc, "mkt_journey_options_init")
	}
	co.issues = issues
	if o == nil {
		return co, func() {}, nil
	}
	lists := []cList{newCList(o.Segments), newCList(o.Templates), newCList(o.Offers),
		newCList(o.Events)}
	free := func() {
		for _, l := range lists {
			l.free()
		}
	}
	co.segments, co.nsegments = lists[0].arr, C.size_t(lists[0].n)
	co.templates, co.ntemplates = lists[1].arr, C.size_t(lists[1].n)
	co.offers, co.noffers = lists[2].arr, C.size_t(lists[2].n)
	co.events, co.nevents = lists[3].arr, C.size_t(lists[3].n)
	if o.Catalog != nil {
		p, err := o.Catalog.rawCat()
		if err != nil {
			free()
			return co, func() {}, err
		}
		co.catalog = p
	}
	if o.Schema != nil {
		p, err := o.Schema.raw()
		if err != nil {
			free()
			return co, func() {}, err
		}
		co.schema = p
	}
	if o.HasNow {
		co.now = C.mkt_time(o.Now)
	}
	for _, lim := range []struct {
		v   uint32
		dst *C.uint32_t
	}{{o.MaxNodes, &co.max_nodes}, {o.MaxDepth, &co.max_depth}, {o.MaxText, &co.max_text}} {
		if lim.v != 0 {
			*lim.dst = C.uint32_t(lim.v)
		}
	}
	return co, free, nil
}

func readIssues(l *C.mkt_journey_issues) []JourneyIssue {
	n := int(C.mkt_journey_issues_count(l))
	out := make([]JourneyIssue, 0, n)
	for i := 0; i < n; i++ {
		var is C.mkt_journey_issue
		is.struct_size = C.size_t(unsafe.Sizeof(is))
		if C.mkt_journey_issues_get(l, C.size_t(i), &is) != 0 {
			continue
		}
		out = append(out, JourneyIssue{Check: int32(is.check), Code: Code(is.code),
			Node: goOpt(is.node), Source: goOpt(is.source), Line: uint32(is.line),
			Column: uint32(is.column), Message: goOpt(is.message), Hint: goOpt(is.hint)})
	}
	return out
}

// Journey is a compiled, immutable journey (mkt_journey); safe for concurrent reads.
type Journey struct {
	object
}

func freeJourney(p unsafe.Pointer) { C.mkt_journey_free((*C.mkt_journey)(p)) }

// makeJourney runs a loader or finish with an issue list and wraps the result.
func (c *Context) makeJourney(opts *JourneyOptions,
	run func(ctx *C.mkt_ctx, o *C.mkt_journey_options, out **C.mkt_journey) C.int) (*Journey, error) {
	ctx, err := c.raw()
	if err != nil {
		return nil, err
	}
	var issues *C.mkt_journey_issues
	if rc := C.mkt_journey_issues_new(&issues, ctx); rc != 0 {
		return nil, c.check(rc)
	}
	defer C.mkt_journey_issues_free(issues)
	co, free, err := opts.c(issues)
	defer free()
	if err != nil {
		return nil, err
	}
	o, err := c.newObject("journey", freeJourney, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_journey
		rc := run(ctx, &co, &out)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, &JourneyError{Err: e, Issues: readIssues(issues)}
		}
		return nil, err
	}
	j := &Journey{o}
	runtime.SetFinalizer(j, (*Journey).Close)
	return j, nil
}

// LoadJourneyFile loads an XML journey definition with every load-time check. On failure
// the error is a *JourneyError listing every problem with its line.
func (c *Context) LoadJourneyFile(path string, opts *JourneyOptions) (*Journey, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return c.makeJourney(opts, func(ctx *C.mkt_ctx, o *C.mkt_journey_options, out **C.mkt_journey) C.int {
		return C.mkt_journey_load_xml_file(out, ctx, cpath, o)
	})
}

// LoadJourney is LoadJourneyFile for XML in memory; source names it in messages.
func (c *Context) LoadJourney(data []byte, source string, opts *JourneyOptions) (*Journey, error) {
	var strs cStrings
	defer strs.free()
	src := strs.opt(source)
	buf := C.CBytes(data)
	defer C.free(buf)
	return c.makeJourney(opts, func(ctx *C.mkt_ctx, o *C.mkt_journey_options, out **C.mkt_journey) C.int {
		return C.mkt_journey_load_xml_memory(out, ctx, (*C.char)(buf), C.size_t(len(data)), src, o)
	})
}

// Close frees the journey; idempotent.
func (j *Journey) Close() error {
	runtime.SetFinalizer(j, nil)
	j.close()
	return nil
}

func (j *Journey) rawJourney() (*C.mkt_journey, error) {
	if j == nil {
		return nil, &Error{Code: ErrInvalid, Message: "nil journey"}
	}
	p, err := j.raw()
	return (*C.mkt_journey)(p), err
}

// Info reads the journey-level settings.
func (j *Journey) Info() (JourneyInfo, error) {
	p, err := j.rawJourney()
	if err != nil {
		return JourneyInfo{}, err
	}
	defer runtime.KeepAlive(j)
	var d C.mkt_journey_def
	if rc := C.mkt_journey_def_init(&d); rc != 0 {
		return JourneyInfo{}, codeError(rc, "mkt_journey_def_init")
	}
	if rc := C.mkt_journey_get(p, &d); rc != 0 {
		return JourneyInfo{}, codeError(rc, "mkt_journey_get")
	}
	return JourneyInfo{ID: goOpt(d.id), Name: goOpt(d.name), Description: goOpt(d.description),
		Reentry: int32(d.reentry), ReentryAfter: int64(d.reentry_after),
		ReentryMax: uint32(d.reentry_max), MaxDuration: int64(d.max_duration),
		ZonePolicy: int32(d.zone_policy), Zone: goOpt(d.zone), Source: goOpt(d.source),
		Line: uint32(d.line)}, nil
}

// NodeCount is the number of nodes (0 once closed).
func (j *Journey) NodeCount() int {
	p, err := j.rawJourney()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(j)
	return int(C.mkt_journey_node_count(p))
}

// EdgeCount is the number of edges (0 once closed).
func (j *Journey) EdgeCount() int {
	p, err := j.rawJourney()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(j)
	return int(C.mkt_journey_edge_count(p))
}

// Node reads node i; ErrNotFound out of range.
func (j *Journey) Node(i int) (JourneyNode, error) {
	p, err := j.rawJourney()
	if err != nil {
		return JourneyNode{}, err
	}
	defer runtime.KeepAlive(j)
	var d C.mkt_journey_node_def
	C.mkt_journey_node_def_init(&d)
	rc := C.int(C.MKT_ENOTFOUND)
	if i >= 0 && i < int(C.mkt_journey_node_count(p)) {
		rc = C.mkt_journey_node_get(p, C.uint32_t(i), &d)
	}
	if rc != 0 {
		return JourneyNode{}, &Error{Code: Code(rc), Message: fmt.Sprintf("node %d: %s", i, Code(rc))}
	}
	n := JourneyNode{Index: uint32(i), Type: int32(d._type), Kind: int32(d.kind), ID: goOpt(d.id),
		Label: goOpt(d.label), Event: goOpt(d.event), Segment: goOpt(d.segment),
		Rule: goOpt(d.rule), Field: goOpt(d.field), Value: goOpt(d.value),
		Delay: int64(d.delay), TimeOfDay: int32(d.time_of_day), HasTimeOfDay: d.time_of_day >= 0,
		Yearly:    d.yearly != 0,
		UntilDate: Date(d.until_date), Channel: Channel(d.channel),
		TemplateID: goOpt(d.template_id), Subject: goOpt(d.subject), Offer: goOpt(d.offer),
		Experiment: goOpt(d.experiment), Line: uint32(d.line)}
	keys := unsafe.Slice(d.context_keys, int(d.ncontext))
	values := unsafe.Slice(d.context_values, int(d.ncontext))
	for k := range keys {
		n.Context = append(n.Context, JourneyContext{C.GoString(keys[k]), C.GoString(values[k])})
	}
	return n, nil
}

// FindNode is the index of the node with this id; ErrNotFound.
func (j *Journey) FindNode(id string) (int, error) {
	p, err := j.rawJourney()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(j)
	cid := C.CString(id)
	defer C.free(unsafe.Pointer(cid))
	var idx C.uint32_t
	if rc := C.mkt_journey_node_find(p, cid, &idx); rc != 0 {
		return 0, &Error{Code: Code(rc), Message: fmt.Sprintf("no node %q in the journey", id)}
	}
	return int(idx), nil
}

// Edge reads edge i; ErrNotFound out of range.
func (j *Journey) Edge(i int) (JourneyEdge, error) {
	p, err := j.rawJourney()
	if err != nil {
		return JourneyEdge{}, err
	}
	defer runtime.KeepAlive(j)
	var d C.mkt_journey_edge_def
	C.mkt_journey_edge_def_init(&d)
	rc := C.int(C.MKT_ENOTFOUND)
	if i >= 0 && i < int(C.mkt_journey_edge_count(p)) {
		rc = C.mkt_journey_edge_get(p, C.uint32_t(i), &d)
	}
	if rc != 0 {
		return JourneyEdge{}, &Error{Code: Code(rc), Message: fmt.Sprintf("edge %d: %s", i, Code(rc))}
	}
	return JourneyEdge{Index: uint32(i), From: uint32(d.from), To: uint32(d.to),
		Port: int32(d.port), Condition: int32(d.condition), Rule: goOpt(d.rule),
		Segment: goOpt(d.segment), Event: goOpt(d.event), Since: goOpt(d.since),
		Negate: d.negate != 0, Weight: float64(d.weight), Variant: goOpt(d.variant),
		Line: uint32(d.line)}, nil
}

// NodeEdges lists the edges leaving node i (decision branches in rank order).
func (j *Journey) NodeEdges(i int) ([]JourneyEdge, error) {
	p, err := j.rawJourney()
	if err != nil {
		return nil, err
	}
	var first, count C.uint32_t
	rc := C.int(C.MKT_ENOTFOUND)
	if i >= 0 {
		rc = C.mkt_journey_node_edges(p, C.uint32_t(i), &first, &count)
	}
	runtime.KeepAlive(j)
	if rc != 0 {
		return nil, &Error{Code: Code(rc), Message: fmt.Sprintf("node %d: %s", i, Code(rc))}
	}
	out := make([]JourneyEdge, 0, int(count))
	for k := 0; k < int(count); k++ {
		e, err := j.Edge(int(first) + k)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Format draws the journey as text (mkt_journey_format).
func (j *Journey) Format() (string, error) {
	p, err := j.rawJourney()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(j)
	var text *C.char
	if err := j.ctx.call(func() C.int {
		return C.mkt_journey_format(p, j.ctx.ptr, &text)
	}); err != nil {
		return "", err
	}
	defer C.mkt_free(unsafe.Pointer(text))
	return C.GoString(text), nil
}

// JourneyBuilder builds a journey node by node (mkt_journey_builder); one goroutine at a time.
type JourneyBuilder struct {
	object
}

func freeJourneyBuilder(p unsafe.Pointer) {
	C.mkt_journey_builder_free((*C.mkt_journey_builder)(p))
}

// NewJourneyBuilder starts a journey with these settings (ErrInvalid for a bad id, policy,
// duration or zone).
func (c *Context) NewJourneyBuilder(info JourneyInfo) (*JourneyBuilder, error) {
	var strs cStrings
	defer strs.free()
	var d C.mkt_journey_def
	if rc := C.mkt_journey_def_init(&d); rc != 0 {
		return nil, codeError(rc, "mkt_journey_def_init")
	}
	d.id, d.name, d.description = strs.str(info.ID), strs.opt(info.Name), strs.opt(info.Description)
	if info.Reentry != 0 {
		d.reentry = C.int32_t(info.Reentry)
	}
	if info.ZonePolicy != 0 {
		d.zone_policy = C.int32_t(info.ZonePolicy)
	}
	d.reentry_after, d.reentry_max = C.int64_t(info.ReentryAfter), C.uint32_t(info.ReentryMax)
	d.max_duration, d.zone = C.int64_t(info.MaxDuration), strs.opt(info.Zone)
	o, err := c.newObject("journey builder", freeJourneyBuilder, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_journey_builder
		rc := C.mkt_journey_builder_new(&out, ctx, &d)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	b := &JourneyBuilder{o}
	runtime.SetFinalizer(b, (*JourneyBuilder).Close)
	return b, nil
}

// Close frees the builder; idempotent.
func (b *JourneyBuilder) Close() error {
	runtime.SetFinalizer(b, nil)
	b.close()
	return nil
}

func (b *JourneyBuilder) rawBuilder() (*C.mkt_journey_builder, error) {
	if b == nil {
		return nil, &Error{Code: ErrInvalid, Message: "nil journey builder"}
	}
	p, err := b.raw()
	return (*C.mkt_journey_builder)(p), err
}

// AddNode adds a node (Index is ignored) and returns its index.
func (b *JourneyBuilder) AddNode(n JourneyNode) (uint32, error) {
	p, err := b.rawBuilder()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(b)
	var strs cStrings
	defer strs.free()
	var d C.mkt_journey_node_def
	C.mkt_journey_node_def_init(&d)
	d._type, d.kind, d.id, d.label = C.int32_t(n.Type), C.int32_t(n.Kind), strs.str(n.ID), strs.opt(n.Label)
	d.event, d.segment, d.rule = strs.opt(n.Event), strs.opt(n.Segment), strs.opt(n.Rule)
	d.field, d.value = strs.opt(n.Field), strs.opt(n.Value)
	d.delay, d.channel = C.int64_t(n.Delay), C.int32_t(n.Channel)
	if n.HasTimeOfDay {
		d.time_of_day = C.int32_t(n.TimeOfDay)
	}
	if n.Yearly {
		d.yearly = 1
	}
	if n.UntilDate != 0 && n.UntilDate != NullDate {
		d.until_date = C.mkt_date(n.UntilDate)
	}
	d.template_id, d.subject = strs.opt(n.TemplateID), strs.opt(n.Subject)
	d.offer, d.experiment = strs.opt(n.Offer), strs.opt(n.Experiment)
	keys := make([]string, len(n.Context))
	values := make([]string, len(n.Context))
	for i, kv := range n.Context {
		keys[i], values[i] = kv.Name, kv.Value
	}
	kl, vl := newCList(keys), newCList(values)
	defer kl.free()
	defer vl.free()
	d.context_keys, d.context_values, d.ncontext = kl.arr, vl.arr, C.size_t(len(n.Context))
	var index C.uint32_t
	err = b.ctx.call(func() C.int { return C.mkt_journey_builder_add_node(p, &d, &index) })
	return uint32(index), err
}

// Connect adds an edge (Index is ignored).
func (b *JourneyBuilder) Connect(e JourneyEdge) error {
	p, err := b.rawBuilder()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(b)
	var strs cStrings
	defer strs.free()
	var d C.mkt_journey_edge_def
	C.mkt_journey_edge_def_init(&d)
	d.from, d.to, d.port, d.condition = C.uint32_t(e.From), C.uint32_t(e.To), C.int32_t(e.Port), C.int32_t(e.Condition)
	d.rule, d.segment, d.event, d.since = strs.opt(e.Rule), strs.opt(e.Segment), strs.opt(e.Event), strs.opt(e.Since)
	if e.Negate {
		d.negate = 1
	}
	d.weight, d.variant = C.double(e.Weight), strs.opt(e.Variant)
	return b.ctx.call(func() C.int { return C.mkt_journey_builder_connect(p, &d) })
}

// Finish checks everything and compiles a journey; the builder is left unchanged. On failure
// the error is a *JourneyError listing every problem.
func (b *JourneyBuilder) Finish(opts *JourneyOptions) (*Journey, error) {
	p, err := b.rawBuilder()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(b)
	return b.ctx.makeJourney(opts, func(ctx *C.mkt_ctx, o *C.mkt_journey_options, out **C.mkt_journey) C.int {
		return C.mkt_journey_builder_finish(p, o, out)
	})
}
