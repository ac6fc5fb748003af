// SPDX-License-Identifier: MIT

package marketing

// The exported functions that shim.c forwards host and store callbacks to. None of them lets
// a panic unwind through C: a panic is recovered, kept as the pending callback error and
// reported to the library as ErrUser.

// #include <stdlib.h>
// #include <string.h>
// #include "shim.h"
import "C"

import (
	"bytes"
	"fmt"
	"runtime/cgo"
	"sort"
	"time"
	"unsafe"
)

func hostOf(ud unsafe.Pointer) *hostState {
	return cgo.Handle(uintptr(ud)).Value().(*hostState)
}

// guard runs a callback body, mapping its error or panic to a status and remembering it.
func (h *hostState) guard(body func() error) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			h.pending = fmt.Errorf("callback panicked: %v", r)
			rc = C.MKT_EUSER
		}
	}()
	if err := body(); err != nil {
		h.pending = err
		return codeOf(err)
	}
	return C.MKT_OK
}

// goBytes copies n bytes at p (nil for n == 0).
func goBytes(p unsafe.Pointer, n C.size_t) []byte {
	if n == 0 {
		return []byte{}
	}
	return C.GoBytes(p, C.int(n))
}

//export mktGoNow
func mktGoNow(out *C.mkt_time, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		t, err := h.clock()
		if err == nil {
			*out = C.mkt_time(t.Unix())
		}
		return err
	})
}

//export mktGoLog
func mktGoLog(level C.int32_t, message *C.char, ud unsafe.Pointer) {
	h := hostOf(ud)
	defer func() { _ = recover() }() // a void callback: nothing to report a panic to
	h.log(LogLevel(level), C.GoString(message))
}

//export mktGoRandom
func mktGoRandom(buf unsafe.Pointer, n C.size_t, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		p := make([]byte, int(n))
		if err := h.random(p); err != nil {
			return err
		}
		if n > 0 {
			C.memcpy(buf, unsafe.Pointer(&p[0]), n)
		}
		return nil
	})
}

//export mktGoSend
func mktGoSend(m *C.mkt_message, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		return h.send(&Message{
			Channel: Channel(m.channel), CustomerID: goOpt(m.customer_id),
			Recipient: goOpt(m.recipient), Subject: goOpt(m.subject), Body: goOpt(m.body),
			BodyText: goOpt(m.body_text), Headers: goOpt(m.headers),
			CampaignID: goOpt(m.campaign_id), VariantID: goOpt(m.variant_id),
			JourneyID: goOpt(m.journey_id), IdempotencyKey: goOpt(m.idempotency_key),
			TemplateID: goOpt(m.template_id), NodeID: goOpt(m.node_id),
			Entry: uint32(m.entry), Step: uint32(m.step), ContextJSON: goOpt(m.context_json),
			At: int64(m.at),
		})
	})
}

// actionState is what a journey engine's action callback reaches through its cgo.Handle;
// errors go to the context's host state, where the engine call's wrapper finds them.
type actionState struct {
	fn   func(*EngineAction) error
	host *hostState
}

//export mktGoJourneyAction
func mktGoJourneyAction(a *C.mkt_journey_action, ud unsafe.Pointer) C.int {
	s := cgo.Handle(uintptr(ud)).Value().(*actionState)
	return s.host.guard(func() error {
		return s.fn(&EngineAction{
			Kind: int32(a.kind), CustomerID: goOpt(a.customer_id),
			JourneyID: goOpt(a.journey_id), NodeID: goOpt(a.node_id), Node: uint32(a.node),
			Entry: uint32(a.entry), Step: uint32(a.step), Attribute: goOpt(a.attribute),
			Value: goOpt(a.value), Tag: goOpt(a.tag), EventType: goOpt(a.event_type),
			At: int64(a.at), IdempotencyKey: goOpt(a.idempotency_key),
		})
	})
}

//export mktGoAudit
func mktGoAudit(r *C.mkt_audit_record, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		return h.audit(&AuditRecord{
			Time: time.Unix(int64(r.ts), 0).UTC(), Actor: goOpt(r.actor),
			Action: goOpt(r.action), Subject: goOpt(r.subject), Detail: goOpt(r.detail),
		})
	})
}

//export mktGoStoreGet
func mktGoStoreGet(ns, key *C.char, keyLen C.size_t, reply *C.mkt_store_reply, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	var rc C.int
	grc := h.guard(func() error {
		value, version, err := h.storage.Get(C.GoString(ns), goBytes(unsafe.Pointer(key), keyLen))
		if err != nil {
			return err
		}
		var p unsafe.Pointer
		if len(value) > 0 {
			p = unsafe.Pointer(&value[0])
		}
		rc = C.mkt_store_reply_set(reply, p, C.size_t(len(value)), C.uint64_t(version))
		return nil
	})
	if grc != C.MKT_OK {
		return grc
	}
	return rc
}

//export mktGoStorePut
func mktGoStorePut(ns, key *C.char, keyLen C.size_t, value unsafe.Pointer, valueLen C.size_t,
	expected C.uint64_t, newVersion *C.uint64_t, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		v, err := h.storage.Put(C.GoString(ns), goBytes(unsafe.Pointer(key), keyLen),
			goBytes(value, valueLen), uint64(expected))
		if err == nil && newVersion != nil {
			*newVersion = C.uint64_t(v)
		}
		return err
	})
}

//export mktGoStoreDel
func mktGoStoreDel(ns, key *C.char, keyLen C.size_t, expected C.uint64_t, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		return h.storage.Delete(C.GoString(ns), goBytes(unsafe.Pointer(key), keyLen), uint64(expected))
	})
}

//export mktGoStoreIncr
func mktGoStoreIncr(ns, key *C.char, keyLen C.size_t, delta, limit C.int64_t, result *C.int64_t,
	ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	return h.guard(func() error {
		v, err := h.storage.Incr(C.GoString(ns), goBytes(unsafe.Pointer(key), keyLen),
			int64(delta), int64(limit))
		if err == nil && result != nil {
			*result = C.int64_t(v)
		}
		return err
	})
}

func callVisit(visit C.mkt_store_visit_fn, it Item, visitData unsafe.Pointer) C.int {
	k := C.CBytes(it.Key)
	defer C.free(k)
	var v unsafe.Pointer
	if len(it.Value) > 0 {
		v = C.CBytes(it.Value)
		defer C.free(v)
	}
	return C.mkt_go_call_visit(visit, k, C.size_t(len(it.Key)), v, C.size_t(len(it.Value)),
		C.uint64_t(it.Version), visitData)
}

//export mktGoStoreScan
func mktGoStoreScan(ns, prefix *C.char, prefixLen C.size_t, visit C.mkt_store_visit_fn,
	visitData unsafe.Pointer, ud unsafe.Pointer) C.int {
	h := hostOf(ud)
	var visitRC C.int
	rc := h.guard(func() error {
		p := goBytes(unsafe.Pointer(prefix), prefixLen)
		var items []Item
		err := h.storage.Scan(C.GoString(ns), p, func(key, value []byte, version uint64) bool {
			if bytes.HasPrefix(key, p) { // copies: a Storage may reuse its buffers
				items = append(items, Item{Key: append([]byte(nil), key...),
					Value: append([]byte(nil), value...), Version: version})
			}
			return true
		})
		if err != nil {
			return err
		}
		// The contract is ascending byte order; sorting here spares every Storage that work.
		sort.Slice(items, func(i, j int) bool { return bytes.Compare(items[i].Key, items[j].Key) < 0 })
		for _, it := range items {
			// The library's visitor reads the bytes during the call only; C copies keep Go
			// pointers out of C.
			visitRC = callVisit(visit, it, visitData)
			if visitRC != 0 {
				break
			}
		}
		return nil
	})
	if rc != C.MKT_OK {
		return rc
	}
	if visitRC < 0 {
		return visitRC
	}
	return C.MKT_OK
}

// scanState is what a Store.Scan visitor reaches through its cgo.Handle.
type scanState struct {
	visit   func(Item) bool
	pending error
}

//export mktGoVisit
func mktGoVisit(key *C.char, keyLen C.size_t, value unsafe.Pointer, valueLen C.size_t,
	version C.uint64_t, data unsafe.Pointer) (rc C.int) {
	s := cgo.Handle(uintptr(data)).Value().(*scanState)
	defer func() {
		if r := recover(); r != nil {
			s.pending = fmt.Errorf("scan visitor panicked: %v", r)
			rc = C.MKT_EUSER
		}
	}()
	item := Item{Key: goBytes(unsafe.Pointer(key), keyLen), Value: goBytes(value, valueLen),
		Version: uint64(version)}
	if s.visit(item) {
		return 0
	}
	return 1
}

// progressState is what a load's progress callback reaches through its cgo.Handle.
type progressState struct {
	fn      func(done, total, rows uint64) bool
	pending error
}

//export mktGoProgress
func mktGoProgress(done, total, rows C.uint64_t, data unsafe.Pointer) (rc C.int) {
	s := cgo.Handle(uintptr(data)).Value().(*progressState)
	defer func() {
		if r := recover(); r != nil {
			s.pending = fmt.Errorf("progress callback panicked: %v", r)
			rc = 1
		}
	}()
	if s.fn(uint64(done), uint64(total), uint64(rows)) {
		return 0
	}
	return 1
}
