package cohort_test

import (
	"math"
	"slices"
	"strconv"
	"testing"

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

// A rank-deficient design has no unique least-squares solution: a
// constant regressor (collinear with the intercept) or fewer distinct
// times than coefficients is clv.ErrSingular, not an arbitrary answer.
func TestRankDeficientDesign(t *testing.T) {
	_, err := cohort.FitTrend(cohort.Linear, []float64{3, 3, 3, 3, 3}, []float64{10, 9, 8, 7, 6})
	require.ErrorIs(t, err, clv.ErrSingular)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "cohort.FitTrend", de.Func)

	// Two distinct times cannot fix a quadratic's three coefficients.
	_, err = cohort.FitTrend(cohort.Quadratic, []float64{1, 1, 2, 2}, []float64{1, 2, 3, 4})
	require.ErrorIs(t, err, clv.ErrSingular)
}

// TestFitTrendAgainstR checks coefficients and R² against R's lm on the
// same designs. Expected values: R 4.x, testdata/trendref.R (lm, then
// summary()$r.squared), on S(t), t = 1..7, of the two segments of Fader &
// Hardie (2007, Table 1) and on a made-up monthly cohort.
func TestFitTrendAgainstR(t *testing.T) {
	data := map[string][]float64{
		"regular": {631, 468, 382, 326, 289, 262, 241},
		"highend": {869, 743, 653, 593, 551, 517, 491},
		"monthly": {910, 830, 780, 740, 700, 690, 650, 630, 620, 600, 580, 570},
	}
	cases := []struct {
		data string
		form cohort.Form
		coef []float64
		r2   float64
	}{
		{"regular", cohort.Linear, []float64{0.61057142857142843, -0.059821428571428546}, 0.8739001589801354},
		{"regular", cohort.Quadratic, []float64{0.75957142857142801, -0.15915476190476166, 0.01241666666666664}, 0.98684842232566194},
		{"regular", cohort.Exponential, []float64{-0.4256940553028164, -0.15452743899853277}, 0.94974323067854183},
		{"regular", cohort.Power, []float64{-0.43549478918878559, -0.49948182496629928}, 0.99718768324318063},
		{"highend", cohort.Linear, []float64{0.87214285714285678, -0.060285714285714241}, 0.92417071449329569},
		{"highend", cohort.Quadratic, []float64{0.98871428571428488, -0.13799999999999965, 0.0097142857142856753}, 0.9961597542242705},
		{"highend", cohort.Exponential, []float64{-0.10648697002957101, -0.093137344748385392}, 0.9609763289489025},
		{"highend", cohort.Power, []float64{-0.11541716429164214, -0.29856728633253637}, 0.99241189302525146},
		{"monthly", cohort.Linear, []float64{0.87575757575757585, -0.028321678321678329}, 0.92977139045769108},
		{"monthly", cohort.Quadratic, []float64{0.94727272727272738, -0.058971028971029016, 0.0023576423576423615}, 0.98990687777502129},
		{"monthly", cohort.Exponential, []float64{-0.11822548482005915, -0.040099556554195226}, 0.9596861233464784},
		{"monthly", cohort.Power, []float64{-0.056985017633007555, -0.19325609470545352}, 0.97955519850994066},
	}
	for _, tc := range cases {
		alive := data[tc.data]
		ts, ys := make([]float64, len(alive)), make([]float64, len(alive))
		for i, a := range alive {
			ts[i], ys[i] = float64(i+1), a/1000
		}
		tr, err := cohort.FitTrend(tc.form, ts, ys)
		require.NoError(t, err)
		require.Len(t, tr.Coef, len(tc.coef))
		for j, want := range tc.coef {
			require.InEpsilon(t, want, tr.Coef[j], 1e-13, "%s %v b%d", tc.data, tc.form, j)
		}
		require.InDelta(t, tc.r2, tr.R2, 1e-13, "%s %v R²", tc.data, tc.form)
	}
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
