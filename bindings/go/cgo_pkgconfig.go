// SPDX-License-Identifier: MIT

//go:build !libmarketing_nopkgconfig

package marketing

// Default: compiler and linker flags come from pkg-config (libmarketing.pc, or
// libmarketing-uninstalled.pc of a meson build tree found through PKG_CONFIG_PATH).

// #cgo pkg-config: libmarketing
import "C"
