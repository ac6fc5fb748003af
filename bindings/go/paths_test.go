// SPDX-License-Identifier: MIT

package marketing

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func newPaths(t *testing.T) (*Context, *Paths) {
	c := newContext(t)
	ps, err := c.NewPaths()
	must(t, err)
	return c, ps
}

func TestPathsLoad(t *testing.T) {
	_, ps := newPaths(t)
	must(t, ps.LoadPaths(writeFile(t, "paths.csv", pathsCSV, false), nil))
	if ps.Len() != 2 {
		t.Fatalf("Len %d", ps.Len())
	}
	var found *Path
	for i := uint64(0); i < ps.Len(); i++ {
		p, err := ps.Get(i)
		must(t, err)
		if strings.Join(p.Channels, ">") == "EMAIL>SOCIAL>SMS" {
			found = p
		}
	}
	if found == nil || found.Conversions != 4 || found.Value != 20000 || found.Nulls != 10 ||
		found.Times != nil || found.JourneyID != "" {
		t.Fatalf("summed path %+v", found)
	}
	ch := ps.Channels()
	sort.Strings(ch)
	if fmt.Sprint(ch) != "[EMAIL SMS SOCIAL]" || ps.ChannelCount() != 3 {
		t.Fatalf("channels %v", ch)
	}
}

func TestPathsOptions(t *testing.T) {
	c, ps := newPaths(t)
	f := writeFile(t, "export.csv", "journey;total_conversions;revenue\nA > B;2;1.005\n", false)
	o := &PathsOptions{Separator: ';', PathColumn: "journey", ConversionsColumn: "total_conversions", ValueColumn: "revenue"}
	wantCode(t, ps.LoadPaths(f, o), ErrParse)
	o.RoundValues = true
	must(t, ps.LoadPaths(f, o))
	if p, _ := ps.Get(0); p.Value != 100 {
		t.Fatalf("rounded value %d", p.Value)
	}
	three := 3
	ps2, err := c.NewPaths()
	must(t, err)
	o.RoundValues, o.ValueDecimals = false, &three
	must(t, ps2.LoadPaths(f, o))
	if p, _ := ps2.Get(0); p.Value != 1005 {
		t.Fatalf("3-decimal value %d", p.Value)
	}
}

func TestPathsTouchpoints(t *testing.T) {
	_, ps := newPaths(t)
	must(t, ps.LoadTouchpoints(writeFile(t, "tp.csv", touchpointsCSV, false), nil))
	byJourney := map[string]*Path{}
	for i := uint64(0); i < ps.Len(); i++ {
		p, err := ps.Get(i)
		must(t, err)
		byJourney[p.JourneyID] = p
	}
	j1, j2 := byJourney["J1"], byJourney["J2"]
	if j1 == nil || j2 == nil {
		t.Fatalf("journeys %v", byJourney)
	}
	if fmt.Sprint(j1.Channels) != "[EMAIL SMS]" || fmt.Sprint(j1.Campaigns) != "[SPRING SALE]" ||
		j1.Times[0].Unix() != 1704103200 || j1.Times[1].Unix() != 1704189600 ||
		j1.Conversions != 1 || j1.Nulls != 0 || j1.Value != 2500 {
		t.Fatalf("J1 %+v", j1)
	}
	if len(j2.Campaigns) != 1 || j2.Campaigns[0] != "" || j2.Conversions != 0 || j2.Nulls != 1 {
		t.Fatalf("J2 %+v", j2)
	}
	camp := ps.Campaigns()
	sort.Strings(camp)
	if fmt.Sprint(camp) != "[SALE SPRING]" || ps.CampaignCount() != 2 {
		t.Fatalf("campaigns %v", camp)
	}
}

func TestPathsAddAndErrors(t *testing.T) {
	_, ps := newPaths(t)
	must(t, ps.Add([]string{"EMAIL", "SMS"}, 2, 300, 1))
	must(t, ps.Add([]string{"EMAIL", "SMS"}, 1, 0, 0))
	must(t, ps.Add([]string{"WEB"}, 0, 0, 4))
	if ps.Len() != 2 {
		t.Fatalf("Len %d", ps.Len())
	}
	p, err := ps.Get(0)
	must(t, err)
	if fmt.Sprint(p.Channels) != "[EMAIL SMS]" || p.Conversions != 3 || p.Value != 300 || p.Nulls != 1 {
		t.Fatalf("path %+v", p)
	}
	wantCode(t, ps.Add(nil, 1, 0, 0), ErrInvalid)
	wantCode(t, ps.Add([]string{"EMAIL", ""}, 1, 0, 0), ErrInvalid)
	wantCode(t, ps.Add([]string{"EMAIL"}, -1, 0, 0), ErrRange)
	_, err = ps.Get(5)
	wantCode(t, err, ErrNotFound)
	_, err = ps.ChannelName(99)
	wantCode(t, err, ErrNotFound)
	_, err = ps.CampaignName(0)
	wantCode(t, err, ErrNotFound)
	_, ps2 := newPaths(t)
	wantCode(t, ps2.LoadPaths(filepath.Join(t.TempDir(), "none.csv"), nil), ErrIO)
	e := wantCode(t, ps2.LoadPaths(writeFile(t, "bad.csv", "path,conversions\nEMAIL,1\nSMS,x\n", false), nil), ErrParse)
	if e.Line != 3 || e.Column != 2 || e.Field != "conversions" || ps2.Len() != 0 {
		t.Fatalf("error %+v, len %d", e, ps2.Len())
	}
	wantCode(t, ps2.LoadPaths(writeFile(t, "neg.csv", "path,conversions\nEMAIL,-1\n", false), nil), ErrRange)
	var sb strings.Builder
	sb.WriteString("journey_id,ts,channel,campaign,converted,value\n")
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&sb, "J%d,2024-01-01T00:00:00Z,EMAIL,C,1,1.00\n", i)
	}
	big := writeFile(t, "tp.csv", sb.String(), false)
	wantCode(t, ps2.LoadTouchpoints(big, &PathsOptions{Progress: func(d, tot, r uint64) bool { return false }}), ErrUser)
	if ps2.Len() != 0 {
		t.Fatal("aborted load left paths")
	}
	must(t, ps.Close())
	must(t, ps.Close())
	wantCode(t, ps.Add([]string{"X"}, 1, 0, 0), ErrState)
}
