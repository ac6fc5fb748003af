// SPDX-License-Identifier: MIT

package marketing

import (
	"reflect"
	"testing"
	"time"
)

const asOfCustomersCSV = "customer_id,date_of_birth,tier\n" +
	"A1,2000-02-29,GOLD\n" +
	"A2,1990-07-01,SILVER\n" +
	"A3,,NONE\n"

// At D = 2024-06-15 (D12 = 2023-06-15): A1's K1 is exactly on D12 (total only), K2 and K3 are
// in the 12m window (K3 on D itself), K4 is cancelled and K5 after D (both count nowhere).
// A2 has two 12m bookings in two currencies and no route; A3 has none.
const asOfBookingsCSV = "booking_id,customer_id,booking_date,departure_date,route,trip_type," +
	"cabin_class,channel,passengers,total_amount,ancillary_amount,currency,status\n" +
	"K1,A1,2023-06-15,2023-07-01,BOS-JFK,DOMESTIC,ECONOMY,WEB,1,100.00,,USD,CONFIRMED\n" +
	"K2,A1,2024-01-10T10:00:00Z,2024-01-13,LAX-JFK,INTERNATIONAL,BUSINESS,MOBILE,2,200.00,0,USD,CONFIRMED\n" +
	"K3,A1,2024-06-15T23:00:00Z,2024-06-20,JFK-LAX,DOMESTIC,BUSINESS,WEB,1,50.00,5.00,USD,\n" +
	"K4,A1,2024-03-01,2024-03-02,CDG-JFK,DOMESTIC,FIRST,AGENT,1,999.00,,USD,CANCELLED\n" +
	"K5,A1,2024-06-16,2024-06-17,SFO-LAX,DOMESTIC,FIRST,AGENT,1,10.00,,USD,CONFIRMED\n" +
	"K6,A2,2024-02-01,,,,,,,10.00,,EUR,CONFIRMED\n" +
	"K7,A2,2024-02-02,,,,,,,20.00,,USD,CONFIRMED\n"

// The 7-day window at D is 2024-06-09 .. 2024-06-15: EV1 is in it, EV2 one second before it
// (30-day window only), EV3 is after D.
const asOfEventsCSV = "event_id,customer_id,ts,type\n" +
	"EV1,A1,2024-06-09T00:00:00Z,CART_ABANDONED\n" +
	"EV2,A1,2024-06-08T23:59:59Z,CART_ABANDONED\n" +
	"EV3,A1,2024-06-16T08:00:00Z,EMAIL_OPENED\n" +
	"EV4,A1,2024-01-01T12:00:00Z,UNSUBSCRIBED\n"

func asOfTable(t *testing.T) *Table {
	t.Helper()
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "customers.csv", asOfCustomersCSV, false), nil))
	must(t, tb.LoadBookings(writeFile(t, "bookings.csv", asOfBookingsCSV, false), nil))
	must(t, tb.LoadEvents(writeFile(t, "events.csv", asOfEventsCSV, false), nil))
	return tb
}

func ymd(t *testing.T, y, m, d int) Date {
	t.Helper()
	v, err := DateFromYMD(y, m, d)
	must(t, err)
	return v
}

// getOf reads (customer id, column) with Get.
func getOf(t *testing.T, tb *Table, id, col string) interface{} {
	t.Helper()
	row, err := tb.Find(id)
	must(t, err)
	return get(t, tb, row, col)
}

func TestAsOfNeverComputed(t *testing.T) {
	tb := asOfTable(t)
	d, ok, err := tb.AsOf()
	if err != nil || ok || d != NullDate {
		t.Fatalf("AsOf before SetAsOf = %v, %v, %v", d, ok, err)
	}
	_, err = tb.Column("booking.count_12m")
	wantCode(t, err, ErrNotFound)
}

func TestAsOfFields(t *testing.T) {
	tb := asOfTable(t)
	D := ymd(t, 2024, 6, 15)
	must(t, tb.SetAsOf(D))
	if d, ok, err := tb.AsOf(); err != nil || !ok || d != D {
		t.Fatalf("AsOf = %v, %v, %v", d, ok, err)
	}
	for _, c := range []struct {
		id, col string
		want    interface{}
	}{
		{"A1", "booking.count_12m", int64(2)},                        // K2, K3
		{"A1", "booking.spend_12m", int64(20000 + 5000)},             // K2 + K3
		{"A1", "booking.count_total", int64(3)},                      // K1, K2, K3
		{"A1", "booking.spend_total", int64(35000)},                  // K1 + K2 + K3
		{"A1", "booking.first_date", ymd(t, 2023, 6, 15)},            // K1
		{"A1", "booking.last_date", D},                               // K3 at 23:00 UTC on D
		{"A1", "booking.days_since_last", int64(0)},                  //
		{"A1", "booking.premium_share_12m", 1.0},                     // both BUSINESS
		{"A1", "booking.group_share_12m", 0.5},                       // K2 has 2 passengers
		{"A1", "booking.international_share_12m", 0.5},               // K2
		{"A1", "booking.ancillary_share_12m", 0.5},                   // K3 (K2's is 0)
		{"A1", "booking.weekend_share_12m", 0.5},                     // K2 departs Sat 2024-01-13
		{"A1", "booking.summer_share_12m", 0.5},                      // K3 departs in June
		{"A1", "booking.winter_share_12m", 0.5},                      // K2 departs in January
		{"A1", "booking.avg_advance_days_12m", 4.0},                  // (3 + 5) / 2
		{"A1", "booking.preferred_cabin", "BUSINESS"},                //
		{"A1", "booking.preferred_channel", "WEB"},                   // WEB/MOBILE tie goes to WEB
		{"A2", "booking.count_12m", int64(2)},                        //
		{"A2", "booking.spend_12m", nil},                             // EUR and USD do not sum
		{"A2", "booking.preferred_cabin", nil},                       // no cabin given
		{"A3", "booking.count_12m", int64(0)},                        //
		{"A3", "booking.spend_12m", int64(0)},                        // nothing summed
		{"A3", "booking.first_date", nil},                            //
		{"A3", "booking.premium_share_12m", nil},                     // count_12m = 0
		{"A1", "age", int64(24)},                                     // born 2000-02-29
		{"A2", "age", int64(33)},                                     // 34 only on 2024-07-01
		{"A3", "age", nil},                                           // no date of birth
		{"A1", "event.cart_abandoned_7d", int64(1)},                  // EV1
		{"A1", "event.cart_abandoned_30d", int64(2)},                 // EV1, EV2
		{"A1", "event.email_opens_90d", int64(0)},                    // EV3 is after D
		{"A1", "event.unsubscribed", true},                           // EV4
		{"A2", "event.unsubscribed", false},                          //
		{"A1", "event.last_date", ymd(t, 2024, 6, 9)},                // EV1 (EV3 is after D)
		{"A1", "booking.routes_12m", []string{"JFK-LAX", "LAX-JFK"}}, // K2, K3, byte order
		{"A2", "booking.routes_12m", []string{}},                     // no routes: empty, not null
	} {
		if got := getOf(t, tb, c.id, c.col); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %s = %#v, want %#v", c.id, c.col, got, c.want)
		}
	}
	// A day earlier: the 12m window (2023-06-14, 2024-06-14] gains K1 and loses K3.
	must(t, tb.SetAsOf(D-1))
	if got := getOf(t, tb, "A1", "booking.routes_12m"); !reflect.DeepEqual(got, []string{"BOS-JFK", "LAX-JFK"}) {
		t.Errorf("routes at D-1 = %#v", got)
	}
	// Last counted booking K2 on 2024-01-10: 21 + 29 + 31 + 30 + 31 + 14 days.
	if got := getOf(t, tb, "A1", "booking.days_since_last"); got != int64(156) {
		t.Errorf("days_since_last at D-1 = %#v", got)
	}
}

func TestAsOfListColumn(t *testing.T) {
	tb := asOfTable(t)
	must(t, tb.SetAsOf(ymd(t, 2024, 6, 15)))
	col, err := tb.Column("booking.routes_12m")
	must(t, err)
	ci, err := tb.ColumnInfo(col)
	must(t, err)
	if ci.Type != TypeList || !ci.Derived {
		t.Fatalf("ColumnInfo = %+v", ci)
	}
	row, _ := tb.Find("A3")
	v, ok, err := tb.GetList(row, col)
	if err != nil || !ok || v == nil || len(v) != 0 {
		t.Fatalf("GetList(A3) = %#v, %v, %v", v, ok, err)
	}
	_, _, err = tb.GetList(row, 0) // customer_id is a string column
	wantCode(t, err, ErrType)
	_, _, err = tb.GetInt(row, col)
	wantCode(t, err, ErrType)
	_, _, err = tb.GetString(row, col)
	wantCode(t, err, ErrType)
	_, _, err = tb.GetList(99, col)
	wantCode(t, err, ErrNotFound)
	_, _, err = tb.GetList(row, 1<<20)
	wantCode(t, err, ErrNotFound)
	_, err = tb.AddColumn("tags", TypeList) // only the library makes list columns
	wantCode(t, err, ErrInvalid)
	wantCode(t, tb.Set(row, "booking.count_12m", 5), ErrInvalid) // read-only
}

func TestAsOfStale(t *testing.T) {
	tb := asOfTable(t)
	D := ymd(t, 2024, 6, 15)
	must(t, tb.SetAsOf(D))
	must(t, tb.AddBooking(&Booking{BookingID: "K8", CustomerID: "A3",
		BookingTime: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), TotalAmount: 700,
		Route: "ORD-JFK"}))
	a3, _ := tb.Find("A3")
	_, err := tb.Get(a3, "booking.count_12m")
	if e := wantCode(t, err, ErrState); e.Message == "" {
		t.Fatal("stale error without a message")
	}
	_, err = tb.Get(a3, "booking.routes_12m")
	wantCode(t, err, ErrState)
	d, ok, err := tb.AsOf()
	wantCode(t, err, ErrState)
	if !ok || d != D {
		t.Fatalf("stale AsOf = %v, %v", d, ok)
	}
	if v := get(t, tb, a3, "booking.count"); v != int64(1) { // load-time aggregates stay fresh
		t.Fatalf("booking.count = %#v", v)
	}
	must(t, tb.SetAsOf(D))
	if v := get(t, tb, a3, "booking.routes_12m"); !reflect.DeepEqual(v, []string{"ORD-JFK"}) {
		t.Fatalf("routes after refresh = %#v", v)
	}
	// Another attribute keeps the fields fresh; date_of_birth does not.
	must(t, tb.Set(a3, "tier", "GOLD"))
	if _, _, err := tb.AsOf(); err != nil {
		t.Fatalf("AsOf after a tier change: %v", err)
	}
	must(t, tb.Set(a3, "date_of_birth", ymd(t, 2000, 1, 1)))
	_, err = tb.Get(a3, "age")
	wantCode(t, err, ErrState)
}

func TestAsOfErrors(t *testing.T) {
	tb := asOfTable(t)
	D := ymd(t, 2024, 6, 15)
	must(t, tb.SetAsOf(D))
	wantCode(t, tb.SetAsOf(ymd(t, 1, 3, 1)), ErrRange)      // D - 12 months before year 1
	wantCode(t, tb.SetAsOf(ymd(t, 9999, 12, 31)), ErrRange) // D + 1 day after 9999
	if d, _, err := tb.AsOf(); err != nil || d != D {
		t.Fatalf("a failed SetAsOf changed the state: %v, %v", d, err)
	}
	must(t, tb.Close())
	wantCode(t, tb.SetAsOf(D), ErrState)
	_, _, err := tb.AsOf()
	wantCode(t, err, ErrState)
	_, _, err = tb.GetList(0, 0)
	wantCode(t, err, ErrState)
}

// foldTable loads the customers and events, then folds the bookings at D.
func foldTable(t *testing.T, fields []string, opts *LoadOptions) (*Table, error) {
	t.Helper()
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "customers.csv", asOfCustomersCSV, false), nil))
	must(t, tb.LoadEvents(writeFile(t, "events.csv", asOfEventsCSV, false), nil))
	return tb, tb.FoldBookings(writeFile(t, "bookings.csv", asOfBookingsCSV, false),
		ymd(t, 2024, 6, 15), fields, opts)
}

func TestFoldBookingsSameAsLoad(t *testing.T) {
	d := ymd(t, 2024, 6, 15)
	loaded := asOfTable(t)
	must(t, loaded.SetAsOf(d))
	folded, err := foldTable(t, nil, &LoadOptions{Threads: 1})
	must(t, err)
	if folded.BookingCount() != 0 {
		t.Fatal("folded bookings are not kept")
	}
	for _, col := range []string{"booking.count_12m", "booking.spend_12m", "booking.preferred_cabin",
		"booking.preferred_channel", "booking.avg_advance_days_12m", "age", "event.cart_abandoned_30d"} {
		for _, id := range []string{"A1", "A2", "A3"} {
			if a, b := getOf(t, folded, id, col), getOf(t, loaded, id, col); !reflect.DeepEqual(a, b) {
				t.Errorf("%s of %s: folded %v, loaded %v", col, id, a, b)
			}
		}
	}
}

func TestFoldBookingsFieldsAndState(t *testing.T) {
	tb, err := foldTable(t, []string{"booking.count_12m", "customer.age"}, nil)
	must(t, err)
	if v := getOf(t, tb, "A1", "booking.count_12m"); v != int64(2) {
		t.Fatalf("count_12m %v", v)
	}
	_, err = tb.Column("booking.spend_12m")
	wantCode(t, err, ErrNotFound)
	wantCode(t, tb.SetAsOf(ymd(t, 2024, 6, 16)), ErrState)
	wantCode(t, tb.LoadBookings(writeFile(t, "b2.csv", asOfBookingsCSV, false), nil), ErrState)
	_, err = foldTable(t, []string{"booking.routes_12m"}, nil)
	wantCode(t, err, ErrInvalid)
	_, err = foldTable(t, nil, &LoadOptions{UnknownCustomer: UnknownCustomerCreate})
	wantCode(t, err, ErrInvalid)
}

func TestLoadCustomerColumns(t *testing.T) {
	c := newContext(t)
	tb, err := c.NewTable()
	must(t, err)
	must(t, tb.LoadCustomers(writeFile(t, "customers.csv", asOfCustomersCSV, false),
		&LoadOptions{Columns: []string{"tier"}}))
	if v := getOf(t, tb, "A1", "tier"); v != "GOLD" {
		t.Fatalf("tier %v", v)
	}
	if v := getOf(t, tb, "A1", "date_of_birth"); v != nil {
		t.Fatalf("date_of_birth was left out, got %v", v)
	}
}

func TestRuleFields(t *testing.T) {
	c := newContext(t)
	r, err := c.ParseRule("customer.totalSpend >= 5 and customer.tier = 'A' and in segment 'X'", nil)
	must(t, err)
	got, err := r.Fields(nil)
	must(t, err)
	if !reflect.DeepEqual(got, []string{"booking.spend_total", "customer.tier"}) {
		t.Fatalf("fields %v", got)
	}
	x, err := c.ParseRule("event.searches_30d > 1", nil)
	must(t, err)
	got, err = r.Fields(&SegmentOptions{Resolver: func(name string) (*Rule, error) { return x, nil }})
	must(t, err)
	if !reflect.DeepEqual(got, []string{"booking.spend_total", "customer.tier", "event.searches_30d"}) {
		t.Fatalf("fields %v", got)
	}
	_, err = r.Fields(&SegmentOptions{Resolver: func(string) (*Rule, error) { return nil, nil }})
	wantCode(t, err, ErrNotFound)
	cat, err := c.BuiltinCatalog()
	must(t, err)
	hv, err := c.ParseRule("in segment 'High-Value Customers'", nil)
	must(t, err)
	got, err = hv.Fields(&SegmentOptions{Catalog: cat})
	must(t, err)
	if !reflect.DeepEqual(got, []string{"booking.spend_12m"}) {
		t.Fatalf("fields %v", got)
	}
}
