package churn

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// requireFinite fails unless every value is finite.
func requireFinite(t *testing.T, what string, vs ...float64) {
	t.Helper()
	for i, v := range vs {
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s[%d] = %v", what, i, v)
	}
}

func TestFitLogisticInterceptOnly(t *testing.T) {
	// The null model of the Spector data (11 of 32 improved). Closed form:
	// intercept logit(11/32) = ln(11/21), SE = 1/sqrt(N·ȳ(1−ȳ)) =
	// sqrt(32/231), ℓ = ℓ_0 = 11·ln(11/32) + 21·ln(21/32). statsmodels
	// 0.13.5+dfsg Logit(grade, ones((32, 1))) gives params
	// −0.6466271649250523, bse 0.37219368415938836, llf
	// −20.591729696617286, the values checked below.
	_, y := spectorXY()
	nilRows := make([][]float64, len(y))
	emptyRows := make([][]float64, len(y))
	for i := range emptyRows {
		emptyRows[i] = []float64{}
	}
	for name, X := range map[string][][]float64{"nil rows": nilRows, "empty rows": emptyRows} {
		t.Run(name, func(t *testing.T) {
			fit, err := FitLogistic(X, y, nil)
			require.NoError(t, err)
			assert.True(t, fit.Converged)
			assert.Empty(t, fit.Coef)
			assert.Empty(t, fit.StdErr)
			assert.InEpsilon(t, -0.6466271649250523, fit.Intercept, 1e-13)
			assert.InEpsilon(t, 0.37219368415938836, fit.InterceptStdErr, 1e-12)
			assert.InEpsilon(t, -20.591729696617286, fit.LogLikelihood, 1e-13)
			assert.InEpsilon(t, fit.NullLogLikelihood, fit.LogLikelihood, 1e-14)
			assert.InEpsilon(t, 11.0/32, fit.Prob(nil), 1e-13)
			stat, df, p := fit.LikelihoodRatio()
			assert.Zero(t, df)
			assert.InDelta(t, 0, stat, 1e-12)
			assert.Equal(t, 1.0, p)
			require.Len(t, fit.Summary(0.95), 1)
			assert.Empty(t, fit.Reasons(nil))
		})
	}
	// Weighted: intercept logit of the weighted mean (hand: w = 3 on the
	// churners makes it ln(33/21)).
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1 + 2*float64(b2i(y[i]))
	}
	fit, err := FitLogistic(nilRows, y, &LogisticOptions{Weights: w})
	require.NoError(t, err)
	assert.InEpsilon(t, math.Log(33.0/21), fit.Intercept, 1e-13)
	assert.InEpsilon(t, 1/math.Sqrt(54*(33.0/54)*(21.0/54)), fit.InterceptStdErr, 1e-12)
}

// scaledWeights returns the Spector fit with every weight c (nil for 1).
func spectorWithWeights(t *testing.T, c float64) *Logistic {
	t.Helper()
	X, y := spectorXY()
	var w []float64
	if c != 1 {
		w = make([]float64, len(X))
		for i := range w {
			w[i] = c
		}
	}
	fit, err := FitLogistic(X, y, &LogisticOptions{Weights: w})
	require.NoError(t, err, "weights %g", c)
	return fit
}

func TestFitLogisticWeightScale(t *testing.T) {
	// Case weights c·w give the coefficients of w (ℓ is homogeneous in w):
	// before weights were normalised, c = 1e-300 panicked ("mat: zero
	// length"), c = 1e-310 stopped with a non-positive-definite Hessian and
	// c = 1e300 reported a bogus collinearity. ℓ, ℓ_0 and N scale with c,
	// the covariance with 1/c.
	ref := spectorWithWeights(t, 1)
	for _, c := range []float64{1e-300, 1e-310, 0x1p-1000, 1e-200, 3.7, 1e200, 1e300, 1e306} {
		fit := spectorWithWeights(t, c)
		b, se := estimates(fit)
		rb, rse := estimates(ref)
		requireRel(t, rb, b, 1e-12, "beta")
		// SE ∝ 1/sqrt(c).
		for i := range rse {
			rse[i] /= math.Sqrt(c)
		}
		requireRel(t, rse, se, 1e-12, "SE")
		requireFinite(t, "ℓ, ℓ0, N", fit.LogLikelihood, fit.NullLogLikelihood, fit.N)
		assert.InEpsilon(t, c*ref.LogLikelihood, fit.LogLikelihood, 1e-12)
		assert.InEpsilon(t, c*ref.NullLogLikelihood, fit.NullLogLikelihood, 1e-12)
		assert.InEpsilon(t, 32*c, fit.N, 1e-12)
		assert.Equal(t, ref.Iterations, fit.Iterations, "the stopping rule is scale-free")
	}
	// A power of two scales exactly.
	fit := spectorWithWeights(t, 0x1p-900)
	assert.Equal(t, ref.Coef, fit.Coef)
	assert.Equal(t, ref.Intercept, fit.Intercept)
	assert.Equal(t, math.Ldexp(ref.LogLikelihood, -900), fit.LogLikelihood)

	// Weights whose sum overflows, or a class carrying a share of the
	// weight no fit can resolve: errors, not NaN.
	X, y := spectorXY()
	huge := make([]float64, len(X))
	for i := range huge {
		huge[i] = 1e308
	}
	_, err := FitLogistic(X, y, &LogisticOptions{Weights: huge})
	require.ErrorIs(t, err, clv.ErrInvalid)
	lop := make([]float64, len(X))
	for i := range lop {
		lop[i] = 1
		if y[i] {
			lop[i] = 1e-280
		}
	}
	_, err = FitLogistic(X, y, &LogisticOptions{Weights: lop})
	require.ErrorIs(t, err, clv.ErrInvalid)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "LogisticOptions.Weights", de.Field)
	// A lopsided but resolvable share: the null log-likelihood must not
	// lose the small class to cancellation (Σw − Σ_churned w).
	for i := range lop {
		if y[i] {
			lop[i] = 1e-30
		}
	}
	fit, err = FitLogistic(make([][]float64, len(X)), y, &LogisticOptions{Weights: lop})
	require.NoError(t, err)
	assert.InEpsilon(t, math.Log(11e-30/21), fit.Intercept, 1e-12)
	requireFinite(t, "ℓ, ℓ0", fit.LogLikelihood, fit.NullLogLikelihood, fit.InterceptStdErr)
}

func TestFitLogisticFeatureScale(t *testing.T) {
	// Logistic regression is equivariant under column scaling: x·c has
	// coefficient β/c. Features around 1e-170 were reported as constant
	// and features around 1e170 as too large, because the squares in the
	// moments left the float64 range.
	X, y := spectorXY()
	ref, err := FitLogistic(X, y, nil)
	require.NoError(t, err)
	for _, c := range []float64{1e-170, 1e-300, 1e170, 1e300} {
		Xs := cloneRows(X)
		for _, r := range Xs {
			r[0] *= c
		}
		Xc := cloneRows(Xs)
		fit, err := FitLogistic(Xs, y, nil)
		require.NoError(t, err, "scale %g", c)
		assert.Equal(t, Xc, Xs)
		assert.InEpsilon(t, ref.Coef[0]/c, fit.Coef[0], 1e-10, "scale %g", c)
		assert.InEpsilon(t, ref.StdErr[0]/c, fit.StdErr[0], 1e-10, "scale %g", c)
		assert.InEpsilon(t, ref.Intercept, fit.Intercept, 1e-10, "scale %g", c)
		assert.InEpsilon(t, ref.LogLikelihood, fit.LogLikelihood, 1e-12, "scale %g", c)
	}
	// Beyond the range: |x| ≥ 2^1023 (x − μ may overflow), or a column whose
	// values are all subnormal (1/σ overflows).
	for _, v := range []float64{math.MaxFloat64, 1e-310} {
		Xs := cloneRows(X)
		for i, r := range Xs {
			r[1] = v * float64(1+i%3)
		}
		_, err := FitLogistic(Xs, y, &LogisticOptions{Names: []string{"GPA", "TUCE", "PSI"}})
		require.ErrorIs(t, err, clv.ErrInvalid, "value %g", v)
		var de *clv.DataError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "TUCE", de.Field)
	}
}

func TestFitLogisticDegenerateWeights(t *testing.T) {
	// Inputs found by a randomised search that panicked inside gonum:
	// "mat: zero length" (rank check of an underflowed information
	// matrix), "lp: subcolumns of A for supplied initial basic singular"
	// (phase one of gonum's simplex) and "mat: invalid Cholesky
	// factorization" (the rank check's unchecked factorisation). Each
	// must now return (a fit or an error) without panicking.
	for _, tc := range []struct {
		name string
		X    [][]float64
		y    []bool
		w    []float64
	}{
		{"zero information", [][]float64{{0, 3}, {1, 0}, {3, 2}, {3, 0}, {1, 3}}, labels(1, 0, 0, 0, 1),
			[]float64{1e-41, 1e-323, 1e-58, 1e-284, 1e-286}},
		{"simplex phase one", [][]float64{{0}, {1}}, labels(0, 1), []float64{1e-18, 1e-104}},
		{"kept block not positive definite", [][]float64{{1, 0, 2}, {0, 0, 0}, {1, 0, 2}, {1, 3, 1}}, labels(1, 0, 0, 1),
			[]float64{1e-284, 1e-212, 1e-197, 1e-263}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Xc, wc := cloneRows(tc.X), slices.Clone(tc.w)
			fit, err := FitLogistic(tc.X, tc.y, &LogisticOptions{Weights: tc.w})
			if err == nil {
				requireFinite(t, "β", append([]float64{fit.Intercept, fit.LogLikelihood}, fit.Coef...)...)
			} else {
				var de *clv.DataError
				require.ErrorAs(t, err, &de)
			}
			assert.Equal(t, Xc, tc.X)
			assert.Equal(t, wc, tc.w)
		})
	}
}

func TestSeparationLP(t *testing.T) {
	// Konis (2007) LP optimum: 0 for overlapping data, > 0 for separated
	// ones. Spector overlaps (MODELS.md §11: LP optimum 0).
	for _, tc := range []struct {
		name      string
		X         [][]float64
		y         []bool
		separated bool
	}{
		{"spector", nil, nil, false},
		{"complete", oneFeature(1, 2, 3, 4, 5, 6), labels(0, 0, 0, 1, 1, 1), true},
		{"quasi", oneFeature(1, 2, 3, 3, 4, 5), labels(0, 0, 0, 1, 1, 1), true},
		{"overlap", oneFeature(1, 2, 3, 1, 2, 3), labels(0, 0, 0, 1, 1, 1), false},
		{"two rows", oneFeature(0, 1), labels(0, 1), true},
		{"duplicated rows, both labels", [][]float64{{1, 2}, {1, 2}, {3, 1}, {3, 1}, {2, 2}, {2, 2}}, labels(0, 1, 0, 1, 0, 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			X, y := tc.X, tc.y
			if X == nil {
				X, y = spectorXY()
			}
			k := len(X[0])
			names := featureNames(nil, k)
			smp, err := prepare("test", X, y, k, names, LogisticOptions{})
			require.NoError(t, err)
			d := newDesign(X, y, smp.w, smp.mu)
			d.colScale = smp.colScale
			G, _ := d.moments()
			d.invSD, err = inverseSDs("test", G, smp, names)
			require.NoError(t, err)
			v, ok := separationLP(d)
			require.True(t, ok)
			assert.Equal(t, tc.separated, v > 1e-7, "optimum %v", v)
			assert.GreaterOrEqual(t, v, 0.0)
		})
	}
}

func TestFuzzFindings(t *testing.T) {
	// FuzzFitLogistic: features near 1e300 with weights 2^174 and a raw-
	// scale penalty. The slope SEs are about 1e-353, below the float64
	// range: 0 is their correctly rounded value, never NaN, and the
	// estimates stay finite.
	a, b, c, d := 1e300, -1.1666666666666667e300, -288.0, 5.0
	X := [][]float64{{a, b}, {b, c}, {c, d}, {d, a}, {a + 1, c}, {b, d - 1}}
	w := []float64{1, 3, 3, 1, 1, 3}
	for i := range w {
		w[i] = math.Ldexp(w[i], 174)
	}
	fit, err := FitLogistic(X, labels(1, 1, 1, 1, 0, 0), &LogisticOptions{L2: 0.3, Weights: w, BalanceClasses: true})
	require.NoError(t, err)
	requireFinite(t, "β", append([]float64{fit.Intercept}, fit.Coef...)...)
	for _, se := range fit.StdErr {
		assert.GreaterOrEqual(t, se, 0.0)
	}

	// FuzzMetrics: ROC's last TPR was 1 + 2^-52 because P was summed row
	// by row and the running TP group by group.
	s := []float64{0.10000000000000142, -25.6, -73.65, 257.4, 0.10000000000000142, -73.65}
	y := labels(1, 1, 0, 1, 1, 0)
	ws := []float64{1.0 / 3, 1, 1, 1, 2, 1}
	for i := range ws {
		ws[i] = math.Ldexp(ws[i], 137)
	}
	roc := ROC(s, y, ws)
	require.NotEmpty(t, roc)
	assert.Equal(t, 1.0, roc[len(roc)-1].TPR)
	assert.Equal(t, 1.0, roc[len(roc)-1].FPR)
}

// Horizons and windows longer than the calendar overflowed the day
// arithmetic: a customer who bought again was labelled churned, the trend
// feature was wrong, and TimeSplit put a row just before the cutoff into
// training. They now mean "longer than any data".
func TestHugeDayCounts(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tx := []clv.Transaction{{CustomerID: "a", At: d(2020, 1, 1), Amount: 1}, {CustomerID: "a", At: d(2020, 1, 5), Amount: 1}}
	ds, err := Build(tx, []time.Time{d(2020, 1, 3)}, &FeatureOptions{Horizon: math.MaxInt})
	require.NoError(t, err)
	for _, c := range ds.Churned {
		assert.False(t, c, "a bought again on Jan 5")
	}
	huge, err := Build(tx, []time.Time{d(2020, 1, 5)}, &FeatureOptions{Windows: []int{math.MaxInt}, Censored: KeepCensored})
	require.NoError(t, err)
	big, err := Build(tx, []time.Time{d(2020, 1, 5)}, &FeatureOptions{Windows: []int{1 << 40}, Censored: KeepCensored})
	require.NoError(t, err)
	assert.Equal(t, big.X, huge.X)
	tr, te := TimeSplit([]time.Time{d(2020, 6, 30), d(2020, 7, 1)}, d(2020, 7, 1), math.MaxInt)
	assert.Empty(t, tr)
	assert.Equal(t, []int{1}, te)
}

// With a churn rate of 1e-17 the null log-likelihood keeps its ln(1 − ȳ)
// term, so the null model's McFadden R² is 0, not −0.025.
func TestNullLogLikelihoodRareClass(t *testing.T) {
	l, err := FitLogistic([][]float64{{}, {}, {}, {}}, []bool{true, false, false, false},
		&LogisticOptions{Weights: []float64{1e-17, 1, 1, 1}})
	require.NoError(t, err)
	assert.InEpsilon(t, l.LogLikelihood, l.NullLogLikelihood, 1e-9)
}

// A ridge weight so large that the penalised Hessian is ill-conditioned
// (λ ≥ 1e17) holds the slope at 0 with finite standard errors, as the doc
// says; it used to stop with "Hessian not positive definite".
func TestHugeL2HoldsCoefficientsAtZero(t *testing.T) {
	for _, l2 := range []float64{1e17, 1e100, math.MaxFloat64} {
		l, err := FitLogistic([][]float64{{1}, {2}, {3}, {4}}, []bool{true, false, true, false}, &LogisticOptions{L2: l2})
		require.NoError(t, err, "L2 = %g", l2)
		assert.InDelta(t, 0, l.Coef[0], 1e-12, "L2 = %g", l2)
		assert.False(t, math.IsNaN(l.StdErr[0]), "L2 = %g", l2)
	}
}
