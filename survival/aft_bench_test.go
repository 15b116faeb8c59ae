package survival_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// simulateWeibullAFT draws n subjects with k standard-normal covariates
// from log T = 2 + Σ_j 0.1·(−1)^j·x_j + 0.7·ε (ε extreme value), censored
// at an independent uniform time on (0, 40), about 30% of rows.
func simulateWeibullAFT(n, k int, seed uint64) ([]survival.Observation, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 0))
	obs := make([]survival.Observation, n)
	X := make([][]float64, n)
	for i := range obs {
		X[i] = make([]float64, k)
		eta := 2.0
		for j := range X[i] {
			X[i][j] = rng.NormFloat64()
			eta += 0.1 * float64(1-2*(j%2)) * X[i][j]
		}
		eps := math.Log(-math.Log(1 - rng.Float64())) // extreme value (minimum)
		t := math.Exp(eta + 0.7*eps)
		c := 40 * (1 - rng.Float64())
		obs[i] = survival.Observation{Time: math.Min(t, c), Event: t <= c}
	}
	return obs, X
}

// BenchmarkFitAFT times a Weibull fit with 10 covariates. The 1e6 tier is
// the target of issue 14 (≤ 2 s on two cores); bench/aft times R's survreg
// on the same kind of data.
func BenchmarkFitAFT(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			obs, X := simulateWeibullAFT(n, 10, 14)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.FitAFT(obs, X, survival.Weibull, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
