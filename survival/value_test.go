package survival_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

const day = 24 * time.Hour

// TestSubscriptionValueExponential checks the sum against its closed form
// for a constant hazard μ: S(now + k·f)/S(now) = e^(−μ·k·f), so
//
//	V = R·q·(1 − q^K)/(1 − q),   q = e^(−μ·f)·(1+r)^(−Δ/year)
//
// (q/(1 − q) for the unlimited horizon), with the model in days or in
// weeks: the value must not depend on the model's unit.
func TestSubscriptionValueExponential(t *testing.T) {
	const muPerDay = 1.0 / 400 // mean lifetime 400 days
	period := 30 * day
	for _, tc := range []struct {
		name    string
		unit    time.Duration
		horizon int
		annual  float64
		now     float64 // in days
	}{
		{"days, 12 payments, 10%", day, 12, 0.10, 0},
		{"weeks, 12 payments, 10%", 7 * day, 12, 0.10, 0},
		{"days, 12 payments, no discount", day, 12, 0, 35},
		{"weeks, all payments, 8%", 7 * day, 0, 0.08, 700},
		{"days, all payments, 8%", day, 0, 0.08, 700},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unitDays := float64(tc.unit) / float64(day)
			mu := muPerDay * unitDays // hazard per model unit
			life := survival.Lifetime{Dist: survival.Exponential, Location: -math.Log(mu)}
			opt := survival.SubscriptionOptions{Unit: tc.unit, Period: period, Revenue: 9.99,
				AnnualDiscount: tc.annual, Horizon: tc.horizon}
			got, err := survival.SubscriptionValue(life, tc.now/unitDays, opt)
			require.NoError(t, err)
			q := math.Exp(-muPerDay*30) * math.Pow(1+tc.annual, -30/365.25)
			want := 9.99 * q / (1 - q)
			if tc.horizon > 0 {
				want *= 1 - math.Pow(q, float64(tc.horizon))
			}
			require.InEpsilon(t, want, got, 1e-11)
		})
	}
}

// TestSubscriptionValueWeibull checks the sum for a Weibull lifetime of
// shape 1/σ and scale e^η against S(t) = exp(−(t/e^η)^(1/σ)) written out
// here, with a tenure of 90 days and monthly payments.
func TestSubscriptionValueWeibull(t *testing.T) {
	const eta, sigma, now = 6.0, 1.6, 90.0 // days
	life := survival.Lifetime{Dist: survival.Weibull, Location: eta, Scale: sigma}
	surv := func(t float64) float64 { return math.Exp(-math.Pow(t/math.Exp(eta), 1/sigma)) }
	month := 2_629_800 * time.Second // 365.25/12 days
	f := float64(month) / float64(day)
	d := math.Pow(1.1, 1.0/12) - 1
	want := 0.0
	for k := 1; k <= 36; k++ {
		want += 20 * surv(now+float64(k)*f) / surv(now) / math.Pow(1+d, float64(k))
	}
	got, err := survival.SubscriptionValue(life, now, survival.SubscriptionOptions{
		Unit: day, Period: month, Revenue: 20, AnnualDiscount: 0.1, Horizon: 36})
	require.NoError(t, err)
	require.InEpsilon(t, want, got, 1e-12)
}

// TestSubscriptionValueErrors lists the rejected settings, each naming its
// field.
func TestSubscriptionValueErrors(t *testing.T) {
	life := survival.Lifetime{Dist: survival.Weibull, Location: 3, Scale: 1}
	ok := survival.SubscriptionOptions{Unit: day, Period: 30 * day, Revenue: 10, AnnualDiscount: 0.1, Horizon: 12}
	for _, tc := range []struct {
		field string
		now   float64
		edit  func(*survival.SubscriptionOptions)
		s     survival.Survivor
	}{
		{"SubscriptionOptions.Unit", 0, func(o *survival.SubscriptionOptions) { o.Unit = 0 }, life},
		{"SubscriptionOptions.Period", 0, func(o *survival.SubscriptionOptions) { o.Period = -day }, life},
		{"SubscriptionOptions.Revenue", 0, func(o *survival.SubscriptionOptions) { o.Revenue = math.NaN() }, life},
		{"SubscriptionOptions.AnnualDiscount", 0, func(o *survival.SubscriptionOptions) { o.AnnualDiscount = -0.1 }, life},
		{"SubscriptionOptions.Horizon", 0, func(o *survival.SubscriptionOptions) { o.Horizon = -1 }, life},
		{"SubscriptionOptions.Horizon", 0, func(o *survival.SubscriptionOptions) { o.Horizon, o.AnnualDiscount = 0, 0 }, life},
		{"now", -1, func(*survival.SubscriptionOptions) {}, life},
		{"now", math.NaN(), func(*survival.SubscriptionOptions) {}, life},
		{"now", 0, func(*survival.SubscriptionOptions) {}, survival.Lifetime{Dist: survival.Weibull, Location: 3}}, // Scale 0: S is NaN
		{"s", 0, func(*survival.SubscriptionOptions) {}, survival.SurvivorFunc(func(t float64) float64 { return 1 + t })},
	} {
		o := ok
		tc.edit(&o)
		v, err := survival.SubscriptionValue(tc.s, tc.now, o)
		require.ErrorIs(t, err, survival.ErrInvalid)
		var de *survival.DataError
		require.True(t, errors.As(err, &de))
		require.Equal(t, tc.field, de.Field)
		require.Equal(t, -1, de.Row)
		require.True(t, math.IsNaN(v))
	}
}

// TestSubscriptionValueCox values a subscriber from a Cox fit's predicted
// curve and checks it against the sum written out over the curve's own
// step function: seeded exponential lifetimes in days with hazard
// 0.004·exp(0.7·x), x standard normal, censored at day 365. It also
// checks that the curve read as a Survivor is 1 at 0, non-increasing and
// flat after its last time, so that a subscriber past the last time is
// worth the discounted payments alone (S(now + k·f)/S(now) = 1).
func TestSubscriptionValueCox(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	const n = 600
	obs := make([]survival.Observation, n)
	X := make([][]float64, n)
	for i := range obs {
		x := rng.NormFloat64()
		life := rng.ExpFloat64() / (0.004 * math.Exp(0.7*x))
		obs[i] = survival.Observation{Time: math.Ceil(min(life, 365)), Event: life < 365}
		X[i] = []float64{x}
	}
	fit, err := survival.FitCox(obs, X, nil)
	require.NoError(t, err)
	require.InDelta(t, 0.7, fit.Coef[0], 4*fit.StdErr[0])
	c, err := fit.SurvivalCurve([]float64{1}, 0, nil)
	require.NoError(t, err)
	s := survival.SurvivorFunc(c.At)

	require.Equal(t, 1.0, s.Survival(0))
	prev := 1.0
	for d := 0.0; d <= 400; d += 0.5 {
		v := s.Survival(d)
		require.LessOrEqual(t, v, prev, "S(%g)", d)
		prev = v
	}
	last := c.Time[len(c.Time)-1]
	require.Equal(t, c.Survival[len(c.Survival)-1], s.Survival(last+1000))

	month := 2_629_800 * time.Second // 365.25/12 days
	f := float64(month) / float64(day)
	v := math.Pow(1.1, -1.0/12) // one month's discount factor at 10% a year
	direct := func(now float64, k int) float64 {
		sum := 0.0
		for j := 1; j <= k; j++ {
			sum += 25 * c.At(now+float64(j)*f) / c.At(now) * math.Pow(v, float64(j))
		}
		return sum
	}
	for _, now := range []float64{0, 45, 200} {
		got, err := survival.SubscriptionValue(s, now, survival.SubscriptionOptions{
			Unit: day, Period: month, Revenue: 25, AnnualDiscount: 0.1, Horizon: 24})
		require.NoError(t, err)
		require.InEpsilon(t, direct(now, 24), got, 1e-12, "now %g", now)
	}
	// Past the last time the curve is flat: V = 25·v·(1 − v^K)/(1 − v).
	got, err := survival.SubscriptionValue(s, last+1, survival.SubscriptionOptions{
		Unit: day, Period: month, Revenue: 25, AnnualDiscount: 0.1, Horizon: 36})
	require.NoError(t, err)
	require.InEpsilon(t, 25*v*(1-math.Pow(v, 36))/(1-v), got, 1e-12)
}
