package clv_test

import (
	"errors"
	"math"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// FuzzConditionalPredictions checks ProbNoPurchase and
// ConditionalProbPurchases of BGNBD, MBGNBD and ParetoNBD over the box of
// FuzzBGPredictions: probabilities in [0, 1], P0 non-increasing in t (to
// the 1e-9 accuracy of the evaluation paths) and at least the probability
// of being dead.
func FuzzConditionalPredictions(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, uint16(2), 0.78, 38.86, 39.0, 52.0, uint16(3))
	f.Add(100.0, 4.414, 0.793, 2.426, uint16(0), 0.0, 0.0, 52.0, 104.0, uint16(0))
	f.Add(1000.0, 4.414, 0.793, 2.426, uint16(1000), 0.99, 100.0, 52.0, 1e4, uint16(10))
	f.Add(0.999, 0.0, 0.999, 0.0, uint16(10000), 1.0, 0.999, 0.999, 0.0, uint16(10000))
	f.Fuzz(func(t *testing.T, ur, ualpha, ua, ub float64, x16 uint16, txFrac, uT, ut1, ut2 float64, n16 uint16) {
		r, alpha, a, b, c, t1, t2, ok := fuzzBGBox(ur, ualpha, ua, ub, x16, txFrac, uT, ut1, ut2)
		if !ok {
			return
		}
		n := int(n16%200) + 1
		pn := clv.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b}
		if a > 1e4 || b > 1e4 {
			pn.S, pn.Beta = 1+math.Mod(a, 1e4), 1+math.Mod(b, 1e4)
		}
		const tol = 1e-9
		for _, m := range []conditionalPMF{clv.BGNBD{R: r, Alpha: alpha, A: a, B: b}, clv.MBGNBD{R: r, Alpha: alpha, A: a, B: b}, pn} {
			p1, p2 := m.ProbNoPurchase(c, t1), m.ProbNoPurchase(c, t2)
			if !(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1) || p2 > p1*(1+tol) || p2 < (1-m.PAlive(c))*(1-tol)-1e-12 {
				t.Fatalf("%+v ProbNoPurchase(%+v, %v, %v) = %v, %v (P(alive) %v)", m, c, t1, t2, p1, p2, m.PAlive(c))
			}
			if p := m.ConditionalProbPurchases(c, n, t2); !(p >= 0 && p <= 1) {
				t.Fatalf("%+v ConditionalProbPurchases(%+v, %d, %v) = %v", m, c, n, t2, p)
			}
		}
	})
}

// FuzzIntervals feeds arbitrary customers, covariates and options to the
// interval functions: they must not panic, and every error is a
// *DataError.
func FuzzIntervals(f *testing.F) {
	f.Add(2.0, 30.43, 38.86, 22.35, 1.0, 0.9, uint8(0), 39.0, 0.5)
	f.Add(0.0, 0.0, 10.0, 0.0, 0.0, 0.0, uint8(1), 5.0, 0.0)
	f.Add(-1.0, math.NaN(), math.Inf(1), -3.0, -1.0, 2.0, uint8(3), -1.0, math.NaN())
	f.Add(1e4, 99.0, 100.0, 1e300, 1e300, 0.5, uint8(2), 1e4, 1e300)
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	fit := clv.Fit{Cov: [][]float64{{1.6e-4, 3.7e-3, -8.8e-5, 6.6e-5}, {3.7e-3, 0.143, -2.9e-3, 1.05e-2}, {-8.8e-5, -2.9e-3, 3.4e-2, 0.123}, {6.6e-5, 1.05e-2, 0.123, 0.498}}}
	ggFit := clv.Fit{Cov: [][]float64{{1.4, -0.23, -4.8}, {-0.23, 0.084, 0.5}, {-4.8, 0.5, 17.3}}}
	bgCov := clv.BGNBDCov{BGNBD: bg, Purchase: []float64{0.3}}
	covFit := clv.Fit{Cov: make([][]float64, 5)}
	for i := range covFit.Cov {
		covFit.Cov[i] = make([]float64, 5)
		if i < 4 {
			copy(covFit.Cov[i], fit.Cov[i])
		}
	}
	covFit.Cov[4][4] = 0.01
	ggCov := clv.GammaGammaCov{GammaGamma: gg, Spend: []float64{0.2}}
	ggCovFit := clv.Fit{Cov: [][]float64{{1.4, -0.23, -4.8, 0}, {-0.23, 0.084, 0.5, 0}, {-4.8, 0.5, 17.3, 0}, {0, 0, 0, 0.01}}}
	f.Fuzz(func(t *testing.T, x, tx, T, monetary, weight, level float64, kind uint8, horizon, z float64) {
		cs := []clv.Customer{{Frequency: x, Recency: tx, T: T, Monetary: monetary, Weight: weight}, {Frequency: 1, Recency: 5, T: 20, Monetary: 10}}
		opt := clv.ValueOptions{Period: week, Horizon: 3, Discount: 0.01, Margin: 0.5}
		cov := clv.Covariates{Purchase: [][]float64{{z}, {0}}}
		check := func(err error) {
			var de *clv.DataError
			var be *clv.BootstrapError
			if err != nil && !errors.As(err, &de) && !errors.As(err, &be) {
				t.Fatalf("%T %v", err, err)
			}
		}
		for _, iv := range []clv.IntervalOptions{{Level: level}, {Level: level, Method: clv.ParameterDraws, Draws: 20}, {Level: level, Method: clv.Bootstrap, Draws: 2}} {
			_, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, iv)
			check(err)
			pred := clv.Prediction{Kind: clv.PredictionKind(kind % 5), Horizon: horizon, Rate: horizon}
			_, _, err = clv.PredictionIntervals(bg, fit, cs, pred, iv)
			check(err)
			_, _, err = clv.ScoreWithIntervalsCov(bgCov, covFit, gg, ggFit, cs, cov, opt, iv)
			check(err)
			_, _, err = clv.PredictionIntervalsCov(bgCov, covFit, cs, cov, pred, iv)
			check(err)
			_, _, err = clv.ScoreWithIntervalsSpendCov(bgCov, covFit, ggCov, ggCovFit, cs, cov, clv.SpendCovariates{Spend: cov.Purchase}, opt, iv)
			check(err)
		}
		_, err := clv.ValueSensitivity(bg, gg, cs, opt, clv.SensitivityOptions{Margins: []float64{level}, Discounts: []float64{horizon}})
		check(err)
	})
}
