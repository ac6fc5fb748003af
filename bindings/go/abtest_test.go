// SPDX-License-Identifier: MIT

package marketing

import (
	"fmt"
	"math"
	"testing"
)

// Buckets and variants of fixed ids, from an independent Python wyhash
// (tests/unit/abtest/make_expected.py): the same in C, Python and Go. v2 is the variant for
// weights 50/50 at coverage 0.3 (-1: not covered).
var abtestAssignCases = []struct {
	key, unit string
	bucket    float64
	v3, v2    int
}{
	{"spring-sale-subject", "C000001", 0.5165526588236989, 1, 1},
	{"spring-sale-subject", "C000002", 0.4960959448607991, 1, -1},
	{"spring-sale-subject", "alice@example.com", 0.031346985095605295, 0, 0},
	{"spring-sale-subject", "", 0.5167432070999173, 1, 1},
	{"checkout-button", "C000001", 0.6990779562268513, 2, -1},
	{"k", "C000002", 0.3860113225906716, 1, -1},
	{"k", "a-much-longer-customer-identifier-with-more-than-48-bytes-0123456789",
		0.2817693309654905, 0, -1},
	{"k", "C123456789012345", 0.606573546650423, 1, 1},
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsInf(want, 0) && got == want {
		return
	}
	if !(math.Abs(got-want) <= tol) {
		t.Fatalf("%s = %.17g, want %.17g (tolerance %g)", what, got, want, tol)
	}
}

func TestAbtestAssignKnown(t *testing.T) {
	c := newContext(t)
	for _, k := range abtestAssignCases {
		if b := AbtestBucket(k.key, k.unit); b != k.bucket {
			t.Fatalf("bucket(%q, %q) = %.17g, want %.17g", k.key, k.unit, b, k.bucket)
		}
		a, err := c.AbtestAssign(k.key, k.unit, []float64{34, 33, 33}, nil)
		if err != nil || a.Variant != k.v3 || a.Reason != AbtestAssigned || a.Bucket != k.bucket {
			t.Fatalf("assign(%q, %q) = %+v, %v; want variant %d", k.key, k.unit, a, err, k.v3)
		}
		a, err = c.AbtestAssign(k.key, k.unit, []float64{50, 50}, &AbtestAssignOptions{Coverage: 0.3})
		if err != nil || a.Variant != k.v2 {
			t.Fatalf("assign 30%% (%q, %q) = %+v, %v; want %d", k.key, k.unit, a, err, k.v2)
		}
		if (a.Variant < 0) != (a.Reason == AbtestNotCovered) {
			t.Fatalf("reason %d for variant %d", a.Reason, a.Variant)
		}
	}
}

func TestAbtestNamespacesAndHoldout(t *testing.T) {
	c := newContext(t)
	w := []float64{1, 1}
	for i := 0; i < 300; i++ {
		u := fmt.Sprintf("u%d", i)
		a, _ := c.AbtestAssign("a", u, w, &AbtestAssignOptions{Namespace: "ns", NamespaceEnd: 0.5})
		b, _ := c.AbtestAssign("b", u, w, &AbtestAssignOptions{Namespace: "ns", NamespaceStart: 0.5})
		if (a.Variant >= 0) == (b.Variant >= 0) {
			t.Fatalf("%s: in both or neither namespace half: %+v %+v", u, a, b)
		}
		h1, _ := c.AbtestAssign("e1", u, w, &AbtestAssignOptions{Holdout: 0.2, HoldoutKey: "H"})
		h2, _ := c.AbtestAssign("e2", u, w, &AbtestAssignOptions{Holdout: 0.2, HoldoutKey: "H"})
		if (h1.Reason == AbtestHoldout) != (h2.Reason == AbtestHoldout) {
			t.Fatalf("%s: a shared holdout must hold the same units", u)
		}
	}
	_, err := c.AbtestAssign("e", "u", []float64{1}, nil)
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAssign("e", "u", []float64{0, 0}, nil)
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAssign("", "u", w, nil)
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAssign("e", "u", w, &AbtestAssignOptions{Coverage: 2})
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAssign("e", "u", nil, nil)
	wantCode(t, err, ErrInvalid)
}

func TestAbtestAnalyze(t *testing.T) {
	c := newContext(t)
	// welch_cases[0] of tests/unit/abtest/expected.h (SciPy reference values).
	stats := []AbtestStats{{1000, 10112.029811405897, 111253.79925200932},
		{1100, 11347.390719582685, 130238.49272271592}}
	a, err := c.AbtestAnalyze(stats, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Rows[1]
	near(t, "effect", r.Effect, 0.020152228332972033, 1e-12)
	near(t, "se", r.SE, 0.014082919371903344, 1e-12)
	near(t, "df", r.DF, 2093.2801916862422, 1e-6)
	near(t, "p", r.PValue, 0.15258821638394704, 1e-9)
	near(t, "ci_low", r.CILow, -0.007465755390225464, 1e-9)
	near(t, "ci_high", r.CIHigh, 0.047770212056169534, 1e-9)
	if !math.IsNaN(r.ChanceToWin) || !math.IsNaN(a.Rows[0].Effect) {
		t.Fatal("columns Welch does not define must be NaN")
	}
	if a.Decision != AbtestNoWinnerYet || a.Winner != -1 {
		t.Fatalf("decision %d winner %d", a.Decision, a.Winner)
	}
	// statsmodels proportions_ztest (expected.h ztest_cases[0]).
	p := []AbtestStats{{N: 20000, Sum: 300}, {N: 20000, Sum: 345}}
	z, err := c.AbtestAnalyze(p, &AbtestOptions{Metric: AbtestProportion, Method: AbtestZTest,
		Effect: AbtestAbsolute})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "z", z.Rows[1].Statistic, 1.7863341207270755, 1e-12)
	near(t, "p", z.Rows[1].PValue, 0.0740451754199809, 1e-12)
	b, err := c.AbtestAnalyze(p, &AbtestOptions{Metric: AbtestProportion, Method: AbtestBayes})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "exact chance", b.Rows[1].ChanceToWinExact, 0.962906685773359, 1e-9)
	// SRM overrides; configured weights explain the split.
	arm := func(n uint64, m float64) AbtestStats {
		return AbtestStats{n, float64(n) * m, float64(n-1)*9 + float64(n)*m*m}
	}
	s := []AbtestStats{arm(5000, 10), arm(5400, 12)}
	if a, _ = c.AbtestAnalyze(s, nil); a.Decision != AbtestInvalidSRM || !a.SRM {
		t.Fatalf("want invalid SRM, got %+v", a)
	}
	if a, _ = c.AbtestAnalyze(s, &AbtestOptions{Weights: []float64{50, 54}}); a.Decision != AbtestWinner || a.Winner != 1 {
		t.Fatalf("want winner 1, got %+v", a)
	}
	_, err = c.AbtestAnalyze(stats[:1], nil)
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAnalyze(stats, &AbtestOptions{Method: AbtestZTest})
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAnalyze(stats, &AbtestOptions{Alpha: 2})
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestAnalyze(stats, &AbtestOptions{Weights: []float64{1}})
	wantCode(t, err, ErrInvalid)
}

func TestAbtestOtherStats(t *testing.T) {
	c := newContext(t)
	// chi2 = 2 * 100^2 / 1100 with 1 df: erfc(sqrt(chi2 / 2)).
	p, err := c.AbtestSRM([]uint64{1000, 1200}, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "srm", p, math.Erfc(math.Sqrt(20000.0/1100/2)), 1e-15)
	_, err = c.AbtestSRM([]uint64{1, 2}, []float64{0, 0})
	wantCode(t, err, ErrInvalid)
	// statsmodels multipletests holm (expected.h adjust_holm).
	adj, err := c.AbtestAdjust([]float64{0.01, 0.04, 0.03, 0.2, 0.005, 0.04, 0.9}, AbtestHolm)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.06, 0.16, 0.15, 0.4, 0.035, 0.16, 0.9} {
		near(t, "holm", adj[i], want, 1e-15)
	}
	_, err = c.AbtestAdjust([]float64{1.5}, AbtestBH)
	wantCode(t, err, ErrInvalid)
	// Beta(1, 2) vs Beta(2, 1): 5/6.
	ch, err := c.AbtestBetaChance(0, 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "beta chance", ch, 5.0/6, 1e-14)
	_, err = c.AbtestBetaChance(3, 2, 0, 1)
	wantCode(t, err, ErrInvalid)
	adjStats, theta, err := c.AbtestCUPED([]AbtestCupedStats{{4, 10, 30, 8, 16, 20}, {4, 12, 40, 8, 16, 24}})
	if err != nil || theta != 0 || adjStats[1] != (AbtestStats{4, 12, 40}) {
		t.Fatalf("cuped of a constant covariate: %v %v %v", adjStats, theta, err)
	}
	_, _, err = c.AbtestCUPED([]AbtestCupedStats{{4, 10, 30, 8, 16, 20}})
	wantCode(t, err, ErrInvalid)
	// Root of statsmodels' NormalIndPower power (expected.h power_cases[0]).
	n, err := c.AbtestSampleSize(AbtestPlan{Baseline: 0.015, MDE: 0.10})
	if err != nil || n != 108150 {
		t.Fatalf("sample size %d, %v", n, err)
	}
	pw, err := c.AbtestPower(AbtestPlan{Baseline: 0.015, MDE: 0.10}, 75705)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "power", pw, 0.6495241607589077, 1e-10)
	_, err = c.AbtestSampleSize(AbtestPlan{Baseline: 0.015})
	wantCode(t, err, ErrInvalid)
	_, err = c.AbtestPower(AbtestPlan{Baseline: 0.015, MDE: 0.1}, 0)
	wantCode(t, err, ErrInvalid)
}
