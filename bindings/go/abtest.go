// SPDX-License-Identifier: MIT

package marketing

// A/B testing (abtest.h): deterministic assignment of units to variants, and the statistics
// of an experiment from per-variant sufficient statistics (frequentist, Bayesian, sequential),
// sample ratio mismatch, Holm / Benjamini-Hochberg, CUPED, power and sample size, and the
// decision. Variant 0 is the control. Result columns a method does not define are NaN.

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// AbtestMaxVariants is the most variants an experiment may have (control included).
const AbtestMaxVariants = 26

// AbtestMetric is the kind of metric; the zero value means AbtestMean.
type AbtestMetric int32

// Metrics.
const (
	AbtestMean       AbtestMetric = 1 // variance (sum_squares - sum^2/n) / (n - 1)
	AbtestProportion AbtestMetric = 2 // sum/n in [0, 1], variance p(1 - p)
)

// AbtestMethod is the statistical method; the zero value means AbtestWelch.
type AbtestMethod int32

// Methods.
const (
	AbtestWelch      AbtestMethod = 1
	AbtestZTest      AbtestMethod = 2 // pooled two-proportion z-test (proportions only)
	AbtestBayes      AbtestMethod = 3
	AbtestSequential AbtestMethod = 4
)

// AbtestEffect is the effect scale; the zero value means AbtestRelative.
type AbtestEffect int32

// Effect scales.
const (
	AbtestRelative AbtestEffect = 1
	AbtestAbsolute AbtestEffect = 2
)

// AbtestSided is the alternative hypothesis; the zero value means AbtestTwoSided.
type AbtestSided int32

// Alternatives.
const (
	AbtestTwoSided AbtestSided = 1
	AbtestGreater  AbtestSided = 2
	AbtestLess     AbtestSided = 3
)

// AbtestCorrection is the multiple-comparison correction; the zero value is none.
type AbtestCorrection int32

// Corrections.
const (
	AbtestNoCorrection AbtestCorrection = 0
	AbtestHolm         AbtestCorrection = 1
	AbtestBH           AbtestCorrection = 2
)

// AbtestReason says why a unit got, or did not get, a variant.
type AbtestReason int32

// Reasons.
const (
	AbtestAssigned       AbtestReason = 0
	AbtestNotCovered     AbtestReason = 1
	AbtestHoldout        AbtestReason = 2
	AbtestOutOfNamespace AbtestReason = 3
)

// AbtestDecision is the outcome of an experiment.
type AbtestDecision int32

// Decisions.
const (
	AbtestWinner       AbtestDecision = 1
	AbtestNoWinnerYet  AbtestDecision = 2
	AbtestNoDifference AbtestDecision = 3
	AbtestInvalidSRM   AbtestDecision = 4
)

// AbtestWarning bits of a result.
type AbtestWarning int32

// Warnings.
const (
	AbtestWarnNoUnits      AbtestWarning = 1
	AbtestWarnFewUnits     AbtestWarning = 2
	AbtestWarnZeroVariance AbtestWarning = 4
	AbtestWarnZeroControl  AbtestWarning = 8
	AbtestWarnSRM          AbtestWarning = 16
)

// AbtestBucket is the unit's bucket in [0, 1) for key: the library's fixed wyhash, the same
// in C, Python and Go.
func AbtestBucket(key, unit string) float64 {
	k, u := []byte(key), []byte(unit)
	return float64(C.mkt_abtest_bucket(bytesPtr(k), C.size_t(len(k)), bytesPtr(u),
		C.size_t(len(u))))
}

// bytesPtr is the address of b's first byte (Go memory without pointers, which cgo may
// pass), or nil when b is empty.
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// AbtestAssignOptions are the allocation options; zero values mean the defaults (coverage
// 1, no holdout, no namespace; NamespaceEnd 0 means 1).
type AbtestAssignOptions struct {
	Coverage       float64
	Holdout        float64
	HoldoutKey     string // "" : the experiment key
	Namespace      string // "" : none
	NamespaceStart float64
	NamespaceEnd   float64
}

// AbtestAssignment is the outcome of one assignment; Variant is -1 unless Reason is
// AbtestAssigned.
type AbtestAssignment struct {
	Variant int
	Reason  AbtestReason
	Bucket  float64
}

// cAssignOptions fills the C options; the returned func frees the C strings.
func cAssignOptions(o *AbtestAssignOptions) (C.mkt_abtest_assign_options, func()) {
	var co C.mkt_abtest_assign_options
	C.mkt_abtest_assign_options_init(&co)
	var frees []unsafe.Pointer
	if o != nil {
		if o.Coverage != 0 {
			co.coverage = C.double(o.Coverage)
		}
		co.holdout = C.double(o.Holdout)
		if o.HoldoutKey != "" {
			co.holdout_key = C.CString(o.HoldoutKey)
			frees = append(frees, unsafe.Pointer(co.holdout_key))
		}
		if o.Namespace != "" {
			co.namespace_key = C.CString(o.Namespace)
			frees = append(frees, unsafe.Pointer(co.namespace_key))
			co.namespace_start = C.double(o.NamespaceStart)
			if o.NamespaceEnd != 0 {
				co.namespace_end = C.double(o.NamespaceEnd)
			}
		}
	}
	return co, func() {
		for _, p := range frees {
			C.free(p)
		}
	}
}

func invalid(format string, args ...interface{}) error {
	return &Error{Code: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// AbtestAssign assigns unit to a variant of experiment for traffic weights (2..26 numbers
// >= 0, any scale); opts may be nil.
func (c *Context) AbtestAssign(experiment, unit string, weights []float64,
	opts *AbtestAssignOptions) (AbtestAssignment, error) {
	if len(weights) == 0 || len(weights) > AbtestMaxVariants {
		return AbtestAssignment{Variant: -1}, invalid("%d weights (need 2 to %d)", len(weights),
			AbtestMaxVariants)
	}
	co, free := cAssignOptions(opts)
	defer free()
	key := C.CString(experiment)
	defer C.free(unsafe.Pointer(key))
	u := []byte(unit)
	w := make([]C.double, len(weights))
	for i, x := range weights {
		w[i] = C.double(x)
	}
	var out C.mkt_abtest_assignment
	err := c.call(func() C.int {
		return C.mkt_abtest_assign(c.ptr, key, bytesPtr(u), C.size_t(len(u)), &w[0],
			C.size_t(len(w)), &co, &out)
	})
	if err != nil {
		return AbtestAssignment{Variant: -1}, err
	}
	return AbtestAssignment{Variant: int(out.variant), Reason: AbtestReason(out.reason),
		Bucket: float64(out.bucket)}, nil
}

// AbtestStats are the sufficient statistics of one variant (Sum = conversions for a
// proportion; SumSquares is then ignored).
type AbtestStats struct {
	N          uint64
	Sum        float64
	SumSquares float64
}

// AbtestOptions are the analysis options; zero values mean the defaults (mean metric, Welch,
// relative effect, alpha 0.05, two-sided, no correction, flat prior, tuning 5000, equal
// weights, SRM threshold 0.001, no planned sample).
type AbtestOptions struct {
	Metric        AbtestMetric
	Method        AbtestMethod
	Effect        AbtestEffect
	Sided         AbtestSided
	Correction    AbtestCorrection
	PriorNormal   bool    // normal prior on the effect (Bayes)
	PriorMean     float64 // its mean
	PriorVariance float64 // its variance (0: 1)
	Alpha         float64
	Tuning        float64
	Weights       []float64 // configured traffic weights for the SRM check; nil: equal
	SRMThreshold  float64
	TargetN       uint64 // planned units per variant (0: unknown)
}

// AbtestRow is one variant of an analysis; row 0 (the control) has only N, Mean and
// Variance. NaN means "not defined by the method".
type AbtestRow struct {
	N                 uint64
	Mean, Variance    float64
	Effect, SE        float64
	CILow, CIHigh     float64
	Statistic, DF     float64
	PValue, PAdjusted float64
	ChanceToWin       float64
	ChanceToWinExact  float64
	RiskControl       float64
	RiskTreatment     float64
	Significant       int // 1 better, -1 worse, 0 neither
	Warnings          AbtestWarning
}

// AbtestAnalysis is the outcome of AbtestAnalyze; Winner is -1 unless Decision is
// AbtestWinner.
type AbtestAnalysis struct {
	Rows      []AbtestRow
	SRMPValue float64
	SRM       bool
	Decision  AbtestDecision
	Winner    int
	Warnings  AbtestWarning
}

// cOptions fills the C options; weights go to C memory (the struct may not hold a Go
// pointer), released by the returned func.
func cOptions(o *AbtestOptions) (C.mkt_abtest_options, func()) {
	var co C.mkt_abtest_options
	C.mkt_abtest_options_init(&co)
	if o == nil {
		return co, func() {}
	}
	set32 := func(dst *C.int32_t, v int32) {
		if v != 0 {
			*dst = C.int32_t(v)
		}
	}
	set32(&co.metric, int32(o.Metric))
	set32(&co.method, int32(o.Method))
	set32(&co.effect, int32(o.Effect))
	set32(&co.sided, int32(o.Sided))
	co.correction = C.int32_t(o.Correction)
	if o.PriorNormal {
		co.prior_normal = 1
		co.prior_mean = C.double(o.PriorMean)
		if o.PriorVariance != 0 {
			co.prior_variance = C.double(o.PriorVariance)
		}
	}
	for dst, v := range map[*C.double]float64{&co.alpha: o.Alpha, &co.tuning: o.Tuning,
		&co.srm_threshold: o.SRMThreshold} {
		if v != 0 {
			*dst = C.double(v)
		}
	}
	co.target_n = C.uint64_t(o.TargetN)
	if len(o.Weights) == 0 {
		return co, func() {}
	}
	w := (*[AbtestMaxVariants]C.double)(C.calloc(AbtestMaxVariants, C.sizeof_double))
	for i := 0; i < len(o.Weights) && i < AbtestMaxVariants; i++ {
		w[i] = C.double(o.Weights[i])
	}
	co.weights = &w[0]
	return co, func() { C.free(unsafe.Pointer(w)) }
}

func cStats(stats []AbtestStats) []C.mkt_abtest_stats {
	s := make([]C.mkt_abtest_stats, len(stats))
	for i, x := range stats {
		s[i] = C.mkt_abtest_stats{n: C.uint64_t(x.N), sum: C.double(x.Sum),
			sum_squares: C.double(x.SumSquares)}
	}
	return s
}

func goRow(r *C.mkt_abtest_result) AbtestRow {
	return AbtestRow{N: uint64(r.n), Mean: float64(r.mean), Variance: float64(r.variance),
		Effect: float64(r.effect), SE: float64(r.se), CILow: float64(r.ci_low),
		CIHigh: float64(r.ci_high), Statistic: float64(r.statistic), DF: float64(r.df),
		PValue: float64(r.p_value), PAdjusted: float64(r.p_adjusted),
		ChanceToWin: float64(r.chance_to_win), ChanceToWinExact: float64(r.chance_to_win_exact),
		RiskControl: float64(r.risk_control), RiskTreatment: float64(r.risk_treatment),
		Significant: int(r.significant), Warnings: AbtestWarning(r.warnings)}
}

// AbtestAnalyze compares every variant with stats[0]; opts may be nil.
func (c *Context) AbtestAnalyze(stats []AbtestStats, opts *AbtestOptions) (*AbtestAnalysis, error) {
	if len(stats) < 2 || len(stats) > AbtestMaxVariants {
		return nil, invalid("%d variants (need 2 to %d)", len(stats), AbtestMaxVariants)
	}
	if opts != nil && len(opts.Weights) != 0 && len(opts.Weights) != len(stats) {
		return nil, invalid("%d weights for %d variants", len(opts.Weights), len(stats))
	}
	co, free := cOptions(opts)
	defer free()
	s := cStats(stats)
	rows := make([]C.mkt_abtest_result, len(stats))
	C.mkt_abtest_results_init(&rows[0], C.size_t(len(rows)))
	sum := C.mkt_abtest_summary{struct_size: C.sizeof_mkt_abtest_summary}
	err := c.call(func() C.int {
		return C.mkt_abtest_analyze(c.ptr, &s[0], C.size_t(len(s)), &co, &rows[0], &sum)
	})
	if err != nil {
		return nil, err
	}
	a := &AbtestAnalysis{SRMPValue: float64(sum.srm_p_value), SRM: sum.srm != 0,
		Decision: AbtestDecision(sum.decision), Winner: int(sum.winner),
		Warnings: AbtestWarning(sum.warnings)}
	for i := range rows {
		a.Rows = append(a.Rows, goRow(&rows[i]))
	}
	return a, nil
}

// AbtestSRM is the sample-ratio-mismatch p-value of observed unit counts against weights
// (nil: equal; weight-0 variants are left out).
func (c *Context) AbtestSRM(observed []uint64, weights []float64) (float64, error) {
	if len(observed) == 0 || (weights != nil && len(weights) != len(observed)) {
		return math.NaN(), invalid("%d counts and %d weights", len(observed), len(weights))
	}
	obs := make([]C.uint64_t, len(observed))
	for i, x := range observed {
		obs[i] = C.uint64_t(x)
	}
	var w *C.double
	if weights != nil {
		cw := make([]C.double, len(weights))
		for i, x := range weights {
			cw[i] = C.double(x)
		}
		w = &cw[0]
	}
	var p C.double
	err := c.call(func() C.int {
		return C.mkt_abtest_srm(c.ptr, &obs[0], w, C.size_t(len(obs)), &p)
	})
	return float64(p), err
}

// AbtestAdjust returns Holm or Benjamini-Hochberg adjusted p-values in the input order.
func (c *Context) AbtestAdjust(p []float64, method AbtestCorrection) ([]float64, error) {
	in := make([]C.double, len(p)+1) // +1: a valid address for an empty list
	out := make([]C.double, len(p)+1)
	for i, x := range p {
		in[i] = C.double(x)
	}
	err := c.call(func() C.int {
		return C.mkt_abtest_adjust(c.ptr, &in[0], C.size_t(len(p)), C.int32_t(method), &out[0])
	})
	if err != nil {
		return nil, err
	}
	res := make([]float64, len(p))
	for i := range res {
		res[i] = float64(out[i])
	}
	return res, nil
}

// AbtestBetaChance is the exact P(p_treatment > p_control) under Beta(1, 1) priors.
func (c *Context) AbtestBetaChance(controlConversions, controlN, treatmentConversions,
	treatmentN uint64) (float64, error) {
	var p C.double
	err := c.call(func() C.int {
		return C.mkt_abtest_beta_chance(c.ptr, C.uint64_t(controlConversions),
			C.uint64_t(controlN), C.uint64_t(treatmentConversions), C.uint64_t(treatmentN), &p)
	})
	return float64(p), err
}

// AbtestCupedStats are per-variant statistics of the metric y and its pre-experiment
// covariate x.
type AbtestCupedStats struct {
	N                        uint64
	Sum, SumSquares          float64
	XSum, XSumSquares, XYSum float64
}

// AbtestCUPED returns the CUPED-adjusted statistics per variant and theta.
func (c *Context) AbtestCUPED(in []AbtestCupedStats) ([]AbtestStats, float64, error) {
	if len(in) == 0 || len(in) > AbtestMaxVariants {
		return nil, 0, invalid("%d variants (need 2 to %d)", len(in), AbtestMaxVariants)
	}
	cin := make([]C.mkt_abtest_cuped_stats, len(in))
	for i, x := range in {
		cin[i] = C.mkt_abtest_cuped_stats{n: C.uint64_t(x.N), sum: C.double(x.Sum),
			sum_squares: C.double(x.SumSquares), x_sum: C.double(x.XSum),
			x_sum_squares: C.double(x.XSumSquares), xy_sum: C.double(x.XYSum)}
	}
	out := make([]C.mkt_abtest_stats, len(in))
	var theta C.double
	err := c.call(func() C.int {
		return C.mkt_abtest_cuped(c.ptr, &cin[0], C.size_t(len(cin)), &out[0], &theta)
	})
	if err != nil {
		return nil, 0, err
	}
	res := make([]AbtestStats, len(out))
	for i, s := range out {
		res[i] = AbtestStats{N: uint64(s.n), Sum: float64(s.sum), SumSquares: float64(s.sum_squares)}
	}
	return res, float64(theta), nil
}

// AbtestPlan describes a planned test; zero values mean the defaults (proportion metric,
// two-sided, alpha 0.05, power 0.8, 2 variants).
type AbtestPlan struct {
	Metric   AbtestMetric
	Sided    AbtestSided
	Baseline float64 // control conversion rate, or mean (with Stddev)
	Stddev   float64
	MDE      float64 // minimum detectable relative effect (0.10 = +10%)
	Alpha    float64 // split over Variants - 1 comparisons (Bonferroni)
	Power    float64
	Variants int
}

func (p *AbtestPlan) c() C.mkt_abtest_plan_options {
	var o C.mkt_abtest_plan_options
	C.mkt_abtest_plan_options_init(&o)
	if p.Metric != 0 {
		o.metric = C.int32_t(p.Metric)
	}
	if p.Sided != 0 {
		o.sided = C.int32_t(p.Sided)
	}
	o.baseline, o.stddev, o.mde = C.double(p.Baseline), C.double(p.Stddev), C.double(p.MDE)
	if p.Alpha != 0 {
		o.alpha = C.double(p.Alpha)
	}
	if p.Power != 0 {
		o.power = C.double(p.Power)
	}
	if p.Variants != 0 {
		o.variants = C.int32_t(p.Variants)
	}
	return o
}

// AbtestSampleSize is the number of units per variant the plan needs.
func (c *Context) AbtestSampleSize(p AbtestPlan) (uint64, error) {
	o := p.c()
	var n C.uint64_t
	err := c.call(func() C.int { return C.mkt_abtest_sample_size(c.ptr, &o, &n, nil) })
	return uint64(n), err
}

// AbtestPower is the power of the plan with n units per variant (the achieved power of a
// finished test).
func (c *Context) AbtestPower(p AbtestPlan, n uint64) (float64, error) {
	o := p.c()
	var pw C.double
	err := c.call(func() C.int { return C.mkt_abtest_power(c.ptr, &o, C.uint64_t(n), &pw) })
	return float64(pw), err
}
