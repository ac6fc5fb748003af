// SPDX-License-Identifier: MIT

package marketing

// #include <stdlib.h>
// #include <libmarketing.h>
import "C"

import (
	"math"
	"time"
	"unsafe"
)

// Date is a calendar date: days since 1970-01-01 (proleptic Gregorian), as mkt_date.
type Date int32

// NullDate marks a missing date where a Date (not *Date) is read.
const NullDate Date = math.MinInt32

// NullInt64 marks a missing int64, money or time value in the C structs.
const NullInt64 int64 = math.MinInt64

// DateFromYMD builds a date (year 1..9999); ErrRange for an impossible date.
func DateFromYMD(year, month, day int) (Date, error) {
	var out C.mkt_date
	if rc := C.mkt_date_from_ymd(&out, C.int32_t(year), C.int32_t(month), C.int32_t(day)); rc != 0 {
		return 0, codeError(rc, "date from year/month/day")
	}
	return Date(out), nil
}

// DateOf is the UTC calendar date of t.
func DateOf(t time.Time) Date { return TimeToDate(t) }

// YMD splits the date into year, month and day.
func (d Date) YMD() (year, month, day int) {
	var y, m, dd C.int32_t
	C.mkt_date_to_ymd(C.mkt_date(d), &y, &m, &dd)
	return int(y), int(m), int(dd)
}

// Time is the date's midnight, UTC.
func (d Date) Time() time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

// String formats the date as "YYYY-MM-DD" (or "" for NullDate).
func (d Date) String() string {
	if d == NullDate {
		return ""
	}
	s, err := FormatDate(d)
	if err != nil {
		return "invalid date"
	}
	return s
}

// AddMonths adds calendar months, clamping the day to the target month's end.
func (d Date) AddMonths(months int) (Date, error) {
	var out C.mkt_date
	if rc := C.mkt_date_add_months(&out, C.mkt_date(d), C.int32_t(months)); rc != 0 {
		return 0, codeError(rc, "add months")
	}
	return Date(out), nil
}

// cText gives a C view of s for a call that reads exactly len(s) bytes; free the result.
func cText(s string) (*C.char, C.size_t) {
	return C.CString(s), C.size_t(len(s))
}

// ParseDate parses exactly "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	p, n := cText(s)
	defer C.free(unsafe.Pointer(p))
	var out C.mkt_date
	if rc := C.mkt_date_parse(&out, p, n); rc != 0 {
		return 0, codeError(rc, "date "+quote(s))
	}
	return Date(out), nil
}

// FormatDate formats d as "YYYY-MM-DD".
func FormatDate(d Date) (string, error) {
	var buf [C.MKT_DATE_BUFSZ]C.char
	if rc := C.mkt_date_format(C.mkt_date(d), &buf[0], C.size_t(len(buf))); rc != 0 {
		return "", codeError(rc, "format date")
	}
	return C.GoString(&buf[0]), nil
}

// ParseTime parses an ISO-8601 timestamp (see values.h) to a UTC time.
func ParseTime(s string) (time.Time, error) {
	sec, err := ParseUnix(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, 0).UTC(), nil
}

// ParseUnix parses an ISO-8601 timestamp to seconds since the epoch.
func ParseUnix(s string) (int64, error) {
	p, n := cText(s)
	defer C.free(unsafe.Pointer(p))
	var out C.mkt_time
	if rc := C.mkt_time_parse(&out, p, n); rc != 0 {
		return 0, codeError(rc, "timestamp "+quote(s))
	}
	return int64(out), nil
}

// FormatTime formats t (truncated to seconds) as "YYYY-MM-DDTHH:MM:SSZ".
func FormatTime(t time.Time) (string, error) { return FormatUnix(t.Unix()) }

// FormatUnix formats seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ".
func FormatUnix(sec int64) (string, error) {
	var buf [C.MKT_TIME_BUFSZ]C.char
	if rc := C.mkt_time_format(C.mkt_time(sec), &buf[0], C.size_t(len(buf))); rc != 0 {
		return "", codeError(rc, "format timestamp")
	}
	return C.GoString(&buf[0]), nil
}

// TimeToDate is the UTC calendar date of t, rounding toward the past.
func TimeToDate(t time.Time) Date { return Date(C.mkt_time_to_date(C.mkt_time(t.Unix()))) }

// ParseMoney parses a decimal amount into minor units with decimals fraction digits; more
// digits than decimals is ErrParse (money is never rounded silently).
func ParseMoney(s string, decimals int) (int64, error) {
	p, n := cText(s)
	defer C.free(unsafe.Pointer(p))
	var out C.int64_t
	if rc := C.mkt_money_parse(&out, p, n, C.int32_t(decimals)); rc != 0 {
		return 0, codeError(rc, "amount "+quote(s))
	}
	return int64(out), nil
}

// FormatMoney formats minor units with decimals fraction digits ("-12.50").
func FormatMoney(minor int64, decimals int) (string, error) {
	var buf [C.MKT_MONEY_BUFSZ]C.char
	if rc := C.mkt_money_format(C.int64_t(minor), C.int32_t(decimals), &buf[0], C.size_t(len(buf))); rc != 0 {
		return "", codeError(rc, "format amount")
	}
	return C.GoString(&buf[0]), nil
}

func quote(s string) string {
	const max = 64
	if len(s) > max {
		s = s[:max] + "..."
	}
	return `"` + s + `"`
}
