// SPDX-License-Identifier: MIT

package marketing

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// storeContract runs store.h's contract through Context.Store.
func storeContract(t *testing.T, mk func(t *testing.T) *Context) {
	t.Run("GetAbsent", func(t *testing.T) {
		_, err := mk(t).Store().Get("ns", []byte("missing"))
		wantCode(t, err, ErrNotFound)
	})
	t.Run("PutGetVersions", func(t *testing.T) {
		s := mk(t).Store()
		v, err := s.Put("ns", []byte("k"), []byte("v1"), VersionAny)
		must(t, err)
		if v != 1 {
			t.Fatalf("first version %d", v)
		}
		if v, err = s.Put("ns", []byte("k"), []byte("v2"), 1); err != nil || v != 2 {
			t.Fatalf("CAS put: %d %v", v, err)
		}
		it, err := s.Get("ns", []byte("k"))
		must(t, err)
		if string(it.Value) != "v2" || it.Version != 2 || string(it.Key) != "k" {
			t.Fatalf("got %+v", it)
		}
		if v, err = s.Put("ns", []byte("k"), nil, VersionAny); err != nil || v != 3 {
			t.Fatalf("empty value: %d %v", v, err)
		}
		if it, _ = s.Get("ns", []byte("k")); len(it.Value) != 0 || it.Version != 3 {
			t.Fatalf("got %+v", it)
		}
		_, err = s.Get("other", []byte("k"))
		wantCode(t, err, ErrNotFound)
	})
	t.Run("Binary", func(t *testing.T) {
		s := mk(t).Store()
		blob := bytes.Repeat([]byte{0, 1, 2, 255}, 300)
		_, err := s.Put("bin", []byte{0, 255}, blob, VersionAny)
		must(t, err)
		it, err := s.Get("bin", []byte{0, 255})
		must(t, err)
		if !bytes.Equal(it.Value, blob) {
			t.Fatal("binary value changed")
		}
	})
	t.Run("Conflicts", func(t *testing.T) {
		s := mk(t).Store()
		_, err := s.Put("ns", []byte("k"), []byte("v"), VersionAbsent)
		must(t, err)
		_, err = s.Put("ns", []byte("k"), []byte("v"), VersionAbsent)
		wantCode(t, err, ErrConflict)
		_, err = s.Put("ns", []byte("k"), []byte("v"), 7)
		wantCode(t, err, ErrConflict)
		_, err = s.Put("ns", []byte("new"), []byte("v"), 1)
		wantCode(t, err, ErrConflict)
	})
	t.Run("Delete", func(t *testing.T) {
		s := mk(t).Store()
		_, err := s.Put("ns", []byte("k"), []byte("v"), VersionAny)
		must(t, err)
		wantCode(t, s.Delete("ns", []byte("k"), 2), ErrConflict)
		must(t, s.Delete("ns", []byte("k"), 1))
		wantCode(t, s.Delete("ns", []byte("k"), VersionAny), ErrNotFound)
		wantCode(t, s.Delete("ns", []byte("k"), 3), ErrConflict)
	})
	t.Run("Incr", func(t *testing.T) {
		s := mk(t).Store()
		k := []byte("n")
		for want := int64(1); want <= 2; want++ {
			got, err := s.Incr("c", k, 1, 2)
			must(t, err)
			if got != want {
				t.Fatalf("incr = %d, want %d", got, want)
			}
		}
		_, err := s.Incr("c", k, 1, 2)
		wantCode(t, err, ErrLimit)
		if v, _ := s.Incr("c", k, -2, 0); v != 0 {
			t.Fatalf("decrement to %d", v)
		}
		_, err = s.Incr("c", k, -1, 0)
		wantCode(t, err, ErrLimit)
		_, err = s.Put("c", []byte("text"), []byte("hello"), VersionAny)
		must(t, err)
		_, err = s.Incr("c", []byte("text"), 1, 10)
		wantCode(t, err, ErrType)
		_, err = s.Put("c", []byte("max"), []byte(strconv.FormatInt(1<<63-1, 10)), VersionAny)
		must(t, err)
		_, err = s.Incr("c", []byte("max"), 1, 1<<63-1)
		if !errors.Is(err, ErrRange) && !errors.Is(err, ErrLimit) {
			t.Fatalf("overflow: %v", err)
		}
	})
	t.Run("Scan", func(t *testing.T) {
		s := mk(t).Store()
		for _, k := range []string{"b2", "a", "b1", "c", "b10"} {
			_, err := s.Put("s", []byte(k), []byte(strings.ToUpper(k)), VersionAny)
			must(t, err)
		}
		_, err := s.Put("other", []byte("b0"), nil, VersionAny)
		must(t, err)
		items, err := s.Items("s", []byte("b"))
		must(t, err)
		var keys []string
		for _, it := range items {
			keys = append(keys, string(it.Key))
		}
		if fmt.Sprint(keys) != "[b1 b10 b2]" {
			t.Fatalf("scan keys %v", keys)
		}
		if all, _ := s.Items("s", nil); len(all) != 5 {
			t.Fatalf("scan all: %d", len(all))
		}
		n := 0
		must(t, s.Scan("s", nil, func(Item) bool { n++; return false }))
		if n != 1 {
			t.Fatalf("early stop visited %d", n)
		}
		err = s.Scan("s", nil, func(Item) bool { panic("visitor") })
		wantCode(t, err, ErrUser)
	})
	t.Run("InvalidKeys", func(t *testing.T) {
		s := mk(t).Store()
		_, err := s.Put("ns", nil, []byte("v"), VersionAny)
		wantCode(t, err, ErrInvalid)
		_, err = s.Put("ns", bytes.Repeat([]byte("k"), MaxKeyLen+1), nil, VersionAny)
		wantCode(t, err, ErrInvalid)
		_, err = s.Put("ns", bytes.Repeat([]byte("k"), MaxKeyLen), nil, VersionAny)
		must(t, err)
	})
}

func TestBuiltinStore(t *testing.T) {
	storeContract(t, func(t *testing.T) *Context { return newContext(t) })
}

func TestGoStore(t *testing.T) {
	storeContract(t, func(t *testing.T) *Context { return newContext(t, WithStorage(NewMemoryStore())) })
}

func TestGoStoreIsUsed(t *testing.T) {
	m := NewMemoryStore()
	c := newContext(t, WithStorage(m))
	_, err := c.Store().Put("ns", []byte("k"), []byte("v"), VersionAny)
	must(t, err)
	v, ver, err := m.Get("ns", []byte("k"))
	if err != nil || string(v) != "v" || ver != 1 {
		t.Fatalf("backend: %q %d %v", v, ver, err)
	}
}

// unsortedStore returns scan results out of order and ignoring the prefix.
type unsortedStore struct{ *MemoryStore }

func (u unsortedStore) Scan(ns string, prefix []byte, visit func(k, v []byte, ver uint64) bool) error {
	var items []Item
	_ = u.MemoryStore.Scan(ns, nil, func(k, v []byte, ver uint64) bool {
		items = append(items, Item{k, v, ver})
		return true
	})
	for i := len(items) - 1; i >= 0; i-- {
		if !visit(items[i].Key, items[i].Value, items[i].Version) {
			break
		}
	}
	return nil
}

func TestGoStoreUnsortedScan(t *testing.T) {
	c := newContext(t, WithStorage(unsortedStore{NewMemoryStore()}))
	for _, k := range []string{"a1", "b", "a0"} {
		_, err := c.Store().Put("s", []byte(k), nil, VersionAny)
		must(t, err)
	}
	items, err := c.Store().Items("s", []byte("a"))
	must(t, err)
	if len(items) != 2 || string(items[0].Key) != "a0" || string(items[1].Key) != "a1" {
		t.Fatalf("items %+v", items)
	}
}

// failingStore fails every method in a different way.
type failingStore struct{}

var errDown = errors.New("database down")

func (failingStore) Get(string, []byte) ([]byte, uint64, error) { return nil, 0, errDown }
func (failingStore) Put(string, []byte, []byte, uint64) (uint64, error) {
	return 0, &Error{Code: ErrIO, Message: "disk full"}
}
func (failingStore) Delete(string, []byte, uint64) error { panic("delete") }
func (failingStore) Incr(string, []byte, int64, int64) (int64, error) {
	return 0, fmt.Errorf("w: %w", ErrLimit)
}
func (failingStore) Scan(string, []byte, func(k, v []byte, ver uint64) bool) error {
	return errDown
}

func TestGoStoreFailures(t *testing.T) {
	c := newContext(t, WithStorage(failingStore{}))
	s := c.Store()
	_, err := s.Get("ns", []byte("k"))
	wantCode(t, err, ErrUser)
	if !errors.Is(err, errDown) {
		t.Fatal("cause lost")
	}
	_, err = s.Put("ns", []byte("k"), nil, VersionAny)
	wantCode(t, err, ErrIO)
	wantCode(t, s.Delete("ns", []byte("k"), VersionAny), ErrUser)
	_, err = s.Incr("ns", []byte("k"), 1, 5)
	wantCode(t, err, ErrLimit)
	_, err = s.Items("ns", nil)
	wantCode(t, err, ErrUser)
	if _, err := c.NowUnix(); err != nil {
		t.Fatal("context unusable after store failures")
	}
}

func TestStoreAfterClose(t *testing.T) {
	c, err := NewContext()
	must(t, err)
	s := c.Store()
	must(t, c.Close())
	_, err = s.Get("ns", []byte("k"))
	wantCode(t, err, ErrState)
	wantCode(t, s.Scan("ns", nil, func(Item) bool { return true }), ErrState)
}
