// SPDX-License-Identifier: MIT

package marketing

// Promo codes (promo.h): normalization, code formats (charset, length, prefix, suffix,
// pattern, check character), the offline syntax check, unique random generation (optionally
// issued into the context's store), customer-bound codes derived with HMAC-SHA-256, binding
// and lookup. doc/promo-codes.md is the guide.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// Promo code limits.
const (
	PromoMaxLen     = 64  // longest canonical code
	PromoMaxDisplay = 256 // longest display form
	PromoMinSecret  = 16  // shortest derivation secret, in bytes
)

// PromoReason says why a code is not well formed.
type PromoReason int32

// Reasons (mkt_promo_reason).
const (
	PromoValid     PromoReason = 0
	PromoBadByte   PromoReason = 1
	PromoTooShort  PromoReason = 2
	PromoTooLong   PromoReason = 3
	PromoLiteral   PromoReason = 4
	PromoCharset   PromoReason = 5
	PromoCheckChar PromoReason = 6
)

// String is the machine-readable name ("check_char", ...; mkt_promo_reason_name).
func (r PromoReason) String() string { return C.GoString(C.mkt_promo_reason_name(C.int32_t(r))) }

// PromoOptions describe a code format; the zero value means 8 unambiguous characters.
// Charset: "", "alphanumeric", "alphabetic", "numeric", "unambiguous" or the characters.
// Pattern: '#' random, '!' check character, '\' escapes, other text literal.
type PromoOptions struct {
	Charset   string
	Length    int
	Prefix    string
	Suffix    string
	Pattern   string
	CheckChar bool
}

// PromoCheck is the verdict of PromoFormat.Check.
type PromoCheck struct {
	Valid    bool
	Reason   PromoReason
	Position int // 1-based, 0 when the reason has none
}

// PromoEntropy is the code space of a format and the guessing risk.
type PromoEntropy struct {
	CharsetSize, RandomChars, CodeLen, DisplayLen int
	Space, Bits, GuessProbability                 float64
	MaxBatch                                      uint64
}

// PromoFormat is a compiled code format (mkt_promo_format); immutable.
type PromoFormat struct {
	ctx *Context
	ch  *child
}

func freePromoFormat(p unsafe.Pointer) { C.mkt_promo_format_free((*C.mkt_promo_format)(p)) }

// cstrOpt is NULL for "" (the library's default) or a C copy the caller frees.
func cstrOpt(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// NewPromoFormat compiles a code format; opts nil means defaults.
func (c *Context) NewPromoFormat(opts *PromoOptions) (*PromoFormat, error) {
	ptr, err := c.raw()
	if err != nil {
		return nil, err
	}
	var o C.mkt_promo_options
	C.mkt_promo_options_init(&o)
	if opts != nil {
		o.charset, o.prefix = cstrOpt(opts.Charset), cstrOpt(opts.Prefix)
		o.suffix, o.pattern = cstrOpt(opts.Suffix), cstrOpt(opts.Pattern)
		defer func() {
			for _, p := range []*C.char{o.charset, o.prefix, o.suffix, o.pattern} {
				C.free(unsafe.Pointer(p))
			}
		}()
		o.length = C.int32_t(opts.Length)
		if opts.CheckChar {
			o.check_char = 1
		}
	}
	var f *C.mkt_promo_format
	c.begin()
	if err := c.check(C.mkt_promo_format_new(&f, ptr, &o)); err != nil {
		return nil, err
	}
	pf := &PromoFormat{ctx: c, ch: &child{ptr: unsafe.Pointer(f), free: freePromoFormat}}
	if err := c.adopt(pf.ch); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(pf, func(pf *PromoFormat) { pf.ctx.release(pf.ch) })
	return pf, nil
}

// Close frees the format; idempotent.
func (f *PromoFormat) Close() error {
	runtime.SetFinalizer(f, nil)
	f.ctx.release(f.ch)
	return nil
}

func (f *PromoFormat) raw() (*C.mkt_promo_format, error) {
	if f.ch.ptr == nil {
		return nil, &Error{Code: ErrState, Message: "the promo format is closed"}
	}
	return (*C.mkt_promo_format)(f.ch.ptr), nil
}

// call runs fn with the context and the format, reporting the context's error.
func (f *PromoFormat) call(fn func(*C.mkt_ctx, *C.mkt_promo_format) C.int) error {
	p, err := f.raw()
	if err != nil {
		return err
	}
	ctx, err := f.ctx.raw()
	if err != nil {
		return err
	}
	f.ctx.begin()
	err = f.ctx.check(fn(ctx, p))
	runtime.KeepAlive(f)
	return err
}

// Check verifies the syntax and check character of code (mkt_promo_check).
func (f *PromoFormat) Check(code string) (PromoCheck, error) {
	p, err := f.raw()
	if err != nil {
		return PromoCheck{}, err
	}
	cs := C.CString(code)
	defer C.free(unsafe.Pointer(cs))
	var r C.mkt_promo_check_result
	rc := C.mkt_promo_check(p, cs, C.size_t(len(code)), &r)
	runtime.KeepAlive(f)
	if rc != 0 {
		return PromoCheck{}, codeError(rc, "mkt_promo_check")
	}
	return PromoCheck{r.valid != 0, PromoReason(r.reason), int(r.position)}, nil
}

// Entropy describes the code space with issued live codes (mkt_promo_entropy_get).
func (f *PromoFormat) Entropy(issued uint64) (PromoEntropy, error) {
	p, err := f.raw()
	if err != nil {
		return PromoEntropy{}, err
	}
	var e C.mkt_promo_entropy
	rc := C.mkt_promo_entropy_get(p, C.uint64_t(issued), &e)
	runtime.KeepAlive(f)
	if rc != 0 {
		return PromoEntropy{}, codeError(rc, "mkt_promo_entropy_get")
	}
	return PromoEntropy{int(e.charset_size), int(e.random_chars), int(e.code_len),
		int(e.display_len), float64(e.space), float64(e.bits), float64(e.guess_probability),
		uint64(e.max_batch)}, nil
}

// Generate returns count distinct random codes, issued to offerID in the store unless
// offerID is "" (mkt_promo_generate).
func (f *PromoFormat) Generate(count uint64, offerID string) ([]string, error) {
	offer := cstrOpt(offerID)
	defer C.free(unsafe.Pointer(offer))
	var out *C.char
	var n C.size_t
	err := f.call(func(ctx *C.mkt_ctx, p *C.mkt_promo_format) C.int {
		return C.mkt_promo_generate(ctx, p, C.uint64_t(count), offer, &out, &n)
	})
	if err != nil {
		return nil, err
	}
	text := C.GoStringN(out, C.int(n))
	C.mkt_free(unsafe.Pointer(out))
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n"), nil
}

// Derive returns the code bound to (offerID, customerID): HMAC-SHA-256 keyed by secret
// (>= 16 bytes), deterministic, not computable without the secret (mkt_promo_derive).
func (f *PromoFormat) Derive(secret []byte, offerID, customerID string) (string, error) {
	key := C.CBytes(secret)
	defer C.free(key)
	offer, cust := C.CString(offerID), C.CString(customerID)
	defer C.free(unsafe.Pointer(offer))
	defer C.free(unsafe.Pointer(cust))
	buf := (*C.char)(C.malloc(PromoMaxDisplay + 1))
	defer C.free(unsafe.Pointer(buf))
	var n C.size_t
	err := f.call(func(ctx *C.mkt_ctx, p *C.mkt_promo_format) C.int {
		return C.mkt_promo_derive(ctx, p, key, C.size_t(len(secret)), offer, cust, buf,
			PromoMaxDisplay+1, &n)
	})
	if err != nil {
		return "", err
	}
	return C.GoStringN(buf, C.int(n)), nil
}

// PromoNormalize returns the canonical form of code: upper-case, spaces and dashes dropped
// (mkt_promo_normalize).
func (c *Context) PromoNormalize(code string) (string, error) {
	ptr, err := c.raw()
	if err != nil {
		return "", err
	}
	cs := C.CString(code)
	defer C.free(unsafe.Pointer(cs))
	buf := (*C.char)(C.malloc(PromoMaxLen + 1))
	defer C.free(unsafe.Pointer(buf))
	var n C.size_t
	c.begin()
	if err := c.check(C.mkt_promo_normalize(ptr, cs, buf, PromoMaxLen+1, &n)); err != nil {
		return "", err
	}
	return C.GoStringN(buf, C.int(n)), nil
}

// PromoBind issues code for offerID, bound to customerID ("" = nobody) (mkt_promo_bind).
func (c *Context) PromoBind(code, offerID, customerID string) error {
	ptr, err := c.raw()
	if err != nil {
		return err
	}
	cs, offer, cust := C.CString(code), C.CString(offerID), cstrOpt(customerID)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(offer))
	defer C.free(unsafe.Pointer(cust))
	c.begin()
	return c.check(C.mkt_promo_bind(ptr, cs, offer, cust))
}

// PromoLookup returns the offer and bound customer ("" if none) of an issued code
// (mkt_promo_lookup).
func (c *Context) PromoLookup(code string) (offerID, customerID string, err error) {
	ptr, err := c.raw()
	if err != nil {
		return "", "", err
	}
	cs := C.CString(code)
	defer C.free(unsafe.Pointer(cs))
	var offer, cust *C.char
	c.begin()
	if err := c.check(C.mkt_promo_lookup(ptr, cs, &offer, &cust)); err != nil {
		return "", "", err
	}
	offerID = C.GoString(offer)
	if cust != nil {
		customerID = C.GoString(cust)
	}
	C.mkt_free(unsafe.Pointer(offer))
	C.mkt_free(unsafe.Pointer(cust))
	return offerID, customerID, nil
}
