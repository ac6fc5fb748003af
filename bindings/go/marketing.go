// SPDX-License-Identifier: MIT

// Package marketing binds libmarketing, the embeddable decision library of a marketing
// automation platform, through cgo.
//
// Everything hangs off a Context (NewContext): the host callbacks (clock, log, random, audit,
// send, storage) are plain Go functions and an optional Storage implementation. Errors are
// *Error values carrying the status Code and the context's last-error detail (source, line,
// column, field); compare them with errors.Is against ErrNotFound, ErrConflict, ...
//
// A Context and the objects made from it are used by one goroutine at a time. Close them when
// done; a finalizer frees forgotten ones, but only Close is deterministic.
package marketing

// #include <libmarketing.h>
import "C"

// Version is the loaded library's version string ("MAJOR.MINOR.PATCH").
func Version() string { return C.GoString(C.mkt_version()) }

// VersionNumber is the loaded library's version as major*10000 + minor*100 + patch.
func VersionNumber() int { return int(C.mkt_version_number()) }

// Storage versions with special meaning in Put and Delete.
const (
	// VersionAbsent: as an expected version, "create only"; as a version, "no such key".
	VersionAbsent uint64 = 0
	// VersionAny: write (or delete) whatever is stored.
	VersionAny uint64 = ^uint64(0)
	// MaxKeyLen is the longest key every store must accept.
	MaxKeyLen = 1024
)

// LogLevel of a log line.
type LogLevel int32

// Log levels, most verbose first.
const (
	LogDebug LogLevel = 10
	LogInfo  LogLevel = 20
	LogWarn  LogLevel = 30
	LogError LogLevel = 40
)

// Channel of a message.
type Channel int32

// Delivery channels.
const (
	ChannelEmail  Channel = 1
	ChannelSMS    Channel = 2
	ChannelPush   Channel = 3
	ChannelInApp  Channel = 4
	ChannelWeb    Channel = 5
	ChannelSocial Channel = 6
)
