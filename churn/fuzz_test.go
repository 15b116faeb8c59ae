package churn

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// Fuzz targets for every exported churn entry point that takes user data
// (Build is fuzzed in features_test.go). Each asserts: no panic, errors
// are *clv.DataError, results finite or NaN only where documented,
// probabilities and metrics in their ranges, and the inputs unmodified.

// sameFloats compares slices treating NaN as equal to NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(p, q float64) bool { return p == q || (math.IsNaN(p) && math.IsNaN(q)) })
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// requireDataError fails unless err is a *clv.DataError of fn wrapping a
// package or clv sentinel, or a plain error of fn wrapping
// clv.ErrNotConverged (a fit that stopped early is not bad data).
func requireDataError(t *testing.T, err error, fn string) {
	t.Helper()
	var de *clv.DataError
	if errors.Is(err, clv.ErrNotConverged) {
		require.False(t, errors.As(err, &de), "non-convergence as a data error: %v", err)
		require.True(t, strings.HasPrefix(err.Error(), fn+": "), "%v", err)
		return
	}
	require.ErrorAs(t, err, &de)
	require.Equal(t, fn, de.Func)
	known := false
	for _, s := range []error{clv.ErrInvalid, clv.ErrEmpty, ErrSeparation, clv.ErrSingular} {
		known = known || errors.Is(err, s)
	}
	require.True(t, known, "unknown sentinel: %v", err)
}

func FuzzFitLogistic(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 4.0, uint8(0b0011), 0.0, int16(0), uint8(0), uint8(0))
	f.Add(1.0, 1.0, 1.0, 1.0, uint8(0b0101), 0.5, int16(0), uint8(0), uint8(0))
	f.Add(math.NaN(), 2.0, 3.0, 4.0, uint8(0b0110), 0.0, int16(0), uint8(0), uint8(0))
	f.Add(1e300, -1e300, 0.0, 5.0, uint8(0b1001), 1.0, int16(0), uint8(0), uint8(0))
	f.Add(0.3, 2.0, -1.0, 4.0, uint8(0b0110), 0.0, int16(-996), uint8(0b101), uint8(2))   // weights ~1e-300
	f.Add(0.3, 2.0, -1.0, 4.0, uint8(0b0110), 0.0, int16(0), uint8(0), uint8(1))          // intercept only
	f.Add(0.3, 2.0, -1.0, 4.0, uint8(0b0110), 1e300, int16(900), uint8(0b11), uint8(2|4)) // huge λ and weights, balanced
	f.Add(1e-170, 2e-170, -1e-170, 4e-170, uint8(0b0110), 0.0, int16(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, a, b, c, d float64, lab uint8, l2 float64, wexp int16, wpat, flags uint8) {
		if l2 < 0 || math.IsNaN(l2) || math.IsInf(l2, 0) {
			l2 = 0
		}
		X := [][]float64{{a, b}, {b, c}, {c, d}, {d, a}, {a + 1, c}, {b, d - 1}}
		if flags&1 != 0 {
			for i := range X {
				X[i] = X[i][:0]
			}
		}
		y := make([]bool, len(X))
		for i := range y {
			y[i] = lab>>(i%8)&1 == 1
		}
		var w []float64
		if flags&2 != 0 {
			w = make([]float64, len(X))
			for i := range w {
				// Weights 2^wexp·{0, 1, 3, 1/3}: zeros, ratios and extreme scales.
				w[i] = math.Ldexp([]float64{1, 0, 3, 1.0 / 3}[(wpat>>(2*(i%4)))&3], int(wexp))
			}
		}
		opt := &LogisticOptions{L2: l2, Weights: w, BalanceClasses: flags&4 != 0, PenalizeStandardized: flags&8 != 0}
		Xc, yc, wc := cloneRows(X), slices.Clone(y), slices.Clone(w)
		fit, err := FitLogistic(X, y, opt)
		for i := range X {
			require.True(t, sameFloats(Xc[i], X[i]), "X modified")
		}
		require.Equal(t, yc, y, "y modified")
		require.True(t, sameFloats(wc, w), "weights modified")
		if err != nil {
			requireDataError(t, err, "churn.FitLogistic")
		}
		if fit == nil {
			require.Error(t, err)
			return
		}
		k := len(X[0])
		require.Len(t, fit.Coef, k)
		require.Len(t, fit.StdErr, k)
		est := append([]float64{fit.Intercept}, fit.Coef...)
		for _, v := range est {
			require.True(t, isFinite(v), "non-finite estimate: %+v (err %v)", fit, err)
		}
		require.True(t, isFinite(fit.N) && fit.N > 0, "N = %v", fit.N)
		require.True(t, isFinite(fit.LogLikelihood) && fit.LogLikelihood <= 0, "ℓ = %v", fit.LogLikelihood)
		require.True(t, isFinite(fit.NullLogLikelihood) && fit.NullLogLikelihood <= 0, "ℓ0 = %v", fit.NullLogLikelihood)
		if err == nil {
			// At the maximum ℓ ≥ ℓ0 (the null model is a candidate), up to rounding.
			require.GreaterOrEqual(t, fit.LogLikelihood, fit.NullLogLikelihood*(1+1e-9)-1e-300, "ℓ < ℓ0: %+v", fit)
			// A standard error is 0 or +Inf only when its true value is
			// outside the float64 range (features near 1e±300 together
			// with extreme weights), never NaN.
			for _, se := range append([]float64{fit.InterceptStdErr}, fit.StdErr...) {
				require.True(t, se >= 0, "SE %v: %+v", se, fit)
			}
		}
		for _, x := range X {
			p := fit.Prob(x)
			require.True(t, p >= 0 && p <= 1, "Prob %v", p)
			fit.Reasons(x)
		}
		for _, tm := range fit.Summary(0.9) {
			require.True(t, math.IsNaN(tm.P) || (tm.P >= 0 && tm.P <= 1), "p-value %v", tm.P)
		}
		_, _, lrP := fit.LikelihoodRatio()
		require.True(t, math.IsNaN(lrP) || (lrP >= 0 && lrP <= 1), "LR p %v", lrP)
		fit.AIC()
		fit.BIC()
		fit.McFaddenR2()

		// Weights times a power of two scale exactly: the same estimates.
		if err == nil && w != nil && wexp > -900 && wexp < 900 {
			w2 := make([]float64, len(w))
			for i := range w {
				w2[i] = math.Ldexp(w[i], 64)
			}
			o2 := *opt
			o2.Weights = w2
			o2.L2 = math.Ldexp(l2, 64) // λ scales with ℓ
			if !math.IsInf(o2.L2, 0) {
				fit2, err2 := FitLogistic(X, y, &o2)
				require.NoError(t, err2)
				require.Equal(t, fit.Coef, fit2.Coef)
				require.Equal(t, fit.Intercept, fit2.Intercept)
			}
		}
	})
}

func FuzzLogisticScore(f *testing.F) {
	f.Add(0.5, 1.0, -2.0, 3.0, 4.0)
	f.Add(math.Inf(1), 1.0, -2.0, 3.0, 4.0)
	f.Add(0.0, math.Inf(1), math.Inf(1), 1.0, -1.0)
	f.Add(0.0, 1e308, 1e308, 1e308, 1e308)
	f.Fuzz(func(t *testing.T, b0, b1, b2, x1, x2 float64) {
		// A model built by hand (published coefficients): no Names, no
		// StdErr, no Mean.
		l := &Logistic{Intercept: b0, Coef: []float64{b1, b2}}
		x := []float64{x1, x2}
		eta := l.LogOdds(x)
		p := l.Prob(x)
		if math.IsNaN(eta) {
			require.True(t, math.IsNaN(p))
		} else {
			require.True(t, p >= 0 && p <= 1, "Prob %v at η %v", p, eta)
		}
		require.Equal(t, []float64{x1, x2}[0], x[0])
		terms := l.Summary(0.95)
		require.Len(t, terms, 3)
		require.Equal(t, "x1", terms[2].Name)
		l.Mean = []float64{0, 0}
		require.Len(t, l.Reasons(x), 2)
	})
}

func FuzzMetrics(f *testing.F) {
	f.Add(0.1, 0.4, 0.35, 0.8, uint8(0b1100), 1.0, int16(0), uint8(5), 0.5)
	f.Add(0.5, 0.5, 0.5, 0.5, uint8(0b0101), 0.0, int16(0), uint8(1), 0.0)
	f.Add(math.NaN(), 0.2, math.Inf(1), -1.0, uint8(0b0001), -2.0, int16(0), uint8(3), 1.0)
	f.Add(0.1, 0.4, 0.35, 0.8, uint8(0b1100), 1.0, int16(1000), uint8(200), 0.3)
	f.Add(0.1, 0.4, 0.35, 0.8, uint8(0b1100), 1.0, int16(-1070), uint8(2), 0.3)
	f.Fuzz(func(t *testing.T, a, b, c, d float64, bits uint8, w0 float64, wexp int16, bins uint8, frac float64) {
		s := []float64{a, b, c, d, a, c}
		y := make([]bool, len(s))
		for i := range y {
			y[i] = bits>>i&1 == 1
		}
		w := []float64{w0, 1, 1, 1, 2, 1}
		for i := range w {
			w[i] = math.Ldexp(w[i], int(wexp))
		}
		sc, yc, wc := slices.Clone(s), slices.Clone(y), slices.Clone(w)
		in01 := func(v float64, what string) {
			require.True(t, v >= 0 && v <= 1+1e-12, "%s %v", what, v)
		}
		validW, anyNaN := true, false
		var P, N float64
		for i, v := range w {
			validW = validW && v >= 0 && !math.IsInf(v, 1)
			anyNaN = anyNaN || math.IsNaN(s[i])
			if y[i] {
				P += v
			} else {
				N += v
			}
		}
		// Documented NaN: a NaN score, an invalid weight, or a class without weight.
		nanExpected := anyNaN || !validW || !(P > 0) || !(N > 0)
		for name, v := range map[string]float64{
			"AUC": WeightedAUC(s, y, w), "AP": AveragePrecision(s, y, w), "KS": KS(s, y, w),
		} {
			if nanExpected {
				require.True(t, math.IsNaN(v), "%s %v, want NaN", name, v)
			} else {
				in01(v, name)
			}
		}
		if roc := ROC(s, y, w); roc != nil {
			for _, pt := range roc {
				in01(pt.FPR, "FPR")
				in01(pt.TPR, "TPR")
			}
			require.Equal(t, 1.0, roc[len(roc)-1].TPR)
		}
		if ll := LogLoss(s, y, w); !math.IsNaN(ll) {
			require.True(t, ll >= 0 && ll <= 52*math.Ln2+1e-9, "LogLoss %v", ll)
		}
		if br := Brier(s, y, w); !math.IsNaN(br) {
			in01(br, "Brier")
		}
		nb := 1 + int(bins)
		if cal, err := Calibration(s, y, nb, QuantileBins); err == nil {
			total := 0
			for _, bn := range cal {
				in01(bn.FractionPositive, "fraction positive")
				in01(bn.MeanPredicted, "mean predicted")
				total += bn.Count
			}
			require.Equal(t, len(s), total)
		} else {
			requireDataError(t, err, "churn.Calibration")
		}
		if gs, err := Gains(s, y, 1+int(bins)%len(s)); err == nil {
			total := 0
			for _, g := range gs {
				total += g.Count
				in01(g.Gain, "gain")
				require.True(t, g.KS >= -1-1e-12 && g.KS <= 1+1e-12, "KS %v", g.KS)
			}
			require.Equal(t, len(s), total)
			require.InDelta(t, 1, gs[len(gs)-1].Gain, 1e-12)
		} else {
			requireDataError(t, err, "churn.Gains")
		}
		th, n := BudgetThreshold(s, frac)
		switch {
		case !(frac >= 0 && frac <= 1):
			require.True(t, math.IsNaN(th) && n == 0, "fraction %v: %v, %d", frac, th, n)
		case n == 0:
			require.True(t, math.IsInf(th, 1))
		default:
			require.LessOrEqual(t, n, int(math.Floor(frac*float64(len(s))+1e-9)))
		}
		cm := ConfusionAt(s, y, w, frac)
		if validW {
			require.True(t, cm.TP >= 0 && cm.FP >= 0 && cm.TN >= 0 && cm.FN >= 0, "%+v", cm)
		} else {
			require.True(t, math.IsNaN(cm.TP), "%+v", cm)
		}
		for _, v := range []float64{cm.Accuracy(), cm.Precision(), cm.Recall()} {
			require.True(t, math.IsNaN(v) || (v >= 0 && v <= 1), "rate %v", v)
		}
		require.True(t, sameFloats(sc, s), "scores modified")
		require.True(t, sameFloats(wc, w), "weights modified")
		require.Equal(t, yc, y)
	})
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte("aabbccddee"), uint8(0b10101), uint8(3), uint64(1), int16(30))
	f.Add([]byte(""), uint8(0), uint8(2), uint64(0), int16(-5))
	f.Add([]byte("a"), uint8(1), uint8(200), uint64(7), int16(0))
	f.Fuzz(func(t *testing.T, raw []byte, bits uint8, k uint8, seed uint64, horizon int16) {
		ids := make([]string, len(raw))
		y := make([]bool, len(raw))
		asOf := make([]time.Time, len(raw))
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i, r := range raw {
			ids[i] = string(rune('a' + r%16))
			y[i] = bits>>(i%8)&1 == 1
			asOf[i] = base.AddDate(0, 0, int(r))
		}
		idc, yc, ac := slices.Clone(ids), slices.Clone(y), slices.Clone(asOf)
		kk := 2 + int(k)%20
		folds, err := StratifiedGroupKFold(ids, y, kk, seed)
		if err != nil {
			requireDataError(t, err, "churn.StratifiedGroupKFold")
		} else {
			require.Len(t, folds, kk)
			seen := make([]int, len(ids))
			for _, fo := range folds {
				require.Equal(t, len(ids), len(fo.Train)+len(fo.Test))
				inTest := map[string]bool{}
				for _, i := range fo.Test {
					seen[i]++
					inTest[ids[i]] = true
				}
				for _, i := range fo.Train {
					require.False(t, inTest[ids[i]], "customer in train and test")
				}
			}
			for _, s := range seen {
				require.Equal(t, 1, s)
			}
		}
		cut := base.AddDate(0, 0, 128)
		train, test := TimeSplit(asOf, cut, int(horizon))
		for _, i := range test {
			require.False(t, asOf[i].Before(cut))
		}
		for _, i := range train {
			require.True(t, asOf[i].Before(cut) || horizon < 0)
		}
		require.Equal(t, idc, ids)
		require.Equal(t, yc, y)
		require.Equal(t, ac, asOf)
	})
}
