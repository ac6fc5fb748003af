// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"bytes"
	"math"
	"runtime"
	"runtime/cgo"
	"sort"
	"strconv"
	"sync"
	"unsafe"
)

// Item is one stored key with its value and version.
type Item struct {
	Key     []byte
	Value   []byte
	Version uint64
}

// Storage is a store implemented in Go, following store.h's contract:
//
//   - Get returns ErrNotFound (or an error wrapping it) for an absent key.
//   - Put writes when expected is VersionAny, VersionAbsent for a new key, or the stored
//     version; otherwise ErrConflict. It returns the new version (1 on create, +1 after).
//   - Delete: the same rule; an absent key is ErrNotFound (ErrConflict with a specific
//     expected version).
//   - Incr: counters are ASCII decimal int64 (absent = 0); ErrLimit when the result would
//     pass limit (above it for delta >= 0, below it for delta < 0), ErrType for a non-counter.
//   - Scan calls visit for the keys with the prefix, in any order (the binding filters and
//     sorts); stop when visit returns false.
//
// An error that is (or wraps) a Code or *Error reaches the library as that code; any other
// error, and any panic, as ErrUser, and it becomes the Cause of the error the library call
// returns. Methods are called from the goroutine using the Context.
type Storage interface {
	Get(ns string, key []byte) (value []byte, version uint64, err error)
	Put(ns string, key, value []byte, expected uint64) (version uint64, err error)
	Delete(ns string, key []byte, expected uint64) error
	Incr(ns string, key []byte, delta, limit int64) (int64, error)
	Scan(ns string, prefix []byte, visit func(key, value []byte, version uint64) bool) error
}

// Store is the context's store (mkt_store_*), whatever implements it.
type Store struct {
	ctx *Context
}

func (s *Store) prep(ns string, key []byte) (*C.mkt_ctx, *C.char, unsafe.Pointer, error) {
	ptr, err := s.ctx.raw()
	if err != nil {
		return nil, nil, nil, err
	}
	var k unsafe.Pointer
	if len(key) > 0 {
		k = C.CBytes(key)
	}
	return ptr, C.CString(ns), k, nil
}

func release(n *C.char, k unsafe.Pointer) {
	C.free(unsafe.Pointer(n))
	C.free(k)
}

// Get reads key; ErrNotFound when absent.
func (s *Store) Get(ns string, key []byte) (Item, error) {
	ptr, n, k, err := s.prep(ns, key)
	if err != nil {
		return Item{}, err
	}
	defer release(n, k)
	var value *C.char
	var size C.size_t
	var version C.uint64_t
	s.ctx.begin()
	err = s.ctx.check(C.mkt_store_get(ptr, n, (*C.char)(k), C.size_t(len(key)), &value, &size, &version))
	runtime.KeepAlive(s.ctx)
	if err != nil {
		return Item{}, err
	}
	defer C.mkt_free(unsafe.Pointer(value))
	return Item{Key: append([]byte(nil), key...), Value: goBytes(unsafe.Pointer(value), size),
		Version: uint64(version)}, nil
}

// Put writes key with compare-and-set on expected (VersionAny, VersionAbsent or a version)
// and returns the new version; ErrConflict on mismatch.
func (s *Store) Put(ns string, key, value []byte, expected uint64) (uint64, error) {
	ptr, n, k, err := s.prep(ns, key)
	if err != nil {
		return 0, err
	}
	defer release(n, k)
	var v unsafe.Pointer
	if len(value) > 0 {
		v = C.CBytes(value)
		defer C.free(v)
	}
	var nv C.uint64_t
	s.ctx.begin()
	err = s.ctx.check(C.mkt_store_put(ptr, n, (*C.char)(k), C.size_t(len(key)), v,
		C.size_t(len(value)), C.uint64_t(expected), &nv))
	runtime.KeepAlive(s.ctx)
	return uint64(nv), err
}

// Delete removes key if its version matches expected.
func (s *Store) Delete(ns string, key []byte, expected uint64) error {
	ptr, n, k, err := s.prep(ns, key)
	if err != nil {
		return err
	}
	defer release(n, k)
	s.ctx.begin()
	err = s.ctx.check(C.mkt_store_delete(ptr, n, (*C.char)(k), C.size_t(len(key)), C.uint64_t(expected)))
	runtime.KeepAlive(s.ctx)
	return err
}

// Incr adds delta to the counter at key within limit and returns the new value; ErrLimit
// when the bound would be passed.
func (s *Store) Incr(ns string, key []byte, delta, limit int64) (int64, error) {
	ptr, n, k, err := s.prep(ns, key)
	if err != nil {
		return 0, err
	}
	defer release(n, k)
	var out C.int64_t
	s.ctx.begin()
	err = s.ctx.check(C.mkt_store_incr(ptr, n, (*C.char)(k), C.size_t(len(key)), C.int64_t(delta),
		C.int64_t(limit), &out))
	runtime.KeepAlive(s.ctx)
	return int64(out), err
}

// Scan visits the keys of ns starting with prefix in ascending byte order until visit
// returns false. A panic in visit is recovered and returned as the Cause of an ErrUser.
func (s *Store) Scan(ns string, prefix []byte, visit func(Item) bool) error {
	ptr, n, p, err := s.prep(ns, prefix)
	if err != nil {
		return err
	}
	if p == nil {
		p = C.malloc(1) // an empty prefix is still a valid pointer
	}
	defer release(n, p)
	st := &scanState{visit: visit}
	h := cgo.NewHandle(st)
	defer h.Delete()
	s.ctx.begin()
	rc := C.mkt_go_store_scan(ptr, n, p, C.size_t(len(prefix)), C.uintptr_t(h))
	if st.pending != nil && s.ctx.host.pending == nil {
		s.ctx.host.pending = st.pending
	}
	err = s.ctx.check(rc)
	runtime.KeepAlive(s.ctx)
	return err
}

// Items returns every key of ns starting with prefix, in ascending byte order.
func (s *Store) Items(ns string, prefix []byte) ([]Item, error) {
	var items []Item
	err := s.Scan(ns, prefix, func(it Item) bool { items = append(items, it); return true })
	return items, err
}

// MemoryStore is a Storage in Go memory that follows the contract exactly; a reference for
// hosts writing their own and a test double. Safe for concurrent use.
type MemoryStore struct {
	mu   sync.Mutex
	data map[string]*memItem
}

type memItem struct {
	value   []byte
	version uint64
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{data: map[string]*memItem{}} }

func memKey(ns string, key []byte) string { return ns + "\x00" + string(key) }

func matches(cur *memItem, expected uint64) bool {
	if expected == VersionAny {
		return true
	}
	if cur == nil {
		return expected == VersionAbsent
	}
	return cur.version == expected
}

// Get implements Storage.
func (m *MemoryStore) Get(ns string, key []byte) ([]byte, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.data[memKey(ns, key)]
	if cur == nil {
		return nil, 0, ErrNotFound
	}
	return append([]byte(nil), cur.value...), cur.version, nil
}

// Put implements Storage.
func (m *MemoryStore) Put(ns string, key, value []byte, expected uint64) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey(ns, key)
	cur := m.data[k]
	if !matches(cur, expected) {
		return 0, ErrConflict
	}
	v := uint64(1)
	if cur != nil {
		v = cur.version + 1
	}
	m.data[k] = &memItem{value: append([]byte(nil), value...), version: v}
	return v, nil
}

// Delete implements Storage.
func (m *MemoryStore) Delete(ns string, key []byte, expected uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey(ns, key)
	cur := m.data[k]
	if cur == nil {
		if expected == VersionAny || expected == VersionAbsent {
			return ErrNotFound
		}
		return ErrConflict
	}
	if !matches(cur, expected) {
		return ErrConflict
	}
	delete(m.data, k)
	return nil
}

// Incr implements Storage.
func (m *MemoryStore) Incr(ns string, key []byte, delta, limit int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey(ns, key)
	cur := m.data[k]
	var value int64
	if cur != nil {
		v, err := strconv.ParseInt(string(cur.value), 10, 64)
		if err != nil {
			return 0, ErrType
		}
		value = v
	}
	if (delta > 0 && value > math.MaxInt64-delta) || (delta < 0 && value < math.MinInt64-delta) {
		return 0, ErrRange
	}
	next := value + delta
	if (delta >= 0 && next > limit) || (delta < 0 && next < limit) {
		return 0, ErrLimit
	}
	version := uint64(1)
	if cur != nil {
		version = cur.version + 1
	}
	m.data[k] = &memItem{value: []byte(strconv.FormatInt(next, 10)), version: version}
	return next, nil
}

// Scan implements Storage (in ascending key order).
func (m *MemoryStore) Scan(ns string, prefix []byte, visit func(key, value []byte, version uint64) bool) error {
	m.mu.Lock()
	var items []Item
	start := ns + "\x00"
	for k, v := range m.data {
		if len(k) >= len(start) && k[:len(start)] == start && bytes.HasPrefix([]byte(k[len(start):]), prefix) {
			items = append(items, Item{Key: []byte(k[len(start):]), Value: append([]byte(nil), v.value...), Version: v.version})
		}
	}
	m.mu.Unlock()
	sort.Slice(items, func(i, j int) bool { return bytes.Compare(items[i].Key, items[j].Key) < 0 })
	for _, it := range items {
		if !visit(it.Key, it.Value, it.Version) {
			break
		}
	}
	return nil
}
