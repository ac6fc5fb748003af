// SPDX-License-Identifier: MIT

package marketing

// Audiences (audience.h): include segments joined with AND or OR minus exclude segments,
// deterministic samples of a member set, and export of member ids to CSV (optionally gzip).
// An audience is an ordinary *Members: Count previews its size and the set algebra applies.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

// AudienceLogic says how the include segments of an audience combine.
type AudienceLogic int32

// Audience logics; the zero value of Audience.Logic means AudienceAnd.
const (
	AudienceAnd AudienceLogic = 1 // members of every include segment
	AudienceOr  AudienceLogic = 2 // members of at least one include segment
)

// Audience is include segments (all of them, or any with AudienceOr) minus every member of
// an exclude segment. The segments must stay open while Evaluate runs.
type Audience struct {
	Include []*Segment
	Exclude []*Segment
	Logic   AudienceLogic // 0: AudienceAnd
}

func (l AudienceLogic) c() C.int32_t {
	if l == 0 {
		return C.int32_t(AudienceAnd)
	}
	return C.int32_t(l) // the library checks the value
}

// rawSegments collects the C pointers of open segments (Go memory holding only C pointers,
// which cgo may pass).
func rawSegments(segs []*Segment, what string) ([]*C.mkt_segment, error) {
	out := make([]*C.mkt_segment, len(segs), len(segs)+1)
	for i, s := range segs {
		if s == nil {
			return nil, &Error{Code: ErrInvalid, Message: fmt.Sprintf("%s segment %d is nil", what, i)}
		}
		p, err := s.rawSeg()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

func rawSets(sets []*Members, what string) ([]*C.mkt_members, error) {
	out := make([]*C.mkt_members, len(sets), len(sets)+1)
	for i, m := range sets {
		if m == nil {
			return nil, &Error{Code: ErrInvalid, Message: fmt.Sprintf("%s set %d is nil", what, i)}
		}
		p, err := m.rawSet()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// first is the address of a slice's first element, or nil for an empty slice.
func first[T any](s []*T) **T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Evaluate returns the audience's rows of table as a member set on the first include
// segment's context. ErrInvalid without include segments or for a bad Logic.
func (a *Audience) Evaluate(t *Table) (*Members, error) {
	if len(a.Include) == 0 || a.Include[0] == nil {
		return nil, &Error{Code: ErrInvalid, Message: "an audience needs at least one include segment"}
	}
	inc, err := rawSegments(a.Include, "include")
	if err != nil {
		return nil, err
	}
	exc, err := rawSegments(a.Exclude, "exclude")
	if err != nil {
		return nil, err
	}
	tp, err := t.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(a.Include)
	defer runtime.KeepAlive(a.Exclude)
	defer runtime.KeepAlive(t)
	return a.Include[0].ctx.newMembers(func(ctx *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_audience_evaluate(out, ctx, tp, first(inc), C.size_t(len(inc)),
			a.Logic.c(), first(exc), C.size_t(len(exc)))
	})
}

// CombineAudience joins member sets into an audience on c: the include sets with logic,
// minus every member of an exclude set. All sets must range over the same rows (ErrInvalid).
func (c *Context) CombineAudience(logic AudienceLogic, include, exclude []*Members) (*Members, error) {
	inc, err := rawSets(include, "include")
	if err != nil {
		return nil, err
	}
	exc, err := rawSets(exclude, "exclude")
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(include)
	defer runtime.KeepAlive(exclude)
	return c.newMembers(func(ctx *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_audience_combine(out, ctx, first(inc), C.size_t(len(inc)), logic.c(),
			first(exc), C.size_t(len(exc)))
	})
}

// Sample is a deterministic random sample of n members (all when n >= Count), a new set over
// the same rows. It depends only on seed and the members' customer ids in t (the table the
// set was evaluated on), not on row order; a smaller n gives a subset of a larger one's.
func (m *Members) Sample(t *Table, n, seed uint64) (*Members, error) {
	p, err := m.rawSet()
	if err != nil {
		return nil, err
	}
	tp, err := t.raw()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(t)
	return m.ctx.newMembers(func(ctx *C.mkt_ctx, out **C.mkt_members) C.int {
		return C.mkt_members_sample(out, ctx, p, tp, C.uint64_t(n), C.uint64_t(seed))
	})
}

// ExportGzip says whether an export is gzip-compressed.
type ExportGzip int32

// Export compressions.
const (
	ExportGzipAuto   ExportGzip = 0 // gzip when the path ends in ".gz" (never for a file)
	ExportGzipAlways ExportGzip = 1
	ExportGzipNever  ExportGzip = 2
)

// ExportOptions of ExportCSV; nil or zero fields mean the defaults.
type ExportOptions struct {
	Gzip      ExportGzip
	GzipLevel int // zlib level 1 (fast) .. 9 (small); 0: 6
}

func exportOptions(o *ExportOptions) (C.mkt_export_options, error) {
	var opts C.mkt_export_options
	if rc := C.mkt_export_options_init(&opts); rc != 0 {
		return opts, codeError(rc, "mkt_export_options_init")
	}
	if o == nil {
		return opts, nil
	}
	opts.gzip = C.int32_t(o.Gzip)
	if o.GzipLevel != 0 {
		if o.GzipLevel < 0 || o.GzipLevel > 9 {
			return opts, &Error{Code: ErrInvalid,
				Message: fmt.Sprintf("export: gzip level %d is not 1..9", o.GzipLevel)}
		}
		opts.gzip_level = C.int32_t(o.GzipLevel)
	}
	return opts, nil
}

// export runs one of the export functions on the open set and table.
func (m *Members) export(t *Table, o *ExportOptions,
	fn func(*C.mkt_members, *C.mkt_ctx, *C.mkt_table, *C.mkt_export_options) C.int) error {
	opts, err := exportOptions(o)
	if err != nil {
		return err
	}
	p, err := m.rawSet()
	if err != nil {
		return err
	}
	tp, err := t.raw()
	if err != nil {
		return err
	}
	cp, err := m.ctx.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(t)
	return m.ctx.call(func() C.int { return fn(p, cp, tp, &opts) })
}

// ExportCSV writes the members' customer ids to path: a customer_id header, then the ids
// sorted by their bytes, quoted only when needed, written atomically (a temporary file
// renamed over path). ErrIO names path and the reason; ErrInvalid for bad options.
func (m *Members) ExportCSV(t *Table, path string, opts *ExportOptions) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return m.export(t, opts, func(p *C.mkt_members, c *C.mkt_ctx, tp *C.mkt_table,
		o *C.mkt_export_options) C.int {
		return C.mkt_members_export_csv(p, c, tp, cpath, o)
	})
}

// ExportCSVFile writes the same CSV to an open file (a pipe, os.Stdout) at its current
// offset: not atomic, the file stays open, and gzip only with ExportGzipAlways.
func (m *Members) ExportCSVFile(t *Table, f *os.File, opts *ExportOptions) error {
	if f == nil {
		return &Error{Code: ErrInvalid, Message: "nil file"}
	}
	defer runtime.KeepAlive(f) // the descriptor must stay open during the call
	fd := C.int(f.Fd())
	return m.export(t, opts, func(p *C.mkt_members, c *C.mkt_ctx, tp *C.mkt_table,
		o *C.mkt_export_options) C.int {
		return C.mkt_members_export_csv_fd(p, c, tp, fd, o)
	})
}
