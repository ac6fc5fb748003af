// SPDX-License-Identifier: MIT

package marketing

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const customersCSV = "customer_id,email,tier,signup_date,loyalty_member,email_open_rate,nps_score,favourite\n" +
	"C1,a@example.com,GOLD,2023-01-15,1,0.25,9,tea\n" +
	"C2,b@example.com,SILVER,2023-02-01,0,0.5,,coffee\n" +
	"C3,,NONE,,1,,3,\n"

const bookingsCSV = "booking_id,customer_id,booking_date,departure_date,origin,destination,route,trip_type," +
	"cabin_class,fare_class,channel,passengers,total_amount,ancillary_amount,currency,status\n" +
	"B1,C1,2024-03-01T10:00:00Z,2024-04-01,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,WEB,1,350.50,20.00,USD,CONFIRMED\n" +
	"B2,C1,2024-05-01,2024-06-01,LAX,JFK,LAX-JFK,DOMESTIC,BUSINESS,J,MOBILE,2,1200.00,,USD,\n" +
	"B3,C2,2024-02-10T08:30:00Z,,CDG,JFK,CDG-JFK,INTERNATIONAL,ECONOMY,M,AGENT,1,400.00,0,EUR,CANCELLED\n"

const eventsCSV = "event_id,customer_id,ts,type,campaign,channel,value,properties\n" +
	"E1,C1,2024-03-02T09:00:00Z,EMAIL_OPENED,SPRING,EMAIL,,\n" +
	"E2,C2,2024-03-03T09:00:00Z,CONVERTED,SPRING,EMAIL,99.99,route=JFK-LAX\n"

const pathsCSV = "path,conversions,value,nulls\n" +
	"EMAIL > SOCIAL > SMS,3,150.00,10\n" +
	"EMAIL,1,20.00,5\n" +
	"EMAIL > SOCIAL > SMS,1,50.00,0\n"

const touchpointsCSV = "journey_id,ts,channel,campaign,converted,value\n" +
	"J1,2024-01-01T10:00:00Z,EMAIL,SPRING,,\n" +
	"J2,2024-01-01T11:00:00Z,SOCIAL,,0,\n" +
	"J1,2024-01-02T10:00:00Z,SMS,SALE,1,25.00\n"

// writeFile writes text (gzip-compressed when gz) to a file in a test's temp dir.
func writeFile(t *testing.T, name, text string, gz bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	data := []byte(text)
	if gz {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data = buf.Bytes()
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func newContext(t *testing.T, opts ...Option) *Context {
	t.Helper()
	c, err := NewContext(opts...)
	if err != nil {
		t.Fatalf("NewContext: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wantCode fails unless err is an *Error with the code, and returns it.
func wantCode(t *testing.T, err error, code Code) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want %v (%d), got nil", code, code)
	}
	if !errors.Is(err, code) {
		t.Fatalf("want %v (%d), got %v", code, code, err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %T", err)
	}
	if e.Code != code {
		t.Fatalf("want code %d, got %d", code, e.Code)
	}
	return e
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
