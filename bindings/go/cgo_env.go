// SPDX-License-Identifier: MIT

//go:build libmarketing_nopkgconfig

package marketing

// With -tags libmarketing_nopkgconfig, only -lmarketing is named here; the include and
// library directories come from CGO_CFLAGS=-I<src>/include and CGO_LDFLAGS=-L<builddir>/lib.

// #cgo LDFLAGS: -lmarketing
import "C"
