package survival_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// coxToy is survival's tests/zph.R toy (as in TestCoxToyClosedForm).
func coxToy() ([]survival.Observation, [][]float64) {
	return []survival.Observation{{Time: 9, Event: true}, {Time: 1, Event: true}, {Time: 1}, {Time: 6, Event: true},
			{Time: 6, Event: true}, {Time: 8}},
		[][]float64{{0}, {1}, {1}, {1}, {0}, {0}}
}

// simulateCox draws n rows from a Cox model with coefficients beta
// (Weibull baseline, shape 1.3), uniform censoring, and whole-day times
// when days is set; the covariates alternate binary and normal columns.
func simulateCox(n int, beta []float64, days bool, seed uint64) ([]survival.Observation, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	obs := make([]survival.Observation, n)
	x := make([][]float64, n)
	for i := range n {
		row := make([]float64, len(beta))
		eta := 0.0
		for j := range row {
			if j%2 == 0 {
				if rng.Float64() < 0.4 {
					row[j] = 1
				}
			} else {
				row[j] = rng.NormFloat64()
			}
			eta += beta[j] * row[j]
		}
		t := 100 * math.Pow(rng.ExpFloat64()/math.Exp(eta), 1/1.3)
		c := 200 * rng.Float64()
		if days {
			t, c = math.Ceil(t), math.Ceil(c)
		}
		obs[i] = survival.Observation{Time: math.Min(t, c), Event: t <= c}
		x[i] = row
	}
	return obs, x
}

func cloneRows(x [][]float64) [][]float64 {
	if x == nil {
		return nil
	}
	out := make([][]float64, len(x))
	for i, r := range x {
		out[i] = slices.Clone(r)
	}
	return out
}

// sameFloats compares bit for bit (NaN equals NaN).
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
}

// checkCoxDataError asserts err is a *DataError of fn wrapping sentinel
// with the given row and field.
func checkCoxDataError(t *testing.T, err error, fn string, sentinel error, row int, field string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, sentinel)
	var de *survival.DataError
	require.True(t, errors.As(err, &de), "%v is not a *DataError", err)
	require.Equal(t, fn, de.Func)
	require.Equal(t, -1, de.Group)
	require.Equal(t, row, de.Row, "%v", err)
	require.Equal(t, field, de.Field, "%v", err)
	require.NotEmpty(t, de.Error())
}

// The FitCox bad-input catalogue: every input is rejected with a
// *DataError naming the row and field (or the option), without a panic and
// without touching the caller's slices. Expected rows and fields follow
// FitCox's documentation and Observation's validation order.
func TestFitCoxBadInput(t *testing.T) {
	obs, x := coxToy()
	with := func(i int, o survival.Observation) []survival.Observation {
		c := slices.Clone(obs)
		c[i] = o
		return c
	}
	xWith := func(i int, row []float64) [][]float64 {
		c := cloneRows(x)
		c[i] = row
		return c
	}
	two := make([][]float64, len(x)) // x and a copy of it: collinear
	for i, r := range x {
		two[i] = []float64{r[0], 2 * r[0]}
	}
	constant := make([][]float64, len(x))
	for i, r := range x {
		constant[i] = []float64{r[0], 3}
	}
	strata := []int{0, 0, 1, 1, 0, 1}
	withinStrata := make([][]float64, len(x)) // constant within each stratum
	for i, r := range x {
		withinStrata[i] = []float64{r[0], float64(strata[i])}
	}
	inv, sing, empty := survival.ErrInvalid, survival.ErrSingular, survival.ErrEmpty
	tests := []struct {
		name     string
		obs      []survival.Observation
		x        [][]float64
		opt      *survival.CoxOptions
		sentinel error
		row      int
		field    string
	}{
		{"no rows", nil, nil, nil, empty, -1, ""},
		{"no events", []survival.Observation{{Time: 1}, {Time: 2}}, [][]float64{{0}, {1}}, nil, empty, -1, "Event"},
		{"Time NaN", with(3, survival.Observation{Time: math.NaN(), Event: true}), x, nil, inv, 3, "Time"},
		{"Time negative", with(2, survival.Observation{Time: -1}), x, nil, inv, 2, "Time"},
		{"Entry after Time", with(1, survival.Observation{Time: 1, Entry: 2, Event: true}), x, nil, inv, 1, "Entry"},
		{"Entry merging with Time", with(1, survival.Observation{Time: 2 + 1e-12, Entry: 2, Event: true}), x, nil, inv, 1, "Entry"},
		{"Weight negative", with(4, survival.Observation{Time: 6, Event: true, Weight: -2}), x, nil, inv, 4, "Weight"},
		{"Weight +Inf", with(4, survival.Observation{Time: 6, Event: true, Weight: math.Inf(1)}), x, nil, inv, 4, "Weight"},
		{"X with fewer rows", obs, x[:5], nil, inv, -1, "X"},
		{"X row of another length", obs, xWith(2, []float64{1, 2}), nil, inv, 2, "X"},
		{"X NaN", obs, xWith(5, []float64{math.NaN()}), nil, inv, 5, "X"},
		{"X -Inf", obs, xWith(0, []float64{math.Inf(-1)}), nil, inv, 0, "X"},
		{"Strata of the wrong length", obs, x, &survival.CoxOptions{Strata: []int{1}}, inv, -1, "CoxOptions.Strata"},
		{"Cluster of the wrong length", obs, x, &survival.CoxOptions{Cluster: make([]int, 7)}, inv, -1, "CoxOptions.Cluster"},
		{"Names of the wrong length", obs, x, &survival.CoxOptions{Names: []string{"a", "b"}}, inv, -1, "CoxOptions.Names"},
		{"unknown Ties", obs, x, &survival.CoxOptions{Ties: 3}, inv, -1, "CoxOptions.Ties"},
		{"negative L2", obs, x, &survival.CoxOptions{L2: -1}, inv, -1, "CoxOptions.L2"},
		{"NaN L2", obs, x, &survival.CoxOptions{L2: math.NaN()}, inv, -1, "CoxOptions.L2"},
		{"infinite L2", obs, x, &survival.CoxOptions{L2: math.Inf(1)}, inv, -1, "CoxOptions.L2"},
		{"negative MaxIterations", obs, x, &survival.CoxOptions{MaxIterations: -1}, inv, -1, "CoxOptions.MaxIterations"},
		{"NaN Tolerance", obs, x, &survival.CoxOptions{Tolerance: math.NaN()}, inv, -1, "CoxOptions.Tolerance"},
		{"Exact with a weight", with(3, survival.Observation{Time: 6, Event: true, Weight: 2}), x,
			&survival.CoxOptions{Ties: survival.Exact}, inv, 3, "Weight"},
		{"Exact and Robust", obs, x, &survival.CoxOptions{Ties: survival.Exact, Robust: true}, inv, -1, "CoxOptions.Robust"},
		{"collinear columns", obs, two, nil, sing, -1, "X"},
		{"constant column", obs, constant, nil, sing, -1, "X"},
		{"column constant within strata", obs, withinStrata, &survival.CoxOptions{Strata: strata}, sing, -1, "X"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obsBefore, xBefore := slices.Clone(tc.obs), cloneRows(tc.x)
			fit, err := survival.FitCox(tc.obs, tc.x, tc.opt)
			require.Nil(t, fit)
			checkCoxDataError(t, err, "survival.FitCox", tc.sentinel, tc.row, tc.field)
			require.True(t, slices.EqualFunc(obsBefore, tc.obs, sameObs))
			require.True(t, slices.EqualFunc(xBefore, tc.x, sameFloats))
		})
	}
	// The singular-column error names the aliased column.
	_, err := survival.FitCox(obs, two, &survival.CoxOptions{Names: []string{"x", "twice"}})
	require.ErrorContains(t, err, "1 (twice)")
}

// Monotone likelihood: every event has x = 1 and outlives nobody with
// x = 0, so β̂ = +∞. FitCox returns its last estimate with ErrNotConverged
// (not a DataError) naming the column; a ridge penalty makes it finite.
func TestFitCoxMonotoneLikelihood(t *testing.T) {
	obs := []survival.Observation{{Time: 1, Event: true}, {Time: 2, Event: true}, {Time: 3}, {Time: 4}, {Time: 5, Event: true}, {Time: 6}}
	x := [][]float64{{1, 0.3}, {1, -1}, {0, 0.2}, {0, 1.1}, {1, 0.5}, {0, -0.4}}
	for _, ties := range []survival.CoxTies{survival.Efron, survival.Breslow} {
		fit, err := survival.FitCox(obs, x, &survival.CoxOptions{Ties: ties, Names: []string{"sep", "noise"}})
		require.ErrorIs(t, err, survival.ErrNotConverged)
		var de *survival.DataError
		require.False(t, errors.As(err, &de))
		require.ErrorContains(t, err, "0 (sep)")
		require.NotContains(t, err.Error(), "1 (noise)")
		require.NotNil(t, fit)
		require.False(t, fit.Converged)
		require.Greater(t, fit.Coef[0], 5.0)
		ridge, err := survival.FitCox(obs, x, &survival.CoxOptions{Ties: ties, L2: 1})
		require.NoError(t, err)
		require.True(t, ridge.Converged)
		require.Less(t, ridge.Coef[0], fit.Coef[0])
	}
}

// Integer case weights fit like repeated rows: same coefficients,
// log-likelihood, variance, concordance and baseline (R's coxph treats
// weights as frequency weights; the concordance's jackknife SE is per row,
// so it is not compared).
func TestFitCoxWeightsAreCounts(t *testing.T) {
	obs, x := simulateCox(200, []float64{0.7, -0.4, 0.2}, true, 3)
	weighted := slices.Clone(obs)
	var repObs []survival.Observation
	var repX [][]float64
	for i := range weighted {
		k := 1 + i%3
		weighted[i].Weight = float64(k)
		for range k {
			repObs = append(repObs, obs[i])
			repX = append(repX, x[i])
		}
	}
	for _, ties := range []survival.CoxTies{survival.Efron, survival.Breslow} {
		a, err := survival.FitCox(weighted, x, &survival.CoxOptions{Ties: ties})
		require.NoError(t, err)
		b, err := survival.FitCox(repObs, repX, &survival.CoxOptions{Ties: ties})
		require.NoError(t, err)
		if ties == survival.Breslow {
			// Efron's rule with weights averages over tied rows, not over
			// tied units (R's convention), so only Breslow's is invariant.
			require.InDeltaSlice(t, b.Coef, a.Coef, 1e-10)
			require.InDelta(t, b.LogLikelihood, a.LogLikelihood, 1e-9)
			for j := range b.Cov {
				require.InDeltaSlice(t, b.Cov[j], a.Cov[j], 1e-10)
			}
			require.InDeltaSlice(t, b.Baseline[0].CumHazard, a.Baseline[0].CumHazard, 1e-10)
			require.InDelta(t, b.Concordance, a.Concordance, 1e-12)
		}
		require.False(t, a.Robust, "integer weights keep the model-based variance")
	}
}

// Rescaling a column rescales its coefficient and nothing else; relabelling
// strata and clusters changes nothing; the fit of the null model is its
// log-likelihood and a Breslow baseline equal to Nelson–Aalen.
func TestFitCoxInvariances(t *testing.T) {
	obs, x := simulateCox(300, []float64{0.5, -0.3}, true, 5)
	strata := make([]int, len(obs))
	relabelled := make([]int, len(obs))
	for i := range strata {
		strata[i] = i % 3
		relabelled[i] = []int{-7, 40, 3}[i%3]
	}
	base, err := survival.FitCox(obs, x, &survival.CoxOptions{Strata: strata, Cluster: strata})
	require.NoError(t, err)
	scaled := cloneRows(x)
	for _, r := range scaled {
		r[1] = 1000*r[1] + 5
	}
	s, err := survival.FitCox(obs, scaled, &survival.CoxOptions{Strata: relabelled, Cluster: relabelled})
	require.NoError(t, err)
	require.InDelta(t, base.Coef[0], s.Coef[0], 1e-10)
	require.InDelta(t, base.Coef[1]/1000, s.Coef[1], 1e-13)
	require.InDelta(t, base.StdErr[1]/1000, s.StdErr[1], 1e-13)
	require.InDelta(t, base.LogLikelihood, s.LogLikelihood, 1e-9)
	require.InDelta(t, base.Concordance, s.Concordance, 1e-12)
	// Baselines come in label order: −7, 3, 40 = strata 0, 2, 1.
	require.Equal(t, []int{-7, 3, 40}, []int{s.Baseline[0].Stratum, s.Baseline[1].Stratum, s.Baseline[2].Stratum})
	for k, label := range []int{0, 2, 1} {
		require.Equal(t, base.Baseline[label].Time, s.Baseline[k].Time)
	}

	null, err := survival.FitCox(obs, nil, &survival.CoxOptions{Ties: survival.Breslow})
	require.NoError(t, err)
	require.Empty(t, null.Coef)
	require.Equal(t, null.NullLogLikelihood, null.LogLikelihood)
	require.True(t, math.IsNaN(null.LikelihoodRatio.P))
	na, err := survival.NelsonAalen(obs, nil)
	require.NoError(t, err)
	require.Equal(t, na.Time, null.Baseline[0].Time)
	require.InDeltaSlice(t, na.Hazard, null.Baseline[0].CumHazard, 1e-12)
	_, _, err = null.PHTest()
	require.ErrorIs(t, err, survival.ErrEmpty)
}

// R's time merge: times 1e-12 apart are one time unless ExactTimes.
func TestFitCoxTimeMerge(t *testing.T) {
	obs, x := simulateCox(100, []float64{0.5}, true, 21)
	near := slices.Clone(obs)
	for i := range near {
		if i%2 == 0 {
			near[i].Time += 1e-12 * near[i].Time
		}
	}
	plain, err := survival.FitCox(obs, x, nil)
	require.NoError(t, err)
	merged, err := survival.FitCox(near, x, nil)
	require.NoError(t, err)
	require.InDeltaSlice(t, plain.Coef, merged.Coef, 1e-12)
	exact, err := survival.FitCox(near, x, &survival.CoxOptions{ExactTimes: true})
	require.NoError(t, err)
	require.Greater(t, math.Abs(plain.Coef[0]-exact.Coef[0]), 1e-6)
}

// Nothing FitCox or its methods are given is modified.
func TestCoxInputsUnchanged(t *testing.T) {
	obs, x := simulateCox(120, []float64{0.4, 0.2}, true, 9)
	for i := range obs {
		obs[i].Weight = float64(1 + i%2)
		if i%5 == 0 && obs[i].Time > 2 {
			obs[i].Entry = 1
		}
	}
	strata := make([]int, len(obs))
	cluster := make([]int, len(obs))
	for i := range strata {
		strata[i], cluster[i] = i%2, i/3
	}
	names := []string{"a", "b"}
	opt := &survival.CoxOptions{Strata: strata, Cluster: cluster, Names: names}
	ob, xb, sb, cb, nb := slices.Clone(obs), cloneRows(x), slices.Clone(strata), slices.Clone(cluster), slices.Clone(names)
	optBefore := *opt
	fit, err := survival.FitCox(obs, x, opt)
	require.NoError(t, err)
	_, err = fit.Residuals(obs, x, opt)
	require.NoError(t, err)
	_, err = fit.PHTestWith(obs, x, opt, nil)
	require.NoError(t, err)
	xq := slices.Clone(x[0])
	_, err = fit.SurvivalCurve(xq, 1, nil)
	require.NoError(t, err)
	risk := make([]float64, len(obs))
	for i := range risk {
		risk[i] = fit.LinearPredictor(x[i])
	}
	rb := slices.Clone(risk)
	_, err = survival.Concordance(obs, risk, &survival.ConcordanceOptions{Strata: strata, Cluster: cluster})
	require.NoError(t, err)
	cuts := []float64{30, 10}
	_, err = survival.SplitAt(obs, x, cuts)
	require.NoError(t, err)
	require.Equal(t, ob, obs)
	require.Equal(t, xb, x)
	require.Equal(t, sb, strata)
	require.Equal(t, cb, cluster)
	require.Equal(t, nb, names)
	require.Equal(t, rb, risk)
	require.Equal(t, x[0], xq)
	require.Equal(t, []float64{30, 10}, cuts)
	require.Equal(t, optBefore.Names, opt.Names)
	// The fit keeps none of them.
	fit.Names[0] = "changed"
	require.Equal(t, "a", names[0])
}

// SplitAt: pieces cover each interval exactly, the event sits on the last
// piece, and a fit on the pieces (with the rows as clusters) is the fit on
// the rows.
func TestSplitAt(t *testing.T) {
	obs, x := simulateCox(150, []float64{0.6, -0.5}, true, 13)
	for i := range obs {
		if i%4 == 0 && obs[i].Time > 3 {
			obs[i].Entry = 2
		}
	}
	s, err := survival.SplitAt(obs, x, []float64{50, 10, 10, 0, 300})
	require.NoError(t, err)
	require.Len(t, s.X, len(s.Obs))
	require.Len(t, s.Row, len(s.Obs))
	for k, p := range s.Obs {
		o := obs[s.Row[k]]
		require.Less(t, p.Entry, p.Time)
		last := k+1 == len(s.Obs) || s.Row[k+1] != s.Row[k]
		require.Equal(t, last && o.Event, p.Event)
		if last {
			require.Equal(t, o.Time, p.Time)
		}
		if k == 0 || s.Row[k-1] != s.Row[k] {
			require.Equal(t, o.Entry, p.Entry)
		} else {
			require.Equal(t, s.Obs[k-1].Time, p.Entry)
		}
		wantEp := 0
		for _, c := range []float64{0, 10, 50, 300} { // as R's findInterval(start, cut)
			if c <= p.Entry {
				wantEp++
			}
		}
		require.Equal(t, wantEp, s.Episode[k])
	}
	a, err := survival.FitCox(obs, x, &survival.CoxOptions{Robust: true})
	require.NoError(t, err)
	b, err := survival.FitCox(s.Obs, s.X, &survival.CoxOptions{Cluster: s.Row})
	require.NoError(t, err)
	require.InDeltaSlice(t, a.Coef, b.Coef, 1e-12)
	require.InDeltaSlice(t, a.StdErr, b.StdErr, 1e-12)
	require.InDelta(t, a.LogLikelihood, b.LogLikelihood, 1e-9)

	_, err = survival.SplitAt(obs, x, []float64{math.NaN()})
	checkCoxDataError(t, err, "survival.SplitAt", survival.ErrInvalid, -1, "cuts")
	_, err = survival.SplitAt([]survival.Observation{{Time: -1}}, nil, nil)
	checkCoxDataError(t, err, "survival.SplitAt", survival.ErrInvalid, 0, "Time")
}

// The methods of Cox return NaN or an error for arguments out of their
// domain, as documented, and never panic.
func TestCoxMethodsSpecialCases(t *testing.T) {
	obs, x := coxToy()
	fit, err := survival.FitCox(obs, x, nil)
	require.NoError(t, err)
	nan := math.NaN()
	for _, v := range []float64{
		fit.LinearPredictor(nil), fit.LinearPredictor([]float64{1, 2}), fit.LinearPredictor([]float64{math.Inf(1)}),
		fit.RiskScore(nil), fit.SurvivalAt([]float64{0}, 0, nan), fit.SurvivalAt([]float64{0}, 5, 1),
		fit.CumHazardAt([]float64{nan}, 0, 1), fit.Median([]float64{0}, 9),
	} {
		require.True(t, math.IsNaN(v))
	}
	require.Equal(t, 0.0, fit.CumHazardAt([]float64{1}, 0, 0.5))
	require.Equal(t, 1.0, fit.SurvivalAt([]float64{1}, 0, 0.5))
	for _, level := range []float64{-1, 1, nan} {
		s := fit.Summary(level)
		require.True(t, math.IsNaN(s[0].Lower) && math.IsNaN(s[0].Upper))
	}
	s := fit.Summary(0)
	require.InDelta(t, math.Exp(fit.Coef[0]), s[0].HazardRatio, 1e-15)
	require.Less(t, s[0].Lower, s[0].HazardRatio)
	require.InDelta(t, -2*fit.LogLikelihood+2, fit.AIC(), 1e-12)

	const fn = "survival.Cox.SurvivalCurve"
	_, err = fit.SurvivalCurve([]float64{0, 1}, 0, nil)
	checkCoxDataError(t, err, fn, survival.ErrInvalid, -1, "x")
	_, err = fit.SurvivalCurve([]float64{0}, 2, nil)
	checkCoxDataError(t, err, fn, survival.ErrInvalid, -1, "stratum")
	_, err = fit.SurvivalCurve([]float64{0}, 0, &survival.CoxCurveOptions{Level: 2})
	checkCoxDataError(t, err, fn, survival.ErrInvalid, -1, "CoxCurveOptions.Level")
	_, err = fit.SurvivalCurve([]float64{0}, 0, &survival.CoxCurveOptions{Conf: 9})
	checkCoxDataError(t, err, fn, survival.ErrInvalid, -1, "CoxCurveOptions.Conf")
	hand := &survival.Cox{Coef: []float64{1}, Means: []float64{0}, Baseline: []survival.CoxBaseline{{}}}
	_, err = hand.SurvivalCurve([]float64{0}, 0, nil)
	checkCoxDataError(t, err, fn, survival.ErrInvalid, -1, "Cox.Baseline")
	_, _, err = hand.PHTest()
	checkCoxDataError(t, err, "survival.Cox.PHTest", survival.ErrInvalid, -1, "")

	_, err = fit.PHTestWith(obs, x, nil, &survival.PHTestOptions{Transform: 7})
	checkCoxDataError(t, err, "survival.Cox.PHTestWith", survival.ErrInvalid, -1, "PHTestOptions.Transform")
	zero := slices.Clone(obs)
	zero[1].Time = 0
	_, err = fit.PHTestWith(zero, x, nil, &survival.PHTestOptions{Transform: survival.PHLog})
	checkCoxDataError(t, err, "survival.Cox.PHTestWith", survival.ErrInvalid, 1, "Time")
	_, err = fit.Residuals(obs, [][]float64{{1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}}, nil)
	checkCoxDataError(t, err, "survival.Cox.Residuals", survival.ErrInvalid, -1, "X")
}

// Concordance's bad inputs, and HarrellC/UnoC's NaN for them.
func TestConcordanceBadInput(t *testing.T) {
	obs, _ := coxToy()
	risk := []float64{0, 1, 1, 1, 0, 0}
	const fn = "survival.Concordance"
	tests := []struct {
		name     string
		obs      []survival.Observation
		risk     []float64
		opt      *survival.ConcordanceOptions
		sentinel error
		row      int
		field    string
	}{
		{"risk of the wrong length", obs, risk[:2], nil, survival.ErrInvalid, -1, "risk"},
		{"NaN risk", obs, []float64{0, 1, math.NaN(), 1, 0, 0}, nil, survival.ErrInvalid, 2, "risk"},
		{"bad observation", []survival.Observation{{Time: 1, Event: true}, {Time: math.Inf(1)}}, []float64{1, 2}, nil, survival.ErrInvalid, 1, "Time"},
		{"unknown convention", obs, risk, &survival.ConcordanceOptions{Convention: 2}, survival.ErrInvalid, -1, "ConcordanceOptions.Convention"},
		{"NaN tau", obs, risk, &survival.ConcordanceOptions{Tau: math.NaN()}, survival.ErrInvalid, -1, "ConcordanceOptions.Tau"},
		{"Uno with late entry", []survival.Observation{{Time: 1, Event: true}, {Time: 2, Entry: 0.5}}, []float64{1, 2},
			&survival.ConcordanceOptions{Uno: true}, survival.ErrInvalid, 1, "Entry"},
		{"no comparable pair", []survival.Observation{{Time: 2, Event: true}, {Time: 1}}, []float64{1, 2}, nil, survival.ErrEmpty, -1, ""},
		{"no rows", nil, nil, nil, survival.ErrEmpty, -1, ""},
		{"strata of the wrong length", obs, risk, &survival.ConcordanceOptions{Strata: []int{1}}, survival.ErrInvalid, -1, "CoxOptions.Strata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := survival.Concordance(tc.obs, tc.risk, tc.opt)
			require.Nil(t, r)
			checkCoxDataError(t, err, fn, tc.sentinel, tc.row, tc.field)
			if tc.opt == nil {
				require.True(t, math.IsNaN(survival.HarrellC(tc.obs, tc.risk)))
				require.True(t, math.IsNaN(survival.UnoC(tc.obs, tc.risk, 0)))
			}
		})
	}
}

// sksurvConcordance is scikit-survival's concordance_index_censored and
// concordance_index_ipcw (sksurv/metrics.py, _estimate_concordance_index
// and _get_comparable; sksurv/nonparametric.py, CensoringDistributionEstimator
// with kaplan_meier_estimator(reverse=True)) written out pair by pair: an
// independent O(n²) reference for ConcordanceSksurv.
func sksurvConcordance(obs []survival.Observation, risk []float64, uno bool, tau float64) float64 {
	n := len(obs)
	g := func(t float64) float64 { // censoring KM at t, censorings at t included
		s := 1.0
		var times []float64
		for _, o := range obs {
			if !o.Event && o.Time <= t {
				times = append(times, o.Time)
			}
		}
		slices.Sort(times)
		times = slices.Compact(times)
		for _, u := range times {
			atRisk, dead, cens := 0.0, 0.0, 0.0
			for _, o := range obs {
				if o.Time >= u {
					atRisk++
				}
				if o.Time == u {
					if o.Event {
						dead++
					} else {
						cens++
					}
				}
			}
			s *= 1 - cens/(atRisk-dead)
		}
		return s
	}
	num, den := 0.0, 0.0
	for i := range n {
		if !obs[i].Event {
			continue
		}
		w := 1.0
		if uno {
			if tau > 0 && obs[i].Time >= tau {
				continue
			}
			gi := g(obs[i].Time)
			w = 1 / (gi * gi)
		}
		for j := range n {
			if obs[j].Time > obs[i].Time || obs[j].Time == obs[i].Time && !obs[j].Event {
				den += w
				switch {
				case math.Abs(risk[j]-risk[i]) <= 1e-8:
					num += w / 2
				case risk[j] < risk[i]:
					num += w
				}
			}
		}
	}
	return num / den
}

// ConcordanceSksurv against the pairwise reference, on data with ties in
// time, in risk and risks 1e-9 apart (tied for scikit-survival, not for R),
// and censorings tied with events (where G(t) and G(t−) differ).
func TestConcordanceSksurv(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	obs := make([]survival.Observation, 200)
	risk := make([]float64, len(obs))
	for i := range obs {
		obs[i] = survival.Observation{Time: float64(1 + rng.IntN(30)), Event: rng.Float64() < 0.6}
		risk[i] = float64(rng.IntN(40)) / 4
		if i%7 == 0 {
			risk[i] += 1e-9
		}
	}
	// scikit-survival's G(t) includes the censorings at t: where everyone
	// left at the last time is censored or dead it is 0 there, and
	// concordance_index_ipcw raises ValueError.
	_, err := survival.Concordance(obs, risk, &survival.ConcordanceOptions{Uno: true, Convention: survival.ConcordanceSksurv})
	var de *survival.DataError
	require.ErrorAs(t, err, &de)
	checkCoxDataError(t, err, "survival.Concordance", survival.ErrInvalid, de.Row, "Time")
	require.Equal(t, 30.0, obs[de.Row].Time)
	for i := range obs {
		if obs[i].Time == 30 {
			obs[i].Event = true
		}
	}
	for _, tc := range []struct {
		uno bool
		tau float64
	}{{false, 0}, {true, 0}, {true, 20}} {
		got, err := survival.Concordance(obs, risk, &survival.ConcordanceOptions{Uno: tc.uno, Tau: tc.tau,
			Convention: survival.ConcordanceSksurv})
		require.NoError(t, err)
		require.InDelta(t, sksurvConcordance(obs, risk, tc.uno, tc.tau), got.C, 1e-12, "uno %v tau %g", tc.uno, tc.tau)
		r, err := survival.Concordance(obs, risk, &survival.ConcordanceOptions{Uno: tc.uno, Tau: tc.tau})
		require.NoError(t, err)
		require.NotEqual(t, got.C, r.C, "the conventions differ on these data")
	}
}

// Risks that all round to one float32 (and ties among them) sort and count
// like any others: C equals the C of the same scores spread out.
func TestConcordanceNearlyEqualRisks(t *testing.T) {
	obs, x := simulateCox(3000, []float64{0.5, -0.5}, true, 23)
	spread, near := make([]float64, len(x)), make([]float64, len(x))
	for i, r := range x {
		spread[i] = math.Round((r[0]-r[1])*100) / 100
		near[i] = 1 + spread[i]*1e-12
	}
	a, err := survival.Concordance(obs, spread, nil)
	require.NoError(t, err)
	b, err := survival.Concordance(obs, near, nil)
	require.NoError(t, err)
	require.Equal(t, a.Concordant, b.Concordant)
	require.Equal(t, a.TiedRisk, b.TiedRisk)
	require.InDelta(t, a.C, b.C, 1e-15)
}
