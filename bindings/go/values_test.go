// SPDX-License-Identifier: MIT

package marketing

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	d, err := DateFromYMD(2024, 2, 29)
	must(t, err)
	if d != 19782 {
		t.Fatalf("2024-02-29 = %d", d)
	}
	if y, m, dd := Date(-1).YMD(); y != 1969 || m != 12 || dd != 31 {
		t.Fatalf("YMD(-1) = %d-%d-%d", y, m, dd)
	}
	if d.String() != "2024-02-29" || NullDate.String() != "" {
		t.Fatalf("String: %q %q", d.String(), NullDate.String())
	}
	if !d.Time().Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("Time()")
	}
	_, err = DateFromYMD(2023, 2, 29)
	wantCode(t, err, ErrRange)
	p, err := ParseDate("2024-06-01")
	must(t, err)
	if s, _ := FormatDate(p); s != "2024-06-01" {
		t.Fatalf("round trip %q", s)
	}
	for _, bad := range []string{"2024-6-01", "2024-02-30", " 2024-06-01", "", "2024-06-01\x00"} {
		_, err := ParseDate(bad)
		wantCode(t, err, ErrParse)
	}
	jan31, _ := DateFromYMD(2024, 1, 31)
	feb, err := jan31.AddMonths(1)
	must(t, err)
	if feb.String() != "2024-02-29" {
		t.Fatalf("AddMonths = %s", feb)
	}
	last, _ := DateFromYMD(9999, 12, 1)
	_, err = last.AddMonths(1)
	wantCode(t, err, ErrRange)
	if DateOf(time.Date(2024, 6, 1, 23, 59, 0, 0, time.UTC)).String() != "2024-06-01" {
		t.Fatal("DateOf")
	}
}

func TestTimes(t *testing.T) {
	for in, want := range map[string]int64{
		"1970-01-01T00:00:00Z":      0,
		"2024-06-01T09:30:00Z":      1717234200,
		"2024-06-01T11:30:00+02:00": 1717234200,
		"2024-06-01 09:30:00.999Z":  1717234200,
		"2024-06-01":                1717200000,
	} {
		got, err := ParseUnix(in)
		must(t, err)
		if got != want {
			t.Errorf("ParseUnix(%q) = %d, want %d", in, got, want)
		}
	}
	tm, err := ParseTime("2024-06-01T09:30:00Z")
	must(t, err)
	if tm.Unix() != 1717234200 || tm.Location() != time.UTC {
		t.Fatal("ParseTime")
	}
	for _, bad := range []string{"2024-06-01T25:00:00Z", "yesterday", "2024-06-01T09:30:00+2"} {
		_, err := ParseTime(bad)
		wantCode(t, err, ErrParse)
	}
	s, err := FormatTime(tm)
	must(t, err)
	if s != "2024-06-01T09:30:00Z" {
		t.Fatalf("FormatTime = %q", s)
	}
	_, err = FormatUnix(1 << 50)
	wantCode(t, err, ErrRange)
	if TimeToDate(time.Unix(-1, 0)).String() != "1969-12-31" {
		t.Fatal("TimeToDate rounds toward the past")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]int64{"1234": 123400, "-12.5": -1250, "0.07": 7} {
		got, err := ParseMoney(in, 2)
		must(t, err)
		if got != want {
			t.Errorf("ParseMoney(%q) = %d", in, got)
		}
	}
	for _, bad := range []string{"0.001", "1,000", "1e3", "", "abc"} {
		_, err := ParseMoney(bad, 2)
		wantCode(t, err, ErrParse)
	}
	_, err := ParseMoney("99999999999999999999", 2)
	wantCode(t, err, ErrRange)
	_, err = ParseMoney("1", 10)
	wantCode(t, err, ErrInvalid)
	s, err := FormatMoney(-1250, 2)
	must(t, err)
	if s != "-12.50" {
		t.Fatalf("FormatMoney = %q", s)
	}
	if s, _ := FormatMoney(-1<<63, 2); s != "-92233720368547758.08" {
		t.Fatalf("FormatMoney(min) = %q", s)
	}
	_, err = FormatMoney(1, 10)
	wantCode(t, err, ErrInvalid)
}
