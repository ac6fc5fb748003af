// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"math"
	"testing"
	"time"
)

// The published three-path example: C1 > C2 > C3 converts (10.00), C1 and C2 > C3 do not.
func examplePaths(t *testing.T) (*Context, *Paths) {
	c, ps := newPaths(t)
	must(t, ps.Add([]string{"C1", "C2", "C3"}, 1, 1000, 0))
	must(t, ps.Add([]string{"C1"}, 0, 0, 1))
	must(t, ps.Add([]string{"C2", "C3"}, 0, 0, 1))
	return c, ps
}

func TestAttributionMarkov(t *testing.T) {
	_, ps := examplePaths(t)
	// P(conv) = 1/3; removal effects 1/2, 1, 1 -> shares 0.2, 0.4, 0.4.
	r, err := ps.Attribute(AttrMarkov, &AttrOptions{PerTouch: true})
	must(t, err)
	defer r.Close()
	if math.Abs(r.ConversionProbability()-1.0/3) > 1e-15 || r.Model() != AttrMarkov {
		t.Fatalf("P %v model %v", r.ConversionProbability(), r.Model())
	}
	by, err := r.ByChannel()
	must(t, err)
	if by["C1"].ConversionsMicro != 200000 || by["C2"].Value != 400 ||
		math.Abs(by["C1"].RemovalEffect-0.5) > 1e-15 {
		t.Fatalf("credits %+v", by)
	}
	if r.StateCount() != 6 || r.TransitionCount() != 7 {
		t.Fatalf("%d states, %d transitions", r.StateCount(), r.TransitionCount())
	}
	name, err := r.StateName(3)
	must(t, err)
	tr, err := r.Transition(0)
	must(t, err)
	if name != "C1" || tr.FromName != "(start)" || tr.ToName != "C1" || tr.Count != 2 {
		t.Fatalf("state %q transition %+v", name, tr)
	}
	if _, err := r.StateName(6); !errors.Is(err, ErrNotFound) {
		t.Fatalf("state 6: %v", err)
	}
	if _, err := r.Transition(7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("transition 7: %v", err)
	}
	m, v, err := r.Touch(0, 0)
	must(t, err)
	if m != 200000 || v != 200 {
		t.Fatalf("touch %d %d", m, v)
	}
	conv, value, err := r.Totals()
	must(t, err)
	if conv != 1 || value != 1000 || r.CampaignCount() != 1 {
		t.Fatalf("totals %d %d campaigns %d", conv, value, r.CampaignCount())
	}
	camp, err := r.Campaign(0)
	must(t, err)
	if camp.Name != "" || camp.Value != 1000 {
		t.Fatalf("campaign %+v", camp)
	}
}

func TestAttributionRulesAndMany(t *testing.T) {
	_, ps := examplePaths(t)
	// Linear: 1/3 each, the remainder unit to the lowest channel id (C1).
	r, err := ps.Attribute(AttrLinear, nil)
	must(t, err)
	by, err := r.ByChannel()
	must(t, err)
	if by["C1"].Value != 334 || by["C2"].Value != 333 || by["C3"].ConversionsMicro != 333333 ||
		!math.IsNaN(by["C1"].RemovalEffect) {
		t.Fatalf("linear %+v", by)
	}
	r.Close()
	r.Close()
	if _, err := r.Channels(); !errors.Is(err, ErrState) {
		t.Fatalf("closed: %v", err)
	}
	// Custom weights 1,0,1: the middle touch gets nothing.
	r, err = ps.Attribute(AttrCustom, &AttrOptions{Weights: []float64{1, 0, 1}})
	must(t, err)
	by, _ = r.ByChannel()
	if by["C1"].Value != 500 || by["C2"].Value != 0 {
		t.Fatalf("custom %+v", by)
	}
	models := []AttrModel{AttrFirst, AttrLast, AttrLastNonDirect, AttrPosition, AttrWShaped,
		AttrMarkov, AttrShapley}
	zero := int32(0)
	rs, err := ps.AttributeMany(models, &AttrOptions{Order: 2, ShapleyMaxExact: &zero,
		DirectChannel: "c3", HalfLifeDays: 3, CollapseRepeats: true})
	must(t, err)
	for i, r := range rs {
		list, err := r.Channels()
		must(t, err)
		var micro, value int64
		for _, c := range list {
			micro += c.ConversionsMicro
			value += c.Value
		}
		if r.Model() != models[i] || micro != AttrMicro || value != 1000 {
			t.Fatalf("model %v: %d micro, %d", r.Model(), micro, value)
		}
	}
	if _, err := ps.AttributeMany(nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no models: %v", err)
	}
}

func TestAttributionJourneysAndErrors(t *testing.T) {
	_, ps := newPaths(t)
	day := 24 * time.Hour
	t0 := time.Unix(1700000000, 0)
	// Ages 14, 7, 0 days, half-life 7: weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7 of 7.00.
	must(t, ps.AddJourney("j1", []string{"A", "B", "C"},
		[]time.Time{t0, t0.Add(7 * day), t0.Add(14 * day)}, []string{"spring", "", "spring"},
		true, 700))
	r, err := ps.Attribute(AttrTimeDecay, nil)
	must(t, err)
	by, _ := r.ByChannel()
	if by["A"].Value != 100 || by["B"].Value != 200 || by["C"].Value != 400 {
		t.Fatalf("time decay %+v", by)
	}
	c, err := r.Campaign(0)
	must(t, err)
	if c.Name != "spring" || c.Value != 500 {
		t.Fatalf("campaign %+v", c)
	}
	if _, _, err := r.Touch(0, 0); !errors.Is(err, ErrState) {
		t.Fatalf("touch without PerTouch: %v", err)
	}
	if err := ps.AddJourney("j1", []string{"A"}, []time.Time{t0}, nil, false, 0); !errors.Is(err, ErrExist) {
		t.Fatalf("duplicate journey: %v", err)
	}
	if err := ps.AddJourney("j2", []string{"A"}, nil, nil, false, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("length mismatch: %v", err)
	}
	if _, err := ps.Attribute(AttrMarkov, &AttrOptions{Order: 9}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("order 9: %v", err)
	}
	m, err := ParseAttrModel("u_shaped")
	must(t, err)
	if m != AttrPosition || AttrWShaped.String() != "w_shaped" || AttrModel(0).String() != "AttrModel(0)" {
		t.Fatalf("names %v", m)
	}
	if _, err := ParseAttrModel("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("parse: %v", err)
	}
}
