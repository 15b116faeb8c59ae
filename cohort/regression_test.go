package cohort_test

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/sajari/regression"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

func TestFitTrend(t *testing.T) {
	ts := []float64{1, 2, 3, 4, 5}
	gen := func(f func(float64) float64) []float64 {
		y := make([]float64, len(ts))
		for i, v := range ts {
			y[i] = f(v)
		}
		return y
	}
	cases := []struct {
		name string
		form cohort.Form
		t, y []float64
		coef []float64
		r2   float64
	}{
		// Exact curves: the generating coefficients come back with R² = 1.
		{"linear exact", cohort.Linear, ts, gen(func(t float64) float64 { return 2 + 3*t }), []float64{2, 3}, 1},
		{"quadratic exact", cohort.Quadratic, ts, gen(func(t float64) float64 { return 1 - 0.5*t + 0.25*t*t }), []float64{1, -0.5, 0.25}, 1},
		{"exponential exact", cohort.Exponential, ts, gen(func(t float64) float64 { return math.Exp(0.1 - 0.2*t) }), []float64{0.1, -0.2}, 1},
		{"power exact", cohort.Power, ts, gen(func(t float64) float64 { return 3 * math.Pow(t, -0.5) }), []float64{math.Log(3), -0.5}, 1},
		// By hand: t̄ = 2, ȳ = 2, Sxy = 1, Sxx = 2 → b₁ = 0.5, b₀ = 1;
		// fitted 1.5, 2, 2.5 → SSE = 1.5, SST = 2, R² = 0.25.
		{"linear by hand", cohort.Linear, []float64{1, 2, 3}, []float64{1, 3, 2}, []float64{1, 0.5}, 0.25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tIn, yIn := slices.Clone(tc.t), slices.Clone(tc.y)
			tr, err := cohort.FitTrend(tc.form, tc.t, tc.y)
			require.NoError(t, err)
			require.Equal(t, tIn, tc.t, "t modified")
			require.Equal(t, yIn, tc.y, "y modified")
			require.Len(t, tr.Coef, len(tc.coef))
			require.InDeltaSlice(t, tc.coef, tr.Coef, 1e-9)
			require.InDelta(t, tc.r2, tr.R2, 1e-9)
			for i, v := range tc.t {
				if tc.r2 == 1 {
					require.InDelta(t, tc.y[i], tr.At(v), 1e-9)
				}
			}
		})
	}
}

// sajari/regression gives no error for a rank-deficient design: with a
// constant regressor (collinear with the intercept) it divides by a zero
// pivot and returns coefficients of order 1e15; with two collinear
// regressors it returns one arbitrary solution among infinitely many.
// FitTrend refuses both with clv.ErrSingular.
func TestRankDeficientDesign(t *testing.T) {
	var constant regression.Regression
	for i := range 5 {
		constant.Train(regression.DataPoint(float64(10-i), []float64{3}))
	}
	require.NoError(t, constant.Run())
	coef := constant.GetCoeffs()
	require.Greater(t, math.Abs(coef[1]), 1e10, "the library's answer for a singular design: %v", coef)

	_, err := cohort.FitTrend(cohort.Linear, []float64{3, 3, 3, 3, 3}, []float64{10, 9, 8, 7, 6})
	require.ErrorIs(t, err, clv.ErrSingular)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "cohort.FitTrend", de.Func)

	// Two distinct times cannot fix a quadratic's three coefficients.
	_, err = cohort.FitTrend(cohort.Quadratic, []float64{1, 1, 2, 2}, []float64{1, 2, 3, 4})
	require.ErrorIs(t, err, clv.ErrSingular)
}

func TestFitTrendErrors(t *testing.T) {
	cases := []struct {
		name  string
		form  cohort.Form
		t, y  []float64
		row   int
		field string
	}{
		{"NaN t", cohort.Linear, []float64{1, math.NaN(), 3}, []float64{1, 2, 3}, 1, "t"},
		{"Inf y", cohort.Linear, []float64{1, 2, 3}, []float64{1, 2, math.Inf(1)}, 2, "y"},
		{"y ≤ 0 exponential", cohort.Exponential, []float64{1, 2, 3}, []float64{1, 0, 3}, 1, "y"},
		{"t ≤ 0 power", cohort.Power, []float64{0, 2, 3}, []float64{1, 2, 3}, 0, "t"},
		{"too few points", cohort.Quadratic, []float64{1, 2, 3}, []float64{1, 2, 3}, -1, "t"},
		// Once panics: an argument that is not a setting FitTrend knows.
		{"lengths differ", cohort.Linear, []float64{1, 2, 3}, []float64{1, 2}, -1, "y"},
		{"unknown form", cohort.Form(9), []float64{1, 2, 3}, []float64{1, 2, 3}, -1, "f"},
		{"negative form", cohort.Form(-1), []float64{1, 2, 3}, []float64{1, 2, 3}, -1, "f"},
	}
	for _, tc := range cases {
		var err error
		require.NotPanics(t, func() { _, err = cohort.FitTrend(tc.form, tc.t, tc.y) }, tc.name)
		require.ErrorIs(t, err, clv.ErrInvalid, tc.name)
		var de *clv.DataError
		require.ErrorAs(t, err, &de)
		require.Equal(t, tc.row, de.Row, tc.name)
		require.Equal(t, tc.field, de.Field, tc.name)
		require.Equal(t, "cohort.FitTrend", de.Func, tc.name)
	}
}

// Fader & Hardie (2007): fitted on years 0..7 of refdata
// sbg/fh2007_retention.csv, the sBG projects years 8..12 with a smaller
// error than every regression baseline. The sBG parameters are checked
// against MODELS.md §6 (Regular 0.7040773, 1.182043; High End 0.6680884,
// 3.806095).
func TestProjectRetentionFH2007(t *testing.T) {
	recs := refdatatest.CSV(t, "sbg/fh2007_retention.csv")
	require.Equal(t, []string{"year", "regular_alive", "highend_alive"}, recs[0])
	segments := []struct {
		name        string
		col         int
		alpha, beta float64
	}{
		{"regular", 1, 0.7040773, 1.182043},
		{"high end", 2, 0.6680884, 3.806095},
	}
	for _, seg := range segments {
		t.Run(seg.name, func(t *testing.T) {
			var alive []float64
			for _, r := range recs[1:] {
				v, err := strconv.ParseFloat(r[seg.col], 64)
				require.NoError(t, err)
				alive = append(alive, v)
			}
			require.Len(t, alive, 13)
			calib := slices.Clone(alive[:8])
			p, err := cohort.ProjectRetention(calib, nil)
			require.NoError(t, err)
			require.Equal(t, alive[:8], calib, "input modified")
			require.InDelta(t, seg.alpha, p.SBG.Alpha, 1e-5)
			require.InDelta(t, seg.beta, p.SBG.Beta, 1e-5)
			require.Len(t, p.Trends, 4)

			// Mean absolute percentage error of S(8..12).
			mape := func(m cohort.SurvivalModel) float64 {
				sum := 0.0
				for year := 8; year <= 12; year++ {
					actual := alive[year] / alive[0]
					sum += math.Abs(m.Survival(year)-actual) / actual
				}
				return 100 * sum / 5
			}
			sbg := mape(p.SBG)
			require.False(t, math.IsNaN(sbg))
			t.Logf("%s: sBG MAPE %.2f%%", seg.name, sbg)
			for _, tr := range p.Trends {
				e := mape(tr)
				t.Logf("%s: %v MAPE %.2f%% (R² %.4f)", seg.name, tr.Form, e, tr.R2)
				require.Less(t, sbg, e, "%v baseline", tr.Form)
			}
		})
	}
}

// A cohort that nobody leaves has no interior sBG optimum: the projection
// keeps the limiting sBG with its boundary error and still fits the
// baselines (it returned nil once fits began to report the boundary).
func TestProjectRetentionAtTheBoundary(t *testing.T) {
	p, err := cohort.ProjectRetention([]float64{10, 10, 10, 10, 10}, nil)
	require.ErrorIs(t, err, clv.ErrBoundary)
	require.NotNil(t, p)
	require.Len(t, p.Trends, 4)
	require.InDelta(t, 1, p.SBG.Survival(10), 1e-3)
}

// Values so large that t² or the sums of squares overflow are bad input
// (FitTrend used to panic in LAPACK, or return NaN coefficients with no
// error); a power trend evaluates in logs (At was Inf·0 = NaN).
func TestFitTrendExtremeValues(t *testing.T) {
	_, err := cohort.FitTrend(cohort.Quadratic, []float64{1e160, 2e160, 3e160, 4e160}, []float64{1, 2, 3, 5})
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "t", de.Field)
	require.Equal(t, 0, de.Row)
	_, err = cohort.FitTrend(cohort.Linear, []float64{1, 2, 3, 4}, []float64{1e300, -1e300, 1e300, 1e308})
	require.ErrorAs(t, err, &de)
	require.Equal(t, "y", de.Field)
	tr, err := cohort.FitTrend(cohort.Power, []float64{1e-300, 2e-300, 3e-300, 4e-300}, []float64{1, 2, 3, 5})
	require.NoError(t, err)
	require.InDelta(t, 0.96, tr.At(1e-300), 0.05)
}
