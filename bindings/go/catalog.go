// SPDX-License-Identifier: MIT

package marketing

// Segment catalogs (catalog.h): named segment definitions, the predefined segments shipped
// with the library, XML definition files (doc/segments.md), lookup by name or id, and
// compilation with `in segment` references resolved through the catalog.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// SegmentDef is one segment definition. Rule is read back in normalized form; Unavailable
// says why the segment cannot be evaluated yet ("" when it can).
type SegmentDef struct {
	Index       int // position in the catalog (read only)
	ID          string
	Name        string
	Category    string
	Description string
	Rule        string
	Unavailable string
	Source      string // where the rule text comes from, for error positions
	Line        uint32 // line of the rule text in Source (0: 1)
}

// Available reports whether the segment can be evaluated (Unavailable is empty).
func (d SegmentDef) Available() bool { return d.Unavailable == "" }

// Catalog is a collection of segment definitions (mkt_catalog). Changed (Add, Load*) by one
// goroutine at a time; once built it may be read and compiled from concurrently.
type Catalog struct {
	object
}

func freeCatalog(p unsafe.Pointer) { C.mkt_catalog_free((*C.mkt_catalog)(p)) }

func (c *Context) newCatalog(ctor func(ctx *C.mkt_ctx, out **C.mkt_catalog) C.int) (*Catalog, error) {
	o, err := c.newObject("catalog", freeCatalog, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_catalog
		rc := ctor(ctx, &out)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	cat := &Catalog{o}
	runtime.SetFinalizer(cat, (*Catalog).Close)
	return cat, nil
}

// NewCatalog creates an empty catalog.
func (c *Context) NewCatalog() (*Catalog, error) {
	return c.newCatalog(func(ctx *C.mkt_ctx, out **C.mkt_catalog) C.int {
		return C.mkt_catalog_new(out, ctx)
	})
}

// BuiltinCatalog creates a catalog holding the predefined segments of doc/segments.md (some
// unavailable, with the reason).
func (c *Context) BuiltinCatalog() (*Catalog, error) {
	return c.newCatalog(func(ctx *C.mkt_ctx, out **C.mkt_catalog) C.int {
		return C.mkt_catalog_builtin(out, ctx)
	})
}

// segmentDef is a mkt_segment_def at its defaults.
func segmentDef() (C.mkt_segment_def, error) {
	var d C.mkt_segment_def
	if rc := C.mkt_segment_def_init(&d); rc != 0 {
		return d, codeError(rc, "mkt_segment_def_init")
	}
	return d, nil
}

// CatalogXMLSchema is the RelaxNG schema of segment definition files.
func CatalogXMLSchema() string { return C.GoString(C.mkt_catalog_xml_schema()) }

func (cat *Catalog) rawCat() (*C.mkt_catalog, error) {
	if cat == nil {
		return nil, &Error{Code: ErrInvalid, Message: "nil catalog"}
	}
	p, err := cat.raw()
	return (*C.mkt_catalog)(p), err
}

// Close frees the catalog (and invalidates its rule views); idempotent.
func (cat *Catalog) Close() error {
	runtime.SetFinalizer(cat, nil)
	cat.close()
	return nil
}

// call runs a status-returning function on the open catalog with its context's errors.
func (cat *Catalog) call(fn func(*C.mkt_catalog) C.int) error {
	p, err := cat.rawCat()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(cat)
	return cat.ctx.call(func() C.int { return fn(p) })
}

// Add adds one definition (ID, Name and Rule required; Index is ignored) and returns its
// index. ErrExist for a taken id or name, ErrParse (with Source and Line) for bad rule text,
// ErrInvalid for a bad id. On failure the catalog is unchanged.
func (cat *Catalog) Add(def SegmentDef) (int, error) {
	var strs cStrings
	defer strs.free()
	d, err := segmentDef()
	if err != nil {
		return 0, err
	}
	d.id, d.name, d.rule = strs.str(def.ID), strs.str(def.Name), strs.str(def.Rule)
	d.category, d.description = strs.opt(def.Category), strs.opt(def.Description)
	d.unavailable, d.source = strs.opt(def.Unavailable), strs.opt(def.Source)
	d.line = C.uint32_t(def.Line)
	if err := cat.call(func(p *C.mkt_catalog) C.int { return C.mkt_catalog_add(p, &d) }); err != nil {
		return 0, err
	}
	return cat.Len() - 1, nil
}

// LoadXMLFile adds the definitions of an XML file, validated against the schema; all or
// nothing. ErrParse (Source, Line, Column), ErrIO, ErrExist (duplicate id or name), ErrTooBig.
func (cat *Catalog) LoadXMLFile(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return cat.call(func(p *C.mkt_catalog) C.int { return C.mkt_catalog_load_xml_file(p, cpath) })
}

// LoadXML is LoadXMLFile for XML in memory; source names it in errors ("" for "<memory>").
func (cat *Catalog) LoadXML(data []byte, source string) error {
	var strs cStrings
	defer strs.free()
	src := strs.opt(source)
	buf := C.CBytes(data) // C memory: never a Go pointer across the call
	defer C.free(buf)
	return cat.call(func(p *C.mkt_catalog) C.int {
		return C.mkt_catalog_load_xml_memory(p, (*C.char)(buf), C.size_t(len(data)), src)
	})
}

// Len is the number of definitions (0 once closed).
func (cat *Catalog) Len() (n int) {
	if p, err := cat.rawCat(); err == nil {
		n = int(C.mkt_catalog_count(p))
	}
	runtime.KeepAlive(cat)
	return n
}

// Get reads definition i (in the order added); ErrNotFound out of range.
func (cat *Catalog) Get(i int) (SegmentDef, error) {
	p, err := cat.rawCat()
	if err != nil {
		return SegmentDef{}, err
	}
	defer runtime.KeepAlive(cat)
	d, err := segmentDef()
	if err != nil {
		return SegmentDef{}, err
	}
	rc := C.int(C.MKT_ENOTFOUND)
	if i >= 0 {
		rc = C.mkt_catalog_get(p, C.size_t(i), &d)
	}
	if rc == C.MKT_ENOTFOUND {
		return SegmentDef{}, &Error{Code: ErrNotFound,
			Message: fmt.Sprintf("segment index %d out of range (%d definitions)", i, cat.Len())}
	}
	if rc != C.MKT_OK {
		return SegmentDef{}, codeError(rc, "mkt_catalog_get")
	}
	// The strings are the catalog's: copy them while it is alive.
	return SegmentDef{Index: i, ID: goOpt(d.id), Name: goOpt(d.name), Category: goOpt(d.category),
		Description: goOpt(d.description), Rule: goOpt(d.rule), Unavailable: goOpt(d.unavailable),
		Source: goOpt(d.source), Line: uint32(d.line)}, nil
}

// Defs lists every definition in order.
func (cat *Catalog) Defs() ([]SegmentDef, error) {
	n := cat.Len()
	out := make([]SegmentDef, 0, n)
	for i := 0; i < n; i++ {
		d, err := cat.Get(i)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if _, err := cat.rawCat(); err != nil {
		return nil, err
	}
	return out, nil
}

// Index is the index of the definition with this name (exact) or id; ErrNotFound.
func (cat *Catalog) Index(nameOrID string) (int, error) {
	p, err := cat.rawCat()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(cat)
	cname := C.CString(nameOrID)
	defer C.free(unsafe.Pointer(cname))
	var idx C.size_t
	switch rc := C.mkt_catalog_find(p, cname, &idx); rc {
	case C.MKT_OK:
		return int(idx), nil
	case C.MKT_ENOTFOUND:
		return 0, &Error{Code: ErrNotFound,
			Message: fmt.Sprintf("no segment named '%s' in the catalog", nameOrID)}
	default:
		return 0, codeError(rc, "mkt_catalog_find")
	}
}

// Find reads the definition with this name or id; ErrNotFound.
func (cat *Catalog) Find(nameOrID string) (SegmentDef, error) {
	i, err := cat.Index(nameOrID)
	if err != nil {
		return SegmentDef{}, err
	}
	return cat.Get(i)
}

// Rule is the parsed rule of definition i: a view valid while the catalog is open.
func (cat *Catalog) Rule(i int) (*Rule, error) {
	p, err := cat.rawCat()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(cat)
	var r *C.mkt_rule
	if i >= 0 {
		r = C.mkt_catalog_rule(p, C.size_t(i))
	}
	if r == nil {
		return nil, &Error{Code: ErrNotFound,
			Message: fmt.Sprintf("segment index %d out of range (%d definitions)", i, cat.Len())}
	}
	return ruleView(&cat.object, r), nil
}

// Resolve is what `in segment 'name'` means through the catalog (mkt_catalog_resolve): a rule
// view valid while the catalog is open. ErrNotFound.
func (cat *Catalog) Resolve(name string) (*Rule, error) {
	p, err := cat.rawCat()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(cat)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var r *C.mkt_rule
	switch rc := C.mkt_catalog_resolve(cname, &r, unsafe.Pointer(p)); rc {
	case C.MKT_OK:
		return ruleView(&cat.object, r), nil
	case C.MKT_ENOTFOUND:
		return nil, &Error{Code: ErrNotFound,
			Message: fmt.Sprintf("no segment named '%s' in the catalog", name)}
	default:
		return nil, codeError(rc, "mkt_catalog_resolve")
	}
}

// Compile compiles the catalog's segment nameOrID against table on the catalog's context,
// resolving its `in segment` references through the catalog (opts must not set Resolver or
// Catalog). ErrNotFound for an unknown name; ErrUnsupported, with the reason, for an
// unavailable segment the table cannot serve yet; otherwise as Context.Compile.
func (cat *Catalog) Compile(nameOrID string, table *Table, opts *SegmentOptions) (*Segment, error) {
	var o C.mkt_segment_options
	if rc := C.mkt_segment_options_init(&o); rc != 0 {
		return nil, codeError(rc, "mkt_segment_options_init")
	}
	if opts != nil {
		if opts.Resolver != nil || opts.Catalog != nil {
			return nil, &Error{Code: ErrInvalid,
				Message: "Catalog.Compile resolves through the catalog: no Resolver or Catalog option"}
		}
		segmentOptions(opts, &o)
	}
	cp, err := cat.rawCat()
	if err != nil {
		return nil, err
	}
	tp, err := table.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(cat)
	defer runtime.KeepAlive(table)
	cname := C.CString(nameOrID)
	defer C.free(unsafe.Pointer(cname))
	obj, err := cat.ctx.newObject("segment", freeSegment, func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
		var out *C.mkt_segment
		rc := C.mkt_catalog_compile(&out, ctx, cp, cname, tp, &o)
		return unsafe.Pointer(out), rc
	})
	if err != nil {
		return nil, err
	}
	s := &Segment{obj}
	runtime.SetFinalizer(s, (*Segment).Close)
	return s, nil
}
