// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"time"
	"unsafe"
)

// AttrModel is an attribution model (mkt_attr_model).
type AttrModel int32

// Attribution models.
const (
	AttrFirst         AttrModel = 1
	AttrLast          AttrModel = 2
	AttrLastNonDirect AttrModel = 3
	AttrLinear        AttrModel = 4
	AttrTimeDecay     AttrModel = 5
	AttrPosition      AttrModel = 6
	AttrWShaped       AttrModel = 7
	AttrCustom        AttrModel = 8
	AttrMarkov        AttrModel = 9
	AttrShapley       AttrModel = 10
)

// AttrMicro is the number of micro-conversions in one conversion.
const AttrMicro = 1000000

// String is the model's CLI name ("first", ..., "shapley"), or "AttrModel(n)".
func (m AttrModel) String() string {
	if s := C.mkt_attr_model_name(C.int32_t(m)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("AttrModel(%d)", int32(m))
}

// ParseAttrModel is the model named name ("u_shaped" is position); ErrNotFound if unknown.
func ParseAttrModel(name string) (AttrModel, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var m C.int32_t
	if rc := C.mkt_attr_model_parse(cs, &m); rc != 0 {
		return 0, codeError(rc, fmt.Sprintf("unknown attribution model %q", name))
	}
	return AttrModel(m), nil
}

// AttrOptions configure Attribute and AttributeMany; nil means defaults. Zero fields keep
// the library defaults (order 1, half-life 7 days, direct channel "direct", Shapley exact up
// to 20 channels).
type AttrOptions struct {
	Order           int32
	HalfLifeDays    float64
	Weights         []float64 // position: 3, w_shaped: 4, custom: any number
	DirectChannel   string
	CollapseRepeats bool
	ShapleyMaxExact *int32 // nil: 20; 0 forces the path formula
	PerTouch        bool
}

// AttrCredit is the credit of a channel or campaign. Name is "" for the "no campaign"
// entry; RemovalEffect is NaN except for Markov channels.
type AttrCredit struct {
	Name             string
	ConversionsMicro int64
	Conversions      float64
	Value            int64
	ExactConversions float64
	RemovalEffect    float64
}

// AttrTransition is one entry of the Markov transition matrix.
type AttrTransition struct {
	From, To         uint32
	FromName, ToName string
	Count            int64
	Probability      float64
}

// Attribution is the result of one model (mkt_attribution). It reads names from its path
// set, which must stay open.
type Attribution struct {
	paths *Paths
	ch    *child
}

func freeAttribution(p unsafe.Pointer) { C.mkt_attribution_free((*C.mkt_attribution)(p)) }

// cOptions fills a C options struct; weights live in C memory (freed by the caller via the
// returned function) because the struct itself is passed to C.
func attrOptions(model AttrModel, o *AttrOptions, strs *cStrings) (C.mkt_attr_options, func(), error) {
	var opts C.mkt_attr_options
	done := func() {}
	if rc := C.mkt_attr_options_init(&opts); rc != 0 {
		return opts, done, codeError(rc, "mkt_attr_options_init")
	}
	opts.model = C.int32_t(model)
	if o == nil {
		return opts, done, nil
	}
	if o.Order != 0 {
		opts.order = C.int32_t(o.Order)
	}
	if o.HalfLifeDays != 0 {
		opts.half_life_days = C.double(o.HalfLifeDays)
	}
	if o.DirectChannel != "" {
		opts.direct_channel = strs.str(o.DirectChannel)
	}
	if o.CollapseRepeats {
		opts.collapse_repeats = 1
	}
	if o.ShapleyMaxExact != nil {
		opts.shapley_max_exact = C.int32_t(*o.ShapleyMaxExact)
	}
	if o.PerTouch {
		opts.per_touch = 1
	}
	if o.Weights != nil {
		n := len(o.Weights)
		if uint64(n) > math.MaxUint32 {
			return opts, done, &Error{Code: ErrRange, Message: "too many weights"}
		}
		w := (*C.double)(C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof(C.double(0)))))
		if w == nil {
			return opts, done, &Error{Code: ErrNoMemory, Message: "out of memory"}
		}
		copy(unsafe.Slice((*float64)(unsafe.Pointer(w)), n), o.Weights)
		opts.weights = w
		opts.weight_count = C.uint32_t(n)
		done = func() { C.free(unsafe.Pointer(w)) }
	}
	return opts, done, nil
}

func (ps *Paths) wrapAttribution(r *C.mkt_attribution) (*Attribution, error) {
	a := &Attribution{paths: ps, ch: &child{ptr: unsafe.Pointer(r), free: freeAttribution}}
	if err := ps.ctx.adopt(a.ch); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(a, func(a *Attribution) { a.paths.ctx.release(a.ch) })
	return a, nil
}

// Attribute attributes the path set with one model.
func (ps *Paths) Attribute(model AttrModel, o *AttrOptions) (*Attribution, error) {
	var strs cStrings
	defer strs.free()
	opts, done, err := attrOptions(model, o, &strs)
	defer done()
	if err != nil {
		return nil, err
	}
	var r *C.mkt_attribution
	if err := ps.call(func(p *C.mkt_paths) C.int { return C.mkt_attribute(&r, p, &opts) }); err != nil {
		return nil, err
	}
	return ps.wrapAttribution(r)
}

// AttributeMany attributes with several models at once (the rule-based ones share one pass
// over the paths); the results are in the order of models.
func (ps *Paths) AttributeMany(models []AttrModel, o *AttrOptions) ([]*Attribution, error) {
	n := len(models)
	if n == 0 || uint64(n) > math.MaxUint32 {
		return nil, &Error{Code: ErrInvalid, Message: "AttributeMany: 1..2^32-1 models"}
	}
	var strs cStrings
	defer strs.free()
	opts, done, err := attrOptions(AttrLinear, o, &strs)
	defer done()
	if err != nil {
		return nil, err
	}
	cm := (*C.int32_t)(C.calloc(C.size_t(n), 4))
	out := (**C.mkt_attribution)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(cm))
	defer C.free(unsafe.Pointer(out))
	if cm == nil || out == nil {
		return nil, &Error{Code: ErrNoMemory, Message: "out of memory"}
	}
	for i, m := range models {
		unsafe.Slice((*int32)(unsafe.Pointer(cm)), n)[i] = int32(m)
	}
	if err := ps.call(func(p *C.mkt_paths) C.int {
		return C.mkt_attribute_many(out, cm, C.uint32_t(n), p, &opts)
	}); err != nil {
		return nil, err
	}
	raw := unsafe.Slice(out, n)
	res := make([]*Attribution, 0, n)
	for i := range raw {
		a, err := ps.wrapAttribution(raw[i])
		if err != nil {
			for _, r := range raw[i+1:] {
				C.mkt_attribution_free(r)
			}
			return nil, err
		}
		res = append(res, a)
	}
	return res, nil
}

// Close frees the result; idempotent.
func (a *Attribution) Close() error {
	runtime.SetFinalizer(a, nil)
	a.paths.ctx.release(a.ch)
	return nil
}

func (a *Attribution) raw() (*C.mkt_attribution, error) {
	if a.ch.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the attribution is closed"}
	}
	if _, err := a.paths.raw(); err != nil {
		return nil, err // names are borrowed from the path set
	}
	return (*C.mkt_attribution)(a.ch.ptr), nil
}

func (a *Attribution) call(fn func(*C.mkt_attribution) C.int) error {
	r, err := a.raw()
	if err != nil {
		return err
	}
	a.paths.ctx.begin()
	err = a.paths.ctx.check(fn(r))
	runtime.KeepAlive(a)
	return err
}

// Model is the result's model.
func (a *Attribution) Model() AttrModel {
	r, err := a.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(a)
	return AttrModel(C.mkt_attribution_model(r))
}

// Totals are the total conversions and value (minor units) over all paths.
func (a *Attribution) Totals() (conversions, value int64, err error) {
	var c, v C.int64_t
	err = a.call(func(r *C.mkt_attribution) C.int { return C.mkt_attribution_totals(r, &c, &v) })
	return int64(c), int64(v), err
}

func goCredit(c *C.mkt_attr_credit) AttrCredit {
	return AttrCredit{Name: goOpt(c.name), ConversionsMicro: int64(c.conversions_micro),
		Conversions: float64(c.conversions), Value: int64(c.value),
		ExactConversions: float64(c.exact_conversions), RemovalEffect: float64(c.removal_effect)}
}

// ChannelCount is the number of channels.
func (a *Attribution) ChannelCount() int {
	r, err := a.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(a)
	return int(C.mkt_attribution_channel_count(r))
}

// Channel is the credit of a channel id of the path set.
func (a *Attribution) Channel(id uint32) (AttrCredit, error) {
	var c C.mkt_attr_credit
	if err := a.call(func(r *C.mkt_attribution) C.int {
		return C.mkt_attribution_channel(r, C.uint32_t(id), &c)
	}); err != nil {
		return AttrCredit{}, err
	}
	defer runtime.KeepAlive(a)
	return goCredit(&c), nil
}

// Channels lists every channel's credit by id.
func (a *Attribution) Channels() ([]AttrCredit, error) {
	if _, err := a.raw(); err != nil {
		return nil, err
	}
	n := a.ChannelCount()
	out := make([]AttrCredit, 0, n)
	for i := 0; i < n; i++ {
		c, err := a.Channel(uint32(i))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ByChannel maps channel names to credits.
func (a *Attribution) ByChannel() (map[string]AttrCredit, error) {
	list, err := a.Channels()
	if err != nil {
		return nil, err
	}
	m := make(map[string]AttrCredit, len(list))
	for _, c := range list {
		m[c.Name] = c
	}
	return m, nil
}

// CampaignCount is the number of campaign entries (the last one: touches without campaign).
func (a *Attribution) CampaignCount() int {
	r, err := a.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(a)
	return int(C.mkt_attribution_campaign_count(r))
}

// Campaign is the credit of campaign entry i.
func (a *Attribution) Campaign(i uint32) (AttrCredit, error) {
	var c C.mkt_attr_credit
	if err := a.call(func(r *C.mkt_attribution) C.int {
		return C.mkt_attribution_campaign(r, C.uint32_t(i), &c)
	}); err != nil {
		return AttrCredit{}, err
	}
	defer runtime.KeepAlive(a)
	return goCredit(&c), nil
}

// Touch is the credit of one touch (needs PerTouch): micro-conversions and minor units.
func (a *Attribution) Touch(path uint64, touch uint32) (micro, value int64, err error) {
	var m, v C.int64_t
	err = a.call(func(r *C.mkt_attribution) C.int {
		return C.mkt_attribution_touch(r, C.uint64_t(path), C.uint32_t(touch), &m, &v)
	})
	return int64(m), int64(v), err
}

// ConversionProbability is Markov's P(conversion) from the start (NaN for other models).
func (a *Attribution) ConversionProbability() float64 {
	r, err := a.raw()
	if err != nil {
		return math.NaN()
	}
	defer runtime.KeepAlive(a)
	return float64(C.mkt_attribution_conversion_probability(r))
}

// StateCount is the number of Markov states (0 for other models).
func (a *Attribution) StateCount() int {
	r, err := a.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(a)
	return int(C.mkt_attribution_state_count(r))
}

// StateName is the name of a Markov state: "(start)", "(conversion)", "(null)" or "A > B".
func (a *Attribution) StateName(state uint32) (string, error) {
	r, err := a.raw()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(a)
	s := C.mkt_attribution_state_name(r, C.uint32_t(state))
	if s == nil {
		return "", &Error{Code: ErrNotFound, Message: fmt.Sprintf("state %d is out of range", state)}
	}
	return C.GoString(s), nil
}

// TransitionCount is the number of non-zero Markov transitions.
func (a *Attribution) TransitionCount() uint64 {
	r, err := a.raw()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(a)
	return uint64(C.mkt_attribution_transition_count(r))
}

// Transition is Markov transition i (ordered by from-state, then to-state).
func (a *Attribution) Transition(i uint64) (AttrTransition, error) {
	var t C.mkt_attr_transition
	if err := a.call(func(r *C.mkt_attribution) C.int {
		return C.mkt_attribution_transition(r, C.uint64_t(i), &t)
	}); err != nil {
		return AttrTransition{}, err
	}
	out := AttrTransition{From: uint32(t.from), To: uint32(t.to), Count: int64(t.count),
		Probability: float64(t.probability)}
	out.FromName, _ = a.StateName(out.From)
	out.ToName, _ = a.StateName(out.To)
	return out, nil
}

// AddJourney adds one journey (the streaming alternative to touchpoints.csv): channel names,
// non-decreasing touch times and optional campaign names ("" for none; nil for all none).
func (ps *Paths) AddJourney(journeyID string, channels []string, times []time.Time,
	campaigns []string, converted bool, value int64) error {
	n := len(channels)
	if len(times) != n || (campaigns != nil && len(campaigns) != n) {
		return &Error{Code: ErrInvalid, Message: "channels, times and campaigns differ in length"}
	}
	if uint64(n) > math.MaxUint32 {
		return &Error{Code: ErrRange, Message: "too many touches in one journey"}
	}
	size := C.size_t(n)
	chs := C.mkt_go_strings_new(size)
	camps := C.mkt_go_strings_new(size)
	ts := (*C.mkt_time)(C.calloc(size+1, 8))
	defer C.free(unsafe.Pointer(ts))
	if chs != nil {
		defer C.mkt_go_strings_free(chs, size)
	}
	if camps != nil {
		defer C.mkt_go_strings_free(camps, size)
	}
	if chs == nil || camps == nil || ts == nil {
		return &Error{Code: ErrNoMemory, Message: "out of memory"}
	}
	tsl := unsafe.Slice((*int64)(unsafe.Pointer(ts)), n)
	for i := range channels {
		C.mkt_go_strings_set(chs, C.size_t(i), C.CString(channels[i]))
		tsl[i] = times[i].Unix()
		if campaigns != nil && campaigns[i] != "" {
			C.mkt_go_strings_set(camps, C.size_t(i), C.CString(campaigns[i]))
		}
	}
	id := C.CString(journeyID)
	defer C.free(unsafe.Pointer(id))
	conv := C.int32_t(0)
	if converted {
		conv = 1
	}
	return ps.call(func(p *C.mkt_paths) C.int {
		return C.mkt_paths_add_journey(p, id, chs, ts, camps, C.uint32_t(n), conv, C.int64_t(value))
	})
}
