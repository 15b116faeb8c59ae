package churn

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// requireRel checks got against want to a relative tolerance, elementwise,
// and that every value is finite.
func requireRel(t *testing.T, want, got []float64, rel float64, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		require.False(t, math.IsNaN(got[i]) || math.IsInf(got[i], 0), "%s[%d] = %v", what, i, got[i])
		assert.InEpsilon(t, want[i], got[i], rel, "%s[%d]", what, i)
	}
}

func TestFitLogisticSpector(t *testing.T) {
	X, y := spectorXY()
	Xc, yc := cloneRows(X), slices.Clone(y)
	fit, err := FitLogistic(X, y, &LogisticOptions{Names: []string{"GPA", "TUCE", "PSI"}})
	require.NoError(t, err)
	assert.True(t, fit.Converged)
	assert.Equal(t, Xc, X, "X modified")
	assert.Equal(t, yc, y, "y modified")

	// MODELS.md §11 check values (statsmodels 0.13.5 / Stata, agreement ≤ 3e-14),
	// printed to 10 significant digits, hence 1e-9 relative.
	const rel = 1e-9
	terms := fit.Summary(0.95)
	col := func(f func(Term) float64) []float64 {
		out := make([]float64, len(terms))
		for i, tm := range terms {
			out[i] = f(tm)
		}
		return out
	}
	requireRel(t, []float64{-13.02134686, 2.826112595, 0.09515766132, 2.378687655}, col(func(t Term) float64 { return t.Estimate }), rel, "beta")
	requireRel(t, []float64{4.931324214, 1.262941076, 0.1415542057, 1.064564254}, col(func(t Term) float64 { return t.StdErr }), rel, "SE")
	requireRel(t, []float64{-2.640537570, 2.237723239, 0.6722347871, 2.234423751}, col(func(t Term) float64 { return t.Z }), rel, "z")
	requireRel(t, []float64{0.008277461435, 0.02523910880, 0.5014342381, 0.02545520436}, col(func(t Term) float64 { return t.P }), rel, "p")
	lr, df, lrP := fit.LikelihoodRatio()
	requireRel(t,
		[]float64{-12.88963422, -20.59172970, 15.40419095, 0.001501878682, 0.3740382954, 33.77926844, 39.64221206},
		[]float64{fit.LogLikelihood, fit.NullLogLikelihood, lr, lrP, fit.McFaddenR2(), fit.AIC(), fit.BIC()}, rel, "LL, LL0, LR, p(LR), R², AIC, BIC")
	assert.Equal(t, 3, df)
	assert.Equal(t, []string{"(Intercept)", "GPA", "TUCE", "PSI"}, col2names(terms))
	// Odds ratio and Wald interval are e^β and β ± 1.959963985·SE (normal quantile).
	assert.InEpsilon(t, math.Exp(2.826112595), terms[1].OddsRatio, rel)
	assert.InEpsilon(t, 2.826112595-1.959963985*1.262941076, terms[1].Lower, 1e-8)
	assert.InEpsilon(t, math.Exp(2.826112595+1.959963985*1.262941076), terms[1].OddsUpper, 1e-8)

	// MODELS.md §11: confusion at 0.5 is [[18, 3], [3, 8]] (rows actual 0/1, columns predicted 0/1).
	probs := make([]float64, len(X))
	for i, x := range X {
		probs[i] = fit.Prob(x)
	}
	assert.Equal(t, Confusion{TN: 18, FP: 3, FN: 3, TP: 8}, ConfusionAt(probs, y, nil, 0.5))
}

func col2names(ts []Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

func cloneRows(X [][]float64) [][]float64 {
	out := make([][]float64, len(X))
	for i, r := range X {
		out[i] = slices.Clone(r)
	}
	return out
}

func TestFitLogisticSpectorL2Standardized(t *testing.T) {
	X, y := spectorXY()
	fit, err := FitLogistic(X, y, &LogisticOptions{L2: 1, PenalizeStandardized: true})
	require.NoError(t, err)
	// MODELS.md §11: L2 with λ = 1 on standardised features (ddof 0),
	// back-transformed β = (−10.21579158, 2.12794442, 0.08517676, 1.80014876).
	// Printed to 8 decimals, hence an absolute 1e-8.
	got := append([]float64{fit.Intercept}, fit.Coef...)
	require.Len(t, got, 4)
	assert.InDeltaSlice(t, []float64{-10.21579158, 2.12794442, 0.08517676, 1.80014876}, got, 1e-8)
	assert.True(t, fit.Penalized())
	assert.True(t, math.IsNaN(fit.Summary(0.95)[1].P), "no p-values for a penalised fit")
}

// churnRef is the part of refdata churn/expected.json the tests use.
type churnRef struct {
	Features []string `json:"features"`
	NTrain   int      `json:"n_train"`
	Logit    struct {
		Params    []float64 `json:"params"`
		BSE       []float64 `json:"bse"`
		Z         []float64 `json:"z"`
		P         []float64 `json:"p"`
		LLF       float64   `json:"llf"`
		LLNull    float64   `json:"llnull"`
		AIC       float64   `json:"aic"`
		BIC       float64   `json:"bic"`
		PRSquared float64   `json:"prsquared"`
	} `json:"logit"`
	L2Lambda10 struct {
		Params []float64 `json:"params"`
	} `json:"l2_lambda10"`
	Test struct {
		AUC       float64 `json:"roc_auc"`
		LogLoss   float64 `json:"log_loss"`
		Brier     float64 `json:"brier"`
		AP        float64 `json:"average_precision"`
		ChurnRate float64 `json:"churn_rate"`
	} `json:"test_metrics_of_logit"`
}

// loadSynthetic returns the synthetic churn table split into train and test.
func loadSynthetic(t testing.TB) (ref churnRef, Xtr [][]float64, ytr []bool, Xte [][]float64, yte []bool) {
	refdatatest.JSON(t, "churn/expected.json", &ref)
	recs := refdatatest.CSV(t, "churn/synthetic_churn.csv")
	require.Equal(t, append([]string{"customer_id"}, append(ref.Features, "churned")...), recs[0])
	for i, r := range recs[1:] {
		row := make([]float64, len(ref.Features))
		for j := range row {
			v, err := strconv.ParseFloat(r[j+1], 64)
			require.NoError(t, err)
			row[j] = v
		}
		if i < ref.NTrain {
			Xtr, ytr = append(Xtr, row), append(ytr, r[len(r)-1] == "1")
		} else {
			Xte, yte = append(Xte, row), append(yte, r[len(r)-1] == "1")
		}
	}
	return ref, Xtr, ytr, Xte, yte
}

func TestFitLogisticReference(t *testing.T) {
	ref, Xtr, ytr, Xte, yte := loadSynthetic(t)
	fit, err := FitLogistic(Xtr, ytr, &LogisticOptions{Names: ref.Features})
	require.NoError(t, err)
	// refdata churn/expected.json "logit" (statsmodels 0.13.5): 1e-6 relative per the brief.
	const rel = 1e-6
	terms := fit.Summary(0.95)
	var beta, se, z, p []float64
	for _, tm := range terms {
		beta, se, z, p = append(beta, tm.Estimate), append(se, tm.StdErr), append(z, tm.Z), append(p, tm.P)
	}
	requireRel(t, ref.Logit.Params, beta, rel, "params")
	requireRel(t, ref.Logit.BSE, se, rel, "bse")
	requireRel(t, ref.Logit.Z, z, rel, "z")
	requireRel(t, ref.Logit.P, p, rel, "p")
	requireRel(t,
		[]float64{ref.Logit.LLF, ref.Logit.LLNull, ref.Logit.AIC, ref.Logit.BIC, ref.Logit.PRSquared},
		[]float64{fit.LogLikelihood, fit.NullLogLikelihood, fit.AIC(), fit.BIC(), fit.McFaddenR2()}, rel, "llf, llnull, aic, bic, prsquared")

	// refdata "test_metrics_of_logit" (scikit-learn on the statsmodels fit): 1e-9.
	probs := make([]float64, len(Xte))
	for i, x := range Xte {
		probs[i] = fit.Prob(x)
	}
	got := []float64{AUC(probs, yte), LogLoss(probs, yte, nil), Brier(probs, yte, nil), AveragePrecision(probs, yte, nil)}
	want := []float64{ref.Test.AUC, ref.Test.LogLoss, ref.Test.Brier, ref.Test.AP}
	require.Len(t, got, 4)
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-9, "metric %d", i)
	}

	// refdata "l2_lambda10": the exact minimiser of −ℓ + (10/2)·Σβ_j² on the
	// raw features, intercept unpenalised (the default penalty scale).
	pen, err := FitLogistic(Xtr, ytr, &LogisticOptions{L2: 10})
	require.NoError(t, err)
	requireRel(t, ref.L2Lambda10.Params, append([]float64{pen.Intercept}, pen.Coef...), 1e-6, "l2 params")
}

func TestFitLogisticWeights(t *testing.T) {
	X, y := spectorXY()
	// Frequency weights fit like duplicated rows (MODELS.md §11, checked there to 2e-13).
	w := make([]float64, len(X))
	var Xd [][]float64
	var yd []bool
	for i := range X {
		w[i] = float64(1 + i%3)
		for range int(w[i]) {
			Xd, yd = append(Xd, X[i]), append(yd, y[i])
		}
	}
	wc := slices.Clone(w)
	fw, err := FitLogistic(X, y, &LogisticOptions{Weights: w})
	require.NoError(t, err)
	assert.Equal(t, wc, w, "weights modified")
	fd, err := FitLogistic(Xd, yd, nil)
	require.NoError(t, err)
	requireRel(t, append([]float64{fd.Intercept}, fd.Coef...), append([]float64{fw.Intercept}, fw.Coef...), 1e-9, "beta")
	requireRel(t, append([]float64{fd.InterceptStdErr}, fd.StdErr...), append([]float64{fw.InterceptStdErr}, fw.StdErr...), 1e-9, "SE")
	assert.InEpsilon(t, fd.LogLikelihood, fw.LogLikelihood, 1e-12)
	assert.Equal(t, float64(len(Xd)), fw.N)

	// Balanced classes equal explicit weights n/(2·n_c): 11 of 32 improved,
	// so w = 32/22 for positives and 32/42 for negatives.
	fb, err := FitLogistic(X, y, &LogisticOptions{BalanceClasses: true})
	require.NoError(t, err)
	bw := make([]float64, len(y))
	for i := range y {
		bw[i] = 32.0 / 42
		if y[i] {
			bw[i] = 32.0 / 22
		}
	}
	fe, err := FitLogistic(X, y, &LogisticOptions{Weights: bw})
	require.NoError(t, err)
	requireRel(t, append([]float64{fe.Intercept}, fe.Coef...), append([]float64{fb.Intercept}, fb.Coef...), 1e-12, "balanced beta")
}

// oneFeature makes an n×1 design.
func oneFeature(x ...float64) [][]float64 {
	X := make([][]float64, len(x))
	for i, v := range x {
		X[i] = []float64{v}
	}
	return X
}

func TestFitLogisticSeparation(t *testing.T) {
	y := []bool{false, false, false, true, true, true}
	// MODELS.md §11 separation examples.
	for _, tc := range []struct {
		name string
		X    [][]float64
		kind string
	}{
		{"complete x=1..6", oneFeature(1, 2, 3, 4, 5, 6), "complete separation"},
		{"quasi x=1,2,3,3,4,5", oneFeature(1, 2, 3, 3, 4, 5), "quasi-complete separation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fit, err := FitLogistic(tc.X, y, &LogisticOptions{Names: []string{"visits"}})
			require.ErrorIs(t, err, ErrSeparation)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), tc.kind)
			assert.Contains(t, err.Error(), "visits")
			require.NotNil(t, fit, "the best estimate comes with the error")
			assert.Greater(t, fit.Coef[0], 10.0, "slope diverging upwards")
			// A penalty makes the estimate exist.
			_, err = FitLogistic(tc.X, y, &LogisticOptions{L2: 0.1})
			require.NoError(t, err)
		})
	}
	// Spector is not separated (LP optimum 0 per MODELS.md) and fits cleanly: see TestFitLogisticSpector.
}

func TestFitLogisticCollinear(t *testing.T) {
	X, y := spectorXY()
	names := []string{"GPA", "TUCE", "GPA copy", "PSI"}
	dup := make([][]float64, len(X))
	lin := make([][]float64, len(X))
	constant := make([][]float64, len(X))
	for i, r := range X {
		dup[i] = []float64{r[0], r[1], r[0], r[2]}
		lin[i] = []float64{r[0], r[1], 2*r[0] - 0.5*r[1] + 3, r[2]}
		constant[i] = []float64{r[0], r[1], 7, r[2]}
	}
	for _, tc := range []struct {
		name  string
		X     [][]float64
		parts []string
	}{
		{"duplicate", dup, []string{"column 0 (GPA)", "column 2 (GPA copy)"}},
		{"linear combination", lin, []string{"column 0 (GPA)", "column 1 (TUCE)", "column 2 (GPA copy)"}},
		{"constant", constant, []string{"column 2 (GPA copy)", "constant"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitLogistic(tc.X, y, &LogisticOptions{Names: names})
			require.ErrorIs(t, err, clv.ErrSingular)
			for _, p := range tc.parts {
				assert.Contains(t, err.Error(), p)
			}
			assert.NotContains(t, err.Error(), "PSI")
		})
	}
}

func TestFitLogisticBadInput(t *testing.T) {
	X, y := spectorXY()
	nan := cloneRows(X)
	nan[5][1] = math.NaN()
	inf := cloneRows(X)
	inf[7][0] = math.Inf(-1)
	ragged := cloneRows(X)
	ragged[3] = ragged[3][:2]
	negW := make([]float64, len(X))
	for i := range negW {
		negW[i] = 1
	}
	negW[4] = -1
	for _, tc := range []struct {
		name     string
		X        [][]float64
		y        []bool
		opt      *LogisticOptions
		sentinel error
		row      int
	}{
		{"NaN feature", nan, y, nil, clv.ErrInvalid, 5},
		{"Inf feature", inf, y, nil, clv.ErrInvalid, 7},
		{"ragged row", ragged, y, nil, clv.ErrInvalid, 3},
		{"single class", X, make([]bool, len(X)), nil, clv.ErrInvalid, -1},
		{"no rows", nil, nil, nil, clv.ErrEmpty, -1},
		{"negative weight", X, y, &LogisticOptions{Weights: negW}, clv.ErrInvalid, 4},
		{"zero weights", X, y, &LogisticOptions{Weights: make([]float64, len(X))}, clv.ErrEmpty, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Xc, yc := cloneRows(tc.X), slices.Clone(tc.y)
			fit, err := FitLogistic(tc.X, tc.y, tc.opt)
			require.ErrorIs(t, err, tc.sentinel)
			assert.Nil(t, fit)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, "churn.FitLogistic", de.Func)
			if tc.X != nil {
				assert.Equal(t, len(Xc), len(tc.X))
				for i := range Xc {
					assert.True(t, slices.EqualFunc(Xc[i], tc.X[i], func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }))
				}
				assert.Equal(t, yc, tc.y)
			}
		})
	}
}

func TestLogisticReasons(t *testing.T) {
	X, y := spectorXY()
	fit, err := FitLogistic(X, y, &LogisticOptions{Names: []string{"GPA", "TUCE", "PSI"}})
	require.NoError(t, err)
	x := []float64{3.9, 20, 1}
	xc := slices.Clone(x)
	rs := fit.Reasons(x)
	assert.Equal(t, xc, x)
	require.Len(t, rs, 3)
	// Identity: Σ β_j(x_j − x̄_j) = η(x) − η(x̄).
	var sum float64
	for i, r := range rs {
		sum += r.Contribution
		assert.InDelta(t, fit.Coef[r.Feature]*(x[r.Feature]-fit.Mean[r.Feature]), r.Contribution, 1e-12)
		if i > 0 {
			assert.GreaterOrEqual(t, math.Abs(rs[i-1].Contribution), math.Abs(r.Contribution))
		}
	}
	assert.InDelta(t, fit.LogOdds(x)-fit.LogOdds(fit.Mean), sum, 1e-12)
	// Hand: PSI contributes 2.378687655·(1 − 14/32) = 1.3380118; GPA 2.826112595·(3.9 − 3.1171875) = 2.2123163.
	assert.Equal(t, "GPA", rs[0].Name)
	assert.InDelta(t, 2.2123163, rs[0].Contribution, 1e-6)
	assert.Equal(t, "PSI", rs[1].Name)
	assert.InDelta(t, 1.3380118, rs[1].Contribution, 1e-6)
	assert.True(t, math.IsNaN(fit.Prob([]float64{math.NaN(), 1, 1})))
}

func TestFitLogisticNotConverged(t *testing.T) {
	X, y := spectorXY()
	fit, err := FitLogistic(X, y, &LogisticOptions{MaxIterations: 2})
	require.ErrorIs(t, err, clv.ErrNotConverged)
	require.False(t, errors.Is(err, ErrSeparation))
	var de *clv.DataError
	require.False(t, errors.As(err, &de), "stopping early is not bad data: %v", err)
	require.True(t, strings.HasPrefix(err.Error(), "churn.FitLogistic: "), err.Error())
	require.NotNil(t, fit)
	assert.False(t, fit.Converged)
}

func TestFitLogisticOverflow(t *testing.T) {
	// Values whose sum overflows float64 cannot be standardised: an error, not NaN coefficients.
	X := oneFeature(1e308, -1e308, 1e308, 1e308, -1e308, 0)
	_, err := FitLogistic(X, labels(0, 1, 1, 0, 0, 1), nil)
	require.ErrorIs(t, err, clv.ErrInvalid)
}
