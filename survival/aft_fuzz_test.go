package survival_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// FuzzFitAFT feeds FitAFT decodeObs' rows with one covariate (the row's
// fourth byte, so it may be constant or collinear) under every
// distribution: it must not panic, must not modify its input, must return
// either a *DataError, ErrNotConverged with an estimate, or a fit whose
// log-likelihood is finite, and the fit's Lifetime must give a survival
// probability.
func FuzzFitAFT(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(0))
	}
	f.Add([]byte{8, 0, 64, 1, 16, 0, 0, 2, 16, 4, 64, 1, 24, 8, 32, 5, 30, 1, 64, 1}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, dist uint8) {
		obs := decodeObs(data)
		X := make([][]float64, len(obs))
		for i := range X {
			X[i] = []float64{float64(data[4*i+3] >> 1 & 3)}
		}
		before := fmt.Sprint(obs, X)
		m, err := survival.FitAFT(obs, X, survival.AFTDist(dist%5), nil)
		if fmt.Sprint(obs, X) != before {
			t.Fatal("FitAFT modified its input")
		}
		var de *survival.DataError
		switch {
		case errors.As(err, &de):
			if m != nil {
				t.Fatalf("a fit with a data error: %v", err)
			}
			return
		case errors.Is(err, survival.ErrNotConverged):
			if m == nil {
				t.Fatalf("no estimate with %v", err)
			}
			return
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		}
		if math.IsNaN(m.LogLikelihood) || math.IsInf(m.LogLikelihood, 0) {
			t.Fatalf("log-likelihood %g", m.LogLikelihood)
		}
		if s := m.For(X[0]).Survival(1); !(s >= 0 && s <= 1) {
			t.Fatalf("S(1) = %g", s)
		}
	})
}
