package survival_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// decodeCox turns fuzz bytes into a Cox problem: the rows of decodeObs,
// two covariates per row from the same bytes (small values, so ties,
// constant and collinear columns all occur), strata from the row parity
// when the first byte is odd, and the tie rule from the data length.
func decodeCox(data []byte) ([]survival.Observation, [][]float64, *survival.CoxOptions) {
	obs := decodeObs(data)
	x := make([][]float64, len(obs))
	for i := range x {
		b := data[4*i : 4*i+4]
		x[i] = []float64{float64(b[0]%7) - 3, float64(b[2]%5) / 2}
		if b[3]&0x10 != 0 {
			x[i][1] = x[i][0] * 2 // collinear rows
		}
	}
	opt := &survival.CoxOptions{Ties: survival.CoxTies(len(data) % 3), MaxIterations: 30}
	if len(data) > 0 && data[0]%2 == 1 {
		opt.Strata = make([]int, len(obs))
		for i := range opt.Strata {
			opt.Strata[i] = i % 2
		}
	}
	return obs, x, opt
}

// checkFitError accepts a *DataError wrapping a sentinel (and no fit), or
// ErrNotConverged with a fit.
func checkFitError(t *testing.T, fit *survival.Cox, err error, rows int) {
	t.Helper()
	if errors.Is(err, survival.ErrNotConverged) {
		if fit == nil {
			t.Fatalf("%v without a fit", err)
		}
		return
	}
	if fit != nil {
		t.Fatalf("a fit with the data error %v", err)
	}
	checkDataError(t, err, rows)
}

func FuzzFitCox(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add([]byte{8, 0, 64, 1, 16, 0, 64, 0, 24, 0, 64, 1, 32, 0, 64, 1, 9, 3, 64, 1, 40, 4, 64, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, x, opt := decodeCox(data)
		before, xBefore := slices.Clone(obs), cloneRows(x)
		fit, err := survival.FitCox(obs, x, opt)
		if err != nil {
			checkFitError(t, fit, err, len(obs))
		}
		if fit != nil {
			for _, b := range fit.Coef {
				if math.IsNaN(b) {
					t.Fatalf("NaN coefficient: %v", fit.Coef)
				}
			}
			if c := fit.Concordance; !math.IsNaN(c) && (c < 0 || c > 1) {
				t.Fatalf("concordance %g", c)
			}
			_, _, _ = fit.PHTest()
			if len(fit.Baseline) > 0 {
				if _, err := fit.SurvivalCurve(x[0], fit.Baseline[0].Stratum, nil); err != nil {
					t.Fatalf("curve: %v", err)
				}
			}
			if _, err := fit.Residuals(obs, x, opt); err != nil {
				t.Fatalf("residuals: %v", err)
			}
		}
		if !slices.EqualFunc(before, obs, sameObs) || !slices.EqualFunc(xBefore, x, sameFloats) {
			t.Fatal("input modified")
		}
	})
}

func FuzzConcordance(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, x, opt := decodeCox(data)
		risk := make([]float64, len(x))
		for i, r := range x {
			risk[i] = r[0]
		}
		for _, o := range []*survival.ConcordanceOptions{nil, {Uno: true, Tau: 10},
			{Convention: survival.ConcordanceSksurv, Uno: true}, {Strata: opt.Strata}} {
			r, err := survival.Concordance(obs, risk, o)
			if err != nil {
				checkDataError(t, err, len(obs))
				continue
			}
			if !(r.C >= 0 && r.C <= 1) || math.IsNaN(r.StdErr) || r.StdErr < 0 {
				t.Fatalf("C %g ± %g", r.C, r.StdErr)
			}
		}
	})
}
