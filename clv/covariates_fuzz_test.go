package clv_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// FuzzCovariateFits runs the fits with covariates on a small base (made
// discrete for FitBGBBCov) whose covariate values, layout, Shared list and
// L2 the fuzzer sets, NaN and ±Inf included: no panic, no modified input, a typed error (bad or
// singular covariates included) or finite estimates, and per-customer
// models that score. Finite values are folded into [−8, 8]: one customer
// with a covariate of 60 among 0s and 1s drives the Pareto/NBD fit to a
// scale of 1e-15 for that customer, where each 2F1 takes a quadrature, and
// the fit (which ends with ErrNotConverged) takes seconds.
func FuzzCovariateFits(f *testing.F) {
	f.Add(uint8(3), 0.5, -1.0, uint8(0), int8(-1), 0.0, uint8(2), uint8(1))
	f.Add(uint8(17), math.NaN(), 2.0, uint8(1), int8(0), 5.0, uint8(1), uint8(2))
	f.Add(uint8(0), 0.0, 0.0, uint8(2), int8(3), -1.0, uint8(3), uint8(0))
	f.Add(uint8(9), 1e300, math.Inf(-1), uint8(0), int8(0), math.Inf(1), uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, row uint8, v1, v2 float64, col uint8, shared int8, l2 float64, nPurchase, nDropout uint8) {
		all, base := covSmall()
		cs := all[:40]
		cov := clv.Covariates{L2: l2}
		if shared >= 0 {
			cov.Shared = []int{int(shared)}
		}
		np, nd := int(nPurchase%4), int(nDropout%3)
		for i := range cs {
			if np > 0 {
				cov.Purchase = append(cov.Purchase, append([]float64(nil), base.Purchase[i][:np]...))
			}
			if nd > 0 {
				cov.Dropout = append(cov.Dropout, append([]float64(nil), base.Dropout[i][:nd]...))
			}
		}
		fold := func(v float64) float64 {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return v
			}
			return math.Mod(v, 8)
		}
		v1, v2 = fold(v1), fold(v2)
		i := int(row) % len(cs)
		if np > 0 {
			cov.Purchase[i][int(col)%np] = v1
		}
		if nd > 0 {
			cov.Dropout[i][int(col)%nd] = v2
		}
		before, csBefore := fmt.Sprint(cov), fmt.Sprint(cs)
		opt := &clv.FitOptions{MaxIterations: 50}
		typed := func(name string, err error) {
			if err != nil && !typedFitError(err) && !errors.Is(err, clv.ErrSingular) {
				t.Fatalf("%s: untyped error %v", name, err)
			}
		}
		pm, fit, err := clv.FitParetoNBDCov(cs, cov, opt)
		typed("FitParetoNBDCov", err)
		if !errors.Is(err, clv.ErrSingular) {
			checkFitOutcome(t, "FitParetoNBDCov", []float64{pm.R, pm.Alpha, pm.S, pm.Beta}, fit, err)
		}
		bm, fit, err := clv.FitBGNBDCov(cs, cov, opt)
		typed("FitBGNBDCov", err)
		if !errors.Is(err, clv.ErrSingular) {
			checkFitOutcome(t, "FitBGNBDCov", []float64{bm.R, bm.Alpha, bm.A, bm.B}, fit, err)
		}
		if err == nil {
			models, err := bm.Models(cov)
			typed("BGNBDCov.Models", err)
			if err == nil {
				_, err = clv.ScoreEach(models, ggPub, cs, clv.ValueOptions{Period: week, Horizon: 3, Margin: 1})
				typed("ScoreEach", err)
			}
		}
		mm, fit, err := clv.FitMBGNBDCov(cs, cov, opt)
		typed("FitMBGNBDCov", err)
		if !errors.Is(err, clv.ErrSingular) {
			checkFitOutcome(t, "FitMBGNBDCov", []float64{mm.R, mm.Alpha, mm.A, mm.B}, fit, err)
		}
		gm, fit, err := clv.FitBGBBCov(discrete(cs), cov, opt)
		typed("FitBGBBCov", err)
		if !errors.Is(err, clv.ErrSingular) {
			checkFitOutcome(t, "FitBGBBCov", []float64{gm.Alpha, gm.Beta, gm.Gamma, gm.Delta}, fit, err)
		}
		if err == nil {
			models, err := gm.Models(cov)
			typed("BGBBCov.Models", err)
			if err == nil {
				_, err = clv.ScoreEach(models, ggPub, discrete(cs), clv.ValueOptions{Period: week, CashFlow: week, Horizon: 3, Margin: 1})
				typed("ScoreEach", err)
			}
		}
		if fmt.Sprint(cov) != before || fmt.Sprint(cs) != csBefore {
			t.Fatal("input modified")
		}
	})
}
