// SPDX-License-Identifier: MIT

package marketing

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loadedTable(t *testing.T, gz bool) (*Context, *Table) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	ext := ".csv"
	if gz {
		ext = ".csv.gz"
	}
	must(t, tb.LoadCustomers(writeFile(t, "customers"+ext, customersCSV, gz), nil))
	must(t, tb.LoadBookings(writeFile(t, "bookings"+ext, bookingsCSV, gz), nil))
	must(t, tb.LoadEvents(writeFile(t, "events"+ext, eventsCSV, gz), nil))
	return c, tb
}

func get(t *testing.T, tb *Table, row uint64, col string) interface{} {
	t.Helper()
	v, err := tb.Get(row, col)
	must(t, err)
	return v
}

func TestTableLoadAndRead(t *testing.T) {
	_, tb := loadedTable(t, false)
	if tb.Len() != 3 {
		t.Fatalf("Len = %d", tb.Len())
	}
	row, err := tb.Find("C1")
	must(t, err)
	if id, _ := tb.CustomerID(row); id != "C1" {
		t.Fatalf("CustomerID = %q", id)
	}
	signup, _ := DateFromYMD(2023, 1, 15)
	for col, want := range map[string]interface{}{
		"email": "a@example.com", "tier": "GOLD", "signup_date": signup,
		"loyalty_member": true, "email_open_rate": 0.25, "nps_score": int64(9),
		"favourite": "tea", "booking.count": int64(2), "booking.total_spend": int64(155050),
		"event.last_time": time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC),
	} {
		if got := get(t, tb, row, col); got != want {
			t.Errorf("%s = %#v, want %#v", col, got, want)
		}
	}
	c3, _ := tb.Find("C3")
	for _, col := range []string{"email", "signup_date", "email_open_rate"} {
		if v := get(t, tb, c3, col); v != nil {
			t.Errorf("C3 %s = %#v, want nil", col, v)
		}
	}
	c2, _ := tb.Find("C2")
	if v := get(t, tb, c2, "booking.cancelled_count"); v != int64(1) {
		t.Errorf("cancelled_count = %v", v)
	}
	_, err = tb.Find("C404")
	wantCode(t, err, ErrNotFound)
	_, err = tb.CustomerID(99)
	wantCode(t, err, ErrNotFound)
}

func TestTableGzip(t *testing.T) {
	_, tb := loadedTable(t, true)
	if tb.Len() != 3 || tb.BookingCount() != 3 || tb.EventCount() != 2 {
		t.Fatalf("counts %d %d %d", tb.Len(), tb.BookingCount(), tb.EventCount())
	}
}

func TestTableColumns(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	cols, err := tb.Columns()
	must(t, err)
	if len(cols) != tb.ColumnCount() || len(cols) < 20 {
		t.Fatalf("%d columns", len(cols))
	}
	names := map[string]ColumnInfo{}
	for _, ci := range cols {
		names[ci.Name] = ci
	}
	if ci := names["signup_date"]; ci.Type != TypeDate || ci.Custom || ci.Derived {
		t.Fatalf("signup_date %+v", ci)
	}
	if !names["booking.count"].Derived {
		t.Fatal("booking.count not derived")
	}
	idx, err := tb.Column("email")
	must(t, err)
	if ci, _ := tb.ColumnInfo(idx); ci.Name != "email" || ci.Index != idx {
		t.Fatalf("ColumnInfo %+v", ci)
	}
	_, err = tb.Column("nope")
	wantCode(t, err, ErrNotFound)
	_, err = tb.ColumnInfo(1 << 20)
	wantCode(t, err, ErrNotFound)
}

func TestTableValues(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	row, err := tb.AddCustomer("N1")
	must(t, err)
	again, err := tb.AddCustomer("N1")
	wantCode(t, err, ErrExist)
	if again != row {
		t.Fatal("existing row not reported")
	}
	score, err := tb.AddColumn("score", TypeNumber)
	must(t, err)
	_, err = tb.AddColumn("seen_at", TypeTime)
	must(t, err)
	_, err = tb.AddColumn("vip", TypeBool)
	must(t, err)
	_, err = tb.AddColumn("credit", TypeMoney)
	must(t, err)
	_, err = tb.AddColumn("email", TypeString)
	wantCode(t, err, ErrExist)
	_, err = tb.AddColumn("event.mine", TypeInt)
	wantCode(t, err, ErrInvalid)
	d, _ := DateFromYMD(2024, 1, 2)
	seen := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	must(t, tb.Set(row, "score", 0.75))
	must(t, tb.Set(row, "seen_at", seen))
	must(t, tb.Set(row, "vip", true))
	must(t, tb.Set(row, "credit", int64(1999)))
	must(t, tb.Set(row, "signup_date", d))
	must(t, tb.Set(row, "tier", "GOLD"))
	must(t, tb.Set(row, "nps_score", 7))
	for col, want := range map[string]interface{}{
		"score": 0.75, "seen_at": seen, "vip": true, "credit": int64(1999), "signup_date": d,
		"tier": "GOLD", "nps_score": int64(7),
	} {
		if got := get(t, tb, row, col); got != want {
			t.Errorf("%s = %#v, want %#v", col, got, want)
		}
	}
	if v, ok, err := tb.GetNumber(row, score); err != nil || !ok || v != 0.75 {
		t.Fatalf("GetNumber %v %v %v", v, ok, err)
	}
	must(t, tb.SetNull(row, score))
	if _, ok, _ := tb.GetNumber(row, score); ok {
		t.Fatal("null not reported")
	}
	if ci, _ := tb.ColumnInfo(score); ci.NullCount != 1 {
		t.Fatalf("null_count %d", ci.NullCount)
	}
	must(t, tb.Set(row, "score", 2))
	email, _ := tb.Column("email")
	must(t, tb.SetString(row, email, "x@y.z"))
	if s, ok, _ := tb.GetString(row, email); !ok || s != "x@y.z" {
		t.Fatalf("GetString %q", s)
	}
	// Error paths.
	_, _, err = tb.GetInt(row, email)
	wantCode(t, err, ErrType)
	sd, _ := tb.Column("signup_date")
	wantCode(t, tb.SetString(row, sd, "2024-01-01"), ErrType)
	lm, _ := tb.Column("loyalty_member")
	wantCode(t, tb.SetInt(row, lm, 2), ErrRange)
	bc, _ := tb.Column("booking.count")
	wantCode(t, tb.SetInt(row, bc, 1), ErrInvalid)
	wantCode(t, tb.SetNumber(row+1, score, 1), ErrNotFound)
	wantCode(t, tb.SetString(row, email, "\xff\xfe"), ErrParse)
	wantCode(t, tb.Set(row, "tier", struct{}{}), ErrType)
	_, err = tb.Get(row, "nope")
	wantCode(t, err, ErrNotFound)
}

func TestTableBookingsEvents(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	dep, _ := DateFromYMD(2024, 7, 1)
	anc := int64(500)
	must(t, tb.AddBooking(&Booking{BookingID: "B1", CustomerID: "X1", BookingTime: time.Unix(1717234200, 0),
		DepartureDate: &dep, Route: "JFK-LAX", Passengers: 2, TotalAmount: 12345,
		AncillaryAmount: &anc, Currency: "EUR"}))
	must(t, tb.AddBooking(&Booking{BookingID: "B2", CustomerID: "X1", BookingTime: time.Unix(1717300000, 0),
		TotalAmount: 100, Status: BookingCancelled}))
	val := int64(250)
	must(t, tb.AddEvent(&Event{EventID: "E1", CustomerID: "X1", Time: time.Unix(1717234300, 0),
		Type: "SEARCH", Value: &val, Properties: "route=JFK-LAX"}))
	if row, err := tb.Find("X1"); err != nil || row != 0 {
		t.Fatalf("AUTO customer: %d %v", row, err)
	}
	b, err := tb.Booking(0)
	must(t, err)
	if b.BookingID != "B1" || b.CustomerRow != 0 || b.BookingTime.Unix() != 1717234200 ||
		b.DepartureDate == nil || *b.DepartureDate != dep || b.Route != "JFK-LAX" ||
		b.Passengers != 2 || b.TotalAmount != 12345 || b.AncillaryAmount == nil ||
		*b.AncillaryAmount != 500 || b.Currency != "EUR" || b.Status != BookingConfirmed || b.Origin != "" {
		t.Fatalf("booking %+v", b)
	}
	b2, err := tb.Booking(1)
	must(t, err)
	if b2.Status != BookingCancelled || b2.Currency != "USD" || b2.DepartureDate != nil || b2.AncillaryAmount != nil {
		t.Fatalf("booking 2 %+v", b2)
	}
	var ids []string
	must(t, tb.EachBooking(func(i uint64, b *Booking) bool { ids = append(ids, b.BookingID); return true }))
	if fmt.Sprint(ids) != "[B1 B2]" {
		t.Fatalf("EachBooking %v", ids)
	}
	e, err := tb.Event(0)
	must(t, err)
	if e.EventID != "E1" || e.Type != "SEARCH" || e.Value == nil || *e.Value != 250 ||
		e.Properties != "route=JFK-LAX" || e.Campaign != "" || e.Time.Unix() != 1717234300 {
		t.Fatalf("event %+v", e)
	}
	n := 0
	must(t, tb.EachEvent(func(uint64, *Event) bool { n++; return true }))
	if n != 1 {
		t.Fatal("EachEvent")
	}
	wantCode(t, tb.AddBooking(&Booking{BookingID: "B1", CustomerID: "X1", TotalAmount: 1}), ErrExist)
	wantCode(t, tb.AddBooking(&Booking{BookingID: "B9", CustomerID: "X1", TotalAmount: -1}), ErrRange)
	wantCode(t, tb.AddEvent(&Event{EventID: "E1", CustomerID: "X1", Type: "SEARCH"}), ErrExist)
	_, err = tb.Booking(2)
	wantCode(t, err, ErrNotFound)
	_, err = tb.Event(1)
	wantCode(t, err, ErrNotFound)
}

func TestTableStatsCurrencies(t *testing.T) {
	c, tb := loadedTable(t, false)
	s, err := tb.Stats()
	must(t, err)
	if s.Customers != 3 || s.CustomersWithBookings != 1 || s.Bookings != 3 ||
		s.BookingsCancelled != 1 || s.Events != 2 || s.Currencies != 2 {
		t.Fatalf("stats %+v", s)
	}
	if s.FirstBookingDate == nil || s.FirstBookingDate.String() != "2024-02-10" ||
		s.LastBookingDate.String() != "2024-05-01" || s.FirstEventTime.Unix() != 1709370000 {
		t.Fatalf("stats dates %+v", s)
	}
	cur, err := tb.Currencies()
	must(t, err)
	if fmt.Sprint(cur) != "[{USD 2 155050} {EUR 1 0}]" {
		t.Fatalf("currencies %v", cur)
	}
	_, err = tb.Currency(2)
	wantCode(t, err, ErrNotFound)
	empty, err := c.NewTable()
	must(t, err)
	if es, _ := empty.Stats(); es.FirstBookingDate != nil || es.LastEventTime != nil {
		t.Fatalf("empty stats %+v", es)
	}
}

func TestTableLoadErrors(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	bad := writeFile(t, "customers.csv", strings.Replace(customersCSV, "2023-02-01", "2023-02-31", 1), false)
	e := wantCode(t, tb.LoadCustomers(bad, nil), ErrParse)
	if !strings.HasSuffix(e.Source, "customers.csv") || e.Line != 3 || e.Column != 4 || e.Field != "signup_date" {
		t.Fatalf("location %+v", e)
	}
	if !strings.Contains(e.Message, "customers.csv:3:4") {
		t.Fatalf("message %q", e.Message)
	}
	if tb.Len() != 0 {
		t.Fatal("half-loaded")
	}
	if le := c.LastError(); le.Line != 3 || le.Column != 4 || le.Field != "signup_date" {
		t.Fatalf("LastError %+v", le)
	}
	wantCode(t, tb.LoadCustomers(filepath.Join(t.TempDir(), "missing.csv"), nil), ErrIO)
	wantCode(t, tb.LoadCustomers(writeFile(t, "c.csv", "email\nx@y.z\n", false), nil), ErrParse)
	e = wantCode(t, tb.LoadCustomers(writeFile(t, "d.csv", "customer_id\nA\nA\n", false), nil), ErrExist)
	if e.Line != 3 {
		t.Fatalf("duplicate line %d", e.Line)
	}
	// Unknown customers.
	must(t, tb.LoadCustomers(writeFile(t, "e.csv", "customer_id\nC1\n", false), nil))
	bk := writeFile(t, "b.csv", bookingsCSV, false)
	e = wantCode(t, tb.LoadBookings(bk, nil), ErrNotFound)
	if e.Line != 4 || tb.BookingCount() != 0 {
		t.Fatalf("unknown customer line %d, %d bookings", e.Line, tb.BookingCount())
	}
	wantCode(t, tb.LoadBookings(bk, &LoadOptions{UnknownCustomer: UnknownCustomerError}), ErrNotFound)
	must(t, tb.LoadBookings(bk, &LoadOptions{UnknownCustomer: UnknownCustomerCreate}))
	if tb.BookingCount() != 3 {
		t.Fatal("CREATE policy")
	}
}

func TestTableSeparatorAndProgress(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "c.csv", "customer_id;tier\nS1;GOLD\n", false), &LoadOptions{Separator: ';'}))
	row, _ := tb.Find("S1")
	if get(t, tb, row, "tier") != "GOLD" {
		t.Fatal("separator")
	}
	var sb strings.Builder
	sb.WriteString("customer_id,email\n")
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&sb, "P%d,x%d@example.com\n", i, i)
	}
	big := writeFile(t, "big.csv", sb.String(), false)
	t2, err := c.NewTable()
	must(t, err)
	wantCode(t, t2.LoadCustomers(big, &LoadOptions{Progress: func(d, tot, r uint64) bool { return false }}), ErrUser)
	wantCode(t, t2.LoadCustomers(big, &LoadOptions{Progress: func(d, tot, r uint64) bool { panic("stop") }}), ErrUser)
	if t2.Len() != 0 {
		t.Fatal("aborted load left rows")
	}
	calls := 0
	var last [3]uint64
	must(t, t2.LoadCustomers(big, &LoadOptions{Progress: func(d, tot, r uint64) bool {
		calls++
		last = [3]uint64{d, tot, r}
		return true
	}}))
	if calls == 0 || last[0] > last[1] || t2.Len() != 60000 {
		t.Fatalf("progress calls %d last %v len %d", calls, last, t2.Len())
	}
}

func TestTableClose(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.Close())
	must(t, tb.Close())
	_, err = tb.Find("x")
	wantCode(t, err, ErrState)
	if tb.Len() != 0 || tb.ColumnCount() != 0 {
		t.Fatal("closed table reports data")
	}
	t2, err := c.NewTable()
	must(t, err)
	must(t, c.Close()) // frees t2 as well
	_, err = t2.AddCustomer("x")
	wantCode(t, err, ErrState)
}
