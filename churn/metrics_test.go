package churn

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/numeric"
)

func labels(bits ...int) []bool {
	out := make([]bool, len(bits))
	for i, b := range bits {
		out[i] = b == 1
	}
	return out
}

// The 20-point and skewed sets of MODELS.md §12.
var (
	y20 = labels(0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1)
	p20 = []float64{.05, .1, .12, .2, .22, .3, .35, .4, .45, .5, .55, .6, .6, .7, .72, .8, .85, .9, .95, .99}
	ySk = labels(0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1)
	pSk = []float64{.02, .03, .05, .05, .08, .1, .1, .12, .15, .2, .25, .3, .45, .5, .7, .9}
)

func TestRankingMetrics(t *testing.T) {
	// Expected values: MODELS.md §12 check table ([SK] scikit-learn 1.2.1)
	// and the scikit-learn documentation toy examples.
	for _, tc := range []struct {
		name        string
		y           []bool
		s           []float64
		auc, ap, ks float64
	}{
		{"sklearn roc_auc_score doc", labels(0, 0, 1, 1), []float64{.1, .4, .35, .8}, 0.75, 0.8333333333, 0.5},
		{"ties", labels(0, 0, 1, 1, 0, 1, 0, 1), []float64{.1, .4, .35, .8, .4, .4, 0, 1}, 0.8125, 0.8166666667, 0.5},
		{"20-point", y20, p20, 0.765625, 0.8322903948, 0.4583333333},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, yc := slices.Clone(tc.s), slices.Clone(tc.y)
			assert.InDelta(t, tc.auc, AUC(tc.s, tc.y), 1e-10)
			assert.InDelta(t, tc.ap, AveragePrecision(tc.s, tc.y, nil), 1e-10)
			assert.InDelta(t, tc.ks, KS(tc.s, tc.y, nil), 1e-10)
			assert.Equal(t, sc, tc.s)
			assert.Equal(t, yc, tc.y)
		})
	}
}

func TestProbabilityMetrics(t *testing.T) {
	// MODELS.md §12 and scikit-learn documentation values.
	for _, tc := range []struct {
		name         string
		y            []bool
		p            []float64
		logLoss      float64
		brier        float64
		checkLogLoss bool
		checkBrier   bool
	}{
		{"sklearn log_loss doc", labels(1, 0, 0, 1), []float64{.9, .1, .2, .65}, 0.2161618747, 0, true, false},
		{"sklearn brier doc", labels(0, 1, 1, 0), []float64{.1, .9, .8, .3}, 0, 0.0375, false, true},
		{"ties set", labels(0, 0, 1, 1, 0, 1, 0, 1), []float64{.1, .4, .35, .8, .4, .4, 0, 1}, 0.4145335214, 0.1440625, true, true},
		{"20-point", y20, p20, 0.5894161818, 0.203315, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ll, br := LogLoss(tc.p, tc.y, nil), Brier(tc.p, tc.y, nil)
			require.False(t, math.IsNaN(ll) || math.IsNaN(br))
			if tc.checkLogLoss {
				assert.InDelta(t, tc.logLoss, ll, 1e-10)
			}
			if tc.checkBrier {
				assert.InDelta(t, tc.brier, br, 1e-12)
			}
		})
	}
	// The ties set has p = 0 for a negative and p = 1 for a positive:
	// clipping at ε = 2^-52 adds only −ln(1−ε) ≈ 2.2e-16 each (hand).
	// A confident mistake costs −ln ε = 36.04365 (hand: 52·ln 2).
	assert.InDelta(t, 52*math.Ln2, LogLoss([]float64{0}, []bool{true}, nil), 1e-12)
	assert.True(t, math.IsNaN(LogLoss([]float64{1.2}, []bool{true}, nil)))
	assert.True(t, math.IsNaN(Brier(nil, nil, nil)))
}

func TestWeightedMetricsMatchDuplicates(t *testing.T) {
	// Integer weights must equal duplicated rows (definition in MODELS.md §12).
	w := make([]float64, len(p20))
	var pd []float64
	var yd []bool
	for i := range p20 {
		w[i] = float64(1 + (i*7)%4)
		for range int(w[i]) {
			pd, yd = append(pd, p20[i]), append(yd, y20[i])
		}
	}
	assert.InDelta(t, AUC(pd, yd), WeightedAUC(p20, y20, w), 1e-14)
	assert.InDelta(t, AveragePrecision(pd, yd, nil), AveragePrecision(p20, y20, w), 1e-14)
	assert.InDelta(t, KS(pd, yd, nil), KS(p20, y20, w), 1e-14)
	assert.InDelta(t, LogLoss(pd, yd, nil), LogLoss(p20, y20, w), 1e-14)
	assert.InDelta(t, Brier(pd, yd, nil), Brier(p20, y20, w), 1e-14)
	assert.Equal(t, ConfusionAt(pd, yd, nil, 0.5), ConfusionAt(p20, y20, w, 0.5))
}

func TestMetricSpecialCases(t *testing.T) {
	for _, f := range []func([]float64, []bool) float64{
		AUC,
		func(s []float64, y []bool) float64 { return AveragePrecision(s, y, nil) },
		func(s []float64, y []bool) float64 { return KS(s, y, nil) },
	} {
		assert.True(t, math.IsNaN(f([]float64{.1, .2}, labels(1, 1))), "single class")
		assert.True(t, math.IsNaN(f([]float64{math.NaN(), .2}, labels(0, 1))), "NaN score")
		assert.True(t, math.IsNaN(f(nil, nil)), "no rows")
	}
	assert.True(t, math.IsNaN(WeightedAUC([]float64{.1, .2}, labels(0, 1), []float64{1, -1})))
}

func TestROC(t *testing.T) {
	// sklearn roc_curve doc example (drop_intermediate=False):
	// thresholds inf, .8, .4, .35, .1; fpr 0, 0, .5, .5, 1; tpr 0, .5, .5, 1, 1.
	roc := ROC([]float64{.1, .4, .35, .8}, labels(0, 0, 1, 1), nil)
	require.Len(t, roc, 5)
	want := []ROCPoint{{math.Inf(1), 0, 0}, {.8, 0, .5}, {.4, .5, .5}, {.35, .5, 1}, {.1, 1, 1}}
	assert.Equal(t, want, roc)
}

func TestCalibration(t *testing.T) {
	// MODELS.md §12: (mean y, mean p, n) per non-empty bin.
	type bin struct {
		FractionPositive, MeanPredicted float64
		Count                           int
	}
	for _, tc := range []struct {
		name    string
		y       []bool
		p       []float64
		bins    int
		binning BinStrategy
		want    []bin
	}{
		{"20-point uniform B=5", y20, p20, 5, UniformBins, []bin{{0.25, 0.1175, 4}, {0.5, 0.3175, 4}, {0.6, 0.54, 5}, {1.0, 0.74, 3}, {0.75, 0.9225, 4}}},
		{"skewed uniform B=4", ySk, pSk, 4, UniformBins, []bin{{0.272727, 0.104545, 11}, {0.666667, 0.416667, 3}, {1, 0.7, 1}, {1, 0.9, 1}}},
		{"skewed quantile B=4", ySk, pSk, 4, QuantileBins, []bin{{0.25, 0.0375, 4}, {0.25, 0.1, 4}, {0.5, 0.225, 4}, {0.75, 0.6375, 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc := slices.Clone(tc.p)
			got, err := Calibration(tc.p, tc.y, tc.bins, tc.binning)
			require.NoError(t, err)
			assert.Equal(t, pc, tc.p)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				assert.InDelta(t, w.FractionPositive, got[i].FractionPositive, 1e-6, "bin %d", i)
				assert.InDelta(t, w.MeanPredicted, got[i].MeanPredicted, 1e-6, "bin %d", i)
				assert.Equal(t, w.Count, got[i].Count, "bin %d", i)
			}
		})
	}
	// MODELS.md §12 quantile edges 0.02, 0.0725, 0.135, 0.3375, 0.9.
	sorted := slices.Sorted(slices.Values(pSk))
	require.Len(t, sorted, 16)
	assert.InDeltaSlice(t, []float64{0.02, 0.0725, 0.135, 0.3375, 0.9},
		[]float64{numeric.Quantile7(sorted, 0), numeric.Quantile7(sorted, .25), numeric.Quantile7(sorted, .5), numeric.Quantile7(sorted, .75), numeric.Quantile7(sorted, 1)}, 1e-12)

	_, err := Calibration([]float64{0.5, 1.5}, labels(0, 1), 5, UniformBins)
	require.ErrorIs(t, err, clv.ErrInvalid)
	_, err = Calibration(nil, nil, 5, UniformBins)
	require.ErrorIs(t, err, clv.ErrEmpty)
}

func TestGains(t *testing.T) {
	// MODELS.md §12 quintiles of the 20-point set:
	// (n_g, pos, rate, lift, gain, cum lift, KS_g).
	want := [][7]float64{
		{4, 3, .75, 1.25, .25, 1.25, .125},
		{4, 4, 1, 1.6667, .5833, 1.4583, .4583},
		{4, 2, .5, .8333, .75, 1.25, .375},
		{4, 2, .5, .8333, .9167, 1.1458, .2917},
		{4, 1, .25, .4167, 1, 1, 0},
	}
	got, err := Gains(p20, y20, 5)
	require.NoError(t, err)
	require.Len(t, got, 5)
	for i, w := range want {
		g := got[i]
		assert.Equal(t, int(w[0]), g.Count)
		assert.Equal(t, int(w[1]), g.Positives)
		assert.InDeltaSlice(t, w[2:], []float64{g.Rate, g.Lift, g.Gain, g.CumLift, g.KS}, 5e-5, "group %d", i)
	}
	// Top group holds the four highest scores .99, .95, .9, .85 (MODELS.md §12 data).
	assert.Equal(t, .99, got[0].MaxScore)
	assert.Equal(t, .85, got[0].MinScore)

	// A tie straddling a group boundary is split in input order: .6 (row 11,
	// positive) and .6 (row 12, negative) are the 8th and 9th rows by score.
	assert.Equal(t, .6, got[2].MaxScore)
	assert.Equal(t, .6, got[1].MinScore)
	_, err = Gains(p20[:3], y20[:3], 5)
	require.ErrorIs(t, err, clv.ErrEmpty)
	_, err = Gains([]float64{.1, .2}, labels(1, 1), 2)
	require.ErrorIs(t, err, clv.ErrInvalid)
}

func TestBudgetThreshold(t *testing.T) {
	s := []float64{.9, .1, .5, .7, .7, .3, .2, .8, .7, .4}
	sc := slices.Clone(s)
	// Hand: sorted .9 .8 .7 .7 .7 .5 .4 .3 .2 .1.
	for _, tc := range []struct {
		fraction  float64
		threshold float64
		flagged   int
	}{
		{0.2, .8, 2},           // budget 2: .9, .8
		{0.3, .8, 2},           // budget 3 would split the .7 tie: keep 2
		{0.5, .7, 5},           // budget 5: through the whole tie
		{0.05, math.Inf(1), 0}, // budget floor(0.5) = 0
		{1, .1, 10},
	} {
		th, n := BudgetThreshold(s, tc.fraction)
		assert.Equal(t, tc.threshold, th, "fraction %v", tc.fraction)
		assert.Equal(t, tc.flagged, n, "fraction %v", tc.fraction)
		c := ConfusionAt(s, make([]bool, len(s)), nil, th)
		assert.Equal(t, float64(n), c.FP, "flagging score ≥ threshold flags exactly n")
	}
	assert.Equal(t, sc, s)
}
