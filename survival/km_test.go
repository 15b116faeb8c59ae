package survival_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// rightCensored builds unit-weight observations from times and statuses.
func rightCensored(times []float64, events []bool) []survival.Observation {
	obs := make([]survival.Observation, len(times))
	for i := range times {
		obs[i] = survival.Observation{Time: times[i], Event: events[i]}
	}
	return obs
}

// amlPooled is R's aml data, both arms pooled (MODELS.md §10).
func amlPooled() []survival.Observation {
	maintained := rightCensored(
		[]float64{9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161},
		[]bool{true, true, false, true, true, false, true, true, false, true, false})
	non := rightCensored(
		[]float64{5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45},
		[]bool{true, true, true, true, true, false, true, true, true, true, true, true})
	return append(maintained, non...)
}

func kmOrFail(t *testing.T, obs []survival.Observation, opt *survival.Options) *survival.Curve {
	t.Helper()
	c, err := survival.KaplanMeier(obs, opt)
	require.NoError(t, err)
	return c
}

func rowOf(t *testing.T, c *survival.Curve, time float64) int {
	t.Helper()
	j := slices.Index(c.Time, time)
	require.GreaterOrEqual(t, j, 0, "time %v not a row", time)
	return j
}

func TestNormalCriticalValue(t *testing.T) {
	// MODELS.md §10: z = 1.959963984540054 for 95%. With one event in two
	// at risk, V = 1/2 and the log band is S·exp(±z·√V), S = 1/2.
	c := kmOrFail(t, rightCensored([]float64{1, 2}, []bool{true, false}), nil)
	z := 1.959963984540054
	require.InDelta(t, 0.5*math.Exp(-z*math.Sqrt(0.5)), c.Lower[0], 1e-15)
	// Level 0.9: z = 1.6448536269514722 (R qnorm(0.95)).
	c = kmOrFail(t, rightCensored([]float64{1, 2}, []bool{true, false}), &survival.Options{Level: 0.9})
	require.InDelta(t, 0.5*math.Exp(-1.6448536269514722*math.Sqrt(0.5)), c.Lower[0], 1e-15)
}

func TestBandTransformsAML(t *testing.T) {
	// MODELS.md §10 check values [R], aml pooled.
	tests := []struct {
		conf         survival.ConfType
		time         float64
		lower, upper float64
	}{
		{survival.ConfLog, 5, 0.80485479778, 1},
		{survival.ConfLogLog, 5, 0.69494753753, 0.97751566990},
		{survival.ConfPlain, 5, 0.79788896, 1},
		{survival.ConfLogit, 5, 0.71115017, 0.97815666},
		{survival.ConfArcsin, 5, 0.76705199, 0.99100332},
		{survival.ConfLog, 23, 0.37207808725, 0.80293335280},
		{survival.ConfLogLog, 23, 0.31925041397, 0.72644917382},
		{survival.ConfLog, 48, 0.01483460825, 0.46232740657},
		{survival.ConfLogLog, 48, 0.00695596680, 0.28676036798},
		{survival.ConfPlain, 45, 0, 0.33425738},
	}
	for _, tc := range tests {
		c := kmOrFail(t, amlPooled(), &survival.Options{Conf: tc.conf})
		j := rowOf(t, c, tc.time)
		require.InDelta(t, tc.lower, c.Lower[j], 1e-8, "conf %d t %v", tc.conf, tc.time)
		require.InDelta(t, tc.upper, c.Upper[j], 1e-8, "conf %d t %v", tc.conf, tc.time)
	}
}

func TestProductAccumulation(t *testing.T) {
	// MODELS.md §10 edge case "g3 Control" [R]: S = 5/6, 2/3, 1/2, 1/3 at
	// 9, 19, 32, 34, and S(32) is exactly 0.5 as a product. Median 33
	// (midpoint of 32 and 34), CI (19, NA); q25 = 19 (9, NA).
	c := kmOrFail(t, rightCensored([]float64{34, 32, 9, 19, 50, 48}, []bool{true, true, true, true, false, false}), nil)
	require.Equal(t, []float64{9, 19, 32, 34, 48, 50}, c.Time)
	require.InDeltaSlice(t, []float64{5. / 6, 4. / 6, 0.5, 2. / 6, 2. / 6, 2. / 6}, c.Survival, 1e-15)
	require.Equal(t, 0.5, c.Survival[2])
	est, lo, hi := c.Median()
	require.Equal(t, []float64{33, 19}, []float64{est, lo})
	require.True(t, math.IsNaN(hi))
	est, lo, hi = c.Quantile(0.5)
	require.Equal(t, []float64{33, 19}, []float64{est, lo})
	require.True(t, math.IsNaN(hi))
	est, lo, hi = c.Quantile(0.25)
	require.Equal(t, []float64{19, 9}, []float64{est, lo})
	require.True(t, math.IsNaN(hi))
}

func TestMedianRules(t *testing.T) {
	// MODELS.md §10 edge case [R]: events 1..4, censored 5..8, so S = 0.5
	// from 4 to the end: quantile(.5) = 6 = (4+8)/2, print median 4,
	// LCL 3, UCL NA. lifelines' rule gives the first t with S ≤ 0.5: 4.
	obs := rightCensored([]float64{1, 2, 3, 4, 5, 6, 7, 8}, []bool{true, true, true, true, false, false, false, false})
	c := kmOrFail(t, obs, nil)
	est, lo, hi := c.Quantile(0.5)
	require.Equal(t, 6.0, est)
	require.Equal(t, 3.0, lo)
	require.True(t, math.IsNaN(hi))
	est, lo, hi = c.Median()
	require.Equal(t, 4.0, est)
	require.Equal(t, 3.0, lo)
	require.True(t, math.IsNaN(hi))
	first := kmOrFail(t, obs, &survival.Options{Quantile: survival.QuantileFirstBelow})
	est, _, _ = first.Median()
	require.Equal(t, 4.0, est)
	est, _, _ = first.Quantile(0.5)
	require.Equal(t, 4.0, est)
	// half.csv data: S = 0.5 on [5, 7): R gives 6 by both rules; lifelines 5.
	half := rightCensored([]float64{1, 2, 3, 4, 5, 7, 8, 9, 10, 11},
		[]bool{true, true, true, true, true, true, true, false, true, false})
	est, _, _ = kmOrFail(t, half, &survival.Options{Quantile: survival.QuantileFirstBelow}).Median()
	require.Equal(t, 5.0, est)
	est, _, _ = kmOrFail(t, half, nil).Median()
	require.Equal(t, 6.0, est)
}

func TestAllCensored(t *testing.T) {
	// S stays 1 with V = 0, so the bands are [1, 1]; nothing is reached.
	c := kmOrFail(t, rightCensored([]float64{3, 1, 2}, []bool{false, false, false}), &survival.Options{Conf: survival.ConfLogLog})
	require.Equal(t, []float64{1, 1, 1}, c.Survival)
	require.Equal(t, []float64{1, 1, 1}, c.Lower)
	require.Equal(t, []float64{1, 1, 1}, c.Upper)
	require.Equal(t, []float64{0, 0, 0}, c.StdErr)
	est, lo, hi := c.Median()
	require.True(t, math.IsNaN(est) && math.IsNaN(lo) && math.IsNaN(hi))
	m, se := c.RestrictedMean(5)
	require.Equal(t, 5.0, m) // ∫_0^5 1 dt
	require.Equal(t, 0.0, se)
}

func TestCaseWeights(t *testing.T) {
	// MODELS.md §10 edge case "weights" [R]: n = 13, 11, 7, 6, 3, 2 at t = 1..6.
	obs := []survival.Observation{
		{Time: 1, Event: true, Weight: 2}, {Time: 2, Event: true, Weight: 1}, {Time: 2, Weight: 3},
		{Time: 3, Event: true, Weight: 1}, {Time: 4, Event: true, Weight: 2}, {Time: 4, Event: true},
		{Time: 5, Weight: 1}, {Time: 6, Event: true, Weight: 2},
	}
	c := kmOrFail(t, obs, nil)
	require.Equal(t, []float64{13, 11, 7, 6, 3, 2}, c.AtRisk)
	require.InDeltaSlice(t, []float64{.8461538462, .7692307692, .6593406593, .3296703297, .3296703297, 0}, c.Survival, 1e-10)
	require.Len(t, c.LogStdErr, 6)
	require.InDeltaSlice(t, []float64{.1182624792, .1519109051, .2165327848, .4621180732}, c.LogStdErr[:4], 1e-10)
	require.True(t, math.IsInf(c.LogStdErr[5], 1))
	require.True(t, math.IsNaN(c.StdErr[5]) && math.IsNaN(c.Lower[5]) && math.IsNaN(c.Upper[5]))

	h, err := survival.NelsonAalen(obs, nil)
	require.NoError(t, err)
	require.InDeltaSlice(t, []float64{.1538461538, .2447552448, .3876123876, .8876123876, .8876123876, 1.8876123876}, h.Hazard, 1e-10)
	fh, err := survival.NelsonAalen(obs, &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	require.NoError(t, err)
	require.InDelta(t, .9709457209, fh.Hazard[3], 1e-10)
	require.InDelta(t, .3952817809, fh.StdErr[3], 1e-10)
	// The same data expanded into unit rows: H_FH(4) = 1.0106893107, since
	// the correction counts rows.
	var unit []survival.Observation
	for _, o := range obs {
		w := o.Weight
		if w == 0 {
			w = 1
		}
		for range int(w) {
			unit = append(unit, survival.Observation{Time: o.Time, Event: o.Event})
		}
	}
	fh, err = survival.NelsonAalen(unit, &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	require.NoError(t, err)
	require.InDelta(t, 1.0106893107, fh.Hazard[3], 1e-10)
}

func TestFractionalWeights(t *testing.T) {
	// MODELS.md §10 [R, robust = FALSE]: S = 0.6153846, 0.3257919 and
	// √V = 0.3466876, 0.8019153 at the event times 0.4 and 0.8.
	obs := []survival.Observation{
		{Time: .6, Weight: 1.5}, {Time: .4, Event: true, Weight: 2},
		{Time: .8, Event: true, Weight: .8}, {Time: .9, Weight: .9},
	}
	c := kmOrFail(t, obs, nil)
	require.Equal(t, []float64{.4, .6, .8, .9}, c.Time)
	require.InDelta(t, 0.6153846, c.Survival[0], 1e-7)
	require.InDelta(t, 0.3257919, c.Survival[2], 1e-7)
	require.InDelta(t, 0.3466876, c.LogStdErr[0], 1e-7)
	require.InDelta(t, 0.8019153, c.LogStdErr[2], 1e-7)
}

func TestNelsonAalenFlemingHarringtonAML(t *testing.T) {
	// MODELS.md §10 aml pooled table [R]: H_FH and sd(H_FH) at 5, 23, 48.
	h, err := survival.NelsonAalen(amlPooled(), &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	require.NoError(t, err)
	for _, tc := range []struct{ time, h, sd float64 }{
		{5, 0.08893280632, 0.06290051566},
		{23, 0.58524749954, 0.18974826497},
		{48, 2.17179151109, 0.68769578080},
	} {
		j := slices.Index(h.Time, tc.time)
		require.InDelta(t, tc.h, h.Hazard[j], 1e-10)
		require.InDelta(t, tc.sd, h.StdErr[j], 1e-10)
		// lifelines' band H·exp(±z·sd/H).
		require.InDelta(t, tc.h*math.Exp(-1.959963984540054*tc.sd/tc.h), h.Lower[j], 1e-9)
	}
}

func TestRestrictedMeanAndLateEntry(t *testing.T) {
	// MODELS.md §10 edge case "left-truncated" [R]: n at t = 2..10 and
	// RMST(10) = 4.919753086 (se 1.060123660), √V(5) = 0.4830458915,
	// median 4 (2, NA).
	obs := []survival.Observation{
		{Entry: 0, Time: 2, Event: true}, {Entry: 0, Time: 3}, {Entry: 0, Time: 5, Event: true},
		{Entry: 1, Time: 2, Event: true}, {Entry: 1, Time: 4, Event: true}, {Entry: 2, Time: 3, Event: true},
		{Entry: 2, Time: 6}, {Entry: 3, Time: 5, Event: true}, {Entry: 3, Time: 8, Event: true},
		{Entry: 4, Time: 7}, {Entry: 0, Time: 9, Event: true}, {Entry: 5, Time: 10, Event: true},
	}
	c := kmOrFail(t, obs, nil)
	require.Equal(t, []float64{2, 3, 4, 5, 6, 7, 8, 9, 10}, c.Time)
	require.Equal(t, []float64{6, 6, 6, 6, 5, 4, 3, 2, 1}, c.AtRisk)
	require.InDelta(t, 0.4830458915, c.LogStdErr[3], 1e-10)
	m, se := c.RestrictedMean(10)
	require.InDelta(t, 4.919753086, m, 1e-9)
	require.InDelta(t, 1.060123660, se, 1e-9)
	est, lo, hi := c.Median()
	require.Equal(t, []float64{4, 2}, []float64{est, lo})
	require.True(t, math.IsNaN(hi))
	// Entered: the four rows with Entry 0 and the two entering at 1 make
	// the first row's 6; the two entries at 2 enter before 3, the two at 3
	// before 4, the one at 4 before 5, the one at 5 before 6.
	require.Equal(t, []float64{6, 2, 2, 1, 1, 0, 0, 0, 0}, c.Entered)
	for j := 1; j < len(c.Time); j++ {
		require.Equal(t, c.AtRisk[j-1]-c.Events[j-1]-c.Censored[j-1]+c.Entered[j], c.AtRisk[j])
	}
	// Special cases of RestrictedMean.
	m, se = c.RestrictedMean(1) // before the first time: ∫_0^1 1 dt
	require.Equal(t, []float64{1, 0}, []float64{m, se})
	m, se = c.RestrictedMean(math.NaN())
	require.True(t, math.IsNaN(m) && math.IsNaN(se))
	m, _ = c.RestrictedMean(-1)
	require.True(t, math.IsNaN(m))
}

func TestAtAndTable(t *testing.T) {
	// aml pooled [R, MODELS.md §10]: S(5) = 0.91304347826, S(23) = 0.54658385093.
	c := kmOrFail(t, amlPooled(), nil)
	require.Equal(t, 1.0, c.At(4.9))
	require.InDelta(t, 0.91304347826, c.At(5), 1e-11)
	require.InDelta(t, 0.91304347826, c.At(7.5), 1e-11)
	require.InDelta(t, 0.54658385093, c.At(23), 1e-11)
	require.Equal(t, c.Survival[len(c.Survival)-1], c.At(1e9))
	require.True(t, math.IsNaN(c.At(math.NaN())))

	// Counted by hand from the aml times: at 0 all 23 are at risk; in
	// (0, 10] 5 events (5, 5, 8, 8, 9); at 10 the first time ≥ 10 is 12
	// with 18 at risk; in (10, 30] 8 events (12, 13, 18, 23, 23, 27, 30)
	// and 3 censorings (13, 16, 28); past 161 nobody is at risk.
	times := []float64{0, 10, 30, 200}
	r := c.Table(times)
	require.Equal(t, []float64{23, 18, 9, 0}, r.AtRisk)
	require.Equal(t, []float64{0, 5, 7, 6}, r.Events)
	require.Equal(t, []float64{0, 0, 3, 2}, r.Censored)
	require.Equal(t, 1.0, r.Survival[0])
	require.InDelta(t, c.At(30), r.Survival[2], 0)
	require.Equal(t, []float64{0, 10, 30, 200}, times)
	for _, bad := range [][]float64{{3, 1}, {1, math.NaN(), 3}} {
		require.Equal(t, survival.RiskTable{}, c.Table(bad), "special case: times %v", bad)
	}
}

func TestTieMerging(t *testing.T) {
	// R's aeqSurv (MODELS.md §10): times within 1.49e-8, absolutely or
	// relative to the mean of the distinct times, are one time (the first
	// of the run). ExactTimes keeps them apart (lifelines, sksurv).
	near := []survival.Observation{{Time: 1, Event: true}, {Time: 1 + 1e-10, Event: true}, {Time: 2}}
	c := kmOrFail(t, near, nil)
	require.Equal(t, []float64{1, 2}, c.Time)
	require.Equal(t, []float64{2, 0}, c.Events)
	c = kmOrFail(t, near, &survival.Options{ExactTimes: true})
	require.Equal(t, []float64{1, 1 + 1e-10, 2}, c.Time)

	// Relative rule: 1e9 and 1e9 + 1 differ by 1e-9 of their mean.
	big := []survival.Observation{{Time: 1e9 + 1, Event: true}, {Time: 1e9, Event: true}, {Time: 3e9}}
	c = kmOrFail(t, big, nil)
	require.Equal(t, []float64{1e9, 3e9}, c.Time)

	// 0.1+0.2 and 0.3 are different floats; R counts one death time.
	a, b := 0.1, 0.2
	fl := []survival.Observation{{Time: a + b, Event: true}, {Time: 0.3, Event: true}, {Time: 1}}
	require.Len(t, kmOrFail(t, fl, nil).Time, 2)
	require.Len(t, kmOrFail(t, fl, &survival.Options{ExactTimes: true}).Time, 3)

	// An entry that merges with its own exit leaves a zero-length interval.
	_, err := survival.KaplanMeier([]survival.Observation{{Time: 2}, {Entry: 1, Time: 1 + 1e-10, Event: true}}, nil)
	require.ErrorIs(t, err, survival.ErrInvalid)
	var de *survival.DataError
	require.True(t, errors.As(err, &de))
	require.Equal(t, []int{-1, 1}, []int{de.Group, de.Row})
	require.Equal(t, "Entry", de.Field)
	_, err = survival.KaplanMeier([]survival.Observation{{Entry: 1, Time: 1 + 1e-10, Event: true}, {Time: 2}}, &survival.Options{ExactTimes: true})
	require.NoError(t, err)
}

func TestBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name  string
		obs   survival.Observation
		field string
	}{
		{"negative time", survival.Observation{Time: -1}, "Time"},
		{"NaN time", survival.Observation{Time: nan}, "Time"},
		{"infinite time", survival.Observation{Time: inf}, "Time"},
		{"NaN entry", survival.Observation{Time: 1, Entry: nan}, "Entry"},
		{"negative entry", survival.Observation{Time: 1, Entry: -1}, "Entry"},
		{"infinite entry", survival.Observation{Time: 1, Entry: inf}, "Entry"},
		{"entry at exit", survival.Observation{Time: 1, Entry: 1}, "Entry"},
		{"entry after exit", survival.Observation{Time: 1, Entry: 2}, "Entry"},
		{"negative weight", survival.Observation{Time: 1, Weight: -1}, "Weight"},
		{"NaN weight", survival.Observation{Time: 1, Weight: nan}, "Weight"},
		{"infinite weight", survival.Observation{Time: 1, Weight: inf}, "Weight"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs := []survival.Observation{{Time: 1, Event: true}, {Time: 2}, tc.obs}
			for _, fit := range []func() error{
				func() error { _, err := survival.KaplanMeier(obs, nil); return err },
				func() error { _, err := survival.NelsonAalen(obs, nil); return err },
			} {
				err := fit()
				require.ErrorIs(t, err, survival.ErrInvalid)
				var de *survival.DataError
				require.True(t, errors.As(err, &de))
				require.Equal(t, 2, de.Row)
				require.Equal(t, tc.field, de.Field)
			}
			_, err := survival.LogRank([][]survival.Observation{{{Time: 1, Event: true}}, obs})
			var de *survival.DataError
			require.True(t, errors.As(err, &de))
			require.Equal(t, []int{1, 2}, []int{de.Group, de.Row})
			require.Equal(t, tc.field, de.Field)
		})
	}
	_, err := survival.KaplanMeier(nil, nil)
	require.ErrorIs(t, err, survival.ErrEmpty)
	_, err = survival.NelsonAalen([]survival.Observation{}, nil)
	require.ErrorIs(t, err, survival.ErrEmpty)
	// Time 0 without an entry is valid (R's Surv(time, status)).
	c := kmOrFail(t, []survival.Observation{{Time: 0, Event: true}, {Time: 1}}, nil)
	require.Equal(t, []float64{0, 1}, c.Time)
	require.Equal(t, 0.5, c.Survival[0])
}

// TestBadOptions: a setting outside its domain is a *DataError naming the
// option (Row -1), from both functions that take Options, never a panic.
func TestBadOptions(t *testing.T) {
	obs := []survival.Observation{{Time: 1, Event: true}, {Time: 2}}
	for _, tc := range []struct {
		opt   survival.Options
		field string
	}{
		{survival.Options{Level: 1}, "Options.Level"},
		{survival.Options{Level: -0.5}, "Options.Level"},
		{survival.Options{Level: math.NaN()}, "Options.Level"},
		{survival.Options{Conf: 99}, "Options.Conf"},
		{survival.Options{Conf: -1}, "Options.Conf"},
		{survival.Options{Quantile: 7}, "Options.Quantile"},
		{survival.Options{HazardTies: 5}, "Options.HazardTies"},
	} {
		for fn, call := range map[string]func() error{
			"survival.KaplanMeier": func() error { _, err := survival.KaplanMeier(obs, &tc.opt); return err },
			"survival.NelsonAalen": func() error { _, err := survival.NelsonAalen(obs, &tc.opt); return err },
		} {
			var err error
			require.NotPanics(t, func() { err = call() })
			requireOptionError(t, err, fn, -1, tc.field)
		}
	}
}

// requireOptionError fails t unless err is a *DataError of function fn
// wrapping ErrInvalid for the option field, with Row -1 and group group.
func requireOptionError(t *testing.T, err error, fn string, group int, field string) {
	t.Helper()
	require.ErrorIs(t, err, survival.ErrInvalid)
	var de *survival.DataError
	require.True(t, errors.As(err, &de), "%v", err)
	require.Equal(t, []any{fn, group, -1, field}, []any{de.Func, de.Group, de.Row, de.Field}, "%v", err)
}

// TestQuantileOutside: a probability outside (0, 1) has no quantile (the
// documented special case), whatever the rule.
func TestQuantileOutside(t *testing.T) {
	for _, rule := range []survival.QuantileRule{survival.QuantileR, survival.QuantileFirstBelow} {
		// S = 2/3, 1/3, 0 at 1, 2, 3: both rules put the median at 2.
		c := kmOrFail(t, []survival.Observation{{Time: 1, Event: true}, {Time: 2, Event: true}, {Time: 3, Event: true}}, &survival.Options{Quantile: rule})
		for _, p := range []float64{0, 1, -0.5, 2, math.NaN(), math.Inf(1)} {
			est, lo, hi := c.Quantile(p)
			require.True(t, math.IsNaN(est) && math.IsNaN(lo) && math.IsNaN(hi), "Quantile(%v) = %v, %v, %v", p, est, lo, hi)
		}
		est, _, _ := c.Quantile(0.5)
		require.Equal(t, 2.0, est, "inside (0, 1) the quantile is still read")
	}
}

func TestInputsUntouched(t *testing.T) {
	obs := amlPooled()
	obs[3].Weight, obs[5].Entry = 2.5, 1
	want := slices.Clone(obs)
	_, err := survival.KaplanMeier(obs, nil)
	require.NoError(t, err)
	_, err = survival.NelsonAalen(obs, &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	require.NoError(t, err)
	require.Equal(t, want, obs)
	groups := [][]survival.Observation{obs[:11], obs[11:]}
	strata := [][]int{make([]int, 11), make([]int, 12)}
	strata[1][4] = 1
	wantStrata := [][]int{slices.Clone(strata[0]), slices.Clone(strata[1])}
	_, err = survival.LogRankTest(groups, &survival.LogRankOptions{Rho: 1, Strata: strata})
	require.NoError(t, err)
	require.Equal(t, want, obs)
	require.Equal(t, wantStrata, strata)
}
