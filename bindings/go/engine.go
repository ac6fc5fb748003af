// SPDX-License-Identifier: MIT

package marketing

// The journey engine (engine.h): runs journeys for many customers from events and the clock,
// with every instance's state in the context's store. A send callback returning an *Error
// with Code ErrIO is retried with backoff; any other error fails the send for good. Update,
// tag and emit actions go to JourneyEngineOptions.Action with the same rules.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sort"
	"unsafe"
)

// Instance states of engine.h (same values).
const (
	InstanceWaiting   int32 = 1
	InstanceDone      int32 = 2
	InstanceConverted int32 = 3
	InstanceExpired   int32 = 4
	InstanceNoField   int32 = 5 // left at a wait until a field without a usable value
)

// JourneyEngineOptions configures NewJourneyEngine; the zero value means the defaults
// (promotional sends, 5 attempts, 60 s first retry delay, no consent check).
type JourneyEngineOptions struct {
	Consent   *ConsentPolicy // every send is checked through it; nil: no check
	Customers *Table         // profiles for rule/segment decisions (the journeys' schema)
	// NoTimerRecords keeps no "journey.timer" records: a new engine scans the instances.
	NoTimerRecords bool
	MessageClass   int32  // 0: promotional
	MaxAttempts    uint32 // 0: 5
	RetryDelay     int64  // seconds; 0: 60
	// Action performs update, tag and emit actions (an *Error with Code ErrIO retries it,
	// ErrUser aborts the engine call, any other error fails it for good); nil: journeys
	// with such actions are refused (ErrUnsupported). An emitted event is not fed back into
	// the engine: call Event with it.
	Action func(*EngineAction) error
	// PromoFormat and PromoSecret (>= 16 bytes) let send nodes with an offer issue the
	// customer's code: derived (mkt_promo_derive), bound before the send and put in the
	// message's context_json as "offer_id" and "offer_code". Without them journeys with
	// offers are refused (ErrUnsupported).
	PromoFormat *PromoFormat
	PromoSecret []byte
}

// EngineAction is a host action of a journey (mkt_journey_action); Kind is ActionUpdate,
// ActionTagAdd, ActionTagRemove or ActionEmit, and the fields a kind does not use are "".
type EngineAction struct {
	Kind                  int32
	CustomerID, JourneyID string
	NodeID                string
	Node, Entry, Step     uint32
	Attribute, Value, Tag string
	EventType             string
	At                    int64
	IdempotencyKey        string
}

// NodeCounts are the counts of one node (mkt_journey_node_counts).
type NodeCounts struct {
	Entered, Exited                uint64
	Waiting                        int64
	Converted, Ended, Sent, Failed uint64
	Deferred, Retried, Suppressed  uint64
	SuppressedByReason             [32]uint64
	NoField                        uint64 // left a wait until a field: value missing or bad
}

// JourneyInstance is one customer's instance of a journey (mkt_journey_instance).
type JourneyInstance struct {
	State     int32
	Node      uint32
	EnteredAt int64
	WakeAt    int64
	Entries   uint32
	Step      uint32
}

// JourneyEngine runs journeys; it borrows them (and the consent policy), so it keeps them
// reachable until it is closed.
type JourneyEngine struct {
	object
	journeys  []*Journey
	consent   *ConsentPolicy
	customers *Table
	promo     *PromoFormat
}

func freeJourneyEngine(p unsafe.Pointer) {
	C.mkt_journey_engine_free((*C.mkt_journey_engine)(p))
}

// NewJourneyEngine makes an engine over journeys and the context's store; timers already in
// the store (from an earlier engine) are loaded, so every instance continues.
func (c *Context) NewJourneyEngine(journeys []*Journey, o *JourneyEngineOptions) (*JourneyEngine, error) {
	var co C.mkt_journey_engine_options
	C.mkt_journey_engine_options_init(&co)
	e := &JourneyEngine{journeys: journeys}
	if o != nil {
		if o.Consent != nil {
			p, err := o.Consent.raw()
			if err != nil {
				return nil, err
			}
			co.consent = (*C.mkt_consent)(p)
			e.consent = o.Consent
		}
		if o.Customers != nil {
			p, err := o.Customers.raw()
			if err != nil {
				return nil, err
			}
			co.customers = p
			e.customers = o.Customers
		}
		if o.MessageClass != 0 {
			co.message_class = C.int32_t(o.MessageClass)
		}
		if o.MaxAttempts != 0 {
			co.max_attempts = C.uint32_t(o.MaxAttempts)
		}
		if o.RetryDelay != 0 {
			co.retry_delay = C.int64_t(o.RetryDelay)
		}
		if o.NoTimerRecords {
			co.timer_records = 0
		}
		if o.PromoFormat != nil {
			p, err := o.PromoFormat.raw()
			if err != nil {
				return nil, err
			}
			co.promo_format = p
			e.promo = o.PromoFormat
		}
	}
	n := len(journeys)
	arr := (*[1 << 20]*C.mkt_journey)(C.malloc(C.size_t(n+1) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(arr))
	for i, j := range journeys {
		p, err := j.rawJourney()
		if err != nil {
			return nil, err
		}
		arr[i] = p
	}
	free := freeJourneyEngine
	if o != nil && o.PromoSecret != nil {
		// C memory (the engine keeps the pointer), freed with the engine
		secret := C.CBytes(o.PromoSecret)
		co.promo_secret = secret
		co.promo_secret_len = C.size_t(len(o.PromoSecret))
		free = func(p unsafe.Pointer) {
			freeJourneyEngine(p)
			C.free(secret)
		}
		defer func() {
			if e.object.ch == nil { // not created: nothing will call free
				C.free(secret)
			}
		}()
	}
	if o != nil && o.Action != nil {
		inner := free
		action := cgo.NewHandle(&actionState{fn: o.Action, host: c.host})
		C.mkt_go_engine_action(&co, C.uintptr_t(action))
		free = func(p unsafe.Pointer) { // the handle lives as long as the C engine
			inner(p)
			action.Delete()
		}
		defer func() {
			if e.object.ch == nil { // not created: nothing will call free
				action.Delete()
			}
		}()
	}
	obj, err := c.newObject("journey engine", free,
		func(ctx *C.mkt_ctx) (unsafe.Pointer, C.int) {
			var out *C.mkt_journey_engine
			rc := C.mkt_journey_engine_new(&out, ctx, &arr[0], C.size_t(n), &co)
			return unsafe.Pointer(out), rc
		})
	if err != nil {
		return nil, err
	}
	e.object = obj
	runtime.SetFinalizer(e, (*JourneyEngine).Close)
	return e, nil
}

// Close frees the engine (the store keeps its state); idempotent.
func (e *JourneyEngine) Close() error {
	runtime.SetFinalizer(e, nil)
	e.close()
	return nil
}

func (e *JourneyEngine) call(fn func(*C.mkt_journey_engine) C.int) error {
	if e == nil {
		return &Error{Code: ErrInvalid, Message: "nil journey engine"}
	}
	raw, err := e.raw()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(e)
	return e.ctx.call(func() C.int { return fn((*C.mkt_journey_engine)(raw)) })
}

// Event feeds one event of a customer at time at (Unix seconds); due timers fire first.
func (e *JourneyEngine) Event(customerID, eventType string, at int64) error {
	var strs cStrings
	defer strs.free()
	cc, ct := strs.str(customerID), strs.str(eventType)
	return e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_event(p, cc, ct, C.int64_t(at))
	})
}

// EventWithProperties feeds one event with properties (mkt_journey_engine_event_ex): an
// instance it starts keeps the values of the "event.NAME" fields its journey's waits read,
// e.g. {"departure_date": "2026-12-24"}. Properties are passed in name order.
func (e *JourneyEngine) EventWithProperties(customerID, eventType string, at int64,
	properties map[string]string) error {
	names := make([]string, 0, len(properties))
	for k := range properties {
		names = append(names, k)
	}
	sort.Strings(names)
	values := make([]string, len(names))
	for i, k := range names {
		values[i] = properties[k]
	}
	cn, cv := newCArray(names), newCArray(values)
	defer cn.free()
	defer cv.free()
	var strs cStrings
	defer strs.free()
	var ev C.mkt_journey_event
	C.mkt_journey_event_init(&ev)
	ev.customer_id, ev.event_type = strs.str(customerID), strs.str(eventType)
	ev.at = C.int64_t(at)
	ev.property_names, ev.property_values = cn.arr, cv.arr
	ev.nproperties = C.size_t(len(names))
	return e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_event_ex(p, &ev)
	})
}

// Enter enters a customer through the journey's first entry; true if an instance started.
func (e *JourneyEngine) Enter(journeyID, customerID string, at int64) (bool, error) {
	var strs cStrings
	defer strs.free()
	cj, cc := strs.str(journeyID), strs.str(customerID)
	var entered C.int32_t
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_enter(p, cj, cc, C.int64_t(at), &entered)
	})
	return entered == 1, err
}

// Advance moves the clock to now and fires every due timer; it returns how many fired.
func (e *JourneyEngine) Advance(now int64) (uint64, error) {
	var fired C.uint64_t
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_advance(p, C.int64_t(now), &fired)
	})
	return uint64(fired), err
}

// EnterDue finds and starts the segment and date entries due up to `to` over the engine's
// customers table (mkt_journey_engine_enter_due): customers who entered a segment since the
// last call and dates (birthdays) whose entry time falls in the window, firing the timers due
// in between; the clock is left at `to`. It returns how many instances started.
func (e *JourneyEngine) EnterDue(to int64) (uint64, error) {
	var entered C.uint64_t
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_enter_due(p, C.int64_t(to), &entered)
	})
	return uint64(entered), err
}

// Flush adds the counts gathered since the last flush to the store's totals
// (mkt_journey_engine_flush); Advance and Close also do it.
func (e *JourneyEngine) Flush() error {
	return e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_flush(p)
	})
}

// NextDue is the due time of the earliest timer; ok is false when there is none.
func (e *JourneyEngine) NextDue() (due int64, ok bool, err error) {
	var out C.int64_t
	err = e.call(func(p *C.mkt_journey_engine) C.int {
		rc := C.mkt_journey_engine_next_due(p, &out)
		if rc == C.MKT_ENOTFOUND {
			return 0
		}
		ok = rc == 0
		return rc
	})
	return int64(out), ok, err
}

// Counts reads the counts of node index node of journey journeyID.
func (e *JourneyEngine) Counts(journeyID string, node int) (NodeCounts, error) {
	var strs cStrings
	defer strs.free()
	cj := strs.str(journeyID)
	var c C.mkt_journey_node_counts
	c.struct_size = C.size_t(unsafe.Sizeof(c))
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_counts(p, cj, C.uint32_t(node), &c)
	})
	if err != nil {
		return NodeCounts{}, err
	}
	out := NodeCounts{Entered: uint64(c.entered), Exited: uint64(c.exited),
		Waiting: int64(c.waiting), Converted: uint64(c.converted), Ended: uint64(c.ended),
		Sent: uint64(c.sent), Failed: uint64(c.failed), Deferred: uint64(c.deferred),
		Retried: uint64(c.retried), Suppressed: uint64(c.suppressed),
		NoField: uint64(c.no_field)}
	for i := range out.SuppressedByReason {
		out.SuppressedByReason[i] = uint64(c.suppressed_by_reason[i])
	}
	return out, nil
}

// EdgeCount is how many times edge number edge of journey journeyID was taken.
func (e *JourneyEngine) EdgeCount(journeyID string, edge int) (uint64, error) {
	var strs cStrings
	defer strs.free()
	cj := strs.str(journeyID)
	var taken C.uint64_t
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_edge_count(p, cj, C.uint32_t(edge), &taken)
	})
	return uint64(taken), err
}

// Instance reads a customer's instance from the store (an ErrNotFound error if none).
func (e *JourneyEngine) Instance(journeyID, customerID string) (JourneyInstance, error) {
	var strs cStrings
	defer strs.free()
	cj, cc := strs.str(journeyID), strs.str(customerID)
	var in C.mkt_journey_instance
	in.struct_size = C.size_t(unsafe.Sizeof(in))
	err := e.call(func(p *C.mkt_journey_engine) C.int {
		return C.mkt_journey_engine_instance(p, cj, cc, &in)
	})
	if err != nil {
		return JourneyInstance{}, err
	}
	return JourneyInstance{State: int32(in.state), Node: uint32(in.node),
		EnteredAt: int64(in.entered_at), WakeAt: int64(in.wake_at),
		Entries: uint32(in.entries), Step: uint32(in.step)}, nil
}
