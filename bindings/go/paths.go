// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"time"
	"unsafe"
)

// PathsOptions configure LoadPaths and LoadTouchpoints; nil means defaults. Empty column
// names keep the defaults ("path", "conversions", "value", "nulls").
type PathsOptions struct {
	Separator         byte
	PathColumn        string
	ConversionsColumn string
	ValueColumn       string
	NullsColumn       string
	ValueDecimals     *int // default 2
	RoundValues       bool // round excess decimals half to even instead of failing
	Progress          func(done, total, rows uint64) bool
}

// Path is one attribution path. Times and Campaigns are set only for paths from
// touchpoints.csv (an empty campaign is "").
type Path struct {
	JourneyID   string
	Channels    []string
	ChannelIDs  []uint32
	Times       []time.Time
	Campaigns   []string
	Conversions int64
	Value       int64 // minor units
	Nulls       int64
}

// Paths is a set of attribution paths (mkt_paths).
type Paths struct {
	ctx *Context
	ch  *child
}

func freePaths(p unsafe.Pointer) { C.mkt_paths_free((*C.mkt_paths)(p)) }

// NewPaths creates an empty path set.
func (c *Context) NewPaths() (*Paths, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var p *C.mkt_paths
	c.begin()
	if err := c.check(C.mkt_paths_new(&p, ptr)); err != nil {
		return nil, err
	}
	ps := &Paths{ctx: c, ch: &child{ptr: unsafe.Pointer(p), free: freePaths}}
	if err := c.adopt(ps.ch); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(ps, func(ps *Paths) { ps.ctx.release(ps.ch) })
	return ps, nil
}

// Close frees the path set; idempotent.
func (ps *Paths) Close() error {
	runtime.SetFinalizer(ps, nil)
	ps.ctx.release(ps.ch)
	return nil
}

func (ps *Paths) raw() (*C.mkt_paths, error) {
	if ps.ch.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the path set is closed"}
	}
	return (*C.mkt_paths)(ps.ch.ptr), nil
}

func (ps *Paths) call(fn func(*C.mkt_paths) C.int) error {
	p, err := ps.raw()
	if err != nil {
		return err
	}
	ps.ctx.begin()
	err = ps.ctx.check(fn(p))
	runtime.KeepAlive(ps)
	return err
}

func (ps *Paths) load(file string, o *PathsOptions,
	fn func(*C.mkt_paths, *C.char, *C.mkt_paths_options) C.int) error {
	var opts C.mkt_paths_options
	if rc := C.mkt_paths_options_init(&opts); rc != 0 {
		return codeError(rc, "mkt_paths_options_init")
	}
	var strs cStrings
	defer strs.free()
	var st *progressState
	if o != nil {
		if o.Separator != 0 {
			opts.separator = C.int32_t(o.Separator)
		}
		if o.PathColumn != "" {
			opts.path_column = strs.str(o.PathColumn)
		}
		if o.ConversionsColumn != "" {
			opts.conversions_column = strs.str(o.ConversionsColumn)
		}
		if o.ValueColumn != "" {
			opts.value_column = strs.str(o.ValueColumn)
		}
		if o.NullsColumn != "" {
			opts.nulls_column = strs.str(o.NullsColumn)
		}
		if o.ValueDecimals != nil {
			opts.value_decimals = C.int32_t(*o.ValueDecimals)
		}
		if o.RoundValues {
			opts.round_values = 1
		}
		if o.Progress != nil {
			st = &progressState{fn: o.Progress}
			h := cgo.NewHandle(st)
			defer h.Delete()
			C.mkt_go_paths_progress(&opts, C.uintptr_t(h))
		}
	}
	cfile := strs.str(file)
	return ps.call(func(p *C.mkt_paths) C.int {
		rc := fn(p, cfile, &opts)
		if st != nil && st.pending != nil {
			ps.ctx.host.pending = st.pending
		}
		return rc
	})
}

// LoadPaths loads an aggregated paths file (path,conversions,value,nulls); all-or-nothing.
func (ps *Paths) LoadPaths(file string, opts *PathsOptions) error {
	return ps.load(file, opts, func(p *C.mkt_paths, f *C.char, o *C.mkt_paths_options) C.int {
		return C.mkt_paths_load_paths(p, f, o)
	})
}

// LoadTouchpoints loads touchpoints.csv, one path per journey_id; all-or-nothing.
func (ps *Paths) LoadTouchpoints(file string, opts *PathsOptions) error {
	return ps.load(file, opts, func(p *C.mkt_paths, f *C.char, o *C.mkt_paths_options) C.int {
		return C.mkt_paths_load_touchpoints(p, f, o)
	})
}

// Add adds an aggregated path of channel names (summed into an equal existing path).
func (ps *Paths) Add(channels []string, conversions, value, nulls int64) error {
	if uint64(len(channels)) > math.MaxUint32 {
		return &Error{Code: ErrRange, Message: "too many channels in one path"}
	}
	n := C.size_t(len(channels))
	arr := C.mkt_go_strings_new(n)
	if arr == nil {
		return &Error{Code: ErrNoMemory, Message: "out of memory"}
	}
	defer C.mkt_go_strings_free(arr, n)
	for i, name := range channels {
		C.mkt_go_strings_set(arr, C.size_t(i), C.CString(name))
	}
	return ps.call(func(p *C.mkt_paths) C.int {
		return C.mkt_paths_add(p, arr, C.uint32_t(len(channels)), C.int64_t(conversions),
			C.int64_t(value), C.int64_t(nulls))
	})
}

// Len is the number of paths.
func (ps *Paths) Len() uint64 {
	p, err := ps.raw()
	if err != nil {
		return 0
	}
	n := uint64(C.mkt_paths_count(p))
	runtime.KeepAlive(ps)
	return n
}

// Get reads path i.
func (ps *Paths) Get(i uint64) (*Path, error) {
	var cp C.mkt_path
	cp.struct_size = C.size_t(unsafe.Sizeof(cp))
	if err := ps.call(func(p *C.mkt_paths) C.int { return C.mkt_paths_get(p, C.uint64_t(i), &cp) }); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(ps)
	n := int(cp.length)
	out := &Path{JourneyID: goOpt(cp.journey_id), Conversions: int64(cp.conversions),
		Value: int64(cp.value), Nulls: int64(cp.nulls)}
	ids := unsafe.Slice((*uint32)(unsafe.Pointer(cp.channels)), n)
	out.ChannelIDs = append([]uint32(nil), ids...)
	for _, id := range ids {
		name, err := ps.ChannelName(id)
		if err != nil {
			return nil, err
		}
		out.Channels = append(out.Channels, name)
	}
	if cp.ts != nil {
		for _, s := range unsafe.Slice((*int64)(unsafe.Pointer(cp.ts)), n) {
			out.Times = append(out.Times, time.Unix(s, 0).UTC())
		}
	}
	if cp.campaigns != nil {
		for _, id := range unsafe.Slice((*uint32)(unsafe.Pointer(cp.campaigns)), n) {
			name := ""
			if id != math.MaxUint32 {
				var err error
				if name, err = ps.CampaignName(id); err != nil {
					return nil, err
				}
			}
			out.Campaigns = append(out.Campaigns, name)
		}
	}
	return out, nil
}

// ChannelCount is the number of distinct channels.
func (ps *Paths) ChannelCount() int {
	p, err := ps.raw()
	if err != nil {
		return 0
	}
	n := int(C.mkt_paths_channel_count(p))
	runtime.KeepAlive(ps)
	return n
}

// ChannelName is the name of channel id; ErrNotFound when out of range.
func (ps *Paths) ChannelName(id uint32) (string, error) {
	p, err := ps.raw()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(ps)
	s := C.mkt_paths_channel_name(p, C.uint32_t(id))
	if s == nil {
		return "", &Error{Code: ErrNotFound, Message: fmt.Sprintf("channel id %d is out of range", id)}
	}
	return C.GoString(s), nil
}

// Channels lists every channel name by id.
func (ps *Paths) Channels() []string {
	n := ps.ChannelCount()
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		name, _ := ps.ChannelName(uint32(i))
		out = append(out, name)
	}
	return out
}

// CampaignCount is the number of distinct campaigns.
func (ps *Paths) CampaignCount() int {
	p, err := ps.raw()
	if err != nil {
		return 0
	}
	n := int(C.mkt_paths_campaign_count(p))
	runtime.KeepAlive(ps)
	return n
}

// CampaignName is the name of campaign id; ErrNotFound when out of range.
func (ps *Paths) CampaignName(id uint32) (string, error) {
	p, err := ps.raw()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(ps)
	s := C.mkt_paths_campaign_name(p, C.uint32_t(id))
	if s == nil {
		return "", &Error{Code: ErrNotFound, Message: fmt.Sprintf("campaign id %d is out of range", id)}
	}
	return C.GoString(s), nil
}

// Campaigns lists every campaign name by id.
func (ps *Paths) Campaigns() []string {
	n := ps.CampaignCount()
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		name, _ := ps.CampaignName(uint32(i))
		out = append(out, name)
	}
	return out
}
