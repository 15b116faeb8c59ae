package survival

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
)

// Survivor is a survival function of one subject, S(t) = P(T > t) for t ≥
// 0 in the time unit of the model that gives it: non-increasing, with
// S(0) = 1. Lifetime implements it; a Curve (a Kaplan–Meier estimate, or a
// Cox model's prediction from Cox.SurvivalCurve) gives one as
// SurvivorFunc(curve.At).
type Survivor interface {
	Survival(t float64) float64
}

// SurvivorFunc adapts a function to Survivor, as net/http's HandlerFunc
// adapts one to Handler. Its main use is a Curve's At, the right-continuous
// step function that is 1 before the curve's first time and holds its last
// value after the last one, as R's survfit curves do; for a Cox fit's
// prediction for covariates x (R's survfit(fit, newdata)),
//
//	c, err := fit.SurvivalCurve(x, 0, nil)
//	...
//	v, err := survival.SubscriptionValue(survival.SurvivorFunc(c.At), now, opt)
//
// with the times in the unit the Cox model was fitted in. (A Curve has no
// Survival method of its own: Survival is its field of S values.)
type SurvivorFunc func(t float64) float64

// Survival returns f(t).
func (f SurvivorFunc) Survival(t float64) float64 { return f(t) }

// year is the average calendar year, 365.25 days, which converts
// SubscriptionOptions.AnnualDiscount to a rate per billing period.
const year time.Duration = 31_557_600 * time.Second

// MaxPayments bounds the number of payments SubscriptionValue sums (the
// Horizon, or the terms of an unlimited horizon): 1e7 monthly payments is
// far beyond any customer's life.
const MaxPayments = 10_000_000

// SubscriptionOptions say what SubscriptionValue computes. Every time is
// explicit: the survival model's unit and the billing period are
// Durations and the discount rate is annual, so none is read in another's
// unit.
type SubscriptionOptions struct {
	// Unit is the survival model's time unit: the duration of one unit of
	// the Observation times it was fitted on (24*time.Hour for days).
	// Required.
	Unit time.Duration
	// Period is the billing period Δ: one payment falls due every Period.
	// Required.
	Period time.Duration
	// Revenue is the amount of one payment, in any currency (use the margin
	// per payment to value profit). Finite and ≥ 0.
	Revenue float64
	// AnnualDiscount is the effective annual discount rate r ≥ 0 (0.1 for
	// 10% a year). A payment k periods ahead is worth (1+d)^(−k) now, with
	// d = (1+r)^(Δ/year) − 1 (year = 365.25 days) per period.
	AnnualDiscount float64
	// Horizon is the number K ≥ 1 of future payments to value, at most
	// MaxPayments; 0 means all of them, which needs AnnualDiscount > 0.
	Horizon int
}

// SubscriptionValue returns the expected discounted revenue from a
// subscriber who is still subscribed at tenure now (in the survival
// model's unit), given the subscriber's survival function s:
//
//	V = Revenue · Σ_{k=1}^{K} [S(now + k·f)/S(now)]·(1+d)^(−k),   f = Period/Unit
//
// Timing: now is a billing date whose payment has already been received
// (it is sunk and not counted). The k-th future payment falls due at
// now + k·f and is made if the subscriber is still subscribed then
// (T > now + k·f); it is discounted over k whole periods. This is the
// expected residual value of Fader & Hardie's (2010, "Customer-Base
// Valuation in a Contractual Setting", Marketing Science 29(1)) DERL with
// the renewal at now already made. To count a payment due at now as well,
// add Revenue.
//
// With Horizon 0 the sum runs until the terms left, which add at most
// S(now + k·f)/S(now)·(1+d)^(−k)/d, are below 1e-12 of it (or the
// survival reaches 0).
//
// Errors (all *DataError wrapping ErrInvalid, with Row −1): an option
// outside its domain (Field names it, e.g. "SubscriptionOptions.Unit"),
// now negative or NaN, S(now) not positive (Field "now"), or a survival
// value that is NaN or outside [0, 1] (Field "s"). An unlimited horizon
// that has not converged after MaxPayments terms returns its partial sum
// with an error wrapping ErrNotConverged.
func SubscriptionValue(s Survivor, now float64, opt SubscriptionOptions) (float64, error) {
	const fn = "survival.SubscriptionValue"
	bad := func(field, format string, args ...any) (float64, error) {
		return math.NaN(), fault.New(fn, -1, field, ErrInvalid, format, args...)
	}
	switch {
	case opt.Unit <= 0:
		return bad("SubscriptionOptions.Unit", "is %v, want the survival model's time unit (> 0)", opt.Unit)
	case opt.Period <= 0:
		return bad("SubscriptionOptions.Period", "is %v, want the billing period (> 0)", opt.Period)
	case !(opt.Revenue >= 0) || math.IsInf(opt.Revenue, 1):
		return bad("SubscriptionOptions.Revenue", "is %g, want a finite amount ≥ 0", opt.Revenue)
	case !(opt.AnnualDiscount >= 0) || math.IsInf(opt.AnnualDiscount, 1):
		return bad("SubscriptionOptions.AnnualDiscount", "is %g, want a finite rate ≥ 0", opt.AnnualDiscount)
	case opt.Horizon < 0 || opt.Horizon > MaxPayments:
		return bad("SubscriptionOptions.Horizon", "is %d, want 0 (all payments) to %d", opt.Horizon, MaxPayments)
	case opt.Horizon == 0 && opt.AnnualDiscount == 0:
		return bad("SubscriptionOptions.Horizon", "is 0 (all payments), which needs AnnualDiscount > 0")
	case !(now >= 0) || math.IsInf(now, 1):
		return bad("now", "is %g, want a finite tenure ≥ 0", now)
	}
	s0 := s.Survival(now)
	if !(s0 > 0 && s0 <= 1) {
		return bad("now", "has S(now) = %g: the subscriber cannot be subscribed at now", s0)
	}
	f := float64(opt.Period) / float64(opt.Unit)
	// Payment k is discounted by v^k = (1+r)^(−k·Δ/year); d = 1/v − 1.
	logV := -float64(opt.Period) / float64(year) * math.Log1p(opt.AnnualDiscount)
	d := -math.Expm1(logV) / math.Exp(logV)
	horizon := opt.Horizon
	if horizon == 0 {
		horizon = MaxPayments
	}
	sum := 0.0
	for k := 1; k <= horizon; k++ {
		t := now + float64(k)*f
		sk := s.Survival(t)
		if !(sk >= 0 && sk <= 1) {
			return bad("s", "gives S(%g) = %g, want a probability", t, sk)
		}
		term := sk / s0 * math.Exp(float64(k)*logV)
		sum += term
		if opt.Horizon == 0 && (term == 0 || term/d <= 1e-12*sum) {
			return opt.Revenue * sum, nil
		}
	}
	if opt.Horizon == 0 {
		return opt.Revenue * sum, fmt.Errorf("%s: %w: the value has not converged after %d payments", fn, ErrNotConverged, MaxPayments)
	}
	return opt.Revenue * sum, nil
}
